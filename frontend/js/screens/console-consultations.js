// 社区协商与投票: the consultations of the user's area, open ones first; a link to open a new one
// and to each one's page (live counts, who voted, close or cancel, moderation).
import { html, pageTitle, empty, badge, linkButton, card } from "../templates.js";
import { formatDateTime } from "../i18n.js";

const PHASE_KINDS = { scheduled: "info", proposals: "warn", voting: "ok", closed: "neutral", cancelled: "danger" };

export function phaseBadge(ctx, phase) {
  return badge(ctx.t(`console.cons.phase.${phase}`), PHASE_KINDS[phase]);
}

function itemView(ctx, c) {
  const { t, loc } = ctx;
  return html`<li class="queue__item">
    <article aria-labelledby="cs-${c.consultation_id}">
      <h3 id="cs-${c.consultation_id}"><a href="#/console/consultations/${encodeURIComponent(c.consultation_id)}">${loc(c.title)}</a></h3>
      <p class="console-badges">${phaseBadge(ctx, c.phase)}
        ${badge(t(`console.cons.per.${c.eligibility.per}`), "neutral")}
        ${c.eligibility.owners_only ? badge(t("console.cons.ownersOnly"), "neutral") : ""}</p>
      <dl class="facts">
        <div><dt>${t("console.cons.scope")}</dt><dd>${c.scope_name ? loc(c.scope_name) : t(`console.scope.${c.scope.level}`)}</dd></div>
        <div><dt>${t("console.cons.voting")}</dt><dd>${formatDateTime(c.voting_open)} – ${formatDateTime(c.voting_close)}</dd></div>
        <div><dt>${t("console.cons.eligible")}</dt><dd>${c.eligible}</dd></div>
      </dl>
    </article>
  </li>`;
}

export default {
  id: "console-consultations",
  path: "/console/consultations",
  roles: ["staff", "city_admin"],
  nav: "console.nav.consultations",
  navOrder: 40,
  title: "console.consultations.title",

  async load(ctx) {
    const list = await ctx.api.get("/v1/consultations", { limit: 50 });
    return { items: list.items };
  },

  render(data, ctx) {
    const { t } = ctx;
    return html`${pageTitle(t("console.consultations.title"), { speak: true })}
      <div class="form__actions console-toolbar">
        ${linkButton(t("console.consultations.open"), "#/console/consultations/new", { kind: "primary" })}
      </div>
      ${card(data.items.length ? html`<ul class="queue">${data.items.map((c) => itemView(ctx, c))}</ul>`
        : empty(t("console.consultations.empty")), { title: t("console.consultations.list") })}`;
  },
};
