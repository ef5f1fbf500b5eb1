// 我要报事: pick a category of the city's catalog, say what is wrong and where (my home, a building
// of my community, or a point on the map), optionally with up to 4 photos (uploaded straight to
// storage as they are chosen), and file it — for myself
// or, 亲友代办, for a relative I watch. Elder mode asks one thing at a time: first the kind of
// problem (large buttons, common ones first), then a few words and where.
import { html, pageTitle, field, formError, button, linkButton } from "../templates.js";
import { ApiError } from "../api.js";
import { leaflet, tileLayer } from "../maps.js";
import { communities, buildings, byId, householdLabel } from "../places.js";
import { renameFields } from "../requests-parts.js";
import { photoPicker, photoActions, uploadedKeys, forgetPreviews } from "../photos-parts.js";

// Shown first (as large buttons in elder mode) when the city's catalog has them.
const COMMON = ["water-electric-repair", "house-leak", "elevator-fault", "heating-fault", "noise", "garbage-collection"];
const API_FIELDS = {
  category: "rq-category", description: "rq-description", location: "rq-where", "location.household": "rq-where",
  "location.point": "rq-where", "location.address": "rq-address", "location.building_id": "rq-building",
  photos: "rq-photos", photo_keys: "rq-photos", on_behalf_of: "rq-for",
};
const ME = "me";

let picker = null; // the map being shown, for "use the centre of the map"

/** Emergencies (燃气泄漏, 电梯困人 …: `emergency` in the city's catalog) first, then the common kinds. */
function commonFirst(catalog) {
  const urgent = catalog.filter((c) => c.emergency);
  const common = COMMON.map((code) => catalog.find((c) => c.code === code)).filter((c) => c && !c.emergency);
  const others = catalog.filter((c) => !c.emergency && !common.includes(c));
  const usual = common.length >= 4 ? common : [...common, ...others].slice(0, 6);
  const top = [...urgent, ...usual];
  return { top, rest: catalog.filter((c) => !top.includes(c)) };
}

/** An emergency kind says to call first — the gas line for gas, 119 otherwise — and the estate's line. */
function callFirst(ctx, data) {
  const c = data.catalog.find((x) => x.code === data.category);
  if (!c?.emergency) return "";
  const lines = data.contacts || [];
  const first = lines.find((x) => x.kind === (/gas/.test(c.code) ? "gas" : "fire"));
  const more = lines.filter((x) => x.kind === "property");
  const call = (x) => html`<a class="sos-call sos-call--${x.kind}" href="${`tel:${x.phone.replace(/[^0-9+]/g, "")}`}">
    <span class="sos-call__who">${ctx.loc(x.label)}</span><span class="sos-call__phone">${x.phone}</span></a>`;
  return html`<div class="rq-callfirst" role="note" data-speak>
    <p class="rq-callfirst__lead">${ctx.t("requests.new.callFirst")}</p>
    ${[first, ...more].filter(Boolean).map(call)}
    <p>${ctx.t("requests.new.callThenFile")}</p></div>`;
}

function choice(name, value, label, checked, { change = "", required = false } = {}) {
  const id = `${name}-${value}`;
  return html`<div class="rq-choice">
    <input type="radio" id="${id}" name="${name}" value="${value}"${checked ? html` checked` : ""}${required ? html` required` : ""}${change ? html` data-change="${change}"` : ""} aria-describedby="${name}-error">
    <label for="${id}">${label}</label>
  </div>`;
}

function forWhomField(ctx, data) {
  if (!data.watching.length) return "";
  return field({ name: "rq-for", label: ctx.t("requests.new.forWhom"), hint: ctx.t("requests.new.forWhomHint"), required: true,
                 value: data.forWhom, change: "pickFor",
                 options: [{ value: ME, label: ctx.t("requests.new.forMe") },
                           ...data.watching.map((w) => ({ value: w.subject_id,
                             label: ctx.t("requests.new.forRelative", { name: w.name, relation: ctx.t(`requests.relation.${w.relation}`) }) }))] });
}

function whereFieldset(ctx, data, { map }) {
  const { t } = ctx;
  const forOther = data.forWhom !== ME;
  const homeLabel = forOther ? t("requests.new.whereTheirHome")
    : t("requests.new.whereHome", { home: householdLabel(ctx, data.reg, data.buildingsById) });
  const options = [choice("rq-where", "home", homeLabel, data.where === "home", { change: "pickWhere" })];
  if (!forOther) options.push(choice("rq-where", "building", t("requests.new.whereBuilding"), data.where === "building", { change: "pickWhere" }));
  if (map) options.push(choice("rq-where", "map", t("requests.new.whereMap"), data.where === "map", { change: "pickWhere" }));
  return html`<fieldset class="rq-where">
    <legend>${t("requests.new.where")}</legend>
    ${options}
    <p class="field__error" id="rq-where-error" data-error-for="rq-where"></p>
    ${data.where === "building" && !forOther ? field({ name: "rq-building", label: t("requests.new.building"), required: true,
        value: data.building, options: data.buildings.map((b) => ({ value: b.id, label: ctx.loc(b.name) })) }) : ""}
    ${data.where === "map" && map ? mapPicker(ctx, data) : ""}
  </fieldset>`;
}

function pointText(ctx, p) {
  return p ? ctx.t("requests.map.chosen", { lat: p.lat.toFixed(5), lng: p.lng.toFixed(5) }) : ctx.t("requests.map.none");
}

function mapPicker(ctx, data) {
  const { t } = ctx;
  return html`<div class="rq-map-box">
    <p class="field__hint" id="rq-map-help">${t("requests.map.help")}</p>
    <div class="rq-map" data-widget="pickPoint" role="region" aria-label="${t("requests.map.label")}" aria-describedby="rq-map-help"></div>
    <p class="rq-map__chosen" data-point-readout aria-live="polite">${pointText(ctx, data.point)}</p>
    <input type="hidden" name="rq-lat" value="${data.point?.lat ?? ""}">
    <input type="hidden" name="rq-lng" value="${data.point?.lng ?? ""}">
    ${button(t("requests.map.useCentre"), { action: "useMapCentre" })}
    ${field({ name: "rq-address", label: t("requests.new.address"), hint: t("requests.new.addressHint"), required: true,
              maxlength: 200, value: data.address })}
  </div>`;
}

function categoryHint(ctx, data) {
  const c = data.catalog.find((x) => x.code === data.category);
  if (!c) return ctx.t("requests.new.categoryHint");
  if (c.emergency) return `${ctx.loc(c.description)} ${ctx.t("requests.new.emergencyHint")}`;
  return `${ctx.loc(c.description)} ${ctx.t("requests.new.slaHint", { hours: c.sla.resolve_hours })}`;
}

function fullForm(ctx, data) {
  const { t, loc } = ctx;
  const { top, rest } = commonFirst(data.catalog);
  const option = (c) => ({ value: c.code, label: loc(c.name) });
  return html`<form class="form card" data-submit="file" novalidate>
    ${formError()}
    ${forWhomField(ctx, data)}
    ${field({ name: "rq-category", label: t("requests.new.category"), hint: categoryHint(ctx, data), required: true,
              value: data.category, change: "pickCategory", options: [...top, ...rest].map(option) })}
    ${callFirst(ctx, data)}
    ${field({ name: "rq-description", label: t("requests.new.description"), hint: t("requests.new.descriptionHint"),
              type: "textarea", rows: 4, required: true, maxlength: 2000 })}
    ${whereFieldset(ctx, data, { map: true })}
    ${photoPicker(ctx, data.photos, data.photoError)}
    <p class="form__note">${t("requests.new.privacy")}</p>
    <div class="form__actions">
      ${button(t("requests.new.submit"), { type: "submit", kind: "primary", icon: "check" })}
      ${linkButton(t("action.cancel"), "#/requests", { kind: "quiet" })}
    </div>
  </form>`;
}

/** Elder mode, step one: the kind of problem, as large buttons. */
function elderCategories(ctx, data) {
  const { top, rest } = commonFirst(data.catalog);
  const shown = data.allCategories ? [...top, ...rest] : top;
  return html`<p class="lead" data-speak>${ctx.t("requests.new.pickKind")}</p>
    <ul class="rq-kinds">${shown.map((c) => html`<li>${button(ctx.loc(c.name), { action: "chooseCategory", kind: c.emergency ? "danger" : "primary", data: { code: c.code } })}</li>`)}</ul>
    ${data.allCategories || !rest.length ? "" : button(ctx.t("requests.new.moreKinds"), { action: "moreCategories", icon: "list" })}`;
}

/** Elder mode, step two: a few words and where, then file it. */
function elderForm(ctx, data) {
  const { t } = ctx;
  const c = data.catalog.find((x) => x.code === data.category);
  return html`<p class="rq-chosen" data-speak>${t("requests.new.kindChosen", { name: ctx.loc(c?.name) })}
      ${button(t("requests.new.changeKind"), { action: "changeCategory", kind: "quiet" })}</p>
    ${callFirst(ctx, data)}
    <form class="form card" data-submit="file" novalidate>
      ${formError()}
      <input type="hidden" name="rq-category" value="${data.category}">
      <p class="field__error" data-error-for="rq-category"></p>
      ${forWhomField(ctx, data)}
      ${field({ name: "rq-description", label: t("requests.new.description"), hint: t("requests.new.descriptionHint"),
                type: "textarea", rows: 4, required: true, maxlength: 2000 })}
      ${whereFieldset(ctx, data, { map: false })}
      ${photoPicker(ctx, data.photos, data.photoError)}
      <div class="form__actions">
        ${button(t("requests.new.submit"), { type: "submit", kind: "primary", icon: "check" })}
      </div>
    </form>`;
}

function location(values) {
  const where = values["rq-where"] || "home";
  if (where === "building") return { building_id: values["rq-building"] };
  if (where === "map") {
    const lat = Number.parseFloat(values["rq-lat"]);
    const lng = Number.parseFloat(values["rq-lng"]);
    if (!Number.isFinite(lat) || !Number.isFinite(lng)) return null;
    return { point: { lat, lng }, address: values["rq-address"] };
  }
  return { household: true }; // the home of whom it is for: mine, or my relative's
}

export default {
  id: "requests-new",
  path: "/requests/new",
  roles: ["resident"],
  title: "requests.new.title",

  async load(ctx) {
    const me = ctx.me?.registration ? ctx.me : await ctx.api.get("/v1/me");
    const reg = me.registration;
    if (reg?.status !== "verified") return { blocked: reg?.status || "none" };
    const [catalog, bs, care, sos] = await Promise.all([
      ctx.api.get("/v1/catalog"), buildings(ctx, reg.community_id),
      ctx.api.get("/v1/me/care").catch(() => ({ watching: [] })), // without it one files for oneself only
      ctx.api.get("/v1/me/emergency-contacts").catch(() => ({ contacts: [] })), // the call-first lines
    ]);
    return {
      reg, catalog, buildings: bs, buildingsById: byId(bs), contacts: sos.contacts,
      watching: (care.watching || []).filter((w) => w.status === "active"),
      forWhom: ME, category: ctx.query.category || "", where: "home", building: reg.building_id,
      point: null, address: "", allCategories: false, photos: [], photoError: "",
    };
  },

  render(data, ctx) {
    const { t } = ctx;
    const head = pageTitle(t("requests.new.title"), { speak: true, lead: ctx.elder ? "" : t("requests.new.lead") });
    if (data.blocked) {
      return html`${head}<div class="status status--${data.blocked === "pending" ? "pending" : "rejected"}" data-speak>
          <p class="status__sentence">${t(`requests.new.blocked.${data.blocked}`)}</p></div>
        ${data.blocked === "pending" ? linkButton(t("action.goHome"), "#/home", { icon: "home" })
          : linkButton(t("requests.new.register"), "#/register", { icon: "house" })}`;
    }
    if (!ctx.elder) return html`${head}${fullForm(ctx, data)}`;
    return html`${head}${data.category ? elderForm(ctx, data) : elderCategories(ctx, data)}`;
  },

  widgets: {
    async pickPoint(el, data, ctx) {
      const [L, cs] = await Promise.all([leaflet(ctx), communities(ctx)]);
      if (!el.isConnected) return undefined;
      const mine = cs.find((c) => c.id === data.reg.community_id) || cs.find((c) => c.location);
      const start = data.point || mine?.location || { lat: 34.75, lng: 113.65 };
      const map = L.map(el, { zoomControl: false }).setView([start.lat, start.lng], 15);
      L.control.zoom({ zoomInTitle: ctx.t("requests.map.zoomIn"), zoomOutTitle: ctx.t("requests.map.zoomOut") }).addTo(map);
      L.control.scale({ imperial: false }).addTo(map);
      tileLayer(L)?.addTo(map);
      let chosen = null;
      const form = el.closest("form");
      const choose = (latlng, address = "") => {
        const p = { lat: Number(latlng.lat.toFixed(6)), lng: Number(latlng.lng.toFixed(6)) };
        data.point = p; // kept in the screen's data: a later repaint shows the same point
        form.elements["rq-lat"].value = p.lat;
        form.elements["rq-lng"].value = p.lng;
        const addr = form.elements["rq-address"];
        if (address && addr && !addr.value) addr.value = address;
        form.querySelector("[data-point-readout]").textContent = pointText(ctx, p);
        if (chosen) chosen.setLatLng(p);
        else chosen = L.circleMarker(p, { radius: 10, color: "#8c1010", weight: 3, fillOpacity: 0.5, interactive: false }).addTo(map);
      };
      for (const c of cs) {
        if (!c.location) continue;
        const name = ctx.loc(c.name);
        const pick = () => choose(L.latLng(c.location.lat, c.location.lng), c.address);
        // a marker is a keyboard target (Tab); Leaflet reports Enter on it as a keypress
        L.marker([c.location.lat, c.location.lng], { title: name, alt: name, keyboard: true }).addTo(map)
          .on("click", pick).on("keypress", (e) => (e.originalEvent.key === "Enter" ? pick() : null));
      }
      map.on("click", (e) => choose(e.latlng));
      if (data.point) choose(L.latLng(data.point.lat, data.point.lng));
      picker = { centre: () => choose(map.getCenter()) };
      return () => {
        picker = null;
        map.remove();
      };
    },
  },

  actions: {
    pickCategory(ctx, { value }) {
      ctx.update({ category: value });
    },
    pickFor(ctx, { value }) {
      ctx.update({ forWhom: value || ME, where: "home" });
    },
    pickWhere(ctx, { value, values }) {
      ctx.update({ where: value, address: values["rq-address"] || ctx.data.address });
      ctx.focus(value === "building" ? "#f-rq-building" : value === "map" ? "#rq-where-map" : "#rq-where-home");
    },
    useMapCentre() {
      picker?.centre();
    },
    chooseCategory(ctx, { data }) {
      ctx.update({ category: data.code });
      ctx.focus("#f-rq-description");
    },
    changeCategory(ctx) {
      ctx.update({ category: "" });
      ctx.focus("#page-title");
    },
    moreCategories(ctx) {
      ctx.update({ allCategories: true });
    },
    ...photoActions("/v1/requests/photo-uploads", "#/requests/new"),
    async file(ctx, { values }) {
      const loc = location(values);
      if (!loc) throw new ApiError({ status: 400, code: "invalid_input", field: "rq-where", message: ctx.t("requests.map.none") });
      const { photos } = ctx.data;
      const body = { category: values["rq-category"], description: values["rq-description"], location: loc,
                     photo_keys: uploadedKeys(ctx, photos) };
      if (ctx.data.forWhom !== ME) body.on_behalf_of = ctx.data.forWhom;
      let r;
      try {
        r = await ctx.api.post("/v1/requests", body);
      } catch (err) {
        throw renameFields(err, API_FIELDS, ctx);
      }
      forgetPreviews(photos);
      ctx.toast(ctx.t("requests.new.done", { id: r.request_id }), "ok");
      ctx.navigate(`/requests/${encodeURIComponent(r.request_id)}`);
    },
  },
};
