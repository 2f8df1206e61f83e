// The server's session analysis in words: what each number means and how it is printed.
// Shared by Trends and the provider's report, so both say the same thing the same way.

// One sentence per number, word for word as in docs/relief.md ("One-line explanations").
export const EXPLANATIONS = [
  ["Severity", "Lower is better: pain as logged, mood shown as 10 minus your mood."],
  ["7-day average", "Average of this day and the 6 before it; shown when at least 4 of those days are logged."],
  ["Series", "Sessions no more than 7 days apart count as one series."],
  ["Baseline", "Your average over the 7 days before this series began (at least 3 logged days needed)."],
  ["After", "Your average over up to 7 days after the session, stopping before the next session; the session day itself is left out."],
  ["Change", "After compared with baseline; a negative percentage means lower, which is better."],
  ["Category", "Under 10 % lower: none; 10–29 %: minimal; 30–49 %: moderate; 50 % or more: substantial (IMMPACT)."],
  ["Response", "Pain at least 30 % lower, or mood severity at least 50 % lower, than baseline."],
  ["Relief", "Days, from the day after the last session, until your 3-day average rose above 70 % of baseline."],
  ["At least", "Your log stopped (entries ended, 3+ days missing, or a new series began) before relief ended, so it lasted at least this long."],
  ["Booster hint", "Median of your earlier complete relief durations; the day after a session is day 1."],
];

// The same sentences for the provider, about the patient.
export const forProvider = (text) => text.replaceAll("Your ", "The patient's ").replaceAll("your ", "the patient's ");

export const num = (v, suffix = "") => (v === null || v === undefined ? "—" : `${v}${suffix}`);

export function signed(v, suffix = "") {
  if (v === null || v === undefined) return "—";
  return `${v > 0 ? "+" : v < 0 ? "−" : ""}${Math.abs(v)}${suffix}`;
}

export function reliefText(m) {
  if (!m || m.relief_days === null || m.relief_days === undefined) return "—";
  const days = `${m.relief_days} ${m.relief_days === 1 ? "day" : "days"}`;
  return m.censored ? `at least ${days}` : days;
}

export const baselineText = (m) => (m.baseline === null || m.baseline === undefined ? "not enough data" : String(m.baseline));

export const responseText = (m) => (m.response === null || m.response === undefined ? "—" : m.response ? "Yes" : "No");
