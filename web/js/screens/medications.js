// Medications: the patient's list (/medications) and one medication (/medications/new,
// /medications/<uuid>): name, dose, class, started, stopped, notes. Saved through the outbox
// under a UUID made on the phone, like a session, so it works offline and a replay is harmless.
// The server records dose changes; starts, changes and stops are markers on Trends.

import * as outbox from "../outbox.js";
import * as store from "../store.js";
import { field, formError, screenHead, showFieldErrors, toast } from "../controls.js";
import { confirm } from "../dialogs.js";
import { formatDay, todayIn } from "../dates.js";
import { append, h, icons } from "../dom.js";
import { t } from "../i18n.js";
import { medClassLabel, medClassOptions } from "../safety-words.js";

const day = (value) => formatDay(value, { day: "numeric", month: "short", year: "numeric" });

function when(m) {
  if (m.stopped_on) return t("medications.taken_from_to", { start: day(m.started_on), end: day(m.stopped_on) });
  return t("medications.taken_since", { start: day(m.started_on) });
}

function row(m, today) {
  const stopped = m.stopped_on && m.stopped_on < today;
  return h("li", {}, h("a", { class: "list-item", href: `/medications/${m.id}`, "data-medication": m.id },
    h("div", {},
      h("div", { class: "title" }, h("span", { class: "user-text" }, m.name), m.dose ? h("span", { class: "user-text" }, ` · ${m.dose}`) : null),
      h("div", { class: "meta" }, `${medClassLabel(m.class)} · ${when(m)}`),
      h("div", { class: "scores" },
        stopped ? h("span", { class: "score-tag plain" }, t("medications.stopped_tag")) : null,
        m.pending ? h("span", { class: "score-tag plain" }, t("medications.waiting")) : null)),
    icons.chevron()));
}

async function list(container, ctx) {
  const today = todayIn(ctx.user.timezone);
  const { rows, offline } = await store.medications();
  const current = rows.filter((m) => !m.stopped_on || m.stopped_on >= today);
  const past = rows.filter((m) => m.stopped_on && m.stopped_on < today);
  append(container, [
    h("p", { class: "back" }, h("a", { href: "/settings" }, t("medications.back_settings"))),
    screenHead(t("medications.title"), t("medications.subtitle")),
    h("a", { class: "btn btn-primary btn-block", href: "/medications/new" }, t("medications.add")),
    offline ? h("p", { class: "muted" }, t("medications.offline")) : null,
    rows.length ? null : h("p", { class: "empty" }, t("medications.empty")),
    current.length ? [h("h2", { class: "month" }, t("medications.current")),
      h("ul", { class: "list" }, current.map((m) => row(m, today)))] : null,
    past.length ? [h("h2", { class: "month" }, t("medications.past")),
      h("ul", { class: "list" }, past.map((m) => row(m, today)))] : null,
  ]);
}

async function one(container, ctx, which) {
  const isNew = which === "new";
  const id = isNew ? outbox.uuid() : which;
  const m = isNew ? {} : await store.medication(id);
  const back = h("p", { class: "back" }, h("a", { href: "/medications" }, t("medications.back")));
  if (!m) {
    container.append(back, screenHead(t("medications.not_found")));
    return;
  }
  const today = todayIn(ctx.user.timezone);
  const fields = {
    name: field(t("medications.name"), h("input", { type: "text", required: true, maxlength: "120", autocomplete: "off", value: m.name || "" })),
    dose: field(t("medications.dose"), h("input", { type: "text", maxlength: "60", autocomplete: "off", value: m.dose || "" }),
      t("medications.dose_help")),
    // No class until one is chosen: a guess would file a benzodiazepine as something else.
    class: field(t("medications.class"), h("select", { required: true },
      h("option", { value: "", selected: !m.class }, t("medications.class_choose")),
      medClassOptions().map(([key, label]) => h("option", { value: key, selected: key === m.class }, label))),
    t("medications.class_help")),
    started_on: field(t("medications.started"), h("input", { type: "date", required: true, value: m.started_on || today })),
    stopped_on: field(t("medications.stopped"), h("input", { type: "date", value: m.stopped_on || "" }), t("medications.stopped_help")),
    notes: field(t("medications.notes"), h("textarea", { maxlength: "2000", rows: "3", value: m.notes || "" })),
  };
  const error = formError();
  const save = h("button", { type: "submit", class: "btn btn-primary btn-block" }, t("medications.save"));
  const stopToday = isNew || m.stopped_on ? null : h("button", { type: "button", class: "btn" }, t("medications.stop_today"));
  const remove = isNew ? null : h("button", { type: "button", class: "btn btn-danger" }, t("medications.delete"));
  const form = h("form", { novalidate: true },
    h("section", { class: "card" }, Object.values(fields)),
    error,
    h("div", { class: "save-bar" }, save),
    stopToday || remove ? h("div", { class: "actions" }, stopToday, remove) : null);

  async function submit() {
    error.show("");
    for (const f of Object.values(fields)) f.showError("");
    const body = {
      name: fields.name.control.value.trim(),
      dose: fields.dose.control.value.trim(),
      class: fields.class.control.value,
      started_on: fields.started_on.control.value,
      stopped_on: fields.stopped_on.control.value || null,
      notes: fields.notes.control.value,
    };
    for (const key of ["name", "class", "started_on"]) {
      if (!body[key]) {
        fields[key].showError(t(key === "class" ? "medications.class_required" : "medications.required"));
        fields[key].control.focus();
        return;
      }
    }
    save.disabled = true;
    try {
      await outbox.enqueue({ kind: "medication", op: "put", id, body, baseVersion: isNew ? null : m.version ?? null });
      await outbox.flush();
      const still = await outbox.item("medication", id);
      if (still && still.status === "rejected") {
        showFieldErrors(fields, { fieldErrors: still.errors || {}, message: still.message }, error);
        return;
      }
      if (still && still.status === "conflict") {
        const { showConflicts } = await import("../conflicts.js");
        await showConflicts();
      }
      toast((await outbox.item("medication", id)) ? t("controls.toast.saved_offline") : t("controls.toast.saved"));
      ctx.navigate("/medications");
    } finally {
      save.disabled = false;
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submit();
  });
  if (stopToday) {
    stopToday.addEventListener("click", () => {
      fields.stopped_on.control.value = today;
      submit();
    });
  }
  if (remove) {
    remove.addEventListener("click", async () => {
      if (!await confirm(t("medications.delete_title"), t("medications.delete_message"))) return;
      await outbox.enqueue({ kind: "medication", op: "delete", id });
      await outbox.flush();
      toast(t("controls.toast.deleted"));
      ctx.navigate("/medications");
    });
  }
  container.append(back, screenHead(isNew ? t("medications.add") : t("medications.change")), form);
}

export function render(container, ctx) {
  const [which] = ctx.params;
  return which ? one(container, ctx, which) : list(container, ctx);
}
