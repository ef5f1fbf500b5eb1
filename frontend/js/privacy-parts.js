// Personal data under audit, as screens share it: staff reveal a resident's full name or phone
// for a reason (the API logs each reveal before answering), and the value shows only in this
// page's memory, with a call button for a phone number.
import { html, button, field, formError, linkButton } from "./templates.js";

export const REASONS = ["call_back", "verify_registration", "emergency"];

/** The reveal buttons, the reason form when one was pressed, and what was revealed, for one resident. */
export function revealControls(ctx, data, residentId, { reason = "call_back" } = {}) {
  const { t } = ctx;
  const shown = data.revealed?.[residentId] || {};
  const open = data.revealing?.id === residentId ? data.revealing.field : "";
  const label = (f) => t(`privacy.field.${f}`);
  const values = ["name", "phone"].filter((f) => shown[f]).map((f) => html`<p class="reveal__value" data-speak>
      ${t("privacy.reveal.shown", { field: label(f), value: shown[f] })}
      ${f === "phone" ? linkButton(t("privacy.reveal.call", { value: shown.phone }), `tel:${shown.phone}`, { kind: "secondary" }) : ""}
    </p>`);
  const form = open ? html`<form class="form form--inline reveal__form" data-submit="reveal" data-id="${residentId}" data-field="${open}" novalidate>
      <p class="field__hint"><strong>${t("privacy.reveal.title", { field: label(open) })}</strong> ${t("privacy.reveal.hint")}</p>
      ${formError()}
      ${field({ name: "reveal_reason", label: t("field.reveal_reason.label"), value: reason, required: true,
                options: REASONS.map((r) => ({ value: r, label: t(`privacy.reason.${r}`) })) })}
      ${field({ name: "reveal_note", label: t("field.reveal_note.label"), hint: t("field.reveal_note.hint"), maxlength: 200 })}
      <div class="form__actions">
        ${button(t("privacy.reveal.submit"), { type: "submit", kind: "primary" })}
        ${button(t("action.cancel"), { action: "cancelReveal", kind: "quiet" })}
      </div>
    </form>` : "";
  const buttons = ["phone", "name"].filter((f) => !shown[f] && f !== open)
    .map((f) => button(t(`privacy.reveal.${f}`), { action: "startReveal", kind: "quiet", icon: "eye", data: { id: residentId, field: f } }));
  return html`<div class="reveal">${values}
    ${shown.left != null ? html`<p class="field__hint">${t("privacy.reveal.logged", { n: shown.left })}</p>` : ""}
    ${form}${buttons.length ? html`<div class="form__actions">${buttons}</div>` : ""}</div>`;
}

/** The actions a screen using revealControls adds to its own. */
export const revealActions = {
  startReveal(ctx, { data }) {
    ctx.update({ revealing: { id: data.id, field: data.field } });
    ctx.focus("#f-reveal_reason");
  },
  cancelReveal(ctx) {
    ctx.update({ revealing: null });
  },
  async reveal(ctx, { data, values }) {
    const out = await ctx.api.post(`/v1/residents/${encodeURIComponent(data.id)}/reveal`, {
      field: data.field, reason: values.reveal_reason, note: values.reveal_note || undefined });
    const revealed = { ...(ctx.data.revealed || {}) };
    revealed[data.id] = { ...(revealed[data.id] || {}), [out.field]: out.value, left: out.left_today };
    ctx.update({ revealed, revealing: null });
    ctx.focus(".reveal__value");
  },
};
