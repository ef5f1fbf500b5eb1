// 村务公开与应急广播: the notices that reach the user's area, newest first (withdrawn ones too),
// filtered by category; links to publish a notice or a broadcast and to each notice's page.
import { html, pageTitle, field, empty, badge, button, linkButton, card, facts } from "../templates.js";
import { formatDateTime } from "../i18n.js";
import { qs, percent } from "../console-parts.js";

export const CATEGORIES = ["affairs", "policy", "activity", "emergency"];
export const WARNING_KINDS = { blue: "info", yellow: "warn", orange: "warn", red: "danger" };
const STATE_KINDS = { live: "ok", scheduled: "info", expired: "neutral", withdrawn: "danger" };

export function noticeBadges(ctx, n) {
  const { t } = ctx;
  return html`${badge(t(`console.notice.category.${n.category}`), n.category === "emergency" ? "danger" : "neutral")}
    ${n.severity ? badge(t(`console.notice.severity.${n.severity}`), WARNING_KINDS[n.severity]) : ""}
    ${badge(t(`console.notice.state.${n.state}`), STATE_KINDS[n.state])}
    ${n.pinned ? badge(t("console.notice.pinned"), "info") : ""}`;
}

/** 已读: residents who read it (every notice), and for a broadcast the households reached — each
 *  under its own label and unit, never side by side as one figure. */
export function reachFacts(ctx, n) {
  const { t } = ctx;
  const s = n.stats;
  if (!s) return [];
  const rows = [[t("console.notice.readersLabel"), t("console.notice.readers", { n: s.readers })]];
  if (n.category === "emergency") {
    rows.push([t("console.notice.householdsLabel"), t("console.notice.readHouseholds", {
      read: s.households_read, total: s.households, rate: percent(s.households ? s.households_read / s.households : 0) })]);
  }
  return rows;
}

function itemView(ctx, n) {
  const { t, loc } = ctx;
  return html`<li class="queue__item">
    <article aria-labelledby="nt-${n.notice_id}">
      <h3 id="nt-${n.notice_id}"><a href="#/console/notices/${encodeURIComponent(n.notice_id)}">${loc(n.title)}</a></h3>
      <p class="console-badges">${noticeBadges(ctx, n)}</p>
      ${facts([
        [t("console.notice.scope"), n.scope.name ? loc(n.scope.name) : t(`console.scope.${n.scope.level}`)],
        [t("console.notice.published"), formatDateTime(n.published_at)],
        ...reachFacts(ctx, n),
      ])}
    </article>
  </li>`;
}

export default {
  id: "console-notices",
  path: "/console/notices",
  roles: ["staff", "city_admin"],
  nav: "console.nav.notices",
  navOrder: 30,
  title: "console.notices.title",

  async load(ctx) {
    const category = CATEGORIES.includes(ctx.query.category) ? ctx.query.category : "";
    const page = await ctx.api.get("/v1/notices", { category, limit: 20 });
    return { category, items: page.items, next: page.next_cursor };
  },

  render(data, ctx) {
    const { t } = ctx;
    return html`${pageTitle(t("console.notices.title"), { speak: true })}
      <div class="form__actions console-toolbar">
        ${linkButton(t("console.notices.publish"), "#/console/notices/new", { kind: "primary" })}
        ${linkButton(t("console.notices.broadcast"), "#/console/notices/new?category=emergency", { kind: "danger", icon: "alert" })}
      </div>
      <div class="console-filters">
        ${field({ name: "category", label: t("console.notice.categoryFilter"), value: data.category, change: "pickCategory", any: true,
                  options: CATEGORIES.map((c) => ({ value: c, label: t(`console.notice.category.${c}`) })) })}
      </div>
      ${card(data.items.length ? html`<ul class="queue">${data.items.map((n) => itemView(ctx, n))}</ul>
          ${data.next ? button(t("action.more"), { action: "more" }) : ""}`
        : empty(t("console.notices.empty")), { title: t("console.notices.list") })}`;
  },

  actions: {
    pickCategory(ctx, { value }) {
      ctx.navigate(`/console/notices${qs({ category: value })}`);
    },
    async more(ctx) {
      const page = await ctx.api.get("/v1/notices", { category: ctx.data.category, limit: 20, cursor: ctx.data.next });
      ctx.update({ items: [...ctx.data.items, ...page.items], next: page.next_cursor });
    },
  },
};
