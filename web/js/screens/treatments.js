// Treatments: the sessions recorded so far, newest first, and a button to record one.

import * as store from "../store.js";
import { screenHead } from "../controls.js";
import { formatDateTime } from "../dates.js";
import { append, h, icons } from "../dom.js";
import { t } from "../i18n.js";
import { phaseLabel, routeLabel } from "../vocabulary.js";
import { safetyStyles } from "../safety.js";

export function doseText(s) {
  const parts = [];
  if (s.dose_mg) parts.push(t("treatments.unit.mg", { value: s.dose_mg }));
  if (s.dose_mg_per_kg) parts.push(t("treatments.unit.mg_per_kg", { value: s.dose_mg_per_kg }));
  if (s.duration_minutes) parts.push(t("treatments.unit.minutes", { value: s.duration_minutes }));
  return parts.join(" · ");
}

function row(s, timeZone) {
  const tags = [];
  if (s.phase) tags.push(h("span", { class: "score-tag plain" }, phaseLabel(s.phase)));
  if (s.with_psychotherapy) tags.push(h("span", { class: "score-tag plain" }, t("treatments.kap")));
  if (s.pain_before !== null && s.pain_before !== undefined && s.pain_after !== null && s.pain_after !== undefined) {
    tags.push(h("span", { class: "score-tag pain" }, t("treatments.pain_change", { before: s.pain_before, after: s.pain_after })));
  }
  if (s.mood_before !== null && s.mood_before !== undefined && s.mood_after !== null && s.mood_after !== undefined) {
    tags.push(h("span", { class: "score-tag mood" }, t("treatments.mood_change", { before: s.mood_before, after: s.mood_after })));
  }
  if (s.flags && s.flags.length && !s.pending) tags.push(h("span", { class: "score-tag bp-tag" }, t("treatments.flag_tag")));
  if (s.pending) tags.push(h("span", { class: "score-tag plain" }, t("treatments.waiting")));
  const usual = new Set(["ketamine", t("treatments.medication_default")]);
  const medication = s.medication && !usual.has(s.medication) ? `${s.medication} · ` : "";
  return h("li", {}, h("a", { class: "list-item", href: `/treatments/${s.id}` },
    h("div", {},
      h("div", { class: "title" }, `${routeLabel(s.route)}`),
      h("div", { class: "meta" }, formatDateTime(s.started_at, timeZone), doseText(s) ? ` · ${medication}${doseText(s)}` : ""),
      tags.length ? h("div", { class: "scores" }, tags) : null),
    icons.chevron()));
}

export async function render(container, ctx) {
  const [{ rows, offline }] = await Promise.all([store.treatments(), safetyStyles()]);
  const list = h("ul", { class: "list" }, rows.map((s) => row(s, ctx.user.timezone)));
  append(container, [
    screenHead(t("treatments.title"), t("treatments.subtitle")),
    h("a", { class: "btn btn-primary btn-block", href: "/treatments/new" }, t("treatments.record")),
    offline ? h("p", { class: "muted" }, t("treatments.offline")) : null,
    h("h2", { class: "month" }, rows.length ? t("treatments.count", { count: rows.length }) : t("treatments.sessions")),
    rows.length ? list : h("p", { class: "empty" }, t("treatments.empty"))]);
}
