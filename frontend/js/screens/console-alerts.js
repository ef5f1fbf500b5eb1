// 告警看板 (live): open or acknowledged device alerts of the user's area, read again every 3 s while shown,
// critical first (icon, words, a beep when a new one arrives), grouped by device (named as the registry
// names it), the time until escalation, place and time, and a map of where they are; a critical alert whose device said normal before anyone confirmed it is marked 已恢复待确认;
// acknowledge, resolve with an outcome (误报, 设备测试, …) and a note, comment. An alert's record opens on request: then (and only
// then) the alert is read alone, which brings its SMS and calls, merged into its steps by time.
import { html, pageTitle, field, formError, button, linkButton, empty, badge, card, loading, icon } from "../templates.js";
import { buildings, byId, communities } from "../places.js";
import { formatDateTime, errorText } from "../i18n.js";
import { qs, tabs, placeText, term, myCommunities, OUTCOMES, clockTime, durationText, valueText, sampleNote }
  from "../console-parts.js";
import { mergedTimeline } from "../notify-parts.js";
import { placesMap } from "../maps.js";
import { revealControls, revealActions } from "../privacy-parts.js";
import { photoPicker, photoActions, photoThumbs, uploadedKeys, forgetPreviews } from "../photos-parts.js";

const SEVERITIES = ["critical", "warning", "info"];
const SEVERITY_KINDS = { critical: "danger", warning: "warn", info: "info" };
const STATES = ["open", "acknowledged"];
const LIMIT = 50;
// Live: the list is read again every 3 s while the page is shown; after a failed read the wait
// doubles up to a minute, and a hidden page is not read at all until it is shown again.
const POLL_MS = 3000;
const BACKOFF_MAX_MS = 60000;
const MUTE_KEY = "cc.alertBoard.muted";

// Browsers start audio only after a user gesture: the context is made on the first click or key.
let audio = null;
function armAudio() {
  if (audio || !window.AudioContext) return;
  const start = () => {
    audio ||= new AudioContext();
    if (audio.state === "suspended") audio.resume();
  };
  document.addEventListener("pointerdown", start, { once: true, capture: true });
  document.addEventListener("keydown", start, { once: true, capture: true });
}

function muted() {
  return localStorage.getItem(MUTE_KEY) === "1";
}

/** Two short beeps (WebAudio, no sound file) for a new critical alert, unless muted or not yet allowed. */
function beep() {
  if (muted() || audio?.state !== "running") return;
  [0, 0.35].forEach((at) => {
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.frequency.value = 880;
    gain.gain.value = 0.2;
    osc.connect(gain).connect(audio.destination);
    osc.start(audio.currentTime + at);
    osc.stop(audio.currentTime + at + 0.2);
  });
}

async function readItems(ctx, state, severity, scope) {
  const pages = await Promise.all((severity ? [severity] : SEVERITIES).map((s) =>
    ctx.api.get("/v1/alerts", { state, severity: s, scope, limit: LIMIT })));
  return { items: pages.flatMap((p) => p.items).sort(rank), more: pages.some((p) => p.next_cursor) };
}

/** 还有 N 分钟升级: the time left until the alert's next escalation level, refreshed each second. */
function dueText(ctx, at) {
  const left = Math.max(0, Math.round((Date.parse(at) - Date.now()) / 1000));
  return ctx.t("console.alert.escalatesIn", { time: left >= 60 ? ctx.t("console.alert.minutes", { n: Math.ceil(left / 60) })
    : ctx.t("console.alert.seconds", { n: left }) });
}

async function placeNames(ctx, items) {
  const ids = [...new Set(items.map((a) => a.community_id))];
  const [cs, bs, gs] = await Promise.all([
    communities(ctx),
    Promise.allSettled(ids.map((id) => buildings(ctx, id))),
    Promise.allSettled(ids.map((id) => ctx.api.get(`/v1/communities/${encodeURIComponent(id)}/grids`))),
  ]);
  return { communities: byId(cs), buildings: byId(bs.flatMap((r) => r.value || [])),
           grids: byId(gs.flatMap((r) => r.value || [])) };
}

function rank(a, b) {
  const s = SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity);
  return s || b.opened_at.localeCompare(a.opened_at);
}

function steps(ctx, a) {
  return a.timeline.map((e) => ({
    title: ctx.t("console.alert.step", { action: term(ctx, "console.alert.action", e.action), who: e.by === "system" ? ctx.t("console.alert.system") : (e.by_name || e.by) }),
    when: e.at, note: [sampleNote(ctx, e), e.note || ""].filter(Boolean).join(ctx.t("console.alert.noteSep")), kind: e.action === "comment" ? "neutral" : SEVERITY_KINDS[a.severity],
    extra: photoThumbs(ctx, e),
  }));
}

function relationText(ctx, c) {
  if (!c.relation) return "";
  return ctx.t(c.kind === "household" ? `relation.${c.relation}` : `safety.relation.${c.relation}`);
}

/** 联系人: who to call about it — the household's residents and a care subject's family (masked; a
 *  resident's number revealed under audit, reason 紧急情况, with a call button), family with only a
 *  number (the system texts and calls them), and the grid's staff at their work phones. */
function contactsView(ctx, data, alert) {
  const { t } = ctx;
  const list = alert.contacts || [];
  if (!list.length) return "";
  return html`<section class="console-contacts" aria-labelledby="contacts-${alert.alert_id}">
    <h4 id="contacts-${alert.alert_id}">${t("console.alert.contacts")}</h4>
    <ul class="console-contacts__list">${list.map((c) => html`<li class="console-contact" data-kind="${c.kind}">
      <p><strong>${c.name}</strong>${c.relation ? html`（${relationText(ctx, c)}）` : ""}
        ${c.subject ? badge(t("console.alert.contactSubject"), "danger") : ""}
        ${badge(t(`console.alert.contactKind.${c.kind}`), "neutral")}
        ${c.phone_masked ? html`<span class="console-muted">${c.phone_masked}</span>` : ""}</p>
      ${c.phone ? linkButton(t("console.alert.callStaff", { phone: c.phone }), `tel:${c.phone}`, { kind: "secondary" }) : ""}
      ${c.resident_id ? revealControls(ctx, data, c.resident_id, { reason: "emergency" })
        : c.kind === "family" ? html`<p class="field__hint">${t("console.alert.contactAuto")}</p>` : ""}
    </li>`)}</ul>
  </section>`;
}

/** The alert's steps with its SMS and calls once the alert was read alone; until then its steps and a word. */
function alertTimeline(ctx, data, a) {
  const read = data.records.get(a.alert_id);
  const label = ctx.t("console.alert.historyLabel");
  if (read?.alert) {
    return html`${contactsView(ctx, data, read.alert)}${mergedTimeline(ctx, steps(ctx, read.alert), read.alert.deliveries, label)}`;
  }
  return html`${mergedTimeline(ctx, steps(ctx, a), [], label)}
    ${read?.error ? html`<p class="field__error">${ctx.t("console.alert.deliveriesFailed", { error: read.error })}</p>`
      : loading(ctx.t("console.alert.deliveriesLoading"))}`;
}

function history(ctx, data, a) {
  const open = data.open.has(a.alert_id);
  return html`<details class="console-details"${open ? html` open` : ""}>
    <summary id="hist-${a.alert_id}" data-action="toggleHistory" data-id="${a.alert_id}">${ctx.t("console.alert.history")}</summary>
    ${open ? alertTimeline(ctx, data, a) : ""}
  </details>`;
}

/** 处置结果: a required choice of the five outcomes, as large labelled radios (one per row on a phone). */
function outcomeChoice(ctx, a) {
  const { t } = ctx;
  return html`<fieldset class="rq-rate console-outcome" aria-describedby="outcome-error">
    <legend>${t("console.alert.outcome.legend")}<span class="field__req" aria-hidden="true">*</span></legend>
    <div class="rq-rate__choices">${OUTCOMES.map((o) => html`<div class="rq-choice">
      <input type="radio" id="outcome-${a.alert_id}-${o}" name="outcome" value="${o}" required aria-describedby="outcome-error">
      <label for="outcome-${a.alert_id}-${o}">${t(`console.alert.outcome.${o}`)}</label>
    </div>`)}</div>
    <p class="field__error" id="outcome-error" data-error-for="outcome"></p>
  </fieldset>`;
}

function alertForm(ctx, data, a, kind) {
  const { t } = ctx;
  const input = kind === "resolve"
    ? html`${outcomeChoice(ctx, a)}${field({ name: "note", label: t("console.alert.resolveNote"), hint: t("console.alert.resolveHint"), type: "textarea",
              required: true, maxlength: 500 })}`
    : field({ name: "text", label: t("console.alert.commentText"), type: "textarea", required: true, maxlength: 500 });
  return html`<form class="form form--inline" data-submit="${kind}" data-id="${a.alert_id}" novalidate>
    ${formError()}
    ${input}
    ${photoPicker(ctx, data.photos, data.photoError, t("console.alert.photos"), t("console.alert.photosHint"))}
    <div class="form__actions">
      ${button(t(`console.alert.confirm.${kind}`), { type: "submit", kind: "primary" })}
      ${button(t("action.cancel"), { action: "closeForm", kind: "quiet" })}
    </div>
  </form>`;
}

/** 已恢复待确认: the device said normal, nobody has confirmed yet (a critical alert stays open). */
function recovered(a) {
  return a.state === "open" && Boolean(a.recovered_at);
}

/** 首次 / 最高 / 最近 readings and how long it lasted (or that it is still going on). */
function readings(ctx, a) {
  const { t } = ctx;
  const values = [a.first_value, a.peak_value, a.last_value].some((v) => v != null)
    ? html`<div><dt>${t("console.alert.values")}</dt><dd>${t("console.alert.valuesText", {
        first: valueText(ctx, a.first_value), peak: valueText(ctx, a.peak_value), last: valueText(ctx, a.last_value) })}${
        a.peak_at && a.peak_value !== a.first_value ? html`<span class="console-muted">${t("console.alert.peakAt", { time: clockTime(ctx, a.peak_at) })}</span>` : ""}</dd></div>` : "";
  const lasted = a.duration_s != null ? durationText(ctx, a.duration_s) : t("console.alert.ongoing");
  return html`${values}<div><dt>${t("console.alert.duration")}</dt><dd>${lasted}</dd></div>`;
}

/** 烟雾报警器 · 客厅烟感: the kind of device and its name in the registry (its id when it has none). */
function deviceText(ctx, a) {
  return `${term(ctx, "console.device", a.device_type)} · ${a.device_name || a.device_id}`;
}

/** Where: community · building, unit and room (or the public spot: 北门). */
function alertPlace(ctx, data, a) {
  return placeText(ctx, { ...a, address: a.spot }, data.names);
}

/** The board's alerts by device, each device where its most urgent alert ranks (a bin that is full
 *  and whose lid is stuck is one place to go, not two). */
function byDevice(items) {
  const groups = new Map();
  for (const a of items) {
    if (!groups.has(a.device_id)) groups.set(a.device_id, []);
    groups.get(a.device_id).push(a);
  }
  return [...groups.values()];
}

function groupView(ctx, data, group) {
  if (group.length === 1) return alertView(ctx, data, group[0]);
  const a = group[0];
  return html`<li class="console-alert-group">
    <p class="console-alert-group__head">${icon("pin")} ${ctx.t("console.alert.sameDevice", {
      n: group.length, device: deviceText(ctx, a), place: alertPlace(ctx, data, a) })}</p>
    <ul class="queue">${group.map((x) => alertView(ctx, data, x))}</ul>
  </li>`;
}

/** 告警分布: the open alerts' communities on a map, each labelled with its count (red when one is critical). */
function alertMap(el, data, ctx) {
  const by = new Map();
  for (const a of data.items) {
    const c = data.names.communities[a.community_id];
    if (!c?.location) continue;
    const spot = by.get(c.id) || { ...c.location, n: 0, critical: 0, name: ctx.loc(c.name) };
    spot.n += 1;
    spot.critical += a.severity === "critical" ? 1 : 0;
    by.set(c.id, spot);
  }
  const places = [...by.values()].sort((x, y) => y.critical - x.critical || y.n - x.n).map((p) => ({
    lat: p.lat, lng: p.lng, colour: p.critical ? "#8c1010" : "#8a4b00",
    label: ctx.t(p.critical ? "console.alerts.mapLabelCritical" : "console.alerts.mapLabel",
                 { name: p.name, n: p.n, critical: p.critical }) }));
  return placesMap(el, places, ctx, { zoom: 15 });
}

function alertView(ctx, data, a) {
  const { t, loc } = ctx;
  const acting = data.acting?.id === a.alert_id ? data.acting.kind : null;
  const name = a.rule_name ? loc(a.rule_name) : a.rule_id;
  const place = alertPlace(ctx, data, a);
  return html`<li class="queue__item console-alert console-alert--${a.severity}" id="alert-${a.alert_id}">
    <article aria-labelledby="alert-${a.alert_id}-name">
      <h3 id="alert-${a.alert_id}-name">${a.severity === "critical" ? icon("alert") : ""}${badge(t(`console.alert.severity.${a.severity}`), SEVERITY_KINDS[a.severity])} ${name}</h3>
      <p class="console-badges">${recovered(a) ? badge(t("console.alert.state.recovered"), "info")
        : badge(t(`console.alert.state.${a.state}`), a.state === "open" ? "warn" : "info")}
        ${a.care_subject ? badge(t("console.alert.careSubject"), "danger") : ""}
        ${a.level > 1 ? badge(t("console.alert.level", { n: a.level }), "warn") : ""}</p>
      ${a.escalate_at && a.state === "open" ? html`<p class="console-due" data-due="${a.escalate_at}">${dueText(ctx, a.escalate_at)}</p>` : ""}
      ${recovered(a) ? html`<p class="console-recovered" data-speak>${t("console.alert.recoveredText", { time: clockTime(ctx, a.recovered_at) })}</p>` : ""}
      <dl class="facts">
        <div><dt>${t("console.alert.place")}</dt><dd>${place}</dd></div>
        <div><dt>${t("console.alert.opened")}</dt><dd><time datetime="${a.opened_at}">${formatDateTime(a.opened_at)}</time></dd></div>
        ${ctx.elder ? "" : html`<div><dt>${t("console.alert.device")}</dt><dd>${a.request_id
          ? html`${term(ctx, "console.device", a.device_type)} · <a href="#/console/requests/${encodeURIComponent(a.request_id)}">${t("console.alert.openRequest", { id: a.request_id })}</a>`
          : deviceText(ctx, a)}</dd></div>
        <div><dt>${t("console.alert.lastSeen")}</dt><dd>${formatDateTime(a.last_seen)}${a.occurrences > 1 ? ` · ${t("console.alert.occurrences", { n: a.occurrences })}` : ""}</dd></div>
        ${readings(ctx, a)}`}
      </dl>
      ${acting ? alertForm(ctx, data, a, acting) : html`<div class="form__actions">
        ${a.state === "open" ? button(t("console.alert.do.acknowledge"), { action: "acknowledge", kind: "primary", data: { id: a.alert_id } }) : ""}
        ${button(t("console.alert.do.resolve"), { action: "openForm", kind: a.state === "open" ? "secondary" : "primary", data: { id: a.alert_id, kind: "resolve" } })}
        ${button(t("console.alert.do.comment"), { action: "openForm", data: { id: a.alert_id, kind: "comment" } })}
      </div>`}
      ${ctx.elder ? "" : history(ctx, data, a)}
    </article>
  </li>`;
}

export default {
  id: "console-alerts",
  path: "/console/alerts",
  roles: ["staff", "city_admin"],
  nav: "console.nav.alerts",
  navOrder: 20,
  title: "console.alerts.title",

  async load(ctx) {
    const state = STATES.includes(ctx.query.state) ? ctx.query.state : "open";
    const severity = SEVERITIES.includes(ctx.query.severity) ? ctx.query.severity : "";
    const mine = await myCommunities(ctx);
    const scope = mine.some((c) => c.id === ctx.query.community) ? ctx.query.community : "";
    const { items, more } = await readItems(ctx, state, severity, scope);
    armAudio();
    return { state, severity, scope, communities: mine, items, more, delay: POLL_MS, liveError: null,
             names: await placeNames(ctx, items), acting: null, revealing: null, revealed: {}, photos: [], photoError: "",
             open: new Set(), records: new Map() }; // records: alert id → {alert} read alone, or {error}
  },

  render(data, ctx) {
    const { t, loc } = ctx;
    const href = (patch) => `#/console/alerts${qs({ state: data.state, severity: data.severity, community: data.scope, ...patch })}`;
    const critical = data.items.filter((a) => a.severity === "critical").length;
    return html`${pageTitle(t("console.alerts.title"), { speak: true })}
      ${tabs(t("console.alerts.states"), STATES.map((s) => ({ href: href({ state: s }), label: t(`console.alert.state.${s}`), current: data.state === s })))}
      <div class="console-filters">
        ${field({ name: "severity", label: t("console.alerts.severityFilter"), value: data.severity, change: "pickSeverity", any: true,
                  options: SEVERITIES.map((s) => ({ value: s, label: t(`console.alert.severity.${s}`) })) })}
        ${data.communities.length > 1 ? field({ name: "community", label: t("console.community"), value: data.scope, change: "pickCommunity", any: true,
                                                options: data.communities.map((c) => ({ value: c.id, label: loc(c.name) })) }) : ""}
      </div>
      ${card(data.items.length ? html`<p data-speak>${t("console.alerts.count", { n: data.items.length })}
          ${critical ? badge(t("console.alerts.criticalCount", { n: critical }), "danger") : ""}
          ${data.more ? badge(t("console.requests.more"), "info") : ""}</p>
        <ul class="queue">${byDevice(data.items).map((g) => groupView(ctx, data, g))}</ul>`
      : empty(t(`console.alerts.empty.${data.state}`)), { title: t(`console.alerts.list.${data.state}`) })}
      ${ctx.elder || !data.items.some((a) => data.names.communities[a.community_id]?.location) ? ""
        : card(html`<figure class="console-figure"><div class="console-alert-map" data-widget="alertMap"></div>
            <figcaption>${t("console.alerts.mapAlt", { n: data.items.length })}</figcaption></figure>`, { title: t("console.alerts.map") })}
      <p class="console-live">
        ${data.liveError ? html`<span class="field__error">${t("console.alerts.liveFailed", { error: data.liveError })}</span>`
          : t("console.alerts.live")}
        <button type="button" class="btn btn--quiet" data-action="toggleSound" aria-pressed="${muted() ? "false" : "true"}">${icon("bell")}<span>${
          t(muted() ? "console.alerts.soundOff" : "console.alerts.soundOn")}</span></button>
      </p>
      <div data-widget="live" hidden></div>
      ${button(t("console.alerts.refresh"), { action: "refresh", icon: "retry" })}`;
  },

  widgets: {
    alertMap,
    // Not a drawing: the board's polling and countdowns, started with each paint and stopped before
    // the next one (and when the screen is left), so they run only while this screen is shown.
    live(el, data, ctx) {
      const main = el.closest("main") || document;
      const clock = setInterval(() => main.querySelectorAll("[data-due]").forEach((p) => {
        p.textContent = dueText(ctx, p.dataset.due);
      }), 1000);
      let timer = 0;
      const poll = async () => {
        if (document.hidden || data.acting || data.revealing) return; // not while a form is being filled
        try {
          const fresh = await readItems(ctx, data.state, data.severity, data.scope);
          if (!el.isConnected) return;
          const known = new Set(data.items.map((a) => a.alert_id));
          if (fresh.items.some((a) => a.severity === "critical" && !known.has(a.alert_id))) beep();
          const changed = JSON.stringify(fresh.items) !== JSON.stringify(data.items);
          const seen = new Set(data.items.map((a) => a.community_id)); // buildings and grids are read per community
          const names = fresh.items.some((a) => !seen.has(a.community_id))
            ? await placeNames(ctx, fresh.items) : data.names;
          if (changed || data.liveError) ctx.update({ ...fresh, names, delay: POLL_MS, liveError: null });
          else timer = setTimeout(poll, POLL_MS);
        } catch (err) {
          if (el.isConnected) ctx.update({ delay: Math.min(data.delay * 2, BACKOFF_MAX_MS), liveError: errorText(err) });
        }
      };
      const shown = () => { if (!document.hidden) { clearTimeout(timer); poll(); } };
      timer = setTimeout(poll, data.delay);
      document.addEventListener("visibilitychange", shown);
      return () => {
        clearInterval(clock);
        clearTimeout(timer);
        document.removeEventListener("visibilitychange", shown);
      };
    },
  },

  actions: {
    ...revealActions,
    ...photoActions("/v1/alerts/photo-uploads", "#/console/alerts"),
    pickSeverity(ctx, { value }) {
      ctx.navigate(`/console/alerts${qs({ state: ctx.data.state, severity: value, community: ctx.data.scope })}`);
    },
    pickCommunity(ctx, { value }) {
      ctx.navigate(`/console/alerts${qs({ state: ctx.data.state, severity: ctx.data.severity, community: value })}`);
    },
    refresh(ctx) {
      ctx.reload();
    },
    toggleSound(ctx) {
      localStorage.setItem(MUTE_KEY, muted() ? "0" : "1");
      ctx.update({});
    },
    async toggleHistory(ctx, { data }) {
      const { open, records } = ctx.data;
      if (open.has(data.id)) open.delete(data.id);
      else open.add(data.id);
      ctx.update({}); // painted now: the <details> keeps the state the click gave it
      if (!open.has(data.id) || records.get(data.id)?.alert) return;
      try {
        records.set(data.id, { alert: await ctx.api.get(`/v1/alerts/${encodeURIComponent(data.id)}`) });
      } catch (err) {
        records.set(data.id, { error: errorText(err) });
      }
      ctx.update({});
    },
    openForm(ctx, { data }) {
      forgetPreviews(ctx.data.photos);
      ctx.update({ acting: { id: data.id, kind: data.kind }, photos: [], photoError: "" });
      ctx.focus(data.kind === "resolve" ? `#outcome-${CSS.escape(data.id)}-${OUTCOMES[0]}` : "#f-text");
    },
    closeForm(ctx) {
      const id = ctx.data.acting?.id;
      forgetPreviews(ctx.data.photos);
      ctx.update({ acting: null, photos: [], photoError: "" });
      ctx.focus(`#alert-${CSS.escape(id || "")} .form__actions button`);
    },
    async acknowledge(ctx, { data }) {
      const a = await ctx.api.post(`/v1/alerts/${encodeURIComponent(data.id)}/acknowledge`, {});
      replace(ctx, a);
      ctx.toast(ctx.t("console.alert.done.acknowledge"), "ok");
      ctx.focus(`#alert-${CSS.escape(data.id)} .form__actions button`);
    },
    async resolve(ctx, { data, values }) {
      const a = await ctx.api.post(`/v1/alerts/${encodeURIComponent(data.id)}/resolve`, {
        note: values.note, outcome: values.outcome, photo_keys: uploadedKeys(ctx, ctx.data.photos) });
      forgetPreviews(ctx.data.photos);
      ctx.data.photos = [];
      replace(ctx, a);
      ctx.toast(ctx.t("console.alert.done.resolved", { outcome: ctx.t(`console.alert.outcome.${a.outcome || values.outcome}`) }), "ok");
      ctx.focus("#page-title");
    },
    async comment(ctx, { data, values }) {
      const a = await ctx.api.post(`/v1/alerts/${encodeURIComponent(data.id)}/comments`, {
        text: values.text, photo_keys: uploadedKeys(ctx, ctx.data.photos) });
      forgetPreviews(ctx.data.photos);
      ctx.data.photos = [];
      replace(ctx, a);
      ctx.toast(ctx.t("console.alert.done.comment"), "ok");
      ctx.focus(`#alert-${CSS.escape(data.id)} .form__actions button`);
    },
  },
};

/** Put the alert as the API returned it in the list (a resolved one leaves the board); an open record
 *  keeps the SMS, calls and contacts it read (an action's answer carries the steps, not those). */
function replace(ctx, a) {
  const read = ctx.data.records.get(a.alert_id);
  if (read?.alert) {
    const deliveries = a.deliveries?.length ? a.deliveries : read.alert.deliveries;
    const contacts = a.contacts?.length ? a.contacts : read.alert.contacts;
    ctx.data.records.set(a.alert_id, { alert: { ...a, deliveries, contacts } });
  }
  const items = ctx.data.items.map((i) => (i.alert_id === a.alert_id ? a : i))
    .filter((i) => i.state === "open" || i.state === "acknowledged");
  ctx.update({ items, acting: null });
}
