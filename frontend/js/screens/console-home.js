// 工作台 (staff and city admins): the verification queue of a community — approve a resident's
// registration, or return it with a reason the resident can act on. Staff see the communities
// they serve; city admins every community of the city.
import { html, pageTitle, field, formError, button, empty, badge, facts, card, registrationBadge } from "../templates.js";
import { communities, buildings, byId, householdLabel } from "../places.js";
import { formatDateTime } from "../i18n.js";
import { revealControls, revealActions } from "../privacy-parts.js";

const PAGE = 20;

async function queue(ctx, communityId, cursor) {
  return ctx.api.get(`/v1/communities/${encodeURIComponent(communityId)}/registrations`,
    { status: "pending", limit: PAGE, cursor });
}

function itemView(ctx, data, r) {
  const { t } = ctx;
  const rejecting = data.rejecting === r.resident_id;
  return html`<li class="queue__item" id="reg-${r.resident_id}">
    <article aria-labelledby="reg-${r.resident_id}-name">
      <h3 id="reg-${r.resident_id}-name">${r.name} ${registrationBadge(r.status)}</h3>
      ${facts([
        [t("place.householdLabel"), householdLabel(ctx, r, data.buildings)],
        [t("field.relation.label"), t(`relation.${r.relation}`)],
        [t("field.phone.label"), r.phone],
        [t("field.username.label"), r.username],
        [t("verify.submitted"), formatDateTime(r.submitted_at)],
      ])}
      ${revealControls(ctx, data, r.resident_id, { reason: "verify_registration" })}
      ${rejecting ? html`<form class="form form--inline" data-submit="reject" data-id="${r.resident_id}" novalidate>
          ${formError()}
          ${field({ name: "reason", label: t("field.reason.label"), hint: t("field.reason.hint"), type: "textarea",
                    required: true, maxlength: 200 })}
          <div class="form__actions">
            ${button(t("action.confirmReject"), { type: "submit", kind: "danger" })}
            ${button(t("action.cancel"), { action: "cancelReject", kind: "quiet" })}
          </div>
        </form>`
      : html`<div class="form__actions">
          ${button(t("action.approve"), { action: "approve", kind: "primary", icon: "check", data: { id: r.resident_id } })}
          ${button(t("action.reject"), { action: "startReject", kind: "secondary", icon: "close", data: { id: r.resident_id } })}
        </div>`}
    </article>
  </li>`;
}

export default {
  id: "console-home",
  path: "/home",
  roles: ["staff", "city_admin"],
  nav: "nav.console",
  navOrder: 0,
  title: "console.title",

  async load(ctx) {
    const all = await communities(ctx);
    const isAdmin = ctx.session.roles.includes("city_admin");
    const mine = isAdmin ? all : all.filter((c) => (ctx.me?.communities || []).includes(c.id));
    const communityId = mine.some((c) => c.id === ctx.query.community) ? ctx.query.community : mine[0]?.id;
    if (!communityId) return { communities: mine, items: [], community_id: "" };
    const [page, bs] = await Promise.all([queue(ctx, communityId), buildings(ctx, communityId)]);
    return { communities: mine, community_id: communityId, items: page.items, next: page.next_cursor,
             buildings: byId(bs), rejecting: null, revealing: null, revealed: {} };
  },

  render(data, ctx) {
    const { t, loc } = ctx;
    const picker = data.communities.length > 1 ? html`<div class="picker">
        ${field({ name: "community", label: t("console.community"), value: data.community_id, change: "pickCommunity", any: true,
                  options: data.communities.map((c) => ({ value: c.id, label: loc(c.name) })) })}
      </div>` : "";
    const current = data.communities.find((c) => c.id === data.community_id);
    const list = data.items.length
      ? html`<ul class="queue">${data.items.map((r) => itemView(ctx, data, r))}</ul>
        ${data.next ? button(t("action.more"), { action: "more" }) : ""}`
      : empty(data.community_id ? t("verify.empty") : t("console.noCommunity"));
    return html`${pageTitle(t("console.title"), { speak: true })}
      ${picker}
      ${card(html`<p data-speak>${t("verify.count", { n: data.items.length, community: current ? loc(current.name) : "" })}
        ${data.next ? badge(t("verify.moreWaiting"), "info") : ""}</p>${list}`,
      { title: t("verify.title") })}`;
  },

  actions: {
    ...revealActions,
    pickCommunity(ctx, { value }) {
      ctx.navigate(`/home?community=${encodeURIComponent(value)}`);
    },
    async more(ctx) {
      const page = await queue(ctx, ctx.data.community_id, ctx.data.next);
      ctx.update({ items: [...ctx.data.items, ...page.items], next: page.next_cursor });
    },
    async approve(ctx, { data }) {
      const r = ctx.data.items.find((i) => i.resident_id === data.id);
      await ctx.api.post(`/v1/residents/${encodeURIComponent(data.id)}/verification`, { decision: "approve" });
      ctx.update({ items: ctx.data.items.filter((i) => i.resident_id !== data.id) });
      ctx.toast(ctx.t("verify.approved", { name: r?.name || "" }), "ok");
      ctx.focus("#page-title");
    },
    startReject(ctx, { data }) {
      ctx.update({ rejecting: data.id });
      ctx.focus("#f-reason");
    },
    cancelReject(ctx) {
      const id = ctx.data.rejecting;
      ctx.update({ rejecting: null });
      ctx.focus(`#reg-${CSS.escape(id)} [data-action="startReject"]`);
    },
    async reject(ctx, { data, values }) {
      const r = ctx.data.items.find((i) => i.resident_id === data.id);
      await ctx.api.post(`/v1/residents/${encodeURIComponent(data.id)}/verification`,
        { decision: "reject", reason: values.reason });
      ctx.update({ items: ctx.data.items.filter((i) => i.resident_id !== data.id), rejecting: null });
      ctx.toast(ctx.t("verify.rejected", { name: r?.name || "" }), "ok");
      ctx.focus("#page-title");
    },
  },
};
