// The API client: every call to the back end goes through request(). It adds the ID token,
// sends and parses JSON, and turns every failure into an ApiError {status, code, message,
// field, errors, retryable}. Screens never call fetch themselves.
import { config } from "./config.js";
import { token } from "./auth.js";

export class ApiError extends Error {
  constructor({ status = 0, code = "internal_error", message = "", field = null, errors = [], retryable = false }) {
    super(message || code);
    this.name = "ApiError";
    Object.assign(this, { status, code, field, errors, retryable });
  }

  /** Field → message for every field the API named (the first error per field wins). */
  fieldErrors() {
    const out = {};
    for (const e of this.errors.length ? this.errors : [{ field: this.field, message: this.message }]) {
      if (e.field && !(e.field in out)) out[e.field] = e.message;
    }
    return out;
  }
}

/** A 409 said in the user's words beside ``field`` of the form (the API's own message is for the logs);
 *  any other error as it came. ``words`` gets the field the API named. */
export function refusal(err, field, words) {
  if (!(err instanceof ApiError) || err.code !== "conflict") return err;
  return new ApiError({ status: err.status, code: err.code, field, message: words(err.field || "") });
}

let onUnauthorized = () => {};

/** app.js registers what a 401 does (sign out, back to the sign-in screen). */
export function setUnauthorizedHandler(fn) {
  onUnauthorized = fn;
}

function url(path, query) {
  const u = new URL(config().apiUrl + path);
  for (const [k, v] of Object.entries(query || {})) {
    if (v !== undefined && v !== null && v !== "") u.searchParams.set(k, String(v));
  }
  return u.toString();
}

export async function request(method, path, { body, query, auth = true, signal, raw = false } = {}) {
  const headers = { Accept: raw ? "*/*" : "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (auth) {
    const t = token();
    if (!t) {
      onUnauthorized();
      throw new ApiError({ status: 401, code: "unauthorized" });
    }
    headers.Authorization = `Bearer ${t}`;
  }
  let res;
  try {
    res = await fetch(url(path, query), {
      method, headers, signal, body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    if (err?.name === "AbortError") throw err;
    // fetch rejects only when no answer came back at all: offline, DNS, CORS, server down.
    throw new ApiError({ code: "network", message: String(err?.message || err), retryable: true });
  }
  const text = await res.text();
  if (raw && res.ok) return text; // a file (e.g. CSV): the caller saves it as it came
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (res.ok) return data;
  const info = data && typeof data === "object" ? data : {};
  const error = new ApiError({
    status: res.status, code: info.code || `http_${res.status}`, message: info.message || res.statusText,
    field: info.field || null, errors: Array.isArray(info.errors) ? info.errors : [],
    retryable: res.status >= 500 || res.status === 429,
  });
  if (res.status === 401 && auth) onUnauthorized();
  throw error;
}

export const api = {
  get: (path, query, opts) => request("GET", path, { ...opts, query }),
  post: (path, body = {}, opts) => request("POST", path, { ...opts, body }),
  put: (path, body = {}, opts) => request("PUT", path, { ...opts, body }),
  del: (path, opts) => request("DELETE", path, opts),
  text: (path, query, opts) => request("GET", path, { ...opts, query, raw: true }),
};

/**
 * Send a file to storage with a presigned POST the API gave ({url, fields}): the fields first, the
 * file last, as S3 wants. XMLHttpRequest, not fetch: it reports upload progress (0–100 to onProgress).
 * Storage refusing it (policy: type, size, expiry) is an ApiError with code "upload_refused".
 */
export function postForm(target, fields, file, onProgress = () => {}) {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    form.append("file", file);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", target);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(Math.round((100 * e.loaded) / e.total));
    };
    xhr.onload = () => (xhr.status >= 200 && xhr.status < 300 ? resolve()
      : reject(new ApiError({ status: xhr.status, code: "upload_refused", message: xhr.statusText })));
    xhr.onerror = () => reject(new ApiError({ code: "network", retryable: true }));
    xhr.send(form);
  });
}
