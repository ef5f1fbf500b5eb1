// 接诉即办 work queue: a community's requests by state, or a department's queue (overdue only if
// asked), with SLA indicators in words and colour, most urgent or newest first.
import { html, pageTitle, field, empty, badge, card } from "../templates.js";
import { buildings, byId } from "../places.js";
import { formatDateTime } from "../i18n.js";
import { ApiError } from "../api.js";
import {
  myCommunities, chosenCommunity, communityPicker, qs, REQUEST_STATES, requestStateBadge, slaBadge, byUrgency,
  byNewest, placeText, tabs, isAdmin,
} from "../console-parts.js";

const LIMIT = 50;

async function names(ctx, items, communities) {
  const ids = [...new Set(items.map((r) => r.location?.community_id).filter(Boolean))];
  const loaded = await Promise.allSettled(ids.map((id) => buildings(ctx, id)));
  return { communities: byId(communities), buildings: byId(loaded.flatMap((r) => r.value || [])) };
}

function itemView(ctx, data, r) {
  const { t, loc } = ctx;
  const place = placeText(ctx, r.location || {}, data.names);
  const dept = data.departments[r.department];
  return html`<li class="queue__item console-req">
    <article aria-labelledby="req-${r.request_id}">
      <h3 id="req-${r.request_id}"><a href="#/console/requests/${encodeURIComponent(r.request_id)}">${loc(r.category_name)} · ${r.request_id}</a></h3>
      <p class="console-badges">${r.emergency ? badge(t("console.req.emergency"), "danger") : ""} ${requestStateBadge(ctx, r.state)} ${slaBadge(ctx, r)}</p>
      <p class="console-desc">${r.description}</p>
      ${ctx.elder ? "" : html`<dl class="facts">
        ${place ? html`<div><dt>${t("console.req.place")}</dt><dd>${place}</dd></div>` : ""}
        <div><dt>${t("console.req.filed")}</dt><dd>${formatDateTime(r.created_at)}</dd></div>
        <div><dt>${t("console.req.department")}</dt><dd>${dept ? loc(dept.name) : r.department}</dd></div>
        ${r.assignee ? html`<div><dt>${t("console.req.assignee")}</dt><dd>${r.assignee}</dd></div>` : ""}
      </dl>`}
    </article>
  </li>`;
}

export default {
  id: "console-requests",
  path: "/console/requests",
  roles: ["staff", "city_admin"],
  nav: "console.nav.requests",
  navOrder: 10,
  title: "console.requests.title",

  async load(ctx) {
    const q = ctx.query;
    const view = q.view === "department" ? "department" : "community";
    const [mine, depts] = await Promise.all([myCommunities(ctx), ctx.api.get("/v1/departments")]);
    const data = { view, communities: mine, departments: byId(depts), departmentList: depts, items: [], forbidden: false,
                   sort: q.sort === "newest" ? "newest" : "urgent", community_id: chosenCommunity(ctx, mine),
                   state: REQUEST_STATES.includes(q.state) ? q.state : "submitted",
                   department: depts.some((d) => d.id === q.department) ? q.department : "",
                   overdue: q.overdue === "true" ? "true" : "" };
    if (view === "community" && data.community_id) {
      const page = await ctx.api.get(`/v1/communities/${encodeURIComponent(data.community_id)}/requests`,
        { state: data.state, limit: LIMIT });
      data.items = page.items;
      data.more = Boolean(page.next_cursor);
    } else if (view === "department" && data.department) {
      try {
        const page = await ctx.api.get(`/v1/departments/${encodeURIComponent(data.department)}/requests`,
          { overdue: data.overdue || undefined, limit: LIMIT });
        data.items = page.items;
        data.more = Boolean(page.next_cursor);
      } catch (err) {
        if (!(err instanceof ApiError) || err.status !== 403) throw err;
        data.forbidden = true;
      }
    }
    data.names = await names(ctx, data.items, mine);
    return data;
  },

  render(data, ctx) {
    const { t, loc } = ctx;
    const base = { view: data.view, community: data.community_id, state: data.state, department: data.department,
                   overdue: data.overdue, sort: data.sort };
    const href = (patch) => `#/console/requests${qs({ ...base, ...patch })}`;
    const views = tabs(t("console.requests.views"), [
      { href: href({ view: "community" }), label: t("console.requests.byCommunity"), current: data.view === "community" },
      { href: href({ view: "department" }), label: t("console.requests.byDepartment"), current: data.view === "department" },
    ]);
    const filters = data.view === "community"
      ? html`${communityPicker(ctx, data.communities, data.community_id)}
        ${field({ name: "state", label: t("console.req.stateFilter"), value: data.state, change: "pickState", any: true,
                  options: REQUEST_STATES.map((s) => ({ value: s, label: t(`console.req.state.${s}`) })) })}`
      : html`${field({ name: "department", label: t("console.req.department"), value: data.department, change: "pickDepartment", any: true,
                       hint: isAdmin(ctx) ? "" : t("console.requests.departmentHint"),
                       options: data.departmentList.map((d) => ({ value: d.id, label: loc(d.name) })) })}
        ${field({ name: "overdue", label: t("console.requests.overdueFilter"), value: data.overdue, change: "pickOverdue", any: true,
                  options: [{ value: "true", label: t("console.requests.overdueOnly") }] })}`;
    const sorter = field({ name: "sort", label: t("console.requests.sort"), value: data.sort, change: "pickSort",
                           options: [{ value: "urgent", label: t("console.requests.sortUrgent") },
                                     { value: "newest", label: t("console.requests.sortNewest") }] });
    const items = [...data.items].sort(data.sort === "newest" ? byNewest : byUrgency);
    const overdue = items.filter((r) => r.overdue).length;
    let list;
    if (data.forbidden) list = empty(t("console.requests.notYourDepartment"));
    else if (data.view === "department" && !data.department) list = empty(t("console.requests.chooseDepartment"));
    else if (data.view === "community" && !data.community_id) list = empty(t("console.noCommunity"));
    else if (!items.length) list = empty(t("console.requests.empty"));
    else {
      list = html`<p data-speak>${t("console.requests.count", { n: items.length })}
          ${overdue ? badge(t("console.requests.overdueCount", { n: overdue }), "danger") : ""}
          ${data.more ? badge(t("console.requests.more"), "info") : ""}</p>
        <ul class="queue">${items.map((r) => itemView(ctx, data, r))}</ul>`;
    }
    return html`${pageTitle(t("console.requests.title"), { speak: true })}
      ${views}
      <div class="console-filters">${filters}${sorter}</div>
      ${card(list, { title: t(data.view === "community" ? "console.requests.communityQueue" : "console.requests.departmentQueue") })}`;
  },

  actions: {
    pickCommunity(ctx, { value }) {
      go(ctx, { community: value });
    },
    pickState(ctx, { value }) {
      go(ctx, { state: value });
    },
    pickDepartment(ctx, { value }) {
      go(ctx, { department: value });
    },
    pickOverdue(ctx, { value }) {
      go(ctx, { overdue: value });
    },
    pickSort(ctx, { value }) {
      go(ctx, { sort: value });
    },
  },
};

function go(ctx, patch) {
  const d = ctx.data;
  ctx.navigate(`/console/requests${qs({ view: d.view, community: d.community_id, state: d.state, department: d.department,
                                        overdue: d.overdue, sort: d.sort, ...patch })}`);
}
