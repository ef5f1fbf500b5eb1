// Photos people take — a request's, an alert note's: the picker of the form (choose or take up to 4,
// previews, progress, remove), its upload actions, and the thumbnails, for residents and staff. The browser checks type and
// size before anything is sent; storage's policy and the API check again.
import { html, button, icon, safeUrl } from "./templates.js";
import { ApiError, postForm } from "./api.js";

export const MAX_PHOTOS = 4;
export const MAX_BYTES = 5 * 1024 * 1024;
export const TYPES = ["image/jpeg", "image/png", "image/webp", "image/heic"];

/** Split chosen files into those to upload and the messages saying why the others were refused. */
export function checkFiles(ctx, files, room) {
  const accepted = [];
  const refused = [];
  for (const f of files) {
    const name = f.name;
    if (!TYPES.includes(f.type)) refused.push(ctx.t("requests.photos.wrongType", { name }));
    else if (f.size > MAX_BYTES) refused.push(ctx.t("requests.photos.tooBig", { name, size: (f.size / (1024 * 1024)).toFixed(1) }));
    else if (f.size === 0) refused.push(ctx.t("requests.photos.empty", { name }));
    else if (accepted.length >= room) {
      refused.push(ctx.t("requests.photos.tooMany"));
      break;
    } else accepted.push(f);
  }
  return { accepted, refused };
}

function chosen(ctx, p, n) {
  const status = p.state === "uploading" ? html`<progress max="100" value="${p.progress}">${p.progress}%</progress>
      <span>${ctx.t("requests.photos.uploading", { pct: p.progress })}</span>`
    : p.state === "done" ? html`<span class="rq-thumb__ok">${ctx.t("requests.photos.uploaded")}</span>`
      : html`<span class="field__error">${ctx.t("requests.photos.failed")}</span>`;
  // the preview is a blob: URL this page made from the chosen file
  return html`<li class="rq-thumb rq-thumb--${p.state}">
    <img src="${p.preview}" alt="${ctx.t("requests.photos.preview", { n })}">
    <p class="rq-thumb__status" aria-live="polite">${status}</p>
    ${button(ctx.t("requests.photos.remove", { n }), { action: "removePhoto", kind: "quiet", icon: "close", data: { id: p.id } })}
  </li>`;
}

/** The picker: `photos` [{id, preview, state: uploading|done|failed, progress, key}], `error` what was refused. */
export function photoPicker(ctx, photos, error, label = ctx.t("requests.new.photos"), hint = ctx.t("requests.new.photosHint")) {
  const { t } = ctx;
  // the native control is hidden (its button speaks the browser's language, not the page's): a
  // label styled as a button opens it, and the input keeps the keyboard focus
  return html`<div class="field rq-photo-pick">
    <p class="field__label" id="rq-photos-label">${label}</p>
    <p class="field__hint" id="rq-photos-hint">${hint}</p>
    ${photos.length ? html`<ul class="rq-thumbs rq-thumbs--chosen">${photos.map((p, i) => chosen(ctx, p, i + 1))}</ul>` : ""}
    ${photos.length < MAX_PHOTOS ? html`<input type="file" id="rq-photo-file" class="sr-only rq-photo-pick__input" accept="image/*" capture="environment" multiple
        data-change="pickPhotos" aria-describedby="rq-photos-hint rq-photos-error">
      <label class="btn btn--secondary rq-photo-pick__button" for="rq-photo-file">${icon("camera")}<span>${t(photos.length ? "requests.photos.addMore" : "requests.photos.add")}</span></label>` : ""}
    <p class="field__error" id="rq-photos-error" data-error-for="rq-photos" role="alert">${error || ""}</p>
  </div>`;
}

/** A request's photos as thumbnails; each opens the full image. */
export function photoThumbs(ctx, r) {
  const files = r.photo_files || [];
  if (!files.length) return "";
  return html`<ul class="rq-thumbs" aria-label="${ctx.t("requests.photos.label")}">${files.map((p, i) => html`<li>
      <a class="rq-thumb__link" href="${safeUrl(p.url)}" target="_blank" rel="noopener noreferrer">
        <img src="${safeUrl(p.url)}" alt="${ctx.t("requests.detail.photosOpen", { n: i + 1 })}" loading="lazy">
      </a></li>`)}</ul>`;
}

let photoSeq = 0;

/** Upload one chosen photo: a presigned POST from the API (``endpoint``), then the file straight to
 *  storage; repaints only while the screen (``hash``) is shown. */
async function upload(ctx, endpoint, hash, p) {
  const repaint = () => (window.location.hash.startsWith(hash) ? ctx.update({}) : null);
  try {
    const up = await ctx.api.post(endpoint, { content_type: p.file.type, size: p.file.size });
    await postForm(up.url, up.fields, p.file, (pct) => {
      if (pct - p.progress >= 25 && pct < 100) {
        p.progress = pct;
        repaint();
      }
    });
    Object.assign(p, { key: up.key, state: "done", progress: 100 });
  } catch {
    p.state = "failed";
  }
  repaint();
}

/** The picker's actions for a screen keeping `photos` and `photoError` in its data: photos are
 *  uploaded as soon as they are chosen, through `endpoint` (/v1/requests/photo-uploads …). */
export function photoActions(endpoint, hash) {
  return {
    async pickPhotos(ctx, { el }) {
      const files = [...(el.files || [])];
      el.value = "";
      if (!files.length) return;
      const { accepted, refused } = checkFiles(ctx, files, MAX_PHOTOS - ctx.data.photos.length);
      const added = accepted.map((file) => ({ id: String(++photoSeq), file, preview: URL.createObjectURL(file),
                                              state: "uploading", progress: 0, key: "" }));
      ctx.update({ photos: [...ctx.data.photos, ...added], photoError: refused.join(" ") });
      await Promise.all(added.map((p) => upload(ctx, endpoint, hash, p)));
    },
    removePhoto(ctx, { data }) {
      const gone = ctx.data.photos.find((p) => p.id === data.id);
      if (gone) URL.revokeObjectURL(gone.preview);
      ctx.update({ photos: ctx.data.photos.filter((p) => p.id !== data.id), photoError: "" });
      ctx.focus("#rq-photo-file");
    },
  };
}

/** The keys of the photos uploaded, for the form's body; a 400 naming the picker while one is still on its way. */
export function uploadedKeys(ctx, photos) {
  if (photos.some((p) => p.state === "uploading")) {
    throw new ApiError({ status: 400, code: "invalid_input", field: "rq-photos", message: ctx.t("requests.photos.wait") });
  }
  return photos.filter((p) => p.state === "done").map((p) => p.key);
}

/** Let the previews go (their blob: URLs) once the form is sent or left. */
export function forgetPreviews(photos) {
  for (const p of photos) URL.revokeObjectURL(p.preview);
}
