// 居家安全与亲情关爱: pieces of the safety screen — an alert in words (severity and state are text,
// not only colour), a care subject's status with who to call, and the call buttons.
import { html, badge, facts, safeUrl, loading } from "./templates.js";
import { formatDate, formatDateTime, has } from "./i18n.js";
import { PHONE } from "./services-parts.js";
import { mergedTimeline } from "./notify-parts.js";

const SEVERITY_KINDS = { critical: "danger", warning: "warn", info: "info" };
const STATE_KINDS = { open: "danger", acknowledged: "info", resolved: "ok", auto_cleared: "ok" };
/** Summary → the shared status block's colours (status--verified is green, --pending amber, --rejected red). */
const SUMMARY_CLASS = { ok: "verified", attention: "pending", alert: "rejected" };
const SUMMARY_KINDS = { ok: "ok", attention: "warn", alert: "danger" };

function known(ctx, key, fallback) {
  return has(key) ? ctx.t(key) : fallback;
}

export function severityBadge(ctx, severity) {
  return badge(known(ctx, `safety.severity.${severity}`, severity), SEVERITY_KINDS[severity]);
}

export function stateBadge(ctx, state) {
  return badge(known(ctx, `safety.state.${state}`, state), STATE_KINDS[state]);
}

/** The device went back to normal on its own and no staff member has confirmed it yet (still open). */
export function recovered(a) {
  return a.state === "open" && Boolean(a.recovered_at);
}

export function ruleName(ctx, a) {
  return a.rule_name ? ctx.loc(a.rule_name) : a.rule_id;
}

export function deviceName(ctx, type) {
  return known(ctx, `safety.device.${type}`, type || "");
}

/** A tel: link styled as a button; `kind` "danger" for 120. */
export function callButton(label, phone, kind = "primary") {
  const href = safeUrl(`tel:${String(phone).replace(/[^\d+]/g, "")}`);
  return html`<a class="btn btn--${kind} sf-call" href="${href}">${PHONE}<span>${label}</span></a>`;
}

/** Who to call, most urgent first (the API's order): 120 on an SOS or fall, the watched relative
 *  herself (family only), the grid worker, the community service centre. A grid worker without a published number is named, not linked. */
export function callActions(ctx, actions) {
  const { t } = ctx;
  const items = (actions || []).map((a) => {
    if (a.kind === "emergency") return callButton(t("safety.call.emergency", { phone: a.phone }), a.phone, "danger");
    if (a.kind === "subject") return callButton(t("safety.call.subject", { name: a.name || "", phone: a.phone }), a.phone);
    if (a.kind === "grid_worker") {
      return a.phone
        ? callButton(t("safety.call.gridWorker", { name: a.name || "", phone: a.phone }), a.phone)
        : html`<p class="sf-contact">${t("safety.call.gridWorkerNoPhone", { name: a.name || "" })}</p>`;
    }
    if (a.phone) return callButton(t("safety.call.other", { label: ctx.loc(a.label), phone: a.phone }), a.phone, "secondary");
    return "";
  });
  return html`<div class="sf-actions" role="group" aria-label="${t("safety.call.label")}">${items}</div>`;
}

export function summaryBlock(ctx, status, { sentence = "" } = {}) {
  return html`<div class="status status--${SUMMARY_CLASS[status.summary] || "pending"} sf-summary" data-speak>
    <p class="status__label">${badge(ctx.t(`safety.summary.${status.summary}`), SUMMARY_KINDS[status.summary])}</p>
    <p class="status__sentence">${sentence || ctx.loc(status.message)}</p>
  </div>`;
}

/** What happened to an alert, for residents: each step in words (who acted is not named) and the
 *  SMS and calls (staff as 工作人员, family by masked name), once the alert was read alone. */
function residentTimeline(ctx, a, read) {
  const label = ctx.t("safety.alert.historyLabel");
  const steps = (alert) => (alert.timeline || []).map((e) => ({
    title: known(ctx, `safety.alert.step.${e.action}`, e.action), when: e.at, note: e.note || "",
    kind: e.action === "raised" ? SEVERITY_KINDS[a.severity] : e.action === "comment" ? "neutral" : "ok",
  }));
  if (read?.alert) return mergedTimeline(ctx, steps(read.alert), read.alert.deliveries, label);
  return html`${a.timeline?.length ? mergedTimeline(ctx, steps(a), [], label) : ""}
    ${read?.error ? html`<p class="field__error">${ctx.t("safety.alert.historyFailed", { error: read.error })}</p>`
      : loading(ctx.t("safety.alert.historyLoading"))}`;
}

/**
 * An alert in words. `history` ({where, open, records}: which list, the records open, the alerts read
 * alone) adds 处理与通知记录 under it, read only when opened (never one request per alert on load).
 */
export function alertItem(ctx, a, history = null) {
  const { t } = ctx;
  const key = history ? `${history.where}:${a.alert_id}` : "";
  const open = history?.open.has(key);
  return html`<li class="sf-alert">
    <p class="sf-alert__head"><strong>${ruleName(ctx, a)}</strong> ${severityBadge(ctx, a.severity)} ${recovered(a)
      ? badge(t("safety.state.recovered"), "ok") : stateBadge(ctx, a.state)}</p>
    ${recovered(a) ? html`<p class="sf-recovered" data-speak>${t("safety.alert.recovered")}</p>` : ""}
    <p class="sf-meta">${a.device_type ? html`${deviceName(ctx, a.device_type)} · ` : ""}${t("safety.alert.since", { time: formatDateTime(a.opened_at) })}${a.occurrences > 1 ? html` · ${t("safety.alert.times", { n: a.occurrences })}` : ""}</p>
    ${history && !ctx.elder ? html`<details class="sf-history"${open ? html` open` : ""}>
      <summary id="hist-${history.where}-${a.alert_id}" data-action="alertHistory" data-key="${key}" data-id="${a.alert_id}">${t("safety.alert.history")}</summary>
      ${open ? residentTimeline(ctx, a, history.records.get(a.alert_id)) : ""}
    </details>` : ""}
  </li>`;
}

/** Who made a visit when not the grid worker who recorded it: 志愿者 刘*强. */
function visitorText(ctx, v) {
  return v.visitor && v.visitor !== "grid_worker" ? `${ctx.t(`visits.visitor.${v.visitor}`)} ${v.visitor_name || ""}`.trim() : "";
}

/** Elder mode's one line about the next caring visit (the facts hold it otherwise): to her, or about her. */
export function nextVisitLine(ctx, s, { self = false } = {}) {
  const v = s.next_visit;
  if (!v) return "";
  const date = formatDate(v.next_on);
  const text = self ? ctx.t(`safety.self.nextVisit.${v.mode}`, { date })
    : ctx.t("safety.watch.nextVisit", { date, mode: ctx.t(`visits.mode.${v.mode}`) });
  return html`<p class="sf-next-visit" data-speak>${text}</p>`;
}

export function statusFacts(ctx, s) {
  const { t } = ctx;
  return facts([
    [t("safety.status.lastActivity"), s.last_activity ? formatDateTime(s.last_activity) : t("safety.status.noData")],
    [t("safety.status.lastDoor"), s.last_door_activity ? formatDateTime(s.last_door_activity) : t("safety.status.noData")],
    [t("safety.status.lastVisit"), s.last_visit ? [formatDate(s.last_visit.visited_on), visitorText(ctx, s.last_visit), s.last_visit.note]
      .filter(Boolean).join(" · ") : ""],
    [t("safety.status.nextVisit"), s.next_visit ? t("safety.status.nextVisitValue", { date: formatDate(s.next_visit.next_on),
      level: ctx.loc(s.next_visit.name), mode: t(`visits.mode.${s.next_visit.mode}`) }) : ""],
    [t("safety.status.checked"), formatDateTime(s.checked_at)],
  ]);
}
