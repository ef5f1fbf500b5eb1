// One service request in the console: what, where, SLA, the timeline, and the staff actions its
// state allows (the others are not shown). When someone else acted first (409) the screen says so
// and shows the request as it is now.
import { html, pageTitle, field, formError, button, linkButton, facts, timeline, card, badge } from "../templates.js";
import { buildings, byId, communities } from "../places.js";
import { formatDateTime } from "../i18n.js";
import { revealControls, revealActions } from "../privacy-parts.js";
import { ApiError } from "../api.js";
import { photoThumbs } from "../photos-parts.js";
import { placesMap } from "../maps.js";
import { allowedActions, requestStateBadge, slaBadge, placeText, notice } from "../console-parts.js";

// Actions done with one click; the others open a short form.
const DIRECT = new Set(["accept", "start"]);
const FORM_FIELDS = new Set(["department", "assignee", "duplicate_of", "note"]);
const KINDS = { file: "info", accept: "info", assign: "info", reassign: "info", start: "info", resolve: "ok",
                reject: "danger", duplicate: "neutral", return: "warn", reopen: "warn", rate: "ok", close: "neutral" };

function path(id, action = "") {
  return `/v1/requests/${encodeURIComponent(id)}${action ? `/${action}` : ""}`;
}

function timelineItems(ctx, data, r) {
  const { t, loc } = ctx;
  return r.timeline.map((e) => {
    const who = e.by_name ? `${e.by_name}（${e.by}）` : e.by;
    const notes = [];
    if (e.department) {
      const d = data.departments[e.department];
      notes.push(t("console.req.toDepartment", { name: d ? loc(d.name) : e.department }));
    }
    if (e.assignee) notes.push(t("console.req.toAssignee", { name: e.assignee }));
    if (e.note) notes.push(e.note);
    return { title: t("console.req.step", { action: t(`console.req.action.${e.action}`), who }), when: e.at,
             kind: KINDS[e.action], note: notes.join(" · ") };
  });
}

function actionForm(ctx, data, action) {
  const { t, loc } = ctx;
  const r = data.request;
  const depts = data.departmentList.map((d) => ({ value: d.id, label: loc(d.name) }));
  let fields;
  if (action === "assign" || action === "reassign") {
    fields = html`${field({ name: "department", label: t("console.req.department"), value: action === "reassign" ? "" : r.department,
                            hint: t("console.req.assignHint"), options: depts })}
      ${field({ name: "assignee", label: t("console.req.assignee"), hint: t("console.req.assigneeHint"), maxlength: 64,
                autocomplete: "off", value: "" })}
      ${field({ name: "note", label: t("console.req.noteOptional"), type: "textarea", maxlength: 500 })}`;
  } else if (action === "duplicate") {
    fields = html`${field({ name: "duplicate_of", label: t("console.req.duplicateOf"), hint: t("console.req.duplicateHint"),
                            required: true, maxlength: 20, pattern: "[A-Z]{2}-\\d{8}-\\d{4,6}", autocomplete: "off" })}
      ${field({ name: "note", label: t("console.req.noteOptional"), type: "textarea", maxlength: 500 })}`;
  } else {
    fields = field({ name: "note", label: t(`console.req.note.${action}`), hint: t(`console.req.noteHint.${action}`),
                     type: "textarea", required: true, maxlength: 500 });
  }
  return html`<form class="form card" data-submit="act" data-act="${action}" novalidate aria-labelledby="act-title">
    <h2 id="act-title">${t(`console.req.do.${action}`)}</h2>
    ${formError()}
    ${fields}
    <div class="form__actions">
      ${button(t(`console.req.confirm.${action}`), { type: "submit", kind: action === "reject" ? "danger" : "primary" })}
      ${button(t("action.cancel"), { action: "closeForm", kind: "quiet" })}
    </div>
  </form>`;
}

/** 报事位置: the point the resident dropped on the map, beside their community, with the address they
 *  typed and the coordinates (requests filed at a household, building or community need no map). */
function pinSection(ctx, r) {
  const p = r.location?.kind === "point" ? r.location.point : null;
  if (!p) return "";
  const { t } = ctx;
  return card(html`<figure class="console-figure"><div class="rq-map rq-pin-map" data-widget="pin"></div>
      <figcaption>${t("console.request.pinLabel", { lat: p.lat.toFixed(5), lng: p.lng.toFixed(5) })}</figcaption></figure>
    ${facts([
      [t("console.request.pinAddress"), r.location.address || ""],
      [t("console.request.pinCoords"), `${p.lat.toFixed(5)}, ${p.lng.toFixed(5)}`],
      [t("console.request.pinDistance"), r.location.distance_km != null
        ? t("console.request.pinKm", { km: r.location.distance_km.toFixed(1) }) : ""],
    ])}`, { title: t("console.request.pin") });
}

export default {
  id: "console-request",
  path: "/console/requests/:id",
  roles: ["staff", "city_admin"],
  title: "console.request.title",

  async load(ctx) {
    const [request, depts, cs] = await Promise.all([ctx.api.get(path(ctx.params.id)), ctx.api.get("/v1/departments"),
                                                    communities(ctx)]);
    const bs = request.location?.community_id ? await buildings(ctx, request.location.community_id).catch(() => []) : [];
    return { request, departments: byId(depts), departmentList: depts, acting: null, conflict: null,
             names: { communities: byId(cs), buildings: byId(bs) }, revealing: null, revealed: {} };
  },

  render(data, ctx) {
    const { t, loc } = ctx;
    const r = data.request;
    const dept = data.departments[r.department];
    const actions = allowedActions(r.state);
    const head = html`${pageTitle(t("console.request.heading", { id: r.request_id }), { speak: true })}
      <p><a href="#/console/requests">${t("console.request.back")}</a></p>
      ${data.conflict ? notice(t("console.request.conflict", { state: t(`console.req.state.${r.state}`) }),
                               { action: button(t("console.request.reload"), { action: "reloadRequest" }) }) : ""}
      <div class="status console-status" data-speak>
        <p class="status__label">${loc(r.category_name)} ${r.emergency ? badge(t("console.req.emergency"), "danger") : ""} ${requestStateBadge(ctx, r.state)} ${slaBadge(ctx, r)}</p>
        <p class="status__sentence">${r.description}</p>
      </div>
      ${photoThumbs(ctx, r)}`;
    const buttons = actions.length
      ? html`<div class="form__actions" role="group" aria-label="${t("console.request.actions")}">
          ${actions.map((a) => button(t(`console.req.do.${a}`), { action: DIRECT.has(a) ? "direct" : "openForm",
                                                                kind: DIRECT.has(a) || a === "resolve" ? "primary" : "secondary",
                                                                data: { act: a } }))}
        </div>`
      : html`<p>${t("console.request.noActions")}</p>`;
    const work = data.acting ? actionForm(ctx, data, data.acting) : buttons;
    if (ctx.elder) {
      return html`${head}${card(work, { title: t("console.request.actions") })}
        ${card(timeline(timelineItems(ctx, data, r)), { title: t("timeline.label") })}`;
    }
    return html`${head}
      ${card(work, { title: t("console.request.actions") })}
      ${card(html`${facts([
        [t("console.req.place"), placeText(ctx, r.location || {}, data.names)],
        [t("console.req.department"), dept ? loc(dept.name) : r.department],
        [t("console.req.assignee"), r.assignee || ""],
        [t("console.req.channel"), t(`console.req.channelName.${r.channel}`)],
        [t("console.req.filedBy"), r.filed_by],
        [t("console.req.onBehalfOf"), r.on_behalf_of || ""],
        [t("console.req.filed"), formatDateTime(r.created_at)],
        [t("console.req.dueRespond"), formatDateTime(r.due_respond_at)],
        [t("console.req.dueResolve"), formatDateTime(r.due_resolve_at)],
        [t("console.req.duplicateOf"), r.duplicate_of || ""],
        [t("console.req.rating"), r.rating ? t(`console.req.ratingValue.${r.rating.value}`) : ""],
      ])}${r.filer_resident ? revealControls(ctx, data, r.filer_resident) : ""}`, { title: t("console.request.details") })}
      ${pinSection(ctx, r)}
      ${card(timeline(timelineItems(ctx, data, r)), { title: t("timeline.label") })}
      ${linkButton(t("console.request.back"), "#/console/requests", { kind: "quiet" })}`;
  },

  widgets: {
    pin(el, data, ctx) {
      const r = data.request;
      const p = r.location.point;
      const community = data.names.communities[r.location.community_id];
      const places = [{ lat: p.lat, lng: p.lng, label: ctx.t("console.request.pinHere") }];
      if (community?.location) {
        places.push({ ...community.location, label: ctx.loc(community.name), colour: "#0b4a7d" });
      }
      return placesMap(el, places, ctx);
    },
  },

  actions: {
    ...revealActions,
    openForm(ctx, { data }) {
      ctx.update({ acting: data.act, conflict: null });
      ctx.focus("#act-title");
    },
    closeForm(ctx) {
      const was = ctx.data.acting;
      ctx.update({ acting: null });
      ctx.focus(`[data-act="${CSS.escape(was || "")}"]`);
    },
    reloadRequest(ctx) {
      ctx.reload();
    },
    async direct(ctx, { data }) {
      await act(ctx, data.act, {});
    },
    async act(ctx, { data, values }) {
      const body = {};
      for (const [k, v] of Object.entries(values)) if (v !== "") body[k] = v;
      await act(ctx, data.act, body);
    },
  },
};

async function act(ctx, action, body) {
  const id = ctx.data.request.request_id;
  try {
    const request = await ctx.api.post(path(id, action), body);
    ctx.update({ request, acting: null, conflict: null });
    ctx.toast(ctx.t(`console.req.done.${action}`, { id }), "ok");
    ctx.focus("#page-title");
  } catch (err) {
    // A conflict about a field of the form (e.g. the request it duplicates) goes beside that field.
    if (!(err instanceof ApiError) || err.status !== 409 || FORM_FIELDS.has(err.field)) throw err;
    // Someone acted first (or the state moved on): show the request as it is now, and why.
    const request = await ctx.api.get(path(id));
    ctx.update({ request, acting: null, conflict: err.message || true });
    ctx.toast(ctx.t("console.request.conflictShort"), "error");
    ctx.focus(".console-notice");
  }
}
