// The words for what the server knows by key: side effects, routes, the 0–10 scales, and the
// new-password rule. tests/test_web_vocabulary.py holds the keys and the minimum length to
// the OpenAPI document, so a list changed on one side only fails the tests.

export const SIDE_EFFECTS = [
  ["nausea", "Nausea"],
  ["dizziness", "Dizziness"],
  ["dissociation", "Dissociation"],
  ["headache", "Headache"],
  ["sedation", "Sleepiness (sedation)"],
  ["elevated_blood_pressure", "High blood pressure"],
  ["dysgeusia", "Taste changes"],
  ["other", "Other"],
];
export const sideEffectLabel = (key) => (SIDE_EFFECTS.find(([k]) => k === key) || [key, key])[1];

export const ROUTES = [
  ["iv_infusion", "IV infusion"],
  ["intramuscular", "Intramuscular injection"],
  ["intranasal", "Nasal spray"],
  ["sublingual", "Sublingual (under the tongue)"],
  ["oral", "Oral"],
  ["other", "Other"],
];
export const routeLabel = (key) => (ROUTES.find(([k]) => k === key) || [key, key || "—"])[1];

export const SCALES = {
  pain: { label: "Pain", low: "no pain", high: "worst pain imaginable", meaning: "average, last 24 hours" },
  mood: { label: "Mood", low: "worst mood", high: "best mood" },
  anxiety: { label: "Anxiety", low: "none", high: "worst" },
  energy: { label: "Energy", low: "none", high: "best" },
  sleep_quality: { label: "Sleep quality", low: "worst", high: "best" },
  dissociation: { label: "Dissociation", low: "none", high: "complete" },
};

// The server's minimum for a new password (NEW_PASSWORD in api/auth/schemas.py).
export const PASSWORD_MIN_LENGTH = 10;
