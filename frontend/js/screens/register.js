// 住户登记: choose community → building → unit → room, give name, phone and relation; staff of
// the community then verify it. A rejected registration can be filed again (places pre-filled).
import { html, pageTitle, field, formError, button, linkButton, registrationBadge } from "../templates.js";
import { communities, buildings } from "../places.js";

const RELATIONS = ["owner", "tenant", "family"];

export default {
  id: "register",
  path: "/register",
  roles: ["resident"],
  title: "register.title",

  async load(ctx) {
    const [me, cs] = await Promise.all([ctx.api.get("/v1/me"), communities(ctx)]);
    ctx.setMe(me);
    const prev = me.registration || null;
    const blocked = prev && prev.status !== "rejected" ? prev : null;
    const communityId = prev?.community_id || (cs.length === 1 ? cs[0].id : "");
    return {
      blocked, communities: cs, community_id: communityId,
      buildings: communityId ? await buildings(ctx, communityId) : [],
      building_id: prev?.building_id || "", unit: prev?.unit || "", room: prev?.room || "",
      relation: prev?.relation || "",
    };
  },

  render(data, ctx) {
    const { t, loc } = ctx;
    if (data.blocked) {
      return html`${pageTitle(t("register.title"))}
        <p class="card" data-speak>${registrationBadge(data.blocked.status)} ${t(`register.already.${data.blocked.status}`)}</p>
        ${linkButton(t("action.goHome"), "#/home", { icon: "home" })}`;
    }
    const building = data.buildings.find((b) => b.id === data.building_id);
    const units = building ? Array.from({ length: Number(building.units) || 1 }, (_, i) => i + 1) : [];
    return html`${pageTitle(t("register.title"), { speak: true, lead: t("register.lead") })}
    <form class="form card" data-submit="register" novalidate>
      ${formError()}
      <fieldset>
        <legend>${t("register.where")}</legend>
        ${field({ name: "community_id", label: t("field.community_id.label"), required: true, value: data.community_id, change: "pickCommunity",
                  options: data.communities.map((c) => ({ value: c.id, label: loc(c.name) })) })}
        ${field({ name: "building_id", label: t("field.building_id.label"), required: true, value: data.building_id,
                  disabled: !data.community_id, change: "pickBuilding",
                  options: data.buildings.map((b) => ({ value: b.id, label: loc(b.name) })) })}
        ${field({ name: "unit", label: t("field.unit.label"), required: true, value: data.unit, disabled: !building,
                  options: units.map((u) => ({ value: u, label: t("place.unit", { unit: u }) })) })}
        ${field({ name: "room", label: t("field.room.label"), hint: t("field.room.hint"), required: true,
                  value: data.room, inputmode: "numeric", pattern: "\\d{3,4}", maxlength: 4 })}
      </fieldset>
      <fieldset>
        <legend>${t("register.who")}</legend>
        ${field({ name: "name", label: t("field.name.label"), required: true, autocomplete: "name", maxlength: 40 })}
        ${field({ name: "phone", label: t("field.phone.label"), hint: t("field.phone.hint"), type: "tel", required: true,
                  autocomplete: "tel", inputmode: "tel", maxlength: 11 })}
        ${field({ name: "relation", label: t("field.relation.label"), required: true, value: data.relation,
                  options: RELATIONS.map((r) => ({ value: r, label: t(`relation.${r}`) })) })}
      </fieldset>
      <p class="form__note">${t("register.privacy")}</p>
      <div class="form__actions">
        ${button(t("action.submitRegistration"), { type: "submit", kind: "primary", icon: "check" })}
        ${linkButton(t("action.cancel"), "#/home", { kind: "quiet" })}
      </div>
    </form>`;
  },

  actions: {
    async pickCommunity(ctx, { value }) {
      ctx.update({ community_id: value, building_id: "", unit: "", buildings: value ? await buildings(ctx, value) : [] });
      ctx.focus("#f-building_id");
    },
    pickBuilding(ctx, { value }) {
      ctx.update({ building_id: value, unit: "" });
    },
    async register(ctx, { values }) {
      const body = { ...values, unit: Number(values.unit) };
      await ctx.api.post("/v1/me/registration", body);
      ctx.toast(ctx.t("register.done"), "ok");
      ctx.navigate("/home");
    },
  },
};
