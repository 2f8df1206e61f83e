// One past day: change it, delete it, or look at (and restore) its earlier versions.

import * as outbox from "../outbox.js";
import { entryForm } from "../entry-form.js";
import { OfflineError, get } from "../api.js";
import * as store from "../store.js";
import { screenHead, toast } from "../controls.js";
import { confirm } from "../dialogs.js";
import { formatDateTime, formatDay } from "../dates.js";
import { append, h, icons } from "../dom.js";
import { t } from "../i18n.js";
import { sideEffectLabel } from "../vocabulary.js";

function describe(version) {
  const parts = [];
  // day.score.<key>: a score in a version's summary.
  for (const key of ["pain", "mood", "anxiety", "energy", "sleep_hours", "sleep_quality"]) {
    if (version[key] !== null && version[key] !== undefined) parts.push(t(`day.score.${key}`, { value: version[key] }));
  }
  if (version.side_effects && version.side_effects.length) parts.push(version.side_effects.map(sideEffectLabel).join(", "));
  if (version.tags && version.tags.length) parts.push(t("day.tags", { tags: version.tags.join(", ") }));
  return parts.join(" · ");
}

export async function render(container, ctx) {
  const [date] = ctx.params;
  const entry = await store.entry(date);
  const back = () => ctx.navigate("/history");
  const remove = h("button", { type: "button", class: "btn btn-danger", hidden: !entry }, t("day.delete"));
  remove.addEventListener("click", async () => {
    const ok = await confirm(t("day.delete_title"), t("day.delete_message", { date: formatDay(date) }));
    if (!ok) return;
    await outbox.enqueue({ kind: "entry", op: "delete", id: date });
    await outbox.flush();
    toast(t("controls.toast.deleted"));
    back();
  });
  const form = entryForm({
    date, entry,
    onSaved: ({ synced }) => {
      toast(synced ? t("controls.toast.saved") : t("controls.toast.saved_offline"));
      back();
    },
    extraActions: [remove],
  });

  const versions = h("div", {});
  const show = h("button", { type: "button", class: "btn btn-block" }, t("day.show_versions"));
  show.addEventListener("click", async () => {
    show.disabled = true;
    try {
      const { data } = await get(`/entries/${date}/history`);
      versions.replaceChildren();
      if (!data.items.length) versions.append(h("p", { class: "muted" }, t("day.no_versions")));
      for (const version of data.items) {
        const restore = h("button", { type: "button", class: "btn btn-small" }, t("day.restore"));
        restore.addEventListener("click", async () => {
          const body = {};
          const empty = { side_effects: [], tags: [], notes: "" };
          for (const key of outbox.fieldsOf("entry")) body[key] = version[key] ?? empty[key] ?? null;
          await outbox.enqueue({ kind: "entry", op: "put", id: date, body, baseVersion: entry ? entry.version : null });
          await outbox.flush();
          toast(t("controls.toast.restored"));
          ctx.navigate(`/history/${date}`, { replace: true });
        });
        const when = version.replaced_at ? formatDateTime(version.replaced_at, ctx.user.timezone) : "";
        versions.append(h("div", { class: "version" },
          h("div", { class: "meta" }, t(version.change === "deleted" ? "day.version_deleted" : "day.version_replaced",
            { version: version.version, when })),
          h("div", {}, describe(version) || t("day.no_scores")),
          version.notes ? h("div", { class: "meta" }, version.notes) : null,
          restore));
      }
      show.hidden = true;
    } catch (error) {
      versions.replaceChildren(h("p", { class: "muted" },
        error instanceof OfflineError ? t("day.versions_offline") : error.message));
      show.disabled = false;
    }
  });

  const status = entry
    ? (entry.pending ? h("p", { class: "status-line waiting" }, icons.clock(), t("day.pending")) : null)
    : h("p", { class: "status-line" }, t("day.not_logged"));
  append(container, [
    h("p", { class: "back" }, h("a", { href: "/history" }, t("day.back"))),
    screenHead(formatDay(date, { weekday: "long", day: "numeric", month: "long", year: "numeric" })),
    status, form,
    h("section", { class: "card", "aria-labelledby": "versions-title" },
      h("h2", { id: "versions-title" }, t("day.versions_title")),
      h("p", { class: "muted" }, t("day.versions_note")),
      versions, show)]);
}
