// The session form's safety part: blood-pressure readings (before, during, after dosing; up to
// 12), the observation time, and the sedating medicines taken that day (`concomitant`),
// pre-filled for a new session from the medication list. Whether a reading is high is the
// server's to say (its `flags`); this form only checks that the numbers are whole numbers.

import * as store from "./store.js";
import { checkList, field } from "./controls.js";
import { fromZoneInput, toZoneInput } from "./zone-input.js";
import { h } from "./dom.js";
import { t } from "./i18n.js";
import { CONCOMITANT, bpPhaseOptions, concomitantOptions } from "./safety-words.js";

const MAX_READINGS = 12; // the API's limit

// "" → null; a whole number → the number; anything else → NaN (an error for the field).
function whole(text) {
  const trimmed = text.trim();
  if (trimmed === "") return null;
  return /^\d+$/.test(trimmed) ? Number(trimmed) : NaN;
}

// Minutes after the session's start a reading of each phase is usually taken.
const USUAL_OFFSET = { before: 0, during: 20, after: 60 };

// When a new reading was taken, on the account's clocks: now while the session is under
// way (it started in the last 12 hours), else the session's start plus the phase's usual
// offset; and never the time of a reading already in the form (each reading its own time).
function defaultTime(phase, startedValue, timeZone, taken) {
  const now = toZoneInput(null, timeZone);
  const start = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(startedValue || "")
    ? new Date(fromZoneInput(startedValue.slice(0, 16), timeZone)).getTime() : NaN;
  let at;
  if (Number.isNaN(start)) at = now;
  else {
    const sinceStart = Date.now() - start;
    at = sinceStart >= 0 && sinceStart < 12 * 3_600_000 && phase !== "before" ? now
      : toZoneInput(new Date(start + (USUAL_OFFSET[phase] ?? 0) * 60_000).toISOString(), timeZone);
  }
  for (let i = 0; i < 24 && taken.includes(at); i += 1) {
    at = toZoneInput(new Date(new Date(fromZoneInput(at, timeZone)).getTime() + 5 * 60_000).toISOString(), timeZone);
  }
  return at;
}

// The medication classes that are also `concomitant` keys, of the medications taken on `day`.
export function activeSedating(medications, day) {
  const sedating = new Set(CONCOMITANT.map(([key]) => key));
  const active = medications.filter((m) => m.started_on <= day && (!m.stopped_on || m.stopped_on >= day)
    && sedating.has(m.class));
  return { classes: [...new Set(active.map((m) => m.class))], names: active.map((m) => m.name) };
}

export function vitalsForm(session, { started, isNew, timeZone, zoneNote }) {
  const rows = h("div", { class: "bp-rows" });
  const readings = [];
  const addButtons = bpPhaseOptions().map(([phase, label]) => {
    const button = h("button", { type: "button", class: "btn btn-small", "data-add-phase": phase },
      t("treatments.bp.add", { phase: label }));
    button.addEventListener("click", () => {
      const row = addReading({ phase, taken_at: null });
      row.fields.systolic.control.focus();
    });
    return button;
  });
  const full = h("p", { class: "muted", hidden: true }, t("treatments.bp.full", { count: MAX_READINGS }));

  function renumber() {
    readings.forEach((row, i) => {
      row.legend.textContent = t("treatments.bp.reading", { number: i + 1 });
      row.remove.textContent = t("treatments.bp.remove", { number: i + 1 });
    });
    for (const b of addButtons) b.hidden = readings.length >= MAX_READINGS;
    full.hidden = readings.length < MAX_READINGS;
  }

  function addReading(r) {
    const number = (value) => h("input", { type: "text", inputmode: "numeric", pattern: "[0-9]*", autocomplete: "off",
      value: value ?? "" });
    const fields = {
      phase: field(t("treatments.bp.phase"), h("select", {}, bpPhaseOptions().map(([key, label]) =>
        h("option", { value: key, selected: key === r.phase }, label)))),
      taken_at: field(t("treatments.bp.time"), h("input", { type: "datetime-local",
        value: r.taken_at ? toZoneInput(r.taken_at, timeZone)
          : defaultTime(r.phase, started.control.value, timeZone, readings.map((x) => x.fields.taken_at.control.value)) }),
      zoneNote),
      systolic: field(t("treatments.bp.systolic"), number(r.systolic)),
      diastolic: field(t("treatments.bp.diastolic"), number(r.diastolic)),
      heart_rate: field(t("treatments.bp.heart_rate"), number(r.heart_rate)),
      spo2: field(t("treatments.bp.spo2"), number(r.spo2)),
    };
    const legend = h("legend", { class: "label" });
    const remove = h("button", { type: "button", class: "btn btn-small btn-danger" });
    const row = h("fieldset", { class: "bp-row" }, legend,
      fields.phase, fields.taken_at,
      h("div", { class: "row-2" }, fields.systolic, fields.diastolic),
      h("div", { class: "row-2" }, fields.heart_rate, fields.spo2),
      remove);
    const entry = { row, fields, legend, remove };
    remove.addEventListener("click", () => {
      readings.splice(readings.indexOf(entry), 1);
      row.remove();
      renumber();
      (addButtons.find((b) => !b.hidden) || rows).focus();
    });
    readings.push(entry);
    rows.append(row);
    renumber();
    return entry;
  }

  for (const r of session.vitals || []) addReading(r);
  renumber();

  const observation = field(t("treatments.observation"), h("input", { type: "text", inputmode: "numeric", pattern: "[0-9]*",
    autocomplete: "off", value: session.observation_minutes ?? "" }), t("treatments.observation_help"));

  const concomitant = checkList(t("treatments.concomitant"), concomitantOptions(), session.concomitant || []);
  const prefillNote = h("p", { class: "muted prefill-note", "aria-live": "polite" });
  let touched = !isNew;
  concomitant.addEventListener("change", () => { touched = true; });
  let medications = null;
  async function prefill() {
    if (touched) return;
    if (!medications) medications = (await store.medications().catch(() => ({ rows: [] }))).rows;
    if (touched) return;
    const day = (started.control.value || toZoneInput(null, timeZone)).slice(0, 10);
    const { classes, names } = activeSedating(medications, day);
    for (const input of concomitant.querySelectorAll("input")) input.checked = classes.includes(input.value);
    prefillNote.textContent = names.length ? t("treatments.concomitant_prefilled", { names: names.join(", ") }) : "";
  }
  if (isNew) {
    prefill();
    started.control.addEventListener("change", prefill);
  }

  const part = [
    h("section", { class: "card bp-card", "aria-labelledby": "bp-title" },
      h("h2", { id: "bp-title" }, t("treatments.bp.title")),
      h("p", { class: "muted" }, t("treatments.bp.intro")),
      rows, full,
      h("div", { class: "actions bp-add" }, addButtons),
      observation),
    h("section", { class: "card", "aria-labelledby": "concomitant-title" },
      h("h2", { id: "concomitant-title", class: "visually-hidden" }, t("treatments.concomitant")),
      concomitant, prefillNote,
      h("p", { class: "back" }, h("a", { href: "/medications" }, t("treatments.medications_link")))),
  ];

  // The server's field names (vitals.0.systolic, observation_minutes) → their fields.
  function fieldMap() {
    const map = { observation_minutes: observation };
    readings.forEach((row, i) => {
      for (const [key, f] of Object.entries(row.fields)) map[`vitals.${i}.${key}`] = f;
    });
    return map;
  }

  // { vitals, observation_minutes, concomitant }, or null after showing what is wrong.
  function read() {
    for (const f of Object.values(fieldMap())) f.showError("");
    const vitals = [];
    for (const row of readings) {
      const { fields } = row;
      const value = {};
      for (const key of ["systolic", "diastolic", "heart_rate", "spo2"]) {
        const n = whole(fields[key].control.value);
        const required = key === "systolic" || key === "diastolic";
        if (Number.isNaN(n) || (required && n === null)) {
          fields[key].showError(t(required && n === null ? "treatments.bp.missing" : "treatments.bp.whole_number"));
          fields[key].control.focus();
          return null;
        }
        value[key] = n;
      }
      const time = fields.taken_at.control.value;
      if (!time || Number.isNaN(new Date(time).getTime())) {
        fields.taken_at.showError(t("treatments.started_at_invalid"));
        fields.taken_at.control.focus();
        return null;
      }
      vitals.push({ taken_at: fromZoneInput(time, timeZone), phase: fields.phase.control.value, ...value });
    }
    const minutes = whole(observation.control.value);
    if (Number.isNaN(minutes)) {
      observation.showError(t("treatments.bp.whole_number"));
      observation.control.focus();
      return null;
    }
    return { vitals, observation_minutes: minutes, concomitant: concomitant.read() };
  }

  return { part, read, fieldMap };
}
