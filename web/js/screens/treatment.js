// Record or change one treatment session. New sessions get their UUID here, on the phone,
// so saving twice (or offline, then again online) can never create two.

import * as outbox from "../outbox.js";
import * as store from "../store.js";
import {
  checkList, field, formError, scaleFor, screenHead, showFieldErrors, toast,
} from "../controls.js";
import { confirm } from "../dialogs.js";
import { deviceZoneDiffers, fromZoneInput, toZoneInput, zonePlace } from "../zone-input.js";
import { h } from "../dom.js";
import { t } from "../i18n.js";
import { phaseOptions, routeOptions, sideEffectOptions } from "../vocabulary.js";
import { flagList, safetyStyles } from "../safety.js";
import { vitalsForm } from "../vitals-form.js";

function numberOrNull(text) {
  const trimmed = text.trim();
  return trimmed === "" ? null : Number(trimmed);
}

// What the server flagged about this session's blood pressure (it never stops anything), or,
// while the session waits to sync, that the flags come then.
function flagsCard(s, timeZone) {
  if (s.pending && (s.vitals || []).length) {
    return h("p", { class: "status-line waiting bp-pending" }, t("treatments.flags_after_sync"));
  }
  const list = flagList(s.flags, timeZone);
  if (!list) return null;
  return h("section", { class: "card bp-alert", "aria-labelledby": "flags-title" },
    h("h2", { id: "flags-title" }, t("treatments.flags_title")),
    list,
    h("p", { class: "muted" }, t("treatments.flags_note")));
}

export async function render(container, ctx) {
  const [which] = ctx.params;
  const isNew = which === "new";
  const id = isNew ? outbox.uuid() : which;
  let s = isNew ? null : await store.treatment(id);
  if (!isNew && !s) {
    container.append(screenHead(t("treatments.not_found")), h("p", {}, h("a", { href: "/treatments" }, t("treatments.back_to_list"))));
    return;
  }
  if (isNew) {
    // Most patients repeat the same route, dose and clinic: start from the last session.
    const { rows } = await store.treatments().catch(() => ({ rows: [] }));
    const last = rows[0];
    s = last ? { route: last.route, medication: last.medication, dose_mg: last.dose_mg,
      dose_mg_per_kg: last.dose_mg_per_kg, duration_minutes: last.duration_minutes,
      with_psychotherapy: last.with_psychotherapy, clinic: last.clinic } : {};
  }

  // Times on the account's clocks (its time zone), named when this phone's clocks differ.
  const timeZone = ctx.user.timezone;
  const zoneNote = deviceZoneDiffers(timeZone) ? t("treatments.zone_note", { zone: zonePlace(timeZone) }) : undefined;
  const started = field(t("treatments.started_at"), h("input", { type: "datetime-local", required: true,
    value: toZoneInput(s.started_at, timeZone) }), zoneNote);
  const route = field(t("treatments.route"), h("select", { required: true },
    routeOptions().map(([key, label]) => h("option", { value: key, selected: key === (s.route || "iv_infusion") }, label))));
  // The medicine's name in the patient's language ("ketamina"): stored as typed, free text.
  const usual = t("treatments.medication_default");
  const medication = field(t("treatments.medication"), h("input", { type: "text", list: "medications", value: s.medication || usual, maxlength: "64" }));
  const medications = h("datalist", { id: "medications" }, h("option", { value: usual }), h("option", { value: t("treatments.medication_esketamine") }));
  const doseMg = field(t("treatments.dose_mg"), h("input", { type: "number", inputmode: "decimal", min: "0", step: "any", value: s.dose_mg ?? "" }));
  const doseKg = field(t("treatments.dose_mg_per_kg"), h("input", { type: "number", inputmode: "decimal", min: "0", step: "any", value: s.dose_mg_per_kg ?? "" }));
  const duration = field(t("treatments.duration"), h("input", { type: "number", inputmode: "numeric", min: "0", max: "1440", step: "1", value: s.duration_minutes ?? "" }));
  const kap = h("label", { class: "check single" }, h("input", { type: "checkbox", checked: !!s.with_psychotherapy }), t("treatments.with_psychotherapy"));
  const phase = field(t("treatments.phase"), h("select", {},
    [["", t("treatments.phase_not_set")], ...phaseOptions()]
      .map(([key, label]) => h("option", { value: key, selected: key === (s.phase || "") }, label))));
  const clinic = field(t("treatments.clinic"), h("input", { type: "text", maxlength: "120", autocomplete: "organization", value: s.clinic || "" }));
  const scales = {
    pain_before: scaleFor("pain", s.pain_before ?? null, "pain"),
    pain_after: scaleFor("pain", s.pain_after ?? null, "pain"),
    mood_before: scaleFor("mood", s.mood_before ?? null, "mood"),
    mood_after: scaleFor("mood", s.mood_after ?? null, "mood"),
    dissociation: scaleFor("dissociation", s.dissociation ?? null),
  };
  const names = { pain_before: t("treatments.pain_before"), pain_after: t("treatments.pain_after"),
    mood_before: t("treatments.mood_before"), mood_after: t("treatments.mood_after") };
  for (const [key, label] of Object.entries(names)) {
    scales[key].querySelector(".label").textContent = label;
    scales[key].querySelector(".scale-clear").setAttribute("aria-label", t("controls.scale.clear_label", { label }));
  }
  for (const key of ["pain_before", "pain_after"]) scales[key].querySelector(".scale-meaning").remove();
  const sideEffects = checkList(t("treatments.side_effects"), sideEffectOptions(), s.side_effects || []);
  const notesInput = h("textarea", { maxlength: "2000", rows: "4", value: s.notes || "" });
  const notes = field(t("treatments.notes"), notesInput);
  const error = formError();
  const fields = { started_at: started, route, medication, dose_mg: doseMg, dose_mg_per_kg: doseKg, duration_minutes: duration, clinic, notes };
  const safety = vitalsForm(s, { started, isNew, timeZone, zoneNote });
  await safetyStyles();

  const save = h("button", { type: "submit", class: "btn btn-primary btn-block" }, t("treatments.save"));
  const remove = isNew ? null : h("button", { type: "button", class: "btn btn-danger" }, t("treatments.delete"));
  const form = h("form", { novalidate: true },
    h("section", { class: "card" }, h("h2", {}, t("treatments.session")), started, route, medication, medications,
      h("div", { class: "row-2" }, doseMg, doseKg), duration, h("div", { class: "field" }, kap), phase, clinic),
    h("section", { class: "card" }, h("h2", {}, t("treatments.before_after")),
      h("p", { class: "muted" }, t("treatments.before_after_note")),
      scales.pain_before, scales.pain_after, scales.mood_before, scales.mood_after, scales.dissociation),
    ...safety.part,
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
      started.showError(t("treatments.started_at_invalid"));
      started.control.focus();
      return;
    }
    const numbers = { dose_mg: numberOrNull(doseMg.control.value), dose_mg_per_kg: numberOrNull(doseKg.control.value),
      duration_minutes: numberOrNull(duration.control.value) };
    for (const [key, n] of Object.entries(numbers)) {
      if (n !== null && (!Number.isFinite(n) || n < 0 || (key !== "duration_minutes" && n === 0))) {
        fields[key].showError(t("treatments.number_invalid"));
        fields[key].control.focus();
        return;
      }
    }
    if (numbers.duration_minutes !== null && (!Number.isInteger(numbers.duration_minutes) || numbers.duration_minutes > 1440)) {
      duration.showError(t("treatments.duration_invalid", { max: 1440 }));
      duration.control.focus();
      return;
    }
    const safe = safety.read();
    if (!safe) return;
    const body = {
      started_at: fromZoneInput(value, timeZone),
      route: route.control.value,
      medication: medication.control.value.trim() || usual,
      ...numbers,
      with_psychotherapy: kap.querySelector("input").checked,
      phase: phase.control.value || null,
      clinic: clinic.control.value.trim(),
      pain_before: scales.pain_before.read(), pain_after: scales.pain_after.read(),
      mood_before: scales.mood_before.read(), mood_after: scales.mood_after.read(),
      dissociation: scales.dissociation.read(),
      side_effects: sideEffects.read(),
      notes: notesInput.value,
      ...safe,
    };
    save.disabled = true;
    try {
      await outbox.enqueue({ kind: "treatment", op: "put", id, body, baseVersion: isNew ? null : s.version ?? null });
      await outbox.flush();
      const still = await outbox.item("treatment", id);
      if (still && still.status === "rejected") {
        // The server's words under the fields it names (vitals.0.diastolic), else above Save.
        showFieldErrors({ ...fields, ...safety.fieldMap() }, { fieldErrors: still.errors || {}, message: still.message }, error);
        return;
      }
      if (still && still.status === "conflict") {
        const { showConflicts } = await import("../conflicts.js");
        await showConflicts();
      }
      const after = await outbox.item("treatment", id);
      if (after) {
        toast(body.vitals.length ? t("treatments.saved_offline_flags") : t("controls.toast.saved_offline"));
        ctx.navigate("/treatments");
        return;
      }
      toast(t("controls.toast.saved"));
      // The server's flags, if any, are shown on the session itself.
      const saved = await store.cached(id);
      if (saved && saved.flags && saved.flags.length) ctx.navigate(`/treatments/${id}`, { replace: true });
      else ctx.navigate("/treatments");
    } finally {
      save.disabled = false;
    }
  });

  if (remove) {
    remove.addEventListener("click", async () => {
      const ok = await confirm(t("treatments.delete_title"), t("treatments.delete_message"));
      if (!ok) return;
      await outbox.enqueue({ kind: "treatment", op: "delete", id });
      await outbox.flush();
      toast(t("controls.toast.deleted"));
      ctx.navigate("/treatments");
    });
  }

  container.append(
    h("p", { class: "back" }, h("a", { href: "/treatments" }, t("treatments.back"))),
    screenHead(isNew ? t("treatments.record") : t("treatments.change")),
    flagsCard(s, ctx.user.timezone) || "",
    form);
}
