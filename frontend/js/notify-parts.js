// Alert SMS and calls: a delivery in words (channel, person, status, why), an alert's timeline with
// its deliveries merged in by time, the outbox as a table (or, in elder mode, a list) and the month's
// SMS and call use against the city's quota. Pure functions over data, like templates.js.
import { html, badge, button, empty, timeline } from "./templates.js";
import { formatDateTime, has } from "./i18n.js";

/** Every city of the platform is in China: the time its SMS gives is Beijing time. */
export const CITY_TZ = "Asia/Shanghai";
export const OUTBOX_PAGE = 50;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

const STATUS_KINDS = { sending: "neutral", sent: "info", delivered: "ok", failed: "danger", skipped: "warn" };
const DOT_KINDS = { sending: "neutral", sent: "info", delivered: "ok", failed: "danger", skipped: "warn" };

/** The API's reasons are "免打扰时段 / quiet hours": the half in the user's language. */
export function bilingual(ctx, text) {
  if (!text) return "";
  const at = String(text).indexOf(" / ");
  if (at < 0) return String(text);
  return ctx.lang === "en" ? String(text).slice(at + 3) : String(text).slice(0, at);
}

export function channelLabel(ctx, channel) {
  return has(`notify.channel.${channel}`) ? ctx.t(`notify.channel.${channel}`) : channel;
}

export function statusBadge(ctx, status) {
  const label = has(`notify.status.${status}`) ? ctx.t(`notify.status.${status}`) : status;
  return badge(label, STATUS_KINDS[status] || "neutral");
}

/** "已短信通知 李*（子女）", "已电话通知 王芳", "未短信通知 王芳" (+ a badge and the reason). */
export function deliveryTitle(ctx, d) {
  const key = `notify.delivery.${d.channel}.${d.status}`;
  return has(key) ? ctx.t(key, { to: d.to }) : `${channelLabel(ctx, d.channel)} · ${d.to}`;
}

/** A delivery as a timeline item; failed, skipped and sending ones carry a badge in words. */
export function deliveryItem(ctx, d) {
  const flagged = ["failed", "skipped", "sending"].includes(d.status);
  const notes = [d.reason ? ctx.t("notify.reason", { reason: bilingual(ctx, d.reason) }) : "",
                 d.status === "delivered" && d.receipt_at
                   ? ctx.t("notify.receiptAt", { time: formatDateTime(d.receipt_at, { seconds: true }) }) : "",
                 d.level > 1 ? ctx.t("notify.levelNote", { n: d.level }) : ""].filter(Boolean);
  return {
    when: d.at, seconds: true, kind: DOT_KINDS[d.status] || "neutral", note: notes.join(ctx.t("notify.sep")),
    title: flagged ? html`${deliveryTitle(ctx, d)} ${statusBadge(ctx, d.status)}` : deliveryTitle(ctx, d),
  };
}

function time(iso) {
  const n = new Date(iso).getTime();
  return Number.isNaN(n) ? 0 : n;
}

/** The alert's own steps (already timeline items) and its deliveries, oldest first. */
export function mergedTimeline(ctx, steps, deliveries, label) {
  const items = [...steps.map((s) => ({ ...s, seconds: true })), ...(deliveries || []).map((d) => deliveryItem(ctx, d))];
  items.sort((a, b) => time(a.when) - time(b.when)); // stable: a step before the SMS it caused
  return timeline(items, label);
}

// -- times ------------------------------------------------------------------------------------------

/** "3月1日 08:12" — the time as the city's SMS gave it (Beijing time), with how long ago. */
export function cityTime(ctx, iso, now = Date.now()) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso || "");
  const text = new Intl.DateTimeFormat(ctx.lang, { timeZone: CITY_TZ, month: "long", day: "numeric", hour: "2-digit",
                                                  minute: "2-digit", hourCycle: "h23" }).format(d);
  const min = Math.round((now - d.getTime()) / 60000);
  let ago = "";
  if (min >= 0 && min < 1) ago = ctx.t("notify.ago.now");
  else if (min >= 1 && min < 60) ago = ctx.t("notify.ago.minutes", { n: min });
  else if (min >= 60 && min < 48 * 60) ago = ctx.t("notify.ago.hours", { n: Math.round(min / 60) });
  return ctx.t(ago ? "notify.cityTimeAgo" : "notify.cityTime", { time: text, ago });
}

/** "0.8 秒" / "2 分钟" for a latency in milliseconds; a dash when there is none. */
export function latencyText(ctx, ms) {
  if (ms == null) return ctx.t("notify.none");
  if (ms < 60_000) {
    const s = new Intl.NumberFormat(ctx.lang, { maximumFractionDigits: 1 }).format(ms / 1000);
    return ctx.t("notify.latency.seconds", { n: s });
  }
  return ctx.t("notify.latency.minutes", { n: Math.round(ms / 60000) });
}

/** Today as the outbox counts days (the city's date; the browser's local date here), "YYYY-MM-DD". */
export function outboxToday(now = new Date()) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

export function dayOf(value) {
  return DAY.test(value || "") && !Number.isNaN(new Date(`${value}T00:00:00Z`).getTime()) ? value : outboxToday();
}

// -- the outbox -------------------------------------------------------------------------------------

function who(ctx, item) {
  return html`${item.to}<span class="muted"> · ${ctx.t(`notify.kind.${item.kind}`)}</span>`;
}

/** "12/6 15:07:04": the date is kept, so a row read on its own still says which day. */
function when(ctx, iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso || "");
  return new Intl.DateTimeFormat(ctx.lang, { month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit",
                                            second: "2-digit", hourCycle: "h23" }).format(d);
}

/** A day's SMS and calls: a table in a region that scrolls sideways on a phone. */
export function outboxTable(ctx, items, caption) {
  const heads = ["at", "channel", "to", "level", "status", "reason", "latency"];
  return html`<div class="nt-scroll" role="region" tabindex="0" aria-label="${caption}">
    <table class="console-table nt-table">
      <caption>${caption}</caption>
      <thead><tr>${heads.map((k) => html`<th scope="col">${ctx.t(`notify.col.${k}`)}</th>`)}</tr></thead>
      <tbody>${items.map((i) => html`<tr data-alert="${i.alert_id}" data-channel="${i.channel}" data-status="${i.status}">
        <td class="nt-nowrap"><time datetime="${i.at}">${when(ctx, i.at)}</time></td>
        <td>${channelLabel(ctx, i.channel)}</td>
        <td>${who(ctx, i)}</td>
        <td>${ctx.t("notify.level", { n: i.level })}</td>
        <td>${statusBadge(ctx, i.status)}</td>
        <td>${bilingual(ctx, i.reason) || ctx.t("notify.none")}</td>
        <td class="nt-nowrap">${latencyText(ctx, i.latency_ms)}</td>
      </tr>`)}</tbody>
    </table>
  </div>`;
}

/** The same in sentences (elder mode): one item per SMS or call. */
export function outboxList(ctx, items) {
  return html`<ul class="nt-list">${items.map((i) => html`<li data-alert="${i.alert_id}" data-channel="${i.channel}" data-status="${i.status}">
    <p class="nt-list__head"><strong>${deliveryTitle(ctx, i)}</strong> ${statusBadge(ctx, i.status)}</p>
    <p class="sf-meta"><time datetime="${i.at}">${formatDateTime(i.at, { seconds: true })}</time>${i.reason
      ? html` · ${bilingual(ctx, i.reason)}` : ""}</p>
  </li>`)}</ul>`;
}

export function outboxView(ctx, data, caption) {
  if (!data.items.length) return empty(ctx.t("notify.outbox.empty", { day: data.day }));
  const body = ctx.elder ? outboxList(ctx, data.items) : outboxTable(ctx, data.items, caption);
  return html`<p data-speak>${ctx.t(data.next ? "notify.outbox.countMore" : "notify.outbox.count",
    { day: data.day, n: data.items.length })}</p>
    ${body}
    ${data.next ? html`<div class="form__actions">${button(ctx.t("action.more"), { action: "more" })}</div>` : ""}`;
}

// -- this month's SMS and calls against the quota -----------------------------------------------------

const QUOTAS = ["sms_per_month", "voice_calls_per_month"];

function pct(ctx, used, limit) {
  if (!limit) return ctx.t("notify.none");
  if (used > 0 && used / limit < 0.001) return ctx.t("notify.quota.tiny");
  return new Intl.NumberFormat(ctx.lang, { style: "percent", maximumFractionDigits: 1 }).format(used / limit);
}

/** "短信 12 / 20,000（0.1%）" with a meter; a word (not the colour alone) when near or at the limit. */
export function quotaUse(ctx, quotas) {
  const rows = QUOTAS.filter((k) => quotas?.[k]);
  if (!rows.length) return html`<p>${ctx.t("notify.quota.unknown")}</p>`;
  const n = (v) => new Intl.NumberFormat(ctx.lang).format(v ?? 0);
  return html`<ul class="nt-quota">${rows.map((k) => {
    const q = quotas[k];
    const used = q.used ?? 0;
    const f = q.limit ? used / q.limit : 0;
    const flag = f >= 1 ? ctx.t("notify.quota.full") : f >= 0.8 ? ctx.t("notify.quota.near") : "";
    const label = ctx.t(`notify.quota.${k}`);
    return html`<li data-quota="${k}">
      <p class="nt-quota__head"><strong>${label}</strong>
        <span data-used>${n(used)}</span> / <span data-limit>${n(q.limit)}</span> <span class="muted">(${pct(ctx, used, q.limit)})</span>
        ${flag ? badge(flag, f >= 1 ? "danger" : "warn") : ""}</p>
      <meter min="0" max="${q.limit || 1}" value="${Math.min(used, q.limit || 0)}" low="${(q.limit || 1) * 0.8}"
        high="${(q.limit || 1) * 0.95}" optimum="0" aria-label="${ctx.t("notify.quota.meter", { quota: label, share: pct(ctx, used, q.limit) })}"></meter>
    </li>`;
  })}</ul>`;
}
