// 平台运维 (platform operators): each city's health and quota use with suspend / resume, the
// CloudWatch alarms (those in ALARM first) and the dashboards as line charts with their numbers
// in tables. Read again every 60 s while the screen is open. Elder mode keeps the cities and the
// alarms in sentences and leaves the charts out.
import { html, pageTitle, field, formError, button, card, empty } from "../templates.js";
import { ApiError } from "../api.js";
import { qs } from "../console-parts.js";
import { formatDateTime, errorText } from "../i18n.js";
import { WINDOWS, REFRESH_MS, windowOf, fetchAll, statusBadge, tierLabel, healthSentence, healthTable,
  quotaTable, alarmsView, widgetCard, lineWidget } from "../ops-parts.js";

let latest = 0; // a newer read makes the answer of an older one stale
let inFlight = 0; // reads under way: the 60 s refresh waits for them rather than superseding them

async function read(ctx, minutes, name) {
  const mine = ++latest;
  inFlight += 1;
  try {
    const fresh = await fetchAll(ctx, minutes, name);
    return mine === latest ? fresh : null;
  } finally {
    inFlight -= 1;
  }
}


/** The API names the field "reason"; ours is "opsReason" (the console's "reason" has other words). */
function ourField(ctx, err) {
  if (!(err instanceof ApiError) || (err.field || err.errors?.[0]?.field) !== "reason") return err;
  const message = ctx.t("ops.reason.error");
  return new ApiError({ status: err.status, code: err.code, message, errors: [{ field: "opsReason", message }],
                        retryable: err.retryable });
}

function changeForm(ctx, c, next) {
  const { t } = ctx;
  const suspend = next === "suspended";
  return html`<form class="form ops-change" data-submit="changeStatus" data-id="${c.tenant_id}" data-status="${next}" novalidate>
    ${formError()}
    ${suspend ? html`<p class="ops-note">${t("ops.suspendNote")}</p>` : ""}
    ${field({ name: "opsReason", label: t(`ops.reason.${next}`), hint: t("ops.reason.hint"), type: "textarea",
              required: true, maxlength: 200, rows: 2 })}
    <div class="form__actions">
      ${button(t(suspend ? "ops.action.confirmSuspend" : "ops.action.confirmResume"),
        { type: "submit", kind: suspend ? "danger" : "primary" })}
      ${button(t("action.cancel"), { action: "cancelChange", kind: "quiet" })}
    </div>
  </form>`;
}

function cityCard(ctx, data, c) {
  const { t } = ctx;
  const name = ctx.loc(c.name);
  const next = c.status === "suspended" ? "active" : "suspended";
  const label = t(next === "suspended" ? "ops.action.suspend" : "ops.action.resume");
  return html`<li class="ops-city" data-tenant="${c.tenant_id}">
    <article aria-labelledby="city-${c.tenant_id}">
      <h3 id="city-${c.tenant_id}" class="ops-city__name"><span>${name}</span> ${statusBadge(ctx, c.status)}</h3>
      <p class="ops-city__tier">${t("ops.tierOf", { tier: tierLabel(ctx, c.tier) })}</p>
      ${ctx.elder ? html`<p class="ops-city__health" data-speak>${healthSentence(ctx, c, data.minutes)}</p>` : ""}
      ${quotaTable(ctx, c)}
      <p class="ops-city__outbox"><a href="#/ops/outbox/${encodeURIComponent(c.tenant_id)}">${t("notify.ops.link", { name })}</a></p>
      ${data.changing === c.tenant_id ? changeForm(ctx, c, next)
        : html`<div class="form__actions"><button type="button" class="btn btn--${next === "suspended" ? "secondary" : "primary"}"
            data-action="startChange" data-id="${c.tenant_id}"><span>${label}</span><span class="sr-only">${name}</span></button></div>`}
    </article>
  </li>`;
}

function boardsView(ctx, data) {
  const { t, loc } = ctx;
  if (!data.dashboards.length) return empty(t("ops.boards.none"));
  const b = data.board;
  return html`<div class="picker">${field({ name: "opsBoard", label: t("ops.boards.pick"), value: data.name,
      change: "pickBoard", options: data.dashboards.map((d) => ({ value: d.name, label: loc(d.title) })) })}</div>
    ${b ? html`<p class="ops-board__title"><strong>${loc(b.title)}</strong>
        ${b.from && b.to ? html` · ${t("ops.boards.range", { from: formatDateTime(b.from), to: formatDateTime(b.to) })}` : ""}</p>
      <div class="ops-widgets">${b.widgets.map((w, i) => widgetCard(ctx, data, w, i))}</div>` : ""}`;
}

export default {
  id: "ops",
  path: "/ops",
  roles: ["platform_admin"],
  nav: "ops.nav",
  navOrder: 0,
  title: "ops.title",

  async load(ctx) {
    latest += 1; // any read still under way from an earlier visit is stale now
    return { ...(await fetchAll(ctx, windowOf(ctx.query.minutes), ctx.query.dashboard)), changing: null, open: {},
             refreshError: null };
  },

  render(data, ctx) {
    const { t } = ctx;
    const suspended = data.cities.filter((c) => c.status === "suspended").length;
    const firing = data.alarms.filter((a) => a.state === "ALARM").length;
    const head = html`${pageTitle(t("ops.title"), { speak: true, lead: t("ops.lead") })}
      <p class="ops-summary" data-speak>${t("ops.summary", { cities: data.cities.length, suspended, alarms: firing })}</p>
      <div class="ops-toolbar">
        <div class="picker">${field({ name: "opsWindow", label: t("ops.window"), value: String(data.minutes),
          change: "pickWindow", options: WINDOWS.map((m) => ({ value: String(m), label: t(`ops.window.${m}`) })) })}</div>
        ${button(t("ops.refresh"), { action: "refresh", icon: "retry" })}
        <p class="ops-updated">${t("ops.updated", { time: formatDateTime(data.fetchedAt) })}</p>
      </div>
      ${data.refreshError ? html`<p class="ops-stale" role="alert">${t("ops.refreshFailed",
        { error: data.refreshError, time: formatDateTime(data.fetchedAt) })}</p>` : ""}
      <div data-widget="autoRefresh" hidden></div>`;
    const cities = data.cities.length
      ? html`${ctx.elder ? "" : healthTable(ctx, data.cities, data.minutes)}
        <ul class="ops-cities">${data.cities.map((c) => cityCard(ctx, data, c))}</ul>`
      : empty(t("ops.cities.empty"));
    return html`${head}
      ${card(cities, { title: t("ops.cities.title"), kind: "ops-cities" })}
      ${card(alarmsView(ctx, data), { title: t("ops.alarms.title"), kind: "ops-alarms" })}
      ${ctx.elder ? html`<p class="db-note">${t("ops.elderNote")}</p>`
        : card(boardsView(ctx, data), { title: t("ops.boards.title"), kind: "ops-boards" })}`;
  },

  widgets: {
    line: lineWidget,
    // Not a drawing: the 60 s refresh, started with each paint and stopped before the next one
    // (and when the screen is left), so it runs only while this screen is shown.
    autoRefresh(el, data, ctx) {
      let reading = false; // a slow answer is not asked for again on top of itself
      const timer = setInterval(async () => {
        // not while a reason is being typed, nor on top of a read under way (when reads take longer than
        // the interval, a refresh would supersede each answer before it could be shown)
        if (document.hidden || data.changing || reading || inFlight) return;
        reading = true;
        try {
          const fresh = await read(ctx, data.minutes, data.name);
          if (fresh && el.isConnected) ctx.update({ ...fresh, refreshError: null });
        } catch (err) {
          if (el.isConnected) ctx.update({ refreshError: errorText(err) });
        } finally {
          reading = false;
        }
      }, REFRESH_MS);
      return () => clearInterval(timer);
    },
  },

  actions: {
    // A choice of window or dashboard is the screen's address (#/ops?minutes=360&dashboard=…): it can be
    // bookmarked and shared, Back returns to the previous view, and the screen loads it whole.
    pickWindow(ctx, { value }) {
      if (value) ctx.navigate(`/ops${qs({ minutes: windowOf(value), dashboard: ctx.data.name })}`);
    },
    pickBoard(ctx, { value }) {
      if (value) ctx.navigate(`/ops${qs({ minutes: ctx.data.minutes, dashboard: value })}`);
    },
    async refresh(ctx) {
      const fresh = await read(ctx, ctx.data.minutes, ctx.data.name);
      if (fresh) {
        ctx.update({ ...fresh, refreshError: null });
        ctx.toast(ctx.t("ops.refreshed"), "ok");
      }
    },
    toggleData(ctx, { data }) {
      const open = { ...ctx.data.open };
      open[data.key] = !open[data.key];
      ctx.update({ open });
    },
    startChange(ctx, { data }) {
      ctx.update({ changing: data.id });
      ctx.focus("#f-opsReason");
    },
    cancelChange(ctx) {
      const id = ctx.data.changing;
      ctx.update({ changing: null });
      ctx.focus(`[data-action="startChange"][data-id="${CSS.escape(id || "")}"]`);
    },
    async changeStatus(ctx, { data, values }) {
      const city = ctx.data.cities.find((c) => c.tenant_id === data.id);
      let profile;
      try {
        profile = await ctx.api.post(`/v1/platform/tenants/${encodeURIComponent(data.id)}/status`,
          { status: data.status, reason: values.opsReason });
      } catch (err) {
        throw ourField(ctx, err);
      }
      // The new status from the answer at once; the rest when the fresh read comes back.
      const status = profile?.status || data.status;
      const cities = ctx.data.cities.map((c) => (c.tenant_id === data.id ? { ...c, status } : c));
      const fresh = await read(ctx, ctx.data.minutes, ctx.data.name).catch(() => null);
      ctx.update({ ...(fresh || { cities }), changing: null });
      ctx.toast(ctx.t(`ops.done.${data.status}`, { name: city ? ctx.loc(city.name) : data.id }), "ok");
      ctx.focus(`[data-action="startChange"][data-id="${CSS.escape(data.id)}"]`);
    },
  },
};
