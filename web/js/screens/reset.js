// Choose a new password with the one-time link an admin printed (`flask users
// reset-password`): https://HOST/reset#TOKEN. The token is read from the fragment, kept in
// memory only and taken out of the address bar at once.

import { ApiError, OfflineError, request } from "../api.js";
import { field, formError, passwordTooShort, showFieldErrors } from "../controls.js";
import { h, takeFragment } from "../dom.js";
import * as outbox from "../outbox.js";
import { ended, session } from "../session.js";
import { PASSWORD_MIN_LENGTH } from "../vocabulary.js";

let token = "";

export async function render(container, ctx) {
  const fragment = takeFragment();
  if (fragment !== "") token = fragment;
  const heading = h("h1", { tabindex: "-1" }, "Choose a new password");
  const box = h("div", { class: "auth" }, heading);
  container.append(box);

  const dead = (message) => {
    box.replaceChildren(h("h1", { tabindex: "-1" }, "This reset link does not work"),
      h("p", { class: "form-error", role: "alert" }, message),
      h("p", {}, "Ask the person who runs this Relieflog for a new link. Links work once, for a limited time."),
      h("p", { class: "switch" }, h("a", { href: "/login" }, "Go to Log in")));
    box.querySelector("h1").focus();
  };
  if (token === null) {
    token = "";
    dead("Part of the link is wrong or missing. Open the whole link you were sent.");
    return;
  }
  if (!token) {
    dead("The link is incomplete: the part after # is missing. Open the whole link you were sent.");
    return;
  }

  const password = field("Password", h("input", { type: "password", autocomplete: "new-password", minlength: String(PASSWORD_MIN_LENGTH), required: true }),
    `At least ${PASSWORD_MIN_LENGTH} characters. A short sentence is easy to remember.`);
  const confirm = field("Confirm password", h("input", { type: "password", autocomplete: "new-password", required: true }));
  const error = formError();
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-block" }, "Set new password");
  const form = h("form", { novalidate: true }, error, password, confirm, submit);
  box.append(h("p", { class: "tagline" }, "After this, you are logged out everywhere and log in with the new password."), form);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.show("");
    password.showError("");
    confirm.showError("");
    if (passwordTooShort(password)) return;
    if (confirm.control.value !== password.control.value) {
      confirm.showError("The two passwords are not the same.");
      confirm.control.focus();
      return;
    }
    submit.disabled = true;
    try {
      await request("POST", "/auth/reset", { body: { token, new_password: password.control.value } });
    } catch (e) {
      submit.disabled = false;
      if (e instanceof OfflineError) error.show("You are offline. Connect to the internet and try again.");
      else if (e instanceof ApiError && e.status === 410) {
        token = "";
        dead("This link has already been used or has expired.");
      } else showFieldErrors({ new_password: password }, e, error);
      return;
    }
    token = "";
    if (session.user) {
      // Every session ended, this device's too; anything still queued waits for the log-in.
      ended();
      outbox.markNeedsLogin();
    }
    ctx.navigate("/login", { replace: true, notice: "Your password was changed. Log in with your new password." });
  });
}
