// 平台运维 · a city's SMS and calls (platform admins): the city's alert SMS and calls of a day, as
// the city admin's outbox shows them, with this month's use against the city's quota. Opened from
// the city's card on the ops screen.
import { html, pageTitle, field, card, linkButton } from "../templates.js";
import { qs } from "../console-parts.js";
import { OUTBOX_PAGE, dayOf, outboxToday, outboxView, quotaUse } from "../notify-parts.js";

const base = (tenant) => `/v1/platform/tenants/${encodeURIComponent(tenant)}`;

export default {
  id: "ops-outbox",
  path: "/ops/outbox/:tenant",
  roles: ["platform_admin"],
  title: "notify.ops.title",

  async load(ctx) {
    const tenant = ctx.params.tenant;
    const day = dayOf(ctx.query.day);
    const [profile, page, usage] = await Promise.all([
      ctx.api.get(base(tenant)),
      ctx.api.get(`${base(tenant)}/outbox`, { day, limit: OUTBOX_PAGE }),
      ctx.api.get(`${base(tenant)}/usage`).catch(() => null),
    ]);
    return { tenant, name: ctx.loc(profile.name) || tenant, day, items: page.items, next: page.next_cursor,
             quotas: usage?.quota_use || null };
  },

  render(data, ctx) {
    const { t } = ctx;
    return html`${pageTitle(t("notify.ops.heading", { name: data.name }), { speak: true, lead: t("notify.ops.lead") })}
      <div class="form__actions console-toolbar">${linkButton(t("notify.ops.back"), "#/ops", { kind: "secondary" })}</div>
      ${card(data.quotas ? quotaUse(ctx, data.quotas) : html`<p>${t("notify.quota.unknown")}</p>`,
        { title: t("notify.quota.title"), kind: "nt-quota-card" })}
      <div class="console-filters">
        ${field({ name: "day", label: t("notify.outbox.day"), hint: t("notify.outbox.dayHint"), type: "date",
                  value: data.day, change: "pickDay" })}
      </div>
      ${card(outboxView(ctx, data, t("notify.ops.caption", { name: data.name, day: data.day })), { title: t("notify.outbox.list") })}`;
  },

  actions: {
    pickDay(ctx, { value }) {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return;
      ctx.navigate(`/ops/outbox/${encodeURIComponent(ctx.data.tenant)}${qs({ day: value === outboxToday() ? "" : value })}`);
    },
    async more(ctx) {
      const page = await ctx.api.get(`${base(ctx.data.tenant)}/outbox`,
        { day: ctx.data.day, limit: OUTBOX_PAGE, cursor: ctx.data.next });
      ctx.update({ items: [...ctx.data.items, ...page.items], next: page.next_cursor });
    },
  },
};
