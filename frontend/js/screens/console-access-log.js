// 个人信息查看记录 (city admins): every reveal of a resident's full name or phone, newest first,
// a month at a time, with the month's export as CSV for the city's own audits.
import { html, pageTitle, field, empty, button, card } from "../templates.js";
import { formatDateTime } from "../i18n.js";
import { qs } from "../console-parts.js";

const PAGE = 50;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

function thisMonth() {
  const now = new Date(Date.now() + 8 * 3600 * 1000); // the city's time (UTC+8)
  return now.toISOString().slice(0, 7);
}

function row(ctx, r) {
  const { t } = ctx;
  return html`<tr>
    <td>${formatDateTime(r.at)}</td>
    <td>${r.viewer_name} <span class="muted">${r.viewer}</span></td>
    <td>${r.resident_name}</td>
    <td>${t(`privacy.field.${r.field}`)}</td>
    <td>${t(`privacy.reason.${r.reason}`)}</td>
    <td>${r.note || ""}</td>
  </tr>`;
}

export default {
  id: "console-access-log",
  path: "/console/access-log",
  roles: ["city_admin"],
  nav: "privacy.log.nav",
  navOrder: 60,
  title: "privacy.log.title",

  async load(ctx) {
    const month = MONTH.test(ctx.query.month || "") ? ctx.query.month : thisMonth();
    const page = await ctx.api.get("/v1/audit/personal-data", { month, limit: PAGE });
    return { month, items: page.items, next: page.next_cursor };
  },

  render(data, ctx) {
    const { t } = ctx;
    const table = data.items.length ? html`<div class="table-scroll"><table class="console-table">
        <caption>${t("privacy.log.caption")}</caption>
        <thead><tr><th scope="col">${t("privacy.log.at")}</th><th scope="col">${t("privacy.log.viewer")}</th>
          <th scope="col">${t("privacy.log.resident")}</th><th scope="col">${t("privacy.log.field")}</th>
          <th scope="col">${t("privacy.log.reason")}</th><th scope="col">${t("privacy.log.note")}</th></tr></thead>
        <tbody>${data.items.map((r) => row(ctx, r))}</tbody>
      </table></div>
      ${data.next ? button(t("action.more"), { action: "more" }) : ""}` : empty(t("privacy.log.empty"));
    return html`${pageTitle(t("privacy.log.title"), { lead: t("privacy.log.lead") })}
      <div class="console-filters">
        ${field({ name: "month", label: t("privacy.log.month"), type: "month", value: data.month, change: "pickMonth" })}
      </div>
      <div class="form__actions console-toolbar">
        ${button(t("privacy.log.export"), { action: "exportCsv", kind: "primary", icon: "list" })}
      </div>
      ${card(html`<p data-speak>${t("privacy.log.count", { month: data.month, n: data.items.length + (data.next ? "+" : "") })}</p>${table}`)}`;
  },

  actions: {
    pickMonth(ctx, { value }) {
      if (MONTH.test(value)) ctx.navigate(`/console/access-log${qs({ month: value })}`);
    },
    async more(ctx) {
      const page = await ctx.api.get("/v1/audit/personal-data", { month: ctx.data.month, limit: PAGE, cursor: ctx.data.next });
      ctx.update({ items: [...ctx.data.items, ...page.items], next: page.next_cursor });
    },
    async exportCsv(ctx) {
      const text = await ctx.api.text("/v1/audit/personal-data/export", { month: ctx.data.month });
      ctx.saveFile(`personal-data-access-${ctx.data.month}.csv`, text, "text/csv;charset=utf-8");
      ctx.toast(ctx.t("privacy.log.exported", { month: ctx.data.month }), "ok");
    },
  },
};
