// Pieces the console screens share: the communities a user works in, the community picker, SLA
// and severity badges, place labels, the scope picker (city → street → community → grid →
// building) and small form helpers. Pure functions over data, like templates.js.
import { html, field, badge } from "./templates.js";
import { communities, streets, grids, buildings } from "./places.js";
import { has } from "./i18n.js";

export function isAdmin(ctx) {
  return (ctx.session?.roles || []).includes("city_admin");
}

/** The communities this user works in: all of the city for city admins, their own for staff. */
export async function myCommunities(ctx) {
  const all = await communities(ctx);
  return isAdmin(ctx) ? all : all.filter((c) => (ctx.me?.communities || []).includes(c.id));
}

/** The community to show: the one in the query when the user may see it, else their first. */
export function chosenCommunity(ctx, mine) {
  return mine.some((c) => c.id === ctx.query.community) ? ctx.query.community : mine[0]?.id || "";
}

export function communityPicker(ctx, list, value, change = "pickCommunity") {
  if (list.length < 2) return "";
  return field({ name: "community", label: ctx.t("console.community"), value, change,
                 options: list.map((c) => ({ value: c.id, label: ctx.loc(c.name) })) });
}

/** A query string from an object, skipping empty values ("?a=1&b=2" or ""). */
export function qs(params) {
  const s = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== "" && v != null)).toString();
  return s ? `?${s}` : "";
}

// -- time ------------------------------------------------------------------------------------------

/** "3 小时" / "2 天" / "25 分钟" for a span in milliseconds. */
export function span(ctx, ms) {
  const min = Math.max(1, Math.round(Math.abs(ms) / 60000));
  if (min < 60) return ctx.t("console.time.minutes", { n: min });
  const h = Math.round(min / 60);
  if (h < 48) return ctx.t("console.time.hours", { n: h });
  return ctx.t("console.time.days", { n: Math.round(h / 24) });
}

/** A datetime-local value ("2026-11-26T18:30", the browser's zone) → ISO with a zone, or null. */
export function isoFromLocal(value) {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** A Date → the value of a datetime-local input in the browser's zone. */
export function localValue(date) {
  const p = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())}T${p(date.getHours())}:${p(date.getMinutes())}`;
}

// -- service requests --------------------------------------------------------------------------------

export const OPEN_STATES = ["submitted", "accepted", "assigned", "in_progress", "reopened"];
export const REQUEST_STATES = [...OPEN_STATES, "resolved", "closed", "rejected", "duplicate"];

/** Which staff actions each state allows (the API refuses the others with 409). */
export const MOVES = {
  accept: ["submitted", "reopened"],
  assign: ["accepted", "reopened"],
  reassign: ["assigned", "in_progress"],
  start: ["accepted", "assigned", "reopened"],
  resolve: ["accepted", "assigned", "in_progress"],
  reject: ["submitted", "accepted", "reopened"],
  duplicate: ["submitted", "accepted"],
  return: ["assigned", "in_progress"],
};

export function allowedActions(state) {
  return Object.keys(MOVES).filter((a) => MOVES[a].includes(state));
}

const STATE_KINDS = { submitted: "warn", accepted: "info", assigned: "info", in_progress: "info", reopened: "warn",
                      resolved: "ok", closed: "neutral", rejected: "danger", duplicate: "neutral" };

export function requestStateBadge(ctx, state) {
  return badge(ctx.t(`console.req.state.${state}`), STATE_KINDS[state]);
}

/** The due time that matters now: respond until responded, then resolve; none once handled. */
export function nextDue(r) {
  if (!OPEN_STATES.includes(r.state)) return null;
  return r.responded_at ? r.due_resolve_at : r.due_respond_at;
}

/** SLA as words and colour: overdue (danger), due within 2 h (warn), else due in (info). */
export function slaBadge(ctx, r, now = Date.now()) {
  const due = nextDue(r);
  if (!due) return "";
  const left = new Date(due).getTime() - now;
  const what = r.responded_at ? "resolve" : "respond";
  if (r.overdue || left < 0) return badge(ctx.t(`console.sla.overdue.${what}`, { span: span(ctx, left) }), "danger");
  return badge(ctx.t(`console.sla.due.${what}`, { span: span(ctx, left) }), left < 2 * 3600 * 1000 ? "warn" : "info");
}

/** Most urgent first: overdue and nearest due time first, handled ones last (newest first). */
export function byUrgency(a, b) {
  const da = nextDue(a);
  const db = nextDue(b);
  if (da && db) return da.localeCompare(db);
  if (da || db) return da ? -1 : 1;
  return b.created_at.localeCompare(a.created_at);
}

export function byNewest(a, b) {
  return b.created_at.localeCompare(a.created_at);
}

// -- places --------------------------------------------------------------------------------------------

/** "1号楼 2单元 1203室" from a household id (<building>-<unit>-<room>) and the building names. */
export function householdText(ctx, householdId, buildingsById) {
  const m = /^(.*)-(\d+)-(\w+)$/.exec(householdId || "");
  if (!m) return householdId || "";
  const b = buildingsById?.[m[1]];
  return ctx.t("place.household", { building: b ? ctx.loc(b.name) : m[1], unit: m[2], room: m[3] });
}

/** Where something is: community · building · unit/room (or grid), from ids and loaded names. */
export function placeText(ctx, loc, names) {
  const parts = [];
  const c = names.communities?.[loc.community_id];
  if (loc.community_id) parts.push(c ? ctx.loc(c.name) : loc.community_id);
  if (loc.household_id) parts.push(householdText(ctx, loc.household_id, names.buildings));
  else if (loc.building_id) {
    const b = names.buildings?.[loc.building_id];
    parts.push(b ? ctx.loc(b.name) : loc.building_id);
  } else if (loc.grid_id) {
    const g = names.grids?.[loc.grid_id];
    parts.push(g ? ctx.loc(g.name) : loc.grid_id);
  }
  if (loc.address) parts.push(loc.address);
  return parts.join(" · ");
}

/** A translated word for a code when we have one ("console.device.smoke"), else the code itself. */
export function term(ctx, prefix, code) {
  return has(`${prefix}.${code}`) ? ctx.t(`${prefix}.${code}`) : code;
}

// -- scopes (notices and consultations) -------------------------------------------------------------------

export const SCOPE_LEVELS = ["city", "street", "community", "grid", "building"];

/**
 * The places a user may address, by level, read a level at a time (streets and communities; a community's
 * grids or buildings once it is picked): {city, street, community: [{id, label}], names: {community id →
 * name}}. Staff get only places all of whose communities they serve (never the whole city); city admins
 * everything.
 */
export async function scopePlaces(ctx) {
  const [streetList, communityList] = await Promise.all([streets(ctx), communities(ctx)]);
  const admin = isAdmin(ctx);
  const mine = new Set(ctx.me?.communities || []);
  const ok = (cs) => admin || (cs.length > 0 && cs.every((c) => mine.has(c)));
  const name = (n) => (n ? ctx.loc(n) : "");
  const members = {};
  for (const c of communityList) (members[c.path[1]] ||= []).push(c.id);
  const streetNames = Object.fromEntries(streetList.map((s) => [s.id, s.name]));
  const out = { city: [], street: [], community: [], names: {} };
  for (const s of streetList) {
    if (ok(members[s.id] || [])) out.street.push({ id: s.id, label: `${name(s.district_name)} · ${name(s.name)}` });
  }
  for (const c of communityList) {
    if (!ok([c.id])) continue;
    out.community.push({ id: c.id, label: `${name(streetNames[c.path[1]])} · ${name(c.name)}` });
    out.names[c.id] = c.name;
  }
  if (admin) out.city.push({ id: "", label: ctx.loc(ctx.me?.tenant?.name) });
  return out;
}

/** A level's places: its own list, or for grids and buildings the communities to pick one in first. */
function levelPlaces(places, level) {
  return level === "grid" || level === "building" ? places.community : places[level] || [];
}

/** Level select + place select (for a grid or a building: the community first, then its grids or buildings);
 *  `data.scope_level`, `data.scope_community`, `data.scope_children` hold the current choice. */
export function scopeFields(ctx, places, data) {
  const levels = SCOPE_LEVELS.filter((l) => levelPlaces(places, l).length);
  const level = levels.includes(data.scope_level) ? data.scope_level : "";
  const within = level === "grid" || level === "building";
  const options = within ? data.scope_children || [] : level ? places[level] : [];
  return html`<fieldset>
    <legend>${ctx.t("console.scope.legend")}</legend>
    ${field({ name: "scope.level", label: ctx.t("console.scope.level"), required: true, value: level, change: "pickLevel",
              options: levels.map((l) => ({ value: l, label: ctx.t(`console.scope.${l}`) })) })}
    ${within ? field({ name: "scope.community", label: ctx.t("console.scope.within"), required: true,
                       value: data.scope_community || "", change: "pickScopeCommunity",
                       options: places.community.map((p) => ({ value: p.id, label: p.label })) }) : ""}
    ${level && level !== "city" && (!within || data.scope_community)
      ? field({ name: "scope.id", label: ctx.t("console.scope.place"), required: true, value: data.scope_id || "",
                options: options.map((p) => ({ value: p.id, label: p.label })) }) : ""}
  </fieldset>`;
}

/** The scope picker's actions, for a screen whose data holds `places` (scopePlaces). */
export const scopeActions = {
  pickLevel(ctx, { value }) {
    ctx.update({ scope_level: value, scope_id: "", scope_community: "", scope_children: [] });
    ctx.focus(value === "grid" || value === "building" ? "#f-scope\\.community"
      : value && value !== "city" ? "#f-scope\\.id" : "#f-scope\\.level");
  },
  async pickScopeCommunity(ctx, { value }) {
    if (!value) return ctx.update({ scope_community: "", scope_children: [], scope_id: "" });
    const level = ctx.data.scope_level;
    const kids = await (level === "grid" ? grids(ctx, value) : buildings(ctx, value));
    const community = ctx.loc(ctx.data.places.names[value]);
    ctx.update({ scope_community: value, scope_id: "",
                 scope_children: kids.map((k) => ({ id: k.id, label: `${community} · ${ctx.loc(k.name)}` })) });
    ctx.focus("#f-scope\\.id");
    return undefined;
  },
};

/** Building id → {name} from the items of a page that name their building (receipts, voters). */
export function buildingNames(items) {
  return Object.fromEntries((items || []).filter((i) => i.building_name)
    .map((i) => [i.building_id || i.household_id.replace(/-\d+-\w+$/, ""), { name: i.building_name }]));
}

export function scopeBody(values) {
  const level = values["scope.level"];
  return level === "city" ? { level } : { level, id: values["scope.id"] };
}

// -- small controls ----------------------------------------------------------------------------------------

/** A labelled checkbox (field() of templates.js makes text inputs and selects). */
export function checkbox({ name, label, checked = false, hint = "" }) {
  const id = `f-${name}`;
  return html`<div class="field field--check" data-field="${name}">
    <input type="checkbox" id="${id}" name="${name}" value="true"${checked ? html` checked` : ""}${hint ? html` aria-describedby="${id}-hint"` : ""}>
    <label for="${id}">${label}</label>
    ${hint ? html`<p class="field__hint" id="${id}-hint">${hint}</p>` : ""}
    <p class="field__error" id="${id}-error" data-error-for="${name}"></p>
  </div>`;
}

/** Tabs as links (a filter in the URL, so Back works): [{href, label, current}]. */
export function tabs(label, items) {
  return html`<nav class="console-tabs" aria-label="${label}"><ul>${items.map((i) => html`<li><a href="${i.href}"${i.current ? html` aria-current="page"` : ""}>${i.label}</a></li>`)}</ul></nav>`;
}

/** A short announcement block (role=status) for "someone acted first", "published" and the like. */
export function notice(message, { kind = "warn", action = "" } = {}) {
  return html`<div class="console-notice console-notice--${kind}" role="status" tabindex="-1"><p>${message}</p>${action}</div>`;
}

/** Percent text for a 0–1 rate. */
export function percent(x) {
  return `${Math.round((Number(x) || 0) * 1000) / 10}%`;
}

// -- alerts: times, values and outcomes in words ------------------------------------------------------

export const OUTCOMES = ["handled", "verified_on_site", "false_alarm", "device_test", "other"];

function sameDay(a, b) {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

/** "03:12" today, "3月1日 03:12" on another day (the browser's zone). */
export function clockTime(ctx, iso, now = new Date()) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso || "");
  const opts = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
  return new Intl.DateTimeFormat(ctx.lang, sameDay(d, now) ? opts : { ...opts, month: "long", day: "numeric" }).format(d);
}

/** 90 → "1分30秒", 3725 → "1小时2分5秒", 0.4 → "0秒". */
export function durationText(ctx, seconds) {
  const s = Math.max(0, Math.round(Number(seconds) || 0));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const parts = [];
  if (h) parts.push(ctx.t("console.alert.dur.h", { n: h }));
  if (m) parts.push(ctx.t("console.alert.dur.m", { n: m }));
  if (s % 60 || !parts.length) parts.push(ctx.t("console.alert.dur.s", { n: s % 60 }));
  return parts.join(ctx.t("console.alert.dur.sep"));
}

/** A reading as the API gives it (no unit): up to two decimals. */
export function valueText(ctx, v) {
  return v == null ? ctx.t("console.alert.noValue") : new Intl.NumberFormat(ctx.lang, { maximumFractionDigits: 2 }).format(v);
}

/** "设备时间 08:00，处理于 09:10" when the device's sample and the platform's step are more than a minute
 *  apart (a batch delivered late); "" otherwise. */
export function sampleNote(ctx, entry) {
  if (!entry.sample_at) return "";
  const gap = Math.abs(new Date(entry.at).getTime() - new Date(entry.sample_at).getTime());
  if (!(gap > 60_000)) return "";
  return ctx.t("console.alert.sampleTime", { sample: clockTime(ctx, entry.sample_at), at: clockTime(ctx, entry.at) });
}
