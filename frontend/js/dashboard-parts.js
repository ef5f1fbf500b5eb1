// 一屏统览: pieces of the city dashboard — numbers in words, the data tables every chart has for
// screen readers, the ECharts widgets and the Leaflet map of the communities.
import { html } from "./templates.js";
import { leaflet, basemap, inside, keepLabelsApart } from "./maps.js";
import { has } from "./i18n.js";

// The order of the request states and the colour group of each (open, done, refused).
export const STATES = ["submitted", "accepted", "assigned", "in_progress", "reopened", "resolved", "closed",
  "rejected_or_duplicate"];
const STATE_COLOURS = { resolved: "#1b6b36", closed: "#1b6b36", rejected_or_duplicate: "#5c5c5c" };
const OPEN_COLOUR = "#0b4a7d";
const FILED = "#0b4a7d";
const RESOLVED = "#1b6b36";
const ALERT = "#8c1010";
const TEXT = "#141414";

/** 0.9167 → "91.7%"; null (nothing to rate yet) → "—". */
export function percent(ctx, rate) {
  if (rate == null) return ctx.t("dashboard.none");
  return new Intl.NumberFormat(ctx.lang, { style: "percent", maximumFractionDigits: 1 }).format(rate);
}

/** "2026-11" → "2026年11月" / "Nov 2026". */
export function monthLabel(ctx, month) {
  const [y, m] = month.split("-").map(Number);
  return new Intl.DateTimeFormat(ctx.lang, { year: "numeric", month: "short", timeZone: "UTC" })
    .format(new Date(Date.UTC(y, m - 1, 1)));
}

/** The twelve months up to this one (city time), newest first: the month picker's choices. */
export function recentMonths(now = new Date(), n = 12) {
  const local = new Date(now.getTime() + 8 * 3600 * 1000); // the cities are all UTC+8
  const out = [];
  for (let i = 0; i < n; i += 1) {
    const d = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth() - i, 1));
    out.push(`${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`);
  }
  return out;
}

/** A device type or department name from the API's {zh, en}, else the id. */
export function nameOf(ctx, item) {
  return item.name ? ctx.loc(item.name) : item.id;
}

/** What each chart shows, as rows of [label, value…]: drawn by ECharts and read by screen readers. */
export function rows(ctx, dash) {
  const r = dash.requests;
  const departments = r.by_department.filter((d) => d.filed > 0);
  return {
    byState: r.by_state.map((s) => [ctx.t(`dashboard.state.${s.id}`), s.count]),
    byDepartment: departments.map((d) => [nameOf(ctx, d), d.filed, d.resolved]),
    trend: r.trend.map((m) => [monthLabel(ctx, m.month), m.filed, m.resolved]),
    alertsByType: dash.alerts.by_type.map((a) => [nameOf(ctx, a), a.count]),
    alertsPerDay: dash.alerts.raised_per_day.map((d) => [d.date.slice(5), d.count]),
  };
}

/** A chart's numbers in one sentence (the chart's aria-label). */
export function sentence(ctx, title, data) {
  const items = data.map((row) => `${row[0]} ${row.slice(1).join(" / ")}`).join(ctx.t("dashboard.sep"));
  return ctx.t("dashboard.sentence", { title, items: items || ctx.t("dashboard.none") });
}

/** The data table under a chart, folded away for sighted users who have the chart. */
export function dataTable(ctx, caption, head, data) {
  return html`<details class="db-data">
    <summary>${ctx.t("dashboard.showData")}</summary>
    <table class="db-table">
      <caption>${caption}</caption>
      <thead><tr>${head.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead>
      <tbody>${data.map(([label, ...values]) => html`<tr><th scope="row">${label}</th>${values.map((v) => html`<td>${v}</td>`)}</tr>`)}</tbody>
    </table>
  </details>`;
}

// -- ECharts -------------------------------------------------------------------------------------

const BASE = {
  animation: false,
  textStyle: { color: TEXT, fontSize: 14 },
  // Drawn on the canvas, not as HTML: no tenant text ever becomes markup, and the page's
  // Content-Security-Policy (no inline styles) has nothing to refuse.
  tooltip: { trigger: "axis", renderMode: "richText", axisPointer: { type: "shadow" } },
  grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
};

function axisText() {
  return { color: TEXT, fontSize: 13 };
}

/** The legend on the title's line, at the right: the plot keeps the card's height. */
function legend(series) {
  return series.length > 1 ? { top: 0, right: 0, itemWidth: 14, itemHeight: 10, textStyle: axisText() } : undefined;
}

/** Horizontal bars: one or more series over categories (labels read top to bottom). Categories that
 *  count nothing are left out of the drawing (the data table keeps every row), so a small card shows
 *  the few that matter with their names, never a stack of squeezed, skipped labels. */
function bars(ctx, data, series) {
  const kept = data.filter((r) => r.slice(1).some((v) => Number(v) > 0));
  const shown = kept.length ? kept : data.slice(0, 1);
  const labels = shown.map((r) => r[0]).reverse();
  return {
    ...BASE,
    grid: { ...BASE.grid, top: series.length > 1 ? 24 : 8 },
    legend: legend(series),
    xAxis: { type: "value", minInterval: 1, splitNumber: 3, axisLabel: axisText() },
    yAxis: { type: "category", data: labels, axisLabel: { ...axisText(), interval: 0, width: 120, overflow: "truncate" } },
    series: series.map((s, i) => ({
      type: "bar", name: s.name, barMaxWidth: 16, barGap: "10%",
      label: { show: true, position: "right", color: TEXT, fontSize: 12, formatter: (p) => (p.value ? p.value : "") },
      itemStyle: { color: s.colour(0) }, // the legend's swatch
      data: shown.map((r) => ({ value: r[i + 1], itemStyle: { color: s.colour(data.indexOf(r)) } })).reverse(),
    })),
  };
}

/** Columns over time: bars for the first series, a line for the second. Labels level, as many as fit. */
function overTime(ctx, data, series, short = (v) => v) {
  return {
    ...BASE,
    grid: { ...BASE.grid, top: series.length > 1 ? 24 : 12 },
    legend: legend(series),
    xAxis: { type: "category", data: data.map((r) => r[0]),
             axisLabel: { ...axisText(), hideOverlap: true, formatter: short } },
    yAxis: { type: "value", minInterval: 1, splitNumber: 3, axisLabel: axisText() },
    series: series.map((s, i) => ({
      type: i === 0 ? "bar" : "line", name: s.name, barMaxWidth: 28, color: s.colour, symbolSize: 8,
      data: data.map((r) => r[i + 1]),
    })),
  };
}

export function chartOption(ctx, name, data) {
  const t = ctx.t;
  switch (name) {
    case "byState":
      return bars(ctx, data, [{ name: t("dashboard.requests"), colour: (n) => STATE_COLOURS[STATES[n]] || OPEN_COLOUR }]);
    case "byDepartment":
      return bars(ctx, data, [{ name: t("dashboard.filed"), colour: () => FILED },
        { name: t("dashboard.resolved"), colour: () => RESOLVED }]);
    case "trend":
      // the axis says the month (7月, Jul); the tooltip and the table keep the year
      return overTime(ctx, data, [{ name: t("dashboard.filed"), colour: FILED },
        { name: t("dashboard.resolved"), colour: RESOLVED }], (v) => v.replace(/^\d{4}年\s*|\s*\d{4}$/g, ""));
    case "alertsByType":
      return bars(ctx, data, [{ name: t("dashboard.openAlerts"), colour: () => ALERT }]);
    default:
      return overTime(ctx, data, [{ name: t("dashboard.raised"), colour: ALERT }]);
  }
}

/** A widget that draws one chart into its element; returns the cleanup. */
export function chartWidget(name) {
  return async (el, data, ctx) => {
    const echarts = await ctx.loadScript("vendor/echarts.min.js", "echarts");
    if (!el.isConnected) return null; // painted over while the library loaded
    const chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(chartOption(ctx, name, rows(ctx, data.dash)[name]));
    const resize = new ResizeObserver(() => chart.resize());
    resize.observe(el);
    return () => {
      resize.disconnect();
      chart.dispose();
    };
  };
}

// -- 误报率 ----------------------------------------------------------------------------------------

/** A device type's name: the console's short word (烟感), the safety screen's, the profile's from the
 *  dashboard, else the code. */
export function deviceTypeName(ctx, key, dash) {
  for (const prefix of ["console.device", "safety.device"]) {
    if (has(`${prefix}.${key}`)) return ctx.t(`${prefix}.${key}`);
  }
  const named = [...(dash?.alerts?.by_type || []), ...(dash?.devices?.by_type || [])].find((d) => d.id === key && d.name);
  return named ? ctx.loc(named.name) : key;
}

/** The month's false alarms by device type: [name, closed, false alarms, rate as words]. */
export function falseAlarmRows(ctx, data) {
  return (data.stats?.by_device_type || []).filter((r) => r.resolved > 0)
    .map((r) => [deviceTypeName(ctx, r.key, data.dash), r.resolved, r.false_alarms, percent(ctx, r.false_alarm_rate)]);
}

/** Bars of the false-alarm rate (0–100 %) by device type. */
export async function falseAlarmWidget(el, data, ctx) {
  const echarts = await ctx.loadScript("vendor/echarts.min.js", "echarts");
  if (!el.isConnected) return null;
  const list = (data.stats?.by_device_type || []).filter((r) => r.resolved > 0);
  const chart = echarts.init(el, null, { renderer: "canvas" });
  chart.setOption({
    ...BASE,
    tooltip: { ...BASE.tooltip, valueFormatter: (v) => `${v}%` },
    grid: { ...BASE.grid, right: 56 }, // room for "100%" beside the longest bar
    xAxis: { type: "value", min: 0, max: 100, axisLabel: { ...axisText(), formatter: "{value}%" } },
    yAxis: { type: "category", data: list.map((r) => deviceTypeName(ctx, r.key, data.dash)).reverse(),
             axisLabel: { ...axisText(), width: 120, overflow: "truncate" } },
    series: [{ type: "bar", name: ctx.t("dashboard.fa.rate"), barMaxWidth: 18, itemStyle: { color: ALERT },
               label: { show: true, position: "right", color: TEXT, formatter: "{c}%" },
               data: list.map((r) => Math.round((r.false_alarm_rate || 0) * 1000) / 10).reverse() }],
  });
  const resize = new ResizeObserver(() => chart.resize());
  resize.observe(el);
  return () => {
    resize.disconnect();
    chart.dispose();
  };
}

// -- Leaflet ---------------------------------------------------------------------------------------

/** The colour of a community's circle: the more open alerts, the darker (its label says the number). */
function alertColour(n) {
  if (n === 0) return "#1b6b36";
  return n < 3 ? "#8a4b00" : "#8c1010";
}

/** Communities as circles sized and coloured by their open alerts, each labelled with name and count,
 *  over the city's districts (or the configured tiles); the view shows the districts that hold them. */
export async function communityMap(el, data, ctx) {
  const L = await leaflet(ctx);
  if (!el.isConnected) return null;
  const places = data.dash.communities.filter((c) => c.location);
  if (!places.length) return null;
  const map = L.map(el, { scrollWheelZoom: false, keyboard: false, zoomSnap: 0.25 });
  const base = await basemap(L, map, ctx.session?.tenantId);
  if (!el.isConnected) return () => map.remove();
  let bounds = L.latLngBounds(places.map((c) => [c.location.lat, c.location.lng]));
  base.districts?.eachLayer((layer) => {
    const geometry = layer.feature?.geometry;
    if (geometry && places.some((c) => inside(geometry, c.location.lat, c.location.lng))) bounds = bounds.extend(layer.getBounds());
  });
  const fit = () => {
    if (places.length > 1 || base.districts) map.fitBounds(bounds, { padding: [24, 24] });
    else map.setView(bounds.getCenter(), 14);
  };
  fit();
  const markers = places.map((c) => {
    const n = c.open_alerts;
    const colour = alertColour(n);
    const radius = 10 + Math.min(n, 10) * 3;
    // The label goes through html``, which escapes the community's name.
    const label = String(html`${ctx.loc(c.name)} · ${ctx.t("dashboard.map.alerts", { n })}`);
    return L.circleMarker([c.location.lat, c.location.lng], {
      radius, color: colour, weight: 3, fillColor: colour, fillOpacity: 0.3,
      className: "db-spot",
    }).bindTooltip(label, { permanent: true, direction: "top", className: "db-label", offset: [0, -radius] }).addTo(map);
  });
  // the busiest communities' labels are placed first
  const order = markers.map((m, i) => [m, places[i].open_alerts]).sort((a, b) => b[1] - a[1]).map(([m]) => m);
  const stop = keepLabelsApart(map, order, { extra: base.labels });
  const resize = new ResizeObserver(() => {
    map.invalidateSize();
    fit(); // the cockpit's panels settle their sizes after the first drawing
  });
  resize.observe(el);
  return () => {
    resize.disconnect();
    stop();
    map.remove();
  };
}
