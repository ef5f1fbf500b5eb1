// 通知公告: the live notices for the resident's home — pinned first, then newest — with a filter by
// category and an "unread" marker. Emergency broadcasts carry their warning level (蓝/黄/橙/红色预警),
// and unread ones are also shown in a banner on top, read aloud with the page.
import { html, pageTitle, empty, badge } from "../templates.js";
import { formatDateTime } from "../i18n.js";
import { CATEGORIES, categoryBadge, severityBadge, unreadBadge, emergencyBanner } from "../notices-parts.js";

function item(ctx, n) {
  const emergency = n.category === "emergency";
  return html`<li class="nt-item${emergency ? ` nt-item--${n.severity || "red"}` : ""}${n.read ? "" : " nt-item--unread"}">
    <a class="nt-item__link" href="#/notices/${encodeURIComponent(n.notice_id)}">
      <span class="nt-item__badges">
        ${emergency ? severityBadge(ctx, n.severity) : categoryBadge(ctx, n.category)}
        ${n.pinned ? badge(ctx.t("notices.pinned"), "neutral") : ""}
        ${n.read ? "" : unreadBadge(ctx)}
      </span>
      <span class="nt-item__title">${ctx.loc(n.title)}</span>
      <span class="nt-item__meta">${ctx.t("notices.publishedAt", { time: formatDateTime(n.published_at) })}${n.scope?.name ? html` · ${ctx.loc(n.scope.name)}` : ""}</span>
    </a>
  </li>`;
}

export default {
  id: "notices-list",
  path: "/notices",
  roles: ["resident"],
  nav: "notices.nav",
  navOrder: 20,
  title: "notices.title",

  async load(ctx) {
    const category = CATEGORIES.includes(ctx.query.category) ? ctx.query.category : "";
    const page = await ctx.api.get("/v1/me/notices", { category });
    // the banner needs every unread broadcast, whatever the filter shows
    const all = category ? await ctx.api.get("/v1/me/notices", { category: "emergency" }) : page;
    const emergencies = (all.items || []).filter((n) => n.category === "emergency" && !n.read && n.state === "live");
    return { items: page.items || [], unread: page.unread ?? 0, category, emergencies };
  },

  render(data, ctx) {
    const { t } = ctx;
    // a select of our own: its empty choice means "all", not "choose one"
    const filter = ctx.elder ? "" : html`<div class="field picker">
      <label for="nt-category">${t("notices.filter")}</label>
      <select id="nt-category" name="nt-category" data-change="pickCategory">
        <option value="">${t("notices.all")}</option>
        ${CATEGORIES.map((c) => html`<option value="${c}"${c === data.category ? html` selected` : ""}>${t(`notices.category.${c}`)}</option>`)}
      </select>
    </div>`;
    const unread = data.unread ? t("notices.unreadCount", { n: data.unread }) : t("notices.allRead");
    return html`${pageTitle(t("notices.title"), { speak: true })}
      ${emergencyBanner(ctx, data.emergencies)}
      <p class="lead" data-speak>${unread}</p>
      ${filter}
      ${data.items.length ? html`<ul class="nt-list">${data.items.map((n) => item(ctx, n))}</ul>`
        : empty(data.category ? t("notices.emptyCategory") : t("notices.empty"))}`;
  },

  actions: {
    pickCategory(ctx, { value }) {
      ctx.navigate(value ? `/notices?category=${encodeURIComponent(value)}` : "/notices");
    },
  },
};
