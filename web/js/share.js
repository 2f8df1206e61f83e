// The provider's read-only report at /share#TOKEN. No account and no service worker: the
// token is read from the fragment, kept in memory only (never in storage), taken out of
// the address bar at once, and exchanged for a short-lived viewing cookie. When that
// cookie ends (401) the token is exchanged again, once; a revoked or expired link (410)
// replaces the report with a page that says so. Every number comes from the server.

import { ApiError, OfflineError, request } from "./api.js";
import * as i18n from "./i18n.js";
import { toast } from "./controls.js";
import { formatDay } from "./dates.js";
import { h, takeFragment } from "./dom.js";
import { EXPLANATIONS, forProvider, num } from "./report.js";
import { SEVERITY_NOTE, daysTable, explanationList, seriesTable } from "./tables.js";
import { routeLabel, sideEffectLabel } from "./vocabulary.js";

// The token leaves the address bar (and so bookmarks and history) before anything else;
// it stays in this page's memory only. null: the fragment could not be decoded.
const fragment = takeFragment();
const main = document.getElementById("main");
let token = fragment || "";
let renewing = null; // the one POST /shared/session in flight, shared by every caller
let shown = null; // the report's data, while the report is on screen
let charts = [];

const longDay = (day) => formatDay(day, { day: "numeric", month: "long", year: "numeric" });
const shortDay = (day) => formatDay(day, { day: "numeric", month: "short", year: "numeric" });
const dateOf = (iso) => new Intl.DateTimeFormat(undefined, { day: "numeric", month: "long", year: "numeric" }).format(new Date(iso));

// ---- Talking to /api/v1/shared ----

function renew() {
  if (!token) return Promise.reject(new ApiError(401, { detail: "The viewing session ended." }));
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
    response = await fetch(`/api/v1/shared/${path}`, { credentials: "same-origin", cache: "no-store" });
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
  for (const chart of charts) chart.destroy();
  charts = [];
  document.title = `${title} · Relieflog`;
  const heading = h("h1", { tabindex: "-1" }, title);
  main.replaceChildren(h("div", { class: "notice-page" }, heading, ...body));
  focusHeading(heading);
  window.scrollTo(0, 0);
}

function gone(problem) {
  token = "";
  if (problem.reason === "expired") {
    const day = (problem.detail || "").match(/\d{4}-\d{2}-\d{2}/);
    page(day ? `This link expired on ${longDay(day[0])}` : "This link has expired",
      h("p", {}, "The patient chose how long this link would work. Ask them for a new one if you still need to see their diary."));
  } else {
    page("This link was revoked by the patient",
      h("p", {}, "The patient has taken this link back, so the report is no longer available here. Ask them for a new link if you still need it."));
  }
}

function invalid() {
  token = "";
  page("This link is not valid",
    h("p", {}, "Check that you opened the whole link the patient gave you, including the part after the # sign."),
    h("p", {}, "If it still does not work, ask the patient for a new link."));
}

function retry(title, message) {
  const again = h("button", { type: "button", class: "btn btn-primary" }, "Try again");
  again.addEventListener("click", () => open());
  page(title, h("p", {}, message), again);
}

// The viewing cookie ended and the token is not in memory (the page was reloaded, which
// took the fragment out of the address bar for good).
function ended() {
  page("This viewing session has ended",
    h("p", {}, "For the patient's privacy, the report stays open for a limited time. Open the link the patient gave you again to see it."));
}

// Any request of the report may learn that the link is gone: that replaces the page.
function failed(error) {
  if (error instanceof ApiError && error.status === 410) gone(error.problem);
  else if (error instanceof ApiError && error.status === 401) ended();
  else if (error instanceof ApiError && error.status === 404) invalid();
  else if (error instanceof OfflineError) toast("No connection. Check your network and try again.");
  else toast(error.message);
}

// ---- The report ----

function facts(list) {
  return h("dl", { class: "report-facts" }, list.map(([term, value]) => h("div", {}, h("dt", {}, term), h("dd", {}, value))));
}

function latestCard(latest, hint) {
  const body = [];
  if (latest) {
    const score = (cls, label, value, suffix = "/10") => (value === null || value === undefined ? null
      : h("li", { class: `score-tag ${cls}` }, `${label} ${value}${suffix}`));
    body.push(h("p", {}, "Latest entry: ", h("strong", {}, h("time", { datetime: latest.date }, longDay(latest.date)))),
      h("ul", { class: "scores latest-scores", "aria-label": "Latest scores" },
        score("pain", "Pain", latest.pain), score("mood", "Mood", latest.mood),
        score("plain", "Anxiety", latest.anxiety), score("plain", "Energy", latest.energy),
        score("plain", "Sleep", latest.sleep_hours, " h"), score("plain", "Sleep quality", latest.sleep_quality)));
  } else {
    body.push(h("p", { class: "muted" }, "No entries in this period."));
  }
  if (hint) {
    const what = hint.metric === "mood" ? "Mood relief" : "Pain relief";
    body.push(h("p", { class: "hint" }, h("strong", {}, `${what} has usually lasted ${hint.median_relief_days} days (median); today is day ${hint.day}.`),
      h("span", { class: "muted" }, forProvider(EXPLANATIONS.find(([t]) => t === "Booster hint")[1]))));
  }
  return h("section", { class: "card", "aria-labelledby": "latest-title" }, h("h2", { id: "latest-title" }, "Latest scores"), body);
}

const scrollHint = () => h("p", { class: "scroll-hint muted" }, "Scroll the table sideways to see every column.");

function sessionsTable(data, withNotes) {
  if (!data.treatments.length) return h("p", { class: "muted" }, "No sessions recorded in this period.");
  const both = (a, b) => (a === null || a === undefined) && (b === null || b === undefined) ? "—" : `${num(a)} → ${num(b)}`;
  const dose = (t) => {
    if (t.dose_mg === null || t.dose_mg === undefined) return "—";
    return t.dose_mg_per_kg ? `${t.dose_mg} mg (${t.dose_mg_per_kg} mg/kg)` : `${t.dose_mg} mg`;
  };
  const col = (text, cls) => h("th", { scope: "col", class: cls }, text);
  return h("div", { class: "table-scroll", tabindex: "0", role: "region", "aria-labelledby": "sessions-title" },
    h("table", { class: "report-table sessions-report" },
      h("caption", { class: "visually-hidden" }, "Treatment sessions, newest first"),
      h("thead", {}, h("tr", {}, col("Date"), col("Route"), col("Dose"), col("Duration", "num"), col("Phase"),
        col("Pain, before → after"), col("Mood, before → after"), col("Dissociation", "num"), col("Side effects"),
        withNotes ? col("Notes") : null)),
      h("tbody", {}, [...data.treatments].reverse().map((t) => h("tr", { "data-treatment": t.id },
        h("th", { scope: "row" }, h("time", { datetime: t.local_date }, shortDay(t.local_date))),
        h("td", {}, h("span", { class: "route" }, routeLabel(t.route)), t.with_psychotherapy ? h("span", { class: "cell-note" }, "with psychotherapy") : null,
          t.clinic ? h("span", { class: "cell-note" }, t.clinic) : null),
        h("td", { class: "dose" }, dose(t)),
        h("td", { class: "num" }, t.duration_minutes ? `${t.duration_minutes} min` : "—"),
        h("td", {}, t.phase ? t.phase.charAt(0).toUpperCase() + t.phase.slice(1).replaceAll("_", " ") : "—"),
        h("td", {}, both(t.pain_before, t.pain_after)),
        h("td", {}, both(t.mood_before, t.mood_after)),
        h("td", { class: "num" }, num(t.dissociation)),
        h("td", {}, t.side_effects && t.side_effects.length ? t.side_effects.map(sideEffectLabel).join(", ") : "None"),
        withNotes ? h("td", { class: "notes-cell" }, t.notes || "—") : null)))));
}

function notesSection(notes) {
  return h("section", { class: "report-notes", "aria-labelledby": "notes-title" },
    h("h2", { id: "notes-title" }, "Notes the patient wrote"),
    notes.length
      ? h("ul", { class: "notes-list" }, notes.map((n) => h("li", {},
        h("time", { datetime: n.date }, shortDay(n.date)),
        h("p", {}, n.text || ""),
        n.tags && n.tags.length ? h("p", { class: "cell-note" }, `Tags: ${n.tags.join(", ")}`) : null)))
      : h("p", { class: "muted" }, "No notes in this period."));
}

function summary(data) {
  const logged = data.days.length;
  const sessions = data.treatments.length;
  return `From ${longDay(data.from)} to ${longDay(data.to)} the patient logged ${logged} ${logged === 1 ? "day" : "days"} `
    + `and recorded ${sessions} treatment ${sessions === 1 ? "session" : "sessions"}.`;
}

function setPrintFooter(data) {
  const printed = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit" }).format(new Date());
  const text = `Printed ${printed} · This link expires ${dateOf(data.share.expires_at)} · Relieflog, read-only report`;
  // Read by the @page footer of the print stylesheet (a custom property, no inline style).
  document.documentElement.style.setProperty("--print-footer", JSON.stringify(text));
  const footer = document.getElementById("print-footer");
  if (footer) footer.textContent = text;
}


async function report(data) {
  shown = data;
  const name = data.patient.display_name || "Patient";
  document.title = `${name}: pain and mood report · Relieflog`;
  const withNotes = Boolean(data.share.include_notes);
  const range = data.share.from || data.share.to ? "Chosen by the patient" : "Everything the patient logged";
  const actions = h("div", { class: "report-actions no-print", role: "group", "aria-label": "Print and download" },
    h("button", { type: "button", class: "btn btn-primary", "data-action": "print" }, "Print"),
    h("button", { type: "button", class: "btn", "data-download": "entries.csv" }, "Download daily entries (CSV)"),
    h("button", { type: "button", class: "btn", "data-download": "treatments.csv" }, "Download sessions (CSV)"),
    h("button", { type: "button", class: "btn", "data-download": "fhir" }, "Download FHIR"));
  actions.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    if (button.dataset.action === "print") window.print();
    else download(button.dataset.download);
  });

  const sentence = summary(data);
  const screenChart = h("div", { class: "chart chart-screen", role: "img", "aria-label": `Chart of pain and mood. ${sentence}` });
  const printChart = h("div", { class: "chart chart-print", "aria-hidden": "true" });
  const readout = h("p", { class: "chart-readout no-print", "aria-live": "off" });
  const chartCard = h("div", { class: "card chart-card" }, screenChart, printChart, readout);

  const heading = h("h1", { tabindex: "-1" }, name);
  main.replaceChildren(...[
    h("div", { class: "report-head" },
      h("p", { class: "eyebrow" }, "Pain and mood report"),
      heading,
      h("p", { class: "sub" }, `Shared by the patient as “${data.share.label}”. Read-only.`),
      facts([
        ["Dates", `${shortDay(data.from)} – ${shortDay(data.to)}`],
        ["Range", range],
        ["Link expires", dateOf(data.share.expires_at)],
        ["Notes", withNotes ? "Included" : "Not shared"],
      ])),
    actions,
    latestCard(data.latest, data.booster_hint),
    h("section", { class: "report-chart", "aria-labelledby": "chart-title" },
      h("h2", { id: "chart-title" }, "Pain and mood"),
      h("p", { class: "summary", id: "report-summary" }, sentence),
      chartCard),
    h("section", { class: "report-series", "aria-labelledby": "series-title" },
      h("h2", { id: "series-title" }, "Treatment series"),
      data.series.length ? [scrollHint(), seriesTable(data, "series-title")]
        : h("p", { class: "muted" }, "No treatment sessions in this period."),
      h("p", { class: "muted table-note" }, `${SEVERITY_NOTE} “At least”: the log stopped before relief ended.`)),
    h("section", { class: "report-sessions", "aria-labelledby": "sessions-title" },
      h("h2", { id: "sessions-title" }, "Sessions"),
      data.treatments.length ? scrollHint() : null,
      sessionsTable(data, withNotes)),
    withNotes ? notesSection(data.notes || []) : null,
    h("details", { class: "more days-details no-print" }, h("summary", {}, "Show the daily scores as a table"),
      h("div", { class: "more-body" }, data.days.length ? daysTable(data.days) : h("p", { class: "muted" }, "No days logged in this period."))),
    h("section", { class: "report-explain", "aria-labelledby": "explain-title" },
      h("h2", { id: "explain-title" }, "How these numbers are worked out"),
      explanationList({ provider: true })),
  ].filter(Boolean));
  focusHeading(heading);
  setPrintFooter(data);

  if (!data.days.length && !data.treatments.length) {
    chartCard.replaceChildren(h("p", { class: "empty" }, "Nothing was logged in this period."));
    return;
  }
  const { drawChart, legend, PAPER } = await import("./chart.js");
  for (const chart of charts) chart.destroy();
  const span = { start: data.from, end: data.to };
  charts = [
    drawChart(screenChart, readout, data, span),
    // A second copy at a width that fits A4 and Letter, in paper colours, shown only in print.
    drawChart(printChart, h("p"), data, { ...span, width: 680, colors: PAPER }),
  ];
  chartCard.append(legend());
}

// ---- Start ----

async function load() {
  const { data } = await viewing(() => request("GET", "/shared/trends"));
  await report(data);
}

async function open() {
  try {
    if (token) await renew();
    await load();
  } catch (error) {
    if (error instanceof ApiError && error.status === 410) gone(error.problem);
    else if (error instanceof ApiError && (error.status === 404 || error.status === 401)) invalid();
    else if (error instanceof ApiError && error.status === 429) retry("Too many attempts", "This address tried to open too many links. Wait a minute, then try again.");
    else if (error instanceof OfflineError) retry("No connection", "The report could not be loaded. Check your network, then try again.");
    else retry("The report could not be loaded", error.message);
  }
}

// The footer says when it was printed: refresh it as printing starts.
window.addEventListener("beforeprint", () => {
  if (shown) setPrintFooter(shown);
});
// The provider reads the report in their own browser's language, whatever the patient's.
await i18n.load().catch(() => i18n.load("en"));
if (fragment === null) invalid(); // a link cut off or mangled ("#abc%"): never sent anywhere
else open();
