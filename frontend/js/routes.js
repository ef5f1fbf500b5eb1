// Every screen of the site, in one list. To add a screen: write js/screens/<name>.js (see
// frontend/README.md for its shape) and import it here. Order matters only when two screens
// share a path for the same role: the first one wins.
import signin from "./screens/signin.js";
import residentHome from "./screens/resident-home.js";
import register from "./screens/register.js";
import consoleHome from "./screens/console-home.js";
import otherHome from "./screens/other-home.js";
import notFound from "./screens/not-found.js";

export const screens = [
  signin,
  // resident portal
  residentHome,
  register,
  // staff and city-admin console
  consoleHome,
  // everyone else, and the fallback
  otherHome,
  notFound,
];
