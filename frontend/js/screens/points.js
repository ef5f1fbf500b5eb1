// 垃圾分类积分 (residents): the household's points — balance, today against the daily cap, this month's
// kilograms by category, the history (load more), the building's ranking this month (unit and floor only),
// the cards and phone numbers that earn them (bind, unbind), what points buy and how they are counted.
// Elder mode: the balance in a sentence, today's points, the latest drops — read aloud.
import { html, pageTitle, card, empty, button, field, formError, facts } from "../templates.js";
import { formatDateTime } from "../i18n.js";
import { CATEGORIES, kg, categoryName, categoryTag, entry } from "../points-parts.js";
import { refusal } from "../api.js";

const BASE = "/v1/me/points";
const PAGE = 20;

function today(ctx, s) {
  const { points, cap } = s.today;
  return points >= cap && cap > 0 ? ctx.t("points.todayFull", { cap }) : ctx.t("points.today", { n: points, cap });
}

function balanceCard(ctx, s) {
  const { t } = ctx;
  return html`<section class="pt-balance" aria-labelledby="pt-balance-label" data-speak>
    <p id="pt-balance-label" class="pt-balance__label">${t("points.balance")}</p>
    <p class="pt-balance__value" data-balance>${s.balance}</p>
    <p class="${ctx.elder ? "pt-balance__sentence" : "sr-only"}">${t("points.balanceSentence", { n: s.balance })}</p>
    <p class="pt-balance__today">${today(ctx, s)}</p>
    ${ctx.elder ? "" : html`<p class="pt-balance__more">${s.household} · ${t("points.earnedRedeemed", { earned: s.earned, redeemed: s.redeemed })}</p>`}
  </section>`;
}

function monthCard(ctx, s) {
  const { t } = ctx;
  const [y, m] = s.month.month.split("-");
  const label = new Intl.DateTimeFormat(ctx.lang, { year: "numeric", month: "long" }).format(new Date(Number(y), Number(m) - 1, 1));
  return card(html`<p class="pt-month__points">${t("points.monthPoints", { n: s.month.points })}</p>
    <ul class="pt-kg">${CATEGORIES.map((c) => html`<li class="pt-kg__item pt-kg__item--${c}">
      ${categoryTag(ctx, c)}<span class="pt-kg__value">${t("points.kg", { kg: kg(ctx, s.month.kg[c]) })}</span></li>`)}</ul>`,
  { title: t("points.month", { month: label }) });
}

function ledgerCard(ctx, data) {
  const { t } = ctx;
  const items = data.ledger;
  const list = items.length
    ? html`<ol class="pt-ledger" data-ledger>${items.map((e) => entry(ctx, e))}</ol>`
    : empty(t("points.ledger.empty"));
  const more = data.next ? html`<div class="form__actions">${button(t("points.ledger.more"), { action: "more" })}</div>` : "";
  return card(html`${list}${more}`, { title: t("points.ledger") });
}

function rankingCard(ctx, r) {
  const { t } = ctx;
  if (!r.top.length) return card(empty(t("points.ranking.empty")), { title: t("points.ranking") });
  const building = r.building ? ctx.loc(r.building) : r.building_id;
  return card(html`<p class="lead">${t("points.ranking.lead", { building, n: r.households })}</p>
    <p data-speak>${r.my_rank ? t("points.ranking.mine", { rank: r.my_rank }) : t("points.ranking.none")}</p>
    <table class="pt-table">
      <caption class="sr-only">${t("points.ranking")}</caption>
      <thead><tr><th scope="col">${t("points.ranking.rank")}</th><th scope="col">${t("points.ranking.household")}</th>
        <th scope="col">${t("points.ranking.points")}</th></tr></thead>
      <tbody>${r.top.map((row) => html`<tr class="${row.mine ? "pt-mine" : ""}">
        <td>${row.rank}</td><th scope="row">${row.household}${row.mine ? html` <span class="badge badge--info">${t("points.ranking.me")}</span>` : ""}</th>
        <td>${row.points}</td></tr>`)}</tbody>
    </table>`, { title: t("points.ranking") });
}

function cardsCard(ctx, data) {
  const { t } = ctx;
  const s = data.summary;
  const list = s.credentials.length
    ? html`<ul class="pt-creds">${s.credentials.map((c) => html`<li class="pt-cred">
        <span><strong>${t(`points.cards.${c.kind}`)}</strong> <span class="code">${c.masked}</span>
        <span class="muted">${t("points.cards.boundAt", { when: formatDateTime(c.bound_at) })}</span></span>
        ${data.confirming === c.credential_id
          ? html`<span class="pt-confirm" role="group" aria-label="${t("points.cards.confirm")}">
              <span>${t("points.cards.confirm")}</span>
              ${button(t("points.cards.unbindYes"), { action: "unbind", kind: "danger", data: { id: c.credential_id } })}
              ${button(t("points.cards.keep"), { action: "keep" })}</span>`
          : button(t("points.cards.unbind"), { action: "askUnbind", data: { id: c.credential_id } })}</li>`)}</ul>`
    : html`<p>${t("points.cards.none")}</p>`;
  if (ctx.elder) return card(list, { title: t("points.cards") });
  const kind = data.bindKind;
  return card(html`<p class="lead">${t("points.cards.lead")}</p>${list}
    <form class="form pt-bind" data-submit="bind" novalidate>
      <h3>${t("points.bind.title")}</h3>
      ${field({ name: "kind", label: t("points.bind.kind"), value: kind, change: "pickKind",
                options: [{ value: "card", label: t("points.bind.kindCard") }, { value: "phone", label: t("points.bind.kindPhone") }] })}
      ${kind === "phone"
        ? field({ name: "phone", label: t("points.cards.phone"), type: "tel", required: true, inputmode: "numeric",
                  pattern: "1[3-9][0-9]{9}", maxlength: 11, autocomplete: "tel" })
        : field({ name: "card", label: t("points.cards.card"), required: true, pattern: "[0-9A-Za-z]{6,32}", maxlength: 32,
                  autocomplete: "off" })}
      ${formError()}
      <div class="form__actions">${button(t("points.bind.submit"), { type: "submit", kind: "primary" })}</div>
    </form>`, { title: t("points.cards") });
}

function goodsCard(ctx, s) {
  const { t } = ctx;
  const rules = s.rules.map((r) => r.points_per_kg > 0
    ? t("points.rules.row", { category: categoryName(ctx, r.category), n: r.points_per_kg, min: r.min_weight_kg })
    : t("points.rules.zero", { category: categoryName(ctx, r.category) }));
  return html`${card(html`<p class="lead">${t("points.goods.lead")}</p>
      ${facts(s.goods.map((g) => [ctx.loc(g.name), t("points.goods.points", { n: g.points })]))}`, { title: t("points.goods") })}
    ${card(html`<ul class="pt-rules">${rules.map((r) => html`<li>${r}</li>`)}</ul>
      <p>${t("points.rules.cap", { cap: s.today.cap })}</p>`, { title: t("points.rules") })}`;
}

export default {
  id: "points",
  path: "/points",
  roles: ["resident"],
  nav: "points.nav",
  navOrder: 45,
  title: "points.title",

  async load(ctx) {
    try {
      const summary = await ctx.api.get(BASE);
      return { summary, ledger: summary.ledger.items, next: summary.ledger.next_cursor, bindKind: "card" };
    } catch (err) {
      if (err.field === "registration") return { unverified: true }; // not registered, or not verified yet
      throw err;
    }
  },

  render(data, ctx) {
    const { t } = ctx;
    const s = data.summary;
    const head = pageTitle(t("points.title"), { speak: true, lead: t("points.lead") });
    if (data.unverified) {
      return html`${head}${empty(t("points.notVerified"), html`<a class="btn btn--primary" href="#/home">${t("nav.home")}</a>`)}`;
    }
    if (ctx.elder) {
      const recent = { ...data, ledger: data.ledger.slice(0, 5), next: null };
      return html`${head}${balanceCard(ctx, s)}${ledgerCard(ctx, recent)}${cardsCard(ctx, data)}`;
    }
    return html`${head}
      <div class="pt-grid">
        <div>${balanceCard(ctx, s)}${monthCard(ctx, s)}${rankingCard(ctx, s.ranking)}</div>
        <div>${ledgerCard(ctx, data)}${cardsCard(ctx, data)}${goodsCard(ctx, s)}</div>
      </div>`;
  },

  actions: {
    async more(ctx) {
      const page = await ctx.api.get(`${BASE}/ledger`, { limit: PAGE, cursor: ctx.data.next });
      ctx.update({ ledger: [...ctx.data.ledger, ...page.items], next: page.next_cursor });
    },
    pickKind(ctx, { value }) {
      ctx.update({ bindKind: value === "phone" ? "phone" : "card" });
    },
    async bind(ctx, { values }) {
      const body = ctx.data.bindKind === "phone" ? { phone: values.phone } : { card: values.card };
      const bound = await ctx.api.post(`${BASE}/cards`, body)
        .catch((err) => { throw refusal(err, "_form", () => ctx.t("points.bind.taken")); });
      ctx.toast(ctx.t("points.bind.done", { masked: bound.masked }), "ok");
      ctx.reload();
    },
    askUnbind(ctx, { data }) {
      ctx.update({ confirming: data.id });
    },
    keep(ctx) {
      ctx.update({ confirming: null });
    },
    async unbind(ctx, { data }) {
      const summary = await ctx.api.del(`${BASE}/cards/${encodeURIComponent(data.id)}`);
      ctx.update({ summary, confirming: null });
      ctx.toast(ctx.t("points.cards.unbound"), "ok");
    },
  },
};
