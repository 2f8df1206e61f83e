// Choose a new password with the one-time link an admin printed (`flask users
// reset-password`): https://HOST/reset#TOKEN. The token is read from the fragment, kept in
// memory only and taken out of the address bar at once. A new provider's setup link
// (`flask clinics create`, a clinic's invitation) is https://HOST/reset?setup#TOKEN: the same
// form, worded as setting up an account ("Choose your password"), not as a reset. Someone
// invited who already has an account is
// told so by the server (409 log_in_to_accept) and logs in with their own password to
// accept it (POST /clinic/invites/accept): an invitation never sets an existing account's
// password.

import { ApiError, OfflineError, request } from "../api.js";
import { field, formError, passwordTooShort } from "../controls.js";
import { h, takeFragment } from "../dom.js";
import { t } from "../i18n.js";
import * as outbox from "../outbox.js";
import { showProblem } from "../problems.js";
import { ended, loggedIn, session } from "../session.js";
import { PASSWORD_MIN_LENGTH } from "../vocabulary.js";

let token = "";

export async function render(container, ctx) {
  if (ctx.route === "forgot") return forgot(container);
  const setup = new URLSearchParams(location.search).has("setup");
  const fragment = takeFragment();
  if (fragment !== "") token = fragment;
  const heading = h("h1", { tabindex: "-1" }, t(setup ? "reset.setup_title" : "reset.title"));
  const box = h("div", { class: "auth" }, heading);
  container.append(box);

  const dead = (message) => {
    box.replaceChildren(h("h1", { tabindex: "-1" }, t("reset.dead_title")),
      h("p", { class: "form-error", role: "alert" }, message),
      h("p", {}, t("reset.ask_again")),
      h("p", { class: "switch" }, h("a", { href: "/login" }, t("reset.go_login"))));
    box.querySelector("h1").focus();
  };
  if (token === null) {
    token = "";
    dead(t("reset.link_mangled"));
    return;
  }
  if (!token) {
    dead(t("reset.link_incomplete"));
    return;
  }

  const password = field(t("reset.password"), h("input", { type: "password", autocomplete: "new-password", minlength: String(PASSWORD_MIN_LENGTH), required: true }),
    t("reset.password_help", { min: PASSWORD_MIN_LENGTH }));
  const confirm = field(t("reset.confirm"), h("input", { type: "password", autocomplete: "new-password", required: true }));
  const error = formError();
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-block" }, t(setup ? "reset.setup_submit" : "reset.submit"));
  const form = h("form", { novalidate: true }, error, password, confirm, submit);
  box.append(h("p", { class: "tagline" }, t(setup ? "reset.setup_after" : "reset.after")), form);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.show("");
    password.showError("");
    confirm.showError("");
    if (passwordTooShort(password)) return;
    if (confirm.control.value !== password.control.value) {
      confirm.showError(t("reset.mismatch"));
      confirm.control.focus();
      return;
    }
    submit.disabled = true;
    try {
      await request("POST", "/auth/reset", { body: { token, new_password: password.control.value } });
    } catch (e) {
      submit.disabled = false;
      if (e instanceof OfflineError) error.show(t("errors.offline"));
      else if (e instanceof ApiError && e.status === 410) {
        token = "";
        dead(t("reset.used"));
      } else if (e instanceof ApiError && e.problem.reason === "log_in_to_accept") {
        acceptWithAccount(box, ctx, dead);
      } else showProblem({ new_password: password }, e, error);
      return;
    }
    token = "";
    if (session.user) {
      // Every session ended, this device's too; anything still queued waits for the log-in.
      ended();
      outbox.markNeedsLogin();
    }
    ctx.navigate("/login", { replace: true, notice: t(setup ? "reset.setup_done" : "reset.done") });
  });
}

// Why an account cannot accept an invitation, in the person's language.
const REFUSED = {
  patient_account: "reset.invite.patient_account",
  other_clinic: "reset.invite.other_clinic",
};

// An invitation for an account that exists: log in with it, then accept.
function acceptWithAccount(box, ctx, dead) {
  const email = field(t("login.email"), h("input", { type: "email", name: "email", autocomplete: "username", required: true, autocapitalize: "none", spellcheck: "false" }));
  const password = field(t("login.password"), h("input", { type: "password", name: "password", autocomplete: "current-password", required: true }));
  const error = formError();
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-block" }, t("reset.invite.submit"));
  const form = h("form", { novalidate: true }, error, email, password, submit);
  box.replaceChildren(h("h1", { tabindex: "-1" }, t("reset.invite.title")),
    h("p", { class: "tagline" }, t("reset.invite.existing")), form);
  box.querySelector("h1").focus();

  const refused = (message) => {
    box.replaceChildren(h("h1", { tabindex: "-1" }, t("reset.invite.refused_title")),
      h("p", { class: "form-error", role: "alert" }, message),
      h("p", { class: "switch" }, h("a", { href: "/" }, t("reset.invite.go_app"))));
    box.querySelector("h1").focus();
  };

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.show("");
    const address = email.control.value.trim();
    if (!address || !password.control.value) {
      error.show(t("errors.login_failed"));
      return;
    }
    submit.disabled = true;
    try {
      const { data } = await request("POST", "/auth/login", { body: { email: address, password: password.control.value } });
      if (data.mfa_required) {
        // Two-step login: its second step first (in place of this form), then the acceptance.
        const screen = box.parentElement;
        const { secondStep } = await import("../second-step.js");
        await secondStep(screen, ctx, data, { then: () => { screen.replaceChildren(box); return accept(); } });
        return;
      }
      await loggedIn(data);
    } catch (e) {
      submit.disabled = false;
      if (e instanceof OfflineError) error.show(t("errors.offline"));
      else if (e.status === 401) error.show(t("errors.login_failed"));
      else showProblem({ email, password }, e, error);
      return;
    }
    await accept();
  });

  // Logged in: accept the invitation, then the clinic; or say why not.
  async function accept() {
    try {
      await request("POST", "/clinic/invites/accept", { body: { token } });
    } catch (e) {
      if (e instanceof OfflineError) {
        submit.disabled = false;
        error.show(t("errors.offline"));
      } else if (e instanceof ApiError && e.status === 410) {
        token = "";
        dead(t("reset.used"));
      } else if (e instanceof ApiError && e.status === 403) refused(t("reset.invite.another_account"));
      else refused(REFUSED[e.problem && e.problem.reason] ? t(REFUSED[e.problem.reason]) : e.message);
      return;
    }
    token = "";
    ctx.navigate("/clinic", { replace: true });
  }
}

// "Forgot password?": the server mails a one-hour link if the address has an account, and
// answers the same either way, so this screen says the same either way too.
function forgot(container) {
  const email = field(t("forgot.email"), h("input", { type: "email", autocomplete: "username", required: true, autocapitalize: "none", spellcheck: "false" }));
  const error = formError();
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-block" }, t("forgot.submit"));
  const form = h("form", { novalidate: true }, error, email, submit);
  const box = h("div", { class: "auth" }, h("h1", { tabindex: "-1" }, t("forgot.title")),
    h("p", { class: "tagline" }, t("forgot.intro")), form,
    h("p", { class: "switch" }, h("a", { href: "/login" }, t("reset.go_login"))));
  container.append(box);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.show("");
    email.showError("");
    const address = email.control.value.trim();
    if (!address || !address.includes("@")) {
      email.showError(t("login.email_missing"));
      email.control.focus();
      return;
    }
    submit.disabled = true;
    try {
      await request("POST", "/auth/forgot", { body: { email: address } });
    } catch (e) {
      submit.disabled = false;
      if (e instanceof OfflineError) error.show(t("errors.offline"));
      else showProblem({ email }, e, error);
      return;
    }
    const sent = h("h1", { tabindex: "-1" }, t("forgot.sent_title"));
    box.replaceChildren(sent, h("p", { role: "status" }, t("forgot.sent", { email: address })),
      h("p", { class: "muted" }, t("forgot.sent_help")),
      h("p", { class: "switch" }, h("a", { href: "/login" }, t("reset.go_login"))));
    sent.focus();
  });
}
