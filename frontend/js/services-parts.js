// 一刻钟便民生活圈: pieces of the nearby-services screen — categories, opening hours in words,
// distance and walking time, the phone link, and the Leaflet map of the circle.
import { html, safeUrl } from "./templates.js";
import { leaflet, tileLayer } from "./maps.js";

export const CATEGORIES = ["elderly_care", "canteen", "clinic", "pharmacy", "supermarket", "property", "repair",
  "housekeeping", "express_locker", "laundry", "barber", "charging", "garbage_point"];
/** The few an older resident looks for most; elder mode offers only these. */
export const ELDER_CATEGORIES = ["canteen", "elderly_care", "clinic", "pharmacy", "supermarket"];
export const RADII = [500, 800, 1200, 1500, 2000];
export const CIRCLE_M = 1200; // 15 minutes on foot

// A handset (decorative: the text beside it says what the link does).
const PHONE = html`<svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M6.6 10.8a15.1 15.1 0 0 0 6.6 6.6l2.2-2.2a1 1 0 0 1 1-.25 11.4 11.4 0 0 0 3.6.57 1 1 0 0 1 1 1V20a1 1 0 0 1-1 1A17 17 0 0 1 3 4a1 1 0 0 1 1-1h3.5a1 1 0 0 1 1 1c0 1.25.2 2.45.57 3.57a1 1 0 0 1-.25 1z"/></svg>`;

const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/** {"mon-fri": "08:00-12:00,14:00-18:00", "sat": "09:00-12:00"} → "周一至周五 08:00–12:00、14:00–18:00；周六 …" */
export function hoursText(ctx, hours) {
  const entries = Object.entries(hours || {}).sort(([a], [b]) => DAYS.indexOf(a.slice(0, 3)) - DAYS.indexOf(b.slice(0, 3)));
  if (!entries.length) return ctx.t("services.hours.none");
  return entries.map(([days, ranges]) => {
    const [from, to] = days.split("-");
    let label;
    if (from === "mon" && to === "sun") label = ctx.t("services.days.everyday");
    else if (to) label = ctx.t("services.days.range", { from: ctx.t(`services.day.${from}`), to: ctx.t(`services.day.${to}`) });
    else label = ctx.t(`services.day.${from}`);
    const times = String(ranges).split(",").map((r) => r.trim().replace("-", "–"));
    const allDay = times.length === 1 && times[0] === "00:00–24:00";
    return `${label} ${allDay ? ctx.t("services.hours.allDay") : times.join(ctx.t("services.hours.sep"))}`;
  }).join(ctx.t("services.hours.daySep"));
}

export function distanceText(ctx, p) {
  const metres = p.distance_m >= 1000
    ? ctx.t("services.km", { km: (p.distance_m / 1000).toFixed(1) })
    : ctx.t("services.m", { m: p.distance_m });
  return ctx.t("services.distance", { distance: metres, minutes: p.walk_minutes });
}

export { PHONE };

export function phoneLink(ctx, phone, { kind = "secondary" } = {}) {
  if (!phone) return "";
  const href = safeUrl(`tel:${String(phone).replace(/[^\d+]/g, "")}`);
  return html`<a class="btn btn--${kind} sv-call" href="${href}">${PHONE}<span>${ctx.t("services.call", { phone })}</span></a>`;
}

/** Nearest first (the API sorts already; a tie keeps its order). */
export function byDistance(items) {
  return [...items].sort((a, b) => a.distance_m - b.distance_m);
}

/** The circle, home and numbered points (numbers match the list). Returns the cleanup. */
export async function drawMap(el, data, ctx) {
  const L = await leaflet(ctx);
  const origin = [data.origin.lat, data.origin.lng];
  const map = L.map(el, { scrollWheelZoom: false, keyboard: false, zoomSnap: 0.25 });
  map.fitBounds(L.latLng(origin).toBounds(data.radius_m * 2), { padding: [8, 8] });
  tileLayer(L)?.addTo(map);
  L.circle(origin, { radius: data.radius_m, color: "#0b4a7d", weight: 2, fillOpacity: 0.06,
                                    interactive: false }).addTo(map);
  L.circleMarker(origin, { radius: 8, color: "#8c1010", fillColor: "#8c1010", fillOpacity: 1, interactive: false })
    .addTo(map);
  data.items.forEach((p, i) => {
    // The number is ours (an integer), never tenant text: safe as the icon's markup.
    const pin = L.divIcon({ className: "sv-pin", html: String(i + 1), iconSize: [28, 28], iconAnchor: [14, 14] });
    L.marker([p.location.lat, p.location.lng], { icon: pin, interactive: false, keyboard: false }).addTo(map);
  });
  const observer = new ResizeObserver(() => map.invalidateSize());
  observer.observe(el);
  return () => {
    observer.disconnect();
    map.remove();
  };
}
