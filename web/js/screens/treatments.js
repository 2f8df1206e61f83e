// Treatments: the sessions recorded so far, newest first, and a button to record one.

import * as store from "../store.js";
import { screenHead } from "../controls.js";
import { formatDateTime } from "../dates.js";
import { append, h, icons } from "../dom.js";
import { routeLabel } from "../vocabulary.js";

const PHASES = { induction: "Induction", booster: "Booster", maintenance: "Maintenance" };

export function doseText(t) {
  const parts = [];
  if (t.dose_mg) parts.push(`${t.dose_mg} mg`);
  if (t.dose_mg_per_kg) parts.push(`${t.dose_mg_per_kg} mg/kg`);
  if (t.duration_minutes) parts.push(`${t.duration_minutes} min`);
  return parts.join(" · ");
}

function row(t, timeZone) {
  const tags = [];
  if (t.phase) tags.push(h("span", { class: "score-tag plain" }, PHASES[t.phase] || t.phase));
  if (t.with_psychotherapy) tags.push(h("span", { class: "score-tag plain" }, "KAP"));
  if (t.pain_before !== null && t.pain_before !== undefined && t.pain_after !== null && t.pain_after !== undefined) {
    tags.push(h("span", { class: "score-tag pain" }, `Pain ${t.pain_before}→${t.pain_after}`));
  }
  if (t.mood_before !== null && t.mood_before !== undefined && t.mood_after !== null && t.mood_after !== undefined) {
    tags.push(h("span", { class: "score-tag mood" }, `Mood ${t.mood_before}→${t.mood_after}`));
  }
  if (t.pending) tags.push(h("span", { class: "score-tag plain" }, "Waiting to sync"));
  const medication = t.medication && t.medication !== "ketamine" ? `${t.medication} · ` : "";
  return h("li", {}, h("a", { class: "list-item", href: `/treatments/${t.id}` },
    h("div", {},
      h("div", { class: "title" }, `${routeLabel(t.route)}`),
      h("div", { class: "meta" }, formatDateTime(t.started_at, timeZone), doseText(t) ? ` · ${medication}${doseText(t)}` : ""),
      tags.length ? h("div", { class: "scores" }, tags) : null),
    icons.chevron()));
}

export async function render(container, ctx) {
  const { rows, offline } = await store.treatments();
  const list = h("ul", { class: "list" }, rows.map((t) => row(t, ctx.user.timezone)));
  append(container, [
    screenHead("Treatments", "Each infusion, injection, nasal or sublingual dose, or KAP session."),
    h("a", { class: "btn btn-primary btn-block", href: "/treatments/new" }, "Record a session"),
    offline ? h("p", { class: "muted" }, "Offline: showing what this phone remembers.") : null,
    h("h2", { class: "month" }, rows.length ? `${rows.length} ${rows.length === 1 ? "session" : "sessions"}` : "Sessions"),
    rows.length ? list : h("p", { class: "empty" }, "No sessions recorded yet.")]);
}
