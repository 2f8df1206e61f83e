// Trends: the chart, the server's analysis of each treatment series, and the same data as
// a table for screen readers. Every number shown comes from GET /api/v1/trends.

import { OfflineError, get } from "../api.js";
import { screenHead } from "../controls.js";
import { addDays, formatDay, todayIn } from "../dates.js";
import { h } from "../dom.js";
import { t } from "../i18n.js";
import { list, number } from "../report.js";
import { daysTable, explanationList, seriesCards } from "../tables.js";

const RANGES = ["30", "90", "365", "all"];
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

export async function render(container, ctx) {
  const today = todayIn(ctx.user.timezone);
  const buttons = RANGES.map((key) => h("button", { type: "button", "data-range": key, "aria-pressed": String(key === chosen) }, t(`trends.range.${key}`)));
  const body = h("div", { "aria-live": "polite", "aria-busy": "true" }, h("p", { class: "loading" }, t("trends.loading")));
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
        ? t("trends.offline")
        : t("trends.error", { message: error.message })));
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
      // The link sits where the sentence has {today}, wherever the language puts it.
      const [before, after = ""] = t("trends.empty").split("{today}");
      body.replaceChildren(h("p", { class: "empty" }, before, h("a", { href: "/today" }, t("trends.empty.today")), after));
      body.setAttribute("aria-busy", "false");
      return;
    }
    const sentence = summary(data, start, today);
    const chartEl = h("div", { class: "chart", role: "img", "aria-label": t("chart.label", { summary: sentence }) });
    const readout = h("p", { class: "chart-readout", "aria-live": "off" });
    body.replaceChildren(
      h("p", { class: "summary", id: "trends-summary" }, sentence),
      h("div", { class: "card chart-card" }, chartEl, readout, legend()),
      h("h2", {}, t("trends.series.title")),
      h("div", { class: "series-list" }, data.series.length ? seriesCards(data)
        : h("p", { class: "muted" }, t("trends.series.none"))),
      h("details", { class: "more" }, h("summary", {}, t("trends.explain")),
        h("div", { class: "more-body" }, explanationList())),
      h("details", { class: "more days-details" }, h("summary", {}, t("trends.table")),
        h("div", { class: "more-body" }, data.days.length ? daysTable(data.days) : h("p", { class: "muted" }, t("trends.no_days")))));
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
  container.append(screenHead(t("trends.title"), t("trends.intro")),
    h("div", { class: "segmented", role: "group", "aria-label": t("trends.range.label") }, buttons), body);
  load();
  return () => {
    loading += 1;
    if (chart) chart.destroy();
  };
}
