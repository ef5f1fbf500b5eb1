// 平台运维 (the platform operator's screen): its data, numbers in words, the tables every number
// is in, and the ECharts line charts of the CloudWatch dashboards.
import { html, badge, icon, empty } from "./templates.js";
import { has, formatDateTime } from "./i18n.js";

export const WINDOWS = [60, 360, 1440];
export const REFRESH_MS = 60_000;
const BASE = "/v1/platform/ops";

/** The window of a query string value: one of WINDOWS, else the first. */
export function windowOf(value) {
  const n = Number(value);
  return WINDOWS.includes(n) ? n : WINDOWS[0];
}

/** Everything the screen shows, read fresh: cities, alarms, the dashboards and the chosen one. */
export async function fetchAll(ctx, minutes, wanted) {
  const [cities, list, alarms] = await Promise.all([
    ctx.api.get(`${BASE}/cities`, { minutes }),
    ctx.api.get(`${BASE}/dashboards`),
    ctx.api.get(`${BASE}/alarms`),
  ]);
  const names = list.dashboards.map((d) => d.name);
  const name = names.includes(wanted) ? wanted : names[0] || "";
  const board = name ? await ctx.api.get(`${BASE}/dashboards/${encodeURIComponent(name)}`, { minutes }) : null;
  return { minutes, name, board, cities: cities.cities, dashboards: list.dashboards, alarms: alarms.alarms,
           fetchedAt: new Date().toISOString() };
}

// -- numbers ---------------------------------------------------------------------------------------

export function num(ctx, value, digits = 1) {
  if (value == null || Number.isNaN(value)) return ctx.t("ops.none");
  return new Intl.NumberFormat(ctx.lang, { maximumFractionDigits: digits }).format(value);
}

function share(ctx, used, limit) {
  if (!limit) return ctx.t("ops.none");
  const f = used / limit;
  if (used > 0 && f < 0.001) return ctx.t("ops.quota.tiny");
  return new Intl.NumberFormat(ctx.lang, { style: "percent", maximumFractionDigits: 1 }).format(f);
}

export function unitLabel(ctx, unit) {
  return has(`ops.unit.${unit}`) ? ctx.t(`ops.unit.${unit}`) : unit;
}

export function tierLabel(ctx, tier) {
  if (!tier) return ctx.t("ops.none");
  return has(`ops.tier.${tier}`) ? ctx.t(`ops.tier.${tier}`) : tier;
}

const STATUS_KIND = { active: "ok", suspended: "danger", retired: "neutral" };

export function statusBadge(ctx, status) {
  const label = has(`ops.status.${status}`) ? ctx.t(`ops.status.${status}`) : status;
  return badge(label, STATUS_KIND[status] || "neutral");
}

/** A city's health in one sentence (elder mode, and read aloud); figures not measured yet are left out. */
export function healthSentence(ctx, city, minutes) {
  const h = city.health;
  const parts = [
    ctx.t("ops.sentence.requests", { requests: num(ctx, h.requests), errors: num(ctx, h.errors) }),
    ctx.t("ops.sentence.readings", { readings: num(ctx, h.readings_per_min) }),
    h.devices_online == null ? ctx.t("ops.sentence.devicesUnknown")
      : ctx.t("ops.sentence.devices", { online: num(ctx, h.devices_online), total: num(ctx, h.devices_total) }),
    h.open_critical == null ? "" : ctx.t("ops.sentence.critical", { critical: num(ctx, h.open_critical) }),
    ctx.t("ops.sentence.alarms", { alarms: num(ctx, h.alarms_in_alarm) }),
  ].filter(Boolean);
  return ctx.t("ops.sentence.head", { name: ctx.loc(city.name), window: ctx.t(`ops.window.${minutes}`) })
    + parts.join(ctx.t("ops.sep")) + ctx.t("ops.sentence.end");
}

// -- tables ------------------------------------------------------------------------------------------

/** A wide table in a region that scrolls sideways on a phone (focusable, so keyboards can scroll it). */
export function scroller(ctx, label, table) {
  return html`<div class="ops-scroll" role="region" tabindex="0" aria-label="${label}">${table}</div>`;
}

/** Every city's health numbers, one row per city. */
export function healthTable(ctx, cities, minutes) {
  const caption = ctx.t("ops.cities.table", { window: ctx.t(`ops.window.${minutes}`) });
  const heads = ["ops.col.city", "ops.col.status", "ops.col.tier", "ops.col.requests", "ops.col.errors",
    "ops.col.readings", "ops.col.devices", "ops.col.critical", "ops.col.alarms"];
  return scroller(ctx, caption, html`<table class="ops-table ops-table--health">
    <caption>${caption}</caption>
    <thead><tr>${heads.map((k) => html`<th scope="col">${ctx.t(k)}</th>`)}</tr></thead>
    <tbody>${cities.map((c) => {
      const h = c.health;
      return html`<tr data-tenant="${c.tenant_id}">
        <th scope="row">${ctx.loc(c.name)}</th>
        <td class="ops-table__text">${statusBadge(ctx, c.status)}</td>
        <td class="ops-table__text">${tierLabel(ctx, c.tier)}</td>
        <td>${num(ctx, h.requests)}</td>
        <td>${ctx.t("ops.errors", { errors: num(ctx, h.errors), server: num(ctx, h.server_errors) })}</td>
        <td data-col="readings">${num(ctx, h.readings_per_min)}</td>
        <td>${num(ctx, h.devices_online)} / ${num(ctx, h.devices_total)}</td>
        <td>${num(ctx, h.open_critical)}</td>
        <td data-col="alarms">${h.alarms_in_alarm > 0 ? html`<strong class="ops-flag">${icon("alert")}${num(ctx, h.alarms_in_alarm)}</strong>`
          : num(ctx, h.alarms_in_alarm)}</td>
      </tr>`;
    })}</tbody>
  </table>`);
}

const COUNTED = ["devices", "residents", "staff_users", "sms_per_month", "voice_calls_per_month"];

/** One quota's use: the numbers as text, a meter beside them, and a word when it is near or at the limit. */
function quotaRow(ctx, key, q) {
  const label = ctx.t(`ops.quota.${key}`);
  const used = q.used ?? 0;
  const f = q.limit ? used / q.limit : 0;
  const flag = f >= 1 ? ctx.t("ops.quota.full") : f >= 0.8 ? ctx.t("ops.quota.near") : "";
  const pct = share(ctx, used, q.limit);
  return html`<tr data-quota="${key}">
    <th scope="row">${label}</th>
    <td class="ops-quota">
      <span class="ops-quota__nums"><span data-used>${num(ctx, used, 0)}</span> / <span data-limit>${num(ctx, q.limit, 0)}</span></span>
      <meter min="0" max="${q.limit || 1}" value="${Math.min(used, q.limit || 0)}" low="${(q.limit || 1) * 0.8}"
        high="${(q.limit || 1) * 0.95}" optimum="0" aria-label="${ctx.t("ops.quota.meter", { quota: label, share: pct })}"></meter>
      <span class="ops-quota__pct">${pct}</span>
      ${flag ? html`<strong class="ops-flag">${icon("alert")}${flag}</strong>` : ""}
    </td>
  </tr>`;
}

/** A city's quotas: used next to the limit for what is counted, the limit for the request rate. */
export function quotaTable(ctx, city) {
  const quotas = city.quotas || {};
  const rate = quotas.api_requests_per_second;
  return html`<table class="ops-table ops-table--quota">
    <caption class="sr-only">${ctx.t("ops.quota.title", { name: ctx.loc(city.name) })}</caption>
    <thead><tr><th scope="col">${ctx.t("ops.quota.col.quota")}</th><th scope="col">${ctx.t("ops.quota.col.used")}</th></tr></thead>
    <tbody>
      ${COUNTED.filter((k) => quotas[k]).map((k) => quotaRow(ctx, k, quotas[k]))}
      ${rate ? html`<tr data-quota="api_requests_per_second">
        <th scope="row">${ctx.t("ops.quota.api_requests_per_second")}</th>
        <td class="ops-table__text">${ctx.t("ops.quota.perSecond", { limit: num(ctx, rate.limit, 0) })}</td>
      </tr>` : ""}
    </tbody>
  </table>`;
}

// -- alarms ------------------------------------------------------------------------------------------

const STATE_ORDER = { ALARM: 0, INSUFFICIENT_DATA: 1, OK: 2 };
const STATE_KIND = { ALARM: "danger", OK: "ok", INSUFFICIENT_DATA: "neutral" };

export function sortAlarms(alarms) {
  return [...alarms].sort((a, b) => (STATE_ORDER[a.state] ?? 3) - (STATE_ORDER[b.state] ?? 3)
    || a.name.localeCompare(b.name));
}

function stateBadge(ctx, state) {
  const key = `ops.alarm.state.${state}`;
  return badge(has(key) ? ctx.t(key) : state, STATE_KIND[state] || "neutral");
}

function scopeOf(ctx, alarm, cities) {
  if (!alarm.tenant_id) return ctx.t("ops.platform");
  const city = cities.find((c) => c.tenant_id === alarm.tenant_id);
  return city ? ctx.loc(city.name) : alarm.tenant_id;
}

/** An alarm in ALARM: an item with an icon and the word, its reason and since when. */
function firing(ctx, alarm, cities) {
  return html`<li class="ops-alarm" data-alarm="${alarm.name}">
    <p class="ops-alarm__head">${icon("alert")}<strong>${ctx.t("ops.alarm.state.ALARM")}</strong>
      <span class="ops-alarm__name">${alarm.name}</span> · ${scopeOf(ctx, alarm, cities)}</p>
    ${alarm.description ? html`<p class="ops-alarm__desc">${alarm.description}</p>` : ""}
    ${alarm.reason ? html`<p class="ops-alarm__reason">${ctx.t("ops.alarm.reason", { reason: alarm.reason })}</p>` : ""}
    ${alarm.updated_at ? html`<p class="ops-alarm__when"><time datetime="${alarm.updated_at}">${ctx.t("ops.alarm.since",
      { time: formatDateTime(alarm.updated_at) })}</time></p>` : ""}
  </li>`;
}

function alarmTable(ctx, alarms, cities) {
  const caption = ctx.t("ops.alarms.table");
  return scroller(ctx, caption, html`<table class="ops-table ops-table--alarms">
    <caption class="sr-only">${caption}</caption>
    <thead><tr>${["name", "state", "scope", "reason", "updated"].map((k) => html`<th scope="col">${ctx.t(`ops.alarm.col.${k}`)}</th>`)}</tr></thead>
    <tbody>${alarms.map((a) => html`<tr data-alarm="${a.name}">
      <th scope="row">${a.name}</th><td>${stateBadge(ctx, a.state)}</td><td>${scopeOf(ctx, a, cities)}</td>
      <td class="ops-table__reason">${a.reason}</td>
      <td>${a.updated_at ? html`<time datetime="${a.updated_at}">${formatDateTime(a.updated_at)}</time>` : ctx.t("ops.none")}</td>
    </tr>`)}</tbody>
  </table>`);
}

/** Alarms in ALARM first, highlighted; the rest in a table that opens on request. */
export function alarmsView(ctx, data) {
  const all = sortAlarms(data.alarms);
  if (!all.length) return empty(ctx.t("ops.alarms.none"));
  const on = all.filter((a) => a.state === "ALARM");
  const rest = all.filter((a) => a.state !== "ALARM");
  const head = on.length
    ? html`<p class="ops-alarms__count" data-speak>${icon("alert")}<strong>${ctx.t("ops.alarms.count", { n: on.length })}</strong></p>
      <ul class="ops-alarms">${on.map((a) => firing(ctx, a, data.cities))}</ul>`
    : html`<p class="ops-allok" data-speak>${icon("check")}<strong>${ctx.t("ops.alarms.allOk")}</strong></p>`;
  if (ctx.elder || !rest.length) return head;
  return html`${head}${details(ctx, "alarms", ctx.t("ops.alarms.others", { n: rest.length }), data.open,
    () => alarmTable(ctx, rest, data.cities))}`;
}

/** A <details> whose content is built only while it is open (the data tables can be long); the
 *  summary reports the toggle so that a repaint (the 60 s refresh) keeps it open. */
export function details(ctx, key, summary, open, content) {
  const isOpen = Boolean(open?.[key]);
  return html`<details class="ops-data"${isOpen ? html` open` : ""}>
    <summary id="ops-sum-${key}" data-action="toggleData" data-key="${key}">${summary}</summary>
    ${isOpen ? content() : ""}
  </details>`;
}

// -- dashboards -----------------------------------------------------------------------------------------

function latestTable(ctx, w) {
  const title = ctx.loc(w.title);
  const unit = unitLabel(ctx, w.unit);
  return html`<table class="ops-table ops-table--latest">
    <caption class="sr-only">${ctx.t("ops.widget.latest", { title })}</caption>
    <thead><tr><th scope="col">${ctx.t("ops.col.series")}</th><th scope="col">${ctx.t("ops.col.latest")} (${unit})</th></tr></thead>
    <tbody>${w.series.map((s) => html`<tr><th scope="row">${ctx.loc(s.label)}</th><td>${num(ctx, s.latest, 2)}</td></tr>`)}</tbody>
  </table>`;
}

/** The series of a widget as rows: one per time, one column per series. */
function seriesTable(ctx, w) {
  const title = ctx.loc(w.title);
  const times = [...new Set(w.series.flatMap((s) => s.timestamps))].sort();
  const byTime = w.series.map((s) => new Map(s.timestamps.map((ts, i) => [ts, s.values[i]])));
  const caption = ctx.t("ops.dataCaption", { title, unit: unitLabel(ctx, w.unit) });
  return scroller(ctx, caption, html`<table class="ops-table ops-table--series">
    <caption>${caption}</caption>
    <thead><tr><th scope="col">${ctx.t("ops.col.time")}</th>${w.series.map((s) => html`<th scope="col">${ctx.loc(s.label)}</th>`)}</tr></thead>
    <tbody>${times.map((ts) => html`<tr><th scope="row"><time datetime="${ts}">${formatDateTime(ts)}</time></th>
      ${byTime.map((m) => html`<td>${m.has(ts) ? num(ctx, m.get(ts), 2) : ctx.t("ops.none")}</td>`)}</tr>`)}</tbody>
  </table>`);
}

function hasPoints(w) {
  return w.series.some((s) => s.values.length > 0);
}

/** One widget of the chosen dashboard: a line chart, the latest values and the data on request. */
export function widgetCard(ctx, data, w, index) {
  const title = ctx.loc(w.title);
  const unit = unitLabel(ctx, w.unit);
  const items = w.series.map((s) => `${ctx.loc(s.label)} ${num(ctx, s.latest, 2)}`).join(ctx.t("ops.sep"));
  const chart = hasPoints(w)
    ? html`<div class="ops-chart" data-widget="line" data-index="${index}" role="img"
        aria-label="${ctx.t("ops.widget.chart", { title, unit, items })}"></div>`
    : empty(ctx.t("ops.widget.empty"));
  return html`<section class="card ops-widget" data-board-widget="${w.id}">
    <h3>${title} <span class="ops-unit">(${unit})</span></h3>
    ${chart}
    ${w.series.length ? latestTable(ctx, w) : ""}
    ${hasPoints(w) ? details(ctx, `w-${w.id}`, ctx.t("ops.showData"), data.open, () => seriesTable(ctx, w)) : ""}
  </section>`;
}

// -- ECharts ------------------------------------------------------------------------------------------

const TEXT = "#141414";
// Lines differ by colour, marker and dash, so that colour is never the only way to tell them apart.
const COLOURS = ["#0b4a7d", "#8c1010", "#1b6b36", "#6b3fa0", "#8a4b00", "#00616b", "#3b3b3b", "#a3246b", "#4d5d00"];
const SYMBOLS = ["circle", "rect", "triangle", "diamond", "roundRect", "pin", "arrow"];
const DASHES = ["solid", "dashed", "dotted"];

export function lineOption(ctx, w, board = {}) {
  const axisText = { color: TEXT, fontSize: 13 };
  return {
    animation: false,
    textStyle: { color: TEXT, fontSize: 14 },
    // Drawn on the canvas, not as HTML: no text becomes markup and the CSP has nothing to refuse.
    tooltip: { trigger: "axis", renderMode: "richText" },
    legend: { type: "scroll", top: 0, textStyle: axisText },
    grid: { left: 8, right: 24, top: 40, bottom: 8, containLabel: true },
    // the whole window, also when only a few points came back (else ECharts pads the axis to days)
    xAxis: { type: "time", min: board.from, max: board.to, axisLabel: { ...axisText, hideOverlap: true } },
    yAxis: { type: "value", axisLabel: axisText, minInterval: w.unit === "Count" ? 1 : 0 }, // the unit: in the heading
    series: w.series.map((s, i) => ({
      type: "line", name: ctx.loc(s.label), color: COLOURS[i % COLOURS.length],
      symbol: SYMBOLS[i % SYMBOLS.length], symbolSize: 7, showSymbol: s.values.length < 80,
      lineStyle: { width: 2, type: DASHES[i % DASHES.length] },
      data: s.timestamps.map((ts, n) => [ts, s.values[n]]),
    })),
  };
}

/** The widget that draws a dashboard widget's series into its element; returns the cleanup. */
export async function lineWidget(el, data, ctx) {
  const w = data.board?.widgets?.[Number(el.dataset.index)];
  if (!w) return null;
  const echarts = await ctx.loadScript("vendor/echarts.min.js", "echarts");
  if (!el.isConnected) return null; // painted over while the library loaded
  const chart = echarts.init(el, null, { renderer: "canvas", locale: ctx.lang === "en" ? "EN" : "ZH" });
  chart.setOption(lineOption(ctx, w, data.board));
  const resize = new ResizeObserver(() => chart.resize());
  resize.observe(el);
  return () => {
    resize.disconnect();
    chart.dispose();
  };
}
