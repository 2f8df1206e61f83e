// Today: pain and mood in three taps (a pain chip, a mood chip, Save), the rest optional.

import { get } from "../api.js";
import { entryForm } from "../entry-form.js";
import * as store from "../store.js";
import { screenHead, toast } from "../controls.js";
import { addDays, formatDay, formatTime, todayIn } from "../dates.js";
import { h, icons } from "../dom.js";

function statusLine(entry) {
  if (!entry) {
    return h("p", { class: "status-line" }, "Not logged yet today.");
  }
  if (entry.pending === "pending") {
    return h("p", { class: "status-line waiting" }, icons.clock(),
      "Saved on this phone; it will sync when you are online.");
  }
  if (entry.pending) {
    return h("p", { class: "status-line waiting" }, icons.clock(),
      "Saved on this phone; it needs your choice (see the top).");
  }
  const at = entry.updated_at ? ` at ${formatTime(entry.updated_at)}` : "";
  return h("p", { class: "status-line done" }, icons.check(), `Logged today${at}. Change it below.`);
}

async function boosterHint(day) {
  try {
    const { data } = await get(`/trends?from=${addDays(day, -364)}&to=${day}`);
    const hint = data && data.booster_hint;
    if (!hint) return null;
    const metric = hint.metric === "mood" ? "mood" : "pain";
    return h("div", { class: "hint", role: "note" },
      h("strong", {}, `Relief has usually lasted ${hint.median_relief_days} days; today is day ${hint.day}.`),
      h("span", { class: "muted" }, `Median of your earlier complete relief durations (${metric}); the day after a session is day 1.`));
  } catch {
    return null; // offline, or trends not available: the hint is a bonus
  }
}

export async function render(container, ctx) {
  const day = todayIn(ctx.user.timezone);
  const entry = await store.entry(day);
  const status = h("div", {}, statusLine(entry));
  const hintSlot = h("div", {});
  const form = entryForm({
    date: day,
    entry,
    onSaved: async ({ synced }) => {
      toast(synced ? "Saved" : "Saved on this phone — will sync");
      if (ctx.isCurrent()) ctx.navigate("/today", { replace: true });
    },
  });
  container.append(screenHead("Today", formatDay(day)), status, form, hintSlot);
  boosterHint(day).then((hint) => { if (hint) hintSlot.append(hint); });
  // Left open overnight: a new day gets a fresh form when the patient comes back.
  const newDay = () => {
    if (document.visibilityState === "visible" && todayIn(ctx.user.timezone) !== day && ctx.isCurrent()) {
      ctx.navigate("/today", { replace: true });
    }
  };
  document.addEventListener("visibilitychange", newDay);
  return () => document.removeEventListener("visibilitychange", newDay);
}
