// 巡访关爱 (staff, city admins): the community's care subjects by when their next visit is due — urgent first
// (an SOS, a fall or a day without activity since her last visit), then overdue, with how late and whether it
// has been escalated — each with its level (普遍巡访 / 重点巡访) and
// last visit; record a visit (phone or home, by whom — the grid worker, a social worker, a volunteer, a doctor,
// a neighbour — how she is, a need found filed at once as a service request,
// a follow-up date) and change a subject's level.
import { html, pageTitle, card, empty, button, field, formError, badge } from "../templates.js";
import { formatDate, formatDateTime } from "../i18n.js";
import { myCommunities, chosenCommunity, communityPicker, qs } from "../console-parts.js";

const VISITORS = ["grid_worker", "social_worker", "volunteer", "doctor", "neighbour"];
const STATE_KIND = { urgent: "danger", overdue: "danger", due_soon: "warn", planned: "ok" };

function today() {
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

function recordForm(ctx, data, row) {
  const { t } = ctx;
  const needs = data.outcome === "needs_help";
  return html`<form class="form vs-record" data-submit="record" novalidate>
    <h3>${t("visits.record.title")}</h3>
    ${field({ name: "visited_on", label: t("visits.record.on"), type: "date", value: today(), required: true })}
    ${field({ name: "mode", label: t("visits.record.mode"), value: row.plan.mode,
              options: ["home", "phone"].map((m) => ({ value: m, label: t(`visits.mode.${m}`) })) })}
    ${field({ name: "visitor", label: t("visits.record.visitor"), value: data.visitor, change: "pickVisitor",
              options: VISITORS.map((v) => ({ value: v, label: t(`visits.visitor.${v}`) })) })}
    ${data.visitor !== "grid_worker" ? field({ name: "visitor_name", label: t("visits.record.visitorName"), required: true,
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
  </form>
  <form class="form vs-plan" data-submit="plan" novalidate>
    ${field({ name: "level", label: t("visits.plan.level"), value: row.plan.level,
              options: data.levels.map((l) => ({ value: l.level, label: `${ctx.loc(l.name)}（${t("visits.plan.every", { n: l.every_days })}）` })) })}
    ${formError()}
    <div class="form__actions">${button(t("visits.plan.submit"), { type: "submit" })}</div>
  </form>`;
}

function rowCard(ctx, data, row) {
  const { t } = ctx;
  const open = data.recording === row.subject_id;
  return html`<li class="vs-row vs-row--${row.state}" data-subject="${row.subject_id}">
    <div class="vs-row__head">
      <p class="vs-row__name"><strong>${row.name}</strong> · ${t(`visits.category.${row.category}`)} · ${ctx.loc(row.plan.name)}</p>
      <p class="vs-row__state">${stateBadge(ctx, row)}</p>
    </div>
    ${row.alert ? html`<p class="vs-row__alert">${t("visits.urgentBecause", {
      alert: row.alert.rule_name ? ctx.loc(row.alert.rule_name) : t("visits.alertGeneric"), at: formatDateTime(row.alert.opened_at) })}
      <a href="#/console/alerts">${t("visits.toAlerts")}</a></p>` : ""}
    <p class="vs-row__due">${t("visits.next", { date: formatDate(row.plan.next_on), mode: t(`visits.mode.${row.plan.mode}`) })}</p>
    <p class="vs-row__last">${t("visits.last")}：${lastVisit(ctx, row.last_visit)}</p>
    ${open ? recordForm(ctx, data, row)
      : html`<div class="form__actions">${button(t("visits.record.open"), { action: "open", kind: row.state === "planned" || row.state === "due_soon" ? "secondary" : "primary",
          data: { id: row.subject_id } })}</div>`}
  </li>`;
}

export default {
  id: "console-visits",
  path: "/console/visits",
  roles: ["staff", "city_admin"],
  nav: "visits.nav",
  navOrder: 25,
  title: "visits.title",

  async load(ctx) {
    const mine = await myCommunities(ctx);
    const community = chosenCommunity(ctx, mine);
    if (!community) return { mine, community, queue: null };
    const [queue, catalog] = await Promise.all([
      ctx.api.get(`/v1/communities/${encodeURIComponent(community)}/care-visits`), ctx.api.get("/v1/catalog")]);
    return { mine, community, queue, catalog, levels: queue.levels, recording: null, outcome: "well", visitor: "grid_worker" };
  },

  render(data, ctx) {
    const { t } = ctx;
    const head = html`${pageTitle(t("visits.title"), { speak: true, lead: t("visits.lead") })}
      ${communityPicker(ctx, data.mine, data.community)}`;
    if (!data.queue) return html`${head}${empty(t("visits.noCommunity"))}`;
    const q = data.queue;
    if (!q.items.length) return html`${head}${empty(t("visits.empty"))}`;
    return html`${head}
      <p class="vs-summary" data-speak>${q.urgent + q.overdue + q.due_soon
        ? t("visits.summary", { n: q.items.length, urgent: q.urgent, overdue: q.overdue, soon: q.due_soon })
        : t("visits.summaryCalm", { n: q.items.length })}</p>
      ${card(html`<ol class="vs-list">${q.items.map((row) => rowCard(ctx, data, row))}</ol>`, { title: t("visits.queue") })}`;
  },

  actions: {
    pickCommunity(ctx, { value }) {
      ctx.navigate(`/console/visits${qs({ community: value })}`);
    },
    open(ctx, { data }) {
      ctx.update({ recording: data.id, outcome: "well", visitor: "grid_worker" });
      ctx.focus(".vs-record input");
    },
    close(ctx) {
      ctx.update({ recording: null });
    },
    pickVisitor(ctx, { value }) {
      ctx.update({ visitor: value });
    },
    pickOutcome(ctx, { value }) {
      ctx.update({ outcome: value });
    },
    async record(ctx, { values }) {
      const body = { visited_on: values.visited_on, mode: values.mode, outcome: values.outcome, note: values.note,
        visitor: values.visitor };
      if (values.visitor !== "grid_worker") body.visitor_name = values.visitor_name;
      if (values.follow_up_on) body.follow_up_on = values.follow_up_on;
      if (values.outcome === "needs_help") body.need = { category: values["need.category"], description: values["need.description"] };
      const subject = await ctx.api.post(`/v1/care/${encodeURIComponent(ctx.data.recording)}/visits`, body);
      const filed = subject.last_visit?.request_id;
      ctx.toast(filed ? ctx.t("visits.record.doneFiled") : ctx.t("visits.record.done"), "ok");
      ctx.reload();
    },
    async plan(ctx, { values }) {
      const subject = await ctx.api.put(`/v1/care/${encodeURIComponent(ctx.data.recording)}/visit-plan`, { level: values.level });
      ctx.toast(ctx.t("visits.plan.done", { level: ctx.loc(subject.plan.name), date: formatDate(subject.plan.next_on) }), "ok");
      ctx.reload();
    },
  },
};
