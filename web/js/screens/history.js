// History: every logged day, newest first; tap one to change or delete it.

import * as store from "../store.js";
import { field, screenHead } from "../controls.js";
import { addDays, formatDay, todayIn } from "../dates.js";
import { h, icons } from "../dom.js";
import { t } from "../i18n.js";
import { sideEffectLabel } from "../vocabulary.js";

const PAGE_DAYS = 90;

function row(entry) {
  const tags = [];
  // history.score.<key>: the short name of each score on a row.
  for (const key of ["pain", "mood", "anxiety", "energy", "sleep_quality"]) {
    if (entry[key] !== null && entry[key] !== undefined) {
      const kind = key === "pain" || key === "mood" ? key : "plain";
      tags.push(h("span", { class: `score-tag ${kind}` }, t(`history.score.${key}`, { value: entry[key] })));
    }
  }
  if (entry.pending) tags.push(h("span", { class: "score-tag plain" }, t("history.waiting")));
  const extra = [];
  if (entry.side_effects && entry.side_effects.length) extra.push(entry.side_effects.map(sideEffectLabel).join(", "));
  if (entry.notes) extra.push(entry.notes.length > 60 ? `${entry.notes.slice(0, 60)}…` : entry.notes);
  return h("li", {}, h("a", { class: "list-item", href: `/history/${entry.date}` },
    h("div", {}, h("div", { class: "title" }, formatDay(entry.date, { weekday: "short", day: "numeric", month: "short" })),
      h("div", { class: "scores" }, tags),
      extra.length ? h("div", { class: "meta" }, extra.join(" · ")) : null),
    icons.chevron()));
}

function monthOf(day) {
  return formatDay(day, { month: "long", year: "numeric" });
}

export async function render(container, ctx) {
  const today = todayIn(ctx.user.timezone);
  let from = addDays(today, -(PAGE_DAYS - 1));
  const list = h("div", {});
  const note = h("p", { class: "muted" });
  const more = h("button", { type: "button", class: "btn btn-block" }, t("history.show_earlier"));

  async function load() {
    const { rows, offline } = await store.entries(from, addDays(today, 1));
    note.textContent = offline ? t("history.offline") : "";
    list.replaceChildren();
    if (!rows.length) {
      list.append(h("p", { class: "empty" }, t("history.empty", { date: formatDay(from, { day: "numeric", month: "long", year: "numeric" }) })));
      return;
    }
    let month = null;
    let ul = null;
    for (const entry of rows) {
      const m = monthOf(entry.date);
      if (m !== month) {
        month = m;
        ul = h("ul", { class: "list" });
        list.append(h("h2", { class: "month" }, m), ul);
      }
      ul.append(row(entry));
    }
  }

  more.addEventListener("click", async () => {
    from = addDays(from, -PAGE_DAYS);
    more.disabled = true;
    await load();
    more.disabled = false;
  });

  const pick = h("input", { type: "date", max: today, value: addDays(today, -1) });
  const pickField = field(t("history.pick"), pick);
  const open = h("button", { type: "submit", class: "btn" }, t("history.open"));
  const picker = h("form", { class: "card" }, pickField, open);
  picker.addEventListener("submit", (event) => {
    event.preventDefault();
    if (/^\d{4}-\d{2}-\d{2}$/.test(pick.value) && pick.value <= addDays(today, 1)) ctx.navigate(`/history/${pick.value}`);
    else pickField.showError(t("history.pick_invalid"));
  });

  await load();
  container.append(screenHead(t("history.title"), t("history.subtitle")), note, picker, list,
    h("div", { class: "actions" }, more));
}
