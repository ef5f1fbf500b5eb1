// 一屏统览 (city dashboard): the month's requests with their rates, open alerts, devices online, trends
// and a map of the communities, the month's sorted waste (分类投放) and caring visits on time (巡访按时率), and its 误报率 (alerts closed by a person that were false alarms). City admins see the city; staff the communities they serve. Elder
// mode keeps the key numbers in a sentence that can be read aloud.
import { html, pageTitle, field, card, empty, button } from "../templates.js";
import { percent, monthLabel, recentMonths, rows, sentence, dataTable, chartWidget, communityMap,
  nameOf, falseAlarmRows, falseAlarmWidget } from "../dashboard-parts.js";
import { kg } from "../points-parts.js";

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const REFRESH_MS = 60_000;
let latest = 0; // a newer read makes the answer of an older one stale

/** The month's dashboard and, beside it, its false-alarm rate (the rest stands without it). */
async function read(ctx, month) {
  const dash = await ctx.api.get("/v1/dashboard", month ? { month } : {});
  const stats = await ctx.api.get("/v1/alert-stats", { month: dash.month }).catch(() => null);
  return { dash, stats, month: dash.month };
}

/** 14:05 in the viewer's clock ("" for no time). */
function clock(ctx, iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  return new Intl.DateTimeFormat(ctx.lang, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(d);
}

/** "数据更新于 14:05": when the API computed the numbers. */
function updatedAt(ctx, iso) {
  const time = clock(ctx, iso);
  return time ? ctx.t("dashboard.updated", { time }) : "";
}

// The devices are counted every five minutes by the city health job: say when, if it was not just now.
function onlineNote(ctx, dash) {
  const counted = new Date(dash.devices.as_of).getTime();
  const earlier = new Date(dash.generated_at).getTime() - counted > 60_000;
  return earlier ? ctx.t("dashboard.kpi.onlineAsOf", { time: clock(ctx, dash.devices.as_of) })
    : ctx.t("dashboard.kpi.onlineNote");
}

function kpis(ctx, dash, stats = null) {
  const r = dash.requests.total;
  const items = [
    [ctx.t("dashboard.kpi.filed"), r.filed, ""],
    [ctx.t("dashboard.kpi.response"), percent(ctx, r.response_rate),
      ctx.t("dashboard.kpi.of", { part: r.responded_on_time, whole: r.responded + r.waiting_past_due })],
    [ctx.t("dashboard.kpi.resolution"), percent(ctx, r.resolution_rate),
      ctx.t("dashboard.kpi.of", { part: r.resolved_on_time, whole: r.resolved + r.open_past_due })],
    [ctx.t("dashboard.kpi.satisfaction"), percent(ctx, r.satisfaction_rate),
      ctx.t("dashboard.kpi.of", { part: r.satisfied, whole: r.rated })],
    [ctx.t("dashboard.kpi.overdue"), dash.requests.overdue,
      ctx.t("dashboard.kpi.overdueAll", { n: dash.requests.overdue_all })],
    [ctx.t("dashboard.kpi.alerts"), dash.alerts.open,
      ctx.t("dashboard.kpi.unacknowledged", { n: dash.alerts.unacknowledged })],
    [ctx.t("dashboard.kpi.online"), `${dash.devices.online} / ${dash.devices.total}`, onlineNote(ctx, dash)],
  ];
  const visits = dash.care_visits?.totals;
  if (visits?.visits) {
    items.push([ctx.t("dashboard.kpi.visits"), percent(ctx, visits.on_time_rate),
      ctx.t("dashboard.kpi.visitsNote", { part: visits.on_time, whole: visits.visits })]);
  }
  const sorted = dash.sorting?.totals;
  if (sorted?.deposits) {
    items.push([ctx.t("dashboard.kpi.sorting"), ctx.t("points.kg", { kg: kg(ctx, sorted.total_kg) }),
      ctx.t("dashboard.kpi.sortingNote", { share: percent(ctx, sorted.sorted_share), n: sorted.deposits })]);
  }
  if (stats) items.push([ctx.t("dashboard.kpi.falseAlarms"), percent(ctx, stats.false_alarm_rate), falseAlarmNote(ctx, stats)]);
  return html`<dl class="db-kpis">${items.map(([label, value, note]) => html`<div class="db-kpi">
    <dt>${label}</dt><dd><span class="db-kpi__value">${value}</span>${note ? html`<span class="db-kpi__note">${note}</span>` : ""}</dd>
  </div>`)}</dl>`;
}

function summary(ctx, dash) {
  const r = dash.requests.total;
  return ctx.t("dashboard.summary", { filed: r.filed, resolved: r.resolved, overdue: dash.requests.overdue,
    alerts: dash.alerts.open, online: dash.devices.online, devices: dash.devices.total });
}

function monthPicker(ctx, data) {
  const months = recentMonths();
  if (!months.includes(data.month)) months.push(data.month);
  return html`<div class="picker db-picker">${field({ name: "month", label: ctx.t("dashboard.month"), value: data.month,
    change: "pickMonth", options: months.map((m) => ({ value: m, label: monthLabel(ctx, m) })) })}</div>`;
}

const CHARTS = [
  // [widget, title key, column heads]
  ["byState", "dashboard.chart.byState", ["dashboard.col.state", "dashboard.col.count"]],
  ["byDepartment", "dashboard.chart.byDepartment", ["dashboard.col.department", "dashboard.filed", "dashboard.resolved"]],
  ["trend", "dashboard.chart.trend", ["dashboard.col.month", "dashboard.filed", "dashboard.resolved"]],
  ["alertsByType", "dashboard.chart.alertsByType", ["dashboard.col.type", "dashboard.openAlerts"]],
  ["alertsPerDay", "dashboard.chart.alertsPerDay", ["dashboard.col.date", "dashboard.raised"]],
];

function chartCard(ctx, name, titleKey, heads, data, more = "") {
  const title = ctx.t(titleKey);
  // a series over time is drawn even when it is all 0 (a flat line says something); a list with no rows is not
  const body = data.length && (name === "alertsPerDay" || data.some((r) => r.slice(1).some((v) => v > 0)))
    ? html`<div class="db-chart" data-widget="${name}" role="img" aria-label="${sentence(ctx, title, data)}"></div>
      ${dataTable(ctx, title, heads.map((h) => ctx.t(h)), data)}${more}`
    : html`${empty(ctx.t(`dashboard.empty.${name}`))}${more}`;
  return card(body, { title, kind: `chart db-${name}` });
}

function falseAlarmNote(ctx, stats) {
  return ctx.t("dashboard.fa.of", { part: stats.false_alarms, whole: stats.resolved });
}

/** 误报率: the month's rate as a figure, by device type as bars, and the same numbers as a table. */
function falseAlarmCard(ctx, data) {
  const { t } = ctx;
  const title = t("dashboard.fa.title");
  const stats = data.stats;
  if (!stats) return card(html`<p>${t("dashboard.fa.failed")}</p>`, { title, kind: "chart" });
  const figure = html`<p class="db-fa"><span class="db-kpi__value" data-fa-rate>${percent(ctx, stats.false_alarm_rate)}</span>
    <span class="db-kpi__note">${stats.resolved ? falseAlarmNote(ctx, stats) : t("dashboard.fa.none")}</span></p>`;
  const list = falseAlarmRows(ctx, data);
  if (!list.length) return card(figure, { title, kind: "chart" });
  const chartRows = list.map(([name, , , rate]) => [name, rate]);
  return card(html`${figure}
    <div class="db-chart db-chart--small" data-widget="falseAlarms" role="img" aria-label="${sentence(ctx, t("dashboard.fa.byType"), chartRows)}"></div>
    <table class="db-table db-table--open" data-fa-table tabindex="0">
      <caption>${t("dashboard.fa.byType")}</caption>
      <thead><tr><th scope="col">${t("dashboard.col.type")}</th><th scope="col">${t("dashboard.fa.closed")}</th>
        <th scope="col">${t("dashboard.fa.false")}</th><th scope="col">${t("dashboard.fa.rate")}</th></tr></thead>
      <tbody>${list.map(([name, closed, falses, rate]) => html`<tr><th scope="row">${name}</th><td>${closed}</td><td>${falses}</td><td>${rate}</td></tr>`)}</tbody>
    </table>`, { title, kind: "chart" });
}

function communitiesTable(ctx, dash) {
  const sorted = new Map((dash.sorting?.communities || []).map((c) => [c.community_id, c.total_kg]));
  const visited = new Map((dash.care_visits?.communities || []).map((c) => [c.community_id, c]));
  return html`<table class="db-table db-table--open" tabindex="0">
    <caption>${ctx.t("dashboard.map.table")}</caption>
    <thead><tr>
      <th scope="col">${ctx.t("dashboard.col.community")}</th><th scope="col">${ctx.t("dashboard.openAlerts")}</th>
      <th scope="col">${ctx.t("dashboard.col.online")}</th><th scope="col">${ctx.t("dashboard.col.filed")}</th>
      <th scope="col">${ctx.t("dashboard.col.sortedKg")}</th><th scope="col">${ctx.t("dashboard.col.visits")}</th>
    </tr></thead>
    <tbody>${dash.communities.map((c) => html`<tr>
      <th scope="row">${ctx.loc(c.name)}</th><td>${c.open_alerts}</td>
      <td>${c.devices_online} / ${c.devices}</td><td>${c.requests_filed}</td>
      <td>${kg(ctx, sorted.get(c.id) || 0)}</td>
      <td>${visited.has(c.id) ? `${visited.get(c.id).on_time} / ${visited.get(c.id).visits}` : "0 / 0"}</td>
    </tr>`)}</tbody>
  </table>`;
}

export default {
  id: "dashboard",
  path: "/dashboard",
  roles: ["city_admin", "staff"],
  nav: "dashboard.nav",
  navOrder: 5,
  title: "dashboard.title",

  async load(ctx) {
    const month = MONTH.test(ctx.query.month || "") ? ctx.query.month : undefined;
    latest += 1;
    return { ...(await read(ctx, month)), fullscreen: Boolean(document.fullscreenElement) };
  },

  render(data, ctx) {
    const { t } = ctx;
    const { dash } = data;
    const scope = dash.scope === "city" ? t("dashboard.scope.city") : t("dashboard.scope.communities");
    const lead = html`<p class="lead db-lead">${scope} · ${monthLabel(ctx, dash.month)}
      · <span class="db-updated" data-updated>${updatedAt(ctx, dash.generated_at)}</span></p>`;
    if (ctx.elder) {
      // One task: the key numbers, large, and read aloud. The charts and the map stay in the normal view.
      return html`${pageTitle(t("dashboard.title"), { speak: true })}${lead}${monthPicker(ctx, data)}
        <p class="db-summary" data-speak>${summary(ctx, dash)}</p>
        ${card(kpis(ctx, dash, data.stats), { title: t("dashboard.kpis") })}
        <p class="db-note">${t("dashboard.elderNote")}</p>`;
    }
    const data2 = rows(ctx, dash);
    const byDepartment = dash.requests.by_department;
    const ratesTable = byDepartment.length ? html`<details class="db-data"><summary>${t("dashboard.rates.title")}</summary>
      <table class="db-table">
        <caption>${t("dashboard.rates.caption")}</caption>
        <thead><tr><th scope="col">${t("dashboard.col.department")}</th><th scope="col">${t("dashboard.filed")}</th>
          <th scope="col">${t("dashboard.kpi.response")}</th><th scope="col">${t("dashboard.kpi.resolution")}</th>
          <th scope="col">${t("dashboard.kpi.satisfaction")}</th></tr></thead>
        <tbody>${byDepartment.map((d) => html`<tr><th scope="row">${nameOf(ctx, d)}</th><td>${d.filed}</td>
          <td>${percent(ctx, d.response_rate)}</td><td>${percent(ctx, d.resolution_rate)}</td>
          <td>${percent(ctx, d.satisfaction_rate)}</td></tr>`)}</tbody>
      </table></details>` : "";
    const fullscreen = t(data.fullscreen ? "dashboard.fullscreen.exit" : "dashboard.fullscreen.enter");
    // 一屏统览: the title bar, the key numbers in a band, the map in the centre with the charts around it
    return html`<div class="db-cockpit">
      <div class="db-top">
        <div class="db-top__title">${pageTitle(t("dashboard.title"), { speak: true })}${lead}</div>
        ${monthPicker(ctx, data)}
        ${button(fullscreen, { action: "fullscreen" })}
      </div>
      <p class="db-summary" data-speak>${summary(ctx, dash)}</p>
      <h2 class="sr-only">${t("dashboard.kpis")}</h2>
      ${kpis(ctx, dash, data.stats)}
      <div class="db-board">
        ${card(html`<p class="db-map-lead">${t("dashboard.map.lead")}</p>
          <div class="db-map" data-widget="map"></div>
          <details class="db-data"><summary>${t("dashboard.showData")}</summary>${communitiesTable(ctx, dash)}</details>`,
          { title: t("dashboard.map.title"), kind: "map" })}
        ${CHARTS.map(([name, key, heads]) => chartCard(ctx, name, key, heads, data2[name], name === "byDepartment" ? ratesTable : ""))}
        ${falseAlarmCard(ctx, data)}
      </div>
      <div data-widget="autoRefresh" hidden></div>
      <div data-widget="fullscreenState" hidden></div>
    </div>`;
  },

  widgets: {
    byState: chartWidget("byState"),
    byDepartment: chartWidget("byDepartment"),
    trend: chartWidget("trend"),
    alertsByType: chartWidget("alertsByType"),
    alertsPerDay: chartWidget("alertsPerDay"),
    falseAlarms: falseAlarmWidget,
    map: communityMap,
    // Not drawings: the 60 s refresh (paused while the page is hidden) and the full-screen button's
    // words, both started with each paint and stopped before the next one.
    autoRefresh(el, data, ctx) {
      let reading = false;
      const refresh = async () => {
        if (document.hidden || reading) return;
        reading = true;
        const mine = ++latest;
        try {
          const fresh = await read(ctx, data.month);
          if (mine === latest && el.isConnected) ctx.update(fresh);
        } catch {
          /* the numbers on screen stay, with their time */
        } finally {
          reading = false;
        }
      };
      const timer = setInterval(refresh, REFRESH_MS);
      return () => clearInterval(timer);
    },
    fullscreenState(el, data, ctx) {
      const changed = () => {
        if (el.isConnected && Boolean(document.fullscreenElement) !== Boolean(data.fullscreen)) {
          ctx.update({ fullscreen: Boolean(document.fullscreenElement) });
        }
      };
      document.addEventListener("fullscreenchange", changed);
      return () => document.removeEventListener("fullscreenchange", changed);
    },
  },

  actions: {
    // a wall display: the screen's main region (which stays while the numbers are repainted) fills it
    async fullscreen(ctx, { el }) {
      if (document.fullscreenElement) await document.exitFullscreen();
      else if (document.fullscreenEnabled) await el.closest("main").requestFullscreen();
      else ctx.toast(ctx.t("dashboard.fullscreen.unavailable"), "error");
    },
    pickMonth(ctx, { value }) {
      ctx.navigate(MONTH.test(value || "") ? `/dashboard?month=${encodeURIComponent(value)}` : "/dashboard");
    },
  },
};
