// Who is logged in on this device. The shell (app.js) and the screens that log in, log out
// or change the account all use this module, so no screen imports app.js. Read
// `session.user` anywhere; change it only through the functions below.

import * as db from "./db.js";
import * as outbox from "./outbox.js";

export const session = { user: null };

// The patient this device remembers from last time, or undefined.
export const remembered = () => db.getMeta("user");

export async function loggedIn(user) {
  const previous = await remembered();
  if (previous && previous.email !== user.email) await db.clear("entries", "treatments", "responses", "medications", "bladder");
  session.user = user;
  await db.setMeta("user", user);
  outbox.setOwner(user.email);
  outbox.flush();
}

export async function loggedOut() {
  const mine = await outbox.items();
  if (mine.length) await db.remove("outbox", ...mine.map((i) => i.key));
  await db.clear("entries", "treatments", "responses", "medications", "bladder", "meta");
  session.user = null;
  outbox.setOwner(null);
}

export function updateUser(user) {
  session.user = user;
  return db.setMeta("user", user);
}

// The server cannot say who this is right now (offline): trust this device's patient until
// it can.
export function resume(user) {
  session.user = user;
}

// The server ended this login (a 401, or a password reset, which ends every login): the
// patient logs in again. Nothing on this device is wiped; the outbox keeps what is queued.
export function ended() {
  session.user = null;
}
