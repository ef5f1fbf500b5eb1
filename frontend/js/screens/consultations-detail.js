// 一项议事协商: the question and its phase; proposals and comments (written while proposals are
// open); the vote — choose one option, then confirm it in a separate step (in elder mode one large
// button per option); after voting the resident's own choice and receipt code; the results with
// turnout and whether the minimum was met (a chart and the same numbers as a table).
import { html, pageTitle, button, linkButton, field, formError, facts, empty, card } from "../templates.js";
import { formatDateTime } from "../i18n.js";
import { phaseBadge, windowText, optional, base, myBallot, percent, optionLabel, resultsView, drawResults, ballotView,
         ourWords } from "../consultations-parts.js";

function notOwner(ctx, c) {
  const relation = ctx.me?.registration?.relation;
  return Boolean(c.eligibility?.owners_only && relation && relation !== "owner");
}

function about(ctx, c) {
  const { t } = ctx;
  const rule = [t(`consultations.rule.${c.eligibility?.per === "person" ? "person" : "household"}`),
    c.eligibility?.owners_only ? t("consultations.rule.owners") : ""].filter(Boolean).join(" · ");
  return facts([
    [t("consultations.facts.phase"), phaseBadge(ctx, c.phase)],
    [t("consultations.facts.scope"), ctx.loc(c.scope_name)],
    [t("consultations.facts.proposals"), windowText(ctx, c.proposals_open, c.proposals_close)],
    [t("consultations.facts.voting"), windowText(ctx, c.voting_open, c.voting_close)],
    [t("consultations.facts.closedAt"), c.closed_at ? formatDateTime(c.closed_at) : ""],
    [t("consultations.facts.rule"), rule],
    [t("consultations.facts.minTurnout"), c.min_turnout > 0 ? percent(ctx, c.min_turnout) : t("consultations.facts.noMinimum")],
    [t("consultations.facts.publish"), t(`consultations.publish.${c.results}`)],
    [t("consultations.facts.change"), t(c.allow_change ? "consultations.change.allowed" : "consultations.change.final")],
  ]);
}

// -- the vote --------------------------------------------------------------------------------------

function chooser(ctx, c, current) {
  const { t } = ctx;
  if (ctx.elder) {
    return html`<p class="cs-ask" id="cs-ask">${t("consultations.vote.tapOne")}</p>
      <ul class="cs-choices" aria-labelledby="cs-ask">${c.options.map((o) => html`<li>
        ${button(ctx.loc(o.label), { action: "pick", kind: "primary", data: { option: o.id } })}</li>`)}</ul>`;
  }
  return html`<form class="form" data-submit="choose" novalidate>
    ${formError()}
    <fieldset class="cs-options">
      <legend>${t("consultations.vote.chooseOne")}</legend>
      ${c.options.map((o) => html`<label class="cs-option">
        <input type="radio" name="option_id" value="${o.id}" required${o.id === current ? html` checked` : ""}>
        <span>${ctx.loc(o.label)}</span></label>`)}
      <p class="field__error" data-error-for="option_id"></p>
    </fieldset>
    <div class="form__actions">${button(t("consultations.vote.next"), { type: "submit", kind: "primary" })}</div>
  </form>`;
}

function confirmStep(ctx, c, optionId) {
  const { t } = ctx;
  return html`<div class="cs-confirm" role="group" aria-labelledby="cs-confirm-title">
    <h3 id="cs-confirm-title" tabindex="-1">${t("consultations.vote.confirmTitle")}</h3>
    <p class="cs-confirm__choice" data-speak>${t("consultations.vote.yourChoice")} <strong>${optionLabel(ctx, c, optionId)}</strong></p>
    <p>${t(c.allow_change ? "consultations.vote.canChange" : "consultations.vote.cannotChange")}</p>
    <div class="form__actions">
      ${button(t("consultations.vote.confirm"), { action: "vote", kind: "primary", icon: "check" })}
      ${button(t("consultations.vote.back"), { action: "back", kind: "secondary" })}
    </div>
  </div>`;
}

function voteSection(ctx, data) {
  const { t } = ctx;
  const c = data.c;
  const error = data.voteError
    ? html`<p class="form__error" id="cs-vote-error" role="alert" tabindex="-1">${data.voteError}</p>` : "";
  let body;
  if (data.ballot && !data.changing) {
    body = html`${ballotView(ctx, c, data.ballot, data.audit)}
      ${c.allow_change && c.phase === "voting" ? button(t("consultations.vote.change"), { action: "startChange" }) : ""}`;
  } else if (notOwner(ctx, c)) {
    body = html`<p class="status" data-speak>${t("consultations.vote.ownersOnly")}</p>`;
  } else if (data.confirming) {
    body = confirmStep(ctx, c, data.confirming);
  } else {
    body = html`${chooser(ctx, c, data.ballot?.option_id)}
      ${data.changing ? button(t("consultations.vote.keep"), { action: "keep", kind: "quiet" }) : ""}`;
  }
  return html`<section class="card cs-vote" aria-labelledby="cs-vote-title">
    <h2 id="cs-vote-title" tabindex="-1">${t("consultations.vote.title")}</h2>
    ${ctx.elder || c.phase !== "voting" ? "" : html`<p>${t("consultations.vote.until", { time: formatDateTime(c.voting_close) })}</p>`}
    ${error}${body}
  </section>`;
}

// -- proposals and comments ---------------------------------------------------------------------

function comments(ctx, list) {
  if (!list?.length) return "";
  return html`<ul class="cs-comments" aria-label="${ctx.t("consultations.comments.label")}">${list.map((m) => html`<li class="cs-comment">
    <p class="cs-meta">${m.author} · <time datetime="${m.created_at}">${formatDateTime(m.created_at)}</time></p>
    ${m.hidden
      ? html`<p class="cs-comment__hidden">${ctx.t("consultations.comments.hidden", { reason: m.hidden_reason || "" })}</p>`
      : html`<p>${m.text}</p>`}
  </li>`)}</ul>`;
}

function commentForm(ctx, proposalId = "") {
  const { t } = ctx;
  return html`<form class="form form--inline" data-submit="comment" data-proposal="${proposalId}" novalidate>
    ${formError()}
    ${field({ name: "text", label: t(proposalId ? "consultations.comments.replyLabel" : "consultations.comments.label1"),
              type: "textarea", required: true, maxlength: 1000 })}
    <div class="form__actions">
      ${button(t("consultations.comments.send"), { type: "submit", kind: "primary" })}
      ${button(t("action.cancel"), { action: "closeCompose", kind: "quiet" })}
    </div>
  </form>`;
}

function proposalForm(ctx) {
  const { t } = ctx;
  return html`<form class="form form--inline" data-submit="propose" novalidate>
    ${formError()}
    ${field({ name: "title", label: t("consultations.proposals.titleLabel"), required: true, maxlength: 80,
              hint: t("consultations.proposals.titleHint") })}
    ${field({ name: "text", label: t("consultations.proposals.textLabel"), type: "textarea", required: true,
              maxlength: 2000, rows: 5 })}
    <div class="form__actions">
      ${button(t("consultations.proposals.send"), { type: "submit", kind: "primary" })}
      ${button(t("action.cancel"), { action: "closeCompose", kind: "quiet" })}
    </div>
  </form>`;
}

function discussionSection(ctx, data) {
  const { t } = ctx;
  const c = data.c;
  const d = data.discussion;
  const open = c.phase === "proposals";
  const compose = data.compose;
  const tools = open ? html`<div class="form__actions">
      ${ctx.elder ? "" : button(t("consultations.proposals.start"), { action: "compose", kind: "primary", data: { to: "proposal" } })}
      ${button(t("consultations.comments.start"), { action: "compose", kind: ctx.elder ? "primary" : "secondary", data: { to: "comment" } })}
    </div>` : html`<p class="cs-meta">${t(c.phase === "scheduled" && new Date(c.proposals_open) > new Date()
      ? "consultations.proposals.notYet" : "consultations.proposals.closed")}</p>`;
  const proposals = d.proposals || [];
  return html`<section class="card cs-discussion" aria-labelledby="cs-disc-title">
    <h2 id="cs-disc-title" tabindex="-1">${t("consultations.proposals.title", { n: proposals.length })}</h2>
    ${open && !ctx.elder ? html`<p>${t("consultations.proposals.open", { to: formatDateTime(c.proposals_close) })}</p>` : ""}
    ${tools}
    ${compose === "proposal" ? proposalForm(ctx) : ""}
    ${compose === "comment" ? commentForm(ctx) : ""}
    ${proposals.length ? html`<ol class="cs-proposals">${proposals.map((p) => html`<li class="cs-proposal" id="p-${p.proposal_id}">
      <article aria-labelledby="p-${p.proposal_id}-t">
        <h3 id="p-${p.proposal_id}-t">${p.title}</h3>
        <p class="cs-meta">${p.author} · <time datetime="${p.created_at}">${formatDateTime(p.created_at)}</time></p>
        <p>${p.text}</p>
        ${ctx.elder ? "" : comments(ctx, p.comments)}
        ${open && !ctx.elder ? (compose === p.proposal_id ? commentForm(ctx, p.proposal_id)
          : button(t("consultations.comments.reply"), { action: "compose", kind: "quiet", data: { to: p.proposal_id } })) : ""}
      </article></li>`)}</ol>` : empty(t("consultations.proposals.empty"))}
    ${!ctx.elder && d.comments?.length ? html`<h3>${t("consultations.comments.general")}</h3>${comments(ctx, d.comments)}` : ""}
  </section>`;
}

// -- the screen ---------------------------------------------------------------------------------

export default {
  id: "consultations-detail",
  path: "/consultations/:id",
  roles: ["resident"],
  title: "consultations.detailTitle",

  async load(ctx) {
    const url = base(ctx.params.id);
    const c = await ctx.api.get(url);
    const afterOpen = ["voting", "closed"].includes(c.phase);
    const resultsVisible = c.phase === "closed" || (c.phase === "voting" && c.results === "live");
    const [discussion, ballot, results, audit] = await Promise.all([
      c.proposals_open ? ctx.api.get(`${url}/proposals`) : null,
      afterOpen ? myBallot(ctx, ctx.params.id) : null,
      resultsVisible ? optional(ctx.api.get(`${url}/results`)) : null,
      afterOpen ? optional(ctx.api.get(`${url}/audit`)) : null,
    ]);
    return { c, discussion, ballot, results, audit, confirming: null, changing: false, compose: null, voteError: "" };
  },

  render(data, ctx) {
    const { t } = ctx;
    const c = data.c;
    const head = pageTitle(ctx.loc(c.title), { speak: true });
    const question = html`<p class="lead cs-question" data-speak>${ctx.loc(c.question)}</p>`;
    const back = html`<p>${linkButton(t("consultations.back"), "#/consultations", { kind: "quiet" })}</p>`;
    const cancelled = c.phase === "cancelled"
      ? html`<p class="status status--rejected" data-speak>${t("consultations.cancelled", { reason: c.cancel_reason || "" })}</p>` : "";
    const scheduled = c.phase === "scheduled" || c.phase === "proposals"
      ? html`<p class="status" data-speak>${t("consultations.vote.startsAt", { time: formatDateTime(c.voting_open) })}</p>` : "";
    const vote = c.phase === "voting" || (c.phase === "closed" && data.ballot) ? voteSection(ctx, data) : "";
    const results = data.results ? resultsView(ctx, c, data.results) : "";
    const closedNoResults = c.phase === "closed" && !data.results
      ? html`<p class="status">${t("consultations.results.none")}</p>` : "";
    const discussion = data.discussion ? discussionSection(ctx, data) : "";

    if (ctx.elder) {
      // One task: the vote while it is open, else the results, else the discussion.
      const voteFirst = c.phase === "voting" && !data.ballot;
      return html`${head}${question}${cancelled}${vote}${voteFirst ? "" : results || closedNoResults}
        ${c.phase === "proposals" ? discussion : scheduled}${back}`;
    }
    return html`${head}${question}
      ${card(about(ctx, c), { title: t("consultations.facts.title") })}
      ${cancelled}${scheduled}${vote}${results}${closedNoResults}${discussion}${back}`;
  },

  widgets: {
    async resultsChart(el, data, ctx) {
      if (data.results) return drawResults(el, data.results, ctx);
      return null;
    },
  },

  actions: {
    choose(ctx, { values }) {
      ctx.update({ confirming: values.option_id, voteError: "" });
      ctx.focus("#cs-confirm-title");
    },
    pick(ctx, { data }) {
      ctx.update({ confirming: data.option, voteError: "" });
      ctx.focus("#cs-confirm-title");
    },
    back(ctx) {
      ctx.update({ confirming: null });
      ctx.focus("#cs-vote-title");
    },
    startChange(ctx) {
      ctx.update({ changing: true, confirming: null, voteError: "" });
      ctx.focus("#cs-vote-title");
    },
    keep(ctx) {
      ctx.update({ changing: false, confirming: null });
      ctx.focus("#cs-vote-title");
    },
    async vote(ctx) {
      const url = base(ctx.data.c.consultation_id);
      try {
        await ctx.api.post(`${url}/votes`, { option_id: ctx.data.confirming });
      } catch (err) {
        const e = ourWords(ctx, err);
        if (!e.field) throw e;
        // Refused (already voted, not on the roll, voting over): say so, and show the ballot there is.
        const ballot = e.field === "ballot" ? await myBallot(ctx, ctx.data.c.consultation_id) : ctx.data.ballot;
        ctx.update({ ballot, confirming: null, changing: false, voteError: e.message });
        ctx.focus("#cs-vote-error");
        return;
      }
      ctx.toast(ctx.t("consultations.vote.done"), "ok");
      ctx.reload();
    },
    compose(ctx, { data }) {
      ctx.update({ compose: data.to });
      ctx.focus(data.to === "proposal" ? "#f-title" : "#f-text");
    },
    closeCompose(ctx) {
      ctx.update({ compose: null });
      ctx.focus("#cs-disc-title");
    },
    async propose(ctx, { values }) {
      const url = base(ctx.data.c.consultation_id);
      await ctx.api.post(`${url}/proposals`, { title: values.title, text: values.text }).catch((err) => {
        throw ourWords(ctx, err);
      });
      ctx.update({ discussion: await ctx.api.get(`${url}/proposals`), compose: null });
      ctx.toast(ctx.t("consultations.proposals.done"), "ok");
      ctx.focus("#cs-disc-title");
    },
    async comment(ctx, { data, values }) {
      const url = base(ctx.data.c.consultation_id);
      const body = { text: values.text, ...(data.proposal ? { proposal_id: data.proposal } : {}) };
      await ctx.api.post(`${url}/comments`, body).catch((err) => {
        throw ourWords(ctx, err);
      });
      ctx.update({ discussion: await ctx.api.get(`${url}/proposals`), compose: null });
      ctx.toast(ctx.t("consultations.comments.done"), "ok");
      ctx.focus("#cs-disc-title");
    },
  },
};
