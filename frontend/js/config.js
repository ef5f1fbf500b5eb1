// The deployment's settings, read once from /config.json (written at deploy time in AWS,
// served by the local stack with `make run`).
let loaded = null;

const DEFAULTS = { apiUrl: "", region: "", userPoolClientId: "", cognitoEndpoint: "" };

export async function loadConfig(fetchImpl = fetch) {
  if (loaded) return loaded;
  const res = await fetchImpl("config.json", { cache: "no-store" });
  if (!res.ok) throw new Error(`config.json: HTTP ${res.status}`);
  const raw = await res.json();
  const cfg = { ...DEFAULTS, ...raw };
  // In AWS the Cognito endpoint follows from the region; locally the stack names moto's URL.
  if (!cfg.cognitoEndpoint && cfg.region) cfg.cognitoEndpoint = `https://cognito-idp.${cfg.region}.amazonaws.com/`;
  cfg.apiUrl = cfg.apiUrl.replace(/\/+$/, "");
  loaded = Object.freeze(cfg);
  return loaded;
}

export function config() {
  if (!loaded) throw new Error("config not loaded yet");
  return loaded;
}
