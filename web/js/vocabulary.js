// The words for what the server knows by key: side effects, routes, phases, the 0–10 scales,
// and the new-password rule. tests/test_web_vocabulary.py holds the keys and the minimum length
// to the OpenAPI document, so a list changed on one side only fails the tests.
//
// The labels come from the message catalog (web/i18n/*.json) with DYNAMIC keys built from the
// server's keys, so a search for a whole key will not find its use here:
//   vocab.side_effect.<key>, vocab.route.<key>, vocab.phase.<key>,
//   vocab.scale.<name>.label / .low / .high (and vocab.scale.pain.meaning).
// Each list below is [server key, catalog key]; call the *Options() functions for
// [key, label] pairs in the active language (after i18n.load()).

import { t } from "./i18n.js";

export const SIDE_EFFECTS = [
  ["nausea", "vocab.side_effect.nausea"],
  ["dizziness", "vocab.side_effect.dizziness"],
  ["dissociation", "vocab.side_effect.dissociation"],
  ["headache", "vocab.side_effect.headache"],
  ["sedation", "vocab.side_effect.sedation"],
  ["elevated_blood_pressure", "vocab.side_effect.elevated_blood_pressure"],
  ["dysgeusia", "vocab.side_effect.dysgeusia"],
  ["urinary_frequency", "vocab.side_effect.urinary_frequency"],
  ["painful_urination", "vocab.side_effect.painful_urination"],
  ["blood_in_urine", "vocab.side_effect.blood_in_urine"],
  ["other", "vocab.side_effect.other"],
];

export const ROUTES = [
  ["iv_infusion", "vocab.route.iv_infusion"],
  ["intramuscular", "vocab.route.intramuscular"],
  ["intranasal", "vocab.route.intranasal"],
  ["sublingual", "vocab.route.sublingual"],
  ["oral", "vocab.route.oral"],
  ["other", "vocab.route.other"],
];

export const PHASES = [
  ["induction", "vocab.phase.induction"],
  ["booster", "vocab.phase.booster"],
  ["maintenance", "vocab.phase.maintenance"],
];

// The label of a key in one of the lists; an unknown key (a newer server) is shown as it is.
function labelIn(list, key, unknown = key) {
  const found = list.find(([k]) => k === key);
  return found ? t(found[1]) : unknown;
}

const options = (list) => list.map(([key, message]) => [key, t(message)]);

export const sideEffectLabel = (key) => labelIn(SIDE_EFFECTS, key);
export const routeLabel = (key) => labelIn(ROUTES, key, key || "—");
export const phaseLabel = (key) => labelIn(PHASES, key);
export const sideEffectOptions = () => options(SIDE_EFFECTS);
export const routeOptions = () => options(ROUTES);
export const phaseOptions = () => options(PHASES);

// The 0–10 scales: which have a "meaning" line (the period the score is about).
const SCALES = { pain: { meaning: true }, mood: {}, anxiety: {}, energy: {}, sleep_quality: {}, dissociation: {} };

// { label, low, high, meaning? } of a scale, in the active language.
export function scaleWords(name) {
  const words = {
    label: t(`vocab.scale.${name}.label`),
    low: t(`vocab.scale.${name}.low`),
    high: t(`vocab.scale.${name}.high`),
  };
  if (SCALES[name] && SCALES[name].meaning) words.meaning = t(`vocab.scale.${name}.meaning`);
  return words;
}

// The server's minimum for a new password (NEW_PASSWORD in api/auth/schemas.py).
export const PASSWORD_MIN_LENGTH = 10;
