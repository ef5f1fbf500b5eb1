// What the sorting-points screens share: categories in words and colours (always with their name),
// kilograms, a ledger entry in one line, the receipt, a refusal in the user's words.
import { html, badge, facts } from "./templates.js";
import { formatDateTime } from "./i18n.js";

export const CATEGORIES = ["recyclable", "food", "hazardous", "residual"];

export function kg(ctx, value) {
  const n = Number(value || 0);
  return new Intl.NumberFormat(ctx.lang, { maximumFractionDigits: n < 10 ? 2 : 1 }).format(n);
}

export function categoryName(ctx, category) {
  return ctx.t(`points.category.${category}`);
}

/** A category's name on its colour (GB/T 19095: blue, green, red, grey). */
export function categoryTag(ctx, category) {
  return html`<span class="pt-cat pt-cat--${category}">${categoryName(ctx, category)}</span>`;
}

function itemsText(ctx, items) {
  return (items || []).map((i) => `${ctx.loc(i.name)} ×${i.quantity}`).join("、");
}

/** One ledger entry: what, when, where, the points (signed) and, when it earned none, why. */
export function entry(ctx, e) {
  const { t } = ctx;
  const what = e.kind === "deposit"
    ? t("points.kg", { kg: kg(ctx, e.weight_kg) })
    : t("points.entry.redemption", { items: itemsText(ctx, e.items) });
  const signed = e.points > 0 ? `+${e.points}` : String(e.points);
  const kind = e.points > 0 ? "ok" : e.points < 0 ? "info" : "neutral";
  const place = e.kind === "redemption" ? (e.service_point ? ctx.loc(e.service_point) : "") : e.spot || "";
  return html`<li class="pt-entry pt-entry--${e.kind}">
    <p class="pt-entry__what">${e.kind === "deposit" ? categoryTag(ctx, e.category) : ""}<span>${what}</span></p>
    <p class="pt-entry__when"><time datetime="${e.at}">${formatDateTime(e.at)}</time>${place ? html` · ${place}` : ""}</p>
    <p class="pt-entry__points"><span class="pt-points pt-points--${kind}">${signed}</span>
      ${e.note === "credited" || e.note === "redeemed" ? "" : badge(t(`points.note.${e.note}`), "warn")}</p>
  </li>`;
}

export function receiptView(ctx, r) {
  const { t } = ctx;
  return html`<div class="pt-receipt" data-receipt="${r.receipt_no}">
    ${facts([
      [t("points.receipt.no"), html`<span class="code">${r.receipt_no}</span>`],
      [t("points.receipt.at"), formatDateTime(r.at)],
      [t("points.receipt.household"), r.household],
      [t("points.receipt.station"), ctx.loc(r.service_point)],
      [t("points.receipt.items"), itemsText(ctx, r.items)],
      [t("points.receipt.total"), String(r.total)],
      [t("points.receipt.after"), String(r.balance_after)],
      [t("points.receipt.by"), r.by],
    ])}
  </div>`;
}
