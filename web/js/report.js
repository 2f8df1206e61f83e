// The server's session analysis in words: what each number means and how it is printed.
// Shared by Trends and the provider's report, so both say the same thing the same way.
// Every word comes from the catalog (keys "report.*"); dates and numbers from Intl.

import { formatNumber, formatter, t } from "./i18n.js";

// A moment (ISO 8601) in the reader's language and time zone.
export function moment(iso, options = { day: "numeric", month: "long", year: "numeric" }) {
  return formatter(Intl.DateTimeFormat, options).format(new Date(iso));
}

export const number = (v) => formatNumber(v, { maximumFractionDigits: 2 });

// A list ("a, b and c") in the reader's language.
export const list = (items) => formatter(Intl.ListFormat, { style: "long", type: "conjunction" }).format(items);

// One sentence per number, as in docs/relief.md ("One-line explanations"). `personal`: the
// sentence talks about the reader's own data, so it has a patient's wording ("Your average")
// and a provider's ("The patient's average"), two catalog keys.
export const EXPLANATIONS = [
  ["average7", false],
  ["series", false],
  ["baseline", true],
  ["after", true],
  ["change", false],
  ["category", false],
  ["response", false],
  ["relief", true],
  ["at_least", true],
  ["booster", true],
];

export const term = (id) => t(`report.term.${id}`);

// The sentence for `id`, for the patient or (`provider`) about the patient.
export function explanation(id, provider = false) {
  const [, personal] = EXPLANATIONS.find(([key]) => key === id);
  return t(`report.explain.${id}${personal ? (provider ? ".provider" : ".patient") : ""}`);
}

export const num = (v) => (v === null || v === undefined ? "—" : number(v));

// "+12 %", "−30.5 %" (a true minus sign; decimals as the language writes them).
export function signed(v, { percent = false } = {}) {
  if (v === null || v === undefined) return "—";
  const text = `${v > 0 ? "+" : v < 0 ? "−" : ""}${number(Math.abs(v))}`;
  return percent ? t("report.percent", { value: text }) : text;
}

export function reliefText(m) {
  if (!m || m.relief_days === null || m.relief_days === undefined) return "—";
  const days = t("report.relief.days", { count: m.relief_days });
  return m.censored ? t("report.relief.at_least", { days }) : days;
}

export const baselineText = (m) => (m.baseline === null || m.baseline === undefined ? t("report.baseline.not_enough") : number(m.baseline));

export const responseText = (m) => (m.response === null || m.response === undefined ? "—" : t(m.response ? "report.response.yes" : "report.response.no"));

// The IMMPACT category the server names ("none", "minimal", "moderate", "substantial").
export const categoryText = (m) => (m.category === null || m.category === undefined ? "—"
  : ["none", "minimal", "moderate", "substantial"].includes(m.category) ? t(`report.category.${m.category}`) : String(m.category));
