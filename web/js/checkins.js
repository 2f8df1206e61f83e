// The patient's check-ins on this phone: which questionnaires are due (the server's answer,
// remembered for offline use and overlaid with answers still waiting in the outbox), and
// saving an answer through the outbox under a UUID made here, so that sending it twice —
// offline, then again online — never makes two. The server scores every answer.
// Answers are kept the moment they change (keep): queued to send once every item is
// answered, before that a draft on this phone that the next visit to the check-in resumes.

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

// The version of response `id` the server last sent this phone (null when it has none yet):
// a change after the answers first synced is based on it.
async function syncedVersion(id) {
  const cached = await db.get("responses", id);
  return cached ? cached.version ?? null : null;
}

// Keep a check-in's answers as they are now, before any screen reacts to them (the crisis
// screen included); resolves once IndexedDB has stored them. `complete` (every item
// answered): queued as PUT /responses/<id> and a send begun — every later change (the
// difficulty item, an answer changed) replaces it under the same UUID. Not complete yet:
// a draft that stays on this phone (the server takes only complete answers; 422).
export async function keep(id, body, { complete }) {
  const baseVersion = complete ? await syncedVersion(id) : null;
  await outbox.enqueue({ kind: "response", op: "put", id, body, baseVersion, draft: !complete });
  if (complete) outbox.flush();
}

// This patient's unfinished check-in of `instrument` kept on this phone (the latest), or null.
export async function draft(instrument) {
  const drafts = (await outbox.items())
    .filter((i) => i.kind === "response" && i.status === "draft" && i.body && i.body.instrument === instrument)
    .sort((a, b) => (a.queuedAt < b.queuedAt ? -1 : 1));
  return drafts.pop() || null;
}

// Queue one answered questionnaire and try to send it. { synced: true, response } with the
// server's scored response, or { synced: false, item } with what waits in the outbox (its
// status says why: "pending" offline, "rejected" with the server's field errors).
export async function save(id, body) {
  await outbox.enqueue({ kind: "response", op: "put", id, body, baseVersion: await syncedVersion(id) });
  await outbox.flush();
  const item = await outbox.item("response", id);
  if (item) return { synced: false, item };
  return { synced: true, response: await db.get("responses", id) };
}

// The scored response once the outbox has sent it, else null.
export async function synced(id) {
  if (await outbox.item("response", id)) return null;
  return (await db.get("responses", id)) || null;
}

export const discard = (id) => outbox.discard(`response:${id}`);
