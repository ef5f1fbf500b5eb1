// 告警回复: the page an alert SMS links to (ack.html?c=<city>.<code> forwards here). No sign-in: the
// one-time code is the permission. It says what happened, where and when (Beijing time, as the SMS
// did) and how things stand; 我去看看 or 已联系上 tells the community, once. A used or expired link
// is explained plainly. The screen neither needs nor creates a session (calls go without a token).
import { html, pageTitle, button, badge, facts, linkButton } from "../templates.js";
import { ApiError } from "../api.js";
import { has } from "../i18n.js";
import { cityTime } from "../notify-parts.js";

const CODE = /^[a-z][a-z0-9-]{1,30}[a-z0-9]\.[A-Za-z0-9]{12}$/; // as the API checks it
const ACTIONS = ["on_my_way", "reached"];
const ACTIVE = ["open", "acknowledged"];
const SEVERITY_KINDS = { critical: "danger", warning: "warn", info: "info" };
const STATE_KINDS = { open: "danger", acknowledged: "info", resolved: "ok", auto_cleared: "ok" };
const PUBLIC = { auth: false };

function path(code) {
  return `/v1/alert-links/${encodeURIComponent(code)}`;
}

/** 404 (unknown, expired, a city not active) and 400 (not a code we send) are the link's problem. */
function problemOf(err) {
  if (err instanceof ApiError && err.status === 404) return "expired";
  if (err instanceof ApiError && err.status === 400) return "invalid";
  return null;
}

function word(ctx, prefix, value) {
  const key = `${prefix}.${value}`;
  return has(key) ? ctx.t(key) : value;
}

function what(ctx, link) {
  const { t } = ctx;
  return html`<div class="ack-what" data-speak>
    <p class="ack-rule">${badge(word(ctx, "notify.severity", link.severity), SEVERITY_KINDS[link.severity] || "neutral")}
      <strong>${link.rule}</strong></p>
    ${facts([
      [t("notify.ack.place"), link.place],
      [t("notify.ack.time"), cityTime(ctx, link.raised_at)],
      [t("notify.ack.state"), badge(word(ctx, "notify.ack.stateWord", link.state), STATE_KINDS[link.state] || "neutral")],
    ])}
  </div>`;
}

function choices(ctx, link) {
  const { t } = ctx;
  return html`<section class="ack-choose" aria-labelledby="ack-choose-title">
    <h2 id="ack-choose-title" data-speak>${t("notify.ack.ask")}</h2>
    ${link.state === "acknowledged" ? html`<p class="ack-note">${t("notify.ack.someoneOnIt")}</p>` : ""}
    <div class="ack-buttons">
      ${ACTIONS.map((a) => html`<form class="ack-choice" data-submit="respond" data-choice="${a}" novalidate>
        ${button(t(`notify.ack.do.${a}`), { type: "submit", kind: a === "on_my_way" ? "primary" : "secondary" })}
        <p class="ack-choice__hint">${t(`notify.ack.hint.${a}`)}</p>
      </form>`)}
    </div>
    <p class="ack-note">${t("notify.ack.once")}</p>
  </section>`;
}

/** A block in plain words: done (thank you), used already, nothing to do, expired. */
function sentence(kind, title, text, id = "") {
  return html`<div class="status status--${kind} ack-status"${id ? html` id="${id}" tabindex="-1"` : ""} role="status" data-speak>
    <p class="status__label">${title}</p>
    <p class="status__sentence">${text}</p>
  </div>`;
}

function emergency(ctx) {
  return html`<p class="ack-emergency">${ctx.t("notify.ack.emergency")}</p>`;
}

export default {
  id: "ack",
  path: "/ack",
  public: true,
  title: "notify.ack.title",

  async load(ctx) {
    const code = String(ctx.query.c || "").trim();
    if (!CODE.test(code)) return { code, problem: "invalid" };
    try {
      return { code, link: await ctx.api.get(path(code), {}, PUBLIC), done: null };
    } catch (err) {
      const problem = problemOf(err);
      if (!problem) throw err; // network or server: the error state offers Retry
      return { code, problem };
    }
  },

  render(data, ctx) {
    const { t } = ctx;
    const head = pageTitle(t("notify.ack.title"), { speak: true });
    if (data.problem) {
      return html`${head}
        ${sentence("rejected", t(`notify.ack.problem.${data.problem}.title`), t(`notify.ack.problem.${data.problem}.text`))}
        ${emergency(ctx)}
        ${ctx.session ? "" : html`<p class="ack-staff">${t("notify.ack.staffHint")}</p>
          <div class="form__actions">${linkButton(t("notify.ack.signIn"), "#/signin", { kind: "secondary" })}</div>`}`;
    }
    const link = data.link;
    let next;
    if (data.done) {
      next = sentence("verified", t("notify.ack.done.title"), t(`notify.ack.done.${data.done}`), "ack-done");
    } else if (link.used) {
      next = sentence("pending", t("notify.ack.used.title"),
        link.action ? t("notify.ack.used.said", { said: t(`notify.ack.do.${link.action}`) }) : t("notify.ack.used.text"), "ack-used");
    } else if (!ACTIVE.includes(link.state)) {
      next = sentence("verified", t("notify.ack.closed.title"), t("notify.ack.closed.text"));
    } else {
      next = choices(ctx, link);
    }
    return html`${head}
      ${ctx.elder ? "" : html`<p class="lead">${t("notify.ack.lead")}</p>`}
      <section class="card ack-card" aria-labelledby="ack-what-title">
        <h2 id="ack-what-title">${t("notify.ack.what")}</h2>
        ${what(ctx, link)}
      </section>
      ${next}
      ${emergency(ctx)}`;
  },

  actions: {
    async respond(ctx, { data }) {
      if (!ACTIONS.includes(data.choice)) return;
      let link;
      try {
        link = await ctx.api.post(path(ctx.data.code), { action: data.choice }, PUBLIC);
      } catch (err) {
        if (err instanceof ApiError && err.status === 409) {
          // used meanwhile (another tap, another phone): show it as it now stands
          const now = await ctx.api.get(path(ctx.data.code), {}, PUBLIC).catch(() => ({ ...ctx.data.link, used: true }));
          ctx.update({ link: now, done: null });
          ctx.focus("#ack-used");
          return;
        }
        const problem = problemOf(err);
        if (!problem) throw err;
        ctx.update({ problem });
        ctx.focus("#page-title");
        return;
      }
      // the confirmation takes the buttons' place and gets the focus (read out); no toast over it
      ctx.update({ link, done: data.choice });
      ctx.focus("#ack-done");
    },
  },
};
