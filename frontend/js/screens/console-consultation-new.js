// Open a consultation (议事协商 / 业主投票): place, title, question, options, an optional proposal
// phase and the voting window, who votes (per household or person, owners only), the turnout a
// valid result needs, and whether residents see the counts while voting runs.
import { html, pageTitle, field, formError, button, linkButton } from "../templates.js";
import { scopePlaces, scopeFields, scopeActions, scopeBody, checkbox, isoFromLocal, localValue } from "../console-parts.js";

function lines(text) {
  return String(text || "").split(/\r?\n/).map((s) => s.trim()).filter(Boolean);
}

export default {
  id: "console-consultation-new",
  path: "/console/consultations/new",
  roles: ["staff", "city_admin"],
  title: "console.consNew.title",

  async load(ctx) {
    const places = await scopePlaces(ctx);
    const now = new Date();
    now.setSeconds(0, 0);
    return { places, scope_level: "", scope_id: "",
             voting_open: localValue(now), voting_close: localValue(new Date(now.getTime() + 7 * 86400000)) };
  },

  render(data, ctx) {
    const { t } = ctx;
    const full = !ctx.elder; // elder mode: the essentials only; the rest keeps its defaults
    return html`${pageTitle(t("console.consNew.title"), { speak: true, lead: t("console.consNew.lead") })}
    <form class="form card" data-submit="open" novalidate>
      ${formError()}
      ${scopeFields(ctx, data.places, data)}
      <fieldset>
        <legend>${t("console.consNew.what")}</legend>
        ${field({ name: "title.zh", label: t("console.field.titleZh"), required: true, maxlength: 80 })}
        ${full ? field({ name: "title.en", label: t("console.field.titleEn"), hint: t("console.field.enSameHint"), maxlength: 120 }) : ""}
        ${field({ name: "question.zh", label: t("console.cons.questionZh"), type: "textarea", required: true, maxlength: 500 })}
        ${full ? field({ name: "question.en", label: t("console.cons.questionEn"), hint: t("console.field.enSameHint"), type: "textarea", maxlength: 800 }) : ""}
        ${field({ name: "options", label: t("console.cons.optionsZh"), hint: t("console.cons.optionsHint"), type: "textarea", rows: 4, required: true })}
        ${full ? field({ name: "options_en", label: t("console.cons.optionsEn"), hint: t("console.cons.optionsEnHint"), type: "textarea", rows: 4 }) : ""}
      </fieldset>
      <fieldset>
        <legend>${t("console.consNew.when")}</legend>
        ${full ? field({ name: "proposals_open", label: t("console.cons.proposalsOpen"), hint: t("console.cons.proposalsHint"), type: "datetime-local" }) : ""}
        ${full ? field({ name: "proposals_close", label: t("console.cons.proposalsClose"), type: "datetime-local" }) : ""}
        ${field({ name: "voting_open", label: t("console.cons.votingOpen"), type: "datetime-local", required: true, value: data.voting_open })}
        ${field({ name: "voting_close", label: t("console.cons.votingClose"), type: "datetime-local", required: true, value: data.voting_close })}
      </fieldset>
      <fieldset>
        <legend>${t("console.consNew.who")}</legend>
        ${field({ name: "eligibility.per", label: t("console.cons.per"), required: true, value: "household",
                  options: ["household", "person"].map((p) => ({ value: p, label: t(`console.cons.per.${p}`) })) })}
        ${checkbox({ name: "eligibility.owners_only", label: t("console.cons.ownersOnlyLabel") })}
        ${full ? field({ name: "min_turnout", label: t("console.cons.minTurnout"), hint: t("console.cons.minTurnoutHint"), type: "number",
                         inputmode: "numeric", value: "0" }) : ""}
        ${full ? field({ name: "results", label: t("console.cons.results"), required: true, value: "after_close",
                         options: ["after_close", "live"].map((r) => ({ value: r, label: t(`console.cons.resultsWhen.${r}`) })) }) : ""}
        ${full ? checkbox({ name: "allow_change", label: t("console.cons.allowChange") }) : ""}
      </fieldset>
      <div class="form__actions">
        ${button(t("console.consNew.submit"), { type: "submit", kind: "primary" })}
        ${linkButton(t("action.cancel"), "#/console/consultations", { kind: "quiet" })}
      </div>
    </form>`;
  },

  actions: {
    ...scopeActions,
    async open(ctx, { values }) {
      const zh = lines(values.options);
      const en = lines(values.options_en);
      const body = {
        scope: scopeBody(values),
        title: { zh: values["title.zh"], en: values["title.en"] || values["title.zh"] },
        question: { zh: values["question.zh"], en: values["question.en"] || values["question.zh"] },
        options: zh.map((label, i) => ({ id: `option-${i + 1}`, label: { zh: label, en: en[i] || label } })),
        voting_open: isoFromLocal(values.voting_open),
        voting_close: isoFromLocal(values.voting_close),
        eligibility: { per: values["eligibility.per"], owners_only: values["eligibility.owners_only"] === "true" },
        allow_change: values.allow_change === "true",
        min_turnout: Math.min(100, Math.max(0, Number(values.min_turnout) || 0)) / 100,
        results: values.results || "after_close",
      };
      if (values.proposals_open || values.proposals_close) {
        body.proposals_open = isoFromLocal(values.proposals_open);
        body.proposals_close = isoFromLocal(values.proposals_close);
      }
      const c = await ctx.api.post("/v1/consultations", body);
      ctx.toast(ctx.t("console.consNew.opened"), "ok");
      ctx.navigate(`/console/consultations/${encodeURIComponent(c.consultation_id)}`);
    },
  },
};
