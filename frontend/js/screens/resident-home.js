// 居民首页: the resident's registration status (住户登记) and their tasks. In elder mode it is one
// large status sentence and a few very large task buttons.
import { html, pageTitle, registrationBadge, facts, timeline, tiles, linkButton, card, icon } from "../templates.js";
import { communities, buildings, byId, householdLabel } from "../places.js";
import { unreadEmergencies, emergencyBanner } from "../notices-parts.js";

export function registrationTimeline(ctx, reg) {
  const items = [{ title: ctx.t("timeline.submitted"), when: reg.submitted_at, kind: "info" }];
  if (reg.status === "pending") items.push({ title: ctx.t("timeline.awaiting"), kind: "warn" });
  if (reg.status === "verified") items.push({ title: ctx.t("timeline.verified"), when: reg.decided_at, kind: "ok" });
  if (reg.status === "rejected") {
    items.push({ title: ctx.t("timeline.rejected"), when: reg.decided_at, kind: "danger",
                 note: reg.reason ? ctx.t("registration.reason", { reason: reg.reason }) : "" });
  }
  return timeline(items);
}

// What a verified resident does here, as large task buttons (one task per screen behind each).
const SERVICES = [
  { href: "#/requests/new", label: "requests.nav", icon: "wrench" },
  { href: "#/notices", label: "notices.nav", icon: "megaphone" },
  { href: "#/safety", label: "safety.nav", icon: "heart" },
  { href: "#/consultations", label: "consultations.nav", icon: "ballot" },
  { href: "#/services", label: "services.nav", icon: "pin" },
  { href: "#/points", label: "points.nav", icon: "recycle" },
];

/** The resident's tasks: registering until verified, then the community's services. */
function tasks(ctx, status) {
  const out = [];
  if (status === "none") out.push({ href: "#/register", label: ctx.t("home.task.register"), icon: "house" });
  if (status === "rejected") out.push({ href: "#/register", label: ctx.t("home.task.registerAgain"), icon: "house" });
  if (status === "verified") out.push(...SERVICES.map((s) => ({ ...s, label: ctx.t(s.label) })));
  return out;
}

export default {
  id: "resident-home",
  path: "/home",
  roles: ["resident"],
  nav: "nav.home",
  navOrder: 0,
  title: "home.title",

  async load(ctx) {
    const me = await ctx.api.get("/v1/me");
    ctx.setMe(me);
    const reg = me.registration || null;
    if (!reg) return { me, reg };
    const emergencies = reg.status === "verified" ? unreadEmergencies(ctx) : Promise.resolve([]);
    // her own registration reads her name and phone in full (/v1/me has them masked); masked if it fails
    const [cs, bs, es, own] = await Promise.allSettled([communities(ctx), buildings(ctx, reg.community_id), emergencies,
                                                        ctx.api.get("/v1/me/registration")]);
    return { me, reg: own.value || reg, communities: byId(cs.value), buildings: byId(bs.value),
             emergencies: es.value || [] };
  },

  render(data, ctx) {
    const { t } = ctx;
    const reg = data.reg;
    const status = reg?.status || "none";
    const sentence = t(`home.status.${status}`);
    const todo = tasks(ctx, status);
    const head = html`${pageTitle(t("home.title"), { speak: true })}${emergencyBanner(ctx, data.emergencies)}`;
    const statusBox = html`<div class="status status--${status}" data-speak>
      <p class="status__label">${t("home.registration")} ${registrationBadge(status)}</p>
      <p class="status__sentence">${sentence}</p>
      ${status === "rejected" && reg.reason ? html`<p class="status__reason">${t("registration.reason", { reason: reg.reason })}</p>` : ""}
    </div>`;

    const privacy = html`<p class="privacy-link"><a href="#/me/data">${icon("shield")} ${t("privacy.me.link")}</a>
      ${ctx.elder ? "" : html`<span class="muted">${t("privacy.me.linkLead")}</span>`}</p>
      <p class="privacy-link nt-settings-link"><a href="#/me/notifications">${icon("bell")} ${t("notify.settings.link")}</a>
      ${ctx.elder ? "" : html`<span class="muted">${t("notify.settings.linkLead")}</span>`}</p>`;
    // Once verified, registration is one line and the tasks come first.
    const verified = status === "verified";
    if (ctx.elder) {
      const line = verified ? html`<p class="status status--verified status--compact" data-speak>
        <span class="status__label">${t("home.registration")} ${registrationBadge(status)}</span>
        <span class="sr-only">${sentence}</span></p>` : statusBox;
      return html`${head}${line}${todo.length ? tiles(todo) : ""}${privacy}`;
    }
    const community = reg && data.communities?.[reg.community_id];
    if (verified) {
      return html`${head}
        <p class="lead">${t("home.greeting", { city: ctx.loc(data.me.tenant?.name) })}</p>
        <div class="form__actions home-tasks">${todo.map((x) => linkButton(x.label, x.href, { icon: x.icon }))}</div>
        <details class="card home-reg">
          <summary data-speak><span class="status__label">${t("home.registration")} ${registrationBadge(status)}</span>
            <span class="muted">${community ? ctx.loc(community.name) : reg.community_id} ${householdLabel(ctx, reg, data.buildings)}</span></summary>
          ${statusBox}
          ${facts([
            [t("field.name.label"), reg.name],
            [t("field.phone.label"), reg.phone],
            [t("field.relation.label"), t(`relation.${reg.relation}`)],
          ])}
          <h3>${t("timeline.label")}</h3>${registrationTimeline(ctx, reg)}
        </details>
        ${privacy}`;
    }
    return html`${head}
      <p class="lead">${t("home.greeting", { city: ctx.loc(data.me.tenant?.name) })}</p>
      ${card(html`${statusBox}
        ${reg ? facts([
          [t("field.community_id.label"), community ? ctx.loc(community.name) : reg.community_id],
          [t("place.householdLabel"), householdLabel(ctx, reg, data.buildings)],
          [t("field.name.label"), reg.name],
          [t("field.phone.label"), reg.phone],
          [t("field.relation.label"), t(`relation.${reg.relation}`)],
        ]) : ""}
        ${reg ? html`<h3>${t("timeline.label")}</h3>${registrationTimeline(ctx, reg)}` : ""}
        ${todo.length ? html`<div class="form__actions">${todo.map((x) => linkButton(x.label, x.href, { icon: x.icon }))}</div>` : ""}`,
      { title: t("home.registration") })}
      ${privacy}`;
  },
};
