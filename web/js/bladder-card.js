// The weekly bladder question's card on Today: the symptoms as check boxes, *None of these*
// and *Save* (saved through bladder.js, which shows the card only while it is due).

import { toast } from "./controls.js";
import { h, nextId } from "./dom.js";
import { t } from "./i18n.js";
import { sideEffectLabel } from "./vocabulary.js";

// Bladder symptoms (ketamine cystitis): side effects Today asks about once a week.
const BLADDER_SYMPTOMS = ["urinary_frequency", "painful_urination", "blood_in_urine"];

export function card(day, save) {
  const titleId = nextId("bladder");
  const legendId = nextId("bladder-q");
  const boxes = BLADDER_SYMPTOMS.map((key) => h("label", { class: "check" },
    h("input", { type: "checkbox", value: key }), sideEffectLabel(key)));
  const error = h("p", { class: "form-error", role: "alert", hidden: true });
  const none = h("button", { type: "button", class: "btn" }, t("today.bladder.none"));
  const saveButton = h("button", { type: "button", class: "btn btn-primary" }, t("today.bladder.save"));
  const panel = h("section", { class: "card bladder-card", "aria-labelledby": titleId },
    h("h2", { id: titleId }, t("today.bladder.title")),
    h("fieldset", { class: "field plain" }, h("legend", { class: "label", id: legendId }, t("today.bladder.question")),
      h("div", { class: "checks" }, boxes)),
    h("p", { class: "muted" }, t("today.bladder.note")),
    error,
    h("div", { class: "actions" }, none, saveButton));
  async function answer(symptoms) {
    none.disabled = saveButton.disabled = true;
    try {
      const done = await save(day, symptoms);
      if (done.error) {
        error.textContent = done.error;
        error.hidden = false;
        return;
      }
      toast(done.synced ? t("controls.toast.saved") : t("controls.toast.saved_offline"));
      panel.remove();
    } finally {
      none.disabled = saveButton.disabled = false;
    }
  }
  none.addEventListener("click", () => answer([]));
  saveButton.addEventListener("click", () => answer(boxes.map((b) => b.querySelector("input")).filter((i) => i.checked).map((i) => i.value)));
  return panel;
}
