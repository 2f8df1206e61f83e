// Trends: the chart, the server's analysis of each treatment series, and the same data as
// a table for screen readers. Every number shown comes from GET /api/v1/trends.

import { OfflineError, get } from "../api.js";
import { addDays, formatDay, h, routeLabel, screenHead, todayIn } from "../ui.js";

const RANGES = [["30", "30 days"], ["90", "90 days"], ["365", "1 year"], ["all", "All"]];
const ALL_DAYS = 3700; // the API's longest range
let chosen = "90";

const EXPLANATIONS = [
  ["7-day average", "The mean of a day and the 6 days before it, shown only when at least 4 of those 7 days are logged."],
  ["Series", "Sessions no more than 7 days apart form one series, such as an induction course; a longer pause starts a new one."],
  ["Baseline", "Your average in the 7 days before a series' first session; it needs at least 3 logged days."],
  ["After", "Your average over the days after the series' last session (up to 7), before any next session."],
  ["Change", "How far After is from Baseline, in points and percent. Mood is measured as 10 − mood, so lower is better for both."],
  ["Category", "How much lower than Baseline (IMMPACT): under 10 % none, 10–29 % minimal, 30–49 % moderate, 50 % or more substantial."],
  ["Response", "Pain at least 30 % lower than Baseline, or mood severity at least 50 % lower."],
  ["Relief", "Days from the day after the last session until your 3-day average rises above 70 % of Baseline. “At least” means your data stopped first: a gap of 3 or more days, the end of your data, or the next series."],
];

const num = (v, suffix = "") => (v === null || v === undefined ? "—" : `${v}${suffix}`);

function signed(v, suffix = "") {
  if (v === null || v === undefined) return "—";
  return `${v > 0 ? "+" : v < 0 ? "−" : ""}${Math.abs(v)}${suffix}`;
}

function reliefText(m) {
  if (!m || m.relief_days === null || m.relief_days === undefined) return "—";
  const days = `${m.relief_days} ${m.relief_days === 1 ? "day" : "days"}`;
  return m.censored ? `at least ${days}` : days;
}

function seriesCard(series, treatmentsById) {
  const sessions = series.treatment_ids.map((id) => treatmentsById.get(id)).filter(Boolean);
  const routes = [...new Set(sessions.map((t) => routeLabel(t.route)))].join(", ") || "—";
  const range = series.start_date === series.end_date
    ? formatDay(series.start_date, { day: "numeric", month: "short", year: "numeric" })
    : `${formatDay(series.start_date, { day: "numeric", month: "short" })} – ${formatDay(series.end_date, { day: "numeric", month: "short", year: "numeric" })}`;
  const count = series.treatment_ids.length;
  const row = (label, fn) => h("tr", {}, h("th", { scope: "row" }, label),
    h("td", { class: "num" }, fn(series.pain || {})), h("td", { class: "num" }, fn(series.mood || {})));
  const response = (m) => (m.response === null || m.response === undefined ? "—" : m.response ? "Yes" : "No");
  return h("section", { class: "card series", "data-series": String(series.index) },
    h("h3", {}, `Series ${series.index + 1}: ${range}`),
    h("p", { class: "muted" }, `${count} ${count === 1 ? "session" : "sessions"} · ${routes}`),
    h("table", { class: "series-table" },
      h("caption", { class: "visually-hidden" }, `Series ${series.index + 1}, ${range}: pain and mood compared with baseline`),
      h("thead", {}, h("tr", {}, h("td", {}), h("th", { scope: "col", class: "num" }, "Pain"), h("th", { scope: "col", class: "num" }, "Mood"))),
      h("tbody", {},
        row("Baseline", (m) => num(m.baseline)),
        row("After", (m) => num(m.after)),
        row("Change", (m) => (m.change_pct === null || m.change_pct === undefined ? "—" : `${signed(m.change_pct, " %")}`)),
        row("Category", (m) => num(m.category)),
        row("Response", response),
        row("Relief", reliefText))));
}

function summary(data, start, end) {
  const logged = data.days.length;
  const latest = [...data.days].reverse();
  const painAvg = latest.find((d) => d.pain_avg7 !== null && d.pain_avg7 !== undefined);
  const moodAvg = latest.find((d) => d.mood_avg7 !== null && d.mood_avg7 !== undefined);
  const span = `${formatDay(start, { day: "numeric", month: "short", year: "numeric" })} to ${formatDay(end, { day: "numeric", month: "short", year: "numeric" })}`;
  const sessions = data.treatments.length;
  let text = `From ${span} you logged ${logged} ${logged === 1 ? "day" : "days"} and recorded ${sessions} ${sessions === 1 ? "session" : "sessions"}`;
  if (painAvg || moodAvg) {
    const parts = [];
    if (painAvg) parts.push(`pain ${painAvg.pain_avg7} (on ${formatDay(painAvg.date, { day: "numeric", month: "short" })})`);
    if (moodAvg) parts.push(`mood ${moodAvg.mood_avg7} (on ${formatDay(moodAvg.date, { day: "numeric", month: "short" })})`);
    text += `; the latest 7-day averages are ${parts.join(" and ")}`;
  }
  return `${text}.`;
}

function daysTable(data) {
  const cell = (v) => h("td", { class: "num" }, num(v));
  return h("div", { class: "table-scroll", tabindex: "0", role: "region", "aria-label": "Daily scores table" },
    h("table", { class: "days-table" },
      h("caption", {}, "Daily scores"),
      h("thead", {}, h("tr", {},
        h("th", { scope: "col" }, "Date"), h("th", { scope: "col", class: "num" }, "Pain"), h("th", { scope: "col", class: "num" }, "Mood"),
        h("th", { scope: "col", class: "num" }, "Pain 7-day avg"), h("th", { scope: "col", class: "num" }, "Mood 7-day avg"))),
      h("tbody", {}, data.days.map((d) => h("tr", { "data-date": d.date },
        h("th", { scope: "row" }, h("time", { datetime: d.date }, formatDay(d.date, { day: "numeric", month: "short", year: "numeric" }))),
        cell(d.pain), cell(d.mood), cell(d.pain_avg7), cell(d.mood_avg7))))));
}

function legend() {
  const item = (cls, text) => h("li", {}, h("span", { class: `swatch ${cls}`, "aria-hidden": "true" }), text);
  return h("ul", { class: "legend", "aria-label": "Chart legend" },
    item("pain", "Pain, 7-day average"), item("pain dot", "Pain each day"),
    item("mood", "Mood, 7-day average"), item("mood dot", "Mood each day"),
    item("session", "Session"), item("baseline", "Baseline week"),
    item("relief-pain", "Pain relief"), item("relief-mood", "Mood relief"));
}

export async function render(container, ctx) {
  const today = todayIn(ctx.user.timezone);
  const buttons = RANGES.map(([key, label]) => h("button", { type: "button", "data-range": key, "aria-pressed": String(key === chosen) }, label));
  const body = h("div", { "aria-live": "polite", "aria-busy": "true" }, h("p", { class: "loading" }, "Loading…"));
  let chart = null;
  let loading = 0;

  async function load() {
    const mine = ++loading;
    body.setAttribute("aria-busy", "true");
    const days = chosen === "all" ? ALL_DAYS : Number(chosen);
    const from = addDays(today, -(days - 1));
    let data;
    try {
      data = (await get(`/trends?from=${from}&to=${today}`)).data;
    } catch (error) {
      if (mine !== loading) return;
      body.replaceChildren(h("p", { class: "empty" }, error instanceof OfflineError
        ? "Trends need a connection. Your entries are safe on this phone and will sync."
        : `Trends could not be loaded: ${error.message}`));
      body.setAttribute("aria-busy", "false");
      return;
    }
    const { drawChart } = await import("../chart.js");
    if (mine !== loading || !ctx.isCurrent()) return;
    if (chart) chart.destroy();
    chart = null;
    let start = from;
    if (chosen === "all") {
      const firsts = [data.days[0] && data.days[0].date, data.treatments[0] && data.treatments[0].local_date,
        data.series[0] && addDays(data.series[0].start_date, -7)].filter(Boolean).sort();
      start = firsts[0] || addDays(today, -29);
    }
    const treatmentsById = new Map(data.treatments.map((t) => [t.id, t]));
    const sentence = summary(data, start, today);
    const chartEl = h("div", { class: "chart", role: "img", "aria-label": `Chart of pain and mood. ${sentence}` });
    const readout = h("p", { class: "chart-readout", "aria-live": "off" });
    const series = [...data.series].reverse();
    body.replaceChildren(
      h("p", { class: "summary", id: "trends-summary" }, sentence),
      h("div", { class: "card chart-card" }, chartEl, readout, legend()),
      h("h2", {}, "Treatment series"),
      h("div", { class: "series-list" }, series.length ? series.map((s) => seriesCard(s, treatmentsById))
        : h("p", { class: "muted" }, "No treatment sessions in this period. Record sessions on the Treatments tab to see how each one helped.")),
      h("details", { class: "more" }, h("summary", {}, "What these numbers mean"),
        h("div", { class: "more-body" }, h("dl", { class: "explain" }, EXPLANATIONS.map(([term, text]) => [h("dt", {}, term), h("dd", {}, text)])))),
      h("details", { class: "more days-details" }, h("summary", {}, "Show the numbers as a table"),
        h("div", { class: "more-body" }, data.days.length ? daysTable(data) : h("p", { class: "muted" }, "No days logged in this period."))));
    body.setAttribute("aria-busy", "false");
    chart = drawChart(chartEl, readout, data, { start, end: today });
  }

  for (const button of buttons) {
    button.addEventListener("click", () => {
      chosen = button.dataset.range;
      for (const b of buttons) b.setAttribute("aria-pressed", String(b === button));
      load();
    });
  }
  container.append(screenHead("Trends", "Pain and mood across your treatment sessions."),
    h("div", { class: "segmented", role: "group", "aria-label": "Time range" }, buttons), body);
  load();
  return () => {
    loading += 1;
    if (chart) chart.destroy();
  };
}
