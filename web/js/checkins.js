// Which questionnaires are due on this phone (Today's cards): the server's answer,
// remembered for offline use and overlaid with answers still waiting in the outbox.
// Answering one is checkin-answers.js, which only the check-in screen loads.

import { OfflineError, get } from "./api.js";
import * as db from "./db.js";
import * as outbox from "./outbox.js";

// Answers the server has not had yet (or took, while this list was offline) are not due.
async function answeredHere(since) {
  const instruments = new Set();
  for (const item of await outbox.items()) {
    if (item.kind === "response" && item.op === "put" && item.status !== "rejected" && item.status !== "draft") {
      instruments.add(item.body.instrument);
    }
  }
  if (since) {
    for (const response of await db.getAll("responses")) {
      if (new Date(response.answered_at) >= new Date(since)) instruments.add(response.instrument);
    }
  }
  return instruments;
}

// [{instrument, due_since, reason}] for the patient's enabled questionnaires that are due.
export async function due() {
  let items;
  let since = null;
  try {
    items = (await get("/questionnaires/due")).data.items || [];
    await db.setMeta("due", { items, at: new Date().toISOString() });
  } catch (error) {
    if (!(error instanceof OfflineError)) throw error;
    const kept = await db.getMeta("due");
    items = kept ? kept.items : [];
    since = kept ? kept.at : null;
  }
  const answered = await answeredHere(since);
  return items.filter((d) => !answered.has(d.instrument));
}
