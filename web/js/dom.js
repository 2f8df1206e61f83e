// Building the page: elements, ids for labels, the inline icons, and taking a secret out of
// the address bar.

export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  let value;
  for (const [key, v] of Object.entries(props || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (key === "class") el.className = v;
    else if (key === "text") el.textContent = v;
    else if (key === "value") value = v;
    else if (key.startsWith("on") && typeof v === "function") el.addEventListener(key.slice(2), v);
    else if (typeof v === "boolean") el.toggleAttribute(key, true);
    else el.setAttribute(key, v);
  }
  append(el, children);
  if (value !== undefined) el.value = value;
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

// A part's own stylesheet (css/…), added to the page once, whoever asks first; resolves when it
// has loaded, or failed (the part then works unstyled rather than not at all).
const sheets = new Map();
export function stylesheet(href) {
  if (!sheets.has(href)) {
    sheets.set(href, new Promise((done) => document.head.append(h("link", { rel: "stylesheet", href, onload: done, onerror: done }))));
  }
  return sheets.get(href);
}

// A classic script asked for now, to run when whoever needs it adds it (<script src>, which
// takes the preloaded response): uPlot beside chart.js, which runs it, not one round trip
// after it. Once per page.
export const UPLOT_SCRIPT = "/vendor/uplot/uPlot.iife.min.js";
const preloaded = new Set();
export function preloadScript(src) {
  if (preloaded.has(src)) return;
  preloaded.add(src);
  document.head.append(h("link", { rel: "preload", as: "script", href: src }));
}

let uid = 0;
export const nextId = (prefix = "f") => `${prefix}-${++uid}`;

export const icons = {
  check: () => svg("M5 12.5l4.5 4.5L19 7.5"),
  clock: () => svg("M12 7v5l3 2M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18"),
  clipboard: () => svg("M9 4h6v3H9zM9 5.5H6.5v15h11v-15H15M9 12l2 2 4-4"),
  chevron: () => svg("M9 5l7 7-7 7", "chev"),
  brand: () => svg("M2 14c3 0 4-6 7-6s4 8 7 8 3-4 6-4", "", "2.4"),
};

function svg(d, cls = "", strokeWidth = "2.2") {
  const ns = "http://www.w3.org/2000/svg";
  const el = document.createElementNS(ns, "svg");
  el.setAttribute("viewBox", "0 0 24 24");
  el.setAttribute("aria-hidden", "true");
  el.setAttribute("focusable", "false");
  if (cls) el.setAttribute("class", cls);
  const path = document.createElementNS(ns, "path");
  path.setAttribute("d", d);
  path.setAttribute("fill", "none");
  path.setAttribute("stroke", "currentColor");
  path.setAttribute("stroke-width", strokeWidth);
  path.setAttribute("stroke-linecap", "round");
  path.setAttribute("stroke-linejoin", "round");
  el.append(path);
  return el;
}

// A token in the URL fragment (/share#TOKEN, /reset#TOKEN): the fragment leaves the address
// bar (and so bookmarks and history) before anything else happens, and the decoded token is
// returned for the caller to keep in memory only. "" when there was none; null when it
// cannot be decoded (a link cut off or mangled, e.g. "#abc%"): such a link is not valid.
export function takeFragment() {
  const raw = location.hash.slice(1);
  if (!raw) return "";
  history.replaceState(history.state, "", location.pathname + location.search);
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}
