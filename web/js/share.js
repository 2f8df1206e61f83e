// The provider's read-only report at /share#TOKEN. No account and no service worker: the
// token is read from the fragment, kept in memory only (never in storage), taken out of
// the address bar at once, and exchanged for a short-lived viewing cookie. When that
// cookie ends (401) the token is exchanged again, once; a revoked or expired link (410)
// replaces the report with a page that says so. Every number comes from the server.

import { ApiError, OfflineError, request } from "./api.js";
import * as i18n from "./i18n.js";
import { toast } from "./controls.js";
import { UPLOT_SCRIPT, h, preloadScript, takeFragment } from "./dom.js";
import { explanation, moment, num } from "./report.js";
import { formatDay } from "./dates.js";
import { checkinStyles, definitions } from "./questionnaires.js";
import { daysTable, explanationList, moodNote, seriesTable } from "./tables.js";
import { routeLabel, sideEffectLabel } from "./vocabulary.js";

// Whose data: a share link's, or (clinic-report.js) a clinic's patient with the provider's login.
const BASE = /^\/clinic\/patients\/[\w-]+$/.test(location.pathname) ? location.pathname : "/shared";
let clinic = null;

// The token leaves the address bar (and so bookmarks and history) before anything else;
// it stays in this page's memory only. null: the fragment could not be decoded.
const fragment = BASE === "/shared" ? takeFragment() : "";
const main = document.getElementById("main");
let token = fragment || "";
let renewing = null; // the one POST /shared/session in flight, shared by every caller
let shown = null; // the report's data, while the report is on screen
let charts = [];

const { t } = i18n;
const longDay = (value) => formatDay(value, { day: "numeric", month: "long", year: "numeric" });
const shortDay = (value) => formatDay(value, { day: "numeric", month: "short", year: "numeric" });
const dateOf = (iso) => moment(iso, { day: "numeric", month: "long", year: "numeric" });

// ---- Talking to /api/v1/shared ----

function renew() {
  if (!token) return Promise.reject(new ApiError(401, { detail: t("share.ended.detail") }));
  renewing ||= request("POST", "/shared/session", { body: { token } }).finally(() => { renewing = null; });
  return renewing;
}

// Runs `call`; a 401 (the viewing cookie ended) exchanges the token again and retries once.
async function viewing(call) {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 401 || !token) throw error;
  }
  await renew();
  return call();
}

async function fetchFile(path) {
  let response;
  try {
    response = await fetch(`/api/v1${BASE}/${path}`, { credentials: "same-origin", cache: "no-store" });
  } catch {
    throw new OfflineError();
  }
  if (!response.ok) {
    let problem = null;
    try {
      problem = await response.json();
    } catch {
      problem = null;
    }
    throw new ApiError(response.status, problem);
  }
  const disposition = response.headers.get("Content-Disposition") || "";
  const name = (disposition.match(/filename="?([^";]+)"?/) || [])[1] || path;
  return { blob: await response.blob(), name };
}

async function download(path) {
  try {
    const { blob, name } = await viewing(() => fetchFile(path));
    const url = URL.createObjectURL(blob);
    const link = h("a", { href: url, download: name, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 30_000);
  } catch (error) {
    failed(error);
  }
}

// ---- Pages other than the report ----

// Move focus to a new page's heading only when it replaces something the reader was using.
function focusHeading(heading) {
  if (main.dataset.shown) heading.focus({ preventScroll: true });
  main.dataset.shown = "yes";
}

function page(title, ...body) {
  shown = null;
  queue = [];
  main.removeAttribute("aria-busy");
  for (const chart of charts) chart.destroy();
  charts = [];
  document.title = t("share.document_title", { title });
  const heading = h("h1", { tabindex: "-1" }, title);
  main.replaceChildren(h("div", { class: "notice-page" }, heading, ...body));
  focusHeading(heading);
  window.scrollTo(0, 0);
}

function gone(problem) {
  token = "";
  if (problem.reason === "expired") {
    const date = (problem.detail || "").match(/\d{4}-\d{2}-\d{2}/);
    page(date ? t("share.expired.title_on", { date: longDay(date[0]) }) : t("share.expired.title"),
      h("p", {}, t("share.expired.text")));
  } else {
    page(t("share.revoked.title"), h("p", {}, t("share.revoked.text")));
  }
}

function invalid() {
  token = "";
  page(t("share.invalid.title"), h("p", {}, t("share.invalid.check")), h("p", {}, t("share.invalid.ask")));
}

function retry(title, message) {
  const again = h("button", { type: "button", class: "btn btn-primary" }, t("share.retry"));
  again.addEventListener("click", () => open());
  page(title, h("p", {}, message), again);
}

// The viewing cookie ended and the token is not in memory (the page was reloaded, which
// took the fragment out of the address bar for good).
function ended() {
  page(t("share.ended.title"), h("p", {}, t("share.ended.text")));
}

// Any request of the report may learn that the link is gone: that replaces the page.
function failed(error) {
  if (clinic && clinic.refused(error, page)) return;
  if (error instanceof ApiError && error.status === 410) gone(error.problem);
  else if (error instanceof ApiError && error.status === 401) ended();
  else if (error instanceof ApiError && error.status === 404) invalid();
  else if (error instanceof OfflineError) toast(t("share.offline_toast"));
  else toast(error.message);
}

// ---- The report ----

function facts(list) {
  return h("dl", { class: "report-facts" }, list.map(([term, value]) => h("div", {}, h("dt", {}, term), h("dd", {}, value))));
}

function latestCard(latest, hint) {
  const body = [];
  if (latest) {
    const score = (cls, key, value, unit = "share.score.of_10") => (value === null || value === undefined ? null
      : h("li", { class: `score-tag ${cls}` }, t(unit, { label: t(`share.score.${key}`), value: num(value) })));
    const [before, after = ""] = t("share.latest.entry").split("{date}");
    body.push(h("p", {}, before, h("strong", {}, h("time", { datetime: latest.date }, longDay(latest.date))), after),
      h("ul", { class: "scores latest-scores", "aria-label": t("share.latest.title") },
        score("pain", "pain", latest.pain), score("mood", "mood", latest.mood),
        score("plain", "anxiety", latest.anxiety), score("plain", "energy", latest.energy),
        score("plain", "sleep_hours", latest.sleep_hours, "share.score.hours"), score("plain", "sleep_quality", latest.sleep_quality)));
  } else {
    body.push(h("p", { class: "muted" }, t("share.latest.none")));
  }
  if (hint) {
    const metric = hint.metric === "mood" ? "mood" : "pain";
    body.push(h("p", { class: "hint" }, h("strong", {}, t(`share.hint.${metric}`, {
      median: t("share.hint.days", { count: hint.median_relief_days }), day: t("share.hint.day", { count: hint.day }) })),
    h("span", { class: "muted" }, explanation("booster", true))));
  }
  return h("section", { class: "card", "aria-labelledby": "latest-title" }, h("h2", { id: "latest-title" }, t("share.latest.title")), body);
}

const scrollHint = () => h("p", { class: "scroll-hint muted" }, t("share.scroll_hint"));

function sessionsTable(data, withNotes) {
  if (!data.treatments.length) return h("p", { class: "muted" }, t("share.sessions.none"));
  const both = (a, b) => (a === null || a === undefined) && (b === null || b === undefined) ? "—" : `${num(a)} → ${num(b)}`;
  const dose = (s) => {
    if (s.dose_mg === null || s.dose_mg === undefined) return "—";
    return s.dose_mg_per_kg ? t("share.dose.per_kg", { mg: num(s.dose_mg), per_kg: num(s.dose_mg_per_kg) })
      : t("share.dose.mg", { mg: num(s.dose_mg) });
  };
  const phase = (value) => (["induction", "booster", "maintenance"].includes(value) ? t(`share.phase.${value}`)
    : value.charAt(0).toUpperCase() + value.slice(1).replaceAll("_", " "));
  const col = (key, cls) => h("th", { scope: "col", class: cls }, t(`share.sessions.${key}`));
  return h("div", { class: "table-scroll", tabindex: "0", role: "region", "aria-labelledby": "sessions-title" },
    h("table", { class: "report-table sessions-report" },
      h("caption", { class: "visually-hidden" }, t("share.sessions.caption")),
      h("thead", {}, h("tr", {}, col("date"), col("route"), col("dose"), col("duration", "num"), col("phase"),
        col("pain"), col("mood"), col("dissociation", "num"), col("side_effects"),
        withNotes ? col("notes") : null)),
      h("tbody", {}, [...data.treatments].reverse().map((s) => h("tr", { "data-treatment": s.id },
        h("th", { scope: "row" }, h("time", { datetime: s.local_date }, shortDay(s.local_date))),
        h("td", {}, h("span", { class: "route" }, routeLabel(s.route)), s.with_psychotherapy ? h("span", { class: "cell-note" }, t("share.sessions.with_psychotherapy")) : null,
          s.clinic ? h("span", { class: "cell-note" }, s.clinic) : null),
        h("td", { class: "dose" }, dose(s)),
        h("td", { class: "num" }, s.duration_minutes ? t("share.sessions.minutes", { minutes: num(s.duration_minutes) }) : "—"),
        h("td", {}, s.phase ? phase(s.phase) : "—"),
        h("td", {}, both(s.pain_before, s.pain_after)),
        h("td", {}, both(s.mood_before, s.mood_after)),
        h("td", { class: "num" }, num(s.dissociation)),
        h("td", {}, s.side_effects && s.side_effects.length ? s.side_effects.map(sideEffectLabel).join(", ") : t("share.sessions.side_effects_none")),
        withNotes ? h("td", { class: "notes-cell" }, s.notes || "—") : null)))));
}

function notesSection(notes) {
  return h("section", { class: "report-notes", "aria-labelledby": "notes-title" },
    h("h2", { id: "notes-title" }, t("share.notes.title")),
    notes.length
      ? h("ul", { class: "notes-list" }, notes.map((n) => h("li", {},
        h("time", { datetime: n.date }, shortDay(n.date)),
        h("p", {}, n.text || ""),
        n.tags && n.tags.length ? h("p", { class: "cell-note" }, t("share.notes.tags", { tags: n.tags.join(", ") })) : null)))
      : h("p", { class: "muted" }, t("share.notes.none")));
}

function summary(data) {
  const logged = data.days.length;
  const sessions = data.treatments.length;
  return t("share.summary", { from: longDay(data.from), to: longDay(data.to),
    days: t("share.summary.days", { count: logged }), sessions: t("share.summary.sessions", { count: sessions }) });
}

function setPrintFooter(data) {
  const printed = moment(new Date().toISOString(), { day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit" });
  const text = clinic ? clinic.printFooter(printed) : t("share.print_footer", { printed, expires: dateOf(data.share.expires_at) });
  // Read by the @page footer of the print stylesheet (a custom property, no inline style).
  document.documentElement.style.setProperty("--print-footer", JSON.stringify(text));
  const footer = document.getElementById("print-footer");
  if (footer) footer.textContent = text;
}


// ---- Filling the report in ----

// The report's first screen (who, the flags, the downloads, the latest scores, the chart's
// summary and its place) is built at once and painted. Every other part is built after it,
// one part per task when the browser is idle, appended below what is there (nothing on
// screen moves), so no task keeps a tap waiting: a report of months built in one go blocked
// the page for half a second on a phone (docs/benchmarks.md, "Lighthouse"). The chart is
// drawn next once chart.js is in (the parts do not wait for it); the questionnaires' charts
// and the printed copies last. `main` is aria-busy until the last part is in. Printing builds
// what is left at once (the Print button waits for chart.js too).
let queue = []; // what is left to build, in page order: functions, each in a task of its own
let chartsQueued = null; // resolved once the charts' steps are queued
const idle = () => new Promise((resolve) => {
  if (window.requestIdleCallback) requestIdleCallback(resolve, { timeout: 200 });
  else setTimeout(resolve, 1);
});

// Runs `steps`, then the steps `more` resolves to (the charts', once chart.js is in).
async function fillIn(data, steps, more) {
  queue = steps;
  let waiting = more && more.catch(failed); // without the chart, the rest of the report still comes
  for (;;) {
    if (!queue.length) {
      if (!waiting) break;
      await waiting;
      waiting = null;
      continue;
    }
    await idle();
    if (shown !== data) return; // another page took its place
    if (queue.length) build(queue.shift()); // (printing may have built the rest meanwhile)
  }
  if (shown === data) main.removeAttribute("aria-busy");
}

function build(step) {
  try {
    step();
  } catch (error) {
    failed(error); // the parts after it still come
  }
}

// Every part not built yet, at once, in order.
function finish() {
  for (const step of queue.splice(0)) build(step);
}

// The questionnaires' parts of the report, loaded only when the shared range has scores.
const hasCheckins = (data) => Object.values(data.questionnaires || {}).some((q) => (q.points || []).length);
// Readings, medications, bladder checks: only when there are some.
const hasSafety = (data) => Boolean(data.medication_list?.length || data.medications?.length
  || data.bladder_checks?.length || data.treatments.some((s) => s.vitals?.length));

// The day table, built when the reader opens it (it is not printed): a row per day of the
// range, which no one needs before asking.
function daysDetails(days) {
  const body = h("div", { class: "more-body" });
  const details = h("details", { class: "more days-details no-print" }, h("summary", {}, t("share.days.show")), body);
  details.addEventListener("toggle", () => {
    if (details.open && !body.firstChild) body.append(days.length ? daysTable(days) : h("p", { class: "muted" }, t("share.days.none")));
  });
  return details;
}

async function report(data) {
  // The parts' modules, words and styles, all at once. "What goes with better days" only
  // when the patient ticked it for this link or clinic.
  // The questionnaire part's words, definitions and styles are asked for beside its module,
  // not once it has arrived (checkinParts asks for the same: each is fetched once); its item-9
  // flag is the report's largest first text (docs/benchmarks.md, "Lighthouse"). So are the
  // modules a part's module imports that the page has not (import() starts them at once: one
  // round trip for a part's modules, not one per level of imports).
  const [checkins, safety, insights] = await Promise.all([
    hasCheckins(data) ? Promise.all([import("./checkins-report.js"), import("./checkin-tables.js"),
      i18n.extend("questionnaires"), definitions({ keep: false }).catch(() => null),
      checkinStyles()]).then(([m]) => m.checkinParts(data)) : null,
    hasSafety(data) ? Promise.all([import("./safety-report.js"), import("./safety.js"),
      import("./safety-words.js")]).then(([m]) => m.safetyParts(data)) : null,
    "insights" in data ? import("./insights.js").then((m) => m.reportInsights(data.insights)) : null,
  ]);
  for (const chart of charts) chart.destroy();
  charts = [];
  shown = data;
  const name = data.patient.display_name || t("share.patient");
  document.title = t("share.document_title", { title: t("share.report_title", { name }) });
  const withNotes = Boolean(data.share.include_notes);
  const range = t(data.share.from || data.share.to ? "share.facts.range_chosen" : "share.facts.range_all");
  const actions = h("div", { class: "report-actions no-print", role: "group", "aria-label": t("share.actions.label") },
    h("button", { type: "button", class: "btn btn-primary", "data-action": "print" }, t("share.actions.print")),
    h("button", { type: "button", class: "btn", "data-download": "entries.csv" }, t("share.actions.entries_csv")),
    h("button", { type: "button", class: "btn", "data-download": "treatments.csv" }, t("share.actions.treatments_csv")),
    h("button", { type: "button", class: "btn", "data-download": "questionnaires.csv" }, t("share.actions.questionnaires_csv")),
    safety && safety.download,
    h("button", { type: "button", class: "btn", "data-download": "fhir" }, t("share.actions.fhir")));
  actions.addEventListener("click", async (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    if (button.dataset.action === "print") {
      finish();
      await chartsQueued; // the charts' steps, once chart.js is in
      finish();
      window.print();
    } else {
      download(button.dataset.download);
    }
  });

  const sentence = summary(data);
  const screenChart = h("div", { class: "chart chart-screen", role: "img", "aria-label": t("chart.label", { summary: sentence }) });
  const printChart = h("div", { class: "chart chart-print", "aria-hidden": "true" });
  const readout = h("p", { class: "chart-readout no-print", "aria-live": "off" });
  const chartCard = h("div", { class: "card chart-card" }, screenChart, printChart, readout);
  const daily = data.days.length || data.treatments.length;
  if (!daily) chartCard.replaceChildren(h("p", { class: "empty" }, t("share.chart.empty")));

  // The first screen.
  const heading = h("h1", { tabindex: "-1" }, name);
  main.setAttribute("aria-busy", "true");
  main.replaceChildren(...[
    h("div", { class: "report-head" },
      clinic && clinic.back(),
      h("p", { class: "eyebrow" }, t("share.eyebrow")),
      heading,
      h("p", { class: "sub" }, clinic ? clinic.sub() : t("share.shared_as", { label: data.share.label })),
      facts([
        [t("share.facts.dates"), t("report.date_range", { start: shortDay(data.from), end: shortDay(data.to) })],
        [t("share.facts.range"), range],
        data.share.expires_at && [t("share.facts.expires"), dateOf(data.share.expires_at)],
        [t("share.facts.notes"), t(withNotes ? "share.facts.notes_included" : "share.facts.notes_not_shared")],
      ].filter(Boolean))),
    checkins && checkins.flag,
    safety && safety.flag,
    actions,
    latestCard(data.latest, data.booster_hint),
    h("section", { class: "report-chart", "aria-labelledby": "chart-title" },
      h("h2", { id: "chart-title" }, t("share.chart.title")),
      h("p", { class: "summary", id: "report-summary" }, sentence),
      chartCard),
  ].filter(Boolean));
  focusHeading(heading);
  setPrintFooter(data);

  // Then the rest, part by part, and the charts once chart.js is in.
  const drawers = checkins ? checkins.drawers : [];
  const chartModule = daily || drawers.length ? import("./chart.js") : null;
  if (chartModule) preloadScript(UPLOT_SCRIPT); // beside chart.js, which runs it
  const span = { start: data.from, end: data.to };
  const append = (part) => () => main.append(...[part()].flat().filter(Boolean));
  // The tables' phone layout, before the first table is in.
  if (data.series.length || data.treatments.length || checkins || safety) import("./table-labels.js");
  const chartSteps = chartModule && chartModule.then((m) => {
    if (shown !== data) return;
    if (daily) {
      queue.unshift(() => {
        charts.push(m.drawChart(screenChart, readout, data, span));
        chartCard.append(m.legend(data));
      });
    }
    queue.push(...drawers.map((draw) => () => charts.push(draw(m))), ...[daily && (() => {
      // A second copy at a width that fits A4 and Letter, in paper colours, shown only in print.
      charts.push(m.drawChart(printChart, h("p"), data, { ...span, width: 680, colors: m.PAPER }));
    })].filter(Boolean));
  });
  chartsQueued = chartSteps && chartSteps.catch(() => {});
  fillIn(data, [
    append(() => h("section", { class: "report-series", "aria-labelledby": "series-title" },
      h("h2", { id: "series-title" }, t("share.series.title")),
      data.series.length ? [scrollHint(), seriesTable(data, "series-title")]
        : h("p", { class: "muted" }, t("share.series.none")),
      h("p", { class: "muted table-note" }, t("share.series.note", { mood: moodNote() })))),
    checkins && append(checkins.section),
    insights && append(() => insights),
    append(() => h("section", { class: "report-sessions", "aria-labelledby": "sessions-title" },
      h("h2", { id: "sessions-title" }, t("share.sessions.title")),
      data.treatments.length ? scrollHint() : null,
      sessionsTable(data, withNotes))),
    safety && (() => safety.sessionDetails(main)),
    safety && append(safety.sections),
    withNotes && append(() => notesSection(data.notes || [])),
    append(() => daysDetails(data.days)),
    append(() => h("section", { class: "report-explain", "aria-labelledby": "explain-title" },
      h("h2", { id: "explain-title" }, t("share.explain.title")),
      explanationList({ provider: true }),
      checkins && checkins.explain())),
  ].filter(Boolean), chartSteps);
}

// ---- Start ----

// The report's data. A share link's comes with its viewing cookie, in one round trip; without
// a token it is read directly: a clinic's patient's (the provider is logged in), or a link
// that had none (refused: "This link is not valid").
async function fetchReport() {
  if (token) {
    const { data } = await request("POST", "/shared/session", { body: { token, report: true } });
    return data.report;
  }
  const { data } = await viewing(() => request("GET", `${BASE}/trends`));
  return data;
}

// `pending`: the report's data, when already asked for.
async function open(pending = fetchReport()) {
  try {
    await report(await pending);
  } catch (error) {
    if (clinic && clinic.refused(error, page)) return;
    if (error instanceof ApiError && error.status === 410) gone(error.problem);
    else if (error instanceof ApiError && (error.status === 404 || error.status === 401)) invalid();
    else if (error instanceof ApiError && error.status === 429) retry(t("share.too_many.title"), t("share.too_many.text"));
    else if (error instanceof OfflineError) retry(t("share.offline.title"), t("share.offline.text"));
    else retry(t("share.failed.title"), error.message);
  }
}

// Printing starts: whatever of the report is not built yet is built now, and the footer says
// when it was printed.
window.addEventListener("beforeprint", () => {
  if (!shown) return;
  finish();
  setPrintFooter(shown);
});
// The report is asked for at once, beside the catalog, not after it: HTML → session with
// the report is the chain the first screen waits for (docs/benchmarks.md, "Lighthouse").
const opening = fragment === null ? null : fetchReport();
if (opening) opening.catch(() => {}); // open() says what went wrong, in words
// The provider reads the report in their own browser's language, whatever the patient's.
await i18n.load(undefined, { scope: "report" })
  .catch(() => i18n.load("en", { scope: "report" }));
i18n.translatePage(); // share.html's own words (data-i18n)
if (BASE !== "/shared") {
  clinic = await import("./clinic-report.js");
  await clinic.start();
}
if (fragment === null) invalid(); // a link cut off or mangled ("#abc%"): never sent anywhere
else open(opening);
