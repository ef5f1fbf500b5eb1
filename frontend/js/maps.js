// Leaflet for every map of the site: the vendored copy with its stylesheet applied before a map is
// drawn (Leaflet sizes labels and controls from it), and the deployment's tile server from
// config.json — "mapTiles": "https://…/{z}/{x}/{y}.png" or {url, attribution, maxZoom}. Without one
// (the local stack has none) the markers stand on a plain background.
import { config } from "./config.js";

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
