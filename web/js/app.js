// The app shell: client-side routing (screens get `navigate` through ctx), the sync badge,
// the service worker. Who is logged in lives in session.js; nothing imports this module.

import { OfflineError, request } from "./api.js";
import * as i18n from "./i18n.js";
import { h } from "./dom.js";
import * as outbox from "./outbox.js";
import { ended, loggedIn, remembered, resume, session } from "./session.js";

const { t } = i18n;

const screens = {
  today: () => import("./screens/today.js"),
  history: () => import("./screens/history.js"),
  day: () => import("./screens/day.js"),
  treatments: () => import("./screens/treatments.js"),
  treatment: () => import("./screens/treatment.js"),
  trends: () => import("./screens/trends.js"),
  settings: () => import("./screens/settings.js"),
  login: () => import("./screens/login.js"),
  register: () => import("./screens/login.js"),
  sharing: () => import("./screens/sharing.js"),
  reset: () => import("./screens/reset.js"),
  forgot: () => import("./screens/reset.js"),
  checkin: () => import("./screens/checkin.js"),
  medications: () => import("./screens/medications.js"),
  clinic: () => import("./screens/clinic.js"),
};

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
const isProvider = (user) => Boolean(user && user.role === "provider");
// Where someone logged in starts: a provider at the clinic's panel, a patient on Today.
const home = (user) => (isProvider(user) ? "/clinic" : "/today");

const main = document.getElementById("main");
let cleanup = null;
let renderCount = 0;

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
  const module = await screens[route.name]();
  if (mine !== renderCount) return undefined;
  const container = h("div", { class: `screen screen-${route.name}` });
  const ctx = { user: session.user, params: route.params, navigate, route: route.name, isCurrent: () => mine === renderCount };
  try {
    cleanup = (await module.render(container, ctx)) || null;
  } catch (error) {
    console.warn(error);
    container.replaceChildren(h("h1", { tabindex: "-1" }, t("app.error.title")),
      h("p", {}, error instanceof OfflineError ? t("app.error.offline") : error.message));
  }
  if (mine !== renderCount) return undefined;
  main.replaceChildren(container);
  const heading = container.querySelector("h1");
  document.title = heading ? t("app.title", { screen: heading.textContent }) : t("app.name");
  if (mine > 1 && heading) heading.focus({ preventScroll: true });
  window.scrollTo(0, 0);
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
  // Every string on screen comes from the active language's catalog (web/js/i18n.js).
  await i18n.load().catch(() => i18n.load("en"));
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

  // Only ask the server who we are when this device remembers someone: a stranger's first
  // visit goes straight to the log-in screen without a 401.
  const known = await remembered();
  if (known) {
    outbox.setOwner(known.email);
    try {
      const { data } = await request("GET", "/me");
      await loggedIn(data);
    } catch (error) {
      if (error instanceof OfflineError) {
        resume(known); // offline: trust this device until the server can say otherwise
      } else if (error.status === 401) {
        outbox.markNeedsLogin(); // their queue waits for them to log in again
      } else {
        resume(known);
      }
    }
  }
  await render();
  showSyncState();

  if ("serviceWorker" in navigator) {
    // The worker keeps a catalog only when a page it controls fetches it, and a new worker
    // starts with an empty cache: whenever one takes this page over, fetch the active
    // catalog again through it, so the next start works offline ("qps" reads en.json).
    // Offline there is nothing to fetch it from (and the worker has no copy yet to answer
    // with): the next start online fetches it.
    navigator.serviceWorker.addEventListener("controllerchange", () => {
      if (navigator.onLine) fetch(i18n.catalogPath()).catch(() => {});
    });
    // A tapped reminder (sw.js) routes an open window to the screen it names.
    navigator.serviceWorker.addEventListener("message", (event) => {
      const { type, path } = event.data || {};
      if (type !== "relieflog:open" || typeof path !== "string" || !path.startsWith("/") || path.startsWith("//")) return;
      const url = new URL(path, location.origin);
      if (url.origin === location.origin && match(url.pathname)) navigate(url.pathname + url.search);
    });
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch((error) => console.warn("service worker", error));
  }
}

start();
