// Choose a new password with the one-time link an admin printed (`flask users
// reset-password`): https://HOST/reset#TOKEN. The token is read from the fragment, kept in
// memory only and taken out of the address bar at once. A new provider's setup link
// (`flask clinics create`, a clinic's invitation) is https://HOST/reset?setup#TOKEN: the same
// form, worded as setting up an account ("Choose your password"), not as a reset.

import { ApiError, OfflineError, request } from "../api.js";
import { field, formError, passwordTooShort } from "../controls.js";
import { h, takeFragment } from "../dom.js";
import { t } from "../i18n.js";
import * as outbox from "../outbox.js";
import { showProblem } from "../problems.js";
import { ended, session } from "../session.js";
import { PASSWORD_MIN_LENGTH } from "../vocabulary.js";

let token = "";

export async function render(container, ctx) {
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
