// One past day: change it, delete it, or look at (and restore) its earlier versions.

import * as outbox from "../outbox.js";
import { entryForm } from "../entry-form.js";
import { OfflineError, get } from "../api.js";
import * as store from "../store.js";
import { confirm, screenHead, toast } from "../controls.js";
import { formatDateTime, formatDay } from "../dates.js";
import { append, h, icons } from "../dom.js";
import { sideEffectLabel } from "../vocabulary.js";

function describe(version) {
  const parts = [];
  for (const [key, name] of [["pain", "Pain"], ["mood", "Mood"], ["anxiety", "Anxiety"], ["energy", "Energy"],
    ["sleep_hours", "Sleep hours"], ["sleep_quality", "Sleep quality"]]) {
    if (version[key] !== null && version[key] !== undefined) parts.push(`${name} ${version[key]}`);
  }
  if (version.side_effects && version.side_effects.length) parts.push(version.side_effects.map(sideEffectLabel).join(", "));
  if (version.tags && version.tags.length) parts.push(`Tags: ${version.tags.join(", ")}`);
  return parts.join(" · ");
}

export async function render(container, ctx) {
  const [date] = ctx.params;
  const entry = await store.entry(date);
  const back = () => ctx.navigate("/history");
  const remove = h("button", { type: "button", class: "btn btn-danger", hidden: !entry }, "Delete this day");
  remove.addEventListener("click", async () => {
    const ok = await confirm("Delete this day?",
      `The entry for ${formatDay(date)} disappears from your diary and charts. Its content stays in this day's earlier versions.`);
    if (!ok) return;
    await outbox.enqueue({ kind: "entry", op: "delete", id: date });
    await outbox.flush();
    toast("Deleted");
    back();
  });
  const form = entryForm({
    date, entry,
    onSaved: ({ synced }) => {
      toast(synced ? "Saved" : "Saved on this phone — will sync");
      back();
    },
    extraActions: [remove],
  });

  const versions = h("div", {});
  const show = h("button", { type: "button", class: "btn btn-block" }, "Show earlier versions");
  show.addEventListener("click", async () => {
    show.disabled = true;
    try {
      const { data } = await get(`/entries/${date}/history`);
      versions.replaceChildren();
      if (!data.items.length) versions.append(h("p", { class: "muted" }, "No earlier versions: this day has not been changed."));
      for (const version of data.items) {
        const restore = h("button", { type: "button", class: "btn btn-small" }, "Restore this version");
        restore.addEventListener("click", async () => {
          const body = {};
          const empty = { side_effects: [], tags: [], notes: "" };
          for (const key of outbox.fieldsOf("entry")) body[key] = version[key] ?? empty[key] ?? null;
          await outbox.enqueue({ kind: "entry", op: "put", id: date, body, baseVersion: entry ? entry.version : null });
          await outbox.flush();
          toast("Restored");
          ctx.navigate(`/history/${date}`, { replace: true });
        });
        const when = version.replaced_at ? formatDateTime(version.replaced_at, ctx.user.timezone) : "";
        versions.append(h("div", { class: "version" },
          h("div", { class: "meta" }, `Version ${version.version} · ${version.change === "deleted" ? "deleted" : "replaced"} ${when}`),
          h("div", {}, describe(version) || "No scores"),
          version.notes ? h("div", { class: "meta" }, version.notes) : null,
          restore));
      }
      show.hidden = true;
    } catch (error) {
      versions.replaceChildren(h("p", { class: "muted" },
        error instanceof OfflineError ? "Earlier versions need a connection." : error.message));
      show.disabled = false;
    }
  });

  const status = entry
    ? (entry.pending ? h("p", { class: "status-line waiting" }, icons.clock(), "Saved on this phone, waiting to sync.") : null)
    : h("p", { class: "status-line" }, "Nothing logged for this day yet.");
  append(container, [
    h("p", { class: "back" }, h("a", { href: "/history" }, "‹ History")),
    screenHead(formatDay(date, { weekday: "long", day: "numeric", month: "long", year: "numeric" })),
    status, form,
    h("section", { class: "card", "aria-labelledby": "versions-title" },
      h("h2", { id: "versions-title" }, "Earlier versions"),
      h("p", { class: "muted" }, "Every change keeps the previous content, so nothing you typed is lost."),
      versions, show)]);
}
