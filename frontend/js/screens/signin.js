// 登录: Cognito user name and password. The token goes to sessionStorage (auth.js), never a URL.
import { html, pageTitle, field, formError, button } from "../templates.js";
import * as auth from "../auth.js";

export default {
  id: "signin",
  path: "/signin",
  public: true,
  title: "signin.title",

  render(data, { t }) {
    return html`${pageTitle(t("signin.title"), { lead: t("signin.lead") })}
    <form class="form card" data-submit="signIn" novalidate>
      ${formError()}
      ${field({ name: "username", label: t("field.username.label"), required: true, autocomplete: "username" })}
      ${field({ name: "password", label: t("field.password.label"), type: "password", required: true,
                autocomplete: "current-password" })}
      <div class="form__actions">${button(t("action.signIn"), { type: "submit", kind: "primary" })}</div>
    </form>`;
  },

  actions: {
    async signIn(ctx, { values }) {
      await auth.signIn(values.username, values.password);
      ctx.navigate("/home");
    },
  },
};
