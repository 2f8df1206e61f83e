// Record or change one treatment session. New sessions get their UUID here, on the phone,
// so saving twice (or offline, then again online) can never create two.

import * as outbox from "../outbox.js";
import * as store from "../store.js";
import { checkList, confirm, field, formError, scaleFor, screenHead, toast } from "../controls.js";
import { toLocalInput, withLocalOffset } from "../dates.js";
import { h } from "../dom.js";
import { ROUTES, SIDE_EFFECTS } from "../vocabulary.js";

// A version 4 UUID; crypto.randomUUID exists only in secure contexts (not plain HTTP on a LAN).
function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function numberOrNull(text) {
  const t = text.trim();
  return t === "" ? null : Number(t);
}

export async function render(container, ctx) {
  const [which] = ctx.params;
  const isNew = which === "new";
  const id = isNew ? uuid() : which;
  let t = isNew ? null : await store.treatment(id);
  if (!isNew && !t) {
    container.append(screenHead("Session not found"), h("p", {}, h("a", { href: "/treatments" }, "Back to treatments")));
    return;
  }
  if (isNew) {
    // Most patients repeat the same route, dose and clinic: start from the last session.
    const { rows } = await store.treatments().catch(() => ({ rows: [] }));
    const last = rows[0];
    t = last ? { route: last.route, medication: last.medication, dose_mg: last.dose_mg,
      dose_mg_per_kg: last.dose_mg_per_kg, duration_minutes: last.duration_minutes,
      with_psychotherapy: last.with_psychotherapy, clinic: last.clinic } : {};
  }

  const started = field("Date and time", h("input", { type: "datetime-local", required: true, value: toLocalInput(t.started_at) }));
  const route = field("Route", h("select", { required: true },
    ROUTES.map(([key, label]) => h("option", { value: key, selected: key === (t.route || "iv_infusion") }, label))));
  const medication = field("Medication", h("input", { type: "text", list: "medications", value: t.medication || "ketamine", maxlength: "64" }));
  const medications = h("datalist", { id: "medications" }, h("option", { value: "ketamine" }), h("option", { value: "esketamine" }));
  const doseMg = field("Dose (mg)", h("input", { type: "number", inputmode: "decimal", min: "0", step: "any", value: t.dose_mg ?? "" }));
  const doseKg = field("Dose (mg/kg)", h("input", { type: "number", inputmode: "decimal", min: "0", step: "any", value: t.dose_mg_per_kg ?? "" }));
  const duration = field("Duration (minutes)", h("input", { type: "number", inputmode: "numeric", min: "0", max: "1440", step: "1", value: t.duration_minutes ?? "" }));
  const kap = h("label", { class: "check single" }, h("input", { type: "checkbox", checked: !!t.with_psychotherapy }), "With psychotherapy (KAP)");
  const phase = field("Phase", h("select", {},
    [["", "Not set"], ["induction", "Induction"], ["booster", "Booster"], ["maintenance", "Maintenance"]]
      .map(([key, label]) => h("option", { value: key, selected: key === (t.phase || "") }, label))));
  const clinic = field("Clinic", h("input", { type: "text", maxlength: "120", autocomplete: "organization", value: t.clinic || "" }));
  const scales = {
    pain_before: scaleFor("pain", t.pain_before ?? null, "pain"),
    pain_after: scaleFor("pain", t.pain_after ?? null, "pain"),
    mood_before: scaleFor("mood", t.mood_before ?? null, "mood"),
    mood_after: scaleFor("mood", t.mood_after ?? null, "mood"),
    dissociation: scaleFor("dissociation", t.dissociation ?? null),
  };
  const names = { pain_before: "Pain before", pain_after: "Pain after", mood_before: "Mood before", mood_after: "Mood after" };
  for (const [key, label] of Object.entries(names)) {
    scales[key].querySelector(".label").textContent = label;
    scales[key].querySelector(".scale-clear").setAttribute("aria-label", `Clear ${label}`);
  }
  for (const key of ["pain_before", "pain_after"]) scales[key].querySelector(".scale-meaning").remove();
  const sideEffects = checkList("Side effects", SIDE_EFFECTS, t.side_effects || []);
  const notesInput = h("textarea", { maxlength: "2000", rows: "4", value: t.notes || "" });
  const notes = field("Notes", notesInput);
  const error = formError();
  const fields = { started_at: started, route, medication, dose_mg: doseMg, dose_mg_per_kg: doseKg, duration_minutes: duration, clinic, notes };

  const save = h("button", { type: "submit", class: "btn btn-primary btn-block" }, "Save");
  const remove = isNew ? null : h("button", { type: "button", class: "btn btn-danger" }, "Delete session");
  const form = h("form", { novalidate: true },
    h("section", { class: "card" }, h("h2", {}, "Session"), started, route, medication, medications,
      h("div", { class: "row-2" }, doseMg, doseKg), duration, h("div", { class: "field" }, kap), phase, clinic),
    h("section", { class: "card" }, h("h2", {}, "Before and after"),
      h("p", { class: "muted" }, "Optional. How you felt right before the session and once it wore off."),
      scales.pain_before, scales.pain_after, scales.mood_before, scales.mood_after, scales.dissociation),
    h("section", { class: "card" }, sideEffects, notes),
    error,
    h("div", { class: "save-bar" }, save),
    remove ? h("div", { class: "actions" }, remove) : null);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.show("");
    for (const f of Object.values(fields)) f.showError("");
    const value = started.control.value;
    if (!value || Number.isNaN(new Date(value).getTime())) {
      started.showError("Enter the date and time the session started.");
      started.control.focus();
      return;
    }
    const numbers = { dose_mg: numberOrNull(doseMg.control.value), dose_mg_per_kg: numberOrNull(doseKg.control.value),
      duration_minutes: numberOrNull(duration.control.value) };
    for (const [key, n] of Object.entries(numbers)) {
      if (n !== null && (!Number.isFinite(n) || n < 0 || (key !== "duration_minutes" && n === 0))) {
        fields[key].showError("Enter a positive number, or leave it empty.");
        fields[key].control.focus();
        return;
      }
    }
    if (numbers.duration_minutes !== null && (!Number.isInteger(numbers.duration_minutes) || numbers.duration_minutes > 1440)) {
      duration.showError("Whole minutes, at most 1440.");
      duration.control.focus();
      return;
    }
    const body = {
      started_at: withLocalOffset(value),
      route: route.control.value,
      medication: medication.control.value.trim() || "ketamine",
      ...numbers,
      with_psychotherapy: kap.querySelector("input").checked,
      phase: phase.control.value || null,
      clinic: clinic.control.value.trim(),
      pain_before: scales.pain_before.read(), pain_after: scales.pain_after.read(),
      mood_before: scales.mood_before.read(), mood_after: scales.mood_after.read(),
      dissociation: scales.dissociation.read(),
      side_effects: sideEffects.read(),
      notes: notesInput.value,
    };
    save.disabled = true;
    try {
      await outbox.enqueue({ kind: "treatment", op: "put", id, body, baseVersion: isNew ? null : t.version ?? null });
      await outbox.flush();
      const still = await outbox.item("treatment", id);
      if (still && still.status === "rejected") {
        error.show(still.message);
        return;
      }
      if (still && still.status === "conflict") {
        const { showConflicts } = await import("../conflicts.js");
        await showConflicts();
      }
      const after = await outbox.item("treatment", id);
      toast(after ? "Saved on this phone — will sync" : "Saved");
      ctx.navigate("/treatments");
    } finally {
      save.disabled = false;
    }
  });

  if (remove) {
    remove.addEventListener("click", async () => {
      const ok = await confirm("Delete this session?", "It disappears from your list and from the trends chart.");
      if (!ok) return;
      await outbox.enqueue({ kind: "treatment", op: "delete", id });
      await outbox.flush();
      toast("Deleted");
      ctx.navigate("/treatments");
    });
  }

  container.append(
    h("p", { class: "back" }, h("a", { href: "/treatments" }, "‹ Treatments")),
    screenHead(isNew ? "Record a session" : "Change session"),
    form);
}
