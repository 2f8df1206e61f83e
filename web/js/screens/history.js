// History: every logged day, newest first; tap one to change or delete it.

import * as store from "../store.js";
import { field, screenHead } from "../controls.js";
import { addDays, formatDay, todayIn } from "../dates.js";
import { h, icons } from "../dom.js";
import { sideEffectLabel } from "../vocabulary.js";

const PAGE_DAYS = 90;

function row(entry) {
  const tags = [];
  if (entry.pain !== null && entry.pain !== undefined) tags.push(h("span", { class: "score-tag pain" }, `Pain ${entry.pain}`));
  if (entry.mood !== null && entry.mood !== undefined) tags.push(h("span", { class: "score-tag mood" }, `Mood ${entry.mood}`));
  for (const key of ["anxiety", "energy", "sleep_quality"]) {
    if (entry[key] !== null && entry[key] !== undefined) {
      const name = key === "sleep_quality" ? "Sleep" : key[0].toUpperCase() + key.slice(1);
      tags.push(h("span", { class: "score-tag plain" }, `${name} ${entry[key]}`));
    }
  }
  if (entry.pending) tags.push(h("span", { class: "score-tag plain" }, "Waiting to sync"));
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
  const more = h("button", { type: "button", class: "btn btn-block" }, "Show earlier days");

  async function load() {
    const { rows, offline } = await store.entries(from, addDays(today, 1));
    note.textContent = offline ? "Offline: showing what this phone remembers." : "";
    list.replaceChildren();
    if (!rows.length) {
      list.append(h("p", { class: "empty" }, `Nothing logged since ${formatDay(from, { day: "numeric", month: "long", year: "numeric" })}.`));
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
  const pickField = field("Log or change a day", pick);
  const open = h("button", { type: "submit", class: "btn" }, "Open day");
  const picker = h("form", { class: "card" }, pickField, open);
  picker.addEventListener("submit", (event) => {
    event.preventDefault();
    if (/^\d{4}-\d{2}-\d{2}$/.test(pick.value) && pick.value <= addDays(today, 1)) ctx.navigate(`/history/${pick.value}`);
    else pickField.showError("Choose a date up to today.");
  });

  await load();
  container.append(screenHead("History", "Tap a day to change or delete it."), note, picker, list,
    h("div", { class: "actions" }, more));
}
