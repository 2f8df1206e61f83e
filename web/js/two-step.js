// Two-step login, one card for Settings → Security and the clinic page's gate: turn it on
// (scan a QR code or copy the secret, type the app's code, save ten recovery codes shown
// once, as text or a downloaded file), see how many recovery codes are left, turn it off.

import { OfflineError, request } from "./api.js";
import { field, formError, toast } from "./controls.js";
import { confirm } from "./dialogs.js";
import { formatDate } from "./dates.js";
import { h, nextId, stylesheet } from "./dom.js";
import { t } from "./i18n.js";
import * as passkeys from "./passkeys.js";
import { showProblem } from "./problems.js";
import { updateUser } from "./session.js";

async function qrImage(uri) {
  const { default: qrcode } = await import("../vendor/qrcode-generator/qrcode.esm.js");
  const qr = qrcode(0, "M");
  qr.addData(uri);
  qr.make();
  return h("img", { class: "qr", src: qr.createDataURL(4, 16), alt: t("twostep.qr_alt") });
}

const grouped = (secret) => secret.replace(/(.{4})/g, "$1 ").trim();

async function refreshUser() {
  const { data } = await request("GET", "/me");
  await updateUser(data);
  return data;
}

function codeField(label = t("twostep.code"), help = t("twostep.code_help")) {
  return field(label, h("input", { type: "text", name: "code", inputmode: "numeric", autocomplete: "one-time-code",
    maxlength: "14", required: true, autocapitalize: "none", spellcheck: "false" }), help);
}

function passwordField() {
  return field(t("twostep.password"), h("input", { type: "password", name: "password", autocomplete: "current-password", required: true }));
}

function failed(e, fields, error) {
  if (e instanceof OfflineError) error.show(t("errors.offline"));
  else showProblem(fields, e, error);
}

// The recovery codes, once: a list, a Copy button, a download as a text file, and a
// checkbox that must be ticked before leaving.
function recoveryCodes(codes, onDone) {
  const text = `${t("twostep.file_title")}\n\n${codes.join("\n")}\n\n${t("twostep.file_note")}\n`;
  const download = h("a", { class: "btn", download: "relieflog-recovery-codes.txt",
    href: URL.createObjectURL(new Blob([text], { type: "text/plain" })) }, t("twostep.download"));
  const copy = h("button", { type: "button", class: "btn" }, t("twostep.copy_codes"));
  copy.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(codes.join("\n"));
      toast(t("twostep.codes_copied"));
    } catch {
      toast(t("app.once.copy_by_hand"));
    }
  });
  const saved = h("input", { type: "checkbox", name: "saved" });
  const done = h("button", { type: "button", class: "btn btn-primary btn-block", disabled: true }, t("twostep.done"));
  saved.addEventListener("change", () => { done.disabled = !saved.checked; });
  done.addEventListener("click", () => {
    URL.revokeObjectURL(download.href);
    onDone();
  });
  const heading = h("h3", { tabindex: "-1" }, t("twostep.codes_title"));
  const box = h("div", { class: "two-step-codes" }, heading,
    h("p", {}, h("strong", {}, t("twostep.codes_once")), " ", t("twostep.codes_help")),
    h("ol", { class: "recovery-codes" }, codes.map((c) => h("li", {}, h("code", {}, c)))),
    h("div", { class: "actions" }, download, copy),
    h("label", { class: "check single" }, saved, t("twostep.codes_saved")),
    done);
  box.focusHeading = () => heading.focus();
  return box;
}

// The steps of turning it on, inside `body`; `onEnabled` runs once the codes are saved.
function enrol(body, onEnabled) {
  const password = passwordField();
  const error = formError();
  const start = h("form", { novalidate: true }, h("p", {}, t("twostep.start_help")), error, password,
    h("button", { type: "submit", class: "btn btn-primary btn-block" }, t("twostep.start")));
  body.replaceChildren(start);
  password.control.focus();
  start.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.show("");
    password.showError("");
    if (!password.control.value) {
      password.showError(t("login.password_missing"));
      password.control.focus();
      return;
    }
    let began;
    try {
      ({ data: began } = await request("POST", "/me/mfa/totp", { body: { password: password.control.value } }));
    } catch (e) {
      failed(e, { password }, error);
      return;
    }
    await scan(began);
  });

  async function scan({ secret, otpauth_uri: uri }) {
    const code = codeField();
    const confirmError = formError();
    const secretId = nextId("secret");
    const form = h("form", { novalidate: true }, confirmError, code,
      h("button", { type: "submit", class: "btn btn-primary btn-block" }, t("twostep.confirm")));
    const heading = h("h3", { tabindex: "-1" }, t("twostep.scan_title"));
    body.replaceChildren(heading,
      h("ol", { class: "steps" },
        h("li", {}, t("twostep.scan_step1")),
        h("li", {}, t("twostep.scan_step2"), h("div", { class: "qr-box" }, await qrImage(uri)),
          h("p", { class: "muted", id: secretId }, t("twostep.secret_help")),
          h("p", {}, h("code", { class: "totp-secret", "aria-describedby": secretId }, grouped(secret)))),
        h("li", {}, t("twostep.scan_step3"))),
      form);
    heading.focus();
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      confirmError.show("");
      code.showError("");
      if (!code.control.value.trim()) {
        code.showError(t("secondstep.code_missing"));
        code.control.focus();
        return;
      }
      let codes;
      try {
        ({ data: { recovery_codes: codes } } = await request("POST", "/me/mfa/totp/confirm", { body: { code: code.control.value.trim() } }));
      } catch (e) {
        failed(e, { code }, confirmError);
        return;
      }
      const shown = recoveryCodes(codes, onEnabled);
      body.replaceChildren(shown);
      shown.focusHeading();
    });
  }
}

function disable(body, onDisabled, cancel) {
  const password = passwordField();
  const code = codeField(t("twostep.code_or_recovery"), t("twostep.code_or_recovery_help"));
  const error = formError();
  const back = h("button", { type: "button", class: "btn" }, t("controls.dialog.cancel"));
  back.addEventListener("click", cancel);
  const form = h("form", { novalidate: true }, h("p", {}, t("twostep.off_help")), error, password, code,
    h("div", { class: "actions" }, h("button", { type: "submit", class: "btn btn-danger" }, t("twostep.turn_off")), back));
  body.replaceChildren(form);
  password.control.focus();
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.show("");
    password.showError("");
    code.showError("");
    try {
      await request("DELETE", "/me/mfa/totp", { body: { password: password.control.value, code: code.control.value.trim() } });
    } catch (e) {
      failed(e, { password, code }, error);
      return;
    }
    toast(t("twostep.turned_off"));
    try {
      await refreshUser();
    } catch {
      // Offline: shown as off from the answer itself.
    }
    onDisabled();
  });
}

// The passkeys of an account with two-step login: each with a Remove button, and a form to
// add one (this phone's fingerprint or face, or a security key).
function passkeyList() {
  const list = h("ul", { class: "passkeys link-list" });
  const error = formError();
  const label = field(t("twostep.passkey_label"), h("input", { type: "text", name: "passkey-label", maxlength: "80", autocomplete: "off", value: t("twostep.passkey_default") }));
  const add = h("button", { type: "submit", class: "btn" }, t("twostep.passkey_add"));
  const form = h("form", { novalidate: true }, error, label, add);
  const box = h("div", { class: "passkey-box" }, h("h3", {}, t("twostep.passkeys")),
    h("p", { class: "muted" }, t("twostep.passkeys_help")), list,
    passkeys.supported() ? form : h("p", { class: "muted" }, t("twostep.passkeys_unsupported")));

  async function load() {
    let items = [];
    try {
      ({ data: { items } } = await request("GET", "/me/passkeys"));
    } catch {
      return; // offline: the list shows next time
    }
    list.replaceChildren(...items.map((key) => {
      const remove = h("button", { type: "button", class: "btn btn-small btn-danger" }, t("twostep.passkey_remove"));
      remove.addEventListener("click", async () => {
        if (!await confirm(t("twostep.passkey_remove_title"), t("twostep.passkey_remove_confirm", { label: key.label }),
          { confirmText: t("twostep.passkey_remove") })) return;
        try {
          await request("DELETE", `/me/passkeys/${encodeURIComponent(key.id)}`);
        } catch (e) {
          failed(e, {}, error);
          return;
        }
        await refreshUser().catch(() => null);
        load();
      });
      return h("li", { class: "passkey" }, h("span", {}, h("strong", { class: "user-text" }, key.label), " ",
        h("span", { class: "muted" }, t("twostep.passkey_added_on", { date: formatDate(key.created_at) }))), remove);
    }));
    if (!items.length) list.append(h("li", { class: "muted" }, t("twostep.passkeys_none")));
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.show("");
    add.disabled = true;
    try {
      const { data: options } = await request("POST", "/me/passkeys/options");
      let credential;
      try {
        credential = await passkeys.create(options.publicKey);
      } catch {
        error.show(t("twostep.passkey_cancelled"));
        return;
      }
      await request("POST", "/me/passkeys", { body: { credential, label: label.control.value.trim() || t("twostep.passkey_default") } });
      toast(t("twostep.passkey_done"));
      await refreshUser().catch(() => null);
      load();
    } catch (e) {
      failed(e, { label }, error);
    } finally {
      add.disabled = false;
    }
  });
  load();
  return box;
}

// Loaded with this module (web/css/two-step.css), not with every page: Settings shows the
// card's styled parts (QR code, codes) only after a tap, long after it has arrived.
const styled = stylesheet("/css/two-step.css");

// Settings → Security: the state, and the way to turn it on or off.
export function securityCard(user) {
  const body = h("div", {});
  const card = h("section", { class: "card two-step", "aria-labelledby": "two-step-title" },
    h("h2", { id: "two-step-title" }, t("twostep.title")), body);
  let state = (user.mfa && user.mfa.totp) ? user.mfa : { totp: false, recovery_codes_left: 0 };

  function show() {
    if (state.totp) {
      const off = h("button", { type: "button", class: "btn" }, t("twostep.turn_off"));
      off.addEventListener("click", () => disable(body, () => { state = { totp: false }; show(); }, show));
      body.replaceChildren(
        h("p", { class: "status-line done" }, t("twostep.on")),
        h("p", { class: state.recovery_codes_left ? "muted" : "form-error" },
          t("twostep.codes_left", { count: state.recovery_codes_left })),
        passkeyList(),
        off);
    } else {
      const on = h("button", { type: "button", class: "btn btn-primary" }, t("twostep.turn_on"));
      on.addEventListener("click", () => enrol(body, async () => {
        state = (await refreshUser().catch(() => null))?.mfa || { totp: true, recovery_codes_left: 10 };
        show();
        toast(t("twostep.turned_on"));
      }));
      body.replaceChildren(h("p", {}, t("twostep.off")), h("p", { class: "muted" }, t("twostep.why")), on);
    }
  }
  show();
  return card;
}

// The clinic page before any patient's data: a provider turns it on here, then continues.
export async function enrolmentGate(onEnabled) {
  await styled;
  const body = h("div", {});
  const heading = h("h1", { tabindex: "-1" }, t("twostep.gate_title"));
  const page = h("section", { class: "card two-step gate", "aria-labelledby": "gate-title" },
    h("p", { id: "gate-title" }, t("twostep.gate_why")), body);
  enrol(body, async () => {
    await refreshUser().catch(() => null); // offline: the clinic page asks again anyway
    // Optionally a passkey too, then on to the clinic.
    const next = h("button", { type: "button", class: "btn btn-primary btn-block" }, t("twostep.gate_continue"));
    next.addEventListener("click", onEnabled);
    const done = h("h2", { tabindex: "-1" }, t("twostep.turned_on"));
    body.replaceChildren(done, passkeyList(), next);
    done.focus();
  });
  return [heading, page];
}
