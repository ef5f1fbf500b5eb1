// 区划导入 (city admins): the city's streets, communities, grids and buildings from its own spreadsheets.
// Download the template, upload the filled-in file (XLSX, or one sheet as CSV), and follow the import:
// checked whole first — every problem listed with its sheet, row and column, nothing written — then
// applied in chunks with a progress bar; what it created, updated, left unchanged and retired; the
// city's latest imports below.
import { html, pageTitle, card, button, badge } from "../templates.js";
import { formatDateTime, errorText } from "../i18n.js";
import { postForm } from "../api.js";

const ACTIVE = new Set(["queued", "validating", "applying"]);
const STATUS_KIND = { awaiting_upload: "neutral", queued: "info", validating: "info", applying: "info", done: "ok", failed: "danger" };
const POLL_MS = 1000;
const MAX_BYTES = 20 * 1024 * 1024;

function statusBadge(t, s) {
  return badge(t(`import.status.${s}`), STATUS_KIND[s] || "neutral");
}

function progress(ctx, imp) {
  const { t } = ctx;
  if (imp.status === "queued" || imp.status === "validating") {
    return html`<p class="im-progress__text" role="status">${t(`import.step.${imp.status}`)}</p>
      <progress class="im-progress__bar" aria-label="${t("import.progressLabel")}"></progress>`;
  }
  if (imp.status !== "applying" && imp.status !== "done") return "";
  const pct = imp.total ? Math.round((100 * imp.done) / imp.total) : 100;
  return html`<p class="im-progress__text" role="status">${t("import.done", { done: imp.done.toLocaleString(ctx.lang), total: imp.total.toLocaleString(ctx.lang), pct })}</p>
    <progress class="im-progress__bar" max="${imp.total || 1}" value="${imp.done}" aria-label="${t("import.progressLabel")}">${pct}%</progress>`;
}

function counts(ctx, imp) {
  const { t } = ctx;
  if (imp.status !== "done") return "";
  return html`<dl class="im-counts">${["created", "updated", "unchanged", "retired"].map((k) => html`<div class="im-count im-count--${k}">
      <dt>${t(`import.count.${k}`)}</dt><dd>${imp[k].toLocaleString(ctx.lang)}</dd></div>`)}</dl>`;
}

function problems(ctx, imp) {
  const { t } = ctx;
  const p = imp.problem;
  if (!p) return "";
  const rows = p.errors || [];
  return html`<div class="im-problems" role="alert">
    <p class="im-problems__lead">${p.code === "invalid_rows" ? t("import.invalidRows", { n: rows.length + (p.more || 0) }) : p.message}</p>
    ${rows.length ? html`<div class="rp-scroll" tabindex="0" role="region" aria-label="${t("import.problems")}">
      <table class="im-table">
        <caption>${t("import.problemsCaption", { n: rows.length + (p.more || 0) })}</caption>
        <thead><tr>${["sheet", "row", "column", "message"].map((k) => html`<th scope="col">${t(`import.col.${k}`)}</th>`)}</tr></thead>
        <tbody>${rows.map((e) => html`<tr data-cell="${e.field}"><td data-label="${t("import.col.sheet")}">${e.sheet}</td>
          <td data-label="${t("import.col.row")}">${e.row}</td><td data-label="${t("import.col.column")}">${e.column}（${e.header}）</td>
          <td class="im-table__msg">${e.message}</td></tr>`)}</tbody>
      </table></div>` : ""}
    ${p.more ? html`<p class="field__hint">${t("import.more", { n: p.more })}</p>` : ""}
    <p class="field__hint">${t("import.fixAndRetry")}</p>
  </div>`;
}

function current(ctx, data) {
  const { t } = ctx;
  const imp = data.items.find((i) => i.import_id === data.watching);
  if (data.uploading) {
    return card(html`<p class="im-file">${data.uploading.name}</p>
      <p class="im-progress__text" role="status">${t("import.uploading", { pct: data.uploading.pct })}</p>
      <progress class="im-progress__bar" max="100" value="${data.uploading.pct}" aria-label="${t("import.progressLabel")}"></progress>`,
    { title: t("import.current") });
  }
  if (!imp) return "";
  return card(html`<p class="im-file">${imp.filename} ${statusBadge(t, imp.status)}</p>
    <div class="im-progress">${progress(ctx, imp)}</div>
    ${counts(ctx, imp)}${problems(ctx, imp)}
    <div data-widget="follow" hidden></div>`, { title: t("import.current") });
}

function history(ctx, data) {
  const { t } = ctx;
  if (!data.items.length) return html`<p class="im-none">${t("import.none")}</p>`;
  return html`<ul class="im-history">${data.items.map((i) => html`<li class="im-history__item">
    <span class="im-history__name">${i.filename}</span> ${statusBadge(t, i.status)}
    <span class="im-history__who">${t("import.by", { who: i.by, at: formatDateTime(i.created_at) })}</span>
    ${i.status === "done" ? html`<span class="im-history__counts">${t("import.summary", i)}</span>` : ""}
    ${i.status === "failed" && i.import_id !== data.watching ? button(t("import.show"), { action: "watch", kind: "quiet", data: { id: i.import_id } }) : ""}
  </li>`)}</ul>`;
}

export default {
  id: "console-import",
  path: "/console/import",
  roles: ["city_admin"],
  nav: "import.nav",
  navOrder: 28,
  title: "import.title",

  async load(ctx) {
    const { items } = await ctx.api.get("/v1/imports");
    const running = items.find((i) => ACTIVE.has(i.status));
    return { items, watching: running ? running.import_id : "", uploading: null, template: null, pickError: "" };
  },

  render(data, ctx) {
    const { t } = ctx;
    return html`${pageTitle(t("import.title"), { speak: true, lead: t("import.lead") })}
      ${card(html`<p>${t("import.templateLead")}</p>
        <div class="form__actions">${button(t("import.template"), { action: "template", kind: "secondary" })}</div>
        ${data.template ? html`<p class="rp-file" role="status">${t("import.templateReady", { until: formatDateTime(data.template.expires_at) })} <a href="${data.template.url}" download="${data.template.filename}">${data.template.filename}</a></p>` : ""}`,
      { title: t("import.step1") })}
      ${card(html`<p id="im-file-hint">${t("import.uploadLead")}</p>
        <input type="file" id="im-file" class="sr-only" accept=".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"
          data-change="pickFile" aria-describedby="im-file-hint im-file-error" ${data.uploading || data.items.some((i) => ACTIVE.has(i.status)) ? "disabled" : ""}>
        <label class="btn btn--primary im-pick" for="im-file"><span>${t("import.choose")}</span></label>
        <p class="field__error" id="im-file-error" role="alert">${data.pickError || ""}</p>`, { title: t("import.step2") })}
      ${current(ctx, data)}
      ${card(history(ctx, data), { title: t("import.history") })}`;
  },

  widgets: {
    // While the watched import runs: its progress every second (paused while the page is hidden).
    follow(el, data, ctx) {
      const imp = data.items.find((i) => i.import_id === data.watching);
      if (!imp || !ACTIVE.has(imp.status)) return undefined;
      let reading = false;
      const timer = setInterval(async () => {
        if (document.hidden || reading) return;
        reading = true;
        try {
          const fresh = await ctx.api.get(`/v1/imports/${encodeURIComponent(imp.import_id)}`);
          if (el.isConnected) {
            ctx.update({ items: data.items.map((i) => (i.import_id === fresh.import_id ? fresh : i)) });
            if (!ACTIVE.has(fresh.status)) ctx.toast(ctx.t(`import.finished.${fresh.status}`), fresh.status === "done" ? "ok" : "error");
          }
        } catch {
          /* the bar stays; the next tick tries again */
        } finally {
          reading = false;
        }
      }, POLL_MS);
      return () => clearInterval(timer);
    },
  },

  actions: {
    async template(ctx) {
      const template = await ctx.api.get("/v1/imports/template");
      ctx.update({ template });
      ctx.focus(".rp-file a");
    },
    watch(ctx, { data }) {
      ctx.update({ watching: data.id });
    },
    async pickFile(ctx, { el }) {
      const file = el.files && el.files[0];
      el.value = "";
      if (!file) return;
      const { t } = ctx;
      if (!/\.(xlsx|csv)$/i.test(file.name)) return ctx.update({ pickError: t("import.wrongType", { name: file.name }) });
      if (file.size > MAX_BYTES) return ctx.update({ pickError: t("import.tooBig", { name: file.name }) });
      if (!file.size) return ctx.update({ pickError: t("import.empty", { name: file.name }) });
      ctx.update({ pickError: "", uploading: { name: file.name, pct: 0 } });
      try {
        const up = await ctx.api.post("/v1/imports", { filename: file.name, size: file.size });
        let shown = 0;
        await postForm(up.url, up.fields, file, (pct) => {
          if (pct - shown < 10) return;
          shown = pct;
          ctx.update({ uploading: { name: file.name, pct } });
        });
        const started = await ctx.api.post(`/v1/imports/${encodeURIComponent(up.import_id)}/start`, {});
        ctx.update({ uploading: null, watching: started.import_id,
                     items: [started, ...ctx.data.items.filter((i) => i.import_id !== started.import_id)] });
      } catch (err) {
        ctx.update({ uploading: null, pickError: err.code === "upload_refused" ? t("import.uploadFailed") : errorText(err) });
      }
      return undefined;
    },
  },
};
