// When the server has a newer version than the one a change was based on (412), show
// both side by side and let the patient choose. Rejected changes are shown here too.

import * as outbox from "./outbox.js";
import { dialog } from "./controls.js";
import { formatDateTime, formatDay } from "./dates.js";
import { h } from "./dom.js";
import { routeLabel, sideEffectLabel } from "./vocabulary.js";

const LABELS = {
  pain: "Pain", mood: "Mood", anxiety: "Anxiety", energy: "Energy", sleep_hours: "Sleep hours",
  sleep_quality: "Sleep quality", side_effects: "Side effects", tags: "Tags", notes: "Note",
  started_at: "Started", route: "Route", medication: "Medication", dose_mg: "Dose (mg)",
  dose_mg_per_kg: "Dose (mg/kg)", duration_minutes: "Duration (min)", with_psychotherapy: "KAP",
  phase: "Phase", clinic: "Clinic", pain_before: "Pain before", pain_after: "Pain after",
  mood_before: "Mood before", mood_after: "Mood after", dissociation: "Dissociation",
};

function show(key, value) {
  if (value === null || value === undefined || value === "" || (Array.isArray(value) && !value.length)) return "—";
  if (key === "side_effects") return value.map(sideEffectLabel).join(", ");
  if (Array.isArray(value)) return value.join(", ");
  if (key === "started_at") return formatDateTime(value);
  if (key === "route") return routeLabel(value);
  if (typeof value === "boolean") return value ? "Yes" : "No";
  return String(value);
}

function column(title, kind, row, other) {
  const dl = h("dl", {});
  if (!row) {
    dl.append(h("dd", {}, "Deleted"));
  } else {
    for (const key of outbox.fieldsOf(kind)) {
      const mine = show(key, row[key]);
      const theirs = other ? show(key, other[key]) : null;
      if (mine === "—" && theirs === "—") continue;
      dl.append(h("dt", {}, LABELS[key]), h("dd", { class: theirs !== null && mine !== theirs ? "differs" : null }, mine));
    }
  }
  return h("div", {}, h("h3", {}, title), dl);
}

function what(item) {
  return item.kind === "entry" ? `Entry for ${formatDay(item.id)}` : `Session of ${item.body ? formatDateTime(item.body.started_at) : "a treatment"}`;
}

export async function showConflicts() {
  const items = (await outbox.items()).filter((i) => i.status === "conflict" || i.status === "rejected");
  if (!items.length) return;
  await dialog(items.length === 1 ? "One change needs your choice" : `${items.length} changes need your choice`, (close) => {
    const body = h("div", {});
    const list = h("div", {});
    const done = (block) => {
      block.remove();
      if (!list.children.length) close(true);
    };
    for (const item of items) {
      const block = h("section", { class: "conflict" }, h("h3", {}, what(item)));
      if (item.status === "conflict") {
        const saved = item.server && item.server.updated_at ? ` (saved ${formatDateTime(item.server.updated_at)})` : "";
        block.append(
          h("p", { class: "muted" }, `This was changed elsewhere${saved} after you started editing. Which version should stay?`),
          h("div", { class: "compare" },
            column("Yours (this phone)", item.kind, item.op === "delete" ? null : item.body, item.server),
            column("On the server", item.kind, item.server, item.op === "delete" ? null : item.body)),
          h("div", { class: "actions" },
            h("button", { type: "button", class: "btn btn-primary", onclick: async () => { await outbox.resolve(item.key, "mine"); done(block); } }, "Keep mine"),
            h("button", { type: "button", class: "btn", onclick: async () => { await outbox.resolve(item.key, "theirs"); done(block); } }, "Keep the server's")));
      } else {
        block.append(
          h("p", {}, `The server did not accept this change: ${item.message || "it was not valid"}`),
          h("div", { class: "compare" }, column("Your change", item.kind, item.op === "delete" ? null : item.body, null)),
          h("div", { class: "actions" },
            h("button", { type: "button", class: "btn btn-danger", onclick: async () => { await outbox.discard(item.key); done(block); } }, "Discard it")));
      }
      list.append(block);
    }
    body.append(list, h("div", { class: "actions" }, h("button", { type: "button", class: "btn", onclick: () => close(false) }, "Decide later")));
    return body;
  });
}
