// 通知公告 and 应急广播 pieces: category and warning-level badges, and the banner that puts an
// unread emergency broadcast at the top of a resident's screen (with read aloud). Any resident
// screen can use the banner: load with unreadEmergencies(ctx), render with emergencyBanner(ctx, items).
import { html, badge, icon } from "./templates.js";

export const CATEGORIES = ["affairs", "policy", "activity", "emergency"];
export const SEVERITIES = ["blue", "yellow", "orange", "red"];

export function categoryBadge(ctx, category) {
  return badge(ctx.t(`notices.category.${category}`), category === "emergency" ? "danger" : "info");
}

/** 蓝/黄/橙/红色预警: the colour of the warning level and, always, its name in words. */
export function severityBadge(ctx, severity) {
  if (!SEVERITIES.includes(severity)) return "";
  return html`<span class="nt-level nt-level--${severity}">${ctx.t(`notices.severity.${severity}`)}</span>`;
}

export function unreadBadge(ctx) {
  return badge(ctx.t("notices.unread"), "warn");
}

/** Unread live emergency broadcasts for the resident's home, most severe first; [] when they cannot be read. */
export async function unreadEmergencies(ctx) {
  try {
    const page = await ctx.api.get("/v1/me/notices", { category: "emergency" });
    const rank = (n) => -SEVERITIES.indexOf(n.severity);
    return (page.items || []).filter((n) => !n.read && n.state === "live").sort((a, b) => rank(a) - rank(b));
  } catch {
    return []; // the banner is a convenience: the notices list shows the same broadcasts
  }
}

/** The banner: each unread broadcast's level, title and a link to read it; read aloud with the page. */
export function emergencyBanner(ctx, items) {
  if (!items?.length) return "";
  return html`<section class="nt-banner nt-banner--${items[0].severity || "red"}" aria-labelledby="nt-banner-title">
    <h2 id="nt-banner-title" class="nt-banner__title">${icon("alert")}<span>${ctx.t("notices.banner.title")}</span></h2>
    <ul class="nt-banner__list">
      ${items.map((n) => html`<li>
        <p data-speak>${severityBadge(ctx, n.severity)} <strong>${ctx.loc(n.title)}</strong></p>
        <a class="btn btn--primary" href="#/notices/${encodeURIComponent(n.notice_id)}">${ctx.t("notices.banner.open")}<span class="sr-only">${ctx.loc(n.title)}</span></a>
      </li>`)}
    </ul>
  </section>`;
}
