// A check-in's answers, saved through the outbox under a UUID made on this phone, so that
// sending them twice (offline, then again online) never makes two; the server scores them.
// Answers are kept the moment they change (keep): queued to send once every item is
// answered, before that a draft on this phone that the next visit to the check-in resumes.

import * as db from "./db.js";
import * as outbox from "./outbox.js";

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
