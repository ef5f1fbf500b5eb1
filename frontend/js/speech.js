// Read aloud (朗读) with the browser's own speech synthesis: no audio leaves the device.
export function speechSupported() {
  return typeof window !== "undefined" && "speechSynthesis" in window && "SpeechSynthesisUtterance" in window;
}

export function speak(text, lang) {
  if (!speechSupported() || !text) return false;
  const synth = window.speechSynthesis;
  synth.cancel(); // a second press starts over instead of queueing
  const u = new SpeechSynthesisUtterance(text);
  u.lang = lang === "en" ? "en-US" : "zh-CN";
  const want = u.lang.slice(0, 2).toLowerCase();
  const voice = synth.getVoices().find((v) => v.lang.replace("_", "-").toLowerCase().startsWith(want));
  if (voice) u.voice = voice;
  u.rate = 0.9; // a little slower than the default: easier to follow
  synth.speak(u);
  return true;
}

export function stopSpeaking() {
  if (speechSupported()) window.speechSynthesis.cancel();
}
