// The provider's report's session-safety parts (share.js loads this only when the shared range
// has blood-pressure readings, medications or bladder checks): each session's readings, a small
// chart of them and the server's flags in the sessions table; the medication list with its
// start and stop dates and the changes in the range; the weekly bladder checks, any symptom
// marked; and "Download medications (CSV)" beside the other downloads. Words: i18n scope
// "safety" (formal "usted" in Spanish, like the rest of the report).

import { formatDay } from "./dates.js";
import { h } from "./dom.js";
import { extend, t } from "./i18n.js";
import { list } from "./report.js";
import { flagText, medicationChangesTable, readingsBlock, safetyStyles } from "./safety.js";
import { medClassLabel } from "./safety-words.js";
import { sideEffectLabel } from "./vocabulary.js";

const shortDay = (value) => formatDay(value, { day: "numeric", month: "short", year: "numeric" });
// The most serious flag first: a very high reading (any time) before one high before dosing.
const seriousFirst = (flags) => [...(flags || [])].sort((a, b) => (b.code === "bp_very_high") - (a.code === "bp_very_high"));
const time = (day) => h("time", { datetime: day }, shortDay(day));

// Under each session of the sessions table, a row as wide as the table: readings, chart and
// flags; observation; sedating medicines taken that day. (As a last column it was cut off
// at the table's edge even on a desktop.)
function sessionDetails(s, columns) {
  const parts = [readingsBlock({ ...s, flags: seriousFirst(s.flags) })];
  if (s.observation_minutes !== null && s.observation_minutes !== undefined) {
    parts.push(h("span", { class: "cell-note" }, t("share.safety.observed", { minutes: s.observation_minutes })));
  }
  if ((s.concomitant || []).length) {
    parts.push(h("span", { class: "cell-note" }, t("share.safety.concomitant", { list: list(s.concomitant.map(medClassLabel)) })));
  }
  const shown = parts.filter(Boolean);
  if (!shown.length) return null;
  return h("tr", { class: "safety-row", "data-treatment-safety": s.id },
    h("td", { class: "safety-cell", colspan: String(columns) }, h("div", { class: "safety-details" },
      h("span", { class: "safety-label" }, t("share.safety.column")), shown)));
}

function addSessionDetails(root, data) {
  const table = root.querySelector(".sessions-report");
  if (!table) return;
  const columns = table.querySelectorAll("thead th").length;
  const byId = new Map(data.treatments.map((s) => [s.id, s]));
  for (const row of table.querySelectorAll("tbody tr[data-treatment]")) {
    const details = sessionDetails(byId.get(row.dataset.treatment) || {}, columns);
    if (details) {
      row.classList.add("has-safety");
      row.after(details);
    }
  }
}

function medicationList(items) {
  const withNotes = items.some((m) => m.notes);
  const col = (key) => h("th", { scope: "col" }, t(`share.safety.med.${key}`));
  return h("div", { class: "table-scroll", tabindex: "0", role: "region", "aria-labelledby": "med-list-title" },
    h("table", { class: "report-table med-list" },
      h("caption", { class: "visually-hidden" }, t("share.safety.med.caption")),
      h("thead", {}, h("tr", {}, col("name"), col("dose"), col("class"), col("started"), col("stopped"), col("changes"),
        withNotes ? col("notes") : null)),
      h("tbody", {}, items.map((m) => h("tr", { "data-medication": m.id },
        h("th", { scope: "row" }, h("span", { class: "user-text" }, m.name)),
        h("td", {}, m.dose ? h("span", { class: "user-text" }, m.dose) : "—"),
        h("td", {}, medClassLabel(m.class)),
        h("td", {}, time(m.started_on)),
        h("td", {}, m.stopped_on ? time(m.stopped_on) : t("share.safety.med.ongoing")),
        h("td", {}, (m.changes || []).length ? h("ul", { class: "cell-list" }, m.changes.map((c) =>
          h("li", {}, time(c.date), " — ", c.dose ? h("span", { class: "user-text" }, c.dose) : "—"))) : "—"),
        withNotes ? h("td", { class: "notes-cell" }, m.notes || "—") : null)))));
}

function medicationsSection(data) {
  const items = data.medication_list || [];
  const markers = data.medications || [];
  if (!items.length && !markers.length) return null;
  return h("section", { class: "report-medications", "aria-labelledby": "medications-title" },
    h("h2", { id: "medications-title" }, t("share.safety.medications")),
    h("h3", { id: "med-list-title" }, t("share.safety.med.list")),
    items.length ? medicationList(items) : h("p", { class: "muted" }, t("share.safety.med.none")),
    markers.length ? [h("h3", { id: "med-changes-title" }, t("share.safety.med.changes_in_range")),
      medicationChangesTable(markers, "med-changes-title")] : null);
}

function bladderSection(data) {
  const checks = data.bladder_checks || [];
  if (!checks.length) return null;
  return h("section", { class: "report-bladder", "aria-labelledby": "bladder-title" },
    h("h2", { id: "bladder-title" }, t("share.safety.bladder.title")),
    h("p", { class: "muted" }, t("share.safety.bladder.intro")),
    h("div", { class: "table-scroll", tabindex: "0", role: "region", "aria-labelledby": "bladder-title" },
      h("table", { class: "report-table bladder-table" },
        h("caption", { class: "visually-hidden" }, t("share.safety.bladder.caption")),
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("share.safety.bladder.date")),
          h("th", { scope: "col" }, t("share.safety.bladder.answer")))),
        h("tbody", {}, [...checks].reverse().map((c) => h("tr", { "data-date": c.date, class: c.symptoms.length ? "has-symptoms" : null },
          h("th", { scope: "row" }, time(c.date)),
          h("td", {}, c.symptoms.length
            ? h("strong", { class: "symptoms" }, list(c.symptoms.map(sideEffectLabel)))
            : t("share.safety.bladder.none"))))))));
}

// Every session the server flagged, first on the page (after any questionnaire flag): its
// date and each flag in words, the sessions with a very high reading first, then newest
// first. Information for the provider; it blocked nothing.
function flagSummary(data) {
  const veryHigh = (s) => s.flags.some((f) => f.code === "bp_very_high");
  const flagged = [...data.treatments].reverse().filter((s) => (s.flags || []).length)
    .sort((a, b) => veryHigh(b) - veryHigh(a));
  if (!flagged.length) return null;
  return h("section", { class: "card bp-summary", "aria-labelledby": "bp-summary-title" },
    h("h2", { id: "bp-summary-title" }, t("share.safety.flags_title")),
    h("ul", { class: "bp-summary-list" }, flagged.map((s) => h("li", { "data-treatment": s.id },
      time(s.local_date), " — ", seriousFirst(s.flags).map((f) => flagText(f)).join("; ")))),
    h("p", { class: "muted" }, t("share.safety.flags_note")));
}

// The safety parts for share.js to place, once their words and styles are in: the flagged
// sessions (first on the page) and "Download medications (CSV)", with the report's first
// screen; then, as the rest of the report is built, each session's details under its row of
// the sessions table in `root`, and the medication and bladder sections after that table.
export async function safetyParts(data) {
  await Promise.all([extend("safety"), safetyStyles()]);
  return {
    flag: flagSummary(data),
    download: h("button", { type: "button", class: "btn", "data-download": "medications.csv" }, t("share.safety.medications_csv")),
    sessionDetails: (root) => addSessionDetails(root, data),
    sections: () => [medicationsSection(data), bladderSection(data)].filter(Boolean),
  };
}
