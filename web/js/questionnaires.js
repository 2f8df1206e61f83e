// The questionnaires (PHQ-9, GAD-7, PEG) as the server defines them: GET /questionnaires?lang=
// gives each one's items, answers, maximum score, safety item and the install's crisis
// resources. The app keeps no copy of its own — no item text, band or threshold lives in
// a script or a catalog. The patient's app keeps the last answer in localStorage (not health
// data) so a check-in and its crisis screen work offline; the provider's report only fetches.
// Here too: the plain words for the severity bands the server names, and the stylesheet of
// the check-in screens, charts and tables. Shared by the check-in screens, Today, Settings,
// Trends and the provider's report (which loads it only when there are scores to show).

import { OfflineError, get } from "./api.js";
import { lang, t } from "./i18n.js";
import { stylesheet } from "./dom.js";

const STORAGE_KEY = "relieflog.questionnaires";
const fetched = new Map(); // language → this page's one request for it

function remembered(language) {
  try {
    const text = localStorage.getItem(`${STORAGE_KEY}.${language}`);
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

function remember(language, data) {
  try {
    localStorage.setItem(`${STORAGE_KEY}.${language}`, JSON.stringify(data));
  } catch { /* private mode or full: the next check-in asks the server again */ }
}

// { items: [definition…], crisis: { resources: […] }, offline } in the app's language.
// `keep`: remember them on this device (the patient's app) and fall back to that copy when
// the server cannot be reached; the provider's report passes false. `language`: the app's,
// unless asked before its catalog is in (Today's data, as the page opens).
export async function definitions({ keep = true, language = lang() } = {}) {
  if (!fetched.has(language)) {
    const request = get(`/questionnaires?lang=${encodeURIComponent(language)}`).then(({ data }) => {
      if (keep) remember(language, data);
      return data;
    });
    request.catch(() => fetched.delete(language)); // the next caller tries again
    fetched.set(language, request);
  }
  try {
    const data = await fetched.get(language);
    return { items: data.items || [], crisis: data.crisis || { resources: [] }, offline: false };
  } catch (error) {
    const copy = keep ? remembered(language) : null;
    if (!copy) throw error;
    return { items: copy.items || [], crisis: copy.crisis || { resources: [] }, offline: error instanceof OfflineError };
  }
}

// The definitions this device remembers, without asking the server (null when none).
export function rememberedDefinitions() {
  return remembered(lang());
}

export const find = (defs, id) => (defs && defs.items ? defs.items.find((d) => d.id === id) : undefined) || null;

// The label of answer `value` to item `key` (the difficulty item has its own answers).
export function answerLabel(def, key, value) {
  if (value === null || value === undefined) return null;
  const options = def.difficulty && key === def.difficulty.key ? def.difficulty.options : def.options;
  const found = (options || []).find((o) => o.value === value);
  return found ? found.label : String(value);
}

// True when the answers put the safety item above 0 (PHQ-9 item 9): the crisis screen shows.
export function safetyAnswered(def, answers) {
  const key = def && def.safety_item;
  return Boolean(key && answers && Number(answers[key]) > 0);
}

// A crisis resource's link, when its scheme is one a phone can act on (tel:, sms:, https:).
export function resourceHref(resource) {
  const href = resource && typeof resource.href === "string" ? resource.href.trim() : "";
  return /^(tel:|sms:|https:)/i.test(href) ? href : null;
}

// The bands a score falls in (PHQ-9, GAD-7), as the server names them in its definitions and
// scored responses, with their words (vocab.severity.<band>, plain and lower-case: "moderately
// severe"). tests/test_web_vocabulary.py holds this list to the bands the server serves; the
// score ranges of each band are the server's alone.
export const SEVERITIES = [
  ["minimal", "vocab.severity.minimal"],
  ["mild", "vocab.severity.mild"],
  ["moderate", "vocab.severity.moderate"],
  ["moderately_severe", "vocab.severity.moderately_severe"],
  ["severe", "vocab.severity.severe"],
];

export function severityLabel(key) {
  const found = SEVERITIES.find(([band]) => band === key);
  return found ? t(found[1]) : String(key ?? "—").replaceAll("_", " ");
}

// The check-ins' stylesheet (the check-in screen, and the questionnaires' charts and tables).
export const checkinStyles = () => stylesheet("/css/checkins.css");
