// IndexedDB on this device: the outbox of unsynced writes and a cache of what the server last
// sent (entries, treatments, questionnaire responses, medications, bladder checks).

const NAME = "relieflog";
const VERSION = 3;
export const STORES = ["outbox", "entries", "treatments", "responses", "medications", "bladder", "meta"];
const KEYS = { outbox: "key", entries: "date", treatments: "id", responses: "id", medications: "id", bladder: "date", meta: "key" };
let opening = null;

function open() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      const req = indexedDB.open(NAME, VERSION);
      // Version 2 added "responses" (questionnaires), 3 "medications" and "bladder" (weekly
      // bladder checks); an older database keeps its stores.
      req.onupgradeneeded = () => {
        const db = req.result;
        for (const store of STORES) {
          if (!db.objectStoreNames.contains(store)) db.createObjectStore(store, { keyPath: KEYS[store] });
        }
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }
  return opening;
}

function settled(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function finished(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = tx.onabort = () => reject(tx.error);
  });
}

export async function get(store, key) {
  const db = await open();
  return settled(db.transaction(store).objectStore(store).get(key));
}

export async function getAll(store) {
  const db = await open();
  return settled(db.transaction(store).objectStore(store).getAll());
}

export async function put(store, ...values) {
  const db = await open();
  const tx = db.transaction(store, "readwrite");
  for (const value of values) tx.objectStore(store).put(value);
  return finished(tx);
}

export async function remove(store, ...keys) {
  const db = await open();
  const tx = db.transaction(store, "readwrite");
  for (const key of keys) tx.objectStore(store).delete(key);
  return finished(tx);
}

export async function clear(...stores) {
  const db = await open();
  const tx = db.transaction(stores, "readwrite");
  for (const store of stores) tx.objectStore(store).clear();
  return finished(tx);
}

// Read, change and write one record atomically. `change(old)` returns the new record,
// null to delete it, or undefined to leave it alone.
export async function update(store, key, change) {
  const db = await open();
  const tx = db.transaction(store, "readwrite");
  const objects = tx.objectStore(store);
  const req = objects.get(key);
  req.onsuccess = () => {
    const next = change(req.result);
    if (next === null) objects.delete(key);
    else if (next !== undefined) objects.put(next);
  };
  return finished(tx);
}

export async function getMeta(key) {
  const row = await get("meta", key);
  return row ? row.value : undefined;
}

export function setMeta(key, value) {
  return put("meta", { key, value });
}
