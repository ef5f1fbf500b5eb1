// One notice in the console: its text, place and validity; withdraw it with a reason; for an
// emergency broadcast the read receipts — totals, the households that have not read it, and an
// offline follow-up (phone, visit, neighbour) for each (保留线下渠道).
import { html, pageTitle, field, formError, button, linkButton, facts, empty, card } from "../templates.js";
import { formatDateTime } from "../i18n.js";
import { householdText, percent, buildingNames, tabs } from "../console-parts.js";
import { noticeBadges, reachFacts } from "./console-notices.js";

const METHODS = ["phone", "visit", "neighbour"];

async function receipts(ctx, id, state, cursor) {
  return ctx.api.get(`/v1/notices/${encodeURIComponent(id)}/receipts`, { state, limit: 50, cursor });
}

function followupForm(ctx, h) {
  const { t } = ctx;
  return html`<form class="form form--inline" data-submit="followup" data-household="${h.household_id}" novalidate>
    ${formError()}
    ${field({ name: "method", label: t("console.receipt.method"), required: true,
              options: METHODS.map((m) => ({ value: m, label: t(`console.receipt.methodName.${m}`) })) })}
    ${field({ name: "note", label: t("console.receipt.note"), hint: t("console.receipt.noteHint"), type: "textarea",
              required: true, maxlength: 500 })}
    <div class="form__actions">
      ${button(t("console.receipt.save"), { type: "submit", kind: "primary" })}
      ${button(t("action.cancel"), { action: "closeFollowup", kind: "quiet" })}
    </div>
  </form>`;
}

function householdView(ctx, data, h) {
  const { t } = ctx;
  const label = householdText(ctx, h.household_id, buildingNames([h]));
  const open = data.following === h.household_id;
  return html`<li class="queue__item" id="hh-${h.household_id}">
    <h4>${label}</h4>
    ${facts([
      [t("console.receipt.members"), h.members.join("、")],
      [t("console.receipt.delivered"), formatDateTime(h.delivered_at)],
      [t("console.receipt.readAt"), h.read_at ? `${formatDateTime(h.read_at)} · ${t(`console.receipt.via.${h.read_via || "app"}`)}${h.read_by ? ` · ${h.read_by}` : ""}` : ""],
    ])}
    ${h.followups.length ? html`<ul class="console-followups">${h.followups.map((f) => html`<li>${t(`console.receipt.methodName.${f.method}`)} · ${f.by} · ${formatDateTime(f.at)}：${f.note}</li>`)}</ul>` : ""}
    ${data.notice.state === "withdrawn" ? "" : open ? followupForm(ctx, h)
      : button(t("console.receipt.record"), { action: "openFollowup", data: { household: h.household_id }, kind: "secondary" })}
  </li>`;
}

function receiptsView(ctx, data) {
  const { t } = ctx;
  const r = data.receipts;
  const state = r.state;
  return html`<p class="console-totals" tabindex="-1" data-speak>${t("console.receipt.totals", { total: r.households, read: r.read, unread: r.unread, rate: percent(r.read_rate) })}</p>
    ${tabs(t("console.receipt.title"), ["unread", "read"].map((s) => ({
      href: `#/console/notices/${encodeURIComponent(data.notice.notice_id)}${s === "read" ? "?receipts=read" : ""}`,
      label: t(`console.receipt.show.${s}`), current: s === state })))}
    <h3>${t(`console.receipt.list.${state}`)}</h3>
    ${r.items.length ? html`<ul class="queue">${r.items.map((h) => householdView(ctx, data, h))}</ul>
        ${r.next_cursor ? button(t("action.more"), { action: "moreReceipts" }) : ""}`
      : empty(t(`console.receipt.none.${state}`))}`;
}

export default {
  id: "console-notice",
  path: "/console/notices/:id",
  roles: ["staff", "city_admin"],
  title: "console.notice.title",

  async load(ctx) {
    const notice = await ctx.api.get(`/v1/notices/${encodeURIComponent(ctx.params.id)}`);
    const data = { notice, receipts: null, withdrawing: false, following: null };
    if (notice.category === "emergency") {
      data.receipts = await receipts(ctx, notice.notice_id, ctx.query.receipts === "read" ? "read" : "unread");
    }
    return data;
  },

  render(data, ctx) {
    const { t, loc } = ctx;
    const n = data.notice;
    const canWithdraw = n.state !== "withdrawn" && n.state !== "expired";
    const withdraw = data.withdrawing
      ? html`<form class="form form--inline" data-submit="withdraw" novalidate>
          ${formError()}
          ${field({ name: "reason", label: t("console.notice.withdrawReason"), hint: t("console.notice.withdrawHint"), type: "textarea",
                    required: true, maxlength: 200 })}
          <div class="form__actions">
            ${button(t("console.notice.confirmWithdraw"), { type: "submit", kind: "danger" })}
            ${button(t("action.cancel"), { action: "cancelWithdraw", kind: "quiet" })}
          </div>
        </form>`
      : canWithdraw ? html`<div class="form__actions">${button(t("console.notice.withdraw"), { action: "startWithdraw", kind: "secondary" })}</div>` : "";
    return html`${pageTitle(loc(n.title), { speak: true })}
      <p><a href="#/console/notices">${t("console.notice.back")}</a></p>
      <p class="console-badges">${noticeBadges(ctx, n)}</p>
      ${card(html`<p class="console-body" data-speak>${loc(n.body)}</p>
        ${ctx.elder ? "" : facts([
          [t("console.notice.scope"), n.scope.name ? loc(n.scope.name) : t(`console.scope.${n.scope.level}`)],
          [t("console.notice.published"), `${formatDateTime(n.published_at)} · ${n.published_by_name || n.published_by}`],
          [t("console.notice.validFrom"), formatDateTime(n.valid_from)],
          [t("console.notice.validUntil"), n.valid_until ? formatDateTime(n.valid_until) : t("console.notice.openEnded")],
          ...reachFacts(ctx, n),
          [t("console.notice.withdrawnLabel"), n.withdrawn_at ? `${formatDateTime(n.withdrawn_at)} · ${n.withdrawn_by_name || n.withdrawn_by} · ${n.withdrawal_reason || ""}` : ""],
        ])}
        ${withdraw}`, { title: t("console.notice.content") })}
      ${data.receipts ? card(receiptsView(ctx, data), { title: t("console.receipt.title") }) : ""}
      ${linkButton(t("console.notice.back"), "#/console/notices", { kind: "quiet" })}`;
  },

  actions: {
    startWithdraw(ctx) {
      ctx.update({ withdrawing: true });
      ctx.focus("#f-reason");
    },
    cancelWithdraw(ctx) {
      ctx.update({ withdrawing: false });
      ctx.focus('[data-action="startWithdraw"]');
    },
    async withdraw(ctx, { values }) {
      const notice = await ctx.api.post(`/v1/notices/${encodeURIComponent(ctx.data.notice.notice_id)}/withdraw`,
        { reason: values.reason });
      ctx.update({ notice, withdrawing: false, following: null });
      ctx.toast(ctx.t("console.notice.withdrawn"), "ok");
      ctx.focus("#page-title");
    },
    async moreReceipts(ctx) {
      const r = ctx.data.receipts;
      const page = await receipts(ctx, ctx.data.notice.notice_id, r.state, r.next_cursor);
      ctx.update({ receipts: { ...page, items: [...r.items, ...page.items] } });
    },
    openFollowup(ctx, { data }) {
      ctx.update({ following: data.household });
      ctx.focus("#f-method");
    },
    closeFollowup(ctx) {
      const id = ctx.data.following;
      ctx.update({ following: null });
      ctx.focus(`#hh-${CSS.escape(id || "")} button`);
    },
    async followup(ctx, { data, values }) {
      const id = ctx.data.notice.notice_id;
      await ctx.api.post(`/v1/notices/${encodeURIComponent(id)}/followups`,
        { household_id: data.household, method: values.method, note: values.note });
      const r = await receipts(ctx, id, ctx.data.receipts.state);
      ctx.update({ receipts: r, following: null });
      ctx.toast(ctx.t("console.receipt.saved"), "ok");
      ctx.focus(".console-totals");
    },
  },
};
