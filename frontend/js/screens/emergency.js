// 紧急求助 (residents, both modes; the red entry in the header of every resident screen leads here):
// the numbers to call first, each a one-tap tel: link — 119, 110, 120, the city's gas line and, once
// the household is verified, the estate's 24-hour property line and the grid worker. The numbers come
// from the city's manifest through GET /v1/me/emergency-contacts.
import { html, pageTitle, icon, safeUrl } from "../templates.js";

const ICON = { fire: "alert", police: "shield", ambulance: "heart", gas: "alert", property: "house", grid_worker: "phone" };

function callLink(c, ctx) {
  const who = c.kind === "grid_worker" && c.name ? ctx.t("sos.gridWorker", { name: c.name }) : ctx.loc(c.label);
  return html`<li><a class="sos-call sos-call--${c.kind}" href="${safeUrl(`tel:${c.phone.replace(/[^0-9+]/g, "")}`)}"
      title="${ctx.t("sos.call", { phone: c.phone })}" data-kind="${c.kind}">
    ${icon(ICON[c.kind] || "phone")}<span class="sos-call__who">${who}</span><span class="sos-call__phone">${c.phone}</span>
  </a></li>`;
}

export default {
  id: "emergency",
  path: "/sos",
  roles: ["resident"],
  title: "sos.title",

  async load(ctx) {
    return ctx.api.get("/v1/me/emergency-contacts");
  },

  render(data, ctx) {
    const { t } = ctx;
    return html`${pageTitle(t("sos.title"), { speak: true, lead: t("sos.lead") })}
      <ul class="sos-list">${data.contacts.map((c) => callLink(c, ctx))}</ul>
      ${data.verified ? "" : html`<p class="sos-note" data-speak>${t("sos.notVerified")}</p>`}
      <p class="sos-note" data-speak>${t("sos.gas")}</p>
      <p>${t("sos.report")} <a href="#/requests/new">${t("sos.reportLink")}</a></p>`;
  },
};
