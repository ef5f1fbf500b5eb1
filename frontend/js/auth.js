// Sign-in with Cognito (USER_PASSWORD_AUTH, called straight from the browser) and the session.
// The ID token lives in sessionStorage only: never in a URL, never in localStorage, gone when
// the tab closes or the user signs out.
import { config } from "./config.js";

const KEY = "cc.session";

export class AuthError extends Error {
  constructor(code, message) {
    super(message || code);
    this.name = "AuthError";
    this.code = code; // "bad_credentials" | "network" | "challenge" | "unavailable"
    this.retryable = code === "network";
  }
}

/** The token's claims, without checking the signature: the API checks it, the page only reads. */
export function claimsOf(jwt) {
  const part = jwt.split(".")[1] || "";
  const b64 = part.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(part.length / 4) * 4, "=");
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

function read() {
  try {
    const s = JSON.parse(sessionStorage.getItem(KEY) || "null");
    if (s && s.idToken && s.expiresAt > Date.now()) return s;
  } catch {
    /* a damaged entry is as good as none */
  }
  sessionStorage.removeItem(KEY);
  return null;
}

export function token() {
  return read()?.idToken || null;
}

/** {username, tenantId, roles} of the signed-in user, or null. */
export function session() {
  const s = read();
  if (!s) return null;
  let c;
  try {
    c = claimsOf(s.idToken);
  } catch {
    signOut(); // unreadable: start again from the sign-in screen
    return null;
  }
  return {
    username: c["cognito:username"] || c.username || "",
    tenantId: c["custom:tenant_id"] || "",
    roles: c["cognito:groups"] || [],
  };
}

export async function signIn(username, password) {
  const cfg = config();
  let res;
  try {
    res = await fetch(cfg.cognitoEndpoint, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth",
      },
      body: JSON.stringify({
        AuthFlow: "USER_PASSWORD_AUTH", ClientId: cfg.userPoolClientId,
        AuthParameters: { USERNAME: username, PASSWORD: password },
      }),
    });
  } catch (err) {
    throw new AuthError("network", String(err?.message || err));
  }
  const data = await res.json().catch(() => ({}));
  if (!res.ok) {
    const type = String(data.__type || "").split("#").pop();
    if (["NotAuthorizedException", "UserNotFoundException"].includes(type)) throw new AuthError("bad_credentials");
    throw new AuthError(res.status >= 500 ? "network" : "unavailable", data.message || type);
  }
  const result = data.AuthenticationResult;
  if (!result?.IdToken) throw new AuthError("challenge", data.ChallengeName || "");
  const exp = claimsOf(result.IdToken).exp;
  const expiresAt = exp ? exp * 1000 : Date.now() + (result.ExpiresIn || 3600) * 1000;
  sessionStorage.setItem(KEY, JSON.stringify({ idToken: result.IdToken, expiresAt }));
  return session();
}

export function signOut() {
  sessionStorage.removeItem(KEY);
}
