import { html, pageTitle, linkButton } from "../templates.js";

export default {
  id: "not-found",
  path: "/not-found",
  public: true,
  title: "notFound.title",
  render(data, { t }) {
    return html`${pageTitle(t("notFound.title"))}<p>${t("notFound.body")}</p>${linkButton(t("action.goHome"), "#/home", { icon: "home" })}`;
  },
};
