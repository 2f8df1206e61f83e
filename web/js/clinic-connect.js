// Share's clinic part: connect to a clinic with the code it gave the patient (its name is
// shown before anything is agreed), the clinics this patient is connected to, each with its
// access log (which provider opened what, when) and Disconnect. Like share links, this
// lives only on the server: it needs a connection and never queues anything.

import { OfflineError, request } from "./api.js";
import { field, formError, toast } from "./controls.js";
import { confirm } from "./dialogs.js";
import { formatDate, formatStamp } from "./dates.js";
import { h, nextId } from "./dom.js";
import { t } from "./i18n.js";
import { explain, showProblem } from "./problems.js";

// What a provider opened, in words: `viewText` is Share's (the same kinds as a link's log).
function accessLog(connection, timeZone, viewText) {
  const list = h("div", { class: "access-log", "aria-live": "polite" }, h("p", { class: "loading" }, t("app.loading")));
  request("GET", `/clinic-connections/${connection.id}/views`).then(({ data }) => {
    list.replaceChildren(data.items.length
      ? h("ol", { class: "log-list", "aria-label": t("sharing.clinic.log_of", { clinic: connection.clinic.name }) },
        data.items.map((v) => h("li", {},
          h("span", { class: "user-text" }, v.provider_name), " — ",
          h("time", { datetime: v.viewed_at }, formatStamp(v.viewed_at, timeZone)), " — ",
          (v.opened || []).map(viewText).join(", "))))
      : h("p", { class: "muted" }, t("sharing.clinic.log_empty")));
  }).catch((e) => {
    list.replaceChildren(h("p", { class: "form-error", role: "alert" }, e instanceof OfflineError ? t("sharing.clinic.offline") : explain(e)));
  });
  return list;
}

function connectionItem(connection, timeZone, viewText, reload) {
  const titleId = nextId("clinic");
  const logButton = h("button", { type: "button", class: "btn btn-small", "aria-expanded": "false", "aria-describedby": titleId },
    t("sharing.clinic.log"));
  const logBox = h("div", { class: "log-box", hidden: true });
  logButton.addEventListener("click", () => {
    const open = logButton.getAttribute("aria-expanded") !== "true";
    logButton.setAttribute("aria-expanded", String(open));
    logBox.hidden = !open;
    if (open) logBox.replaceChildren(accessLog(connection, timeZone, viewText));
  });
  const disconnect = h("button", { type: "button", class: "btn btn-small btn-danger", "aria-describedby": titleId },
    t("sharing.clinic.disconnect"));
  disconnect.addEventListener("click", async () => {
    const ok = await confirm(t("sharing.clinic.disconnect_title"),
      t("sharing.clinic.disconnect_confirm", { clinic: connection.clinic.name }),
      { confirmText: t("sharing.clinic.disconnect"), cancelText: t("sharing.cancel") });
    if (!ok) return;
    try {
      await request("DELETE", `/clinic-connections/${connection.id}`);
      toast(t("sharing.clinic.disconnected", { clinic: connection.clinic.name }));
    } catch (e) {
      toast(e instanceof OfflineError ? t("sharing.clinic.offline") : explain(e));
      return;
    }
    await reload();
  });
  const fact = (term, value) => [h("dt", {}, term), h("dd", {}, value)];
  return h("li", { class: "card share-item clinic-item", "data-connection-id": connection.id },
    h("div", { class: "share-head" }, h("h3", { id: titleId, class: "user-text" }, connection.clinic.name),
      h("span", { class: "pill pill-ok" }, t("sharing.clinic.connected"))),
    h("dl", { class: "facts" },
      fact(t("sharing.clinic.since"), formatDate(connection.connected_at, timeZone)),
      fact(t("sharing.fact.notes"), connection.include_notes ? t("sharing.notes_included") : t("sharing.notes_excluded")),
      fact(t("sharing.fact.insights"), connection.include_insights ? t("sharing.notes_included") : t("sharing.notes_excluded"))),
    h("div", { class: "actions compact" }, logButton, disconnect),
    logBox);
}

// The card: the code, then (once the server knows it) the clinic's name, what it will see,
// the notes switch and Connect. `onConnected` reloads the list.
function connectCard(onConnected) {
  const code = field(t("sharing.clinic.code"), h("input", { type: "text", autocomplete: "off", autocapitalize: "characters",
    spellcheck: "false", maxlength: "40" }), t("sharing.clinic.code_help"));
  const error = formError();
  const next = h("button", { type: "submit", class: "btn btn-primary btn-block" }, t("sharing.clinic.continue"));
  const step = h("div", { class: "clinic-preview", "aria-live": "polite" });
  const titleId = nextId("connect");
  const form = h("form", { class: "card connect-card", novalidate: true, "aria-labelledby": titleId },
    h("h3", { id: titleId }, t("sharing.clinic.connect_title")),
    h("p", { class: "muted" }, t("sharing.clinic.connect_intro")),
    code, error, next, step);

  const agree = (clinicName, typed) => {
    const notes = h("input", { type: "checkbox", role: "switch" });
    const insights = h("input", { type: "checkbox", role: "switch" });
    const connect = h("button", { type: "button", class: "btn btn-primary" }, t("sharing.clinic.connect"));
    const cancel = h("button", { type: "button", class: "btn" }, t("sharing.cancel"));
    const headingId = nextId("clinic-name");
    const heading = h("h4", { id: headingId, tabindex: "-1", class: "user-text" }, clinicName);
    const panel = h("section", { class: "agree log-box", "aria-labelledby": headingId },
      heading,
      h("p", {}, t("sharing.clinic.explain", { clinic: clinicName })),
      h("label", { class: "check single" }, notes, t("sharing.clinic.notes")),
      h("p", { class: "muted" }, t("sharing.clinic.notes_help")),
      h("label", { class: "check single" }, insights, t("sharing.insights")),
      h("p", { class: "muted" }, t("sharing.clinic.insights_help")),
      h("div", { class: "actions compact" }, connect, cancel));
    cancel.addEventListener("click", () => {
      step.replaceChildren();
      next.hidden = false;
      code.control.focus();
    });
    connect.addEventListener("click", async () => {
      connect.disabled = true;
      error.show("");
      try {
        const { data } = await request("POST", "/clinic-connections", { body: { code: typed, include_notes: notes.checked, include_insights: insights.checked } });
        step.replaceChildren();
        next.hidden = false;
        code.control.value = "";
        toast(t("sharing.clinic.done", { clinic: data.clinic.name }));
        await onConnected();
      } catch (e) {
        connect.disabled = false;
        if (e instanceof OfflineError) error.show(t("sharing.clinic.offline"));
        else codeProblem(e);
      }
    });
    step.replaceChildren(panel);
    next.hidden = true;
    heading.focus();
  };

  // The server's answer about the code, under the code field, in the patient's language.
  const codeProblem = (e) => {
    step.replaceChildren();
    next.hidden = false;
    if (e.status === 404) {
      code.showError(t("sharing.clinic.code_unknown"));
      code.control.focus();
    } else if (e.status === 422 && e.fieldErrors && e.fieldErrors.code) {
      code.showError(t("sharing.clinic.code_invalid"));
      code.control.focus();
    } else {
      showProblem({ code }, e, error);
    }
  };

  code.control.addEventListener("input", () => {
    if (step.childElementCount) {
      step.replaceChildren();
      next.hidden = false;
    }
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    code.showError("");
    error.show("");
    const typed = code.control.value.trim();
    if (!typed) {
      code.showError(t("sharing.clinic.code_missing"));
      code.control.focus();
      return;
    }
    if (!navigator.onLine) {
      error.show(t("sharing.clinic.offline"));
      return;
    }
    next.disabled = true;
    try {
      const { data } = await request("POST", "/clinic-connections/preview", { body: { code: typed } });
      agree(data.clinic.name, typed);
    } catch (e) {
      if (e instanceof OfflineError) error.show(t("sharing.clinic.offline"));
      else codeProblem(e);
    } finally {
      next.disabled = false;
    }
  });
  return form;
}

// Share's "Clinics" section: the patient's connections and the card to add one.
export function clinicSection(timeZone, viewText) {
  const list = h("div", { class: "clinic-list", "aria-live": "polite" }, h("p", { class: "loading" }, t("app.loading")));
  async function load() {
    try {
      const { data } = await request("GET", "/clinic-connections");
      list.replaceChildren(data.items.length
        ? h("ul", { class: "list clinics" }, data.items.map((c) => connectionItem(c, timeZone, viewText, load)))
        : h("p", { class: "muted" }, t("sharing.clinic.none")));
    } catch (e) {
      list.replaceChildren(h("p", { class: "muted" }, e instanceof OfflineError ? t("sharing.clinic.offline") : explain(e)));
    }
  }
  const section = h("section", { class: "clinics-section", "aria-labelledby": "clinics-title" },
    h("h2", { id: "clinics-title" }, t("sharing.clinic.title")),
    list, connectCard(load));
  section.load = load;
  return section;
}
