// Trends: the chart, the server's analysis of each treatment series, and the same data as
// a table for screen readers. Every number shown comes from GET /api/v1/trends.

import { OfflineError, get } from "../api.js";
import { screenHead } from "../controls.js";
import { addDays, formatDay, todayIn } from "../dates.js";
import { h } from "../dom.js";
import { daysTable, explanationList, seriesCards } from "../tables.js";

const RANGES = [["30", "30 days"], ["90", "90 days"], ["365", "1 year"], ["all", "All"]];
const ALL_DAYS = 3700; // the API's longest range
let chosen = "90";

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
    const { drawChart, legend } = await import("../chart.js");
    if (mine !== loading || !ctx.isCurrent()) return;
    if (chart) chart.destroy();
    chart = null;
    let start = from;
    if (chosen === "all") {
      const firsts = [data.days[0] && data.days[0].date, data.treatments[0] && data.treatments[0].local_date,
        data.series[0] && addDays(data.series[0].start_date, -7)].filter(Boolean).sort();
      start = firsts[0] || addDays(today, -29);
    }
    if (!data.days.length && !data.treatments.length) {
      body.replaceChildren(h("p", { class: "empty" }, "Nothing logged in this period yet. Log pain and mood on ",
        h("a", { href: "/today" }, "Today"), "; the chart fills in day by day."));
      body.setAttribute("aria-busy", "false");
      return;
    }
    const sentence = summary(data, start, today);
    const chartEl = h("div", { class: "chart", role: "img", "aria-label": `Chart of pain and mood. ${sentence}` });
    const readout = h("p", { class: "chart-readout", "aria-live": "off" });
    body.replaceChildren(
      h("p", { class: "summary", id: "trends-summary" }, sentence),
      h("div", { class: "card chart-card" }, chartEl, readout, legend()),
      h("h2", {}, "Treatment series"),
      h("div", { class: "series-list" }, data.series.length ? seriesCards(data)
        : h("p", { class: "muted" }, "No treatment sessions in this period. Record sessions on the Treatments tab to see how each one helped.")),
      h("details", { class: "more" }, h("summary", {}, "What these numbers mean"),
        h("div", { class: "more-body" }, explanationList())),
      h("details", { class: "more days-details" }, h("summary", {}, "Show the numbers as a table"),
        h("div", { class: "more-body" }, data.days.length ? daysTable(data.days) : h("p", { class: "muted" }, "No days logged in this period."))));
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
