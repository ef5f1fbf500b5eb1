// Publish a notice or an emergency broadcast (应急广播) to a place: category, warning level for a
// broadcast, title and text in Chinese (English optional), validity, pinned.
import { html, pageTitle, field, formError, button, linkButton } from "../templates.js";
import { scopePlaces, scopeFields, scopeActions, scopeBody, checkbox, isoFromLocal } from "../console-parts.js";
import { CATEGORIES } from "./console-notices.js";

const SEVERITIES = ["blue", "yellow", "orange", "red"];

export default {
  id: "console-notice-new",
  path: "/console/notices/new",
  roles: ["staff", "city_admin"],
  title: "console.noticeNew.title",

  async load(ctx) {
    const places = await scopePlaces(ctx);
    const category = CATEGORIES.includes(ctx.query.category) ? ctx.query.category : "";
    return { places, category, scope_level: "", scope_id: "" };
  },

  render(data, ctx) {
    const { t } = ctx;
    const emergency = data.category === "emergency";
    const full = !ctx.elder; // elder mode: only what a broadcast cannot do without
    return html`${pageTitle(t(emergency ? "console.noticeNew.broadcastTitle" : "console.noticeNew.title"),
                            { speak: true, lead: t(emergency ? "console.noticeNew.broadcastLead" : "console.noticeNew.lead") })}
    <form class="form card" data-submit="publish" novalidate>
      ${formError()}
      <fieldset>
        <legend>${t("console.noticeNew.what")}</legend>
        ${field({ name: "category", label: t("console.notice.category"), required: true, value: data.category, change: "pickCategory",
                  options: CATEGORIES.map((c) => ({ value: c, label: t(`console.notice.category.${c}`) })) })}
        ${emergency ? field({ name: "severity", label: t("console.notice.severity"), hint: t("console.notice.severityHint"), required: true,
                              options: SEVERITIES.map((s) => ({ value: s, label: t(`console.notice.severity.${s}`) })) }) : ""}
      </fieldset>
      ${scopeFields(ctx, data.places, data)}
      <fieldset>
        <legend>${t("console.noticeNew.text")}</legend>
        ${field({ name: "title.zh", label: t("console.field.titleZh"), required: true, maxlength: 100 })}
        ${field({ name: "body.zh", label: t("console.field.bodyZh"), type: "textarea", rows: 5, required: true, maxlength: 5000 })}
        ${full ? field({ name: "title.en", label: t("console.field.titleEn"), hint: t("console.field.enHint"), maxlength: 200 }) : ""}
        ${full ? field({ name: "body.en", label: t("console.field.bodyEn"), type: "textarea", rows: 4, maxlength: 10000 }) : ""}
      </fieldset>
      ${full ? html`<fieldset>
        <legend>${t("console.noticeNew.when")}</legend>
        ${field({ name: "valid_from", label: t("console.notice.validFrom"), hint: t("console.notice.validFromHint"), type: "datetime-local" })}
        ${field({ name: "valid_until", label: t("console.notice.validUntil"), hint: t("console.notice.validUntilHint"), type: "datetime-local" })}
        ${checkbox({ name: "pinned", label: t("console.notice.pinIt"), checked: emergency })}
      </fieldset>` : ""}
      <div class="form__actions">
        ${button(t(emergency ? "console.noticeNew.sendBroadcast" : "console.noticeNew.publish"), { type: "submit", kind: emergency ? "danger" : "primary" })}
        ${linkButton(t("action.cancel"), "#/console/notices", { kind: "quiet" })}
      </div>
    </form>`;
  },

  actions: {
    pickCategory(ctx, { value }) {
      ctx.update({ category: value });
    },
    ...scopeActions,
    async publish(ctx, { values }) {
      const body = {
        scope: scopeBody(values), category: values.category,
        title: { zh: values["title.zh"], ...(values["title.en"] ? { en: values["title.en"] } : {}) },
        body: { zh: values["body.zh"], ...(values["body.en"] ? { en: values["body.en"] } : {}) },
        pinned: values.pinned === "true",
      };
      if (values.severity) body.severity = values.severity;
      if (isoFromLocal(values.valid_from)) body.valid_from = isoFromLocal(values.valid_from);
      if (isoFromLocal(values.valid_until)) body.valid_until = isoFromLocal(values.valid_until);
      const n = await ctx.api.post("/v1/notices", body);
      ctx.toast(ctx.t(n.category === "emergency" ? "console.noticeNew.sent" : "console.noticeNew.published"), "ok");
      ctx.navigate(`/console/notices/${encodeURIComponent(n.notice_id)}`);
    },
  },
};
