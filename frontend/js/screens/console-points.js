// 积分兑换 (staff, city admins): find a household by its card or the phone it says, redeem its points for
// goods at the community's exchange (points, stock, ledger and receipt in one step; a printable receipt);
// the exchange's stock with goods received or written off and its latest receipts; and the month's sorted
// waste per community (kg by category, sorted share, points earned and redeemed) as a chart and a table.
import { html, pageTitle, card, empty, button, field, formError, facts } from "../templates.js";
import { formatDateTime } from "../i18n.js";
import { myCommunities, chosenCommunity, communityPicker, qs } from "../console-parts.js";
import { CATEGORIES, kg, categoryName, receiptView } from "../points-parts.js";
import { refusal } from "../api.js";
import { percent } from "../dashboard-parts.js";

const PHONE = /^1[3-9]\d{9}$/;
const EXCHANGE_TAG = "积分兑换";

/** The community's sorting service points, the exchange (tagged 积分兑换) first. */
async function stations(ctx, community) {
  if (!community) return [];
  const page = await ctx.api.get(`/v1/communities/${encodeURIComponent(community)}/services`,
    { category: "garbage_point", limit: 50 });
  const tagged = (p) => ((p.tags || []).includes(EXCHANGE_TAG) ? 0 : 1);
  return page.items.filter((p) => p.status === "active").sort((a, b) => tagged(a) - tagged(b));
}

function lookupForm(ctx, data) {
  const { t } = ctx;
  const h = data.household;
  return html`<form class="form pt-lookup" data-submit="lookup" novalidate>
      ${field({ name: "credential", label: t("points.lookup.title"), hint: `${t("points.cards.card")} / ${t("points.cards.phone")}`,
                required: true, pattern: "[0-9A-Za-z]{6,32}", maxlength: 32, autocomplete: "off", value: data.credential || "" })}
      ${formError()}
      <div class="form__actions">${button(t("points.lookup.submit"), { type: "submit", kind: "primary" })}</div>
    </form>
    ${h ? html`<p class="pt-found" data-household="${h.household_id}" role="status">${t("points.lookup.found", { household: h.household, n: h.balance })}</p>` : ""}`;
}

function redeemForm(ctx, data) {
  const { t } = ctx;
  if (!data.household) return "";
  if (!data.stock) return html`<p>${t("points.redeem.noStation")}</p>`;
  return html`<form class="form pt-redeem" data-submit="redeem" novalidate>
    <table class="pt-table">
      <caption>${t("points.redeem.title")} · ${ctx.loc(data.stock.service_point)}</caption>
      <thead><tr><th scope="col">${t("points.stock.goods")}</th><th scope="col">${t("points.stock.points")}</th>
        <th scope="col">${t("points.stock.quantity")}</th><th scope="col">${t("points.redeem.quantity")}</th></tr></thead>
      <tbody>${data.stock.items.map((g) => html`<tr>
        <th scope="row">${ctx.loc(g.name)}</th><td>${g.points}</td><td>${g.quantity}</td>
        <td><label class="sr-only" for="q-${g.goods_id}">${t("points.redeem.quantity")} · ${ctx.loc(g.name)}</label>
          <input class="pt-qty" id="q-${g.goods_id}" name="qty.${g.goods_id}" type="number" min="0" max="${g.quantity}" step="1"
            inputmode="numeric" value="0" data-keep="false"${g.quantity ? "" : html` disabled`}></td></tr>`)}</tbody>
    </table>
    <p class="field__error" data-error-for="items" role="alert"></p>
    <p class="field__error" data-error-for="points" role="alert"></p>
    ${formError()}
    <div class="form__actions">${button(t("points.redeem.submit"), { type: "submit", kind: "primary" })}</div>
  </form>`;
}

function stockCard(ctx, data) {
  const { t } = ctx;
  const picker = data.stations.length > 1 ? field({ name: "station", label: t("points.redeem.station"), value: data.station,
    change: "pickStation", options: data.stations.map((p) => ({ value: p.service_point_id, label: ctx.loc(p.name) })) }) : "";
  if (!data.stock) return card(html`<p>${t("points.redeem.noStation")}</p>`, { title: t("points.stock.title") });
  const s = data.stock;
  const receipts = s.receipts.length
    ? html`<ol class="pt-receipts">${s.receipts.map((r) => html`<li><span class="code">${r.receipt_no}</span> ·
        ${formatDateTime(r.at)} · ${r.household} · ${r.items.map((i) => `${ctx.loc(i.name)} ×${i.quantity}`).join("、")}
        · −${r.total}</li>`)}</ol>`
    : html`<p>${t("points.stock.noReceipts")}</p>`;
  return card(html`${picker}
    ${facts(s.items.map((g) => [ctx.loc(g.name), `${g.quantity}`]))}
    <form class="form pt-restock" data-submit="restock" novalidate>
      <h3>${t("points.stock.add")}</h3>
      ${field({ name: "goods_id", label: t("points.stock.goods"), required: true,
                options: s.items.map((g) => ({ value: g.goods_id, label: ctx.loc(g.name) })) })}
      ${field({ name: "add", label: t("points.redeem.quantity"), type: "number", required: true, inputmode: "numeric" })}
      ${formError()}
      <div class="form__actions">${button(t("points.stock.addSubmit"), { type: "submit" })}</div>
    </form>
    <h3>${t("points.stock.receipts")}</h3>${receipts}`, { title: `${t("points.stock.title")} · ${ctx.loc(s.service_point)}` });
}

function diversionCard(ctx, d) {
  const { t } = ctx;
  if (!d || !d.communities.length) return card(empty(t("points.diversion.empty")), { title: t("points.diversion.title") });
  const rows = [...d.communities, d.totals];
  return card(html`<p class="lead">${t("points.diversion.lead")}</p>
    <div class="pt-chart" data-widget="diversion" role="img" aria-label="${t("points.diversion.chart")}"></div>
    <div class="table-scroll" tabindex="0"><table class="pt-table" data-diversion>
      <caption>${t("points.diversion.title")}</caption>
      <thead><tr><th scope="col">${t("points.diversion.community")}</th>
        ${CATEGORIES.map((c) => html`<th scope="col">${categoryName(ctx, c)}</th>`)}
        <th scope="col">${t("points.diversion.total")}</th><th scope="col">${t("points.diversion.share")}</th>
        <th scope="col">${t("points.diversion.deposits")}</th><th scope="col">${t("points.diversion.unmatched")}</th>
        <th scope="col">${t("points.diversion.points")}</th><th scope="col">${t("points.diversion.redeemed")}</th></tr></thead>
      <tbody>${rows.map((r) => html`<tr data-community="${r.community_id}">
        <th scope="row">${r.name ? ctx.loc(r.name) : r.community_id}</th>
        ${CATEGORIES.map((c) => html`<td>${kg(ctx, r.kg[c])}</td>`)}
        <td>${kg(ctx, r.total_kg)}</td><td>${percent(ctx, r.sorted_share)}</td><td>${r.deposits}</td>
        <td>${r.unmatched}</td><td>${r.points}</td><td>${r.redeemed}</td></tr>`)}</tbody>
    </table></div>`, { title: t("points.diversion.title") });
}

export default {
  id: "console-points",
  path: "/console/points",
  roles: ["staff", "city_admin"],
  nav: "points.console.nav",
  navOrder: 55,
  title: "points.console.title",

  async load(ctx) {
    const mine = await myCommunities(ctx);
    const community = chosenCommunity(ctx, mine);
    const [list, diversion] = await Promise.all([stations(ctx, community), ctx.api.get("/v1/points/diversion")]);
    const station = list.some((p) => p.service_point_id === ctx.query.station) ? ctx.query.station : list[0]?.service_point_id || "";
    const stock = station ? await ctx.api.get(`/v1/points/stations/${encodeURIComponent(station)}/stock`) : null;
    return { mine, community, stations: list, station, stock, diversion, household: null, receipt: null, credential: "" };
  },

  render(data, ctx) {
    const { t } = ctx;
    return html`${pageTitle(t("points.console.title"), { speak: true, lead: t("points.console.lead") })}
      ${communityPicker(ctx, data.mine, data.community)}
      <div class="pt-grid">
        <div>
          ${card(html`${lookupForm(ctx, data)}${redeemForm(ctx, data)}`, { title: t("points.redeem.title") })}
          ${data.receipt ? card(html`${receiptView(ctx, data.receipt)}
            <div class="form__actions">${button(t("points.receipt.print"), { action: "print" })}</div>`,
            { title: t("points.receipt.title"), kind: "receipt" }) : ""}
        </div>
        <div>${stockCard(ctx, data)}</div>
      </div>
      ${ctx.elder ? "" : diversionCard(ctx, data.diversion)}`;
  },

  widgets: {
    async diversion(el, data, ctx) {
      const echarts = await ctx.loadScript("vendor/echarts.min.js", "echarts");
      const chart = echarts.init(el);
      const rows = data.diversion.communities;
      const colours = { recyclable: "#0b4a7d", food: "#1e6b34", hazardous: "#a11d1d", residual: "#5b5b5b" };
      chart.setOption({
        animation: false,
        grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
        legend: { top: 0 },
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        xAxis: { type: "value", name: "kg" },
        yAxis: { type: "category", data: rows.map((r) => (r.name ? ctx.loc(r.name) : r.community_id)) },
        series: CATEGORIES.map((c) => ({ name: categoryName(ctx, c), type: "bar", stack: "kg",
          itemStyle: { color: colours[c] }, data: rows.map((r) => r.kg[c]) })),
      });
      const resize = () => chart.resize();
      window.addEventListener("resize", resize);
      return () => { window.removeEventListener("resize", resize); chart.dispose(); };
    },
  },

  actions: {
    pickCommunity(ctx, { value }) {
      ctx.navigate(`/console/points${qs({ community: value })}`);
    },
    pickStation(ctx, { value }) {
      ctx.navigate(`/console/points${qs({ community: ctx.data.community, station: value })}`);
    },
    async lookup(ctx, { values }) {
      const value = (values.credential || "").trim();
      const household = await ctx.api.post("/v1/points/lookup", PHONE.test(value) ? { phone: value } : { card: value });
      ctx.update({ household, receipt: null, credential: value });
    },
    async redeem(ctx, { values }) {
      const items = Object.entries(values)
        .filter(([k, v]) => k.startsWith("qty.") && Number(v) > 0)
        .map(([k, v]) => ({ goods_id: k.slice(4), quantity: Number(v) }));
      if (!items.length) {
        ctx.toast(ctx.t("points.redeem.nothing"), "error");
        return;
      }
      const receipt = await ctx.api.post("/v1/points/redemptions", {
        service_point_id: ctx.data.station, household_id: ctx.data.household.household_id, items,
      }).catch((err) => {
        throw refusal(err, "items", (field) => {
          const line = /^items\.(\d+)\./.exec(field);
          const goods = line && ctx.data.stock.items.find((g) => g.goods_id === items[Number(line[1])]?.goods_id);
          if (goods) return ctx.t("points.redeem.outOfStock", { goods: ctx.loc(goods.name), n: goods.quantity });
          const total = items.reduce((sum, i) => sum + i.quantity * (ctx.data.stock.items.find((g) => g.goods_id === i.goods_id)?.points || 0), 0);
          return ctx.t("points.redeem.short", { n: total, balance: ctx.data.household.balance });
        });
      });
      const stock = await ctx.api.get(`/v1/points/stations/${encodeURIComponent(ctx.data.station)}/stock`);
      ctx.update({ receipt, stock, household: { ...ctx.data.household, balance: receipt.balance_after } });
      ctx.toast(ctx.t("points.redeem.done", { no: receipt.receipt_no }), "ok");
    },
    async restock(ctx, { values }) {
      const add = Number(values.add);
      const stock = await ctx.api.post(`/v1/points/stations/${encodeURIComponent(ctx.data.station)}/stock`,
        { goods_id: values.goods_id, add }).catch((err) => { throw refusal(err, "add", () => ctx.t("points.stock.tooFew")); });
      const goods = stock.items.find((g) => g.goods_id === values.goods_id);
      ctx.update({ stock });
      ctx.toast(ctx.t("points.stock.added", { goods: goods ? ctx.loc(goods.name) : values.goods_id, n: add }), "ok");
    },
    print() {
      window.print();
    },
  },
};
