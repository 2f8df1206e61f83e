// Relieflog service worker: keeps the app shell (HTML, CSS, JS, icons) and the active
// language's catalog so the app opens offline. It never stores anything from /api/: health
// data lives only in the page's IndexedDB, under the app's control, and is wiped on log-out.

const VERSION = "relieflog-shell-v6";
const SHELL = [
  "/",
  "/css/app.css",
  "/css/checkins.css",
  "/js/app.js",
  "/js/api.js",
  "/js/db.js",
  "/js/outbox.js",
  "/js/store.js",
  "/js/session.js",
  "/js/dom.js",
  "/js/controls.js",
  "/js/dates.js",
  "/js/vocabulary.js",
  "/js/i18n.js",
  "/js/problems.js",
  "/js/entry-form.js",
  "/js/conflicts.js",
  "/js/chart.js",
  "/js/report.js",
  "/js/tables.js",
  "/js/checkin-tables.js",
  "/js/questionnaires.js",
  "/js/checkins.js",
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
// Message catalogs are not in the shell: each is cached the first time the page fetches it,
// so only the active language is ever downloaded, and it is there offline afterwards.
const CATALOG = /^\/i18n\/[a-z]{2,3}\.json$/;
const NETWORK_TIMEOUT_MS = 4000;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(VERSION)
      .then((cache) => cache.addAll(SHELL.map((path) => new Request(path, { cache: "reload" }))))
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
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/") || url.pathname === "/share" || url.pathname === "/healthz") return;
  if (request.mode === "navigate") {
    // Every page of the app is the same shell; it routes on the client.
    event.respondWith(networkFirst(request, "/"));
    return;
  }
  if ((SHELL_PATHS.has(url.pathname) || CATALOG.test(url.pathname)) && !url.search) {
    event.respondWith(networkFirst(request, url.pathname));
  }
});
