// 报事详情: one request — its state, the department handling it, where it is, and its timeline
// (who did what, when, what they said). Once resolved the resident rates it (好差评: satisfied,
// or unsatisfied saying why, which may reopen it) and may reopen it within the window.
import { html, pageTitle, field, formError, button, linkButton, facts, card, badge, safeUrl } from "../templates.js";
import { formatDateTime } from "../i18n.js";
import { communities, buildings, byId } from "../places.js";
import { stateBadge, slaBadge, departmentName, placeText, stepsTimeline, renameFields } from "../requests-parts.js";
import { photoThumbs } from "../photos-parts.js";

const RATE_FIELDS = { value: "rq-rating", comment: "rq-comment", reopen: "rq-reopen" };

function canReopen(r) {
  return r.state === "resolved" && r.reopen_until && new Date(r.reopen_until) > new Date();
}

function choice(value, label, checked) {
  return html`<div class="rq-choice rq-choice--${value}">
    <input type="radio" id="rq-rating-${value}" name="rq-rating" value="${value}" required data-change="pickRating"${checked ? html` checked` : ""} aria-describedby="rq-rating-error">
    <label for="rq-rating-${value}">${label}</label>
  </div>`;
}

function ratingView(ctx, rating) {
  const ok = rating.value === "satisfied";
  return card(html`<p data-speak>${badge(ctx.t(`requests.rating.${rating.value}`), ok ? "ok" : "warn")}
      ${ctx.t("requests.rating.givenAt", { time: formatDateTime(rating.at) })}</p>
    ${rating.comment ? html`<p class="rq-quote">${rating.comment}</p>` : ""}`,
  { title: ctx.t("requests.rating.yours") });
}

function rateForm(ctx, data) {
  const { t } = ctx;
  const unhappy = data.rating === "unsatisfied";
  return card(html`<form class="form" data-submit="rate" novalidate>
      ${formError()}
      <fieldset class="rq-rate">
        <legend>${t("requests.rate.question")}</legend>
        <div class="rq-rate__choices">
          ${choice("satisfied", t("requests.rating.satisfied"), data.rating === "satisfied")}
          ${choice("unsatisfied", t("requests.rating.unsatisfied"), unhappy)}
        </div>
        <p class="field__error" id="rq-rating-error" data-error-for="rq-rating"></p>
      </fieldset>
      ${data.rating ? field({ name: "rq-comment", type: "textarea", rows: 3, maxlength: 500, required: unhappy,
                              label: t(unhappy ? "requests.rate.why" : "requests.rate.comment"),
                              hint: unhappy ? t("requests.rate.whyHint") : "" }) : ""}
      ${unhappy && canReopen(data.r) ? html`<div class="rq-check">
          <input type="checkbox" id="rq-reopen" name="rq-reopen" value="yes" checked>
          <label for="rq-reopen">${t("requests.rate.reopen")}</label>
          <p class="field__error" data-error-for="rq-reopen"></p>
        </div>` : ""}
      <div class="form__actions">${button(t("requests.rate.submit"), { type: "submit", kind: "primary", icon: "check" })}</div>
    </form>`, { title: t("requests.rate.title") });
}

function reopenForm(ctx, r) {
  const { t } = ctx;
  return card(html`<form class="form" data-submit="reopen" novalidate>
      ${formError()}
      <p>${t("requests.reopen.lead", { time: formatDateTime(r.reopen_until) })}</p>
      ${field({ name: "rq-note", type: "textarea", rows: 2, maxlength: 500, label: t("requests.reopen.note") })}
      <div class="form__actions">${button(t("requests.reopen.submit"), { type: "submit", kind: "secondary", icon: "retry" })}</div>
    </form>`, { title: t("requests.reopen.title") });
}

export default {
  id: "requests-detail",
  path: "/requests/:id",
  roles: ["resident"],
  title: "requests.detail.title",

  async load(ctx) {
    const r = await ctx.api.get(`/v1/requests/${encodeURIComponent(ctx.params.id)}`);
    const l = r.location || {};
    const [cs, bs] = await Promise.allSettled([communities(ctx), l.building_id ? buildings(ctx, l.community_id) : []]);
    return { r, communities: byId(cs.value), buildings: byId(bs.value), rating: "" };
  },

  render(data, ctx) {
    const { t } = ctx;
    const r = data.r;
    const status = html`<div class="status rq-status rq-status--${r.state}" data-speak>
      <p class="status__label">${t("requests.detail.number", { id: r.request_id })} ${stateBadge(ctx, r.state)} ${slaBadge(ctx, r)}</p>
      <p class="status__sentence">${t(`requests.sentence.${r.state}`)}</p>
      ${r.alert_id && ["submitted", "accepted", "assigned", "in_progress"].includes(r.state)
        ? html`<p class="status__sentence rq-dispatched">${t("requests.detail.dispatched")}</p>` : ""}
    </div>`;
    const rating = r.rating ? ratingView(ctx, r.rating) : r.state === "resolved" ? rateForm(ctx, data) : "";
    const reopen = r.rating && canReopen(r) ? reopenForm(ctx, r) : "";
    const what = html`<p class="rq-description" data-speak>${r.description}</p>
      ${ctx.elder ? "" : facts([
        [t("requests.detail.department"), departmentName(ctx, r.department)],
        [t("requests.detail.place"), placeText(ctx, r, data.buildings, data.communities)],
        [t("requests.detail.filed"), formatDateTime(r.created_at)],
        [t("requests.detail.forWhom"), r.on_behalf_of || ""],
        [t("requests.detail.duplicateOf"), r.duplicate_of || ""],
      ])}
      ${photoThumbs(ctx, r)}
      ${!ctx.elder && r.photos.length ? html`<ul class="rq-photos">${r.photos.map((p, i) => html`<li><a href="${safeUrl(p)}" rel="noopener noreferrer" target="_blank">${t("requests.detail.photo", { n: i + 1 })}</a></li>`)}</ul>` : ""}`;
    return html`${pageTitle(ctx.loc(r.category_name), { speak: true })}
      ${status}
      ${rating}
      ${reopen}
      ${card(what, { title: t("requests.detail.what") })}
      ${card(stepsTimeline(ctx, r), { title: t("requests.timeline") })}
      ${linkButton(t("requests.detail.back"), "#/requests", { kind: "secondary", icon: "list" })}`;
  },

  actions: {
    pickRating(ctx, { value }) {
      ctx.update({ rating: value });
    },
    async rate(ctx, { values }) {
      const value = values["rq-rating"];
      const body = { value };
      if (values["rq-comment"]) body.comment = values["rq-comment"];
      if (value === "unsatisfied" && values["rq-reopen"]) body.reopen = true;
      let r;
      try {
        r = await ctx.api.post(`/v1/requests/${encodeURIComponent(ctx.data.r.request_id)}/rating`, body);
      } catch (err) {
        throw renameFields(err, RATE_FIELDS, ctx);
      }
      ctx.update({ r, rating: "" });
      ctx.toast(ctx.t(body.reopen ? "requests.rate.doneReopened" : "requests.rate.done"), "ok");
      ctx.focus("#page-title");
    },
    async reopen(ctx, { values }) {
      const body = values["rq-note"] ? { note: values["rq-note"] } : {};
      let r;
      try {
        r = await ctx.api.post(`/v1/requests/${encodeURIComponent(ctx.data.r.request_id)}/reopen`, body);
      } catch (err) {
        throw renameFields(err, { note: "rq-note" }, ctx);
      }
      ctx.update({ r });
      ctx.toast(ctx.t("requests.reopen.done"), "ok");
      ctx.focus("#page-title");
    },
  },
};
