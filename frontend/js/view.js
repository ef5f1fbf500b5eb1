// The only module that touches the DOM. It paints what templates return, listens once at the
// document for clicks, submits and changes (event delegation: no inline handlers, nothing to
// re-bind after a render) and hands them to app.js as named actions:
//   <button data-action="approve" data-id="…">   click   → action "approve", data {id}
//   <form data-submit="register">                  submit  → action "register", values {…}
//   <select data-change="pickCommunity">           change  → action "pickCommunity", value
import { headerContent, navContent, footerContent } from "./templates.js";
import { t, has } from "./i18n.js";
import { speechSupported, speak } from "./speech.js";

const els = {};
let toastTimer = null;

export function mount(onAction) {
  for (const id of ["app-header", "app-nav", "main", "app-footer", "toast", "toast-bar", "toast-close"]) els[id] = document.getElementById(id);
  els["toast-bar"].addEventListener("click", hideToast); // a tap anywhere on the bar dismisses it
  document.documentElement.classList.toggle("no-speech", !speechSupported());

  document.addEventListener("click", (e) => {
    const el = e.target.closest("[data-action]");
    if (!el || el.tagName === "FORM" || el.disabled) return;
    if (el.tagName === "A") e.preventDefault();
    onAction(el.dataset.action, { el, data: { ...el.dataset }, event: e });
  });
  document.addEventListener("submit", (e) => {
    const form = e.target.closest("form[data-submit]");
    if (!form) return;
    e.preventDefault();
    if (!validate(form)) return;
    onAction(form.dataset.submit, { el: form, form, data: { ...form.dataset }, values: formValues(form), event: e });
  });
  document.addEventListener("change", (e) => {
    const el = e.target.closest("[data-change]");
    if (!el) return;
    const form = el.form || null;
    onAction(el.dataset.change, { el, form, data: { ...el.dataset }, value: el.value,
                                  values: form ? formValues(form) : {}, event: e });
  });
}

// -- the page shell ----------------------------------------------------------------------------

/** Language, elder mode, header, nav and footer. `shell`: {lang, elder, signedIn, me, nav, path, title}. */
export function renderShell(shell) {
  const root = document.documentElement;
  root.lang = shell.lang;
  root.classList.toggle("elder", shell.elder);
  document.title = shell.title ? `${shell.title} · ${t("app.name")}` : t("app.name");
  const nav = shell.nav.map((n) => ({ path: n.path, label: t(n.labelKey) }));
  els["app-header"].innerHTML = String(headerContent({ ...shell, navLinks: nav }));
  els["app-nav"].innerHTML = String(navContent(nav, shell.path));
  els["app-nav"].hidden = nav.length === 0 || shell.elder; // elder mode: the screens are in the header's menu
  els["app-nav"].setAttribute("aria-label", t("nav.label"));
  els["app-footer"].innerHTML = String(footerContent());
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
}

// -- the main region ---------------------------------------------------------------------------

/**
 * Paint the main region. {focus: true} moves focus to the screen's heading (a new screen:
 * screen readers announce it); {keepValues: true} keeps what the user typed in forms that are
 * painted again (a partial update, e.g. buildings loaded after a community was chosen).
 */
let cleanups = [];

export function renderMain(content, { focus = false, keepValues = false, busy = false } = {}) {
  const main = els.main;
  for (const fn of cleanups.splice(0)) fn();
  const kept = keepValues ? captureValues(main) : null;
  const activeId = document.activeElement?.id;
  main.innerHTML = String(content);
  main.setAttribute("aria-busy", busy ? "true" : "false");
  if (kept) restoreValues(main, kept);
  if (focus) {
    const h1 = main.querySelector("#page-title") || main.querySelector("h1");
    (h1 || main).focus({ preventScroll: false });
  } else if (activeId) {
    document.getElementById(activeId)?.focus();
  }
}

/**
 * Hand each <div data-widget="name"> of the main region to the screen's widgets[name](el, data, ctx):
 * the one place where a library that draws for itself (ECharts, Leaflet) gets an element. A widget
 * may return a cleanup function (chart.dispose, map.remove), run before the next paint.
 */
export async function mountWidgets(widgets, data, ctx) {
  for (const el of els.main.querySelectorAll("[data-widget]")) {
    const fn = widgets?.[el.dataset.widget];
    if (!fn) continue;
    const cleanup = await fn(el, data, ctx);
    if (typeof cleanup === "function") cleanups.push(cleanup);
  }
}

const loadedScripts = new Map();

/** Load a vendored classic script once (e.g. "vendor/echarts.min.js") and return its global. */
export function loadScript(src, globalName) {
  if (!loadedScripts.has(src)) {
    loadedScripts.set(src, new Promise((resolve, reject) => {
      const el = document.createElement("script");
      el.src = src;
      el.onload = () => resolve(window[globalName]);
      el.onerror = () => {
        loadedScripts.delete(src);
        reject(Object.assign(new Error(`could not load ${src}`), { code: "network", retryable: true }));
      };
      document.head.append(el);
    }));
  }
  return loadedScripts.get(src);
}

/** Load a vendored stylesheet once (e.g. "vendor/leaflet/leaflet.css"). */
export function loadStyle(href) {
  if (!document.querySelector(`link[rel="stylesheet"][href="${CSS.escape(href)}"]`)) {
    const el = document.createElement("link");
    el.rel = "stylesheet";
    el.href = href;
    document.head.append(el);
  }
}

/** Which screen is shown and in what state (loading | ready | error): for styling and for tests,
 *  which wait for main[data-state="ready"][data-screen="…"]. */
export function markScreen(id, screenState) {
  els.main.dataset.screen = id;
  els.main.dataset.state = screenState;
}

function captureValues(root) {
  const out = new Map();
  for (const el of root.querySelectorAll("form[data-submit] [name]")) {
    if (el.type === "password" || el.type === "file") continue;
    const key = `${el.form?.dataset.submit}|${el.name}`;
    out.set(key, el.type === "checkbox" || el.type === "radio" ? (el.checked ? el.value : out.get(key)) : el.value);
  }
  return out;
}

function restoreValues(root, kept) {
  for (const el of root.querySelectorAll("form[data-submit] [name]")) {
    const key = `${el.form?.dataset.submit}|${el.name}`;
    if (!kept.has(key) || el.dataset.keep === "false") continue;
    const v = kept.get(key);
    if (el.type === "checkbox" || el.type === "radio") el.checked = el.value === v;
    else if (el.tagName !== "SELECT" || [...el.options].some((o) => o.value === v)) el.value = v;
  }
}

// -- forms ---------------------------------------------------------------------------------------

export function formValues(form) {
  const out = {};
  for (const [k, v] of new FormData(form)) out[k] = typeof v === "string" ? v.trim() : v;
  return out;
}

/** The browser's constraint checks, with our own words next to the field (not its bubbles). */
function validate(form) {
  clearErrors(form);
  const errors = {};
  for (const el of form.elements) {
    if (!el.name || !el.willValidate || el.checkValidity()) continue;
    const custom = `field.${el.name}.error`;
    errors[el.name] = el.validity.valueMissing ? t("form.required") : has(custom) ? t(custom) : t("error.invalid_input");
  }
  if (Object.keys(errors).length) {
    showErrors(form, errors);
    return false;
  }
  return true;
}

/** Put {field: message} beside the fields; a message for a field the form lacks goes on top. */
export function showErrors(form, errors) {
  let first = null;
  for (const [name, message] of Object.entries(errors)) {
    const slot = form.querySelector(`[data-error-for="${CSS.escape(name)}"]`) || form.querySelector('[data-error-for="_form"]');
    if (!slot) continue;
    slot.textContent = slot.textContent ? `${slot.textContent} ${message}` : message;
    const control = form.querySelector(`[name="${CSS.escape(name)}"]`);
    if (control) {
      control.setAttribute("aria-invalid", "true");
      control.closest(".field")?.classList.add("field--invalid");
      first = first || control;
    }
  }
  (first || form.querySelector('[data-error-for="_form"]'))?.focus?.();
}

export function clearErrors(form) {
  for (const slot of form.querySelectorAll("[data-error-for]")) slot.textContent = "";
  for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
  for (const el of form.querySelectorAll(".field--invalid")) el.classList.remove("field--invalid");
}

export function setFormBusy(form, on) {
  if (!form) return;
  form.setAttribute("aria-busy", on ? "true" : "false");
  for (const b of form.querySelectorAll("button")) b.disabled = on;
}

// -- announcements, focus, speech -----------------------------------------------------------------

// How long a toast stays: long enough to read a short sentence; errors twice as long.
const TOAST_MS = { error: 8000 };
const TOAST_DEFAULT_MS = 4000;

/**
 * A short message in the polite live region (screen readers announce it): a bar above main, in the
 * page's flow, so it never covers what the user is working on; gone after a few seconds or a tap.
 */
export function toast(message, kind = "info") {
  els["toast-bar"].className = `toast toast--shown toast--${kind}`;
  els.toast.textContent = message;
  els["toast-close"].hidden = false;
  els["toast-close"].setAttribute("aria-label", t("toast.close"));
  clearTimeout(toastTimer);
  toastTimer = setTimeout(hideToast, TOAST_MS[kind] || TOAST_DEFAULT_MS);
}

function hideToast() {
  clearTimeout(toastTimer);
  els["toast-bar"].className = "toast";
  els.toast.textContent = "";
  els["toast-close"].hidden = true;
}

/** Offer ``text`` as a file download named ``name`` (an export the user asked for). */
export function saveFile(name, text, type = "application/json") {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/** Focus a header control after a switch repainted the header; in elder mode it sits in the closed
 *  menu, so the menu's button takes the focus instead. */
export function focusControl(id) {
  const el = document.getElementById(id);
  if (el?.checkVisibility?.()) el.focus();
  else document.querySelector("#app-menu > summary")?.focus();
}

export function focusMain() {
  els.main.focus();
}

export function focusSelector(selector) {
  els.main.querySelector(selector)?.focus();
}

/** Read the screen's key content (elements marked data-speak, else its heading) aloud. */
export function speakScreen(lang) {
  const parts = [...els.main.querySelectorAll("[data-speak]")].map((el) => el.innerText.trim()).filter(Boolean);
  if (!parts.length) parts.push(els.main.querySelector("h1")?.innerText || "");
  return speak(parts.join("。\n"), lang);
}
