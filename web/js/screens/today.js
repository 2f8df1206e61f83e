// Today: pain and mood in three taps (a pain chip, a mood chip, Save), the rest optional.

import { get } from "../api.js";
import { bladderCard, due as bladderDue } from "../bladder.js";
import * as checkins from "../checkins.js";
import { entryForm } from "../entry-form.js";
import { definitions, find } from "../questionnaires.js";
import * as store from "../store.js";
import { screenHead, toast } from "../controls.js";
import { addDays, formatDay, formatTime, todayIn } from "../dates.js";
import { h, icons } from "../dom.js";
import { chooseLanguage, lang, t } from "../i18n.js";

function statusLine(entry, timeZone) {
  if (!entry) {
    return h("p", { class: "status-line" }, t("today.not_logged"));
  }
  if (entry.pending) {
    return h("p", { class: "status-line waiting" }, icons.clock(),
      t(entry.pending === "pending" ? "today.pending" : "today.conflict"));
  }
  const text = entry.updated_at ? t("today.logged_at", { time: formatTime(entry.updated_at, timeZone) }) : t("today.logged");
  return h("p", { class: "status-line done" }, icons.check(), text);
}

// What Today shows of the server, all asked for at once: the day's entry, the check-ins that
// are due (with the questionnaires' names and lengths), yesterday's entry (null on an
// account's first day: there was no yesterday to log), whether the bladder question is due,
// and the booster hint (all Today shows of /trends, which does not depend on the window: the
// kept analysis, so today alone is asked for). Only data, as promises, each one's failure its
// builder's to handle: nothing here needs the screen's words, so app.js can ask for it
// beside the catalog and GET /me (`prepare`).
function fetchDay(user, day, language = lang()) {
  const yesterday = addDays(day, -1);
  const parts = [store.entry(day), Promise.all([checkins.due(), definitions({ language })]),
    user.created_at && todayIn(user.timezone, new Date(user.created_at)) > yesterday ? null : store.entry(yesterday),
    bladderDue(), get(`/trends?from=${day}&to=${day}`)];
  for (const part of parts) part?.catch(() => {});
  return parts;
}

// The screen's data for the patient this device remembers, asked for by app.js as the page
// opens, beside the catalog and GET /me, before the screen can render (docs/benchmarks.md,
// "Lighthouse"); the first render gets it back as ctx.prepared. The questionnaires' names
// come in the language the catalog will be in.
// Keyed by what it depends on: the render uses it only for the same account as GET /me
// answered (its first day, its time zone's day).
export function prepare(user) {
  const day = todayIn(user.timezone);
  return { key: [user.email, user.created_at, day].join(), parts: fetchDay(user, day, chooseLanguage()) };
}

async function boosterHint(fetched) {
  try {
    const { data } = await fetched;
    const hint = data?.booster_hint;
    if (!hint) return null;
    const metric = hint.metric === "mood" ? "mood" : "pain"; // today.hint_detail.<metric>
    return h("div", { class: "hint", role: "note" },
      h("strong", {}, t("today.hint", { count: hint.median_relief_days, day: hint.day })),
      h("span", { class: "muted" }, t(`today.hint_detail.${metric}`)));
  } catch {
    return null; // offline, or trends not available: the hint is a bonus
  }
}

// The check-ins that are due, each one tap away: "PHQ-9 due — 2 minutes". Their names and
// lengths are the server's; offline, the last list this phone heard, without what was just
// answered here.
async function dueCheckins(fetched) {
  try {
    const [due, defs] = await fetched;
    const items = due.map((d) => [d, find(defs, d.instrument)]).filter(([, def]) => def);
    if (!items.length) return null;
    return h("ul", { class: "due-list", "aria-label": t("today.due_label") }, items.map(([d, def]) =>
      h("li", {}, h("a", { class: "due-card", href: `/checkin/${encodeURIComponent(def.id)}`, "data-instrument": def.id },
        icons.clipboard(),
        h("span", {}, t(def.minutes ? "today.due" : "today.due_untimed", { title: def.title, count: def.minutes })),
        icons.chevron()))));
  } catch {
    return null; // no connection and nothing remembered: the diary comes first
  }
}

// Yesterday (the patient's) with nothing logged, one tap from its day: what a reminder would
// have said, for a phone that gets none (iOS outside the Home Screen, push refused).
// `fetched`: yesterday's entry, or null when there was no yesterday to log.
async function missingYesterday(fetched, day) {
  try {
    if (!fetched || await fetched) return null;
  } catch {
    return null; // the server failed: say nothing rather than something wrong
  }
  return h("a", { class: "due-card missing-day", href: `/history/${addDays(day, -1)}` },
    icons.clock(), h("span", {}, t("today.yesterday_missing")), icons.chevron());
}

export async function render(container, ctx) {
  const day = todayIn(ctx.user.timezone);
  // Everything is asked for at once (the hint too: the last text to appear, it was the
  // screen's slowest paint), or was already, by app.js. The hint never holds the form up.
  const early = ctx.prepared;
  const parts = early?.key === [ctx.user.email, ctx.user.created_at, day].join() ? early.parts : fetchDay(ctx.user, day);
  const hint = boosterHint(parts[4]);
  const [entry, due, missing, bladder] = await Promise.all([parts[0], dueCheckins(parts[1]),
    missingYesterday(parts[2], day), bladderCard(day, parts[3])]);
  const status = h("div", {}, statusLine(entry, ctx.user.timezone));
  const hintSlot = h("div", {});
  const form = entryForm({
    date: day,
    entry,
    onSaved: async ({ synced }) => {
      toast(synced ? t("controls.toast.saved") : t("controls.toast.saved_offline"));
      if (ctx.isCurrent()) ctx.navigate("/today", { replace: true });
    },
  });
  const weekSlot = h("div", {});
  container.append(screenHead(t("today.title"), formatDay(day)), status, ...[missing, due, bladder].filter(Boolean),
    form, hintSlot, weekSlot);
  hint.then((found) => found && hintSlot.append(found));
  // "Your week" on the first day of the week (Monday): its module and words load only then,
  // once the form is on screen (the card goes below it), never before Today can be used.
  if (new Date(`${day}T12:00:00Z`).getUTCDay() === 1) {
    setTimeout(() => import("../week-card.js").then((m) => m.weekCard(day))
      .then((card) => card && weekSlot.append(card), () => {}));
  }
  // Left open overnight: a new day gets a fresh form when the patient comes back.
  const newDay = () => {
    if (document.visibilityState === "visible" && todayIn(ctx.user.timezone) !== day && ctx.isCurrent()) {
      ctx.navigate("/today", { replace: true });
    }
  };
  document.addEventListener("visibilitychange", newDay);
  return () => document.removeEventListener("visibilitychange", newDay);
}
