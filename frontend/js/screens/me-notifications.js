// 提醒设置 (residents, staff, city admins): whether alerts reach me by SMS and by phone call, and
// quiet hours in which ordinary alerts send no SMS (critical ones always do). Every alert is also in
// the system whatever is set here. Elder mode: the same three switches in plain words, drawn big.
import { html, pageTitle, field, formError, button, card, toggle } from "../templates.js";
import { audience } from "../state.js";

const BASE = "/v1/me/notification-settings";
const DEFAULT_QUIET = { start: "22:00", end: "07:00" };

function body(values) {
  const quiet = values.quiet === "true";
  return {
    sms: values.sms === "true",
    voice: values.voice === "true",
    quiet_hours: quiet ? { start: values["quiet_hours.start"], end: values["quiet_hours.end"] } : null,
  };
}

export default {
  id: "me-notifications",
  path: "/me/notifications",
  roles: ["resident"], // routes.js adds the console's entry (staff, city admins) with a nav label
  title: "notify.settings.title",

  async load(ctx) {
    const settings = await ctx.api.get(BASE);
    return { settings, quietOn: Boolean(settings.quiet_hours) };
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
      <p><a href="${who === "staff" ? "#/home" : "#/safety"}">${t(`notify.settings.back.${who}`)}</a></p>`;
  },

  actions: {
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
