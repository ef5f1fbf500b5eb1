// 家庭安全: the alerts of the household's devices, and — for family members — the safety status
// of each care subject they watch (居家养老): a plain summary (正常 / 需要留意 / 紧急), last activity,
// open alerts and who to call. A pending family invitation is accepted here. In elder mode the
// care subject sees only their status in plain words and the numbers to call.
import { html, pageTitle, empty, button, card, icon } from "../templates.js";
import { optional } from "../consultations-parts.js";
import { summaryBlock, callActions, callButton, alertItem, statusFacts, nextVisitLine } from "../safety-parts.js";
import { errorText } from "../i18n.js";

async function householdAlerts(ctx) {
  // Open and acknowledged (someone is on it) are both still active; newest first.
  const pages = await Promise.all(["open", "acknowledged"].map((state) =>
    optional(ctx.api.get("/v1/me/alerts", { state, limit: 50 }), [403, 404])));
  if (pages.every((p) => p === null)) return null; // no verified household yet
  return pages.flatMap((p) => p?.items || []).sort((a, b) => String(b.opened_at).localeCompare(String(a.opened_at)));
}

function status(ctx, subjectId) {
  return optional(ctx.api.get(`/v1/care/${encodeURIComponent(subjectId)}/status`), [403, 404]);
}

function invitation(ctx, w) {
  const { t } = ctx;
  return html`<section class="card sf-invite" aria-labelledby="inv-${w.link_id}">
    <h2 id="inv-${w.link_id}">${t("safety.invite.title")}</h2>
    <p data-speak>${t("safety.invite.text", { name: w.name, relation: t(`safety.relation.${w.relation}`) })}</p>
    ${button(t("safety.invite.accept"), { action: "accept", kind: "primary", icon: "check", data: { id: w.link_id } })}
  </section>`;
}

function watched(ctx, w, s, history) {
  const { t } = ctx;
  const id = `care-${w.subject_id}`;
  let body;
  if (w.consent_state !== "active" || !s) {
    body = html`<p class="status" data-speak>${t(w.consent_state !== "active" ? "safety.watch.withdrawn" : "safety.watch.unavailable",
                                                   { name: w.name })}</p>`;
  } else {
    body = html`${summaryBlock(ctx, s)}
      ${s.open_alerts.length ? html`<h3>${t("safety.watch.openAlerts", { n: s.open_alerts.length })}</h3>
        <ul class="sf-alerts">${s.open_alerts.map((a) => alertItem(ctx, a, { ...history, where: `care-${w.subject_id}` }))}</ul>` : ""}
      ${ctx.elder ? nextVisitLine(ctx, s) : statusFacts(ctx, s)}
      <h3>${t(s.summary === "ok" ? "safety.call.titleCalm" : "safety.call.titleNow")}</h3>
      ${callActions(ctx, s.actions)}`;
  }
  return html`<section class="card sf-subject" id="${id}" aria-labelledby="${id}-name">
    <h2 id="${id}-name">${t("safety.watch.title", { name: w.name })}</h2>
    ${ctx.elder ? "" : html`<p class="sf-meta">${t("safety.watch.relation", { relation: t(`safety.relation.${w.relation}`) })}</p>`}
    ${body}
  </section>`;
}

function mine(ctx, s) {
  const { t } = ctx;
  if (!s) return "";
  const sentence = t(`safety.self.${s.summary}`); // to her, not about her: the family's wording is not hers
  return html`<section class="card sf-self" aria-labelledby="sf-self-title">
    <h2 id="sf-self-title">${t("safety.self.title")}</h2>
    ${summaryBlock(ctx, s, { sentence })}
    ${ctx.elder ? nextVisitLine(ctx, s, { self: true }) : statusFacts(ctx, s)}
    <h3>${t("safety.self.call")}</h3>
    ${callActions(ctx, s.actions)}
    ${ctx.elder && !s.actions.some((a) => a.kind === "emergency")
      ? callButton(t("safety.call.ambulance"), "120", "danger") : ""}
  </section>`;
}

function alertsSection(ctx, alerts, history) {
  const { t } = ctx;
  let body;
  if (alerts === null) body = html`<p>${t("safety.alerts.noHousehold")}</p>`;
  else if (!alerts.length) body = empty(t("safety.alerts.none"));
  else body = html`<ul class="sf-alerts">${alerts.map((a) => alertItem(ctx, a, { ...history, where: "home" }))}</ul>`;
  return card(html`${alerts?.length ? html`<p data-speak>${t("safety.alerts.count", { n: alerts.length })}</p>` : ""}${body}`,
    { title: t("safety.alerts.title") });
}

export default {
  id: "safety-home",
  path: "/safety",
  roles: ["resident"],
  nav: "safety.nav",
  navOrder: 50,
  title: "safety.title",

  async load(ctx) {
    const [care, alerts] = await Promise.all([ctx.api.get("/v1/me/care"), householdAlerts(ctx)]);
    const watching = care.watching || [];
    const active = watching.filter((w) => w.status === "active");
    const [self, ...statuses] = await Promise.all([
      care.subject && care.subject.consent_state === "active" ? status(ctx, care.subject.subject_id) : null,
      ...active.map((w) => (w.consent_state === "active" ? status(ctx, w.subject_id) : null)),
    ]);
    return {
      subject: care.subject, self, alerts,
      pending: watching.filter((w) => w.status === "pending"),
      watched: active.map((w, i) => ({ link: w, status: statuses[i] })),
      open: new Set(), records: new Map(), // the alert records opened; alert id → {alert} read alone, or {error}
    };
  },

  render(data, ctx) {
    const { t } = ctx;
    const head = pageTitle(t("safety.title"), { speak: true, lead: ctx.elder ? "" : t("safety.lead") });
    const invites = data.pending.map((w) => invitation(ctx, w));
    const history = { open: data.open, records: data.records };
    const family = data.watched.map((w) => watched(ctx, w.link, w.status, history));
    if (ctx.elder && data.self) {
      // The care subject themself: how things stand and whom to call; nothing else.
      return html`${head}${mine(ctx, data.self)}`;
    }
    const settings = html`<p class="nt-settings-link"><a href="#/me/notifications">${icon("bell")}<span>${t("notify.settings.link")}</span></a></p>`;
    if (ctx.elder && (family.length || invites.length)) return html`${head}${invites}${family}${settings}`;
    return html`${head}${invites}${data.self ? mine(ctx, data.self) : ""}${family}${alertsSection(ctx, data.alerts, history)}${settings}`;
  },

  actions: {
    async alertHistory(ctx, { data }) {
      const { open, records } = ctx.data;
      if (open.has(data.key)) open.delete(data.key);
      else open.add(data.key);
      ctx.update({}); // painted now: the <details> keeps the state the click gave it
      if (!open.has(data.key) || records.get(data.id)?.alert) return;
      try {
        records.set(data.id, { alert: await ctx.api.get(`/v1/alerts/${encodeURIComponent(data.id)}`) });
      } catch (err) {
        records.set(data.id, { error: errorText(err) });
      }
      ctx.update({});
    },
    async accept(ctx, { data }) {
      await ctx.api.post(`/v1/me/care-invitations/${encodeURIComponent(data.id)}/accept`);
      ctx.toast(ctx.t("safety.invite.accepted"), "ok");
      ctx.reload();
    },
  },
};
