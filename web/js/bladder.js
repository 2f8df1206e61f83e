// The weekly bladder question on Today (ketamine can irritate the bladder): shown while the
// server says it is due (GET /bladder-checks/due: 4 or more sessions in 30 days and no answer
// in the last 7 — the server's rule, not repeated here), remembered for offline use, and
// hidden while an answer from this phone waits in the outbox. The answer is saved through the
// outbox as PUT /bladder-checks/<today>, so it works offline and a replay is harmless.

import { OfflineError, get } from "./api.js";
import * as db from "./db.js";
import * as outbox from "./outbox.js";
import { toast } from "./controls.js";
import { h, nextId } from "./dom.js";
import { t } from "./i18n.js";
import { sideEffectLabel } from "./vocabulary.js";

const MEMORY = "bladder_due";

export async function due() {
  let answer;
  try {
    answer = (await get("/bladder-checks/due")).data;
    await db.setMeta(MEMORY, answer);
  } catch (error) {
    if (!(error instanceof OfflineError)) throw error;
    answer = await db.getMeta(MEMORY);
  }
  if (!answer || !answer.due) return false;
  const waiting = (await outbox.items()).some((i) => i.kind === "bladder" && i.status !== "rejected");
  return !waiting;
}

async function save(day, symptoms) {
  await outbox.enqueue({ kind: "bladder", op: "put", id: day, body: { symptoms } });
  await outbox.flush();
  const still = await outbox.item("bladder", day);
  if (still && still.status === "rejected") return { error: still.message };
  if (!still) await db.setMeta(MEMORY, { ...((await db.getMeta(MEMORY)) || {}), due: false });
  return { synced: !still };
}

// The card, or null when the question is not due (or cannot be known).
export async function bladderCard(day) {
  let symptoms;
  try {
    if (!(await due())) return null;
    // The symptoms' list (with the other safety words) only for a card that shows.
    symptoms = (await import("./safety-words.js")).BLADDER_SYMPTOMS;
  } catch {
    return null; // the server failed: the diary comes first
  }
  const titleId = nextId("bladder");
  const legendId = nextId("bladder-q");
  const boxes = symptoms.map((key) => h("label", { class: "check" },
    h("input", { type: "checkbox", value: key }), sideEffectLabel(key)));
  const error = h("p", { class: "form-error", role: "alert", hidden: true });
  const none = h("button", { type: "button", class: "btn" }, t("today.bladder.none"));
  const saveButton = h("button", { type: "button", class: "btn btn-primary" }, t("today.bladder.save"));
  const card = h("section", { class: "card bladder-card", "aria-labelledby": titleId },
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
      card.remove();
    } finally {
      none.disabled = saveButton.disabled = false;
    }
  }
  none.addEventListener("click", () => answer([]));
  saveButton.addEventListener("click", () => answer(boxes.map((b) => b.querySelector("input")).filter((i) => i.checked).map((i) => i.value)));
  return card;
}
