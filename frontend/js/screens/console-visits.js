// 巡访关爱 (staff, city admins): the community's care subjects by when their next visit is due — urgent first
// (an SOS, a fall or a day without activity since her last visit), then overdue, with how late and whether it
// has been escalated — each with its level (普遍巡访 / 重点巡访) and
// last visit; record a visit (phone or home, by whom — the grid worker, a social worker, a volunteer, a doctor,
// a neighbour — how she is, a need found filed at once as a service request,
// a follow-up date), change a subject's level, and assign her care visitors (社工、志愿者、家庭医生 of the
// community, who then see her in their own tasks).
import { html, pageTitle, empty, button, field, formError } from "../templates.js";
import { formatDate } from "../i18n.js";
import { myCommunities, chosenCommunity, communityPicker, qs, checkbox } from "../console-parts.js";
import { recordForm, visitBody, rowCard, openButton, visitorNames, queueCard } from "../visits-parts.js";

function planForm(ctx, data, row) {
  const { t } = ctx;
  return html`<form class="form vs-plan" data-submit="plan" novalidate>
    ${field({ name: "level", label: t("visits.plan.level"), value: row.plan.level,
              options: data.levels.map((l) => ({ value: l.level, label: `${ctx.loc(l.name)}（${t("visits.plan.every", { n: l.every_days })}）` })) })}
    ${formError()}
    <div class="form__actions">${button(t("visits.plan.submit"), { type: "submit" })}</div>
  </form>`;
}

function assignForm(ctx, data, row) {
  const { t } = ctx;
  const mine = new Set(row.visitors.map((v) => v.username));
  return html`<form class="form vs-assign" data-submit="assign" novalidate>
    <fieldset><legend>${t("visits.assign.title")}</legend>
      <p class="field__hint">${t("visits.assign.hint")}</p>
      ${data.queue.visitors.map((v) => checkbox({ name: `visitor.${v.username}`, checked: mine.has(v.username),
        label: `${v.name}（${t(`visits.visitor.${v.kind}`)}）${v.organisation ? ` · ${v.organisation}` : ""}` }))}
    </fieldset>
    ${formError()}
    <div class="form__actions">
      ${button(t("visits.assign.submit"), { type: "submit", kind: "primary" })}
      ${button(t("action.cancel"), { action: "close" })}
    </div>
  </form>`;
}

function staffRow(ctx, data, row) {
  const { t } = ctx;
  const who = html`<p class="vs-row__visitors">${t("visits.visitors")}：${row.visitors.length ? visitorNames(ctx, row.visitors) : t("visits.visitorsNone")}</p>`;
  if (data.recording === row.subject_id) return rowCard(ctx, row, html`${who}${recordForm(ctx, data, row, { staff: true })}${planForm(ctx, data, row)}`, { alertLink: true });
  if (data.assigning === row.subject_id) return rowCard(ctx, row, html`${who}${assignForm(ctx, data, row)}`, { alertLink: true });
  return rowCard(ctx, row, html`${who}<div class="form__actions">${openButton(ctx, row)}
    ${data.queue.visitors.length ? button(t("visits.assign.open"), { action: "assignOpen", data: { id: row.subject_id } }) : ""}</div>`, { alertLink: true });
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
    return { mine, community, queue, catalog, levels: queue.levels, recording: null, assigning: null, outcome: "well", visitor: "grid_worker" };
  },

  render(data, ctx) {
    const { t } = ctx;
    const head = html`${pageTitle(t("visits.title"), { speak: true, lead: t("visits.lead") })}
      ${communityPicker(ctx, data.mine, data.community)}`;
    if (!data.queue) return html`${head}${empty(t("visits.noCommunity"))}`;
    const q = data.queue;
    if (!q.items.length) return html`${head}${empty(t("visits.empty"))}`;
    return html`${head}${queueCard(ctx, q, (row) => staffRow(ctx, data, row), t("visits.queue"))}`;
  },

  actions: {
    pickCommunity(ctx, { value }) {
      ctx.navigate(`/console/visits${qs({ community: value })}`);
    },
    open(ctx, { data }) {
      ctx.update({ recording: data.id, assigning: null, outcome: "well", visitor: "grid_worker" });
      ctx.focus(".vs-record input");
    },
    assignOpen(ctx, { data }) {
      ctx.update({ assigning: data.id, recording: null });
      ctx.focus(".vs-assign input");
    },
    close(ctx) {
      ctx.update({ recording: null, assigning: null });
    },
    pickVisitor(ctx, { value }) {
      ctx.update({ visitor: value });
    },
    pickOutcome(ctx, { value }) {
      ctx.update({ outcome: value });
    },
    async record(ctx, { values }) {
      const body = visitBody(values, { staff: true });
      const subject = await ctx.api.post(`/v1/care/${encodeURIComponent(ctx.data.recording)}/visits`, body);
      const filed = subject.last_visit?.request_id;
      ctx.toast(filed ? ctx.t("visits.record.doneFiled") : ctx.t("visits.record.done"), "ok");
      ctx.reload();
    },
    async assign(ctx, { values }) {
      const visitors = ctx.data.queue.visitors.map((v) => v.username).filter((u) => values[`visitor.${u}`] === "true");
      const subject = await ctx.api.put(`/v1/care/${encodeURIComponent(ctx.data.assigning)}/visitors`, { visitors });
      ctx.toast(subject.visitors.length ? ctx.t("visits.assign.done", { names: visitorNames(ctx, subject.visitors) })
        : ctx.t("visits.assign.doneNone"), "ok");
      ctx.reload();
    },
    async plan(ctx, { values }) {
      const subject = await ctx.api.put(`/v1/care/${encodeURIComponent(ctx.data.recording)}/visit-plan`, { level: values.level });
      ctx.toast(ctx.t("visits.plan.done", { level: ctx.loc(subject.plan.name), date: formatDate(subject.plan.next_on) }), "ok");
      ctx.reload();
    },
  },
};
