// Log in and Create account: two small forms on one module; the time zone comes from the browser.
// An account with two-step login answers the password with an mfa_token: second-step.js then
// asks for a code of the authenticator app, a recovery code or a passkey.

import { OfflineError, request } from "../api.js";
import { field, formError, passwordTooShort } from "../controls.js";
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
        // Loaded only for an account with two-step login: not part of the first visit.
        const { secondStep } = await import("../second-step.js");
        await secondStep(container, ctx, data);
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
