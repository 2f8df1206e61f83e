// Small DOM helpers and the shared controls: 0–10 scales, check lists, dialogs, toasts.

export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  let value;
  for (const [key, v] of Object.entries(props || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (key === "class") el.className = v;
    else if (key === "text") el.textContent = v;
    else if (key === "value") value = v;
    else if (key.startsWith("on") && typeof v === "function") el.addEventListener(key.slice(2), v);
    else if (typeof v === "boolean") el.toggleAttribute(key, true);
    else el.setAttribute(key, v);
  }
  append(el, children);
  if (value !== undefined) el.value = value;
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

let uid = 0;
export const nextId = (prefix = "f") => `${prefix}-${++uid}`;

export const SIDE_EFFECTS = [
  ["nausea", "Nausea"],
  ["dizziness", "Dizziness"],
  ["dissociation", "Dissociation"],
  ["headache", "Headache"],
  ["sedation", "Sleepiness (sedation)"],
  ["elevated_blood_pressure", "High blood pressure"],
  ["dysgeusia", "Taste changes"],
  ["other", "Other"],
];
export const sideEffectLabel = (key) => (SIDE_EFFECTS.find(([k]) => k === key) || [key, key])[1];

export const ROUTES = [
  ["iv_infusion", "IV infusion"],
  ["intramuscular", "Intramuscular injection"],
  ["intranasal", "Nasal spray"],
  ["sublingual", "Sublingual (under the tongue)"],
  ["oral", "Oral"],
  ["other", "Other"],
];
export const routeLabel = (key) => (ROUTES.find(([k]) => k === key) || [key, key || "—"])[1];

export const SCALES = {
  pain: { label: "Pain", low: "no pain", high: "worst pain imaginable", meaning: "average, last 24 hours" },
  mood: { label: "Mood", low: "worst mood", high: "best mood" },
  anxiety: { label: "Anxiety", low: "none", high: "worst" },
  energy: { label: "Energy", low: "none", high: "best" },
  sleep_quality: { label: "Sleep quality", low: "worst", high: "best" },
  dissociation: { label: "Dissociation", low: "none", high: "complete" },
};

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
    "aria-label": `Clear ${label}` }, "Clear");
  const root = h("div", { class: `scale ${kind}`, "data-scale": name },
    h("div", { class: "scale-head" }, h("span", { class: "label", id: labelId }, label),
      meaning ? h("span", { class: "scale-meaning", id: meaningId }, meaning) : null, clear),
    h("p", { class: "scale-ends", id: endsId }, h("span", {}, `0 = ${low}`), h("span", { class: "visually-hidden" }, ", "), h("span", {}, `10 = ${high}`)),
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
  return scale({ name, value, kind, ...SCALES[name] });
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

// The server's minimum for a new password (NEW_PASSWORD in api/auth/schemas.py).
export const PASSWORD_MIN_LENGTH = 10;

// On a new-password field: shows the error and focuses it when the password is too
// short; true when it was.
export function passwordTooShort(passwordField) {
  if (passwordField.control.value.length >= PASSWORD_MIN_LENGTH) return false;
  passwordField.showError(`Use at least ${PASSWORD_MIN_LENGTH} characters.`);
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

export function confirm(title, message, { confirmText = "Delete", cancelText = "Cancel", danger = true } = {}) {
  return dialog(title, (close) => h("div", {},
    h("p", {}, message),
    h("div", { class: "actions" },
      h("button", { type: "button", class: "btn", onclick: () => close(false) }, cancelText),
      h("button", { type: "button", class: danger ? "btn btn-danger-solid" : "btn btn-primary",
        onclick: () => close(true) }, confirmText))));
}

// ---- Dates. A "day" is a YYYY-MM-DD string in the patient's time zone. ----

export function todayIn(timeZone) {
  try {
    return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" })
      .format(new Date());
  } catch {
    return new Intl.DateTimeFormat("en-CA").format(new Date());
  }
}

export function addDays(day, n) {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

export function formatDay(day, options = { weekday: "long", day: "numeric", month: "long" }) {
  return new Intl.DateTimeFormat(undefined, { ...options, timeZone: "UTC" }).format(new Date(`${day}T12:00:00Z`));
}

export function formatShortDay(day) {
  return formatDay(day, { weekday: "short", day: "numeric", month: "short" });
}

export function formatDateTime(iso, timeZone) {
  const options = { weekday: "short", day: "numeric", month: "short", hour: "numeric", minute: "2-digit" };
  try {
    return new Intl.DateTimeFormat(undefined, { ...options, timeZone }).format(new Date(iso));
  } catch {
    return new Intl.DateTimeFormat(undefined, options).format(new Date(iso));
  }
}

// "24 Dec 2026": the calendar date of a moment in the patient's time zone.
export function formatDate(iso, timeZone) {
  const options = { day: "numeric", month: "short", year: "numeric" };
  try {
    return new Intl.DateTimeFormat(undefined, { ...options, timeZone }).format(new Date(iso));
  } catch {
    return new Intl.DateTimeFormat(undefined, options).format(new Date(iso));
  }
}

// "24 Nov 09:12" (with the year when it is not this year): a line in a log.
export function formatStamp(iso, timeZone) {
  const date = new Date(iso);
  const day = { day: "numeric", month: "short" };
  if (date.getFullYear() !== new Date().getFullYear()) day.year = "numeric";
  const time = { hour: "2-digit", minute: "2-digit" };
  const fmt = (options) => {
    try {
      return new Intl.DateTimeFormat(undefined, { ...options, timeZone }).format(date);
    } catch {
      return new Intl.DateTimeFormat(undefined, options).format(date);
    }
  };
  return `${fmt(day)} ${fmt(time)}`;
}

// Put `text` on the clipboard; false when the browser refuses (then the caller selects it).
export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

export function formatTime(iso) {
  return new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit" }).format(new Date(iso));
}

// "2026-03-01T09:30" from a datetime-local input, as ISO 8601 with this device's offset.
export function withLocalOffset(local) {
  const date = new Date(local);
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? "+" : "-";
  const abs = Math.abs(offset);
  const pad = (n) => String(n).padStart(2, "0");
  return `${local.length === 16 ? `${local}:00` : local}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

export function toLocalInput(iso) {
  const d = iso ? new Date(iso) : new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const icons = {
  check: () => svg("M5 12.5l4.5 4.5L19 7.5"),
  clock: () => svg("M12 7v5l3 2M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18"),
  chevron: () => svg("M9 5l7 7-7 7", "chev"),
};

function svg(d, cls = "") {
  const ns = "http://www.w3.org/2000/svg";
  const el = document.createElementNS(ns, "svg");
  el.setAttribute("viewBox", "0 0 24 24");
  el.setAttribute("aria-hidden", "true");
  el.setAttribute("focusable", "false");
  if (cls) el.setAttribute("class", cls);
  const path = document.createElementNS(ns, "path");
  path.setAttribute("d", d);
  path.setAttribute("fill", "none");
  path.setAttribute("stroke", "currentColor");
  path.setAttribute("stroke-width", "2.2");
  path.setAttribute("stroke-linecap", "round");
  path.setAttribute("stroke-linejoin", "round");
  el.append(path);
  return el;
}

export function screenHead(title, sub) {
  return h("div", { class: "screen-head" }, h("h1", { tabindex: "-1" }, title), sub ? h("p", { class: "sub" }, sub) : null);
}

export function showFieldErrors(fields, error, fallback) {
  let shown = false;
  for (const [name, messages] of Object.entries(error.fieldErrors || {})) {
    const target = fields[name];
    if (target && target.showError) {
      target.showError(messages.join(" "));
      shown = true;
    }
  }
  if (!shown && fallback) fallback.show(error.message);
}

// A secret shown this one time (a share link, an API token): the value in a read-only
// field with a Copy button, and a plain warning that it will not be shown again.
export function shownOnce({ title, what, value, extra = null, onDone }) {
  const heading = h("h2", { tabindex: "-1", id: nextId("once") }, title);
  const output = field(what, h("textarea", { readonly: true, rows: "3", class: "once-value",
    autocomplete: "off", spellcheck: "false", value }));
  const copyButton = h("button", { type: "button", class: "btn btn-primary" }, `Copy ${what.toLowerCase()}`);
  copyButton.addEventListener("click", async () => {
    if (await copyText(value)) {
      toast(`${what} copied`);
    } else {
      output.control.select();
      toast("Press Ctrl+C (or long-press and Copy) to copy it");
    }
  });
  const done = h("button", { type: "button", class: "btn" }, "Done, hide it");
  const panel = h("section", { class: "card once", "aria-labelledby": heading.id },
    heading,
    h("p", { class: "once-note" }, h("strong", {}, `This ${what.toLowerCase()} is shown once. Copy it now.`),
      " Only a fingerprint of it is kept, so it cannot be shown again."),
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
