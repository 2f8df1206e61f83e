// The tables Trends and the provider's report share, so both print the server's analysis
// the same way: the daily scores, each treatment series (cards on Trends, one wide table in
// the report, from the same list of measures), each questionnaire's scores and series, and
// what each number means (about "you" for the patient, "the patient" for the provider).
// Words from the catalog ("report.*"); questionnaire names and answers from the server.

import { h } from "./dom.js";
import { t } from "./i18n.js";
import { CHECKIN_EXPLANATIONS, EXPLANATIONS, baselineText, categoryText, explanation, num, reliefText, responseText, signed, term } from "./report.js";
import { formatDay } from "./dates.js";
import { answerLabel } from "./questionnaires.js";
import { routeLabel, severityLabel } from "./vocabulary.js";

const shortDay = (value) => formatDay(value, { day: "numeric", month: "short", year: "numeric" });
const METRICS = ["pain", "mood"];
const metricLabel = (metric) => t(`report.metric.${metric}`);
export const severityNote = () => t("report.severity_note");

// One line per number the server gives for a metric of a series. `numeric`: right-aligned in
// the report's table (the cards align every value). The report leaves out `cardsOnly`.
const MEASURES = [
  { id: "baseline", text: baselineText, numeric: true },
  { id: "after", text: (m) => num(m.after), numeric: true },
  { id: "change", text: (m) => signed(m.change_pct, { percent: true }), numeric: true },
  { id: "change_points", text: (m) => signed(m.change_abs), numeric: true, cardsOnly: true },
  { id: "category", text: categoryText },
  { id: "response", text: responseText },
  { id: "relief", text: reliefText, numeric: true },
];

// What both show about a series besides its numbers. `dates`: "1 Mar 2026 – 9 Mar 2026";
// `compactDates`: "1 Mar – 9 Mar 2026".
function aboutSeries(series, treatmentsById) {
  const sessions = series.treatment_ids.map((id) => treatmentsById.get(id)).filter(Boolean);
  const single = series.start_date === series.end_date;
  const range = (start, end) => t("report.date_range", { start, end });
  return {
    name: t("report.series.name", { number: series.index + 1 }),
    dates: single ? shortDay(series.start_date) : range(shortDay(series.start_date), shortDay(series.end_date)),
    compactDates: single ? shortDay(series.start_date)
      : range(formatDay(series.start_date, { day: "numeric", month: "short" }), shortDay(series.end_date)),
    sessions: t("report.series.sessions", { count: series.treatment_ids.length }),
    routes: [...new Set(sessions.map((s) => routeLabel(s.route)))].join(", "),
  };
}

const newestFirst = (data) => [...data.series].reverse();
const byId = (data) => new Map(data.treatments.map((s) => [s.id, s]));

// Trends: a card per series, newest first, measures down and pain and mood across.
export function seriesCards(data) {
  const treatments = byId(data);
  return newestFirst(data).map((series) => {
    const about = aboutSeries(series, treatments);
    const row = ({ id, text }) => h("tr", {}, h("th", { scope: "row" }, term(id)),
      METRICS.map((metric) => h("td", { class: "num" }, text(series[metric] || {}))));
    return h("section", { class: "card series", "data-series": String(series.index) },
      h("h3", {}, t("report.series.heading", { name: about.name, dates: about.compactDates })),
      h("p", { class: "muted" }, `${about.sessions} · ${about.routes || "—"}`),
      h("table", { class: "series-table" },
        h("caption", { class: "visually-hidden" }, t("report.series.card_caption", { name: about.name, dates: about.compactDates })),
        h("thead", {}, h("tr", {}, h("td", {}), METRICS.map((metric) => h("th", { scope: "col", class: "num" }, metricLabel(metric))))),
        h("tbody", {}, MEASURES.map(row))),
      h("p", { class: "muted table-note" }, severityNote()));
  });
}

// The provider's report: every series in one table, newest first, two rows (pain, mood) per
// series and a column per measure. Labelled by the heading with id `labelledBy`.
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
        measures.map(({ text, numeric }) => h("td", { class: numeric ? "num" : null }, text(m))));
    });
  });
  const col = (text, cls) => h("th", { scope: "col", class: cls }, text);
  return h("div", { class: "table-scroll", tabindex: "0", role: "region", "aria-labelledby": labelledBy },
    h("table", { class: "report-table series-report" },
      h("caption", { class: "visually-hidden" }, t("report.series.table_caption")),
      h("thead", {}, h("tr", {}, col(t("report.column.series")), col(t("report.column.measure")),
        measures.map(({ id, numeric }) => col(term(id), numeric ? "num" : null)))),
      h("tbody", {}, rows)));
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

// What each number means; `provider`: about the patient instead of "you"; `checkins`: the
// numbers of the questionnaires' series instead of the daily scores'.
export function explanationList({ provider = false, checkins = false } = {}) {
  const list = checkins ? CHECKIN_EXPLANATIONS : EXPLANATIONS;
  return h("dl", { class: "explain" },
    list.map(([id, , shownAs]) => [h("dt", {}, term(shownAs || id)), h("dd", {}, explanation(id, provider))]));
}

// ---- Questionnaires (GET /trends "questionnaires"; `def` is the server's definition) ----

const yesNo = (v) => (v === null || v === undefined ? "—" : t(v ? "report.response.yes" : "report.response.no"));

// The numbers the server gives for a questionnaire in one series, for the cards and the table.
const CHECKIN_MEASURES = [
  { id: "baseline", text: (r) => (r.baseline === null || r.baseline === undefined ? t("report.baseline.not_enough") : num(r.baseline)), numeric: true },
  { id: "after", text: (r) => num(r.after), numeric: true },
  { id: "change", text: (r) => signed(r.change_pct, { percent: true }), numeric: true },
  { id: "response", text: (r) => yesNo(r.response) },
  { id: "remission", text: (r) => yesNo(r.remission) },
];

// Each series' row of a questionnaire, newest first, with what both views say about it.
function checkinRows(scores, data) {
  const treatments = byId(data);
  return [...(scores.series || [])].sort((a, b) => b.series_index - a.series_index).map((row) => {
    const series = data.series.find((s) => s.index === row.series_index);
    const about = series ? aboutSeries(series, treatments)
      : { name: t("report.series.name", { number: row.series_index + 1 }), dates: "", compactDates: "" };
    return { row, about };
  });
}

// Trends: a small table per series, newest first, a measure per row.
export function checkinSeriesCards(def, scores, data) {
  return checkinRows(scores, data).map(({ row, about }) => h("table", { class: "series-table checkin-series-card",
    "data-series": String(row.series_index), "data-instrument": def.id },
  h("caption", {}, about.compactDates ? t("report.series.heading", { name: about.name, dates: about.compactDates }) : about.name),
  h("tbody", {}, CHECKIN_MEASURES.map(({ id, text }) => h("tr", {},
    h("th", { scope: "row" }, term(id)), h("td", { class: "num" }, text(row)))))));
}

// The report: one table per questionnaire, a row per series (newest first), a column per
// measure. Labelled by the heading with id `labelledBy`.
export function checkinSeriesTable(def, scores, data, labelledBy) {
  const col = (text, cls) => h("th", { scope: "col", class: cls }, text);
  return h("div", { class: "table-scroll", tabindex: "0", role: "region", "aria-labelledby": labelledBy },
    h("table", { class: "report-table checkin-series", "data-instrument": def.id },
      h("caption", { class: "visually-hidden" }, t("report.checkin.series_caption", { title: def.title })),
      h("thead", {}, h("tr", {}, col(t("report.column.series")),
        CHECKIN_MEASURES.map(({ id, numeric }) => col(term(id), numeric ? "num" : null)))),
      h("tbody", {}, checkinRows(scores, data).map(({ row, about }) => h("tr", { "data-series": String(row.series_index) },
        h("th", { scope: "row" }, h("span", { class: "series-name" }, about.name), h("span", { class: "series-dates" }, about.dates)),
        CHECKIN_MEASURES.map(({ text, numeric }) => h("td", { class: numeric ? "num" : null }, text(row))))))));
}

// Every score of this questionnaire, newest first: date, score, severity band, and for the
// PHQ-9 the exact answer to its safety item (item 9), as the server's answer label.
export function checkinScoresTable(def, scores, labelledBy) {
  const safety = def.safety_item;
  const safetyNumber = safety ? def.items.findIndex((item) => item.key === safety) + 1 : 0;
  const col = (text, cls) => h("th", { scope: "col", class: cls }, text);
  return h("div", { class: "table-scroll", tabindex: "0", role: "region", "aria-labelledby": labelledBy },
    h("table", { class: "checkin-scores", "data-instrument": def.id },
      h("caption", { class: "visually-hidden" }, t("report.checkin.scores_caption", { title: def.title })),
      h("thead", {}, h("tr", {}, col(t("report.days.date")), col(t("report.checkin.score"), "num"),
        col(t("report.checkin.severity")), safety ? col(t("report.checkin.item", { number: safetyNumber })) : null)),
      h("tbody", {}, [...(scores.points || [])].reverse().map((p) => h("tr", { "data-id": p.id || null, class: p.safety_flag ? "flagged" : null },
        h("th", { scope: "row" }, h("time", { datetime: p.local_date }, shortDay(p.local_date))),
        h("td", { class: "num" }, num(p.total)),
        h("td", {}, p.severity ? severityLabel(p.severity) : "—"),
        safety ? h("td", {}, p.safety_answer === null || p.safety_answer === undefined ? "—" : answerLabel(def, safety, p.safety_answer)) : null)))));
}
