// 巡访关爱, shared by the console's visit queue (staff) and a care visitor's own tasks (社工、志愿者、家庭医生):
// a subject's row — state, plan, last visit, where she lives, who visits her — and the form that records a visit.
// Staff name who made the visit and may change her level; a visitor records their own.
import { html, button, field, formError, badge, card } from "./templates.js";
import { formatDate, formatDateTime } from "./i18n.js";

const VISITORS = ["grid_worker", "social_worker", "volunteer", "doctor", "neighbour"];
const STATE_KIND = { urgent: "danger", overdue: "danger", due_soon: "warn", planned: "ok" };

export function today() {
  const d = new Date();
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 10);
}

function stateBadge(ctx, row) {
  const { t } = ctx;
  const label = row.state === "overdue" ? t("visits.state.overdue", { n: row.days_overdue }) : t(`visits.state.${row.state}`);
  return html`${badge(label, STATE_KIND[row.state])}${row.escalated ? html` ${badge(t("visits.escalated"), "danger")}` : ""}`;
}

function lastVisit(ctx, v) {
  const { t } = ctx;
  if (!v) return t("visits.never");
  const who = v.visitor && v.visitor !== "grid_worker" ? `${t(`visits.visitor.${v.visitor}`)} ${v.visitor_name || ""}`.trim() : "";
  const parts = [formatDate(v.visited_on), v.mode ? t(`visits.mode.${v.mode}`) : "", who, t(`visits.outcome.${v.outcome}`), v.note];
  return parts.filter(Boolean).join(" · ");
}

/** 刘*芳（志愿者） · 陈*远（家庭医生） */
export function visitorNames(ctx, visitors) {
  return visitors.map((v) => `${v.name}（${ctx.t(`visits.visitor.${v.kind}`)}）`).join(" · ");
}

/** The visit form. ``staff``: who made it is picked (the grid worker or someone they record it for). */
export function recordForm(ctx, data, row, { staff }) {
  const { t } = ctx;
  const needs = data.outcome === "needs_help";
  return html`<form class="form vs-record" data-submit="record" novalidate>
    <h3>${t("visits.record.title")}</h3>
    ${field({ name: "visited_on", label: t("visits.record.on"), type: "date", value: today(), required: true })}
    ${field({ name: "mode", label: t("visits.record.mode"), value: row.plan.mode,
              options: ["home", "phone"].map((m) => ({ value: m, label: t(`visits.mode.${m}`) })) })}
    ${staff ? field({ name: "visitor", label: t("visits.record.visitor"), value: data.visitor, change: "pickVisitor",
                      options: VISITORS.map((v) => ({ value: v, label: t(`visits.visitor.${v}`) })) }) : ""}
    ${staff && data.visitor !== "grid_worker" ? field({ name: "visitor_name", label: t("visits.record.visitorName"), required: true,
                                                        maxlength: 40, autocomplete: "off" }) : ""}
    ${field({ name: "outcome", label: t("visits.record.outcome"), value: data.outcome, change: "pickOutcome",
              options: ["well", "needs_help", "not_reached"].map((o) => ({ value: o, label: t(`visits.outcome.${o}`) })) })}
    ${field({ name: "note", label: t("visits.record.note"), type: "textarea", required: true, maxlength: 300 })}
    ${needs ? html`<fieldset class="vs-need"><legend>${t("visits.need.title")}</legend>
        ${field({ name: "need.category", label: t("visits.need.category"), required: true,
                  options: [{ value: "", label: t("form.choose") }, ...data.catalog.map((c) => ({ value: c.code, label: ctx.loc(c.name) }))] })}
        ${field({ name: "need.description", label: t("visits.need.description"), type: "textarea", required: true, maxlength: 500,
                  hint: t("visits.need.hint") })}
      </fieldset>` : ""}
    ${field({ name: "follow_up_on", label: t("visits.record.followUp"), type: "date", hint: t("visits.record.followUpHint") })}
    ${formError()}
    <div class="form__actions">
      ${button(t("visits.record.submit"), { type: "submit", kind: "primary" })}
      ${button(t("action.cancel"), { action: "close" })}
    </div>
  </form>`;
}

/** The body of POST /v1/care/{id}/visits from the form's values. */
export function visitBody(values, { staff }) {
  const body = { visited_on: values.visited_on, mode: values.mode, outcome: values.outcome, note: values.note };
  if (staff) {
    body.visitor = values.visitor;
    if (values.visitor !== "grid_worker") body.visitor_name = values.visitor_name;
  }
  if (values.follow_up_on) body.follow_up_on = values.follow_up_on;
  if (values.outcome === "needs_help") body.need = { category: values["need.category"], description: values["need.description"] };
  return body;
}

/** A subject's row: ``extra`` comes after the plan and last visit (the open form, or the buttons). */
export function rowCard(ctx, row, extra, { alertLink = false } = {}) {
  const { t } = ctx;
  return html`<li class="vs-row vs-row--${row.state}" data-subject="${row.subject_id}">
    <div class="vs-row__head">
      <p class="vs-row__name"><strong>${row.name}</strong> · ${t(`visits.category.${row.category}`)} · ${ctx.loc(row.plan.name)}</p>
      <p class="vs-row__state">${stateBadge(ctx, row)}</p>
    </div>
    ${row.place ? html`<p class="vs-row__place">${t("visits.place", { place: row.place })}</p>` : ""}
    ${row.alert ? html`<p class="vs-row__alert">${t("visits.urgentBecause", {
      alert: row.alert.rule_name ? ctx.loc(row.alert.rule_name) : t("visits.alertGeneric"), at: formatDateTime(row.alert.opened_at) })}
      ${alertLink ? html`<a href="#/console/alerts">${t("visits.toAlerts")}</a>` : ""}</p>` : ""}
    <p class="vs-row__due">${t("visits.next", { date: formatDate(row.plan.next_on), mode: t(`visits.mode.${row.plan.mode}`) })}</p>
    <p class="vs-row__last">${t("visits.last")}：${lastVisit(ctx, row.last_visit)}</p>
    ${extra}
  </li>`;
}

/** "Record a visit" as the primary button when the visit is due (urgent, overdue), else secondary. */
export function openButton(ctx, row) {
  return button(ctx.t("visits.record.open"), { action: "open", kind: row.state === "planned" || row.state === "due_soon" ? "secondary" : "primary",
    data: { id: row.subject_id } });
}

/** The summary line (how many urgent, overdue, due soon) and the rows in a card titled ``title``. */
export function queueCard(ctx, q, rowOf, title) {
  const { t } = ctx;
  return html`<p class="vs-summary" data-speak>${q.urgent + q.overdue + q.due_soon
      ? t("visits.summary", { n: q.items.length, urgent: q.urgent, overdue: q.overdue, soon: q.due_soon })
      : t("visits.summaryCalm", { n: q.items.length })}</p>
    ${card(html`<ol class="vs-list">${q.items.map(rowOf)}</ol>`, { title })}`;
}
