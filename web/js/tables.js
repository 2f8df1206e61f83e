// The tables Trends and the provider's report share, so both print the server's analysis
// the same way: the daily scores, each treatment series (cards on Trends, one wide table in
// the report, from the same list of measures), and what each number means (about "you" for
// the patient, "the patient" for the provider). Words from the catalog ("report.*"). The
// questionnaires' tables build on these in checkin-tables.js.

import { h } from "./dom.js";
import { t } from "./i18n.js";
import { EXPLANATIONS, baselineText, categoryText, explanation, num, reliefText, responseText, signed, term } from "./report.js";
import { formatDay } from "./dates.js";
import { routeLabel } from "./vocabulary.js";

const shortDay = (value) => formatDay(value, { day: "numeric", month: "short", year: "numeric" });
const METRICS = ["pain", "mood"];
const metricLabel = (metric) => t(`report.metric.${metric}`);
export const moodNote = () => t("report.mood_note");

// One line per number the server gives for a metric of a series. `numeric`: right-aligned in
// the report's table (the cards align every value). The report leaves out `cardsOnly`.
const MEASURES = [
  { id: "baseline", text: baselineText, numeric: true },
  { id: "after", text: (m) => num(m.after), numeric: true },
  { id: "change", text: (m, metric) => (metric === "pain" ? signed(m.change_pct, { percent: true }) : (m.toward_best_pct === null || m.toward_best_pct === undefined ? "—" : t("report.mood_share", { value: signed(m.toward_best_pct) }))), numeric: true },
  { id: "change_points", text: (m) => signed(m.change_abs), numeric: true, cardsOnly: true },
  { id: "category", text: categoryText },
  { id: "response", text: responseText },
  { id: "relief", text: reliefText, numeric: true },
];

const seriesName = (series) => t("report.series.name", { number: series.index + 1 });

// What both show about a series besides its numbers. `dates`: "1 Mar 2026 – 9 Mar 2026";
// `compactDates`: "1 Mar – 9 Mar 2026".
export function aboutSeries(series, treatmentsById) {
  const sessions = series.treatment_ids.map((id) => treatmentsById.get(id)).filter(Boolean);
  const single = series.start_date === series.end_date;
  const range = (start, end) => t("report.date_range", { start, end });
  return {
    name: seriesName(series),
    dates: single ? shortDay(series.start_date) : range(shortDay(series.start_date), shortDay(series.end_date)),
    compactDates: single ? shortDay(series.start_date)
      : range(formatDay(series.start_date, { day: "numeric", month: "short" }), shortDay(series.end_date)),
    sessions: t("report.series.sessions", { count: series.treatment_ids.length }),
    routes: [...new Set(sessions.map((s) => routeLabel(s.route)))].join(", "),
  };
}

const newestFirst = (data) => [...data.series].reverse();
export const byId = (data) => new Map(data.treatments.map((s) => [s.id, s]));

// A baseline at the best end (pain 0, mood 10) leaves nothing to relieve: a line says why.
const BEST = { pain: 0, mood: 10 };
function zeroBaselineNotes(series, provider) {
  return METRICS.filter((metric) => series[metric] && series[metric].baseline === BEST[metric]).map((metric) =>
    h("p", { class: "muted table-note zero-baseline", "data-series": String(series.index), "data-metric": metric },
      t(`report.explain.zero_baseline.${provider ? "provider" : "patient"}`, { series: seriesName(series), metric: metricLabel(metric), value: BEST[metric] })));
}

// Trends: a card per series, newest first, measures down and pain and mood across.
export function seriesCards(data) {
  const treatments = byId(data);
  return newestFirst(data).map((series) => {
    const about = aboutSeries(series, treatments);
    const row = ({ id, text }) => h("tr", {}, h("th", { scope: "row" }, term(id)),
      METRICS.map((metric) => h("td", { class: "num" }, text(series[metric] || {}, metric))));
    return h("section", { class: "card series", "data-series": String(series.index) },
      h("h3", {}, t("report.series.heading", { name: about.name, dates: about.compactDates })),
      h("p", { class: "muted" }, `${about.sessions} · ${about.routes || "—"}`),
      h("table", { class: "series-table" },
        h("caption", { class: "visually-hidden" }, t("report.series.card_caption", { name: about.name, dates: about.compactDates })),
        h("thead", {}, h("tr", {}, h("td", {}), METRICS.map((metric) => h("th", { scope: "col", class: "num" }, metricLabel(metric))))),
        h("tbody", {}, MEASURES.map(row))),
      zeroBaselineNotes(series, false),
      h("p", { class: "muted table-note" }, moodNote()));
  });
}

// The provider's report: every series in one table, newest first, two rows (pain, mood) per
// series and a column per measure, then a line for each baseline of 0. The table is labelled
// by the heading with id `labelledBy`.
export function seriesTable(data, labelledBy) {
  const treatments = byId(data);
  const measures = MEASURES.filter((m) => !m.cardsOnly);
  const rows = newestFirst(data).flatMap((series) => {
    const about = aboutSeries(series, treatments);
    return METRICS.map((metric, i) => {
      const m = series[metric] || {};
      return h("tr", { "data-series": String(series.index), "data-metric": metric, class: i ? "second" : "first" },
        i === 0 ? h("th", { scope: "rowgroup", rowspan: String(METRICS.length) }, h("span", { class: "series-name" }, about.name),
          h("span", { class: "series-dates" }, about.dates),
          h("span", { class: "series-meta" }, `${about.sessions}${about.routes ? ` · ${about.routes}` : ""}`)) : null,
        h("th", { scope: "row" }, metricLabel(metric)),
        measures.map(({ text, numeric }) => h("td", { class: numeric ? "num" : null }, text(m, metric))));
    });
  });
  const col = (text, cls) => h("th", { scope: "col", class: cls }, text);
  return [h("div", { class: "table-scroll", tabindex: "0", role: "region", "aria-labelledby": labelledBy },
    h("table", { class: "report-table series-report" },
      h("caption", { class: "visually-hidden" }, t("report.series.table_caption")),
      h("thead", {}, h("tr", {}, col(t("report.column.series")), col(t("report.column.measure")),
        measures.map(({ id, numeric }) => col(term(id), numeric ? "num" : null)))),
      h("tbody", {}, rows))),
    newestFirst(data).map((series) => zeroBaselineNotes(series, true))];
}

// The daily scores and the server's 7-day averages, oldest first.
export function daysTable(days) {
  const cell = (v) => h("td", { class: "num" }, num(v));
  const col = (key, cls) => h("th", { scope: "col", class: cls }, t(key));
  return h("div", { class: "table-scroll", tabindex: "0", role: "region", "aria-label": t("report.days.label") },
    h("table", { class: "days-table" },
      h("caption", {}, t("report.days.caption")),
      h("thead", {}, h("tr", {}, col("report.days.date"), col("report.metric.pain", "num"), col("report.metric.mood", "num"),
        col("report.days.pain_avg7", "num"), col("report.days.mood_avg7", "num"))),
      h("tbody", {}, days.map((d) => h("tr", { "data-date": d.date },
        h("th", { scope: "row" }, h("time", { datetime: d.date }, shortDay(d.date))),
        cell(d.pain), cell(d.mood), cell(d.pain_avg7), cell(d.mood_avg7))))));
}

// What each number means; `provider`: about the patient instead of "you".
export function explanationList({ provider = false } = {}) {
  return h("dl", { class: "explain" },
    EXPLANATIONS.map(([id]) => [h("dt", {}, term(id)), h("dd", {}, explanation(id, provider))]));
}
