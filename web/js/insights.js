// "What goes with better days": the server's insights (GET /insights, docs/insights.md) in
// words, one card per factor with its interval drawn as a bar. Shared by Trends and the
// provider's report; loaded only when shown, with its words (catalog scope "insights") and
// css/insights.css. The server computes every number; this module only displays them.

import { get } from "./api.js";
import { formatDay } from "./dates.js";
import { h, nextId, stylesheet } from "./dom.js";
import { extend, formatNumber, locale, t } from "./i18n.js";
import { sideEffectLabel } from "./vocabulary.js";

const KINDS = { tag: "insights.kind.tag", side_effect: "insights.kind.side_effect", medication: "insights.kind.medication" };
const STRENGTHS = { clear: "insights.strength.clear", unclear: "insights.strength.unclear", none: "insights.strength.none" };
const METRICS = { pain: "insights.metric.pain", mood: "insights.metric.mood" };
// The sentence for a difference, by metric and direction (pain: lower is better).
const SENTENCES = {
  pain: { lower: "insights.pain.lower", higher: "insights.pain.higher", same: "insights.pain.same" },
  mood: { lower: "insights.mood.lower", higher: "insights.mood.higher", same: "insights.mood.same" },
};

// A printed report (or Trends) shows the folded parts too: what is missing, how it is worked out.
window.addEventListener("beforeprint", () => {
  for (const details of document.querySelectorAll("section.insights details")) details.open = true;
});

// Words and styles, before anything is shown.
export const ready = () => Promise.all([extend("insights"), stylesheet("/css/insights.css")]);

// "a, b and c" in the reader's language.
const list = (items) => new Intl.ListFormat(locale(), { style: "long", type: "conjunction" }).format(items);
const SHORT = { day: "numeric", month: "short", year: "numeric" };
const one = (v) => formatNumber(v, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
// "−1.8" with a true minus sign.
const signed = (v) => `${v > 0 ? "+" : v < 0 ? "−" : ""}${one(Math.abs(v))}`;

function factorName(row) {
  return row.kind === "side_effect" ? sideEffectLabel(row.name) : row.name;
}

// The interval as a bar on a scale symmetric around 0, the difference as a dot; green where
// the whole interval is on the better side, red where on the worse, grey across 0.
function intervalBar(metric, comparison) {
  const [lo, hi] = comparison.ci;
  const extent = Math.max(2, Math.ceil(Math.max(Math.abs(lo), Math.abs(hi), Math.abs(comparison.diff))));
  const x = (v) => 100 + (v / extent) * 88;
  const better = metric === "pain" ? hi < 0 : lo > 0;
  const worse = metric === "pain" ? lo > 0 : hi < 0;
  const tone = better ? "better" : worse ? "worse" : "across";
  const ns = "http://www.w3.org/2000/svg";
  const el = (tag, attrs, text) => {
    const node = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = text;
    return node;
  };
  const svg = el("svg", { viewBox: "0 0 200 34", class: `interval-bar ${tone}`, role: "img",
    "aria-label": t("insights.bar", { metric: t(METRICS[metric]), diff: signed(comparison.diff), lo: signed(lo), hi: signed(hi) }) });
  svg.append(
    el("line", { x1: 12, x2: 188, y1: 12, y2: 12, class: "track" }),
    el("line", { x1: 100, x2: 100, y1: 3, y2: 21, class: "zero" }),
    el("rect", { x: x(lo) - 1, width: Math.max(2, x(hi) - x(lo) + 2), y: 7, height: 10, rx: 5, class: "range" }),
    el("circle", { cx: x(comparison.diff), cy: 12, r: 5, class: "dot" }),
    el("text", { x: 12, y: 32, class: "tick" }, signed(-extent)),
    el("text", { x: 100, y: 32, class: "tick", "text-anchor": "middle" }, "0"),
    el("text", { x: 188, y: 32, class: "tick", "text-anchor": "end" }, signed(extent)));
  return svg;
}

function metricPart(metric, comparison, name) {
  if (!comparison || comparison.diff === null || comparison.diff === undefined) {
    return h("div", { class: "insight-metric" }, h("p", { class: "muted" }, t("insights.metric.too_few", { metric: t(METRICS[metric]) })));
  }
  const { diff } = comparison;
  const direction = diff < 0 ? "lower" : diff > 0 ? "higher" : "same";
  const [lo, hi] = comparison.ci;
  return h("div", { class: `insight-metric ${metric}` },
    h("p", { class: "insight-sentence" }, t(SENTENCES[metric][direction], { count: Math.abs(diff), points: one(Math.abs(diff)), name })),
    intervalBar(metric, comparison),
    h("p", { class: "muted insight-numbers" }, t("insights.numbers", {
      with: one(comparison.with), without: one(comparison.without), lo: signed(lo), hi: signed(hi) }),
    " ", h("span", { class: `strength-word ${comparison.strength}` }, t(STRENGTHS[comparison.strength]))));
}

function factorCard(row) {
  const name = factorName(row);
  const titleId = nextId("insight");
  return h("article", { class: `card insight ${row.strength || ""}`, "aria-labelledby": titleId, "data-factor": `${row.kind}:${row.name}` },
    h("div", { class: "insight-head" },
      h("h3", { id: titleId }, name, " ", h("small", { class: "insight-kind" }, t(KINDS[row.kind]))),
      row.strength ? h("span", { class: `strength ${row.strength}` }, t(STRENGTHS[row.strength])) : null),
    h("p", { class: "muted insight-counts" }, t("insights.counts", { count: row.days_with, without: row.days_without })),
    metricPart("pain", row.pain, name),
    metricPart("mood", row.mood, name));
}

// Factors that always come together, one group each, in the order of their first member.
function groups(factors) {
  const byName = new Map(factors.map((row) => [row.name, row]));
  const seen = new Set();
  const out = [];
  for (const row of factors) {
    if (seen.has(row)) continue;
    const members = [row, ...row.together_with.map((n) => byName.get(n)).filter((m) => m && m !== row)];
    for (const m of members) seen.add(m);
    out.push({ members, together: row.together_with.length > 0, names: [row.name, ...row.together_with] });
  }
  return out;
}

function tooFewPart(tooFew, min) {
  if (!tooFew.length) return null;
  const shown = tooFew.slice(0, 8);
  return h("details", { class: "more insights-too-few" },
    h("summary", {}, t("insights.too_few.title", { count: tooFew.length })),
    h("div", { class: "more-body" },
      h("p", {}, t("insights.too_few.need", { min })),
      h("ul", {}, shown.map((row) => {
        const name = factorName(row);
        const key = row.days_with < min && row.days_without < min ? "insights.too_few.both"
          : row.days_with < min ? "insights.too_few.with" : "insights.too_few.without";
        return h("li", {}, t(key, { name, with: row.days_with, without: row.days_without }));
      })),
      tooFew.length > shown.length ? h("p", { class: "muted" }, t("insights.too_few.more", { count: tooFew.length - shown.length })) : null));
}

// The section for an insights body (after ready()).
export function insightsSection(body, { provider = false } = {}) {
  const titleId = nextId("insights");
  const content = [];
  if (!body) {
    content.push(h("p", { class: "muted" }, t("insights.no_days")));
  } else if (!body.factors.length) {
    content.push(h("p", { class: "muted" }, t(body.too_few.length ? "insights.none_yet" : "insights.empty")));
  }
  for (const group of body ? groups(body.factors) : []) {
    const cards = group.members.map(factorCard);
    content.push(group.together
      ? h("div", { class: "together" },
        h("p", { class: "together-why" }, t("insights.together", { names: list(group.names.map((n) => factorName(group.members.find((m) => m.name === n) || { kind: "tag", name: n }))) })),
        cards)
      : cards);
  }
  return h("section", { class: "insights", "aria-labelledby": titleId },
    h("h2", { id: titleId }, t("insights.title")),
    h("p", { class: "insights-intro" }, t(provider ? "insights.intro.provider" : "insights.intro")),
    body ? h("p", { class: "muted" }, t("insights.period", { start: formatDay(body.from, SHORT), end: formatDay(body.to, SHORT) })) : null,
    h("p", { class: "insights-cause" }, h("strong", {}, t("insights.cause"))),
    content,
    body ? tooFewPart(body.too_few, body.min_days) : null,
    h("details", { class: "more insights-how" }, h("summary", {}, t("insights.how")),
      h("ul", { class: "more-body" }, ["insights.explain.phases", "insights.explain.difference",
        "insights.explain.interval", "insights.explain.strength", "insights.explain.together"].map((key) => h("li", {}, t(key))))));
}

// Trends: the insights of from..to, or a sentence saying why there are none.
export async function trendsInsights(from, to) {
  const [{ data }] = await Promise.all([get(`/insights?from=${from}&to=${to}`), ready()]);
  return insightsSection(data);
}

// The report: the body the server put in it (null when its dates hold no day).
export async function reportInsights(body) {
  await ready();
  return insightsSection(body, { provider: true });
}
