// Pure functions that return HTML. Nothing here touches the DOM or the network.
//
// The one rule: build markup with the html`` tag. It escapes every interpolated value through
// esc() unless the value is itself the result of html`` (already safe), so tenant-supplied text
// (names, reasons, titles, addresses) can never become markup. Never concatenate strings into
// markup by hand, and never interpolate a URL without safeUrl().
import { t, errorText, formatDateTime, loc } from "./i18n.js";

const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "`": "&#96;" };

export function esc(value) {
  return String(value ?? "").replace(/[&<>"'`]/g, (c) => ESCAPES[c]);
}

class SafeHtml {
  constructor(s) {
    this.s = s;
  }
  toString() {
    return this.s;
  }
}

function part(v) {
  if (v instanceof SafeHtml) return v.s;
  if (Array.isArray(v)) return v.map(part).join("");
  if (v === null || v === undefined || v === false) return "";
  return esc(v);
}

export function html(strings, ...values) {
  let out = strings[0];
  values.forEach((v, i) => {
    out += part(v) + strings[i + 1];
  });
  return new SafeHtml(out);
}

/** Only for markup written in this code base (e.g. the SVG icons below), never for data. */
function trusted(s) {
  return new SafeHtml(s);
}

/** A link target from data: http(s), mailto, tel and in-page routes only. */
export function safeUrl(url) {
  const s = String(url ?? "").trim();
  return /^(https?:|mailto:|tel:|#)/i.test(s) ? s : "#";
}

// -- icons (decorative: aria-hidden; the text next to them carries the meaning) -------------
const ICONS = {
  camera: '<path d="M9 4 7.2 6H4a2 2 0 0 0-2 2v10a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2V8a2 2 0 0 0-2-2h-3.2L15 4zm3 4.5a4.5 4.5 0 1 1 0 9 4.5 4.5 0 0 1 0-9zm0 2a2.5 2.5 0 1 0 0 5 2.5 2.5 0 0 0 0-5z"/>',
  speak: '<path d="M4 9v6h4l5 4V5L8 9H4z"/><path d="M16 8.5a5 5 0 0 1 0 7M18.5 6a8.5 8.5 0 0 1 0 12" fill="none" stroke="currentColor" stroke-width="2"/>',
  home: '<path d="M3 11 12 3l9 8v10h-6v-6H9v6H3z"/>',
  check: '<path d="M9 16.2 4.8 12l-1.4 1.4L9 19 21 7l-1.4-1.4z"/>',
  close: '<path d="M18.3 5.7 12 12l6.3 6.3-1.4 1.4L10.6 13.4 4.3 19.7 2.9 18.3 9.2 12 2.9 5.7 4.3 4.3l6.3 6.3 6.3-6.3z"/>',
  house: '<path d="M12 3 2 12h3v9h6v-6h2v6h6v-9h3z"/>',
  list: '<path d="M4 6h2v2H4zm4 0h12v2H8zM4 11h2v2H4zm4 0h12v2H8zm-4 5h2v2H4zm4 0h12v2H8z"/>',
  alert: '<path d="M1 21h22L12 2zm12-3h-2v-2h2zm0-4h-2v-4h2z"/>',
  retry: '<path d="M17.7 6.3A8 8 0 1 0 20 12h-2a6 6 0 1 1-1.8-4.2L13 11h7V4z"/>',
  eye: '<path d="M12 5C6.5 5 2.7 9 1.5 12c1.2 3 5 7 10.5 7s9.3-4 10.5-7C21.3 9 17.5 5 12 5zm0 11.5a4.5 4.5 0 1 1 0-9 4.5 4.5 0 0 1 0 9zm0-2.5a2 2 0 1 0 0-4 2 2 0 0 0 0 4z"/>',
  bell: '<path d="M12 22a2 2 0 0 0 2-2h-4a2 2 0 0 0 2 2zm6-6v-5c0-3.1-1.6-5.6-4.5-6.3V4a1.5 1.5 0 0 0-3 0v.7C7.6 5.4 6 7.9 6 11v5l-2 2v1h16v-1z"/>',
  shield: '<path d="M12 2 4 5v6c0 5 3.4 9.7 8 11 4.6-1.3 8-6 8-11V5zm-1 14-4-4 1.4-1.4 2.6 2.6 5.6-5.6L18 9z"/>',
  // the home tiles: one picture per task, so that 报事报修, 议事投票, 附近服务, 通知公告 and 家庭安全 differ
  wrench: '<path d="M21.2 6.3 18 9.5 14.5 6l3.2-3.2a5.5 5.5 0 0 0-7.3 6.9L2.9 17.2a2 2 0 0 0 0 2.8l1.1 1.1a2 2 0 0 0 2.8 0l7.5-7.5a5.5 5.5 0 0 0 6.9-7.3z"/>',
  ballot: '<path d="M7 2h10v9H7z" fill="none" stroke="currentColor" stroke-width="1.8"/><path d="m9 6.5 2 2 4-4" fill="none" stroke="currentColor" stroke-width="1.8"/><path d="M2 12h5v1.5h10V12h5v10H2z"/>',
  pin: '<path fill-rule="evenodd" d="M12 1.5a7.5 7.5 0 0 0-7.5 7.5c0 5.6 7.5 13.5 7.5 13.5s7.5-7.9 7.5-13.5A7.5 7.5 0 0 0 12 1.5zm0 10.5a3 3 0 1 1 0-6 3 3 0 0 1 0 6z"/>',
  megaphone: '<path d="M2 9h4l11-5.5v17L6 15H2z"/><path d="M6.5 15.5 8.5 21h3l-2-5.5zM19.5 9.5a3 3 0 0 1 0 5z"/>',
  recycle: '<path d="M12 2.5 8 9h2.6v3.2h2.8V9H16zM6.4 12.8 2.2 20h7.6v-2.6H6.6l2.2-3.6zm11.2 0-2.4 1.4 2.2 3.6h-3.3V15L10 18.7l4.1 3.8v-2.5H21.8z"/>',
  heart: '<path d="M12 21.5S2.5 15.6 2.5 8.9A5 5 0 0 1 12 6.3a5 5 0 0 1 9.5 2.6c0 6.7-9.5 12.6-9.5 12.6z"/>',
  menu: '<path d="M3 5h18v2.5H3zm0 5.75h18v2.5H3zm0 5.75h18V19H3z"/>',
  phone: '<path d="M6.6 10.8a15.1 15.1 0 0 0 6.6 6.6l2.2-2.2a1 1 0 0 1 1-.25 11.4 11.4 0 0 0 3.6.57 1 1 0 0 1 1 1V20a1 1 0 0 1-1 1A17 17 0 0 1 3 4a1 1 0 0 1 1-1h3.5a1 1 0 0 1 1 1c0 1.25.2 2.45.57 3.57a1 1 0 0 1-.25 1z"/>',
};

export function icon(name) {
  return trusted(`<svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">${ICONS[name] || ""}</svg>`);
}

// -- shared components -------------------------------------------------------------------------

export function button(label, { action, kind = "secondary", type = "button", icon: ic, data = {} } = {}) {
  const dataAttrs = Object.entries(data).map(([k, v]) => html` data-${k}="${v}"`);
  return html`<button type="${type}" class="btn btn--${kind}"${action ? html` data-action="${action}"` : ""}${dataAttrs}>${ic ? icon(ic) : ""}<span>${label}</span></button>`;
}

export function linkButton(label, href, { kind = "primary", icon: ic } = {}) {
  return html`<a class="btn btn--${kind}" href="${safeUrl(href)}">${ic ? icon(ic) : ""}<span>${label}</span></a>`;
}

/** The screen's heading (focused on every route change) with an optional read-aloud button. */
export function pageTitle(title, { speak = false, lead = "" } = {}) {
  return html`<div class="page-title">
    <h1 id="page-title" tabindex="-1">${title}</h1>
    ${speak ? speakButton() : ""}
  </div>${lead ? html`<p class="lead" data-speak>${lead}</p>` : ""}`;
}

/** Reads the elements marked data-speak aloud; hidden where the browser cannot speak. */
export function speakButton() {
  return html`<button type="button" class="btn btn--speak" data-action="speak">${icon("speak")}<span>${t("a11y.readAloud")}</span></button>`;
}

export function loading(label = t("state.loading")) {
  return html`<div class="state state--loading" role="status"><span class="spinner" aria-hidden="true"></span><span>${label}</span></div>`;
}

export function empty(message, action = "") {
  return html`<div class="state state--empty"><p>${message}</p>${action}</div>`;
}

/** An API or sign-in failure; a Retry button re-runs the screen's load when it can help. */
export function errorState(err) {
  return html`<div class="state state--error" role="alert">
    <p><strong>${t("state.errorTitle")}</strong></p>
    <p>${errorText(err)}</p>
    ${err?.retryable ? button(t("action.retry"), { action: "retry", kind: "primary", icon: "retry" }) : ""}
  </div>`;
}

const BADGE_KINDS = new Set(["info", "ok", "warn", "danger", "neutral"]);

export function badge(label, kind = "neutral") {
  return html`<span class="badge badge--${BADGE_KINDS.has(kind) ? kind : "neutral"}">${label}</span>`;
}

const REGISTRATION_KINDS = { pending: "warn", verified: "ok", rejected: "danger", none: "neutral" };

export function registrationBadge(status) {
  return badge(t(`registration.status.${status}`), REGISTRATION_KINDS[status]);
}

/**
 * A labelled form field. The error paragraph is always there (empty until the API or the
 * browser names this field), so view.js can bind {field: message} to it by name.
 * options: [{value, label}] makes a <select>; type "textarea" a <textarea>; change: the action
 * view.js reports when the value changes (e.g. load the buildings of the chosen community); any: a
 * filter, whose empty choice reads 全部 (all) rather than 请选择.
 */
export function field({ name, label, type = "text", value = "", error = "", hint = "", required = false,
                        options = null, placeholder = "", autocomplete = "", inputmode = "", disabled = false,
                        rows = 3, pattern = "", maxlength = "", change = "", any = false }) {
  const id = `f-${name}`;
  const describedBy = [hint ? `${id}-hint` : "", `${id}-error`].filter(Boolean).join(" ");
  const common = html`id="${id}" name="${name}" aria-describedby="${describedBy}"${required ? html` required aria-required="true"` : ""}${error ? html` aria-invalid="true"` : ""}${disabled ? html` disabled` : ""}${change ? html` data-change="${change}"` : ""}`;
  let control;
  if (options) {
    control = html`<select ${common}>
      <option value="">${t(any ? "form.all" : "form.choose")}</option>
      ${options.map((o) => html`<option value="${o.value}"${String(o.value) === String(value) ? html` selected` : ""}>${o.label}</option>`)}
    </select>`;
  } else if (type === "textarea") {
    control = html`<textarea ${common} rows="${rows}"${maxlength ? html` maxlength="${maxlength}"` : ""}>${value}</textarea>`;
  } else {
    control = html`<input ${common} type="${type}" value="${value}"${placeholder ? html` placeholder="${placeholder}"` : ""}${autocomplete ? html` autocomplete="${autocomplete}"` : ""}${inputmode ? html` inputmode="${inputmode}"` : ""}${pattern ? html` pattern="${pattern}"` : ""}${maxlength ? html` maxlength="${maxlength}"` : ""}>`;
  }
  return html`<div class="field${error ? " field--invalid" : ""}" data-field="${name}">
    <label for="${id}">${label}${required ? html`<span class="field__req" aria-hidden="true">*</span>` : ""}</label>
    ${hint ? html`<p class="field__hint" id="${id}-hint">${hint}</p>` : ""}
    ${control}
    <p class="field__error" id="${id}-error" data-error-for="${name}">${error}</p>
  </div>`;
}

/**
 * An on/off switch: a checkbox with role="switch" (read as 开/关 by screen readers), drawn as a track
 * and knob with the word 开 or 关 beside it, so the state is never told by colour or position alone.
 * Checked, it sends `name=true` with the form; `change` names the action view.js reports on a flip.
 */
export function toggle({ name, label, hint = "", checked = false, change = "" }) {
  const id = `f-${name}`;
  const describedBy = [hint ? `${id}-hint` : "", `${id}-error`].filter(Boolean).join(" ");
  return html`<div class="field field--switch" data-field="${name}">
    <input class="switch-input" type="checkbox" role="switch" id="${id}" name="${name}" value="true" aria-describedby="${describedBy}"${checked ? html` checked` : ""}${change ? html` data-change="${change}"` : ""}>
    <label for="${id}"><span class="switch-track" aria-hidden="true"></span><span class="switch-text"><span class="switch-label">${label}</span>
      <span class="switch-word switch-word--on" aria-hidden="true">${t("switch.on")}</span><span class="switch-word switch-word--off" aria-hidden="true">${t("switch.off")}</span></span></label>
    ${hint ? html`<p class="field__hint" id="${id}-hint">${hint}</p>` : ""}
    <p class="field__error" id="${id}-error" data-error-for="${name}"></p>
  </div>`;
}

/** Where a form shows an error that names no field (or a field the form does not have). */
export function formError() {
  return html`<div class="form__error" data-error-for="_form" role="alert"></div>`;
}

/** A definition list of label → value pairs; values are escaped like everything else. */
export function facts(rows) {
  return html`<dl class="facts">${rows.filter(([, v]) => v !== "" && v != null).map(([k, v]) => html`<div><dt>${k}</dt><dd>${v}</dd></div>`)}</dl>`;
}

/** A vertical timeline: items [{when (ISO), title, note?, kind?, seconds?}] oldest first. */
export function timeline(items, label = t("timeline.label")) {
  return html`<ol class="timeline" aria-label="${label}">
    ${items.map((i) => html`<li class="timeline__item timeline__item--${i.kind || "neutral"}">
      <p class="timeline__title">${i.title}</p>
      ${i.when ? html`<p class="timeline__when"><time datetime="${i.when}">${formatDateTime(i.when, { seconds: Boolean(i.seconds) })}</time></p>` : ""}
      ${i.note ? html`<p class="timeline__note">${i.note}</p>` : ""}
      ${i.extra || ""}
    </li>`)}
  </ol>`;
}

/** The big task buttons of a home screen (elder mode shows only these). */
export function tiles(items) {
  return html`<ul class="tiles">${items.map((i) => html`<li><a class="tile" href="${safeUrl(i.href)}">${icon(i.icon || "list")}<span>${i.label}</span></a></li>`)}</ul>`;
}

export function card(body, { title = "", kind = "" } = {}) {
  return html`<section class="card${kind ? ` card--${kind}` : ""}">${title ? html`<h2>${title}</h2>` : ""}${body}</section>`;
}

// -- the page shell ------------------------------------------------------------------------------

export function headerContent({ signedIn, me, elder, sos = false, navLinks = [], path = "" }) {
  const tenant = me?.tenant?.name;
  if (elder) return elderHeader({ signedIn, tenant, sos, navLinks, path });
  return html`<div class="header__bar">
    <a class="brand" href="#/home"><span class="brand__mark" aria-hidden="true">社</span><span>${t("app.name")}</span></a>
    ${tenant ? html`<span class="header__tenant">${loc(tenant)}</span>` : ""}
    ${sos ? sosEntry() : ""}
  </div>
  <div class="header__controls">${headerControls({ signedIn, elder })}</div>
`;
}

/** The header's switches (elder mode, language) and sign-out: a row, or the elder menu's column. */
function headerControls({ signedIn, elder }) {
  return html`<button type="button" class="btn btn--toggle" role="switch" aria-checked="${elder ? "true" : "false"}" data-action="toggleElder" id="elder-switch">
      <span class="switch" aria-hidden="true"></span><span>${t("elder.switch")}</span>
    </button>
    <button type="button" class="btn btn--toggle" data-action="toggleLang" lang="${t("lang.switchTo")}" id="lang-switch">${t("lang.switch")}</button>
    ${signedIn ? button(t("action.signOut"), { action: "signOut", kind: "quiet" }) : ""}`;
}

/**
 * Elder mode gives the phone's first screen to the content: one row (the brand, which leads home,
 * and 菜单); the menu holds the screens, the switches and sign-out, so none of them wraps onto a
 * row of its own. Every route change paints the header again, which closes the menu.
 */
function elderHeader({ signedIn, tenant, sos, navLinks, path }) {
  return html`<div class="header__bar">
    <a class="brand" href="#/home"><span class="brand__mark" aria-hidden="true">社</span><span class="brand__name">${t("app.name")}</span></a>
    ${sos ? sosEntry() : ""}
  </div>
  <details class="header__menu" id="app-menu">
    <summary class="btn btn--secondary">${icon("menu")}<span>${t("menu.open")}</span></summary>
    <div class="header__panel">
      ${tenant ? html`<p class="header__tenant">${loc(tenant)}</p>` : ""}
      ${navLinks.length ? html`<nav class="header__nav" aria-label="${t("nav.label")}">${navContent(navLinks, path)}</nav>` : ""}
      <div class="header__controls">${headerControls({ signedIn, elder: true })}</div>
    </div>
  </details>`;
}

/** 紧急求助: on every resident screen, both modes — the numbers to call, one tap each (#/sos). */
function sosEntry() {
  return html`<a class="btn btn--sos" href="#/sos" id="sos-entry">${icon("phone")}<span>${t("sos.entry")}</span></a>`;
}

export function navContent(items, currentPath) {
  if (!items.length) return html``;
  return html`<ul class="nav__list">${items.map((i) => html`<li><a href="#${i.path}"${i.path === currentPath ? html` aria-current="page"` : ""}>${i.label}</a></li>`)}</ul>`;
}

export function footerContent() {
  return html`<p>${t("footer.offline")}</p><p class="footer__small">${t("footer.privacy")}</p>`;
}
