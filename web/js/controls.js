// The shared controls: 0–10 scales, check lists, labelled fields and their errors, toasts
// and a screen's heading (dialogs and the secret shown once are in dialogs.js, which the
// first visit does not need).

import { h, nextId } from "./dom.js";
import { t } from "./i18n.js";
import { PASSWORD_MIN_LENGTH, scaleWords } from "./vocabulary.js";

// A 0–10 scale as eleven big radio chips (two rows), with what 0 and 10 mean and a Clear button.
export function scale({ name, label, meaning, low, high, value = null, kind = "" }) {
  const labelId = nextId("lbl");
  const endsId = nextId("ends");
  const meaningId = meaning ? nextId("mean") : null;
  const chips = h("div", { class: "chips", role: "radiogroup", "aria-labelledby": labelId,
    "aria-describedby": [meaningId, endsId].filter(Boolean).join(" ") });
  const group = nextId(name);
  for (let n = 0; n <= 10; n += 1) {
    chips.append(h("label", { class: "chip" },
      h("input", { type: "radio", name: group, value: String(n), checked: value === n }),
      h("span", { text: String(n) })));
  }
  const clear = h("button", { type: "button", class: "btn-link scale-clear", hidden: value === null,
    "aria-label": t("controls.scale.clear_label", { label }) }, t("controls.scale.clear"));
  const root = h("div", { class: `scale ${kind}`, "data-scale": name },
    h("div", { class: "scale-head" }, h("span", { class: "label", id: labelId }, label),
      meaning ? h("span", { class: "scale-meaning", id: meaningId }, meaning) : null, clear),
    h("p", { class: "scale-ends", id: endsId }, h("span", {}, t("controls.scale.low", { low })), h("span", { class: "visually-hidden" }, ", "),
      h("span", {}, t("controls.scale.high", { high }))),
    chips);
  chips.addEventListener("change", () => { clear.hidden = false; });
  clear.addEventListener("click", () => {
    for (const input of chips.querySelectorAll("input")) input.checked = false;
    clear.hidden = true;
  });
  root.read = () => {
    const checked = chips.querySelector("input:checked");
    return checked ? Number(checked.value) : null;
  };
  return root;
}

export function scaleFor(name, value, kind = "") {
  return scale({ name, value, kind, ...scaleWords(name) });
}

export function checkList(legend, options, selected = []) {
  const fieldset = h("fieldset", { class: "field plain" }, h("legend", { class: "label" }, legend));
  const grid = h("div", { class: "checks" });
  for (const [key, text] of options) {
    grid.append(h("label", { class: "check" },
      h("input", { type: "checkbox", value: key, checked: selected.includes(key) }), text));
  }
  fieldset.append(grid);
  fieldset.read = () => [...grid.querySelectorAll("input:checked")].map((i) => i.value);
  return fieldset;
}

// A labelled input: the label is visible and names the control.
export function field(labelText, control, help) {
  const id = control.id || nextId("in");
  control.id = id;
  const helpEl = help ? h("span", { class: "help", id: `${id}-help` }, help) : null;
  if (helpEl) control.setAttribute("aria-describedby", helpEl.id);
  const error = h("span", { class: "error-text", id: `${id}-error`, hidden: true });
  const wrap = h("div", { class: "field" }, h("label", { class: "label", for: id }, labelText), control, helpEl, error);
  wrap.control = control;
  wrap.showError = (message) => {
    error.textContent = message || "";
    error.hidden = !message;
    if (message) {
      control.setAttribute("aria-invalid", "true");
      control.setAttribute("aria-describedby", [helpEl && helpEl.id, error.id].filter(Boolean).join(" "));
    } else {
      control.removeAttribute("aria-invalid");
      if (helpEl) control.setAttribute("aria-describedby", helpEl.id);
      else control.removeAttribute("aria-describedby");
    }
  };
  return wrap;
}

// On a new-password field: shows the error and focuses it when the password is too
// short; true when it was.
export function passwordTooShort(passwordField) {
  if (passwordField.control.value.length >= PASSWORD_MIN_LENGTH) return false;
  passwordField.showError(t("controls.password_too_short", { count: PASSWORD_MIN_LENGTH }));
  passwordField.control.focus();
  return true;
}

export function formError() {
  const el = h("div", { class: "form-error", role: "alert", hidden: true });
  el.show = (message) => {
    el.textContent = message || "";
    el.hidden = !message;
  };
  return el;
}

// The server's 422 messages under the fields they name (`fields`: the API's field name →
// a field()), and the focus on the first of them; when none is named, the message goes to
// `fallback`.
export function showFieldErrors(fields, error, fallback) {
  let first = null;
  for (const [name, messages] of Object.entries(error.fieldErrors || {})) {
    const target = fields[name];
    if (target && target.showError) {
      target.showError(messages.join(" "));
      first ||= target;
    }
  }
  if (first) first.control.focus();
  else if (fallback) fallback.show(error.message);
}

let toastTimer;
export function toast(message) {
  const el = document.getElementById("toast");
  el.textContent = message;
  el.classList.add("show");
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    el.classList.remove("show");
    setTimeout(() => { if (!el.classList.contains("show")) el.textContent = ""; }, 300);
  }, 3200);
}

export function screenHead(title, sub) {
  return h("div", { class: "screen-head" }, h("h1", { tabindex: "-1" }, title), sub ? h("p", { class: "sub" }, sub) : null);
}
