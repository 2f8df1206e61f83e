// The provider's report's questionnaire parts (share.js loads this only when the shared range
// has scores): the safety flag, first on the page — every answer above 0 to a safety item
// (PHQ-9 item 9) with its date and the exact answer, in the form's own words; and each
// questionnaire's chart, series table and every score. The names and answers are the server's,
// in the provider's language (GET /questionnaires, public, not stored).

import { formatDay } from "./dates.js";
import { checkinExplanationList, checkinScoresTable, checkinSeriesTable } from "./checkin-tables.js";
import { h } from "./dom.js";
import { extend, t } from "./i18n.js";
import { answerLabel, checkinStyles, definitions } from "./questionnaires.js";
import { num } from "./report.js";

const longDay = (value) => formatDay(value, { day: "numeric", month: "long", year: "numeric" });
const shortDay = (value) => formatDay(value, { day: "numeric", month: "short", year: "numeric" });

// The questionnaires with scores in the shared range, in the server's order, each with its
// definition (in the provider's language; an unknown one is named by its id).
function scoredCheckins(data, defs) {
  const found = data.questionnaires || {};
  const order = defs ? defs.items.map((d) => d.id) : [];
  const ids = Object.keys(found).filter((id) => (found[id].points || []).length)
    .sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99));
  return ids.map((id) => ({
    def: (defs && defs.items.find((d) => d.id === id)) || { id, title: id, name: "", items: [], options: [], safety_item: null },
    scores: found[id],
  }));
}

// Every answer above 0 to a safety item (PHQ-9 item 9), first on the page: its date and the
// exact answer the patient chose, with the item's own words. A flag, not an alarm.
function safetyFlags(checkins) {
  const flagged = checkins.flatMap(({ def, scores }) => (scores.points || [])
    .filter((p) => p.safety_flag).map((p) => ({ def, point: p })));
  if (!flagged.length) return null;
  const blocks = [...new Set(flagged.map((f) => f.def))].map((def) => {
    const key = def.safety_item;
    const item = (def.items || []).find((i) => i.key === key);
    const number = item ? def.items.indexOf(item) + 1 : null;
    return h("div", { class: "flag-item", "data-instrument": def.id },
      h("h3", {}, number ? t("share.flag.item", { title: def.title, number }) : def.title),
      item ? h("p", { class: "flag-text" }, t("share.flag.quote", { text: item.text })) : null,
      h("ul", { class: "flag-list" }, flagged.filter((f) => f.def === def).reverse().map(({ point }) =>
        h("li", { "data-date": point.local_date },
          h("time", { datetime: point.local_date }, longDay(point.local_date)), " — ",
          h("strong", { class: "flag-answer" }, point.safety_answer === null || point.safety_answer === undefined
            ? t("share.flag.above_zero") : answerLabel(def, key, point.safety_answer))))));
  });
  return h("section", { class: "card safety-flag", "aria-labelledby": "flag-title" },
    h("h2", { id: "flag-title" }, t("share.flag.title")),
    blocks,
    h("p", { class: "muted flag-note" }, t("share.flag.note")));
}

// One questionnaire's chart card, and the two charts to draw in it once chart.js is in (each
// drawer gets the chart module and returns what it drew): the screen's, then the printed one.
function chartCard(data, def, scores) {
  const screen = h("div", { class: "score-chart chart-screen", role: "img",
    "aria-label": t("share.checkins.chart", { title: def.title, count: scores.points.length }) });
  const print = h("div", { class: "score-chart chart-print", "aria-hidden": "true" });
  const readout = h("p", { class: "chart-readout no-print", "aria-live": "off" });
  const card = h("div", { class: "card chart-card" }, screen, print, readout);
  const options = { points: scores.points, treatments: data.treatments, start: data.from, end: data.to,
    max: def.score && def.score.max, describe: (i) => {
      const p = scores.points[i];
      return t("share.checkins.readout", { date: shortDay(p.local_date), score: num(p.total) });
    } };
  return { card, drawers: [
    ({ drawScores, scoreLegend }) => {
      card.append(scoreLegend());
      return drawScores(screen, readout, options);
    },
    ({ drawScores, PAPER }) => drawScores(print, h("p"), options, { width: 680, colors: PAPER }),
  ] };
}

// Each questionnaire: its chart card, its series table and every score.
function checkinsSection(data, checkins, charts) {
  if (!checkins.length) return null;
  return h("section", { class: "report-checkins", "aria-labelledby": "checkins-title" },
    h("h2", { id: "checkins-title" }, t("share.checkins.title")),
    checkins.map(({ def, scores }, i) => {
      const headingId = `checkin-${def.id}`;
      const seriesId = `${headingId}-series`;
      const scoresId = `${headingId}-scores`;
      return h("section", { class: "report-checkin", "data-instrument": def.id, "aria-labelledby": headingId },
        h("h3", { id: headingId }, def.title, def.name ? h("span", { class: "checkin-name" }, def.name) : null),
        charts[i].card,
        h("h4", { id: seriesId }, t("share.checkins.series")),
        (scores.series || []).length ? checkinSeriesTable(def, scores, data, seriesId)
          : h("p", { class: "muted" }, t("share.checkins.no_series")),
        h("h4", { id: scoresId }, t("share.checkins.scores")),
        checkinScoresTable(def, scores, scoresId));
    }));
}

// { flag, section, explain, drawers }: the flag, built now (it is first on the page); the
// section and the explanations, built when share.js places them (after the report's first
// screen); and the charts to draw once chart.js is in, one drawer per chart.
export async function checkinParts(data) {
  // Their words (i18n scope "questionnaires"), definitions and styles, all at once.
  const [defs] = await Promise.all([definitions({ keep: false }).catch(() => null), checkinStyles(),
    extend("questionnaires")]);
  const checkins = scoredCheckins(data, defs);
  const charts = checkins.map(({ def, scores }) => chartCard(data, def, scores));
  return {
    flag: safetyFlags(checkins),
    section: () => checkinsSection(data, checkins, charts),
    explain: () => [h("h3", {}, t("share.checkins.title")), checkinExplanationList(checkins.map((c) => c.def), { provider: true })],
    drawers: charts.flatMap((c) => c.drawers),
  };
}
