// When the server has a newer version than the one a change was based on (412), show
// both side by side and let the patient choose. Rejected changes are shown here too.

import * as outbox from "./outbox.js";
import { dialog } from "./dialogs.js";
import { formatDateTime as formatAt, formatDay } from "./dates.js";
import { h } from "./dom.js";
import { extend, formatNumber, t } from "./i18n.js";
import { find, rememberedDefinitions } from "./questionnaires.js";
import { phaseLabel, routeLabel, sideEffectLabel } from "./vocabulary.js";
import { bpPhaseLabel, medClassLabel } from "./safety-words.js";
import { session } from "./session.js";

// A moment on the account's clocks, as the session list and form show it.
const formatDateTime = (iso) => formatAt(iso, session.user && session.user.timezone);

// A questionnaire by its server name ("PHQ-9"); its id when this phone never had its definition.
const instrumentTitle = (id) => (find(rememberedDefinitions(), id) || { title: id }).title;

// The name of a field of an entry or a session: conflicts.field.<API field name> (dynamic keys).
const label = (key) => t(`conflicts.field.${key}`);

function show(key, value) {
  if (value === null || value === undefined || value === "" || (Array.isArray(value) && !value.length)) return "—";
  if (key === "side_effects" || key === "symptoms") return value.map(sideEffectLabel).join(", ");
  if (key === "concomitant") return value.map(medClassLabel).join(", ");
  if (key === "class") return medClassLabel(value);
  if (key === "vitals") return value.map((r) => `${bpPhaseLabel(r.phase)} ${r.systolic}/${r.diastolic}`).join(", ");
  if (Array.isArray(value)) return value.join(", ");
  if (key === "started_at" || key === "answered_at") return formatDateTime(value);
  if (key === "instrument") return instrumentTitle(value);
  if (key === "answers" && typeof value === "object") return Object.values(value).map((v) => show("", v)).join(", ");
  if (key === "route") return routeLabel(value);
  if (key === "phase") return phaseLabel(value);
  if (typeof value === "boolean") return value ? t("conflicts.yes") : t("conflicts.no");
  if (typeof value === "number") return formatNumber(value);
  return String(value);
}

function column(title, kind, row, other) {
  const dl = h("dl", {});
  if (!row) {
    dl.append(h("dd", {}, t("conflicts.deleted")));
  } else {
    for (const key of outbox.fieldsOf(kind)) {
      const mine = show(key, row[key]);
      const theirs = other ? show(key, other[key]) : null;
      if (mine === "—" && theirs === "—") continue;
      dl.append(h("dt", {}, label(key)), h("dd", { class: theirs !== null && mine !== theirs ? "differs" : null }, mine));
    }
  }
  return h("div", {}, h("h3", {}, title), dl);
}

function what(item) {
  if (item.kind === "entry") return t("conflicts.entry_for", { date: formatDay(item.id) });
  if (item.kind === "bladder") return t("conflicts.bladder_for", { date: formatDay(item.id) });
  if (item.kind === "medication") return item.body ? t("conflicts.medication", { name: item.body.name }) : t("conflicts.a_medication");
  if (item.kind === "response") {
    return t("conflicts.checkin_of", { title: instrumentTitle(item.body.instrument), date: formatDateTime(item.body.answered_at) });
  }
  return item.body ? t("conflicts.session_of", { date: formatDateTime(item.body.started_at) }) : t("conflicts.a_session");
}

export async function showConflicts() {
  const items = (await outbox.items()).filter((i) => i.status === "conflict" || i.status === "rejected");
  if (!items.length) return;
  await extend("conflicts"); // its words (api/web.py, APP_SCOPES), kept offline by sw.js
  await dialog(t("conflicts.title", { count: items.length }), (close) => {
    const body = h("div", {});
    const list = h("div", {});
    const done = (block) => {
      block.remove();
      if (!list.children.length) close(true);
    };
    for (const item of items) {
      const block = h("section", { class: "conflict" }, h("h3", {}, what(item)));
      if (item.status === "conflict") {
        const changed = item.server && item.server.updated_at
          ? t("conflicts.changed_at", { date: formatDateTime(item.server.updated_at) }) : t("conflicts.changed");
        block.append(
          h("p", { class: "muted" }, changed),
          h("div", { class: "compare" },
            column(t("conflicts.yours"), item.kind, item.op === "delete" ? null : item.body, item.server),
            column(t("conflicts.server"), item.kind, item.server, item.op === "delete" ? null : item.body)),
          h("div", { class: "actions" },
            h("button", { type: "button", class: "btn btn-primary", onclick: async () => { await outbox.resolve(item.key, "mine"); done(block); } }, t("conflicts.keep_mine")),
            h("button", { type: "button", class: "btn", onclick: async () => { await outbox.resolve(item.key, "theirs"); done(block); } }, t("conflicts.keep_server"))));
      } else {
        block.append(
          h("p", {}, t("conflicts.rejected", { reason: item.message || t("conflicts.not_valid") })),
          h("div", { class: "compare" }, column(t("conflicts.your_change"), item.kind, item.op === "delete" ? null : item.body, null)),
          h("div", { class: "actions" },
            h("button", { type: "button", class: "btn btn-danger", onclick: async () => { await outbox.discard(item.key); done(block); } }, t("conflicts.discard"))));
      }
      list.append(block);
    }
    body.append(list, h("div", { class: "actions" }, h("button", { type: "button", class: "btn", onclick: () => close(false) }, t("conflicts.later"))));
    return body;
  });
}
