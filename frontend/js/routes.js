// Every screen of the site, in one list. To add a screen: write js/screens/<name>.js (see
// frontend/README.md for its shape) and import it here. Order matters only when two screens
// share a path for the same role: the first one wins.
import signin from "./screens/signin.js";
import residentHome from "./screens/resident-home.js";
import register from "./screens/register.js";
import requestsNew from "./screens/requests-new.js";
import requestsMine from "./screens/requests-mine.js";
import requestsDetail from "./screens/requests-detail.js";
import noticesList from "./screens/notices-list.js";
import noticesDetail from "./screens/notices-detail.js";
import consultationsList from "./screens/consultations-list.js";
import consultationsDetail from "./screens/consultations-detail.js";
import servicesNearby from "./screens/services-nearby.js";
import points from "./screens/points.js";
import safetyHome from "./screens/safety-home.js";
import meData from "./screens/me-data.js";
import meNotifications from "./screens/me-notifications.js";
import emergency from "./screens/emergency.js";
import ack from "./screens/ack.js";
import consoleHome from "./screens/console-home.js";
import consoleRequests from "./screens/console-requests.js";
import consoleRequest from "./screens/console-request.js";
import consoleAlerts from "./screens/console-alerts.js";
import consoleNotices from "./screens/console-notices.js";
import consoleNoticeNew from "./screens/console-notice-new.js";
import consoleNotice from "./screens/console-notice.js";
import consoleConsultations from "./screens/console-consultations.js";
import consoleConsultationNew from "./screens/console-consultation-new.js";
import consoleConsultation from "./screens/console-consultation.js";
import consoleAccessLog from "./screens/console-access-log.js";
import consoleOutbox from "./screens/console-outbox.js";
import consolePoints from "./screens/console-points.js";
import consoleVisits from "./screens/console-visits.js";
import consoleLeads from "./screens/console-leads.js";
import consoleReport from "./screens/console-report.js";
import consoleImport from "./screens/console-import.js";
import visitsMine from "./screens/visits-mine.js";
import dashboard from "./screens/dashboard.js";
import ops from "./screens/ops.js";
import opsOutbox from "./screens/ops-outbox.js";
import otherHome from "./screens/other-home.js";
import notFound from "./screens/not-found.js";

export const screens = [
  signin,
  ack, // the alert SMS's link (ack.html forwards here): public, no session needed or made
  // resident portal
  residentHome,
  register,
  requestsNew, // before requestsDetail: "/requests/new" also matches "/requests/:id"
  requestsMine,
  requestsDetail,
  noticesList,
  noticesDetail,
  consultationsList,
  consultationsDetail,
  servicesNearby,
  points,
  safetyHome,
  meData,
  meNotifications,
  emergency,
  // staff and city-admin console
  consoleHome,
  consoleRequests,
  consoleRequest,
  consoleAlerts,
  consoleNotices,
  consoleNoticeNew, // before consoleNotice: "/console/notices/new" also matches "/console/notices/:id"
  consoleNotice,
  consoleConsultations,
  consoleConsultationNew, // before consoleConsultation, likewise
  consoleConsultation,
  consoleAccessLog,
  consoleOutbox,
  consolePoints,
  consoleVisits,
  consoleLeads,
  consoleReport,
  consoleImport,
  // the same settings screen in the console, where it has a nav entry
  { ...meNotifications, roles: ["staff", "city_admin"], nav: "notify.settings.nav", navOrder: 90 },
  dashboard,
  // care visitors (社工、志愿者、家庭医生): their own visit tasks
  visitsMine,
  // platform operators: #/home leads to the ops screen
  ops,
  opsOutbox,
  { id: "ops-home", path: "/home", roles: ["platform_admin"], redirect: "/ops" },
  // everyone else, and the fallback
  otherHome,
  notFound,
];
