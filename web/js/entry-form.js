// The form for one day's entry: pain and mood up front, everything else under "More".

import * as outbox from "./outbox.js";
import { checkList, field, formError, scaleFor } from "./controls.js";
import { h } from "./dom.js";
import { t } from "./i18n.js";
import { sideEffectOptions } from "./vocabulary.js";

const OPTIONAL = ["anxiety", "energy", "sleep_hours", "sleep_quality"];

function countOptional(entry) {
  if (!entry) return 0;
  let n = OPTIONAL.filter((k) => entry[k] !== null && entry[k] !== undefined).length;
  if (entry.side_effects && entry.side_effects.length) n += 1;
  if (entry.tags && entry.tags.length) n += 1;
  if (entry.notes) n += 1;
  return n;
}

export function entryForm({ date, entry, onSaved, extraActions = [] }) {
  const e = entry || {};
  const pain = scaleFor("pain", e.pain ?? null, "pain");
  const mood = scaleFor("mood", e.mood ?? null, "mood");
  const anxiety = scaleFor("anxiety", e.anxiety ?? null);
  const energy = scaleFor("energy", e.energy ?? null);
  const sleepQuality = scaleFor("sleep_quality", e.sleep_quality ?? null);
  const sleepHours = field(t("entry.sleep_hours"),
    h("input", { type: "number", inputmode: "decimal", min: "0", max: "24", step: "0.1",
      value: e.sleep_hours ?? "" }),
    t("entry.sleep_hours_help", { example: 6.5 }));
  const sideEffects = checkList(t("entry.side_effects"), sideEffectOptions(), e.side_effects || []);
  const tags = field(t("entry.tags"), h("input", { type: "text", autocomplete: "off", value: (e.tags || []).join(", ") }),
    t("entry.tags_help"));
  const notesInput = h("textarea", { maxlength: "2000", rows: "4", value: e.notes || "" });
  const notes = field(t("entry.note"), notesInput, t("entry.note_help", { count: 2000 }));
  const error = formError();
  const n = countOptional(entry);
  const more = h("details", { class: "more" },
    h("summary", {}, t("entry.more"), h("span", { class: "summary-note" },
      n ? t("entry.more_filled", { count: n }) : t("entry.more_hint"))),
    h("div", { class: "more-body" }, anxiety, energy, sleepHours, sleepQuality, sideEffects, tags, notes));
  const save = h("button", { type: "submit", class: "btn btn-primary btn-block" }, t("entry.save"));
  const form = h("form", { class: "entry-form", novalidate: true },
    pain, mood, more, error,
    h("div", { class: "save-bar" }, save),
    extraActions.length ? h("div", { class: "actions" }, extraActions) : null);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.show("");
    sleepHours.showError("");
    tags.showError("");
    const hoursText = sleepHours.control.value.trim();
    const hours = hoursText === "" ? null : Number(hoursText);
    if (hours !== null && (!Number.isFinite(hours) || hours < 0 || hours > 24)) {
      sleepHours.showError(t("entry.sleep_hours_invalid", { min: 0, max: 24 }));
      more.open = true;
      sleepHours.control.focus();
      return;
    }
    const tagList = [...new Set(tags.control.value.split(",").map((t) => t.trim()).filter(Boolean))];
    if (tagList.length > 20 || tagList.some((t) => t.length > 32)) {
      tags.showError(t("entry.tags_invalid", { count: 20, length: 32 }));
      more.open = true;
      tags.control.focus();
      return;
    }
    const body = {
      pain: pain.read(), mood: mood.read(), anxiety: anxiety.read(), energy: energy.read(),
      sleep_hours: hours === null ? null : Math.round(hours * 10) / 10,
      sleep_quality: sleepQuality.read(),
      side_effects: sideEffects.read(), tags: tagList, notes: notesInput.value,
    };
    if (["pain", "mood", "anxiety", "energy", "sleep_hours", "sleep_quality"].every((k) => body[k] === null)) {
      error.show(t("entry.empty"));
      pain.querySelector("input").focus();
      return;
    }
    save.disabled = true;
    try {
      await outbox.enqueue({ kind: "entry", op: "put", id: date, body,
        baseVersion: entry ? entry.version ?? null : null });
      await outbox.flush();
      const still = await outbox.item("entry", date);
      if (still && still.status === "rejected") {
        error.show(still.message);
        return;
      }
      if (still && still.status === "conflict") {
        const { showConflicts } = await import("./conflicts.js");
        await showConflicts();
      }
      const after = await outbox.item("entry", date);
      if (onSaved) await onSaved({ synced: !after, item: after });
    } finally {
      save.disabled = false;
    }
  });
  return form;
}
