// Messages: every user-visible string comes from a JSON catalog under /i18n/, one file per
// language with stable keys ("today.save"), and only the active language is downloaded, one
// scope at a time: the server hands out a language's keys by prefix (api/web.py, SCOPES),
// "app" for the shell at start, then each screen's when it is first shown (`extend`).
// The language is the one chosen in Settings (kept on this device), else the browser's
// (navigator.languages), else English. Dates, numbers and plurals follow it through Intl.
//
// A catalog value is a string with {name} placeholders, or, for plurals, an object keyed
// by Intl.PluralRules categories: {"one": "{count} day", "other": "{count} days"}.
// "qps" is a pseudo-language for tests: English with every string wrapped in ⟦…⟧, so a
// test can find any visible text that does not come from the catalog.

export const LANGUAGES = ["en", "es"];
export const PSEUDO = "qps";
const STORAGE_KEY = "relieflog.language";

let active = "en";
let regional = "en";
let messages = {};
let plurals = new Intl.PluralRules("en");
// A page's first Intl date or number formatter costs 25-55 ms (V8 lists ICU's locales on the
// first one, once per process): a worker pays it beside the page, so the report and the
// screens format at once (docs/benchmarks.md, "Lighthouse").
new Worker("/js/intl-warm.js");

// The language chosen in Settings on this device (a code, or PSEUDO), or null: automatic.
export function chosenLanguage() {
  let choice = null;
  try {
    choice = localStorage.getItem(STORAGE_KEY);
  } catch { /* no storage: automatic */ }
  return choice && (LANGUAGES.includes(choice) || choice === PSEUDO) ? choice : null;
}

// The language to use: Settings' choice, else the first browser language we have.
export function chooseLanguage(preferred = navigator.languages || [navigator.language]) {
  const choice = chosenLanguage();
  if (choice) return choice;
  for (const tag of preferred) {
    const primary = String(tag || "").toLowerCase().split("-")[0];
    if (LANGUAGES.includes(primary)) return primary;
  }
  return "en";
}

// Settings: remember a language on this device (null: follow the browser again).
export function rememberLanguage(language) {
  try {
    if (language) localStorage.setItem(STORAGE_KEY, language);
    else localStorage.removeItem(STORAGE_KEY);
  } catch { /* private mode: the choice lasts this page only */ }
}

// Where a language's catalog is (the pseudo-language reads English's).
export const catalogPath = (language = active) => `/i18n/${language === PSEUDO ? "en" : language}.json`;
// One scope of it: only the keys of that part of the app (api/web.py, SCOPES).
export const scopePath = (scope, language = active) => `${catalogPath(language)}?scope=${scope}`;

// The scopes fetched so far for the active language: scope -> its fetch (each only once).
let scopes = new Map();

async function fetchScope(scope, language) {
  const response = await fetch(scopePath(scope, language));
  if (!response.ok) throw new Error(`no ${scope} messages for ${language}`);
  return response.json();
}

// The language, with its first scope: "app" (the shell's words) for the app, "report" for
// the provider's report; `also`: scopes to fetch at the same time (the opening screen's).
export async function load(language = chooseLanguage(), { scope = "app", also = [] } = {}) {
  const first = fetchScope(scope, language);
  const more = also.map((name) => [name, fetchScope(name, language)]);
  for (const [, fetched] of more) fetched.catch(() => {}); // extend() reports it, if asked
  messages = await first;
  active = language;
  scopes = new Map([[scope, first]]);
  for (const [name, fetched] of more) keep(name, fetched);
  const primary = active === PSEUDO ? "en" : active;
  // Intl formats in the reader's own region when the browser names one for this language
  // (en-GB "1 March 2026", es-MX "0.8", es-ES "0,8"); the pseudo-language formats as en.
  const tags = navigator.languages || [navigator.language];
  regional = tags.find((tag) => String(tag || "").toLowerCase().split("-")[0] === primary)
    || primary;
  plurals = new Intl.PluralRules(primary);
  document.documentElement.lang = primary;
  return active;
}

// A scope's words join the others when they come (if the language is still the same); a
// failed fetch is forgotten, so the next extend() tries again.
function keep(scope, fetched) {
  const language = active;
  const joined = fetched.then((words) => {
    if (language === active) Object.assign(messages, words);
  });
  joined.catch(() => scopes.delete(scope));
  scopes.set(scope, joined);
}

// More of the active language's catalog for a part of the page shown later (a screen, the
// sync dialog, the report's questionnaires); its keys join the others. Fetched once: a
// second call waits for the first.
export function extend(scope) {
  if (!scopes.has(scope)) keep(scope, fetchScope(scope, active));
  return scopes.get(scope);
}

export const lang = () => active;
// The BCP 47 tag to give Intl: the active language, in the reader's region if known.
export const locale = () => regional;

// An Intl formatter (`Kind`: Intl.NumberFormat, Intl.DateTimeFormat, …) for `options` in
// the active language's locale (or `tag`). Making one costs far more than using it, and a
// report or a chart's axis formats hundreds of numbers and dates with the same few: each is
// made once and kept. Throws as Intl does (an unknown time zone).
const formatters = new Map();
export function formatter(Kind, options = {}, tag = regional) {
  const key = `${Kind.name}|${tag}|${JSON.stringify(options)}`;
  let found = formatters.get(key);
  if (!found) {
    found = new Kind(tag, options);
    formatters.set(key, found);
  }
  return found;
}

export function formatNumber(value, options = {}) {
  return formatter(Intl.NumberFormat, options).format(value);
}

// The message for `key`, with {placeholders} filled from `values` (numbers formatted for
// the language); a plural message is chosen by values.count.
export function t(key, values = {}) {
  let message = messages[key];
  if (message === undefined) {
    console.warn(`i18n: no message ${key}`);
    message = key;
  } else if (typeof message === "object") {
    message = message[plurals.select(Number(values.count ?? 0))] ?? message.other;
  }
  const text = message.replace(/\{(\w+)\}/g, (whole, name) => {
    if (!(name in values)) return whole;
    const value = values[name];
    return typeof value === "number" ? formatNumber(value) : String(value);
  });
  return active === PSEUDO ? `⟦${text}⟧` : text;
}

// Whether the words loaded so far have `key`: for a word the server names (a record kind's
// download, a line of the access log), which the caller shows as it is when there are none.
export const has = (key) => Object.hasOwn(messages, key);

// Static markup: data-i18n="key" sets the text; data-i18n-attr="aria-label:key;title:key"
// sets attributes.
export function translatePage(root = document) {
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-attr]")) {
    for (const pair of el.dataset.i18nAttr.split(";")) {
      const [attr, key] = pair.split(":").map((s) => s.trim());
      if (attr && key) el.setAttribute(attr, t(key));
    }
  }
}
