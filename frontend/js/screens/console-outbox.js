// 短信与电话记录 (city admins): the city's alert SMS and calls of a day, newest first — to whom, on
// which channel, at which level, sent, failed or skipped and why, how long after the alert — and
// this month's SMS and calls against the city's quota.
import { html, pageTitle, field, card } from "../templates.js";
import { qs } from "../console-parts.js";
import { OUTBOX_PAGE, dayOf, outboxToday, outboxView, quotaUse } from "../notify-parts.js";

const OUTBOX = "/v1/notifications/outbox";

export default {
  id: "console-outbox",
  path: "/console/outbox",
  roles: ["city_admin"],
  nav: "notify.outbox.nav",
  navOrder: 65,
  title: "notify.outbox.title",

  async load(ctx) {
    const day = dayOf(ctx.query.day);
    // the quota is a side fact: the day's list is shown even when usage cannot be read
    const [page, usage] = await Promise.all([
      ctx.api.get(OUTBOX, { day, limit: OUTBOX_PAGE }),
      ctx.api.get("/v1/usage").catch(() => null),
    ]);
    return { day, items: page.items, next: page.next_cursor, quotas: usage?.quota_use || null };
  },

  render(data, ctx) {
    const { t } = ctx;
    return html`${pageTitle(t("notify.outbox.title"), { speak: true, lead: ctx.elder ? "" : t("notify.outbox.lead") })}
      ${card(data.quotas ? quotaUse(ctx, data.quotas) : html`<p>${t("notify.quota.unknown")}</p>`,
        { title: t("notify.quota.title"), kind: "nt-quota-card" })}
      <div class="console-filters">
        ${field({ name: "day", label: t("notify.outbox.day"), hint: t("notify.outbox.dayHint"), type: "date",
                  value: data.day, change: "pickDay" })}
      </div>
      ${card(outboxView(ctx, data, t("notify.outbox.caption", { day: data.day })), { title: t("notify.outbox.list") })}`;
  },

  actions: {
    pickDay(ctx, { value }) {
      if (/^\d{4}-\d{2}-\d{2}$/.test(value)) ctx.navigate(`/console/outbox${qs({ day: value === outboxToday() ? "" : value })}`);
    },
    async more(ctx) {
      const page = await ctx.api.get(OUTBOX, { day: ctx.data.day, limit: OUTBOX_PAGE, cursor: ctx.data.next });
      ctx.update({ items: [...ctx.data.items, ...page.items], next: page.next_cursor });
    },
  },
};
