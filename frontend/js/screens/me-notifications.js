// 提醒设置 (residents, staff, city admins): whether alerts reach me by SMS and by phone call, and
// quiet hours in which ordinary alerts send no SMS (critical ones always do). Every alert is also in
// the system whatever is set here. Elder mode: the same three switches in plain words, drawn big.
// Below, 推送通知: turn alert pushes on for this device (permission, the browser's push service, the
// API) and see or remove the other devices that receive them.
import { html, pageTitle, field, formError, button, card, toggle } from "../templates.js";
import { audience } from "../state.js";
import { permission, thisDevice, subscribeHere, unsubscribeHere, deviceList, deviceLabel } from "../push-parts.js";

const BASE = "/v1/me/notification-settings";
const DEFAULT_QUIET = { start: "22:00", end: "07:00" };

function body(values) {
  const quiet = values.quiet === "true";
  return {
    sms: values.sms === "true",
    voice: values.voice === "true",
    push: values.push === "true",
    quiet_hours: quiet ? { start: values["quiet_hours.start"], end: values["quiet_hours.end"] } : null,
  };
}

/** 推送通知: this device's state in words and its one action, then every device that receives pushes. */
function pushCard(data, ctx) {
  const { t } = ctx;
  let state;
  if (!data.key) state = html`<p data-push-state="off">${t("push.notSetUp")}</p>`;
  else if (data.permission === "unsupported") state = html`<p data-push-state="unsupported">${t("push.unsupported")}</p>`;
  else if (data.here) state = html`<p class="push-here" data-push-state="on">${t("push.isOn")}</p>`;
  else if (data.permission === "denied" || data.refused === "denied") {
    state = html`<p data-push-state="denied" role="status">${t("push.denied")}</p>`;
  } else {
    state = html`<p data-push-state="ready">${t("push.offHereLead")}</p>
      ${data.refused ? html`<p class="field__error" role="alert">${t(`push.refused.${data.refused}`)}</p>` : ""}
      <div class="form__actions">${data.busy ? html`<p role="status">${t("push.asking")}</p>`
        : button(t("push.turnOn"), { action: "pushOn", kind: "primary", icon: "bell", data: { key: data.key } })}</div>`;
  }
  return card(html`<div class="push-card" data-speak>${state}</div>
    <h3 class="push-card__devices">${t("push.devices")}</h3>
    ${deviceList(ctx, data.devices, data.here)}`, { title: t("push.title") });
}

export default {
  id: "me-notifications",
  path: "/me/notifications",
  roles: ["resident"], // routes.js adds the console's entry (staff, city admins) with a nav label
  title: "notify.settings.title",

  async load(ctx) {
    const [settings, key, devices] = await Promise.all([
      ctx.api.get(BASE), ctx.api.get("/v1/push/key"), ctx.api.get("/v1/me/push-subscriptions")]);
    const here = await thisDevice(devices.items);
    return { settings, quietOn: Boolean(settings.quiet_hours), key: key.public_key, devices: devices.items,
             here: here.id, permission: permission(), refused: null, busy: false };
  },

  render(data, ctx) {
    const { t } = ctx;
    const s = data.settings;
    const quiet = s.quiet_hours || DEFAULT_QUIET;
    const who = audience(ctx.session) === "console" ? "staff" : "resident";
    return html`${pageTitle(t("notify.settings.title"), { speak: true, lead: t(`notify.settings.lead.${who}`) })}
      <form class="form card nt-settings" data-submit="save" novalidate>
        ${formError()}
        ${toggle({ name: "sms", label: t("notify.settings.sms"), hint: t("notify.settings.smsHint"), checked: s.sms })}
        ${toggle({ name: "voice", label: t("notify.settings.voice"), hint: t("notify.settings.voiceHint"), checked: s.voice })}
        ${toggle({ name: "push", label: t("notify.settings.push"), hint: t("notify.settings.pushHint"), checked: s.push })}
        ${toggle({ name: "quiet", label: t("notify.settings.quiet"), hint: t("notify.settings.quietHint"),
                   checked: data.quietOn, change: "toggleQuiet" })}
        ${data.quietOn ? html`<fieldset class="nt-quiet">
          <legend>${t("notify.settings.quietWhen")}</legend>
          <div class="nt-quiet__times">
            ${field({ name: "quiet_hours.start", label: t("notify.settings.start"), type: "time", required: true,
                      value: quiet.start })}
            ${field({ name: "quiet_hours.end", label: t("notify.settings.end"), type: "time", required: true,
                      value: quiet.end })}
          </div>
          <p class="field__hint">${t("notify.settings.overnight")}</p>
        </fieldset>` : ""}
        <p class="nt-always" data-speak>${t("notify.settings.always")}</p>
        <div class="form__actions">${button(t("notify.settings.save"), { type: "submit", kind: "primary" })}</div>
      </form>
      ${pushCard(data, ctx)}
      <p><a href="${who === "staff" ? "#/home" : "#/safety"}">${t(`notify.settings.back.${who}`)}</a></p>`;
  },

  actions: {
    async pushOn(ctx, { data }) {
      ctx.update({ busy: true, refused: null });
      try {
        const got = await subscribeHere(ctx.api, data.key, deviceLabel(ctx.t));
        if (got.refused) {
          ctx.update({ busy: false, refused: got.refused, permission: permission() });
          return;
        }
        const devices = (await ctx.api.get("/v1/me/push-subscriptions")).items;
        ctx.update({ busy: false, devices, here: got.id, permission: permission() });
        ctx.toast(ctx.t("push.onDone"), "ok");
      } catch (err) {
        ctx.update({ busy: false });
        throw err;
      }
    },
    async pushOff(ctx, { data }) {
      const left = await unsubscribeHere(ctx.api, data.id);
      ctx.update({ devices: left.items, here: null });
      ctx.toast(ctx.t("push.offDone"), "ok");
    },
    async pushRemove(ctx, { data }) {
      const left = await ctx.api.del(`/v1/me/push-subscriptions/${encodeURIComponent(data.id)}`);
      ctx.update({ devices: left.items });
      ctx.toast(ctx.t("push.removed"), "ok");
    },
    toggleQuiet(ctx, { values }) {
      ctx.update({ quietOn: values.quiet === "true" });
      ctx.focus("#f-quiet");
    },
    async save(ctx, { values }) {
      const settings = await ctx.api.put(BASE, body(values));
      ctx.update({ settings, quietOn: Boolean(settings.quiet_hours) });
      ctx.toast(ctx.t("notify.settings.saved"), "ok");
    },
  },
};
