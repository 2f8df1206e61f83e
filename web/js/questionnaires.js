// The questionnaires (PHQ-9, GAD-7, PEG) as the server defines them: GET /questionnaires?lang=
// gives each one's items, answers, maximum score, safety item and the install's crisis
// resources. The app keeps no copy of its own — no item text, band or threshold lives in
// a script or a catalog. The patient's app keeps the last answer in localStorage (not health
// data) so a check-in and its crisis screen work offline; the provider's report only fetches.
// Shared by the check-in screens, Today, Settings, Trends and the provider's report.

import { OfflineError, get } from "./api.js";
import { lang } from "./i18n.js";

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
// the server cannot be reached; the provider's report passes false.
export async function definitions({ keep = true } = {}) {
  const language = lang();
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
