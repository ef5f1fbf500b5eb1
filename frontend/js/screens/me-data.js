// 我的信息 (residents): who viewed my full name or phone and why; export everything held about
// me as a file; close my account (typed confirmation; then signed out for good).
import { html, pageTitle, field, formError, empty, button, card } from "../templates.js";
import { formatDateTime } from "../i18n.js";

export default {
  id: "me-data",
  path: "/me/data",
  roles: ["resident"],
  title: "privacy.me.title",

  async load(ctx) {
    const access = await ctx.api.get("/v1/me/data-access");
    return { items: access.items };
  },

  render(data, ctx) {
    const { t } = ctx;
    const viewed = data.items.length ? html`<ul class="access-list">${data.items.map((a) => html`<li>
        <time datetime="${a.at}">${formatDateTime(a.at)}</time>
        <span>${t("privacy.me.viewedItem", { who: a.viewer_name, role: t(`privacy.role.${a.viewer_role}`),
                                               field: t(`privacy.field.${a.field}`), reason: t(`privacy.reason.${a.reason}`) })}</span>
      </li>`)}</ul>` : empty(t("privacy.me.viewedEmpty"));
    const close = html`<form class="form" data-submit="close" novalidate>
        <p>${t("privacy.me.closeLead")}</p>
        ${formError()}
        ${field({ name: "confirm", label: t("field.confirm.label"), required: true, pattern: "注销账号", autocomplete: "off" })}
        <div class="form__actions">${button(t("privacy.me.closeSubmit"), { type: "submit", kind: "danger" })}</div>
      </form>`;
    return html`${pageTitle(t("privacy.me.title"), { speak: true })}
      ${card(html`<p data-speak>${t("privacy.me.viewedLead")}</p>${viewed}`, { title: t("privacy.me.viewed") })}
      ${card(html`<p>${t("privacy.me.exportLead")}</p>
        <div class="form__actions">${button(t("privacy.me.export"), { action: "exportMine", kind: "primary", icon: "list" })}</div>`,
      { title: t("privacy.me.export") })}
      ${card(close, { title: t("privacy.me.close"), kind: "danger" })}`;
  },

  actions: {
    async exportMine(ctx) {
      const out = await ctx.api.get("/v1/me/export");
      ctx.saveFile(`my-data-${ctx.session.username}.json`, JSON.stringify(out, null, 2));
      ctx.toast(ctx.t("privacy.me.exported"), "ok");
    },
    async close(ctx, { values }) {
      await ctx.api.post("/v1/me/closure", { confirm: values.confirm, username: ctx.session.username });
      ctx.endSession(ctx.t("privacy.me.closed"));
    },
  },
};
