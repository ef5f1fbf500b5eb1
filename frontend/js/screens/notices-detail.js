// 通知详情: one notice or emergency broadcast; opening it marks it read (for a broadcast, the
// household's receipt, so staff know not to follow it up offline).
import { html, pageTitle, linkButton, facts, card, safeUrl, badge } from "../templates.js";
import { formatDateTime, errorText } from "../i18n.js";
import { categoryBadge, severityBadge } from "../notices-parts.js";

export default {
  id: "notices-detail",
  path: "/notices/:id",
  roles: ["resident"],
  title: "notices.detail.title",

  async load(ctx) {
    const id = encodeURIComponent(ctx.params.id);
    const n = await ctx.api.get(`/v1/notices/${id}`);
    let marked = Boolean(n.read);
    if (!marked && n.state === "live") {
      try {
        await ctx.api.post(`/v1/notices/${id}/read`, {});
        marked = true;
      } catch (err) {
        ctx.toast(ctx.t("notices.readFailed", { reason: errorText(err) }), "error"); // the notice is still worth showing
      }
    }
    return { n, marked };
  },

  render(data, ctx) {
    const { t, loc } = ctx;
    const n = data.n;
    const emergency = n.category === "emergency";
    const badges = html`<p class="nt-detail__badges">
      ${emergency ? severityBadge(ctx, n.severity) : categoryBadge(ctx, n.category)}
      ${n.state !== "live" ? badge(t(`notices.state.${n.state}`), "neutral") : ""}
      ${data.marked ? badge(t("notices.read"), "ok") : ""}
    </p>`;
    const body = html`<div class="nt-body" data-speak>
      ${emergency ? html`<p class="nt-body__level">${t("notices.detail.levelTitle", { level: t(`notices.severity.${n.severity}`), title: loc(n.title) })}</p>` : ""}
      <p>${loc(n.body)}</p>
    </div>`;
    return html`${pageTitle(loc(n.title), { speak: true })}
      <article class="nt-detail${emergency ? ` nt-detail--emergency nt-detail--${n.severity}` : ""}">
        ${badges}
        ${body}
        ${ctx.elder ? "" : facts([
          [t("notices.detail.place"), n.scope?.name ? loc(n.scope.name) : t("notices.detail.city")],
          [t("notices.detail.published"), formatDateTime(n.published_at)],
          [t("notices.detail.validUntil"), n.valid_until ? formatDateTime(n.valid_until) : ""],
        ])}
        ${n.attachments?.length ? card(html`<ul class="nt-attachments">${n.attachments.map((a, i) => html`<li><a href="${safeUrl(a)}" rel="noopener noreferrer" target="_blank">${t("notices.detail.attachment", { n: i + 1 })}</a></li>`)}</ul>`,
          { title: t("notices.detail.attachments") }) : ""}
      </article>
      ${linkButton(t("notices.detail.back"), "#/notices", { kind: "secondary", icon: "list" })}`;
  },
};
