// The page's state in one place. Preferences (language, elder mode) persist in localStorage;
// the session itself is kept by auth.js in sessionStorage. Subscribers hear every change.
const PREFS = "cc.prefs";
const LANGS = ["zh-CN", "en"];

function loadPrefs() {
  try {
    const p = JSON.parse(localStorage.getItem(PREFS) || "{}");
    return { lang: LANGS.includes(p.lang) ? p.lang : "zh-CN", elder: p.elder === true };
  } catch {
    return { lang: "zh-CN", elder: false };
  }
}

const current = {
  ...loadPrefs(),
  session: null, // {username, tenantId, roles} from auth.session()
  me: null, // GET /v1/me of the signed-in user
  route: null, // {screen, params, query} being shown
};
const listeners = new Set();

export const state = {
  get: () => current,
  set(patch) {
    Object.assign(current, patch);
    if ("lang" in patch || "elder" in patch) {
      localStorage.setItem(PREFS, JSON.stringify({ lang: current.lang, elder: current.elder }));
    }
    for (const fn of listeners) fn(current, patch);
  },
  subscribe(fn) {
    listeners.add(fn);
    return () => listeners.delete(fn);
  },
};

export const LANGUAGES = LANGS;

/** The role the page is built for: residents get the portal, staff and city admins the console. */
export function audience(session) {
  const roles = session?.roles || [];
  if (roles.includes("city_admin") || roles.includes("staff")) return "console";
  if (roles.includes("resident")) return "portal";
  return "other";
}

export function hasRole(session, ...roles) {
  return roles.some((r) => (session?.roles || []).includes(r));
}
