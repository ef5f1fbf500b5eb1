// 议事协商: the consultations for the resident's home, open ones first (the API's order), each
// with its phase in words and, while voting is open, whether the resident has voted yet.
import { html, pageTitle, empty, badge } from "../templates.js";
import { phaseBadge, windowText, myBallot } from "../consultations-parts.js";

function when(ctx, c) {
  if (c.phase === "proposals") return windowText(ctx, c.proposals_open, c.proposals_close);
  // closed early by staff: the vote ended then, not at its planned close
  return windowText(ctx, c.voting_open, c.phase === "closed" && c.closed_at ? c.closed_at : c.voting_close);
}

function item(ctx, c, ballots) {
  const voting = c.phase === "voting";
  const voted = ballots[c.consultation_id];
  return html`<li class="cs-item">
    <a class="cs-item__link" href="#/consultations/${encodeURIComponent(c.consultation_id)}">
      <span class="cs-item__head"><span class="cs-item__title">${ctx.loc(c.title)}</span> ${phaseBadge(ctx, c.phase)}
        ${voting ? badge(ctx.t(voted ? "consultations.list.voted" : "consultations.list.notVoted"), voted ? "ok" : "warn") : ""}</span>
      <span class="cs-item__meta">${ctx.loc(c.scope_name)}${ctx.elder ? "" : html` · ${when(ctx, c)}`}</span>
    </a>
  </li>`;
}

export default {
  id: "consultations-list",
  path: "/consultations",
  roles: ["resident"],
  nav: "consultations.nav",
  navOrder: 30,
  title: "consultations.title",

  async load(ctx) {
    const page = await ctx.api.get("/v1/consultations", { limit: 50 });
    const items = page.items || [];
    // One small read per open vote (there are few at a time) to say "voted / not yet".
    const open = items.filter((c) => c.phase === "voting");
    const found = await Promise.all(open.map((c) => myBallot(ctx, c.consultation_id)));
    const ballots = Object.fromEntries(open.map((c, i) => [c.consultation_id, found[i]]));
    return { items, ballots };
  },

  render(data, ctx) {
    const { t } = ctx;
    const waiting = data.items.filter((c) => c.phase === "voting" && !data.ballots[c.consultation_id]).length;
    const lead = waiting ? t("consultations.list.waiting", { n: waiting }) : t("consultations.lead");
    return html`${pageTitle(t("consultations.title"), { speak: true, lead })}
      ${data.items.length
        ? html`<ul class="cs-list" aria-label="${t("consultations.list.label")}">${data.items.map((c) => item(ctx, c, data.ballots))}</ul>`
        : empty(t("consultations.list.empty"))}`;
  },
};
