// This device's Web Push subscription: whether reminders can reach it at all, turning them
// on (the permission prompt, PushManager with the server's key, POST /push/subscriptions)
// and off (DELETE /push/subscriptions, then unsubscribe). Loaded by Settings only.

import { request } from "./api.js";

const READY_MS = 5000;

// iPhone and iPad (an iPad says "Macintosh" but has a touch screen) in a browser tab: Apple
// allows Web Push only to an app opened from the Home Screen.
export function iosOutsideHomeScreen() {
  const ios = /iPad|iPhone|iPod/.test(navigator.userAgent)
    || (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1);
  const standalone = navigator.standalone === true || matchMedia("(display-mode: standalone)").matches;
  return ios && !standalone;
}

export const supported = () => "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;

// "ios" (add to the Home Screen first), "unsupported", "denied" (blocked in the browser's
// settings), or "ready" (the button can ask).
export function availability() {
  if (iosOutsideHomeScreen()) return "ios";
  if (!supported()) return "unsupported";
  if (Notification.permission === "denied") return "denied";
  return "ready";
}

async function registration() {
  const timeout = new Promise((resolve) => setTimeout(resolve, READY_MS, null));
  return Promise.race([navigator.serviceWorker.ready, timeout]);
}

// The subscription this browser holds for this app, or null.
export async function current() {
  // None without a worker registered here (not yet, or the browser refused one: it would
  // never be ready): Settings shows at once that reminders are off on this device.
  if (!supported() || !(await navigator.serviceWorker.getRegistration())) return null;
  const reg = await registration();
  return reg ? reg.pushManager.getSubscription() : null;
}

// The server's VAPID key, base64url, as the bytes PushManager wants.
function keyBytes(base64url) {
  const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(base64url.length / 4) * 4, "=");
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

// Asks for permission: call it first thing in the tap's handler (Safari allows the prompt
// only there). "granted", "denied" or "default" (dismissed).
export function askPermission() {
  return Notification.requestPermission();
}

// Subscribes this browser (permission already granted) and tells the server, with the
// language its reminders should be worded in.
export async function subscribe(language) {
  const { data } = await request("GET", "/push/key");
  const reg = await registration();
  if (!reg) throw new Error("no service worker");
  let subscription = await reg.pushManager.getSubscription();
  if (!subscription) {
    subscription = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(data.public_key) });
  }
  const { endpoint, keys } = subscription.toJSON();
  await request("POST", "/push/subscriptions", { body: { endpoint, keys: { p256dh: keys.p256dh, auth: keys.auth }, language } });
  return subscription;
}

// Stops reminders to this browser: the server forgets the endpoint, then the browser does.
export async function unsubscribe() {
  const subscription = await current();
  if (!subscription) return;
  await request("DELETE", "/push/subscriptions", { body: { endpoint: subscription.endpoint } });
  await subscription.unsubscribe();
}

// "Turn off on all devices": the server forgets every subscription of the patient (the
// other devices' browsers keep theirs, unused); this browser forgets its own.
export async function unsubscribeEverywhere() {
  await request("DELETE", "/push/subscriptions", { body: { all: true } });
  const subscription = await current().catch(() => null);
  if (subscription) await subscription.unsubscribe().catch(() => {});
}

// Before logging out: best effort, never in the way (offline, the server drops the endpoint
// when the push service says it is gone).
export async function forget() {
  try {
    const subscription = await current();
    if (!subscription) return;
    await request("DELETE", "/push/subscriptions", { body: { endpoint: subscription.endpoint } }).catch(() => {});
    await subscription.unsubscribe().catch(() => {});
  } catch {
    // nothing to forget
  }
}

// The account is gone (and its subscriptions with it on the server): the browser forgets too.
export async function dropHere() {
  try {
    const subscription = await current();
    if (subscription) await subscription.unsubscribe();
  } catch {
    // nothing to drop
  }
}
