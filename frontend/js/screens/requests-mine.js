// 我的报事: the requests filed by or for the resident's household, newest first, each with its
// state (words and colour) and whether it is on time. An unread emergency broadcast shows on top.
import { html, pageTitle, empty, linkButton, button } from "../templates.js";
import { formatDateTime } from "../i18n.js";
import { stateBadge, slaBadge, newestFirst } from "../requests-parts.js";
import { unreadEmergencies, emergencyBanner } from "../notices-parts.js";

const PAGE = 20;

function item(ctx, r) {
  const href = `#/requests/${encodeURIComponent(r.request_id)}`;
  return html`<li class="rq-item">
    <a class="rq-item__link" href="${href}">
      <span class="rq-item__head"><span class="rq-item__title">${ctx.loc(r.category_name)}</span> ${stateBadge(ctx, r.state)}</span>
      ${ctx.elder ? "" : html`<span class="rq-item__text">${r.description}</span>`}
      <span class="rq-item__meta">${ctx.t("requests.filedAt", { time: formatDateTime(r.created_at) })} · <span class="code">${r.request_id}</span></span>
    </a>
    ${slaBadge(ctx, r) ? html`<p class="rq-item__sla">${slaBadge(ctx, r)}</p>` : ""}
  </li>`;
}

export default {
  id: "requests-mine",
  path: "/requests",
  roles: ["resident"],
  nav: "requests.nav",
  navOrder: 10,
  title: "requests.title",

  async load(ctx) {
    const [page, emergencies] = await Promise.all([ctx.api.get("/v1/me/requests", { limit: PAGE }), unreadEmergencies(ctx)]);
    return { items: newestFirst(page.items), next: page.next_cursor, emergencies };
  },

  render(data, ctx) {
    const { t } = ctx;
    const newButton = linkButton(t("requests.new.action"), "#/requests/new", { icon: "check" });
    const list = data.items.length
      ? html`<ul class="rq-list">${data.items.map((r) => item(ctx, r))}</ul>
        ${data.next ? button(t("requests.more"), { action: "more" }) : ""}`
      : empty(t("requests.empty"), newButton);
    return html`${pageTitle(t("requests.title"), { speak: true, lead: t("requests.lead") })}
      ${emergencyBanner(ctx, data.emergencies)}
      ${data.items.length ? html`<div class="form__actions rq-actions">${newButton}</div>` : ""}
      ${list}`;
  },

  actions: {
    async more(ctx) {
      const page = await ctx.api.get("/v1/me/requests", { limit: PAGE, cursor: ctx.data.next });
      ctx.update({ items: newestFirst([...ctx.data.items, ...page.items]), next: page.next_cursor });
    },
  },
};
