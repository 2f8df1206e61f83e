// The outbox: every write is queued in IndexedDB first, then sent when the network allows.
//
// One item per thing written: entries and weekly bladder checks by date ("entry:2026-03-01",
// "bladder:2026-03-01"), treatments, questionnaire responses and medications by their client
// UUID ("treatment:…", "response:…", "medication:…"). A newer write
// for the same key replaces the queued one. Every kind of write is idempotent on the server,
// so sending an item twice is harmless. An item queued as a `draft` (a check-in not yet
// complete, which the server would refuse) is kept on this device and never sent, until a
// write of the same key queues it for real.

import { OfflineError, request } from "./api.js";
import * as db from "./db.js";

export const events = new EventTarget();
const state = { owner: null, needsLogin: false, offline: false };
let running = null;
let retryTimer = null;

const ENTRY_FIELDS = ["pain", "mood", "anxiety", "energy", "sleep_hours", "sleep_quality",
  "side_effects", "tags", "notes"];
const TREATMENT_FIELDS = ["started_at", "route", "medication", "dose_mg", "dose_mg_per_kg",
  "duration_minutes", "with_psychotherapy", "phase", "clinic", "pain_before", "pain_after",
  "mood_before", "mood_after", "dissociation", "side_effects", "notes", "vitals",
  "observation_minutes", "concomitant"];

const RESPONSE_FIELDS = ["instrument", "answered_at", "answers", "difficulty"];
const MEDICATION_FIELDS = ["name", "dose", "class", "started_on", "stopped_on", "notes"];
const BLADDER_FIELDS = ["symptoms"];

// Each kind of write: its fields, where the server keeps it, and this device's cache of it.
const KINDS = {
  entry: { fields: ENTRY_FIELDS, path: "/entries/", store: "entries" },
  treatment: { fields: TREATMENT_FIELDS, path: "/treatments/", store: "treatments" },
  response: { fields: RESPONSE_FIELDS, path: "/responses/", store: "responses" },
  medication: { fields: MEDICATION_FIELDS, path: "/medications/", store: "medications" },
  bladder: { fields: BLADDER_FIELDS, path: "/bladder-checks/", store: "bladder" },
};

export function fieldsOf(kind) {
  return KINDS[kind].fields;
}

function changed() {
  events.dispatchEvent(new Event("change"));
}

// The account whose writes this device sends; items queued by someone else wait for them.
export function setOwner(email) {
  state.owner = email || null;
  if (email) state.needsLogin = false;
  changed();
}

export function markNeedsLogin() {
  state.needsLogin = true;
  changed();
}

export function needsLogin() {
  return state.needsLogin;
}

// The id of something new written on this phone (a treatment session, a questionnaire
// response): a version 4 UUID, made here so the write can be sent any number of times.
// crypto.randomUUID exists only in secure contexts (not plain HTTP on a LAN).
export function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function newSeq() {
  return `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

export async function enqueue({ kind, op, id, body = null, baseVersion = null, draft = false }) {
  const key = `${kind}:${id}`;
  await db.update("outbox", key, (previous) => ({
    key, kind, op, id, body,
    // The server has seen none of the queued edits, so the first one's base still applies.
    baseVersion: previous && previous.status !== "rejected" ? previous.baseVersion : baseVersion,
    owner: state.owner,
    seq: newSeq(),
    status: draft ? "draft" : "pending",
    queuedAt: new Date().toISOString(),
  }));
  changed();
  return key;
}

export async function items() {
  const all = await db.getAll("outbox");
  return all.filter((item) => item.owner === state.owner);
}

export async function item(kind, id) {
  const found = await db.get("outbox", `${kind}:${id}`);
  return found && found.owner === state.owner ? found : null;
}

export async function summary() {
  const mine = await items();
  return {
    waiting: mine.filter((i) => i.status === "pending").length,
    conflicts: mine.filter((i) => i.status === "conflict").length,
    rejected: mine.filter((i) => i.status === "rejected").length,
    needsLogin: state.needsLogin,
  };
}

// One item of a list field (a blood-pressure reading): its filled-in fields in key order,
// moments as instants, so the server's form of the same reading compares equal.
function normalItem(x) {
  if (!x || typeof x !== "object") return x;
  return JSON.stringify(Object.keys(x).filter((k) => x[k] !== null && x[k] !== undefined).sort()
    .map((k) => [k, k === "taken_at" ? new Date(x[k]).getTime() : x[k]]));
}

function normal(kind, value) {
  const out = {};
  for (const field of fieldsOf(kind)) {
    let v = value ? value[field] : undefined;
    if (v === undefined) v = null;
    if ((field === "started_at" || field === "answered_at") && v) v = new Date(v).getTime();
    if (Array.isArray(v)) v = v.map(normalItem);
    else if (v && typeof v === "object") v = Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)));
    if ((field === "notes" || field === "clinic" || field === "dose") && v === null) v = "";
    out[field] = v;
  }
  return out;
}

export function sameContent(kind, a, b) {
  return JSON.stringify(normal(kind, a)) === JSON.stringify(normal(kind, b));
}

export function cacheStore(kind) {
  return KINDS[kind].store;
}

// The field that names a record of this kind: "date" for entries and bladder checks.
export const keyField = (kind) => (kind === "entry" || kind === "bladder" ? "date" : "id");

function path(item) {
  return `${KINDS[item.kind].path}${item.id}`;
}

// Done with `sent`: remove it unless a newer write replaced it meanwhile; that newer
// write is now based on the version the server just stored.
async function settle(sent, serverRow) {
  const store = cacheStore(sent.kind);
  if (serverRow) await db.put(store, serverRow);
  else await db.remove(store, sent.id);
  await db.update("outbox", sent.key, (current) => {
    if (!current) return undefined;
    if (current.seq === sent.seq) return null;
    if (current.baseVersion === sent.baseVersion) {
      return { ...current, baseVersion: serverRow ? serverRow.version : null };
    }
    return undefined;
  });
}

async function mark(sent, fields) {
  await db.update("outbox", sent.key, (current) =>
    current && current.seq === sent.seq ? { ...current, ...fields } : undefined);
}

async function send(item) {
  if (item.op === "delete") {
    try {
      await request("DELETE", path(item));
    } catch (error) {
      if (error.status !== 404) throw error; // already gone: that is what we wanted
    }
    await settle(item, null);
    return;
  }
  const { data } = await request("PUT", path(item), { body: item.body, ifMatch: item.baseVersion });
  await settle(item, data);
}

async function conflict(item, current) {
  if (item.op === "delete" ? current === null : current && sameContent(item.kind, item.body, current)) {
    await settle(item, current); // the server already has exactly this
    return;
  }
  await mark(item, { status: "conflict", server: current || null });
}

async function run() {
  if (!state.owner) return;
  const queue = (await items())
    .filter((i) => i.status === "pending")
    .sort((a, b) => (a.queuedAt < b.queuedAt ? -1 : a.queuedAt > b.queuedAt ? 1 : 0));
  let retry = false;
  for (const queued of queue) {
    try {
      await send(queued);
      state.offline = false;
    } catch (error) {
      if (error instanceof OfflineError) {
        state.offline = true;
        break;
      }
      if (error.status === 401) {
        state.needsLogin = true; // keep everything; sync again after logging in
        break;
      }
      if (error.status === 412) {
        await conflict(queued, error.problem.current ?? null);
      } else if (error.status === 429 || error.status >= 500) {
        retry = true; // the server will take it later
        break;
      } else {
        await mark(queued, { status: "rejected", message: error.message, errors: error.fieldErrors });
      }
    }
    changed();
  }
  changed();
  clearTimeout(retryTimer);
  if (retry) retryTimer = setTimeout(flush, 20000);
}

// Send what is waiting. Only one flush runs at a time, across tabs too; a call during a
// flush gets a second pass after it, so a write queued meanwhile is not left behind.
let again = null;
export function flush() {
  if (running) {
    if (!again) again = running.then(() => flush());
    return again;
  }
  again = null;
  const go = () => run().catch((error) => console.warn("sync failed", error));
  running = (navigator.locks ? navigator.locks.request("relieflog-outbox", go) : go())
    .finally(() => { running = null; });
  return running;
}

// The patient chose in the 412 dialog: keep their version (send it again on top of the
// server's) or keep the server's (drop theirs).
export async function resolve(key, choice) {
  const found = await db.get("outbox", key);
  if (!found) return;
  if (choice === "mine") {
    await db.update("outbox", key, (current) => current && {
      ...current, status: "pending", baseVersion: current.server ? current.server.version : null,
      server: undefined,
    });
    changed();
    await flush();
  } else {
    if (found.server) await db.put(cacheStore(found.kind), found.server);
    else await db.remove(cacheStore(found.kind), found.id);
    await db.remove("outbox", key);
    changed();
  }
}

export async function discard(key) {
  await db.remove("outbox", key);
  changed();
}

export function installTriggers() {
  window.addEventListener("online", () => flush());
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") flush();
  });
}
