// 我的巡访 (care visitors: 社工、志愿者、家庭医生): the care subjects the community assigned to me and nobody
// else — urgent first (an SOS, a fall, a day without activity), then overdue — each with where she lives, her
// plan and last visit; open her phone for a phone visit (recorded in her access log) and record the visit
// (phone or home, how she is, a need found filed at once as a service request, a follow-up date).
import { html, pageTitle, empty, button } from "../templates.js";
import { recordForm, visitBody, rowCard, openButton, queueCard } from "../visits-parts.js";

function callLine(ctx, data, row) {
  const { t } = ctx;
  const phone = data.phones[row.subject_id];
  if (!phone) return button(t("visits.mine.call"), { action: "call", data: { id: row.subject_id } });
  return html`<a class="button button--secondary vs-call" href="tel:${phone}">${t("visits.mine.dial", { phone })}</a>
    <span class="vs-call__note">${t("visits.mine.logged")}</span>`;
}

function row(ctx, data, r) {
  if (data.recording === r.subject_id) return rowCard(ctx, r, recordForm(ctx, data, r, { staff: false }));
  return rowCard(ctx, r, html`<div class="form__actions">${openButton(ctx, r)}${callLine(ctx, data, r)}</div>`);
}

export default {
  id: "visits-mine",
  path: "/home",
  roles: ["visitor"],
  nav: "visits.mine.nav",
  navOrder: 10,
  title: "visits.mine.title",

  async load(ctx) {
    const [tasks, catalog] = await Promise.all([ctx.api.get("/v1/me/care-visits"), ctx.api.get("/v1/catalog")]);
    return { tasks, catalog, recording: null, outcome: "well", phones: {} };
  },

  render(data, ctx) {
    const { t } = ctx;
    const me = ctx.me || {};
    const kind = me.visitor_kind ? t(`visits.visitor.${me.visitor_kind}`) : "";
    const who = me.name ? t("visits.mine.who", { name: me.name, what: [kind, me.organisation].filter(Boolean).join("·") }) : "";
    const head = pageTitle(t("visits.mine.title"), { speak: true, lead: `${who}${t("visits.mine.lead")}` });
    const q = data.tasks;
    if (!q.items.length) return html`${head}${empty(t("visits.mine.empty"))}`;
    return html`${head}${queueCard(ctx, q, (r) => row(ctx, data, r), t("visits.mine.queue"))}`;
  },

  actions: {
    open(ctx, { data }) {
      ctx.update({ recording: data.id, outcome: "well" });
      ctx.focus(".vs-record input");
    },
    close(ctx) {
      ctx.update({ recording: null });
    },
    pickOutcome(ctx, { value }) {
      ctx.update({ outcome: value });
    },
    async call(ctx, { data }) {
      const found = await ctx.api.post(`/v1/residents/${encodeURIComponent(data.id)}/reveal`, { field: "phone", reason: "care_visit" });
      ctx.update({ phones: { ...ctx.data.phones, [data.id]: found.value } });
      ctx.focus(".vs-call");
    },
    async record(ctx, { values }) {
      const subject = await ctx.api.post(`/v1/care/${encodeURIComponent(ctx.data.recording)}/visits`, visitBody(values, { staff: false }));
      ctx.toast(subject.last_visit?.request_id ? ctx.t("visits.record.doneFiled") : ctx.t("visits.record.done"), "ok");
      ctx.reload();
    },
  },
};
