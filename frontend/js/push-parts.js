// Alert pushes on this device: what the browser can do (supported, permission), this device's
// subscription at its push service, and the person's devices the API keeps. The service worker
// (sw.js, registered in app.js) shows what is pushed. No DOM here; screens render the state.
import { html, badge, button } from "./templates.js";
import { formatDateTime } from "./i18n.js";

const HERE = "cc.push.device"; // {id, endpoint} of the subscription this browser gave the API

/** "unsupported" | "denied" | "default" | "granted": what the browser lets this site do. */
export function permission() {
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) return "unsupported";
  return Notification.permission;
}

/** The public key as pushManager.subscribe wants it (applicationServerKey: bytes). */
function keyBytes(base64url) {
  const b64 = base64url.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (base64url.length % 4)) % 4);
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

/** A name the person recognises in the list: "Android 手机 · Chrome", "Windows 电脑 · Edge". */
export function deviceLabel(t, ua = navigator.userAgent) {
  const kind = /iPhone/.test(ua) ? "iphone" : /iPad/.test(ua) ? "ipad" : /Android/.test(ua)
    ? (/Mobile/.test(ua) ? "android" : "androidTablet") : /Windows/.test(ua) ? "windows"
    : /Mac OS X|Macintosh/.test(ua) ? "mac" : /Linux|CrOS/.test(ua) ? "linux" : "other";
  const browser = /Edg\//.test(ua) ? "Edge" : /MicroMessenger/.test(ua) ? t("push.browser.wechat")
    : /Firefox\//.test(ua) ? "Firefox" : /Chrome\//.test(ua) ? "Chrome" : /Safari\//.test(ua) ? "Safari" : "";
  const name = t(`push.deviceKind.${kind}`);
  return (browser ? `${name} · ${browser}` : name).slice(0, 40);
}

async function registration() {
  const reg = await navigator.serviceWorker.getRegistration();
  return reg || navigator.serviceWorker.register("sw.js", { scope: "./" });
}

/** This browser's subscription, and the id the API gave it when it is one of `devices`. */
export async function thisDevice(devices) {
  if (permission() === "unsupported") return { subscribed: false, id: null };
  let sub = null;
  try {
    sub = await (await registration()).pushManager.getSubscription();
  } catch {
    sub = null;
  }
  let saved = null;
  try {
    saved = JSON.parse(localStorage.getItem(HERE) || "null");
  } catch {
    saved = null; // not ours any more: this device is simply not recognised
  }
  const id = sub && saved && saved.endpoint === sub.endpoint && devices.some((d) => d.id === saved.id) ? saved.id : null;
  return { subscribed: Boolean(id), id };
}

/**
 * Ask for permission (it must follow the person's tap), subscribe at the browser's push service with
 * the deployment's key and give the subscription to the API. Resolves to the API's device, or to
 * {refused: "denied" | "service"} when the browser or its push service said no.
 */
export async function subscribeHere(api, publicKey, label) {
  const answer = await Notification.requestPermission();
  if (answer !== "granted") return { refused: answer === "denied" ? "denied" : "dismissed" };
  let sub;
  try {
    await registration(); // app.js registers sw.js at start; this covers a page that started without it
    const reg = await navigator.serviceWorker.ready; // subscribing needs the active worker
    sub = (await reg.pushManager.getSubscription())
      || await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(publicKey) });
  } catch {
    return { refused: "service" }; // the vendor's push service cannot be reached (offline, blocked)
  }
  const device = await api.post("/v1/me/push-subscriptions", { ...sub.toJSON(), device: label });
  localStorage.setItem(HERE, JSON.stringify({ id: device.id, endpoint: sub.endpoint }));
  return device;
}

/** Stop pushes here: the API forgets the device, the browser its subscription. The devices left. */
export async function unsubscribeHere(api, id) {
  const left = await api.del(`/v1/me/push-subscriptions/${encodeURIComponent(id)}`);
  try {
    const sub = await (await registration()).pushManager.getSubscription();
    if (sub) await sub.unsubscribe();
  } catch {
    // the API no longer pushes to it; the browser's subscription lapses on its own
  }
  localStorage.removeItem(HERE);
  return left;
}

/** The devices that receive pushes, this one marked, each with 取消. */
export function deviceList(ctx, devices, hereId) {
  if (!devices.length) return html`<p class="muted" data-push-devices="0">${ctx.t("push.noDevices")}</p>`;
  return html`<ul class="push-devices" data-push-devices="${devices.length}" aria-label="${ctx.t("push.devices")}">
    ${devices.map((d) => html`<li class="push-device" data-device="${d.id}">
      <span class="push-device__name">${d.device}${d.id === hereId ? html` ${badge(ctx.t("push.here"), "ok")}` : ""}</span>
      <span class="muted push-device__since">${ctx.t("push.since", { when: formatDateTime(d.created_at) })}</span>
      ${button(d.id === hereId ? ctx.t("push.offHere") : ctx.t("push.remove"),
               { action: d.id === hereId ? "pushOff" : "pushRemove", data: { id: d.id } })}
    </li>`)}
  </ul>`;
}
