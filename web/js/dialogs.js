// Dialogs (a modal built by the caller, a confirmation) and the panel that shows a secret
// once: the screens that ask or show one load it (never the first visit's log-in and Today).

import { field, toast } from "./controls.js";
import { h, nextId } from "./dom.js";
import { t } from "./i18n.js";

// A modal dialog built from `content`; resolves with the value passed to close().
export function dialog(title, build) {
  const el = document.getElementById("dialog");
  el.replaceChildren();
  return new Promise((resolve) => {
    let result = null;
    const close = (value) => {
      result = value;
      el.close();
    };
    el.append(h("h2", { id: "dialog-title" }, title), build(close));
    el.addEventListener("close", () => resolve(result), { once: true });
    el.showModal();
    const first = el.querySelector("input, select, textarea, button");
    if (first) first.focus();
  });
}

export function confirm(title, message, { confirmText = t("controls.dialog.delete"), cancelText = t("controls.dialog.cancel"),
  danger = true } = {}) {
  return dialog(title, (close) => h("div", {},
    h("p", {}, message),
    h("div", { class: "actions" },
      h("button", { type: "button", class: "btn", onclick: () => close(false) }, cancelText),
      h("button", { type: "button", class: danger ? "btn btn-danger-solid" : "btn btn-primary",
        onclick: () => close(true) }, confirmText))));
}

// Put `text` on the clipboard; false when the browser refuses (then the caller selects it).
async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

// A secret shown this one time (a share link, an API token): the value in a read-only
// field with a Copy button, and a plain warning that it will not be shown again. The caller
// words what is particular to its secret (`what` labels the field; `copy`, `copied` and
// `warning` come from its catalog keys, as grammar differs by language).
export function shownOnce({ title, what, copy, copied, warning, value, extra = null, onDone }) {
  const heading = h("h2", { tabindex: "-1", id: nextId("once") }, title);
  const output = field(what, h("textarea", { readonly: true, rows: "3", class: "once-value",
    autocomplete: "off", spellcheck: "false", value }));
  const copyButton = h("button", { type: "button", class: "btn btn-primary" }, copy);
  copyButton.addEventListener("click", async () => {
    if (await copyText(value)) {
      toast(copied);
    } else {
      output.control.select();
      toast(t("app.once.copy_by_hand"));
    }
  });
  const done = h("button", { type: "button", class: "btn" }, t("app.once.done"));
  const panel = h("section", { class: "card once", "aria-labelledby": heading.id },
    heading,
    h("p", { class: "once-note" }, h("strong", {}, warning), " ", t("app.once.fingerprint")),
    output,
    h("div", { class: "actions" }, copyButton, done),
    extra);
  done.addEventListener("click", () => {
    panel.remove();
    if (onDone) onDone();
  });
  panel.focusHeading = () => heading.focus();
  return panel;
}
