// 一表通 (staff, city admins): the month's report of the city's information-sharing list, made from what the
// platform holds — a column per community (then its streets and the total when there are several), the
// figures in the city's order by section, rates as percentages — downloadable as Excel or CSV; each
// community's submission (报送: locked, who and when), the street seeing who has submitted; requests by
// service category and alerts by device type below (per community in the files).
import { html, pageTitle, card, button, field, badge, formError } from "../templates.js";
import { formatDateTime } from "../i18n.js";
import { monthLabel, recentMonths } from "../dashboard-parts.js";
import { percent, qs } from "../console-parts.js";
import { refusal } from "../api.js";

function thisMonth() {
  return recentMonths()[0];
}

function shown(ctx, f, v) {
  if (v === null || v === undefined) return "—";
  return f.rate ? percent(v) : `${Number(v).toLocaleString(ctx.lang)}`;
}

function columns(rep) {
  const several = rep.communities.length > 1;
  return [...rep.communities, ...(several ? rep.streets : []), ...(rep.districts.length > 1 ? rep.districts : []),
    ...(several ? [rep.total] : [])];
}

/** 诉求分类 and 告警类型 of the whole report (the caller's communities), as two small tables. */
function breakdowns(ctx, rep) {
  const { t } = ctx;
  const row = rep.total;
  const scope = rep.communities.length === 1 ? ctx.loc(rep.communities[0].name) : t("report.scopeAll");
  const rate = (v) => (v === null || v === undefined ? "—" : percent(v));
  const categories = row.requests_by_category.length ? html`<div class="rp-scroll" tabindex="0" role="region" aria-labelledby="rp-cat">
      <table class="rp-table rp-breakdown" aria-labelledby="rp-cat">
        <thead><tr>${["category", "filed", "resolved", "resolutionRate", "onTimeRate", "satisfactionRate"].map((k) => html`<th scope="col">${t(`report.by.${k}`)}</th>`)}</tr></thead>
        <tbody>${row.requests_by_category.map((c) => html`<tr><th scope="row">${c.name ? ctx.loc(c.name) : c.category}</th>
          <td>${c.filed}</td><td>${c.resolved}</td><td>${rate(c.resolution_rate)}</td><td>${rate(c.on_time_rate)}</td><td>${rate(c.satisfaction_rate)}</td></tr>`)}</tbody>
      </table></div>` : html`<p class="rp-none">${t("report.by.noRequests")}</p>`;
  const types = row.alerts_by_type.length ? html`<div class="rp-scroll" tabindex="0" role="region" aria-labelledby="rp-type">
      <table class="rp-table rp-breakdown" aria-labelledby="rp-type">
        <thead><tr>${["deviceType", "alertsResolved", "falseAlarms", "falseAlarmRate"].map((k) => html`<th scope="col">${t(`report.by.${k}`)}</th>`)}</tr></thead>
        <tbody>${row.alerts_by_type.map((a) => html`<tr><th scope="row">${ctx.loc(a.name)}</th>
          <td>${a.resolved}</td><td>${a.false_alarms}</td><td>${rate(a.false_alarm_rate)}</td></tr>`)}</tbody>
      </table></div>` : html`<p class="rp-none">${t("report.by.noAlerts")}</p>`;
  return html`<section class="card"><h2>${t("report.by.title", { scope })}</h2>
    <h3 id="rp-cat">${t("report.by.requests")}</h3>${categories}
    <h3 id="rp-type">${t("report.by.alerts")}</h3>${types}
    <p class="field__hint">${t("report.by.perCommunity")}</p>
  </section>`;
}

function table(ctx, rep) {
  const { t } = ctx;
  const cols = columns(rep);
  const sections = [...new Set(rep.figures.map((f) => f.section))];
  return html`<div class="rp-scroll" tabindex="0" role="region" aria-labelledby="rp-caption">
    <table class="rp-table rp-figures" aria-labelledby="rp-caption">
      <thead><tr><th scope="col">${t("report.figure")}</th>${cols.map((c) => html`<th scope="col" class="rp-col--${c.level}">${c.name ? ctx.loc(c.name) : c.id}</th>`)}</tr></thead>
      <tbody><tr class="rp-status"><th scope="row">${t("report.status")}</th>${cols.map((c) => html`<td class="rp-col--${c.level}">${c.level === "community"
        ? (c.submitted ? t("report.submitted") : t("report.notSubmitted"))
        : t("report.ofSubmitted", { done: c.communities_submitted, n: c.communities })}</td>`)}</tr></tbody>
      ${sections.map((s) => html`<tbody>
        <tr class="rp-section"><th scope="rowgroup" colspan="${cols.length + 1}">${s}</th></tr>
        ${rep.figures.filter((f) => f.section === s).map((f) => html`<tr>
          <th scope="row"><span class="rp-name">${ctx.loc(f.name)}</span> <span class="rp-unit">${f.rate ? "%" : f.unit}</span></th>
          ${cols.map((c) => html`<td class="rp-col--${c.level}">${shown(ctx, f, c.values[f.id])}</td>`)}
        </tr>`)}
      </tbody>`)}
    </table></div>`;
}

function submissions(ctx, data) {
  const { t } = ctx;
  const over = data.month < thisMonth();
  return html`<ul class="rp-subs">${data.report.communities.map((c) => html`<li class="rp-sub" data-community="${c.id}">
    <span class="rp-sub__name">${ctx.loc(c.name)}</span>
    ${c.submitted ? html`${badge(t("report.submitted"), "ok")} <span class="rp-sub__who">${t("report.submittedBy", { who: c.submitted.by, at: formatDateTime(c.submitted.at) })}</span>`
      : html`${badge(t("report.notSubmitted"), "warn")}
        ${!over ? html`<span class="rp-sub__who">${t("report.notOver")}</span>`
          : data.confirming === c.id ? html`<form class="form rp-confirm" data-submit="submit" novalidate>
              <p>${t("report.confirm", { community: ctx.loc(c.name), month: monthLabel(ctx, data.month) })}</p>
              ${formError()}
              <div class="form__actions">${button(t("report.confirmYes"), { type: "submit", kind: "primary" })}${button(t("action.cancel"), { action: "ask", data: { id: "" } })}</div>
            </form>`
          : button(t("report.submit"), { action: "ask", kind: "primary", data: { id: c.id } })}`}
  </li>`)}</ul>`;
}

export default {
  id: "console-report",
  path: "/console/report",
  roles: ["staff", "city_admin"],
  nav: "report.nav",
  navOrder: 27,
  title: "report.title",

  async load(ctx) {
    const months = recentMonths();
    const month = months.includes(ctx.query.month) ? ctx.query.month : months[1];
    const report = await ctx.api.get(`/v1/reports/monthly${qs({ month })}`);
    return { month, report, file: null, confirming: "" };
  },

  render(data, ctx) {
    const { t } = ctx;
    const rep = data.report;
    const months = recentMonths();
    const done = rep.total.communities_submitted;
    return html`${pageTitle(t("report.title"), { speak: true, lead: t("report.lead") })}
      <div class="picker">${field({ name: "month", label: t("report.month"), value: data.month, change: "pickMonth",
        options: months.map((m) => ({ value: m, label: monthLabel(ctx, m) })) })}</div>
      <p class="rp-summary" data-speak>${t("report.summary", { month: monthLabel(ctx, rep.month), done, n: rep.total.communities })}</p>
      ${card(html`${submissions(ctx, data)}`, { title: t("report.submissions") })}
      ${card(html`<p>${t("report.filesLead")}</p>
        <div class="form__actions">${button(t("report.xlsx"), { action: "file", kind: "primary", data: { format: "xlsx" } })}${button(t("report.csv"), { action: "file", data: { format: "csv" } })}</div>
        ${data.file ? html`<p class="rp-file" role="status">${t("report.fileReady", { until: formatDateTime(data.file.expires_at) })} <a href="${data.file.url}" download="${data.file.filename}">${data.file.filename}</a></p>` : ""}`,
        { title: t("report.files") })}
      <section class="card"><h2 id="rp-caption">${t("report.table", { month: monthLabel(ctx, rep.month) })}</h2>
        ${table(ctx, rep)}
        <details class="rp-defs"><summary>${t("report.definitions")}</summary>
          <dl>${rep.figures.map((f) => html`<div><dt>${ctx.loc(f.name)}</dt><dd>${f.definition}</dd></div>`)}</dl>
        </details>
      </section>
      ${breakdowns(ctx, rep)}`;
  },

  actions: {
    pickMonth(ctx, { value }) {
      ctx.navigate(`/console/report${qs({ month: value })}`);
    },
    ask(ctx, { data }) {
      ctx.update({ confirming: data.id || "" });
      if (data.id) ctx.focus(".rp-confirm button");
    },
    async submit(ctx) {
      const id = ctx.data.confirming;
      await ctx.api.post(`/v1/reports/monthly/communities/${encodeURIComponent(id)}/submission`, { month: ctx.data.month })
        .catch((err) => { throw refusal(err, "_form", () => ctx.t("report.already")); });
      ctx.toast(ctx.t("report.done"), "ok");
      ctx.reload();
    },
    async file(ctx, { data }) {
      const file = await ctx.api.get(`/v1/reports/monthly/file${qs({ month: ctx.data.month, format: data.format })}`);
      ctx.update({ file });
      ctx.focus(".rp-file a");
    },
  },
};
