// The questionnaires' tables, shared by Trends and the provider's report so both print the
// server's numbers the same way: each treatment series' baseline, after, change, response
// and remission (small tables on Trends, one wide table in the report, from one list of
// measures), every score with its band (and the PHQ-9's item-9 answer in the form's own
// words), and what each of those numbers means. `def` is the server's definition of the
// questionnaire, `scores` its part of GET /trends "questionnaires", `data` the whole answer.

import { formatDay } from "./dates.js";
import { h } from "./dom.js";
import { t } from "./i18n.js";
import { answerLabel, severityLabel } from "./questionnaires.js";
import { num, signed, term } from "./report.js";
import { aboutSeries, byId } from "./tables.js";

const shortDay = (value) => formatDay(value, { day: "numeric", month: "short", year: "numeric" });
const yesNo = (v) => (v === null || v === undefined ? "—" : t(v ? "report.response.yes" : "report.response.no"));

const MEASURES = [
  { id: "baseline", text: (r) => (r.baseline === null || r.baseline === undefined ? t("report.baseline.not_enough") : num(r.baseline)), numeric: true },
  { id: "after", text: (r) => num(r.after), numeric: true },
  { id: "change", text: (r) => signed(r.change_pct, { percent: true }), numeric: true },
  { id: "response", text: (r) => yesNo(r.response) },
  { id: "remission", text: (r) => yesNo(r.remission) },
];

// One sentence per measure (report.explain.checkin_<measure>, the patient's or the provider's
// where it is about someone's scores), with the numbers the server's definitions state
// (`rules`): the app shows them, it never applies them. A score's change reads like pain's:
// lower is better.
const EXPLAINED = [["baseline", true], ["after", true], ["change", false], ["response", false], ["remission", false]];
const explainKey = (id, personal, provider) => `report.explain.checkin_${id}${personal ? (provider ? ".provider" : ".patient") : ""}`;

function explainValues(defs) {
  const rules = (defs.find((def) => def.rules) || {}).rules || {};
  const each = (text) => defs.filter((def) => def.rules).map(text).filter(Boolean).join("; ");
  return {
    baseline: { days: num(rules.baseline_days) },
    after: { days: num(rules.after_days) },
    response: { thresholds: each((def) => t("report.explain.checkin_threshold",
      { title: def.title, percent: num(def.rules.response_drop_pct) })) },
    remission: { thresholds: each((def) => (def.rules.remission_below === null ? null
      : t("report.explain.checkin_below", { title: def.title, value: num(def.rules.remission_below) }))) },
  };
}

// Each series' row, newest first, with what both views say about the series.
function rows(scores, data) {
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
  return rows(scores, data).map(({ row, about }) => h("table", { class: "series-table checkin-series-card",
    "data-series": String(row.series_index), "data-instrument": def.id },
  h("caption", {}, about.compactDates ? t("report.series.heading", { name: about.name, dates: about.compactDates }) : about.name),
  h("tbody", {}, MEASURES.map(({ id, text }) => h("tr", {},
    h("th", { scope: "row" }, term(id)), h("td", { class: "num" }, text(row)))))));
}

// The report: a row per series (newest first), a column per measure; labelled by the heading
// with id `labelledBy`.
export function checkinSeriesTable(def, scores, data, labelledBy) {
  const col = (text, cls) => h("th", { scope: "col", class: cls }, text);
  return h("div", { class: "table-scroll", tabindex: "0", role: "region", "aria-labelledby": labelledBy },
    h("table", { class: "report-table checkin-series", "data-instrument": def.id },
      h("caption", { class: "visually-hidden" }, t("report.checkin.series_caption", { title: def.title })),
      h("thead", {}, h("tr", {}, col(t("report.column.series")),
        MEASURES.map(({ id, numeric }) => col(term(id), numeric ? "num" : null)))),
      h("tbody", {}, rows(scores, data).map(({ row, about }) => h("tr", { "data-series": String(row.series_index) },
        h("th", { scope: "row" }, h("span", { class: "series-name" }, about.name), h("span", { class: "series-dates" }, about.dates)),
        MEASURES.map(({ text, numeric }) => h("td", { class: numeric ? "num" : null }, text(row))))))));
}

// Every score, newest first: date, score, band, and where the questionnaire has a safety item
// (PHQ-9 item 9) the exact answer to it, as the form words it.
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

// What each measure means for the questionnaires shown (`defs`, the server's definitions);
// `provider`: about the patient instead of "you". A questionnaire without a remission rule
// (the PEG) gets the sentence that says so.
export function checkinExplanationList(defs, { provider = false } = {}) {
  const values = explainValues(defs);
  return h("dl", { class: "explain" }, EXPLAINED.map(([id, personal]) => {
    const key = id === "remission" && !values.remission.thresholds ? "report.explain.checkin_remission_none"
      : explainKey(id, personal, provider);
    return [h("dt", {}, term(id)), h("dd", {}, t(key, values[id] || {}))];
  }));
}
