// Signed in with a role this site does not serve (platform operator, device vendor).
import { html, pageTitle } from "../templates.js";

export default {
  id: "other-home",
  path: "/home",
  roles: ["platform_admin", "vendor"],
  title: "other.title",
  render(data, { t }) {
    return html`${pageTitle(t("other.title"))}<p class="card">${t("other.body")}</p>`;
  },
};
