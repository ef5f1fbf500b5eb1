// Wiring: configuration, language, session, routes → screens → view. A screen (js/screens/*.js)
// loads its data through the API client and returns markup from pure templates; this module
// runs it, shows its loading / error states and dispatches the actions view.js reports.
import { loadConfig } from "./config.js";
import { api, ApiError, setUnauthorizedHandler } from "./api.js";
import * as auth from "./auth.js";
import { state, audience } from "./state.js";
import { loadLanguage, setElder, t, loc, errorText, fieldErrorText, currentLang } from "./i18n.js";
import { resolve, navItems, navigate } from "./router.js";
import { screens } from "./routes.js";
import { loading, errorState } from "./templates.js";
import * as view from "./view.js";

let generation = 0; // a newer navigation makes an older load's result stale

function shell() {
  const s = state.get();
  const route = s.route;
  return {
    lang: s.lang, elder: s.elder, signedIn: Boolean(s.session), me: s.me, sos: audience(s.session) === "portal",
    nav: navItems(screens, s.session), path: route?.path,
    title: route?.screen?.title ? t(route.screen.title) : "",
  };
}

/** What a screen's load, render and actions get: everything they need, nothing of the DOM. */
function context(route) {
  const s = state.get();
  return {
    api, t, loc, params: route.params, query: route.query, session: s.session, me: s.me,
    lang: s.lang, elder: s.elder, data: route.data,
    navigate,
    toast: view.toast,
    reload: () => show(route),
    update: (patch) => {
      route.data = { ...route.data, ...patch };
      paint(route, { keepValues: true });
    },
    loadScript: view.loadScript,
    loadStyle: view.loadStyle,
    setMe: (me) => {
      state.set({ me });
      view.renderShell(shell());
    },
    focus: (selector) => view.focusSelector(selector),
    saveFile: view.saveFile,
    endSession: (message) => {
      auth.signOut();
      state.set({ session: null, me: null });
      view.toast(message, "ok");
      navigate("/signin");
    },
  };
}

/** Render the screen from its data, then give its widgets (charts, maps) their elements. */
function paint(route, options) {
  const ctx = context(route);
  view.renderMain(route.screen.render(route.data, ctx), options);
  if (route.screen.widgets) {
    view.mountWidgets(route.screen.widgets, route.data, ctx).catch((err) => view.toast(errorText(err), "error"));
  }
}

async function show(route) {
  const mine = ++generation;
  const id = route.screen.id;
  view.markScreen(id, "loading");
  view.renderMain(loading(), { busy: true });
  try {
    const data = route.screen.load ? await route.screen.load(context(route)) : {};
    if (mine !== generation) return;
    route.data = data || {};
    paint(route, { focus: true });
    view.markScreen(id, "ready");
  } catch (err) {
    if (mine !== generation) return;
    if (!(err instanceof ApiError) && !(err instanceof auth.AuthError)) console.error(err);
    route.data = null;
    view.renderMain(errorState(err), { focus: true });
    view.markScreen(id, "error");
  }
}

async function onRoute() {
  const session = auth.session();
  if (!session && state.get().session) state.set({ session: null, me: null });
  const found = resolve(screens, window.location.hash, session);
  if (found.redirect) {
    navigate(found.redirect);
    return;
  }
  if (session && !state.get().me) {
    state.set({ session });
    try {
      state.set({ me: await api.get("/v1/me") });
    } catch {
      /* the screen's own load reports the problem, with a Retry */
    }
  }
  state.set({ session, route: found });
  view.renderShell(shell());
  await show(found);
}

// -- actions ------------------------------------------------------------------------------------

const globalActions = {
  retry: () => onRoute(), // fetches /v1/me again if it failed, then the screen's data
  signOut: () => {
    auth.signOut();
    state.set({ session: null, me: null });
    view.toast(t("auth.signedOut"));
    navigate("/signin");
  },
  toggleElder: () => {
    const elder = !state.get().elder;
    state.set({ elder });
    setElder(elder);
    rerender();
    view.toast(t(elder ? "elder.on" : "elder.off"));
    view.focusControl("elder-switch");
  },
  toggleLang: async () => {
    const lang = state.get().lang === "zh-CN" ? "en" : "zh-CN";
    await loadLanguage(lang);
    state.set({ lang });
    rerender();
    view.focusControl("lang-switch");
  },
  speak: () => {
    if (!view.speakScreen(currentLang())) view.toast(t("a11y.speechUnavailable"));
  },
  skipToMain: () => view.focusMain(),
};

/** Paint the current screen again (language or elder mode changed) from the data it has. */
function rerender() {
  view.renderShell(shell());
  const route = state.get().route;
  if (route?.data) paint(route, { keepValues: true });
  else if (route) show(route);
}

async function onAction(name, detail) {
  if (globalActions[name]) {
    await globalActions[name](detail);
    return;
  }
  const route = state.get().route;
  const handler = route?.screen.actions?.[name];
  if (!handler) {
    console.warn(`no action ${name} on screen ${route?.screen.id}`);
    return;
  }
  view.setFormBusy(detail.form, true);
  try {
    await handler(context(route), detail);
  } catch (err) {
    reportActionError(err, detail.form);
  } finally {
    if (detail.form?.isConnected) view.setFormBusy(detail.form, false);
  }
}

function reportActionError(err, form) {
  if (!(err instanceof ApiError) && !(err instanceof auth.AuthError)) console.error(err);
  if (err?.code === "unauthorized") return; // already on the way to sign-in
  const fields = err instanceof ApiError ? err.fieldErrors() : {};
  if (form && Object.keys(fields).length) {
    const texts = Object.fromEntries(Object.entries(fields).map(([f, m]) => [f, fieldErrorText(f, m)]));
    view.showErrors(form, texts);
    return;
  }
  if (form && form.querySelector('[data-error-for="_form"]')) view.showErrors(form, { _form: errorText(err) });
  else view.toast(errorText(err), "error");
}

// -- start ----------------------------------------------------------------------------------------

async function start() {
  const s = state.get();
  setElder(s.elder);
  document.documentElement.classList.toggle("elder", s.elder);
  await loadConfig();
  await loadLanguage(s.lang);
  setUnauthorizedHandler(() => {
    auth.signOut();
    state.set({ session: null, me: null });
    view.toast(t("auth.expired"), "error");
    navigate("/signin");
  });
  view.mount(onAction);
  window.addEventListener("hashchange", onRoute);
  await onRoute();
  // Alert pushes (sw.js): registered where the browser has service workers; nothing otherwise.
  if ("serviceWorker" in navigator) navigator.serviceWorker.register("sw.js", { scope: "./" }).catch(() => {});
}

start().catch((err) => {
  // Without configuration or strings there is nothing to translate with: index.html carries
  // the one bilingual message for this case.
  console.error(err);
  document.getElementById("boot-error").hidden = false;
  document.getElementById("boot-loading").hidden = true;
});
