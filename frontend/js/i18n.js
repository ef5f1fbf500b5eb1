// Every UI string comes from i18n/<lang>.json (the shell and shared pieces) and one file per feature,
// i18n/<lang>.<feature>.json (flat keys, prefixed with the feature). Chinese is the base: a key
// missing in English falls back to Chinese, then to the key itself. In elder mode a key
// "<key>@elder", when present, replaces "<key>" with plainer wording.
// To add a feature's strings: create i18n/zh-CN.<feature>.json and i18n/en.<feature>.json with the
// same keys, and name the feature here.
export const BUNDLES = ["", "requests", "notices", "consultations", "services", "safety", "console", "dashboard", "ops", "privacy", "notify",
  "points", "visits", "leads", "report", "import"];
let dicts = { "zh-CN": {} };
let lang = "zh-CN";
let elder = false;

async function bundle(l, name, fetchImpl) {
  const file = name ? `i18n/${l}.${name}.json` : `i18n/${l}.json`;
  const res = await fetchImpl(file);
  if (res.status === 404 && name) return {}; // a feature without strings yet
  if (!res.ok) throw new Error(`${file}: HTTP ${res.status}`);
  return res.json();
}

export async function loadLanguage(next, fetchImpl = fetch) {
  for (const l of new Set(["zh-CN", next])) {
    if (!dicts[l] || !Object.keys(dicts[l]).length) {
      const parts = await Promise.all(BUNDLES.map((name) => bundle(l, name, fetchImpl)));
      dicts[l] = Object.assign({}, ...parts);
    }
  }
  lang = next;
}

export function setElder(on) {
  elder = Boolean(on);
}

export function currentLang() {
  return lang;
}

function lookup(key) {
  for (const d of [dicts[lang], dicts["zh-CN"]]) {
    if (!d) continue;
    if (elder && d[`${key}@elder`] !== undefined) return d[`${key}@elder`];
    if (d[key] !== undefined) return d[key];
  }
  return undefined;
}

export function has(key) {
  return lookup(key) !== undefined;
}

/** t("home.hello", {name}) → the string with {name} filled in. Values are not escaped here:
 *  templates escape everything they interpolate. */
export function t(key, params = {}) {
  const s = lookup(key);
  if (s === undefined) {
    console.warn(`i18n: missing key ${key}`);
    return key;
  }
  return s.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
}

/** A bilingual value from the API ({zh, en}) in the current language, Chinese as fallback. */
export function loc(value) {
  if (value == null) return "";
  if (typeof value !== "object") return String(value);
  return (lang === "en" ? value.en : value.zh) || value.zh || value.en || "";
}

/** A date and time in the user's language; {seconds: true} where the order of events matters
 *  (an alert's timeline: acknowledged at 03:07:12, texted at 03:02:11). */
export function formatDateTime(iso, { seconds = false } = {}) {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: seconds ? "medium" : "short" }).format(d);
}

/** A calendar date (YYYY-MM-DD, as the API gives days) in the user's language, like formatDateTime's. */
export function formatDate(day) {
  if (!day) return "";
  const [y, m, d] = String(day).slice(0, 10).split("-").map(Number);
  const at = new Date(y, (m || 1) - 1, d || 1);
  if (Number.isNaN(at.getTime())) return String(day);
  return new Intl.DateTimeFormat(lang, { dateStyle: "medium" }).format(at);
}

/** The user-facing text of an ApiError or AuthError. */
export function errorText(err) {
  const code = err?.code || "internal_error";
  if (has(`error.${code}`)) return t(`error.${code}`);
  return err?.status >= 500 ? t("error.server") : t("error.unknown");
}

/** The message shown beside a form field the API named: our wording when we have one. */
export function fieldErrorText(field, apiMessage) {
  return has(`field.${field}.error`) ? t(`field.${field}.error`) : apiMessage || t("error.invalid_input");
}
