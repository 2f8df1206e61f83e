// The tables Trends and the provider's report share, so both print the server's analysis
// the same way: the daily scores, each treatment series (cards on Trends, one wide table in
// the report, from the same list of measures), and what each number means (about "you" for
// the patient, "the patient" for the provider).

import { formatDay } from "./dates.js";
import { h } from "./dom.js";
import { EXPLANATIONS, baselineText, forProvider, num, reliefText, responseText, signed } from "./report.js";
import { routeLabel } from "./vocabulary.js";

const shortDay = (day) => formatDay(day, { day: "numeric", month: "short", year: "numeric" });
const METRICS = [["pain", "Pain"], ["mood", "Mood"]];
export const SEVERITY_NOTE = "Mood numbers are severity (10 − mood), so lower is better for both.";

// One line per number the server gives for a metric of a series. `numeric`: right-aligned in
// the report's table (the cards align every value). The report leaves out `cardsOnly`.
const MEASURES = [
  { label: "Baseline", text: baselineText, numeric: true },
  { label: "After", text: (m) => num(m.after), numeric: true },
  { label: "Change", text: (m) => signed(m.change_pct, " %"), numeric: true },
  { label: "Change, points", text: (m) => signed(m.change_abs), numeric: true, cardsOnly: true },
  { label: "Category", text: (m) => num(m.category) },
  { label: "Response", text: responseText },
  { label: "Relief", text: reliefText, numeric: true },
];

// What both show about a series besides its numbers. `dates`: "1 Mar 2026 – 9 Mar 2026";
// `compactDates`: "1 Mar – 9 Mar 2026".
function aboutSeries(series, treatmentsById) {
  const sessions = series.treatment_ids.map((id) => treatmentsById.get(id)).filter(Boolean);
  const count = series.treatment_ids.length;
  const single = series.start_date === series.end_date;
  return {
    name: `Series ${series.index + 1}`,
    dates: single ? shortDay(series.start_date) : `${shortDay(series.start_date)} – ${shortDay(series.end_date)}`,
    compactDates: single ? shortDay(series.start_date)
      : `${formatDay(series.start_date, { day: "numeric", month: "short" })} – ${shortDay(series.end_date)}`,
    sessions: `${count} ${count === 1 ? "session" : "sessions"}`,
    routes: [...new Set(sessions.map((t) => routeLabel(t.route)))].join(", "),
  };
}

const newestFirst = (data) => [...data.series].reverse();
const byId = (data) => new Map(data.treatments.map((t) => [t.id, t]));

// Trends: a card per series, newest first, measures down and pain and mood across.
export function seriesCards(data) {
  const treatments = byId(data);
  return newestFirst(data).map((series) => {
    const about = aboutSeries(series, treatments);
    const row = ({ label, text }) => h("tr", {}, h("th", { scope: "row" }, label),
      METRICS.map(([metric]) => h("td", { class: "num" }, text(series[metric] || {}))));
    return h("section", { class: "card series", "data-series": String(series.index) },
      h("h3", {}, `${about.name}: ${about.compactDates}`),
      h("p", { class: "muted" }, `${about.sessions} · ${about.routes || "—"}`),
      h("table", { class: "series-table" },
        h("caption", { class: "visually-hidden" }, `${about.name}, ${about.compactDates}: pain and mood compared with baseline`),
        h("thead", {}, h("tr", {}, h("td", {}), METRICS.map(([, label]) => h("th", { scope: "col", class: "num" }, label)))),
        h("tbody", {}, MEASURES.map(row))),
      h("p", { class: "muted table-note" }, SEVERITY_NOTE));
  });
}

// The provider's report: every series in one table, newest first, two rows (pain, mood) per
// series and a column per measure. Labelled by the heading with id `labelledBy`.
export function seriesTable(data, labelledBy) {
  const treatments = byId(data);
  const measures = MEASURES.filter((m) => !m.cardsOnly);
  const rows = newestFirst(data).flatMap((series) => {
    const about = aboutSeries(series, treatments);
    return METRICS.map(([metric, label], i) => {
      const m = series[metric] || {};
      return h("tr", { "data-series": String(series.index), "data-metric": metric, class: i ? "second" : "first" },
        i === 0 ? h("th", { scope: "rowgroup", rowspan: String(METRICS.length) }, h("span", { class: "series-name" }, about.name),
          h("span", { class: "series-dates" }, about.dates),
          h("span", { class: "series-meta" }, `${about.sessions}${about.routes ? ` · ${about.routes}` : ""}`)) : null,
        h("th", { scope: "row" }, label),
        measures.map(({ text, numeric }) => h("td", { class: numeric ? "num" : null }, text(m))));
    });
  });
  const col = (text, cls) => h("th", { scope: "col", class: cls }, text);
  return h("div", { class: "table-scroll", tabindex: "0", role: "region", "aria-labelledby": labelledBy },
    h("table", { class: "report-table series-report" },
      h("caption", { class: "visually-hidden" }, "Each treatment series: pain and mood compared with the week before it"),
      h("thead", {}, h("tr", {}, col("Series"), col("Measure"),
        measures.map(({ label, numeric }) => col(label, numeric ? "num" : null)))),
      h("tbody", {}, rows)));
}

// The daily scores and the server's 7-day averages, oldest first.
export function daysTable(days) {
  const cell = (v) => h("td", { class: "num" }, num(v));
  const col = (text, cls) => h("th", { scope: "col", class: cls }, text);
  return h("div", { class: "table-scroll", tabindex: "0", role: "region", "aria-label": "Daily scores table" },
    h("table", { class: "days-table" },
      h("caption", {}, "Daily scores"),
      h("thead", {}, h("tr", {}, col("Date"), col("Pain", "num"), col("Mood", "num"),
        col("Pain 7-day avg", "num"), col("Mood 7-day avg", "num"))),
      h("tbody", {}, days.map((d) => h("tr", { "data-date": d.date },
        h("th", { scope: "row" }, h("time", { datetime: d.date }, shortDay(d.date))),
        cell(d.pain), cell(d.mood), cell(d.pain_avg7), cell(d.mood_avg7))))));
}

// What each number means; `provider`: about the patient instead of "you".
export function explanationList({ provider = false } = {}) {
  return h("dl", { class: "explain" },
    EXPLANATIONS.map(([term, text]) => [h("dt", {}, term), h("dd", {}, provider ? forProvider(text) : text)]));
}
