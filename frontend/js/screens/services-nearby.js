// 附近服务 (一刻钟便民生活圈): service points around the resident's home, nearest first, with
// distance and walking time, open now, the address, a phone link and the elderly-friendly mark (hours,
// services and description folded under 营业时间与服务, so the list stays short); filters
// by category, radius, open now and elderly friendly; a map of the circle with numbered points.
// Elder mode: a few categories as large buttons and the list — no map, no other filters.
import { html, pageTitle, empty, badge, facts } from "../templates.js";
import { CATEGORIES, ELDER_CATEGORIES, RADII, CIRCLE_M, hoursText, distanceText, phoneLink, byDistance,
         drawMap } from "../services-parts.js";

async function nearby(ctx, filters) {
  const res = await ctx.api.get("/v1/services/nearby", {
    category: filters.category || undefined, radius_m: filters.radius,
    open_now: filters.open ? "true" : undefined, elderly_friendly: filters.elderly ? "true" : undefined,
    limit: 50,
  });
  return { ...res, items: byDistance(res.items || []) };
}

/** The list again with other filters, in place: focus stays on the control just used. */
async function refresh(ctx, f) {
  const res = await nearby(ctx, f);
  ctx.update({ filters: f, ...res });
  ctx.toast(ctx.t("services.count", { n: res.items.length, m: res.radius_m }));
}

function filtersFrom(query) {
  const radius = Number(query.radius);
  return {
    category: CATEGORIES.includes(query.category) ? query.category : "",
    radius: RADII.includes(radius) ? radius : CIRCLE_M,
    open: query.open === "1", elderly: query.elderly === "1",
  };
}

function chips(ctx, current) {
  const { t } = ctx;
  const list = ["", ...(ctx.elder ? ELDER_CATEGORIES : CATEGORIES)];
  return html`<div class="sv-chips" role="group" aria-labelledby="sv-chips-label">
    <p id="sv-chips-label" class="sv-chips__label">${t("services.categories")}</p>
    <ul>${list.map((c) => html`<li><button type="button" class="sv-chip" id="sv-cat-${c || "all"}" data-action="pickCategory"
      data-category="${c}" aria-pressed="${c === current ? "true" : "false"}">${t(c ? `services.category.${c}` : "services.category.all")}</button></li>`)}</ul>
  </div>`;
}

function filters(ctx, f) {
  const { t } = ctx;
  return html`<form class="form sv-filters" data-submit="applyFilters" novalidate>
    <div class="field" data-field="radius">
      <label for="f-radius">${t("services.radius")}</label>
      <select id="f-radius" name="radius" data-change="applyFilters">
        ${RADII.map((r) => html`<option value="${r}"${r === f.radius ? html` selected` : ""}>${t(r === CIRCLE_M ? "services.radius.circle" : "services.radius.m", { m: r })}</option>`)}
      </select>
    </div>
    <div class="sv-checks">
      <label class="sv-check"><input type="checkbox" id="f-open" name="open" value="1" data-change="applyFilters"${f.open ? html` checked` : ""}>
        <span>${t("services.openNowOnly")}</span></label>
      <label class="sv-check"><input type="checkbox" id="f-elderly" name="elderly" value="1" data-change="applyFilters"${f.elderly ? html` checked` : ""}>
        <span>${t("services.elderlyOnly")}</span></label>
    </div>
  </form>`;
}

function point(ctx, p, n) {
  const { t } = ctx;
  const badges = html`${badge(t(p.open_now ? "services.open" : "services.closed"), p.open_now ? "ok" : "neutral")}
    ${p.elderly_friendly ? badge(t("services.elderlyFriendly"), "info") : ""}`;
  return html`<li class="sv-item" id="sv-${p.service_point_id}">
    <article aria-labelledby="sv-${p.service_point_id}-name">
      <h3 id="sv-${p.service_point_id}-name"><span class="sv-num" aria-hidden="true">${n}</span> ${ctx.loc(p.name)}</h3>
      <p class="sv-distance">${distanceText(ctx, p)}</p>
      <p class="sv-badges">${ctx.elder ? "" : html`${badge(t(`services.category.${p.category}`), "neutral")} `}${badges}</p>
      ${ctx.elder || !p.address ? "" : html`<p class="sv-address">${p.address}</p>`}
      ${phoneLink(ctx, p.phone, { kind: ctx.elder ? "primary" : "secondary" })}
      ${ctx.elder ? "" : html`<details class="sv-more">
        <summary>${t("services.more")}</summary>
        ${facts([
          [t("services.hours"), hoursText(ctx, p.opening_hours)],
          [t("services.tags"), (p.tags || []).join("、")],
        ])}
        ${p.description ? html`<p class="sv-desc">${ctx.loc(p.description)}</p>` : ""}
      </details>`}
    </article>
  </li>`;
}

export default {
  id: "services-nearby",
  path: "/services",
  roles: ["resident"],
  nav: "services.nav",
  navOrder: 40,
  title: "services.title",

  async load(ctx) {
    const f = filtersFrom(ctx.query);
    return { filters: f, ...(await nearby(ctx, f)) };
  },

  render(data, ctx) {
    const { t } = ctx;
    const f = data.filters;
    const count = t("services.count", { n: data.items.length, m: data.radius_m });
    const list = data.items.length
      ? html`<ol class="sv-list">${data.items.map((p, i) => point(ctx, p, i + 1))}</ol>`
      : empty(t(f.category || f.open || f.elderly ? "services.emptyFiltered" : "services.empty"));
    return html`${pageTitle(t("services.title"), { speak: true, lead: t("services.lead") })}
      ${chips(ctx, f.category)}
      ${ctx.elder ? "" : filters(ctx, f)}
      ${ctx.elder || !data.items.length ? "" : html`<section aria-labelledby="sv-map-title">
        <h2 id="sv-map-title">${t("services.mapTitle")}</h2>
        <figure class="sv-figure">
          <div class="sv-map" data-widget="map"></div>
          <figcaption>${t("services.mapCaption")}</figcaption>
        </figure>
      </section>`}
      <section aria-labelledby="sv-list-title">
        <h2 id="sv-list-title">${t("services.listTitle")}</h2>
        <p data-speak id="sv-count">${count}</p>
        ${list}
      </section>`;
  },

  widgets: {
    map: drawMap,
  },

  actions: {
    async pickCategory(ctx, { data }) {
      await refresh(ctx, { ...ctx.data.filters, category: data.category || "" });
    },
    async applyFilters(ctx, { values }) {
      await refresh(ctx, { ...ctx.data.filters, radius: Number(values.radius) || CIRCLE_M,
                                open: values.open === "1", elderly: values.elderly === "1" });
    },
  },
};
