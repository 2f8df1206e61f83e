// Trends: the chart, the server's analysis of each treatment series, the same data as a table
// for screen readers, and each questionnaire's scores across the sessions. Every number shown
// comes from GET /api/v1/trends.

import { OfflineError, get } from "../api.js";
import { screenHead } from "../controls.js";
import { addDays, formatDay, todayIn } from "../dates.js";
import { UPLOT_SCRIPT, h, preloadScript } from "../dom.js";
import { t } from "../i18n.js";
import { checkinStyles, definitions, severityLabel } from "../questionnaires.js";
import { list, number } from "../report.js";
import { checkinExplanationList, checkinScoresTable, checkinSeriesCards } from "../checkin-tables.js";
import { daysTable, explanationList, seriesCards } from "../tables.js";
import { medicationChangesTable, safetyStyles } from "../safety.js";
import "../table-labels.js"; // wide tables as labelled lines on a phone

const RANGES = ["30", "90", "365", "all"];
// A phone's chart draws pain, mood, their averages and the sessions; "More layers" adds the
// rest (baseline weeks, relief, medications), remembered on this device.
const NARROW = "(max-width: 599px)";
const LAYERS_KEY = "relieflog.trends.layers";
function allLayersChosen() {
  try {
    return localStorage.getItem(LAYERS_KEY) === "all";
  } catch {
    return false;
  }
}
function rememberLayers(all) {
  try {
    if (all) localStorage.setItem(LAYERS_KEY, "all");
    else localStorage.removeItem(LAYERS_KEY);
  } catch { /* private mode: for this visit only */ }
}
const ALL_DAYS = 3700; // the API's longest range
let chosen = "90";

function summary(data, start, end) {
  const logged = data.days.length;
  const latest = [...data.days].reverse();
  const painAvg = latest.find((d) => d.pain_avg7 !== null && d.pain_avg7 !== undefined);
  const moodAvg = latest.find((d) => d.mood_avg7 !== null && d.mood_avg7 !== undefined);
  const long = { day: "numeric", month: "short", year: "numeric" };
  const values = {
    start: formatDay(start, long),
    end: formatDay(end, long),
    days: t("trends.summary.days", { count: logged }),
    sessions: t("trends.summary.sessions", { count: data.treatments.length }),
  };
  if (!painAvg && !moodAvg) return t("trends.summary.text", values);
  const parts = [];
  const on = (d) => formatDay(d.date, { day: "numeric", month: "short" });
  if (painAvg) parts.push(t("trends.summary.pain", { value: number(painAvg.pain_avg7), date: on(painAvg) }));
  if (moodAvg) parts.push(t("trends.summary.mood", { value: number(moodAvg.mood_avg7), date: on(moodAvg) }));
  return t("trends.summary.with_averages", { ...values, averages: list(parts) });
}

// "14 out of 27" (a PEG mean has one decimal: "6.3 out of 10").
const outOf = (total, def) => (def.score && def.score.max ? t("trends.checkins.out_of", { score: number(total), max: number(def.score.max) }) : number(total));

// Each questionnaire with scores in the range, in the server's order: its latest score, a
// chart of its scores with the sessions marked, its series table and every score as a
// table. Returns the section and a function that draws the charts once it is on screen.
function checkinsSection(data, defs, { start, end, enabled }) {
  const scored = (defs ? defs.items : []).filter((def) => data.questionnaires && data.questionnaires[def.id]
    && (data.questionnaires[def.id].points || []).length);
  if (!scored.length && !enabled) return { section: null, scored: 0, draw: () => [] };
  const drawers = [];
  const cards = scored.map((def) => {
    const scores = data.questionnaires[def.id];
    const latest = scores.points[scores.points.length - 1];
    const headingId = `checkin-${def.id}`;
    const latestText = t(latest.severity ? "trends.checkins.latest_band" : "trends.checkins.latest", {
      score: outOf(latest.total, def), severity: severityLabel(latest.severity),
      date: formatDay(latest.local_date, { day: "numeric", month: "short" }) });
    const chartEl = h("div", { class: "score-chart", role: "img", "aria-label": t("chart.scores_label", { title: def.title, summary: latestText }) });
    const readout = h("p", { class: "chart-readout", "aria-live": "off" });
    drawers.push(({ drawScores, scoreLegend }) => {
      chartEl.after(readout);
      readout.after(scoreLegend());
      return drawScores(chartEl, readout, {
        points: scores.points, treatments: data.treatments, start, end, max: def.score && def.score.max,
        describe: (i) => {
          const p = scores.points[i];
          return [formatDay(p.local_date, { weekday: "short", day: "numeric", month: "short", year: "numeric" }),
            outOf(p.total, def), p.severity ? severityLabel(p.severity) : null].filter(Boolean).join(" · ");
        },
      });
    });
    return h("section", { class: "card checkin-trend", "data-instrument": def.id, "aria-labelledby": headingId },
      h("h3", { id: headingId }, def.title, h("span", { class: "checkin-name" }, def.name)),
      h("p", { class: "checkin-latest" }, latestText),
      chartEl,
      h("h4", {}, t("trends.checkins.series")),
      (scores.series || []).length ? h("div", { class: "checkin-series-list" }, checkinSeriesCards(def, scores, data))
        : h("p", { class: "muted" }, t("trends.checkins.no_series")),
      h("details", { class: "more scores-details" }, h("summary", {}, t("trends.checkins.table")),
        h("div", { class: "more-body" }, checkinScoresTable(def, scores, headingId))),
      h("p", { class: "checkin-again" }, h("a", { href: `/checkin/${encodeURIComponent(def.id)}`, class: "btn btn-small" },
        t("trends.checkins.answer", { title: def.title }))));
  });
  const section = h("section", { class: "checkins", "aria-labelledby": "checkins-title" },
    h("h2", { id: "checkins-title" }, t("trends.checkins.title")),
    cards.length ? cards : h("p", { class: "muted" }, t("trends.checkins.none")),
    cards.length ? h("details", { class: "more" }, h("summary", {}, t("trends.checkins.explain")),
      h("div", { class: "more-body" }, checkinExplanationList(scored))) : null);
  return { section, scored: cards.length, draw: (chartModule) => drawers.map((draw) => draw(chartModule)) };
}

export async function render(container, ctx) {
  const today = todayIn(ctx.user.timezone);
  const buttons = RANGES.map((key) => h("button", { type: "button", "data-range": key, "aria-pressed": String(key === chosen) }, t(`trends.range.${key}`)));
  const body = h("div", { "aria-live": "polite", "aria-busy": "true" }, h("p", { class: "loading" }, t("trends.loading")));
  let charts = [];
  let loading = 0;

  async function load() {
    const mine = ++loading;
    body.setAttribute("aria-busy", "true");
    const days = chosen === "all" ? ALL_DAYS : Number(chosen);
    const from = addDays(today, -(days - 1));
    let data;
    let defs = null;
    try {
      [data, defs] = await Promise.all([get(`/trends?from=${from}&to=${today}`).then((r) => r.data),
        definitions().catch(() => null), checkinStyles(), safetyStyles()]);
    } catch (error) {
      if (mine !== loading) return;
      body.replaceChildren(h("p", { class: "empty" }, error instanceof OfflineError
        ? t("trends.offline")
        : t("trends.error", { message: error.message })));
      body.setAttribute("aria-busy", "false");
      return;
    }
    preloadScript(UPLOT_SCRIPT); // beside chart.js, which runs it
    const chartModule = await import("../chart.js");
    const { PHONE_LAYERS, drawChart, layersOf, legend } = chartModule;
    if (mine !== loading || !ctx.isCurrent()) return;
    for (const c of charts) c.destroy();
    charts = [];
    let start = from;
    if (chosen === "all") {
      const firsts = [data.days[0] && data.days[0].date, data.treatments[0] && data.treatments[0].local_date,
        data.series[0] && addDays(data.series[0].start_date, -7),
        ...Object.values(data.questionnaires || {}).map((q) => q.points && q.points[0] && q.points[0].local_date)]
        .filter(Boolean).sort();
      start = firsts[0] || addDays(today, -29);
    }
    const enabled = Boolean(ctx.user.questionnaires && ctx.user.questionnaires.length);
    const checkins = checkinsSection(data, defs, { start, end: today, enabled });
    if (!data.days.length && !data.treatments.length && !checkins.scored && !(data.medications || []).length) {
      // The link sits where the sentence has {today}, wherever the language puts it.
      const [before, after = ""] = t("trends.empty").split("{today}");
      body.replaceChildren(h("p", { class: "empty" }, before, h("a", { href: "/today" }, t("trends.empty.today")), after));
      body.setAttribute("aria-busy", "false");
      return;
    }
    const medications = data.medications || [];
    const sentence = summary(data, start, today);
    const chartEl = h("div", { class: "chart", role: "img", "aria-label": t("chart.label", { summary: sentence }) });
    const readout = h("p", { class: "chart-readout", "aria-live": "off" });
    const legendSlot = h("div", {});
    const insightsSlot = h("div", { class: "insights-slot" });
    const narrow = window.matchMedia(NARROW).matches;
    const more = narrow && layersOf(data).some((layer) => !PHONE_LAYERS.includes(layer));
    const toggle = more ? h("button", { type: "button", class: "btn btn-small" }) : null;
    let main = null;
    const drawMain = () => {
      const all = !more || allLayersChosen();
      const layers = all ? null : PHONE_LAYERS;
      if (main) main.destroy();
      main = drawChart(chartEl, readout, data, { start, end: today, layers });
      legendSlot.replaceChildren(legend(data, { layers }));
      if (toggle) toggle.textContent = t(all ? "trends.layers.fewer" : "trends.layers.more");
      return main;
    };
    if (toggle) {
      toggle.addEventListener("click", () => {
        rememberLayers(!allLayersChosen());
        charts[0] = drawMain();
      });
    }
    body.replaceChildren(
      h("p", { class: "summary", id: "trends-summary" }, sentence),
      h("div", { class: "card chart-card" }, chartEl, readout, legendSlot,
        toggle ? h("div", { class: "actions compact" }, toggle) : null),
      medications.length ? h("section", { class: "med-changes-section", "aria-labelledby": "med-changes-title" },
        h("h2", { id: "med-changes-title" }, t("trends.medications.title")),
        medicationChangesTable(medications, "med-changes-title"),
        h("p", {}, h("a", { href: "/medications" }, t("trends.medications.edit")))) : "",
      h("h2", {}, t("trends.series.title")),
      h("div", { class: "series-list" }, data.series.length ? seriesCards(data)
        : h("p", { class: "muted" }, t("trends.series.none"))),
      h("details", { class: "more" }, h("summary", {}, t("trends.explain")),
        h("div", { class: "more-body" }, explanationList())),
      h("details", { class: "more days-details" }, h("summary", {}, t("trends.table")),
        h("div", { class: "more-body" }, data.days.length ? daysTable(data.days) : h("p", { class: "muted" }, t("trends.no_days")))),
      checkins.section || "",
      insightsSlot);
    body.setAttribute("aria-busy", "false");
    charts = [drawMain(), ...checkins.draw(chartModule)];
    // "What goes with better days" (insights.js, with its words) loads after the chart; for
    // "All", over the last year at most (its first computation takes seconds for years).
    const lastYear = addDays(today, -364);
    import("../insights.js").then((m) => m.trendsInsights(start < lastYear ? lastYear : start, today))
      .then((section) => { if (mine === loading) insightsSlot.replaceChildren(section); })
      .catch(() => { if (mine === loading) insightsSlot.replaceChildren(); });
  }

  for (const button of buttons) {
    button.addEventListener("click", () => {
      chosen = button.dataset.range;
      for (const b of buttons) b.setAttribute("aria-pressed", String(b === button));
      load();
    });
  }
  container.append(screenHead(t("trends.title"), t("trends.intro")),
    h("div", { class: "segmented", role: "group", "aria-label": t("trends.range.label") }, buttons), body);
  load();
  return () => {
    loading += 1;
    for (const c of charts) c.destroy();
  };
}
