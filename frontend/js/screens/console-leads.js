// 群租线索 (staff, city admins): the community's 疑似群租 leads from the entrance controllers — open first —
// each with why (busy days, many cards, night entries) and its evidence as counts only: the week's entries day
// by day against the city's threshold, the household's cards in use, night entries. Open one to see its last
// weeks and history, then confirm it after a visit (day, people found, what was done) or dismiss it with a reason.
import { html, pageTitle, card, empty, button, field, formError, badge, timeline } from "../templates.js";
import { formatDate } from "../i18n.js";
import { myCommunities, chosenCommunity, communityPicker, qs, tabs } from "../console-parts.js";
import { refusal } from "../api.js";

const STATUSES = ["open", "confirmed", "dismissed", "all"];
const STATUS_KIND = { open: "danger", confirmed: "warn", dismissed: "neutral" };
const DISMISS = ["family", "caregiver", "cards_shared", "device_fault", "other"];
const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7];

function today() {
  const d = new Date();
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 10);
}

function reasonText(ctx, reason, week, th) {
  const { t } = ctx;
  if (reason === "busy_days") return t("leads.reason.busy_days", { days: week.busy_days, n: th.daily_entries });
  if (reason === "many_cards") return t("leads.reason.many_cards", { n: week.cards });
  return t("leads.reason.night_entries", { n: week.night_entries, hours: th.night });
}

/** "11/30": a week's Monday, short enough for a phone's table. */
function monthDay(iso) {
  const [, m, d] = String(iso).split("-").map(Number);
  return `${m}/${d}`;
}

function weekTable(ctx, weeks, th, caption) {
  const { t } = ctx;
  return html`<h3 class="ld-caption" id="ld-caption">${caption}</h3>
  <div class="ld-scroll" tabindex="0" role="region" aria-labelledby="ld-caption"><table class="ld-week" aria-labelledby="ld-caption">
    <thead><tr><th scope="col">${t("leads.week.of")}</th>${WEEKDAYS.map((d) => html`<th scope="col">${t(`leads.day.${d}`)}</th>`)}
      <th scope="col">${t("leads.week.cards")}</th><th scope="col">${t("leads.week.night")}</th></tr></thead>
    <tbody>${weeks.map((w) => html`<tr>
      <th scope="row"><time datetime="${w.week}">${monthDay(w.week)}</time></th>
      ${w.entries.map((n) => html`<td class="${n > th.daily_entries ? "ld-over" : ""}">${n}</td>`)}
      <td class="${w.cards > th.weekly_cards ? "ld-over" : ""}">${w.cards}</td>
      <td class="${w.night_entries > th.weekly_night_entries ? "ld-over" : ""}">${w.night_entries}</td>
    </tr>`)}</tbody>
  </table></div>
  <p class="ld-legend">${t("leads.week.legend", { n: th.daily_entries, cards: th.weekly_cards, night: th.weekly_night_entries })}</p>`;
}

function historyItems(ctx, lead) {
  const { t } = ctx;
  return lead.history.map((h) => {
    const why = (h.reasons || []).map((r) => t(`leads.reasonShort.${r}`)).join("、");
    const notes = [h.visited_on ? t("leads.history.visited", { date: formatDate(h.visited_on) }) : "",
      h.occupants ? t("leads.history.occupants", { n: h.occupants }) : "",
      h.dismiss_reason ? t(`leads.dismiss.reason.${h.dismiss_reason}`) : "", h.note || ""].filter(Boolean).join(" · ");
    return { when: h.at, kind: h.action === "confirmed" ? "danger" : h.action === "dismissed" ? "ok" : "warn",
             title: `${t(`leads.history.${h.action}`)}${h.by ? ` · ${h.by}` : ""}${why ? `（${why}）` : ""}`, note: notes };
  });
}

function decideForms(ctx, data) {
  const { t } = ctx;
  if (data.deciding === "confirm") {
    return html`<form class="form ld-decide" data-submit="confirm" novalidate>
      <h3>${t("leads.confirm.title")}</h3>
      ${field({ name: "visited_on", label: t("leads.confirm.on"), type: "date", value: today(), required: true })}
      ${field({ name: "occupants", label: t("leads.confirm.occupants"), type: "number", inputmode: "numeric", hint: t("leads.confirm.occupantsHint") })}
      ${field({ name: "note", label: t("leads.confirm.note"), type: "textarea", required: true, maxlength: 500, hint: t("leads.confirm.noteHint") })}
      ${formError()}
      <div class="form__actions">${button(t("leads.confirm.submit"), { type: "submit", kind: "primary" })}${button(t("action.cancel"), { action: "decide", data: { how: "" } })}</div>
    </form>`;
  }
  if (data.deciding === "dismiss") {
    return html`<form class="form ld-decide" data-submit="dismiss" novalidate>
      <h3>${t("leads.dismiss.title")}</h3>
      ${field({ name: "reason", label: t("leads.dismiss.reasonLabel"), required: true,
                options: DISMISS.map((r) => ({ value: r, label: t(`leads.dismiss.reason.${r}`) })) })}
      ${field({ name: "note", label: t("leads.dismiss.note"), type: "textarea", required: true, maxlength: 500 })}
      <p class="field__hint">${t("leads.dismiss.quiet", { days: data.page.thresholds.dismissed_quiet_days })}</p>
      ${formError()}
      <div class="form__actions">${button(t("leads.dismiss.submit"), { type: "submit", kind: "primary" })}${button(t("action.cancel"), { action: "decide", data: { how: "" } })}</div>
    </form>`;
  }
  return html`<div class="form__actions">
    ${button(t("leads.confirm.open"), { action: "decide", kind: "primary", data: { how: "confirm" } })}
    ${button(t("leads.dismiss.open"), { action: "decide", data: { how: "dismiss" } })}
  </div>`;
}

function leadRow(ctx, data, lead) {
  const { t } = ctx;
  const th = data.page.thresholds;
  const week = lead.weeks[0];
  const open = data.detail?.household_id === lead.household_id;
  return html`<li class="ld-row ld-row--${lead.status}" data-household="${lead.household_id}">
    <div class="ld-row__head">
      <p class="ld-row__name"><strong>${lead.household}</strong></p>
      <p>${badge(t(`leads.status.${lead.status}`), STATUS_KIND[lead.status])}</p>
    </div>
    <ul class="ld-reasons">${lead.reasons.map((r) => html`<li>${reasonText(ctx, r, week, th)}</li>`)}</ul>
    <p class="ld-row__meta">${t("leads.meta", { first: formatDate(lead.first_raised_at), week: formatDate(week.week), total: week.entries.reduce((a, b) => a + b, 0) })}</p>
    ${open ? html`<div class="ld-detail">
        ${weekTable(ctx, data.detail.recent, th, t("leads.recent"))}
        <h3>${t("leads.history.title")}</h3>
        ${timeline(historyItems(ctx, data.detail), t("leads.history.title"))}
        ${lead.status === "open" ? decideForms(ctx, data) : ""}
        <div class="form__actions">${button(t("leads.close"), { action: "close" })}</div>
      </div>`
      : html`<div class="form__actions">${button(lead.status === "open" ? t("leads.openDecide") : t("leads.openSee"),
          { action: "open", kind: lead.status === "open" ? "primary" : "secondary", data: { id: lead.household_id } })}</div>`}
  </li>`;
}

export default {
  id: "console-leads",
  path: "/console/leads",
  roles: ["staff", "city_admin"],
  nav: "leads.nav",
  navOrder: 26,
  title: "leads.title",

  async load(ctx) {
    const mine = await myCommunities(ctx);
    const community = chosenCommunity(ctx, mine);
    const status = STATUSES.includes(ctx.query.status) ? ctx.query.status : "open";
    if (!community) return { mine, community, status, page: null };
    const page = await ctx.api.get(`/v1/rental-leads${qs({ community_id: community, status })}`);
    return { mine, community, status, page, detail: null, deciding: "" };
  },

  render(data, ctx) {
    const { t } = ctx;
    const head = html`${pageTitle(t("leads.title"), { speak: true, lead: t("leads.lead") })}
      ${communityPicker(ctx, data.mine, data.community)}`;
    if (!data.page) return html`${head}${empty(t("leads.noCommunity"))}`;
    const { counts, items } = data.page;
    const href = (status) => `#/console/leads${qs({ community: data.community, status })}`;
    const nav = tabs(t("leads.tabs"), STATUSES.map((s) => ({ href: href(s), current: data.status === s,
      label: s === "all" ? t("leads.status.all") : `${t(`leads.status.${s}`)} ${counts[s]}` })));
    const summary = html`<p class="ld-summary" data-speak>${counts.open ? t("leads.summary", { n: counts.open }) : t("leads.summaryCalm")}</p>`;
    return html`${head}${summary}${nav}
      ${items.length ? card(html`<ol class="ld-list">${items.map((lead) => leadRow(ctx, data, lead))}</ol>`, { title: t("leads.list") })
        : empty(t(`leads.empty.${data.status}`))}
      <p class="ld-privacy">${t("leads.privacy")}</p>`;
  },

  actions: {
    pickCommunity(ctx, { value }) {
      ctx.navigate(`/console/leads${qs({ community: value, status: ctx.data.status })}`);
    },
    async open(ctx, { data }) {
      const detail = await ctx.api.get(`/v1/rental-leads/${encodeURIComponent(data.id)}`);
      ctx.update({ detail, deciding: "" });
      ctx.focus(`.ld-row[data-household="${data.id}"] .ld-detail button`);
    },
    close(ctx) {
      ctx.update({ detail: null, deciding: "" });
    },
    decide(ctx, { data }) {
      ctx.update({ deciding: data.how || "" });
      if (data.how) ctx.focus(".ld-decide input, .ld-decide select");
    },
    async confirm(ctx, { values }) {
      const body = { visited_on: values.visited_on, note: values.note };
      if (values.occupants) body.occupants = Number(values.occupants);
      await ctx.api.post(`/v1/rental-leads/${encodeURIComponent(ctx.data.detail.household_id)}/confirmation`, body)
        .catch((err) => { throw refusal(err, "_form", () => ctx.t("leads.refused.status")); });
      ctx.toast(ctx.t("leads.confirm.done"), "ok");
      ctx.reload();
    },
    async dismiss(ctx, { values }) {
      await ctx.api.post(`/v1/rental-leads/${encodeURIComponent(ctx.data.detail.household_id)}/dismissal`,
        { reason: values.reason, note: values.note })
        .catch((err) => { throw refusal(err, "_form", () => ctx.t("leads.refused.status")); });
      ctx.toast(ctx.t("leads.dismiss.done"), "ok");
      ctx.reload();
    },
  },
};
