// Hash routes (#/home, #/register, #/requests/42?tab=timeline): static hosting needs no rewrites
// and the path never reaches a server log. Each screen declares its path and the roles that may
// open it; the same path can have one screen per audience (#/home is the resident portal's home
// for residents and the console's for staff and city admins).

export function parseHash(hash) {
  const raw = (hash || "").replace(/^#/, "") || "/home";
  const [path, qs = ""] = raw.split("?");
  return { path: path.startsWith("/") ? path : `/${path}`, query: Object.fromEntries(new URLSearchParams(qs)) };
}

function match(pattern, path) {
  const p = pattern.split("/").filter(Boolean);
  const a = path.split("/").filter(Boolean);
  if (p.length !== a.length) return null;
  const params = {};
  for (let i = 0; i < p.length; i += 1) {
    if (p[i].startsWith(":")) params[p[i].slice(1)] = decodeURIComponent(a[i]);
    else if (p[i] !== a[i]) return null;
  }
  return params;
}

function allowed(screen, session) {
  if (screen.public) return true;
  return Boolean(session) && screen.roles.some((r) => session.roles.includes(r));
}

/**
 * The screen for a hash and a session, or a redirect:
 *   signed out → #/signin (public screens excepted); signed in on #/signin → #/home;
 *   a path that exists only for other roles → #/home; an unknown path → the not-found screen;
 *   a screen entry with `redirect` (no screen of its own) → that path.
 */
export function resolve(screens, hash, session) {
  const { path, query } = parseHash(hash);
  const candidates = screens.map((s) => ({ screen: s, params: match(s.path, path) })).filter((c) => c.params);
  if (!session && !candidates.some((c) => c.screen.public)) return { redirect: "/signin" };
  if (session && path === "/signin") return { redirect: "/home" };
  const hit = candidates.find((c) => allowed(c.screen, session));
  if (hit?.screen.redirect) return { redirect: hit.screen.redirect }; // e.g. an audience's home elsewhere
  if (hit) return { screen: hit.screen, params: hit.params, query, path };
  const notFound = { screen: screens.find((s) => s.id === "not-found"), params: {}, query, path };
  if (candidates.length && path !== "/home") return { redirect: "/home" };
  return notFound;
}

/** Navigation entries for a session: screens with a `nav` label key, in their `navOrder`. */
export function navItems(screens, session) {
  if (!session) return [];
  return screens
    .filter((s) => s.nav && !s.public && allowed(s, session))
    .sort((a, b) => (a.navOrder ?? 50) - (b.navOrder ?? 50))
    .map((s) => ({ path: s.path, labelKey: s.nav }));
}

export function navigate(path) {
  const target = `#${path}`;
  if (window.location.hash === target) window.dispatchEvent(new HashChangeEvent("hashchange"));
  else window.location.hash = target;
}
