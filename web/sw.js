// Relieflog service worker: keeps the app shell (HTML, CSS, JS, icons) and the active
// language's catalog (every scope of it) so the app opens offline. It never stores anything from /api/: health
// data lives only in the page's IndexedDB, under the app's control, and is wiped on log-out.
// It also shows reminders (Web Push) and opens the app when one is tapped.

const VERSION = "relieflog-shell-v18";
const SHELL = [
  "/",
  "/css/app.css",
  "/css/checkins.css",
  "/css/insights.css",
  "/css/safety.css",
  "/css/tables.css",
  "/css/sharing.css",
  "/js/app.js",
  "/js/api.js",
  "/js/db.js",
  "/js/outbox.js",
  "/js/store.js",
  "/js/session.js",
  "/js/dom.js",
  "/js/controls.js",
  "/js/dialogs.js",
  "/js/dates.js",
  "/js/vocabulary.js",
  "/js/i18n.js",
  "/js/intl-warm.js",
  "/js/problems.js",
  "/js/entry-form.js",
  "/js/conflicts.js",
  "/js/chart.js",
  "/js/report.js",
  "/js/insights.js",
  "/js/week-card.js",
  "/js/tables.js",
  "/js/table-labels.js",
  "/js/zone-input.js",
  "/js/checkin-tables.js",
  "/js/questionnaires.js",
  "/js/checkins.js",
  "/js/checkin-answers.js",
  "/js/push.js",
  "/js/reminders.js",
  "/js/two-step.js",
  "/js/passkeys.js",
  "/js/second-step.js",
  "/js/safety.js",
  "/js/safety-words.js",
  "/js/vitals-form.js",
  "/js/bladder.js",
  "/js/bladder-card.js",
  "/js/screens/today.js",
  "/js/screens/history.js",
  "/js/screens/day.js",
  "/js/screens/treatments.js",
  "/js/screens/treatment.js",
  "/js/screens/trends.js",
  "/js/screens/settings.js",
  "/js/screens/login.js",
  "/js/screens/sharing.js",
  "/js/screens/reset.js",
  "/js/screens/checkin.js",
  "/js/screens/medications.js",
  "/js/screens/import.js",
  "/css/import.css",
  "/js/screens/clinic.js",
  "/js/clinic-connect.js",
  "/css/clinic.css",
  "/css/two-step.css",
  "/vendor/uplot/uPlot.iife.min.js",
  "/vendor/uplot/uPlot.min.css",
  "/vendor/qrcode-generator/qrcode.esm.js",
  "/manifest.webmanifest",
  "/icons/icon-32.png",
  "/icons/icon-192.png",
  "/icons/icon-512.png",
  "/icons/apple-touch-icon.png",
];
const SHELL_PATHS = new Set(SHELL);
// Message catalogs are not in the shell: the page fetches its language's words one scope at
// a time (/i18n/<code>.json?scope=<name>, api/web.py APP_SCOPES), each kept as it passes
// through; once the app has shown a logged-in screen it asks for the rest of that language's
// scopes ("relieflog:catalog"), so every screen has its words offline. Only the active
// language is ever downloaded; never the provider's report's scopes.
const CATALOG = /^\/i18n\/[a-z]{2,3}\.json$/;
const CATALOG_SCOPES = ["app", "login", "reset", "today", "history", "day", "treatments", "trends",
  "settings", "sharing", "checkin", "medications", "imports", "panel", "conflicts", "secondstep",
  "insights"];
const isCatalog = (url) => CATALOG.test(url.pathname) && url.search.startsWith("?scope=")
  && CATALOG_SCOPES.includes(url.searchParams.get("scope")) && [...url.searchParams.keys()].length === 1;
const NETWORK_TIMEOUT_MS = 4000;

// What the worker keeps for later, fetched at low priority (the page comes first) and
// revalidated rather than downloaded again when the browser already has it (a 304 for the
// files the page just loaded). All or nothing: a missing file fails the install.
async function keep(cache, paths) {
  const responses = await Promise.all(paths.map(async (path) => {
    const response = await fetch(new Request(path, { cache: "no-cache", priority: "low" }));
    if (!response.ok) throw new Error(`${path}: ${response.status}`);
    return [path, response];
  }));
  await Promise.all(responses.map(([path, response]) => cache.put(path, response)));
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(VERSION)
      .then((cache) => keep(cache, SHELL))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== VERSION).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

// The page's language: each scope of its catalog this worker does not have yet.
async function keepCatalog(path) {
  if (typeof path !== "string" || !CATALOG.test(path)) return;
  const cache = await caches.open(VERSION);
  const missing = [];
  for (const scope of CATALOG_SCOPES) {
    const scoped = `${path}?scope=${scope}`;
    if (!(await cache.match(scoped))) missing.push(scoped);
  }
  await keep(cache, missing);
}

self.addEventListener("message", (event) => {
  const { type, path } = event.data || {};
  if (type === "relieflog:catalog") event.waitUntil(keepCatalog(path).catch(() => {}));
  if (type === "relieflog:shared-file" && event.ports[0]) handOverShared(event.ports[0]);
});

// ---- A file shared to the installed app (the manifest's share_target) ----
// The phone POSTs it (multipart, field "file") to SHARE_TARGET. The worker holds it in
// memory only (never in a cache: it is health data) and opens the Import screen, which asks
// for it once; then it is forgotten, and so it is if nobody asks within a minute.
const SHARE_TARGET = "/imports/shared";
const SHARED_KEPT_MS = 60000;
let shared = null; // { file, done }

function receiveShared(event) {
  const received = event.request.formData().then((form) => {
    const file = form.get("file");
    return file instanceof File ? file : null;
  }).catch(() => null);
  event.respondWith(received.then((file) => Response.redirect(
    new URL(file ? "/imports?shared" : "/imports", self.location.origin).href, 303)));
  // Kept alive until the screen takes the file, at most a minute.
  event.waitUntil(received.then((file) => file && new Promise((done) => {
    shared = { file, done };
    setTimeout(() => {
      if (shared && shared.file === file) shared = null;
      done();
    }, SHARED_KEPT_MS);
  })));
}

function handOverShared(port) {
  const held = shared;
  shared = null;
  port.postMessage({ file: held ? held.file : null });
  if (held) held.done();
}

// Network first so an update shows up at once; the cached copy when the network is down,
// or too slow (a clinic basement) and there is a cached copy. With nothing cached, a slow
// network is still the only answer, so it is awaited rather than failed.
async function networkFirst(request, cacheKey) {
  const cache = await caches.open(VERSION);
  const network = fetch(request).then(async (response) => {
    if (response.ok && response.type === "basic") await cache.put(cacheKey, response.clone());
    return response;
  });
  network.catch(() => {}); // when the cached copy answers first, a later failure is moot
  const slow = new Promise((resolve) => setTimeout(resolve, NETWORK_TIMEOUT_MS));
  try {
    const first = await Promise.race([network, slow]);
    if (first) return first;
    return (await cache.match(cacheKey)) || (await network);
  } catch (error) {
    const cached = await cache.match(cacheKey);
    if (cached) return cached;
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && url.pathname === SHARE_TARGET) {
    receiveShared(event);
    return;
  }
  if (request.method !== "GET") return;
  // The provider's report pages are not the app: never the shell, never cached.
  if (url.pathname.startsWith("/api/") || url.pathname === "/share" || url.pathname.startsWith("/clinic/patients/")
    || url.pathname === "/healthz") return;
  if (request.mode === "navigate") {
    // Every page of the app is the same shell; it routes on the client.
    event.respondWith(networkFirst(request, "/"));
    return;
  }
  if (SHELL_PATHS.has(url.pathname) && !url.search) {
    event.respondWith(networkFirst(request, url.pathname));
  } else if (isCatalog(url)) {
    event.respondWith(networkFirst(request, url.pathname + url.search));
  }
});

// ---- Reminders (Web Push) ----
// A reminder's payload is {kind, title, body, url} (docs/reminders-api.md on reminders-api),
// worded by the server in the language the subscription was made in, with no health data in it ("Time for today's check-in"). Nothing
// from a payload is ever put in a cache; the notification keeps only its kind and the path it
// opens.

const SNOOZE_PATH = "/api/v1/push/snooze";
const REMINDER_KINDS = new Set(["daily", "after_session", "questionnaire"]);

// A path of this app ("/history/2026-03-01"), never another site nor "//elsewhere": anything
// else opens Today.
function appPath(url) {
  if (typeof url !== "string" || !url.startsWith("/") || url.startsWith("//") || url.startsWith("/\\")) return "/today";
  try {
    const parsed = new URL(url, self.location.origin);
    if (parsed.origin !== self.location.origin || parsed.pathname.startsWith("/api/")) return "/today";
    return parsed.pathname + parsed.search;
  } catch {
    return "/today";
  }
}

// The "Remind me in an hour" button, in the payload's language when it names one, else the
// language whose catalog this worker keeps (the app's), else the browser's; no button when no
// catalog can be had. The words are in the shell's scope ("app").
async function snoozeLabel(language) {
  const cache = await caches.open(VERSION);
  const kept = (await cache.keys()).map((request) => new URL(request.url))
    .filter((url) => CATALOG.test(url.pathname) && url.search === "?scope=app").map((url) => url.pathname);
  const browser = `/i18n/${(self.navigator.language || "en").slice(0, 2)}.json`;
  const wanted = [language && `/i18n/${language}.json`, kept.includes(browser) ? browser : kept[0], browser, "/i18n/en.json"]
    .filter((path) => path && CATALOG.test(path));
  for (const path of wanted) {
    try {
      const scoped = `${path}?scope=app`;
      const response = (await cache.match(scoped)) || (await fetch(scoped));
      if (!response.ok) continue;
      const label = (await response.json())["push.snooze"];
      if (typeof label === "string" && label) return label;
    } catch {
      // the next language, or no button
    }
  }
  return null;
}

async function showReminder(payload) {
  const text = (value) => (typeof value === "string" ? value.slice(0, 200) : "");
  const kind = REMINDER_KINDS.has(payload.kind) ? payload.kind : "reminder";
  const language = typeof payload.lang === "string" && /^[a-z]{2,3}$/.test(payload.lang) ? payload.lang : null;
  const label = await snoozeLabel(language);
  await self.registration.showNotification(text(payload.title) || "Relieflog", {
    body: text(payload.body),
    icon: "/icons/icon-192.png",
    badge: "/icons/icon-192.png",
    tag: `relieflog-${kind}`, // a newer reminder of the same kind replaces the older one
    renotify: true,
    lang: language || undefined,
    data: { kind, url: appPath(payload.url) },
    actions: label ? [{ action: "snooze", title: label }] : [],
  });
}

self.addEventListener("push", (event) => {
  let payload = {};
  try {
    payload = (event.data && event.data.json()) || {};
  } catch {
    payload = {}; // not JSON: still a reminder, titled with the app's name
  }
  if (typeof payload !== "object" || Array.isArray(payload)) payload = {};
  event.waitUntil(showReminder(payload));
});

// A tap on the reminder opens the app (an open window of it is focused and routed there);
// "Remind me in an hour" asks the server to send it again later and opens nothing.
async function openFromNotification(notification, action) {
  const data = notification.data || {};
  notification.close();
  if (action === "snooze") {
    // POST /push/snooze {endpoint, kind} (docs/reminders-api.md): this device's endpoint
    // says whose reminder it is; the cookie, sent same-origin, who is asking.
    const subscription = await self.registration.pushManager.getSubscription().catch(() => null);
    if (!subscription || !REMINDER_KINDS.has(data.kind)) return;
    await fetch(SNOOZE_PATH, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ endpoint: subscription.endpoint, kind: data.kind }),
    }).catch(() => {}); // offline: the next reminder comes as usual
    return;
  }
  const path = appPath(data.url);
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  const open = windows.find((client) => new URL(client.url).origin === self.location.origin);
  if (open) {
    open.postMessage({ type: "relieflog:open", path });
    try {
      await open.focus();
    } catch {
      // focusing needs the tap's permission; the window is routed anyway
    }
    return;
  }
  await self.clients.openWindow(path);
}

self.addEventListener("notificationclick", (event) => {
  event.waitUntil(openFromNotification(event.notification, event.action));
});
