// Settings → Import (/imports): bring your history from Relieflog, Daylio, Bearable, Flaredown
// or any CSV. The file goes to the server as it is (XMLHttpRequest, for its upload progress:
// a 10 MB file never freezes the page, nothing is parsed here); the server answers with a
// preview kept an hour: the counts, what each label or column becomes (the patient maps
// them, 0–10), the days in conflict with both values, then keep or replace and Import.
// Loaded only when opened, with its words (catalog scope "imports") and css/import.css.

import { ApiError, OfflineError, request } from "../api.js";
import { formError, screenHead } from "../controls.js";
import { formatDay } from "../dates.js";
import { append, h, stylesheet } from "../dom.js";
import { formatNumber, t } from "../i18n.js";
import { explain } from "../problems.js";

const SHOWN_ROWS = 30;
const SHARED_WAIT_MS = 5000;
// What a Relieflog export brings besides entries, as the preview counts it.
const RECORD_KEYS = [
  ["treatments", "import.count_sessions"], ["medications", "import.count_medications"],
  ["questionnaire_responses", "import.count_checkins"], ["bladder_checks", "import.count_bladder"],
];
const FORMAT_NAMES = { relieflog: "Relieflog", daylio: "Daylio", bearable: "Bearable", flaredown: "Flaredown", csv: "CSV" };
const day = (value) => formatDay(value, { day: "numeric", month: "short", year: "numeric" });

// The file as the request's body, with the upload's progress (0–1) as it goes.
function upload(file, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/v1/imports");
    xhr.setRequestHeader("Accept", "application/json");
    const json = /\.json$/i.test(file.name) || file.type === "application/json";
    xhr.setRequestHeader("Content-Type", json ? "application/json" : "text/csv");
    xhr.upload.onprogress = (event) => { if (event.lengthComputable) onProgress(event.loaded / event.total); };
    xhr.upload.onload = () => onProgress(1);
    xhr.onerror = () => reject(new OfflineError());
    xhr.onload = () => {
      let data = null;
      try { data = JSON.parse(xhr.responseText); } catch { data = null; }
      if (xhr.status === 201) resolve(data);
      else reject(new ApiError(xhr.status, data));
    };
    xhr.send(file);
  });
}

// The file shared to the installed app (manifest share_target), which the service worker
// holds until this screen asks for it; null when there is none (or no worker).
function sharedFile() {
  const worker = navigator.serviceWorker && navigator.serviceWorker.controller;
  if (!worker) return Promise.resolve(null);
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = (event) => resolve(event.data && event.data.file instanceof File ? event.data.file : null);
    worker.postMessage({ type: "relieflog:shared-file" }, [channel.port2]);
    setTimeout(() => resolve(null), SHARED_WAIT_MS);
  });
}

// A problem about the file: the server names the line and column; else the usual words.
function fileProblem(error) {
  if (error instanceof ApiError && error.status === 422 && error.problem.errors) {
    const { line, column } = error.problem;
    const where = line && column ? t("import.where_line_column", { line, column })
      : line ? t("import.where_line", { line }) : column ? t("import.where_column", { column }) : "";
    const message = (error.problem.errors.file || error.problem.errors.mapping || [error.message]).join(" ");
    return where ? `${t("import.bad_file")} ${where}: ${message.replace(/^(Line \d+(, column '[^']*')?|Column '[^']*'): /, "")}` : `${t("import.bad_file")} ${message}`;
  }
  if (error instanceof ApiError && error.status === 413) return t("import.too_large");
  if (error instanceof ApiError && error.status === 404) return t("import.expired");
  return explain(error);
}

const scoreText = (value) => (value === null || value === undefined ? "–" : formatNumber(value));

function values(entry) {
  if (!entry) return "–";
  const parts = [`${t("import.pain")} ${scoreText(entry.pain)}`, `${t("import.mood")} ${scoreText(entry.mood)}`];
  if (entry.tags && entry.tags.length) parts.push(entry.tags.join(", "));
  return h("span", {}, parts.join(" · "), entry.notes ? h("span", { class: "user-text import-note" }, entry.notes) : null);
}

function numberInput(value, min, max, label) {
  return h("input", { type: "number", inputmode: "decimal", min: String(min), max: String(max), step: "any", value: value ?? "", "aria-label": label });
}

// The mapping form: which source is pain and mood, each one's top of scale, each label's
// score, which sources are notes and tags. Its read() gives the mapping to send.
function mappingForm(preview) {
  const { mapping, sources } = preview;
  const scored = sources.filter((s) => s.numbers || s.labels.length);
  const texts = sources.filter((s) => s.texts);
  const choose = (which) => h("select", { "data-map": which },
    h("option", { value: "" }, t("import.none")),
    scored.map((s) => h("option", { value: s.name, selected: mapping[which] === s.name }, s.name)));
  const pain = choose("pain");
  const mood = choose("mood");
  const scales = sources.filter((s) => s.numbers).map((s) => [s.name, numberInput(mapping.scales[s.name] ?? 10, 1, 100, t("import.top_of", { name: s.name }))]);
  const labelNames = [...new Set(sources.filter((s) => s.labels.length && (s.name === mapping.pain || s.name === mapping.mood)).flatMap((s) => s.labels))];
  const labels = labelNames.map((name) => [name, numberInput(mapping.labels[name], 0, 10, t("import.score_of", { name }))]);
  const box = (which, s) => h("input", { type: "checkbox", checked: mapping[which].includes(s.name), "data-source": s.name });
  const notes = texts.map((s) => [s.name, box("notes", s)]);
  const tags = texts.map((s) => [s.name, box("tags", s)]);
  const unmapped = new Set(preview.unmapped.labels);
  const rows = (pairs, mark) => h("ul", { class: "import-map" }, pairs.map(([name, control]) => h("li", { class: mark && mark.has(name) ? "needs" : "" },
    h("label", {}, h("span", { class: "user-text" }, name), control))));
  const form = h("section", { class: "card", "aria-labelledby": "import-map-title" },
    h("h2", { id: "import-map-title" }, t("import.mapping")),
    h("p", { class: "muted" }, t("import.mapping_help")),
    h("div", { class: "field" }, h("label", { class: "label" }, t("import.pain_from"), pain)),
    h("div", { class: "field" }, h("label", { class: "label" }, t("import.mood_from"), mood)),
    labels.length ? [h("h3", {}, t("import.labels")), h("p", { class: "muted" }, t("import.labels_help")),
      unmapped.size ? h("p", { class: "import-needs", role: "status" }, t("import.labels_needed", { count: unmapped.size })) : null,
      rows(labels, unmapped)] : null,
    scales.length ? [h("h3", {}, t("import.scales")), h("p", { class: "muted" }, t("import.scales_help")), rows(scales)] : null,
    notes.length ? [h("h3", {}, t("import.notes_from")), rows(notes)] : null,
    tags.length ? [h("h3", {}, t("import.tags_from")), rows(tags)] : null);
  form.read = () => ({
    pain: pain.value || null,
    mood: mood.value || null,
    scales: Object.fromEntries(scales.filter(([, input]) => input.value !== "").map(([name, input]) => [name, Number(input.value)])),
    labels: Object.fromEntries(labels.map(([name, input]) => [name, input.value === "" ? null : Math.round(Number(input.value))])),
    notes: notes.filter(([, input]) => input.checked).map(([name]) => name),
    tags: tags.filter(([, input]) => input.checked).map(([name]) => name),
  });
  return form;
}

function table(headings, rows) {
  return h("div", { class: "import-table-wrap" }, h("table", { class: "import-table" },
    h("thead", {}, h("tr", {}, headings.map((text) => h("th", { scope: "col" }, text)))),
    h("tbody", {}, rows.map((cells) => h("tr", {}, cells.map((cell, i) => h("td", { "data-label": headings[i] }, cell)))))));
}

function counts(preview) {
  const items = [
    ["import.count_rows", preview.rows], ["import.count_days", preview.days],
    ["import.count_new", preview.new], ["import.count_identical", preview.identical],
    ["import.count_conflicts", preview.conflict_count],
  ];
  if (preview.without_score) items.push(["import.count_without_score", preview.without_score]);
  const records = preview.records || {};
  for (const [kind, key] of RECORD_KEYS) if (records[kind]) items.push([key, records[kind]]);
  return h("dl", { class: "import-counts" }, items.map(([key, count]) => h("div", {}, h("dt", {}, t(key)), h("dd", {}, formatNumber(count)))));
}

function previewView(container, preview, done) {
  const error = formError();
  const range = preview.from ? t("import.range", { from: day(preview.from), to: day(preview.to) }) : "";
  const summary = h("section", { class: "card", "aria-labelledby": "import-summary-title" },
    h("h2", { id: "import-summary-title" }, t("import.preview_title", { format: FORMAT_NAMES[preview.format] || preview.format })),
    range ? h("p", {}, range) : null, counts(preview),
    preview.warnings.length ? h("ul", { class: "import-warnings" }, preview.warnings.slice(0, 5).map((w) => h("li", {}, w))) : null);
  const mapping = preview.format === "relieflog" ? null : mappingForm(preview);
  const update = mapping ? h("button", { type: "button", class: "btn btn-block" }, t("import.update")) : null;
  const merged = preview.merged_count ? h("section", { class: "card", "aria-labelledby": "import-merged-title" },
    h("h2", { id: "import-merged-title" }, t("import.merged", { count: preview.merged_count })),
    h("p", { class: "muted" }, t("import.merged_help")),
    table([t("import.date"), t("import.rows"), t("import.becomes")],
      preview.merged.slice(0, SHOWN_ROWS).map((m) => [day(m.date), formatNumber(m.rows), values(m.incoming)]))) : null;
  const keep = h("input", { type: "radio", name: "on_conflict", value: "keep", checked: true });
  const replace = h("input", { type: "radio", name: "on_conflict", value: "replace" });
  const conflicts = preview.conflict_count ? h("section", { class: "card", "aria-labelledby": "import-conflicts-title" },
    h("h2", { id: "import-conflicts-title" }, t("import.conflicts", { count: preview.conflict_count })),
    h("p", { class: "muted" }, t("import.conflicts_help")),
    table([t("import.date"), t("import.yours"), t("import.in_file")],
      preview.conflicts.slice(0, SHOWN_ROWS).map((c) => [day(c.date), values(c.current), values(c.incoming)])),
    h("fieldset", { class: "import-choice" }, h("legend", {}, t("import.on_conflict")),
      h("label", {}, keep, t("import.keep")), h("label", {}, replace, t("import.replace")))) : null;
  const go = h("button", { type: "button", class: "btn btn-primary btn-block" }, t("import.start"));
  const cancel = h("button", { type: "button", class: "btn btn-block" }, t("import.cancel"));
  // append() leaves out the parts this file has none of (replaceChildren would print "null")
  container.replaceChildren();
  append(container, [summary, mapping, update, merged, conflicts, error, go, cancel]);

  const busy = (on) => { for (const b of [go, cancel, update]) if (b) b.disabled = on; };
  if (update) update.addEventListener("click", async () => {
    busy(true);
    try {
      const { data } = await request("POST", `/imports/${preview.id}`, { body: { mapping: mapping.read() } });
      previewView(container, data, done);
    } catch (e) {
      error.show(fileProblem(e));
      busy(false);
    }
  });
  go.addEventListener("click", async () => {
    busy(true);
    error.show("");
    go.textContent = t("import.starting");
    try {
      const body = { on_conflict: replace.checked ? "replace" : "keep" };
      if (mapping) body.mapping = mapping.read();
      const { data } = await request("POST", `/imports/${preview.id}/commit`, { body });
      done(data);
    } catch (e) {
      error.show(fileProblem(e));
      go.textContent = t("import.start");
      busy(false);
    }
  });
  cancel.addEventListener("click", async () => {
    busy(true);
    try { await request("DELETE", `/imports/${preview.id}`); } catch { /* kept an hour at most anyway */ }
    done(null);
  });
}

function resultView(result) {
  if (result.nothing_new) {
    return h("section", { class: "card import-result", role: "status" }, h("h2", {}, t("import.nothing_new")),
      h("p", {}, t("import.nothing_new_help")));
  }
  return h("section", { class: "card import-result", role: "status" }, h("h2", {}, t("import.done")),
    h("p", {}, t("import.done_counts", { created: formatNumber(result.created), replaced: formatNumber(result.replaced), kept: formatNumber(result.kept) })),
    h("p", {}, h("a", { href: "/trends" }, t("import.see_trends"))));
}

export async function render(container) {
  await stylesheet("/css/import.css");
  const input = h("input", { type: "file", accept: ".csv,.json,.txt,text/csv,application/json", id: "import-file" });
  const chosen = h("p", { class: "user-text import-chosen" });
  const progress = h("progress", { max: "100", value: "0", hidden: true, "aria-label": t("import.uploading") });
  const status = h("p", { class: "muted", role: "status", "aria-live": "polite" });
  const error = formError();
  const body = h("div", {});
  const choose = h("section", { class: "card", "aria-labelledby": "import-choose-title" },
    h("h2", { id: "import-choose-title" }, t("import.choose")),
    h("p", { class: "muted" }, t("import.formats")),
    h("label", { class: "btn btn-primary btn-block import-pick" }, t("import.pick"), input),
    chosen, progress, status, error);
  append(container, [
    h("p", { class: "back" }, h("a", { href: "/settings" }, t("import.back"))),
    screenHead(t("import.title"), t("import.subtitle")), choose, body,
  ]);

  const done = (result) => {
    body.replaceChildren(result ? resultView(result) : "");
    input.value = "";
    chosen.textContent = "";
    status.textContent = "";
  };
  const start = async (file) => {
    error.show("");
    body.replaceChildren();
    chosen.textContent = file.name;
    progress.hidden = false;
    progress.value = 0;
    status.textContent = t("import.uploading");
    try {
      const preview = await upload(file, (share) => {
        progress.value = Math.round(share * 100);
        status.textContent = share < 1 ? t("import.uploading_pct", { percent: Math.round(share * 100) }) : t("import.reading");
      });
      status.textContent = "";
      previewView(body, preview, done);
    } catch (e) {
      status.textContent = "";
      error.show(fileProblem(e));
    } finally {
      progress.hidden = true;
    }
  };
  input.addEventListener("change", () => {
    const file = input.files && input.files[0];
    if (file) start(file);
  });
  // Opened by the service worker after a file was shared to the installed app.
  if (new URLSearchParams(location.search).has("shared")) {
    history.replaceState(history.state, "", location.pathname);
    sharedFile().then((file) => { if (file) start(file); });
  }
}
