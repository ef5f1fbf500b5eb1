// One consultation in the console: the question and its windows, live counts and turnout, who
// voted (never what), the discussion with moderation (hide a comment with a reason), and closing
// the vote early or cancelling with a reason.
import { html, pageTitle, field, formError, button, linkButton, facts, empty, badge, card } from "../templates.js";
import { formatDateTime } from "../i18n.js";
import { percent, householdText, buildingNames } from "../console-parts.js";
import { phaseBadge } from "./console-consultations.js";

function path(id, tail = "") {
  return `/v1/consultations/${encodeURIComponent(id)}${tail}`;
}

function resultsView(ctx, c, r) {
  const { t, loc } = ctx;
  const max = Math.max(1, ...r.options.map((o) => o.votes));
  return html`<p data-speak>${t("console.cons.turnout", { voters: r.voters, eligible: r.eligible, rate: percent(r.turnout), min: percent(r.min_turnout) })}
      ${badge(t(r.valid ? "console.cons.valid" : "console.cons.notValid"), r.valid ? "ok" : "warn")}
      ${r.final ? badge(t("console.cons.final"), "neutral") : badge(t("console.cons.live"), "info")}</p>
    <table class="console-table">
      <caption>${t("console.cons.countsCaption")}</caption>
      <thead><tr><th scope="col">${t("console.cons.option")}</th><th scope="col">${t("console.cons.votes")}</th></tr></thead>
      <tbody>${r.options.map((o) => html`<tr>
        <th scope="row">${loc(o.label)}${r.winners.includes(o.option_id) && r.voters ? html` ${badge(t("console.cons.leading"), "ok")}` : ""}</th>
        <td><meter class="console-meter" min="0" max="${max}" value="${o.votes}" aria-hidden="true"></meter> ${o.votes}</td>
      </tr>`)}</tbody>
    </table>`;
}

function votersView(ctx, data) {
  const { t } = ctx;
  const v = data.voters;
  if (!v) return "";
  return v.voters.length
    ? html`<ul class="console-list">${v.voters.map((x) => html`<li>${householdText(ctx, x.household_id, data.buildings)} · ${x.name} · ${formatDateTime(x.cast_at)}</li>`)}</ul>`
    : empty(t("console.cons.noVoters"));
}

function commentView(ctx, data, cm) {
  const { t } = ctx;
  const hiding = data.hiding === cm.comment_id;
  return html`<li class="console-comment" id="cm-${cm.comment_id}">
    <p tabindex="-1"><strong>${cm.author}</strong> · ${formatDateTime(cm.created_at)}
      ${cm.hidden ? badge(t("console.cons.hidden"), "warn") : ""}</p>
    <p>${cm.text || ""}</p>
    ${cm.hidden && cm.hidden_reason ? html`<p class="form__note">${t("console.cons.hiddenReason", { reason: cm.hidden_reason })}</p>` : ""}
    ${cm.hidden ? "" : hiding ? html`<form class="form form--inline" data-submit="hide" data-id="${cm.comment_id}" novalidate>
        ${formError()}
        ${field({ name: "reason", label: t("console.cons.hideReason"), hint: t("console.cons.hideHint"), type: "textarea", required: true, maxlength: 200 })}
        <div class="form__actions">
          ${button(t("console.cons.confirmHide"), { type: "submit", kind: "danger" })}
          ${button(t("action.cancel"), { action: "cancelHide", kind: "quiet" })}
        </div>
      </form>`
      : button(t("console.cons.hide"), { action: "startHide", data: { id: cm.comment_id }, kind: "quiet" })}
  </li>`;
}

function discussionView(ctx, data) {
  const { t } = ctx;
  const d = data.discussion;
  if (!d || (!d.proposals.length && !d.comments.length)) return empty(t("console.cons.noDiscussion"));
  return html`${d.proposals.map((p) => html`<article class="console-proposal" aria-labelledby="pr-${p.proposal_id}">
      <h3 id="pr-${p.proposal_id}">${p.title}</h3>
      <p class="form__note">${p.author} · ${formatDateTime(p.created_at)}</p>
      <p>${p.text}</p>
      ${p.comments.length ? html`<ul class="console-comments">${p.comments.map((cm) => commentView(ctx, data, cm))}</ul>` : ""}
    </article>`)}
    ${d.comments.length ? html`<h3>${t("console.cons.generalComments")}</h3><ul class="console-comments">${d.comments.map((cm) => commentView(ctx, data, cm))}</ul>` : ""}`;
}

function manageView(ctx, data) {
  const { t } = ctx;
  const c = data.consultation;
  if (data.cancelling) {
    return html`<form class="form form--inline" data-submit="cancel" novalidate>
      ${formError()}
      ${field({ name: "reason", label: t("console.cons.cancelReason"), hint: t("console.cons.cancelHint"), type: "textarea", required: true, maxlength: 200 })}
      <div class="form__actions">
        ${button(t("console.cons.confirmCancel"), { type: "submit", kind: "danger" })}
        ${button(t("action.cancel"), { action: "stopCancel", kind: "quiet" })}
      </div>
    </form>`;
  }
  const open = ["scheduled", "proposals", "voting"].includes(c.phase);
  if (!open) return html`<p>${t("console.cons.nothingToDo")}</p>`;
  return html`<div class="form__actions">
    ${c.phase === "voting" ? button(t("console.cons.closeNow"), { action: "closeNow", kind: "primary" }) : ""}
    ${button(t("console.cons.cancel"), { action: "startCancel", kind: "secondary" })}
  </div>`;
}

export default {
  id: "console-consultation",
  path: "/console/consultations/:id",
  roles: ["staff", "city_admin"],
  title: "console.consultation.title",

  async load(ctx) {
    const id = ctx.params.id;
    const [consultation, results, voters, discussion] = await Promise.all([
      ctx.api.get(path(id)), ctx.api.get(path(id, "/results")), ctx.api.get(path(id, "/voters")),
      ctx.api.get(path(id, "/proposals")),
    ]);
    return { consultation, results, voters, discussion, buildings: buildingNames(voters.voters), cancelling: false, hiding: null };
  },

  render(data, ctx) {
    const { t, loc } = ctx;
    const c = data.consultation;
    return html`${pageTitle(loc(c.title), { speak: true })}
      <p><a href="#/console/consultations">${t("console.consultation.back")}</a></p>
      <p class="console-badges">${phaseBadge(ctx, c.phase)}
        ${badge(t(`console.cons.per.${c.eligibility.per}`), "neutral")}
        ${c.eligibility.owners_only ? badge(t("console.cons.ownersOnly"), "neutral") : ""}</p>
      ${card(html`<p data-speak>${loc(c.question)}</p>
        ${ctx.elder ? "" : facts([
          [t("console.cons.scope"), c.scope_name ? loc(c.scope_name) : t(`console.scope.${c.scope.level}`)],
          [t("console.cons.proposals"), c.proposals_open ? `${formatDateTime(c.proposals_open)} – ${formatDateTime(c.proposals_close)}` : ""],
          [t("console.cons.voting"), `${formatDateTime(c.voting_open)} – ${formatDateTime(c.voting_close)}`],
          [t("console.cons.eligible"), String(c.eligible)],
          [t("console.cons.results"), t(`console.cons.resultsWhen.${c.results}`)],
          [t("console.cons.changes"), t(c.allow_change ? "console.cons.changeAllowed" : "console.cons.changeNotAllowed")],
          [t("console.cons.createdBy"), `${c.created_by} · ${formatDateTime(c.created_at)}`],
          [t("console.cons.closedEarly"), c.closed_at ? formatDateTime(c.closed_at) : ""],
          [t("console.cons.cancelled"), c.cancelled_at ? `${formatDateTime(c.cancelled_at)} · ${c.cancel_reason || ""}` : ""],
        ])}
        ${manageView(ctx, data)}`, { title: t("console.cons.about") })}
      ${card(resultsView(ctx, c, data.results), { title: t("console.cons.resultsTitle") })}
      ${card(votersView(ctx, data), { title: t("console.cons.votersTitle", { n: data.voters.voters.length }) })}
      ${ctx.elder ? "" : card(discussionView(ctx, data), { title: t("console.cons.discussion") })}
      ${linkButton(t("console.consultation.back"), "#/console/consultations", { kind: "quiet" })}`;
  },

  actions: {
    async closeNow(ctx) {
      const id = ctx.data.consultation.consultation_id;
      const consultation = await ctx.api.post(path(id, "/close"), {});
      const results = await ctx.api.get(path(id, "/results"));
      ctx.update({ consultation, results });
      ctx.toast(ctx.t("console.cons.closedToast"), "ok");
      ctx.focus("#page-title");
    },
    startCancel(ctx) {
      ctx.update({ cancelling: true, hiding: null });
      ctx.focus("#f-reason");
    },
    stopCancel(ctx) {
      ctx.update({ cancelling: false });
      ctx.focus('[data-action="startCancel"]');
    },
    async cancel(ctx, { values }) {
      const consultation = await ctx.api.post(path(ctx.data.consultation.consultation_id, "/cancel"), { reason: values.reason });
      ctx.update({ consultation, cancelling: false });
      ctx.toast(ctx.t("console.cons.cancelledToast"), "ok");
      ctx.focus("#page-title");
    },
    startHide(ctx, { data }) {
      ctx.update({ hiding: data.id, cancelling: false });
      ctx.focus("#f-reason");
    },
    cancelHide(ctx) {
      const id = ctx.data.hiding;
      ctx.update({ hiding: null });
      ctx.focus(`#cm-${CSS.escape(id || "")} button`);
    },
    async hide(ctx, { data, values }) {
      const id = ctx.data.consultation.consultation_id;
      await ctx.api.post(path(id, `/comments/${encodeURIComponent(data.id)}/hide`), { reason: values.reason });
      const discussion = await ctx.api.get(path(id, "/proposals"));
      ctx.update({ discussion, hiding: null });
      ctx.toast(ctx.t("console.cons.hiddenToast"), "ok");
      ctx.focus(`#cm-${CSS.escape(data.id)} p`);
    },
  },
};
