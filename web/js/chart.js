// The Trends chart (uPlot, loaded only here): daily pain and mood, the server's 7-day
// averages, a dashed marker at every session, each series' baseline window and relief
// period (strips above the plot, off the scale), medication markers. It only draws what GET
// /trends returned; it computes no statistic of its own. Its legend is made from the same
// list of layers it draws (LAYERS), so every mark on it has an entry; a caller may draw
// fewer layers (a phone: PHONE_LAYERS), and the legend then names only those.

import { addDays, formatDay } from "./dates.js";
import { UPLOT_SCRIPT, h, stylesheet } from "./dom.js";
import { t } from "./i18n.js";
import { number } from "./report.js";
import { routeLabel } from "./vocabulary.js";

// uPlot's minified build (half the bytes of its ES module), as a classic script from our own
// origin; importing this module waits for it, so callers `await import("./chart.js")`, having
// asked for uPlot at the same moment (dom.js, preloadScript(UPLOT_SCRIPT)).
function loadUPlot() {
  if (window.uPlot) return Promise.resolve(window.uPlot);
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = UPLOT_SCRIPT;
    script.onload = () => resolve(window.uPlot);
    script.onerror = () => reject(new Error(t("chart.error.library")));
    document.head.append(script);
  });
}
const uPlot = await loadUPlot();

const DAY = 86400;

const loadCss = () => stylesheet("/vendor/uplot/uPlot.min.css");

// Room above a plot for the session markers' dots (and, on the pain and mood chart, the
// relief strips), so nothing is drawn over the top of the scale (a marker's --dot-top).
const DOT_ROOM = 14;
const STRIP = 7;

const ts = (day) => Date.parse(`${day}T00:00:00Z`) / 1000;
const dayOf = (seconds) => new Date(seconds * 1000).toISOString().slice(0, 10);

function palette() {
  const css = getComputedStyle(document.documentElement);
  const v = (name) => css.getPropertyValue(name).trim();
  return { pain: v("--pain"), mood: v("--mood"), text: v("--muted"), line: v("--line"), surface: v("--surface"), score: v("--accent") };
}

function rgba(hex, alpha) {
  const m = hex.match(/^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i);
  if (!m) return hex;
  return `rgba(${parseInt(m[1], 16)}, ${parseInt(m[2], 16)}, ${parseInt(m[3], 16)}, ${alpha})`;
}

// Every calendar day from start to end, with null where nothing was logged (gaps, not zeros).
export function dailyColumns(days, start, end) {
  const byDate = new Map(days.map((d) => [d.date, d]));
  const x = [];
  const cols = { pain: [], mood: [], pain_avg7: [], mood_avg7: [] };
  for (let day = start; day <= end; day = addDays(day, 1)) {
    x.push(ts(day));
    const row = byDate.get(day);
    for (const key of Object.keys(cols)) cols[key].push(row && row[key] !== undefined ? row[key] : null);
  }
  return [x, cols.pain, cols.mood, cols.pain_avg7, cols.mood_avg7];
}

// What the chart can draw, in the legend's order: [layer, swatch class, catalog key].
const LAYERS = [
  ["pain_avg7", "pain", "chart.legend.pain_avg7"], ["pain_day", "pain dot", "chart.legend.pain_day"],
  ["mood_avg7", "mood", "chart.legend.mood_avg7"], ["mood_day", "mood dot", "chart.legend.mood_day"],
  ["session", "session", "chart.legend.session"], ["baseline", "baseline", "chart.legend.baseline"],
  ["relief_pain", "relief-pain", "chart.legend.relief_pain"], ["relief_mood", "relief-mood", "chart.legend.relief_mood"],
  ["medication", "medication", "chart.legend.medication"],
  ["medication_stopped", "medication stopped", "chart.legend.medication_stopped"],
];
// What a phone shows until "More layers" is tapped.
export const PHONE_LAYERS = ["pain_avg7", "pain_day", "mood_avg7", "mood_day", "session"];

// The layers `trends` has something for (of `wanted`, every layer when null).
export function layersOf(trends, wanted = null) {
  const days = trends.days || [];
  const series = trends.series || [];
  const medications = trends.medications || [];
  const has = {
    pain_avg7: days.some((d) => d.pain_avg7 !== null && d.pain_avg7 !== undefined),
    pain_day: days.some((d) => d.pain !== null && d.pain !== undefined),
    mood_avg7: days.some((d) => d.mood_avg7 !== null && d.mood_avg7 !== undefined),
    mood_day: days.some((d) => d.mood !== null && d.mood !== undefined),
    session: (trends.treatments || []).length > 0,
    baseline: series.length > 0,
    relief_pain: series.some((x) => x.pain && x.pain.relief_days),
    relief_mood: series.some((x) => x.mood && x.mood.relief_days),
    medication: medications.some((m) => m.kind !== "stopped"),
    medication_stopped: medications.some((m) => m.kind === "stopped"),
  };
  return LAYERS.map(([id]) => id).filter((id) => has[id] && (!wanted || wanted.includes(id)));
}

// The chart's key, shared by Trends and the provider's report: an entry for each layer it
// draws of `trends` (`layers` as given to drawChart; every layer when null). The words of
// the medication markers come with the report's safety part.
export function legend(trends = {}, { layers = null } = {}) {
  const shown = layersOf({ days: [], treatments: [], series: [], ...trends }, layers);
  return h("ul", { class: "legend", "aria-label": t("chart.legend.label") },
    LAYERS.filter(([id]) => shown.includes(id)).map(([id, cls, key]) =>
      h("li", { "data-layer": id }, h("span", { class: `swatch ${cls}`, "aria-hidden": "true" }), t(key))));
}

// "Started Sertraline 50 mg" for a medication marker: t(`chart.medication.${kind}`).
const MED_KINDS = new Set(["started", "changed", "stopped"]);
const medicationText = (m) => (MED_KINDS.has(m.kind)
  ? t(`chart.medication.${m.kind}`, { name: m.name, dose: m.dose || "" }).trim() : `${m.name} ${m.kind}`);

// The key of a questionnaire's chart.
export function scoreLegend() {
  const item = (cls, text) => h("li", {}, h("span", { class: `swatch ${cls}`, "aria-hidden": "true" }), text);
  return h("ul", { class: "legend", "aria-label": t("chart.legend.label") },
    item("score", t("chart.legend.score")), item("session", t("chart.legend.session")));
}

// The light theme's colours, for a chart that is only ever printed on white paper.
export const PAPER = { pain: "#b23c17", mood: "#1f62a8", text: "#4b5865", line: "#d3d9df", surface: "#ffffff", score: "#0b5c97" };

// A dashed marker at each session inside the plot `u` (replacing `markers`, the last ones).
function markSessions(u, treatments, markers, dotTop = DOT_ROOM) {
  for (const m of markers) m.remove();
  markers.length = 0;
  for (const session of treatments) {
    const left = u.valToPos(ts(session.local_date), "x");
    if (left < 0 || left > u.bbox.width / uPlot.pxRatio) continue; // laid out or not (print copy)
    const marker = document.createElement("div");
    marker.className = "marker";
    marker.dataset.date = session.local_date;
    marker.dataset.route = session.route;
    marker.title = `${routeLabel(session.route)} · ${formatDay(session.local_date, { day: "numeric", month: "short" })}`;
    marker.style.left = `${left - 1}px`;
    marker.style.setProperty("--dot-top", `${-dotTop}px`);
    u.over.append(marker);
    markers.push(marker);
  }
}

// A solid marker at each medication start, dose change and stop (GET /trends → medications).
function markMedications(u, medications, markers) {
  for (const m of medications) {
    const left = u.valToPos(ts(m.date), "x");
    if (left < 0 || left > u.bbox.width / uPlot.pxRatio) continue;
    const marker = document.createElement("div");
    marker.className = "marker med-marker";
    marker.dataset.date = m.date;
    marker.dataset.kind = m.kind;
    marker.title = `${medicationText(m)} · ${formatDay(m.date, { day: "numeric", month: "short" })}`;
    marker.style.left = `${left + 1}px`;
    u.over.append(marker);
    markers.push(marker);
  }
}

const axisFont = "12px system-ui, sans-serif";
const dayAxis = (colors) => ({ stroke: colors.text, grid: { stroke: colors.line, width: 1 }, ticks: { stroke: colors.line }, size: 30,
  font: axisFont, space: 60, values: (u, splits) => splits.map((s) => formatDay(dayOf(s), { day: "numeric", month: "short" })) });

// Draws with the theme's colours (or `fixedColors`), at the container's width (or
// `fixedWidth`), again when the theme changes; destroy() undoes it all.
function plotFollowing(target, build, data, { fixedWidth, fixedColors, height }) {
  let colors = fixedColors || palette();
  const widthNow = () => fixedWidth || target.clientWidth || 340;
  let plot = new uPlot(build(widthNow(), colors), data, target);
  // Drawn again only when the width changed (a redraw of the same size is the whole cost twice).
  const resize = () => {
    const width = widthNow();
    if (width !== plot.width) plot.setSize({ width, height });
  };
  const scheme = window.matchMedia("(prefers-color-scheme: dark)");
  const recolor = () => {
    colors = fixedColors || palette();
    plot.destroy();
    plot = new uPlot(build(widthNow(), colors), data, target);
  };
  window.addEventListener("resize", resize);
  requestAnimationFrame(resize); // the screen may not have been in the page when drawn
  scheme.addEventListener("change", recolor);
  return {
    destroy() {
      window.removeEventListener("resize", resize);
      scheme.removeEventListener("change", recolor);
      plot.destroy();
    },
  };
}

// One questionnaire's scores over time (Trends and the report): a point per response joined
// by a line, from 0 to the instrument's maximum (the server's), and a dashed marker at every
// session. `describe(i)` words the i-th point for the readout under the chart.
export function drawScores(target, readout, { points, treatments, start, end, max, describe },
  { width: fixedWidth = null, colors: fixedColors = null } = {}) {
  loadCss();
  const height = 200;
  // Two answers on one day sit an hour apart, so the x values keep rising.
  const perDay = new Map();
  const x = points.map((p) => {
    const n = perDay.get(p.local_date) || 0;
    perDay.set(p.local_date, n + 1);
    return ts(p.local_date) + DAY / 2 + n * 3600;
  });
  const data = [x, points.map((p) => p.total)];
  const markers = [];
  const hint = t("chart.scores_hint");
  readout.textContent = hint;
  const build = (width, colors) => ({
    width,
    height,
    tzDate: (seconds) => uPlot.tzDate(new Date(seconds * 1000), "Etc/UTC"),
    // At least a week wide, so a short range still reads as days (not hours of one day).
    scales: { x: { time: true, range: [Math.min(ts(start), ts(end) - 6 * DAY) - DAY / 2, ts(end) + DAY] }, y: { range: [0, max || 1] } },
    legend: { show: false },
    padding: [DOT_ROOM + 4, null, null, null],
    cursor: { drag: { x: false, y: false }, points: { size: 10 } },
    // Ticks on whole days (then weeks, months, years), never hours: a point is a day's answer.
    axes: [{ ...dayAxis(colors), incrs: [1, 2, 7, 14, 30, 60, 91, 182, 365, 730].map((n) => n * DAY) },
      { stroke: colors.text, grid: { stroke: colors.line, width: 1 }, ticks: { show: false }, size: 28, font: axisFont }],
    series: [{}, { label: t("chart.legend.score"), stroke: colors.score, width: 2.5,
      points: { show: true, size: 8, width: 2, fill: colors.surface, stroke: colors.score } }],
    hooks: {
      draw: [(u) => markSessions(u, treatments, markers)],
      setCursor: [(u) => {
        const idx = u.cursor.idx;
        readout.textContent = idx === null || idx === undefined ? hint : describe(idx);
      }],
    },
  });
  return plotFollowing(target, build, data, { fixedWidth, fixedColors, height });
}

// `width`: a fixed width (a chart drawn for print, in a hidden container) instead of the
// container's, followed on resize. `colors`: a fixed palette instead of the theme's.
// `layers`: the layers to draw (PHONE_LAYERS, say); every one when null.
export function drawChart(target, readout, trends, { start, end, width: fixedWidth = null, colors: fixedColors = null, layers = null }) {
  loadCss();
  const shown = new Set(layersOf(trends, layers));
  const reliefRows = ["pain", "mood"].filter((metric) => shown.has(`relief_${metric}`));
  const top = DOT_ROOM + reliefRows.length * (STRIP + 2) + 4;
  target.dataset.layers = [...shown].join(" ");
  const data = dailyColumns(trends.days, start, end);
  const sessionsByDay = new Map();
  for (const session of trends.treatments) {
    if (!sessionsByDay.has(session.local_date)) sessionsByDay.set(session.local_date, []);
    sessionsByDay.get(session.local_date).push(session);
  }
  const byDate = new Map(trends.days.map((d) => [d.date, d]));
  let colors;
  const markers = [];
  const medications = trends.medications || [];
  const marked = medications.filter((m) => shown.has(m.kind === "stopped" ? "medication_stopped" : "medication"));

  function describe(day) {
    const row = byDate.get(day);
    const parts = [formatDay(day, { weekday: "short", day: "numeric", month: "short", year: "numeric" })];
    if (row) {
      for (const key of ["pain", "mood", "pain_avg7", "mood_avg7"]) {
        if (row[key] !== null && row[key] !== undefined) parts.push(t(`chart.readout.${key}`, { value: number(row[key]) }));
      }
    } else {
      parts.push(t("chart.readout.not_logged"));
    }
    const sessions = sessionsByDay.get(day) || [];
    for (const m of medications.filter((x) => x.date === day)) parts.push(medicationText(m));
    const text = parts.join(" · ");
    return sessions.length
      ? t("chart.readout.sessions", { text, sessions: sessions.map((s) => `${routeLabel(s.route)}${s.dose_mg ? ` ${number(s.dose_mg)} mg` : ""}`).join(", ") })
      : text;
  }

  // Baseline windows shaded behind the lines; relief periods as strips above the plot (pain,
  // then mood), outside the 0–10 scale, where they cover nothing.
  function drawBands(u) {
    const { ctx } = u;
    const { left, top: plotTop, width, height } = u.bbox;
    const x0 = (day) => Math.max(left, u.valToPos(ts(day) - DAY / 2, "x", true));
    const x1 = (day) => Math.min(left + width, u.valToPos(ts(day) + DAY / 2, "x", true));
    const px = uPlot.pxRatio;
    ctx.save();
    for (const series of trends.series) {
      // Baseline window: the 7 days before the series' first session.
      const b0 = x0(addDays(series.start_date, -7));
      const b1 = x1(addDays(series.start_date, -1));
      if (shown.has("baseline") && b1 > b0) {
        ctx.fillStyle = rgba(colors.text.startsWith("#") ? colors.text : "#808080", 0.13);
        ctx.fillRect(b0, plotTop, b1 - b0, height);
      }
      reliefRows.forEach((metric, i) => {
        const relief = series[metric];
        if (!relief || !relief.relief_days) return;
        const r0 = x0(addDays(series.end_date, 1));
        const r1 = x1(addDays(series.end_date, relief.relief_days));
        if (r1 <= r0) return;
        ctx.fillStyle = rgba(colors[metric], 0.6);
        const y = plotTop - (reliefRows.length - i) * (STRIP + 2) * px - 2 * px;
        ctx.fillRect(r0, y, r1 - r0, STRIP * px);
      });
    }
    ctx.restore();
  }

  const placeMarkers = (u) => {
    markSessions(u, shown.has("session") ? trends.treatments : [], markers, top - 2);
    markMedications(u, marked, markers);
  };

  const hint = t("chart.hint");
  readout.textContent = hint;

  function opts(width) {
    return {
      width,
      height: 260,
      tzDate: (seconds) => uPlot.tzDate(new Date(seconds * 1000), "Etc/UTC"),
      scales: { x: { time: true, range: [ts(start) - DAY / 2, ts(end) + DAY / 2] }, y: { range: [0, 10] } },
      legend: { show: false },
      padding: [top, null, null, null],
      cursor: { drag: { x: false, y: false }, points: { size: 8 } },
      axes: [
        dayAxis(colors),
        { stroke: colors.text, grid: { stroke: colors.line, width: 1 }, ticks: { show: false }, size: 28,
          splits: () => [0, 2, 4, 6, 8, 10], font: axisFont },
      ],
      series: [
        {},
        { show: shown.has("pain_day"), label: t("chart.legend.pain_day"), stroke: rgba(colors.pain, 0.55), width: 1, paths: () => null, points: { show: true, size: 5, width: 1, fill: rgba(colors.pain, 0.35), stroke: rgba(colors.pain, 0.7) } },
        { show: shown.has("mood_day"), label: t("chart.legend.mood_day"), stroke: rgba(colors.mood, 0.55), width: 1, paths: () => null, points: { show: true, size: 5, width: 1, fill: rgba(colors.mood, 0.35), stroke: rgba(colors.mood, 0.7) } },
        { show: shown.has("pain_avg7"), label: t("chart.legend.pain_avg7"), stroke: colors.pain, width: 3, points: { show: false }, spanGaps: false },
        { show: shown.has("mood_avg7"), label: t("chart.legend.mood_avg7"), stroke: colors.mood, width: 3, points: { show: false }, spanGaps: false },
      ],
      hooks: {
        drawClear: [drawBands],
        draw: [placeMarkers],
        setCursor: [(u) => {
          const idx = u.cursor.idx;
          readout.textContent = idx === null || idx === undefined ? hint : describe(dayOf(u.data[0][idx]));
        }],
      },
    };
  }

  const build = (width, theme) => {
    colors = theme;
    return opts(width);
  };
  return plotFollowing(target, build, data, { fixedWidth, fixedColors, height: 260 });
}
