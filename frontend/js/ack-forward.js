// ack.html?c=<city>.<code> (the link in an alert SMS) → index.html#/ack?c=…, the 告警回复 screen.
// replace(): Back from the screen does not land on this page again. The code travels on in the hash,
// which never reaches a server log.
const code = new URLSearchParams(window.location.search).get("c") || "";
window.location.replace(`index.html#/ack${code ? `?c=${encodeURIComponent(code)}` : ""}`);
