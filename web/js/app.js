// The app shell: client-side routing (screens get `navigate` through ctx), the sync badge,
// the service worker. Who is logged in lives in session.js; nothing imports this module.

import { OfflineError, request } from "./api.js";
import * as i18n from "./i18n.js";
import { h } from "./dom.js";
import * as outbox from "./outbox.js";
import { ended, loggedIn, remembered, resume, session } from "./session.js";

const { t } = i18n;

// Each screen's module and the catalog scope with its words (api/web.py, APP_SCOPES), both
// fetched when the screen is first shown, at the same time.
const screens = {
  today: [() => import("./screens/today.js"), "today"],
  history: [() => import("./screens/history.js"), "history"],
  day: [() => import("./screens/day.js"), "day"],
  treatments: [() => import("./screens/treatments.js"), "treatments"],
  treatment: [() => import("./screens/treatment.js"), "treatments"],
  trends: [() => import("./screens/trends.js"), "trends"],
  settings: [() => import("./screens/settings.js"), "settings"],
  login: [() => import("./screens/login.js"), "login"],
  register: [() => import("./screens/login.js"), "login"],
  sharing: [() => import("./screens/sharing.js"), "sharing"],
  reset: [() => import("./screens/reset.js"), "reset"],
  forgot: [() => import("./screens/reset.js"), "reset"],
  checkin: [() => import("./screens/checkin.js"), "checkin"],
  medications: [() => import("./screens/medications.js"), "medications"],
  imports: [() => import("./screens/import.js"), "imports"],
  clinic: [() => import("./screens/clinic.js"), "panel"],
};

// A screen's module with its words (the module is fetched once by the browser; the scope
// once by i18n.extend).
async function loadScreen(name) {
  const [module] = await Promise.all([screens[name][0](), i18n.extend(screens[name][1])]);
  return module;
}

const ROUTES = [
  [/^\/(?:today)?\/?$/, "today", "today"],
  [/^\/history\/?$/, "history", "history"],
  [/^\/history\/(\d{4}-\d{2}-\d{2})$/, "day", "history"],
  [/^\/treatments\/?$/, "treatments", "treatments"],
  [/^\/treatments\/(new|[0-9a-fA-F-]{36})$/, "treatment", "treatments"],
  [/^\/checkin\/([a-z0-9_]+)$/, "checkin", "today"],
  [/^\/trends\/?$/, "trends", "trends"],
  [/^\/settings\/?$/, "settings", "settings"],
  [/^\/medications(?:\/(new|[0-9a-fA-F-]{36}))?\/?$/, "medications", "settings"],
  [/^\/imports\/?$/, "imports", "settings"],
  [/^\/share-links\/?$/, "sharing", "share"],
  [/^\/login\/?$/, "login", null],
  [/^\/register\/?$/, "register", null],
  [/^\/reset\/?$/, "reset", null],
  [/^\/forgot\/?$/, "forgot", null],
  [/^\/clinic\/?$/, "clinic", null],
];
// Screens for someone who is not logged in; the first two send a logged-in patient to Today.
const PUBLIC = new Set(["login", "register", "reset", "forgot"]);
const LOGGED_OUT_ONLY = new Set(["login", "register", "forgot"]);
// A clinic's provider sees only these (GET /me says "role": "provider"); a patient never.
const PROVIDER_SCREENS = new Set(["clinic"]);
const isProvider = (user) => user?.role === "provider";
// Where someone logged in starts: a provider at the clinic's panel, a patient on Today.
const home = (user) => (isProvider(user) ? "/clinic" : "/today");

const main = document.getElementById("main");
let cleanup = null;
let renderCount = 0;
// The data the opening screen's module asked for as the page opened (start()), if any.
let opened = null;

function match(pathname) {
  for (const [pattern, name, tab] of ROUTES) {
    const found = pathname.match(pattern);
    if (found) return { name, tab, params: found.slice(1) };
  }
  return null;
}

// `notice`: a sentence the next screen shows once (e.g. the Log in screen after a reset).
// Screens get it as ctx.navigate.
function navigate(path, { replace = false, notice = null } = {}) {
  const state = notice ? { notice } : null;
  if (replace) history.replaceState(state, "", path);
  else history.pushState(state, "", path);
  return render();
}

async function render() {
  const route = match(location.pathname);
  const user = session.user;
  if (!route) return navigate(home(user), { replace: true });
  if (!user && !PUBLIC.has(route.name)) return navigate("/login", { replace: true });
  if (user && LOGGED_OUT_ONLY.has(route.name)) return navigate(home(user), { replace: true });
  if (user && !PUBLIC.has(route.name) && PROVIDER_SCREENS.has(route.name) !== isProvider(user)) {
    return navigate(home(user), { replace: true });
  }

  const mine = ++renderCount;
  if (cleanup) {
    try { cleanup(); } catch { /* a screen that failed to clean up must not block the next */ }
    cleanup = null;
  }
  document.body.classList.toggle("no-tabs", !route.tab);
  const tabbar = document.getElementById("tabbar");
  tabbar.hidden = !route.tab;
  for (const link of tabbar.querySelectorAll("a")) {
    if (link.dataset.tab === route.tab) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  // The data the opening screen's module asked for as the page opened goes to the first
  // render (the opening screen's own, unless the server said otherwise: a screen without
  // `prepare` ignores it).
  const early = opened;
  opened = null;
  // The screen left is cleaned up: a tap on it until the next one shows would be lost.
  main.inert = true;
  const container = h("div", { class: `screen screen-${route.name}` });
  try {
    // A screen whose code or words cannot be fetched (offline before the worker kept them)
    // shows why, like a screen that failed: the one left must not stay shown and inert.
    const [module, prepared] = await Promise.all([loadScreen(route.name), early]);
    if (mine !== renderCount) return undefined;
    cleanup = (await module.render(container, { user: session.user, params: route.params,
      navigate, route: route.name, prepared, isCurrent: () => mine === renderCount })) || null;
  } catch (error) {
    console.warn(error);
    container.replaceChildren(h("h1", { tabindex: "-1" }, t("app.error.title")),
      h("p", {}, error instanceof OfflineError || !navigator.onLine ? t("app.error.offline")
        : error.message));
  }
  if (mine !== renderCount) return undefined;
  main.replaceChildren(container);
  main.inert = false;
  const heading = container.querySelector("h1");
  document.title = heading ? t("app.title", { screen: heading.textContent }) : t("app.name");
  if (mine > 1 && heading) heading.focus({ preventScroll: true });
  window.scrollTo(0, 0);
  if (session.user) startWorker();
  return undefined;
}

// ---- Sync badge and banner ----

async function showSyncState() {
  const s = await outbox.summary();
  const badge = document.getElementById("sync-badge");
  const attention = s.conflicts + s.rejected;
  badge.classList.toggle("attention", attention > 0);
  if (attention) {
    badge.textContent = t("app.sync.choice", { count: attention });
  } else if (s.waiting) {
    badge.textContent = t("app.sync.waiting", { count: s.waiting });
  }
  badge.hidden = !attention && !s.waiting;
  const banner = document.getElementById("banner");
  if (s.needsLogin && (s.waiting || attention)) {
    const n = s.waiting + attention;
    banner.replaceChildren(t("app.banner.logged_out", { count: n }), " ",
      h("a", { href: "/login" }, t("app.banner.log_in")));
    banner.hidden = false;
  } else {
    banner.hidden = true;
  }
}

async function onBadge() {
  const s = await outbox.summary();
  if (s.conflicts + s.rejected) {
    const { showConflicts } = await import("./conflicts.js");
    await showConflicts();
    render();
  } else {
    await outbox.flush();
  }
}

function showOnline() {
  document.getElementById("offline-pill").hidden = navigator.onLine;
}

// ---- Start ----

// The manifest in the active language (install prompts and the home-screen name).
const MANIFESTS = { es: "/manifest.es.webmanifest" };
function useManifest(language) {
  const link = document.querySelector('link[rel="manifest"]');
  if (link && MANIFESTS[language]) link.setAttribute("href", MANIFESTS[language]);
}

async function start() {
  // The opening screen's module and words are fetched beside the shell's, not after them,
  // when it is the screen this device will show (a stranger at /today is sent to /login);
  // and its data too, when its module can ask for it (`prepare(user)`: Today's).
  const known = await remembered();
  if (known) outbox.setOwner(known.email); // what they queued here is theirs to read and send
  const opening = match(location.pathname);
  const ready = opening && PUBLIC.has(opening.name) !== Boolean(known);
  if (ready) {
    const loading = screens[opening.name][0]();
    loading.catch(() => {}); // render() reports a failure
    // (Not for a provider: app.js sends them from Today to the clinic's panel.)
    if (known && !isProvider(known)) opened = loading.then((m) => m.prepare?.(known), () => null);
  }
  // Only ask the server who we are when this device remembers someone: a stranger's first
  // visit goes straight to the log-in screen without a 401. Asked now, beside the catalog.
  const me = known ? request("GET", "/me") : null;
  if (me) me.catch(() => {}); // answered below
  // Every string on screen comes from the active language's catalog (web/js/i18n.js).
  const also = ready ? [screens[opening.name][1]] : [];
  await i18n.load(undefined, { also }).catch(() => i18n.load("en", { also }));
  i18n.translatePage();
  useManifest(i18n.lang());
  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[href]");
    if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey
      || event.shiftKey || link.target || link.hasAttribute("download")) return;
    const url = new URL(link.href);
    if (url.origin !== location.origin || url.pathname.startsWith("/api/") || !match(url.pathname)) return;
    event.preventDefault();
    if (url.pathname !== location.pathname) navigate(url.pathname + url.search);
  });
  window.addEventListener("popstate", () => render());
  window.addEventListener("online", showOnline);
  window.addEventListener("offline", showOnline);
  window.addEventListener("relieflog:unauthorized", () => {
    if (session.user && !PUBLIC.has((match(location.pathname) || {}).name)) {
      ended();
      navigate("/login", { replace: true });
    }
  });
  outbox.events.addEventListener("change", showSyncState);
  document.getElementById("sync-badge").addEventListener("click", onBadge);
  outbox.installTriggers();
  showOnline();

  if (known) {
    try {
      const { data } = await me;
      await loggedIn(data);
    } catch (error) {
      // A 401: their queue waits for them to log in again. Offline or a server's error:
      // this device is trusted until the server can say otherwise.
      if (error.status === 401) outbox.markNeedsLogin();
      else resume(known);
    }
  }
  await render();
  showSyncState();
}

// ---- Service worker ----

// Registered once someone is logged in and a screen of theirs is shown, when the page is
// idle: neither the worker nor what it keeps for offline use (every file of the app, every
// scope of the language's catalog) competes with the first load (docs/benchmarks.md). It
// keeps the catalog's scopes of the active language when asked ("qps" reads en.json).
let workerStarted = false;
function startWorker() {
  if (workerStarted || !("serviceWorker" in navigator)) return;
  workerStarted = true;
  // A tapped reminder (sw.js) routes an open window to the screen it names.
  navigator.serviceWorker.addEventListener("message", (event) => {
    const { type, path } = event.data || {};
    if (type !== "relieflog:open" || typeof path !== "string" || !path.startsWith("/") || path.startsWith("//")) return;
    const url = new URL(path, location.origin);
    if (url.origin === location.origin && match(url.pathname)) navigate(url.pathname + url.search);
  });
  // The worker in charge of this page keeps the language's scopes: the one there now, and
  // any that takes over later (a new worker starts with an empty cache).
  const keepCatalog = () => {
    const worker = navigator.serviceWorker.controller;
    if (worker) worker.postMessage({ type: "relieflog:catalog", path: i18n.catalogPath() });
  };
  navigator.serviceWorker.addEventListener("controllerchange", keepCatalog);
  const idle = window.requestIdleCallback || ((then) => setTimeout(then, 500));
  idle(() => {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch((error) => console.warn("service worker", error));
    keepCatalog();
  }, { timeout: 5000 });
}

start();
