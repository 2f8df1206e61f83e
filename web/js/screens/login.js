// Log in and Create account: two small forms on one module; the time zone comes from the browser.
// An account with two-step login answers the password with an mfa_token: the second form asks
// for a code of the authenticator app (or a recovery code) and finishes the log-in.

import { OfflineError, request } from "../api.js";
import { field, formError, passwordTooShort, toast } from "../controls.js";
import { h, icons } from "../dom.js";
import { lang, t } from "../i18n.js";
import * as outbox from "../outbox.js";
import { loggedIn } from "../session.js";
import { PASSWORD_MIN_LENGTH } from "../vocabulary.js";

// A refused request's problem under its fields; loaded only when something is refused, so
// the first visit does not carry it.
async function showProblem(fields, e, error) {
  const problems = await import("../problems.js");
  problems.showProblem(fields, e, error);
}

function browserTimeZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

export async function render(container, ctx) {
  const registering = ctx.route === "register";
  const email = field(t("login.email"), h("input", { type: "email", name: "email", autocomplete: registering ? "email" : "username", required: true, autocapitalize: "none", spellcheck: "false" }));
  const password = field(t("login.password"), h("input", { type: "password", name: "password", required: true,
    autocomplete: registering ? "new-password" : "current-password", minlength: registering ? String(PASSWORD_MIN_LENGTH) : null }),
  registering ? t("login.password_help", { min: PASSWORD_MIN_LENGTH }) : null);
  const name = registering ? field(t("login.name"), h("input", { type: "text", name: "display_name", autocomplete: "given-name", maxlength: "80" })) : null;
  const zone = browserTimeZone();
  const error = formError();
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-block" }, registering ? t("login.create") : t("login.submit"));
  const waiting = (await outbox.summary()).waiting;
  const notice = !registering && history.state && history.state.notice;
  const form = h("form", { novalidate: true }, error, email, password, name,
    registering ? h("p", { class: "muted" }, t("login.zone", { zone })) : null,
    submit);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.show("");
    email.showError("");
    password.showError("");
    const address = email.control.value.trim();
    if (!address || !address.includes("@")) {
      email.showError(t("login.email_missing"));
      email.control.focus();
      return;
    }
    if (registering && passwordTooShort(password)) return;
    if (!password.control.value) {
      password.showError(t("login.password_missing"));
      password.control.focus();
      return;
    }
    submit.disabled = true;
    try {
      const body = { email: address, password: password.control.value, language: lang() };
      if (registering) Object.assign(body, { timezone: zone, display_name: name.control.value.trim() });
      const { data } = await request("POST", registering ? "/auth/register" : "/auth/login", { body });
      if (data.mfa_required) {
        secondStep(container, ctx, data);
        return;
      }
      await loggedIn(data);
      ctx.navigate("/today", { replace: true });
    } catch (e) {
      if (e instanceof OfflineError) error.show(t("login.offline"));
      else if (e.status === 401) error.show(t("errors.login_failed"));
      else {
        // The other refusals' words (a taken email, a weak password) load only when needed:
        // they are not part of the first visit.
        await showProblem({ email, password, display_name: name }, e, error);
      }
    } finally {
      submit.disabled = false;
    }
  });

  container.append(h("div", { class: "auth" },
    h("div", { class: "brand-big" }, icons.brand(), h("span", {}, t("app.name"))),
    h("p", { class: "tagline" }, t("login.tagline")),
    h("h1", { tabindex: "-1" }, registering ? t("login.create_title") : t("login.title")),
    notice ? h("p", { class: "status-line done", role: "status" }, notice) : null,
    waiting && !registering ? h("p", { class: "hint" }, t("login.waiting", { count: waiting })) : null,
    form,
    registering
      ? h("p", { class: "switch" }, t("login.have_account"), " ", h("a", { href: "/login" }, t("login.title")))
      : [h("p", { class: "switch" }, t("login.new_here"), " ", h("a", { href: "/register" }, t("login.create"))),
        h("p", { class: "switch forgot" }, h("a", { href: "/forgot" }, t("login.forgot_link")))]));
}

// The second step: a 6-digit code, or (a lost phone) one of the recovery codes.
function secondStep(container, ctx, { mfa_token: mfaToken, methods }) {
  let recovery = false;
  const code = field(t("login.mfa_code"), h("input", { type: "text", name: "code", inputmode: "numeric",
    autocomplete: "one-time-code", maxlength: "6", pattern: "[0-9]*", required: true, autocapitalize: "none", spellcheck: "false" }),
  t("login.mfa_code_help"));
  const error = formError();
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-block" }, t("login.mfa_submit"));
  const toggle = h("button", { type: "button", class: "btn btn-link" }, t("login.mfa_use_recovery"));
  const form = h("form", { novalidate: true }, error, code, submit);
  const heading = h("h1", { tabindex: "-1" }, t("login.mfa_title"));
  toggle.addEventListener("click", () => {
    recovery = !recovery;
    code.control.value = "";
    code.showError("");
    code.querySelector("label").textContent = recovery ? t("login.mfa_recovery") : t("login.mfa_code");
    code.querySelector(".help").textContent = recovery ? t("login.mfa_recovery_help") : t("login.mfa_code_help");
    Object.assign(code.control, recovery ? { inputMode: "text", maxLength: 14, autocomplete: "off" }
      : { inputMode: "numeric", maxLength: 6, autocomplete: "one-time-code" });
    toggle.textContent = recovery ? t("login.mfa_use_code") : t("login.mfa_use_recovery");
    code.control.focus();
  });

  const done = async (data, codesLeft) => {
    await loggedIn(data);
    if (codesLeft) toast(t("login.mfa_codes_left", { count: data.mfa.recovery_codes_left }));
    ctx.navigate("/today", { replace: true });
  };
  const expired = (e) => e.status === 401 && e.problem && e.problem.errors && e.problem.errors.mfa_token;

  // A passkey (this phone's fingerprint or face, a security key), where the account has one.
  const usePasskey = methods.includes("passkey") && typeof window.PublicKeyCredential === "function"
    ? h("button", { type: "button", class: "btn btn-block" }, t("login.mfa_use_passkey")) : null;
  if (usePasskey) usePasskey.addEventListener("click", async () => {
    error.show("");
    usePasskey.disabled = true;
    try {
      const { data: options } = await request("POST", "/auth/login/mfa/options", { body: { mfa_token: mfaToken } });
      let answer;
      try {
        const passkeys = await import("../passkeys.js");
        answer = await passkeys.get(options.publicKey);
      } catch {
        error.show(t("login.mfa_passkey_cancelled"));
        return;
      }
      const { data } = await request("POST", "/auth/login/mfa", { body: { mfa_token: mfaToken, passkey: answer } });
      await done(data, false);
    } catch (e) {
      if (e instanceof OfflineError) error.show(t("login.offline"));
      else if (expired(e)) ctx.navigate("/login", { replace: true, notice: t("login.mfa_expired") });
      else if (e.status === 401) error.show(t("login.mfa_passkey_refused"));
      else await showProblem({}, e, error);
    } finally {
      usePasskey.disabled = false;
    }
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.show("");
    code.showError("");
    const value = code.control.value.trim();
    if (!value) {
      code.showError(t(recovery ? "login.mfa_recovery_missing" : "login.mfa_code_missing"));
      code.control.focus();
      return;
    }
    submit.disabled = true;
    try {
      const body = recovery ? { mfa_token: mfaToken, recovery_code: value } : { mfa_token: mfaToken, code: value };
      const { data } = await request("POST", "/auth/login/mfa", { body });
      await done(data, recovery);
    } catch (e) {
      if (e instanceof OfflineError) error.show(t("login.offline"));
      else if (expired(e)) ctx.navigate("/login", { replace: true, notice: t("login.mfa_expired") });
      else if (e.status === 401) {
        code.showError(t(recovery ? "login.mfa_recovery_wrong" : "login.mfa_code_wrong"));
        code.control.select();
      } else await showProblem({ code, recovery_code: code }, e, error);
    } finally {
      submit.disabled = false;
    }
  });

  container.replaceChildren(h("div", { class: "auth" },
    h("div", { class: "brand-big" }, icons.brand(), h("span", {}, t("app.name"))),
    heading,
    h("p", { class: "tagline" }, t("login.mfa_intro")),
    form,
    usePasskey ? h("p", { class: "switch" }, t("login.mfa_or")) : null,
    usePasskey,
    h("p", { class: "switch" }, toggle)));
  heading.focus();
  code.control.focus();
}
