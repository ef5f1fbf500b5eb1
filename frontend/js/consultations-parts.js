// 社区议事协商与投票: pieces the consultation screens share — the phase badge, optional reads
// (a ballot or results that do not exist yet), the results (words, a table and an ECharts bar
// chart) and turning the API's field errors into our own words.
import { html, badge } from "./templates.js";
import { formatDateTime } from "./i18n.js";
import { ApiError } from "./api.js";

const PHASE_KINDS = { scheduled: "neutral", proposals: "info", voting: "warn", closed: "ok", cancelled: "danger" };

export function phaseBadge(ctx, phase) {
  return badge(ctx.t(`consultations.phase.${phase}`), PHASE_KINDS[phase] || "neutral");
}

export function base(id) {
  return `/v1/consultations/${encodeURIComponent(id)}`;
}

/** The resident's own ballot, or null before they have voted (the API answers {"ballot": null}). */
export async function myBallot(ctx, id) {
  return (await ctx.api.get(`${base(id)}/ballot`)).ballot || null;
}

/** A read that may rightly have no answer yet (results before the vote: 409). */
export async function optional(promise, statuses = [403, 404, 409]) {
  try {
    return await promise;
  } catch (err) {
    if (err instanceof ApiError && statuses.includes(err.status)) return null;
    throw err;
  }
}

/** "5月6日 – 5月13日 20:00": the voting window, or the proposal window. */
export function windowText(ctx, from, to) {
  if (!from || !to) return "";
  return ctx.t("consultations.window", { from: formatDateTime(from), to: formatDateTime(to) });
}

export function percent(ctx, fraction) {
  return new Intl.NumberFormat(ctx.lang, { style: "percent", maximumFractionDigits: 1 }).format(fraction || 0);
}

/** The unit voters are counted in: households (一户一票) or people (一人一票). */
export function unit(ctx, c) {
  return ctx.t(`consultations.unit.${c.eligibility?.per === "person" ? "person" : "household"}`);
}

export function optionLabel(ctx, c, optionId) {
  const o = (c.options || []).find((x) => x.id === optionId);
  return o ? ctx.loc(o.label) : optionId;
}

/** The results in words: turnout, the minimum and whether it was met, and the winner(s). */
export function resultsSummary(ctx, c, r) {
  const { t } = ctx;
  const u = unit(ctx, c);
  const lines = [t("consultations.results.turnout", { voters: r.voters, eligible: r.eligible, unit: u,
                                                       percent: percent(ctx, r.turnout) })];
  if (r.min_turnout > 0) {
    const met = r.turnout >= r.min_turnout;
    const key = met ? "minMet" : r.final ? "minNotMet" : "minNotYet";
    lines.push(t(`consultations.results.${key}`, { percent: percent(ctx, r.min_turnout) }));
  }
  if (r.final) lines.push(t(r.valid ? "consultations.results.valid" : "consultations.results.invalid"));
  if (r.voters > 0 && r.winners?.length) {
    const names = r.winners.map((w) => ctx.loc(r.options.find((o) => o.option_id === w)?.label) || w);
    lines.push(t(r.final ? "consultations.results.winner" : "consultations.results.leading", { options: names.join("、") }));
  }
  return lines;
}

/** The results card: status in words, turnout as a progress bar, a chart (drawn by the widget
 *  below) and the same numbers as a table for screen readers and print. */
export function resultsView(ctx, c, r) {
  const { t } = ctx;
  const total = r.voters || 0;
  const lines = resultsSummary(ctx, c, r);
  return html`<section class="card cs-results" aria-labelledby="cs-results-title">
    <h2 id="cs-results-title">${t("consultations.results.title")}
      ${badge(t(r.final ? "consultations.results.final" : "consultations.results.live"), r.final ? "ok" : "info")}</h2>
    ${r.final ? "" : html`<p class="cs-meta">${t("consultations.results.liveNote")}</p>`}
    <div class="cs-results__summary" data-speak>${lines.map((l) => html`<p>${l}</p>`)}</div>
    <p class="cs-turnout">
      <label for="cs-turnout-bar">${t("consultations.results.turnoutLabel")}</label>
      <progress id="cs-turnout-bar" max="1" value="${Math.min(1, r.turnout || 0)}">${percent(ctx, r.turnout)}</progress>
      <span>${percent(ctx, r.turnout)}</span>
    </p>
    ${ctx.elder ? "" : html`<figure class="cs-figure">
      <div class="cs-chart" data-widget="resultsChart" aria-hidden="true"></div>
      <figcaption>${t("consultations.results.chartCaption")}</figcaption>
    </figure>`}
    ${ctx.elder ? html`<ul class="cs-tally" aria-label="${t("consultations.results.tableCaption")}">${r.options.map((o) => html`<li>
        <strong>${ctx.loc(o.label)}</strong>：${t("consultations.results.votesOf", { n: o.votes, percent: percent(ctx, total ? o.votes / total : 0) })}
        ${(r.winners || []).includes(o.option_id) && total > 0 ? badge(t("consultations.results.most"), "ok") : ""}</li>`)}</ul>`
    : html`<table class="cs-table">
      <caption>${t("consultations.results.tableCaption")}</caption>
      <thead><tr><th scope="col">${t("consultations.results.option")}</th><th scope="col">${t("consultations.results.votes")}</th><th scope="col">${t("consultations.results.share")}</th></tr></thead>
      <tbody>${r.options.map((o) => html`<tr>
        <th scope="row">${ctx.loc(o.label)}${(r.winners || []).includes(o.option_id) && total > 0 ? html` ${badge(t("consultations.results.most"), "ok")}` : ""}</th>
        <td>${o.votes}</td><td>${percent(ctx, total ? o.votes / total : 0)}</td>
      </tr>`)}</tbody>
    </table>`}
  </section>`;
}

/** The ECharts bar chart of the results (the widget of the detail screen). */
export async function drawResults(el, r, ctx) {
  const echarts = await ctx.loadScript("vendor/echarts.min.js", "echarts");
  const chart = echarts.init(el, null, { renderer: "canvas" });
  const labels = r.options.map((o) => ctx.loc(o.label));
  chart.setOption({
    animation: false,
    grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: "value", minInterval: 1, axisLabel: { color: "#141414" } },
    yAxis: { type: "category", inverse: true, data: labels,
             axisLabel: { color: "#141414", width: 160, overflow: "break" } },
    series: [{ type: "bar", data: r.options.map((o) => o.votes), itemStyle: { color: "#0b4a7d" },
               label: { show: true, position: "right", color: "#141414", fontWeight: "bold" } }],
  });
  // Follow the element (window resize, zoom, elder mode's larger type), not only the window.
  const observer = new ResizeObserver(() => chart.resize());
  observer.observe(el);
  return () => {
    observer.disconnect();
    chart.dispose();
  };
}

/** The caller's own ballot: the choice, when, and the receipt code found in the public list. */
export function ballotView(ctx, c, ballot, audit) {
  const { t } = ctx;
  const household = ballot.per === "household";
  const counted = audit ? (audit.receipts || []).includes(ballot.receipt) : null;
  return html`<div class="status status--verified cs-ballot" id="cs-ballot" data-speak>
    <p class="status__sentence">${t(household ? "consultations.voted.household" : "consultations.voted.person")}</p>
    <p>${t("consultations.voted.choice")} <strong>${optionLabel(ctx, c, ballot.option_id)}</strong></p>
    ${ctx.elder ? "" : html`<p class="cs-ballot__when">${t("consultations.voted.at", { time: formatDateTime(ballot.changed_at || ballot.cast_at) })}</p>`}
    <p>${t("consultations.voted.receipt")} <strong class="cs-receipt code">${ballot.receipt}</strong></p>
    ${counted === null ? "" : html`<p class="cs-ballot__audit">${counted
      ? t("consultations.voted.counted", { n: audit.count })
      : t("consultations.voted.notListed")}</p>`}
  </div>`;
}

const ERROR_FIELDS = ["ballot", "eligibility", "phase", "option_id", "title", "text", "consultation_id"];

/** The API's refusal in our words (its own text is English and technical); other errors pass. */
export function ourWords(ctx, err) {
  if (!(err instanceof ApiError)) return err;
  const f = err.field || err.errors?.[0]?.field;
  if (!ERROR_FIELDS.includes(f)) return err;
  const message = ctx.t(`consultations.error.${f}`);
  return new ApiError({ status: err.status, code: err.code, field: f, message, retryable: err.retryable });
}
