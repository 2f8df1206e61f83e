// Today's "Your week" card, on the first day of the patient's week (Monday, in the account's
// time zone): last week's days logged, pain and mood against the week before, sessions and
// check-ins (GET /insights/week, the server's numbers). Loaded by Today only on that day,
// with its words (catalog scope "insights"); *Dismiss* hides it on this device until the
// next week (kept with the other per-account data that log-out wipes).

import { get } from "./api.js";
import * as db from "./db.js";
import { formatDay } from "./dates.js";
import { h, nextId } from "./dom.js";
import { extend, formatNumber, t } from "./i18n.js";

const DISMISSED = "week_dismissed";
const one = (v) => formatNumber(v, { minimumFractionDigits: 1, maximumFractionDigits: 1 });

// A score's line: with the week before's average, or alone when that week has none.
const LINES = { pain: ["insights.week.pain", "insights.week.pain_only"], mood: ["insights.week.mood", "insights.week.mood_only"] };

function scoreLine(metric, scores) {
  if (scores.average === null) return null;
  const key = LINES[metric][scores.previous === null ? 1 : 0];
  return h("li", {}, t(key, { average: one(scores.average), previous: scores.previous === null ? "" : one(scores.previous) }));
}

// The card, or null when it is not shown (not the week's first day, dismissed, offline).
export async function weekCard(day) {
  const [{ data: week }] = await Promise.all([get(`/insights/week?date=${day}`), extend("insights")]);
  if (!week.first_day || (await db.getMeta(DISMISSED)) === week.week_start) return null;
  const titleId = nextId("week");
  const dismiss = h("button", { type: "button", class: "btn btn-small" }, t("insights.week.dismiss"));
  const card = h("section", { class: "card week-card", "aria-labelledby": titleId },
    h("h2", { id: titleId }, t("insights.week.title")),
    h("p", { class: "muted" }, t("insights.week.dates", { start: formatDay(week.week_start), end: formatDay(week.week_end) })),
    h("ul", { class: "week-facts" },
      h("li", {}, t("insights.week.days", { count: week.days_logged })),
      scoreLine("pain", week.pain),
      scoreLine("mood", week.mood),
      h("li", {}, t("insights.week.sessions", { count: week.sessions })),
      h("li", {}, t("insights.week.checkins", { count: week.checkins }))),
    h("div", { class: "actions compact" }, dismiss));
  dismiss.addEventListener("click", async () => {
    await db.setMeta(DISMISSED, week.week_start);
    card.remove();
  });
  return card;
}
