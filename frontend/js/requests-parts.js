// 接诉即办 pieces shared by the resident's request screens (and usable by the staff console):
// state badges, SLA words, the timeline of steps, where a request is, and API field errors
// renamed to the fields of our own forms.
import { html, badge, timeline } from "./templates.js";
import { ApiError } from "./api.js";
import { has, formatDateTime } from "./i18n.js";

// Colour follows what the resident should feel about the state; the badge always says it in words.
const STATE_KINDS = {
  submitted: "info", accepted: "info", assigned: "info", in_progress: "warn", reopened: "warn",
  resolved: "ok", closed: "ok", rejected: "danger", duplicate: "neutral",
};
const OPEN = new Set(["submitted", "accepted", "assigned", "in_progress", "reopened"]);

export function isOpen(state) {
  return OPEN.has(state);
}

export function stateBadge(ctx, state) {
  return badge(ctx.t(`requests.state.${state}`), STATE_KINDS[state] || "neutral");
}

/** "已超时" (danger), or when it is due, for a request still being handled; nothing otherwise. */
export function slaBadge(ctx, r) {
  if (!isOpen(r.state)) return "";
  if (r.overdue) return badge(ctx.t("requests.sla.overdue"), "danger");
  const respondFirst = !r.responded_at && r.state === "submitted";
  const key = respondFirst ? "requests.sla.respondBy" : "requests.sla.resolveBy";
  return badge(ctx.t(key, { time: formatDateTime(respondFirst ? r.due_respond_at : r.due_resolve_at) }), "neutral");
}

/** A department's name from our words for the usual ones, else its code. */
export function departmentName(ctx, code) {
  if (!code) return "";
  return has(`requests.department.${code}`) ? ctx.t(`requests.department.${code}`) : code;
}

/** Where the request is: the home, a building, the community or an address on the map. */
export function placeText(ctx, r, buildingsById = {}, communitiesById = {}) {
  const l = r.location || {};
  if (l.kind === "household") return ctx.t(r.on_behalf_of ? "requests.place.theirHome" : "requests.place.home");
  if (l.kind === "building") {
    const b = buildingsById[l.building_id];
    return b ? ctx.loc(b.name) : l.building_id;
  }
  if (l.kind === "point") return l.address || ctx.t("requests.place.point");
  const c = communitiesById[l.community_id];
  return c ? ctx.loc(c.name) : l.address || l.community_id;
}

function stepNote(ctx, s) {
  const parts = [];
  if (s.department) parts.push(ctx.t("requests.step.department", { name: departmentName(ctx, s.department) }));
  if (s.assignee) parts.push(ctx.t("requests.step.assignee", { name: s.assignee }));
  if (s.note) parts.push(s.note);
  return parts.join(" · ");
}

const STEP_KINDS = { file: "info", resolve: "ok", rate: "ok", close: "ok", reject: "danger", reopen: "warn",
                     return: "warn", duplicate: "neutral" };

/** The request's steps, oldest first: what happened, who did it, when, and what they said. */
export function stepsTimeline(ctx, r) {
  const items = (r.timeline || []).map((s) => ({
    title: html`${ctx.t(`requests.action.${s.action}`)} <span class="rq-step__who">${ctx.t("requests.step.by", { name: s.by_name || s.by })}</span>`,
    when: s.at,
    note: stepNote(ctx, s),
    kind: STEP_KINDS[s.action] || "neutral",
  }));
  return timeline(items, ctx.t("requests.timeline"));
}

/**
 * The API names the fields of its body ("location.address", "photos[0]"); our forms call them
 * otherwise. Rename them (and use our wording when we have it) so app.js puts each message
 * beside the right control; an error naming no field of ours goes to the form's error slot.
 */
export function renameFields(err, names, ctx) {
  if (!(err instanceof ApiError)) return err;
  const fields = err.fieldErrors();
  if (!Object.keys(fields).length) return err;
  const errors = Object.entries(fields).map(([apiField, message]) => {
    const base = apiField.replace(/\[\d+\]$/, "");
    const field = names[apiField] || names[base] || "_form";
    const ours = `requests.error.${base}`;
    return { field, message: has(ours) ? ctx.t(ours) : message };
  });
  return new ApiError({ status: err.status, code: err.code, message: errors[0].message, field: errors[0].field,
                        errors, retryable: err.retryable });
}

/** Newest first: the list API already sorts so, but a page merged from two calls may not be. */
export function newestFirst(items) {
  return [...items].sort((a, b) => String(b.created_at).localeCompare(String(a.created_at)));
}
