// The weekly bladder question on Today (ketamine can irritate the bladder): shown while the
// server says it is due (GET /bladder-checks/due: 4 or more sessions in 30 days and no answer
// in the last 7 — the server's rule, not repeated here), remembered for offline use, and
// hidden while an answer from this phone waits in the outbox. The answer is saved through the
// outbox as PUT /bladder-checks/<today>, so it works offline and a replay is harmless.

import { OfflineError, get } from "./api.js";
import * as db from "./db.js";
import * as outbox from "./outbox.js";

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

// The card, or null when the question is not due (or cannot be known). The card itself
// (bladder-card.js, with the symptoms' words) loads only when it shows. `isDue`: due(), when
// already asked.
export async function bladderCard(day, isDue = due()) {
  let module;
  try {
    if (!(await isDue)) return null;
    module = await import("./bladder-card.js");
  } catch {
    return null; // the server failed: the diary comes first
  }
  return module.card(day, save);
}
