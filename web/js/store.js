// What the screens read: the server's data when reachable, else this device's cache,
// always overlaid with the writes still waiting in the outbox (read-your-writes offline).

import { OfflineError, get } from "./api.js";
import * as db from "./db.js";
import * as outbox from "./outbox.js";

function overlay(item, base) {
  if (!item) return base;
  if (item.op === "delete") return null;
  return { ...(base || {}), ...item.body, [outbox.keyField(item.kind)]: item.id,
    pending: item.status, version: base ? base.version : item.baseVersion };
}

export async function entry(date) {
  let cached = (await db.get("entries", date)) || null;
  try {
    // The list endpoint answers 200 for an unlogged day, where GET /entries/{date} is a 404.
    const { data } = await get(`/entries?from=${date}&to=${date}`);
    cached = data.items[0] || null;
    if (cached) await db.put("entries", cached);
    else await db.remove("entries", date);
  } catch (error) {
    if (!(error instanceof OfflineError)) throw error;
  }
  return overlay(await outbox.item("entry", date), cached);
}

async function listFresh(kind, path, inRange) {
  const store = outbox.cacheStore(kind);
  const keyOf = (row) => row[outbox.keyField(kind)];
  let rows;
  let offline = false;
  try {
    rows = (await get(path)).data.items;
    // The server's answer replaces what this device remembered for that range.
    const stale = (await db.getAll(store)).filter((row) => inRange(row)).map(keyOf);
    if (stale.length) await db.remove(store, ...stale);
    if (rows.length) await db.put(store, ...rows);
  } catch (error) {
    if (!(error instanceof OfflineError)) throw error;
    offline = true;
    rows = (await db.getAll(store)).filter((row) => inRange(row));
  }
  const byKey = new Map(rows.map((row) => [keyOf(row), row]));
  for (const item of await outbox.items()) {
    if (item.kind !== kind) continue;
    const merged = overlay(item, byKey.get(item.id));
    if (merged === null) byKey.delete(item.id);
    else if (inRange(merged)) byKey.set(item.id, merged);
  }
  return { rows: [...byKey.values()], offline };
}

export async function entries(from, to) {
  const result = await listFresh("entry", `/entries?from=${from}&to=${to}`,
    (row) => row.date >= from && row.date <= to);
  result.rows.sort((a, b) => (a.date < b.date ? 1 : -1));
  return result;
}

export async function treatments() {
  const result = await listFresh("treatment", "/treatments", () => true);
  result.rows.sort((a, b) => new Date(b.started_at) - new Date(a.started_at));
  return result;
}

// A session as this device last had it from the server (after a save: with its flags).
export const cached = async (id) => (await db.get("treatments", id)) || null;

export async function treatment(id) {
  let cached = (await db.get("treatments", id)) || null;
  try {
    const { data } = await get(`/treatments/${id}`);
    cached = data;
    await db.put("treatments", data);
  } catch (error) {
    if (error.status === 404) cached = null;
    else if (!(error instanceof OfflineError)) throw error;
  }
  return overlay(await outbox.item("treatment", id), cached);
}

// The medication list, ordered as the server orders it (started_on, then name).
export async function medications() {
  const result = await listFresh("medication", "/medications", () => true);
  result.rows.sort((a, b) => (a.started_on < b.started_on ? -1 : a.started_on > b.started_on ? 1
    : (a.name || "").localeCompare(b.name || "")));
  return result;
}

export async function medication(id) {
  let cached = (await db.get("medications", id)) || null;
  try {
    const { data } = await get(`/medications/${id}`);
    cached = data;
    await db.put("medications", data);
  } catch (error) {
    if (error.status === 404) cached = null;
    else if (!(error instanceof OfflineError)) throw error;
  }
  return overlay(await outbox.item("medication", id), cached);
}

// Health data stays on a shared phone no longer than the login does.
export async function forget() {
  await db.clear("entries", "treatments", "responses", "medications", "bladder", "meta");
}
