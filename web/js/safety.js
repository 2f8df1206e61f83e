// Session safety in words and pictures, shared by the session screen, Trends and the provider's
// report: the server's blood-pressure flags as sentences (the numbers and the threshold are the
// flag's own, never a copy here), a session's readings as text and as a small inline SVG, and
// the medication changes (started, dose changed, stopped) as a table. Words: "report.safety.*"
// (neutral wording, read by the patient and the provider alike); styles: css/safety.css.

import { h, stylesheet } from "./dom.js";
import { formatter, locale, t } from "./i18n.js";
import { formatDay } from "./dates.js";
import { num } from "./report.js";
import { bpPhaseLabel, medClassLabel } from "./safety-words.js";

export const safetyStyles = () => stylesheet("/css/safety.css");

// "10:05" in the patient's `timeZone`; without one (the provider's report, which does not
// know the patient's zone) in this browser's, with its name: "10:05 CET".
// `named`: false for the chart's small ticks.
export function clock(iso, timeZone, named = !timeZone) {
  const options = { hour: "2-digit", minute: "2-digit", ...(named ? { timeZoneName: "short" } : {}) };
  try {
    return formatter(Intl.DateTimeFormat, { ...options, timeZone }).format(new Date(iso));
  } catch {
    return formatter(Intl.DateTimeFormat, options).format(new Date(iso));
  }
}

const pressure = (r) => `${num(r.systolic)}/${num(r.diastolic)}`;

// The flags the server computed: t(`report.safety.flag.${code}`) for the codes it names.
const FLAG_CODES = new Set(["bp_before_high", "bp_very_high"]);

// One flag as a sentence: "Blood pressure before dosing was 148/92 — at or above 140/90".
export function flagText(flag, timeZone) {
  const limit = flag.threshold ? `${num(flag.threshold.systolic)}/${num(flag.threshold.diastolic)}` : "—";
  const values = { value: pressure(flag), limit, phase: bpPhaseLabel(flag.phase).toLocaleLowerCase(locale()),
    time: flag.taken_at ? clock(flag.taken_at, timeZone) : "—", code: flag.code };
  return FLAG_CODES.has(flag.code) ? t(`report.safety.flag.${flag.code}`, values) : t("report.safety.flag_other", values);
}

// The flags as a list, each line marked; null when there are none.
export function flagList(flags, timeZone) {
  if (!flags || !flags.length) return null;
  return h("ul", { class: "bp-flags" }, flags.map((flag) =>
    h("li", { class: "bp-flag", "data-code": flag.code }, h("strong", {}, flagText(flag, timeZone)))));
}

// "Before dosing 10:05 — 148/92, pulse 72, SpO₂ 98 %" per reading, in time order.
export function readingLines(vitals, timeZone) {
  return [...(vitals || [])].sort((a, b) => new Date(a.taken_at) - new Date(b.taken_at)).map((r) => {
    const parts = [pressure(r)];
    if (r.heart_rate !== null && r.heart_rate !== undefined) parts.push(t("report.safety.heart_rate", { value: num(r.heart_rate) }));
    if (r.spo2 !== null && r.spo2 !== undefined) parts.push(t("report.safety.spo2", { value: num(r.spo2) }));
    return t("report.safety.reading", { phase: bpPhaseLabel(r.phase), time: clock(r.taken_at, timeZone), values: parts.join(", ") });
  });
}

// The time labels under a readings chart: the first reading's time at its left, the last's
// at its right, inside [left, right] (never under the values' axis labels), and only one
// when both would say the same or would touch (readings close together). `x(i)`: the i-th
// reading's position; a label is about 7 px a character (the ticks' 12 px figures).
export function timeLabels(texts, x, { left, right }) {
  const width = (text) => text.length * 7;
  if (texts.length === 1) return [{ text: texts[0], x: x(0), anchor: "middle" }];
  const first = { text: texts[0], x: Math.max(left, x(0)), anchor: "start" };
  const last = { text: texts[texts.length - 1], x: Math.min(right, x(texts.length - 1)), anchor: "end" };
  if (last.text === first.text || last.x - width(last.text) < first.x + width(first.text) + 6) return [first];
  return [first, last];
}

// A small chart of a session's readings: systolic and diastolic against time, a dot per
// reading. Inline SVG (no library); the readings are also written out beside it.
export function bpChart(vitals, timeZone) {
  const readings = [...(vitals || [])].sort((a, b) => new Date(a.taken_at) - new Date(b.taken_at));
  if (!readings.length) return null;
  const ns = "http://www.w3.org/2000/svg";
  const el = (tag, attrs) => {
    const node = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
    return node;
  };
  const W = 200;
  const H = 92;
  const pad = { left: 32, right: 6, top: 8, bottom: 20 };
  const times = readings.map((r) => new Date(r.taken_at).getTime());
  const t0 = times[0];
  const span = Math.max(times[times.length - 1] - t0, 1);
  const values = readings.flatMap((r) => [r.systolic, r.diastolic]);
  const low = Math.floor((Math.min(...values) - 10) / 10) * 10;
  const high = Math.ceil((Math.max(...values) + 10) / 10) * 10;
  const x = (i) => (readings.length === 1 ? (pad.left + W - pad.right) / 2
    : pad.left + ((times[i] - t0) / span) * (W - pad.left - pad.right));
  const y = (v) => pad.top + (1 - (v - low) / (high - low)) * (H - pad.top - pad.bottom);
  const first = readings[0];
  const last = readings[readings.length - 1];
  const svg = el("svg", { viewBox: `0 0 ${W} ${H}`, width: W, height: H, class: "bp-chart", role: "img",
    "aria-label": t("report.safety.chart_label", { count: readings.length, first: pressure(first), last: pressure(last),
      start: clock(first.taken_at, timeZone), end: clock(last.taken_at, timeZone) }) });
  svg.append(el("line", { x1: pad.left, x2: W - pad.right, y1: H - pad.bottom, y2: H - pad.bottom, class: "bp-axis" }));
  for (const v of [low, high]) {
    const label = el("text", { x: pad.left - 4, y: y(v) + 4, class: "bp-tick", "text-anchor": "end" });
    label.textContent = num(v);
    svg.append(label);
  }
  for (const [key, cls] of [["systolic", "bp-sys"], ["diastolic", "bp-dia"]]) {
    svg.append(el("polyline", { points: readings.map((r, i) => `${x(i).toFixed(1)},${y(r[key]).toFixed(1)}`).join(" "), class: `bp-line ${cls}` }));
    readings.forEach((r, i) => svg.append(el("circle", { cx: x(i).toFixed(1), cy: y(r[key]).toFixed(1), r: 2.6, class: `bp-dot ${cls}` })));
  }
  for (const label of timeLabels(readings.map((r) => clock(r.taken_at, timeZone, false)), x, { left: pad.left, right: W - pad.right })) {
    const text = el("text", { x: label.x, y: H - 4, class: "bp-tick", "text-anchor": label.anchor });
    text.textContent = label.text;
    svg.append(text);
  }
  return svg;
}

// The readings of one session as a block: chart, lines and the server's flags.
export function readingsBlock(session, timeZone) {
  const lines = readingLines(session.vitals, timeZone);
  if (!lines.length && !(session.flags || []).length) return null;
  return h("div", { class: "bp-block" },
    flagList(session.flags, timeZone),
    lines.length ? h("div", { class: "bp-readings" }, bpChart(session.vitals, timeZone),
      h("ul", { class: "bp-lines", "aria-label": t("report.safety.readings") }, lines.map((line) => h("li", {}, line)))) : null);
}

// Started, dose changed, stopped: t(`report.safety.kind.${kind}`) for the kinds the server names.
const KINDS = new Set(["started", "changed", "stopped"]);
export const markerKind = (kind) => (KINDS.has(kind) ? t(`report.safety.kind.${kind}`) : kind);

// The medication markers (GET /trends → medications) as a table, oldest first.
export function medicationChangesTable(markers, labelledBy) {
  const col = (key) => h("th", { scope: "col" }, t(`report.safety.column.${key}`));
  return h("div", { class: "table-scroll", tabindex: "0", role: "region", "aria-labelledby": labelledBy },
    h("table", { class: "report-table med-changes" },
      h("caption", { class: "visually-hidden" }, t("report.safety.changes_caption")),
      h("thead", {}, h("tr", {}, col("date"), col("medication"), col("change"), col("dose"))),
      h("tbody", {}, markers.map((m) => h("tr", { "data-kind": m.kind, "data-medication": m.medication_id },
        h("th", { scope: "row" }, h("time", { datetime: m.date }, formatDay(m.date, { day: "numeric", month: "short", year: "numeric" }))),
        h("td", {}, h("span", { class: "user-text" }, m.name), h("span", { class: "cell-note" }, medClassLabel(m.class))),
        h("td", {}, markerKind(m.kind)),
        h("td", {}, m.dose ? h("span", { class: "user-text" }, m.dose) : "—"))))));
}
