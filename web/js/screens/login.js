// Log in and Create account: two small forms on one module; the time zone comes from the browser.

import { OfflineError, request } from "../api.js";
import { field, formError, passwordTooShort, showFieldErrors } from "../controls.js";
import { h, icons } from "../dom.js";
import * as outbox from "../outbox.js";
import { loggedIn } from "../session.js";
import { PASSWORD_MIN_LENGTH } from "../vocabulary.js";

function browserTimeZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

export async function render(container, ctx) {
  const registering = ctx.route === "register";
  const email = field("Email", h("input", { type: "email", name: "email", autocomplete: registering ? "email" : "username", required: true, autocapitalize: "none", spellcheck: "false" }));
  const password = field("Password", h("input", { type: "password", name: "password", required: true,
    autocomplete: registering ? "new-password" : "current-password", minlength: registering ? String(PASSWORD_MIN_LENGTH) : null }),
  registering ? `At least ${PASSWORD_MIN_LENGTH} characters. A short sentence is easy to remember.` : null);
  const name = registering ? field("Your name (optional)", h("input", { type: "text", name: "display_name", autocomplete: "given-name", maxlength: "80" })) : null;
  const zone = browserTimeZone();
  const error = formError();
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-block" }, registering ? "Create account" : "Log in");
  const waiting = (await outbox.summary()).waiting;
  const notice = !registering && history.state && history.state.notice;
  const form = h("form", { novalidate: true }, error, email, password, name,
    registering ? h("p", { class: "muted" }, `Days are counted in your time zone, ${zone}. You can change it in Settings.`) : null,
    submit);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.show("");
    email.showError("");
    password.showError("");
    const address = email.control.value.trim();
    if (!address || !address.includes("@")) {
      email.showError("Enter your email address.");
      email.control.focus();
      return;
    }
    if (registering && passwordTooShort(password)) return;
    if (!password.control.value) {
      password.showError("Enter your password.");
      password.control.focus();
      return;
    }
    submit.disabled = true;
    try {
      const body = { email: address, password: password.control.value };
      if (registering) Object.assign(body, { timezone: zone, display_name: name.control.value.trim() });
      const { data } = await request("POST", registering ? "/auth/register" : "/auth/login", { body });
      await loggedIn(data);
      ctx.navigate("/today", { replace: true });
    } catch (e) {
      if (e instanceof OfflineError) error.show("You are offline. Connect to the internet to log in.");
      else showFieldErrors({ email, password, display_name: name }, e, error);
    } finally {
      submit.disabled = false;
    }
  });

  container.append(h("div", { class: "auth" },
    h("div", { class: "brand-big" }, icons.brand(), h("span", {}, "Relieflog")),
    h("p", { class: "tagline" }, "A calm diary for pain and mood through treatment."),
    h("h1", { tabindex: "-1" }, registering ? "Create your account" : "Log in"),
    notice ? h("p", { class: "status-line done", role: "status" }, notice) : null,
    waiting && !registering ? h("p", { class: "hint" }, `${waiting === 1 ? "1 change is" : `${waiting} changes are`} saved on this phone and will sync once you log in.`) : null,
    form,
    registering
      ? h("p", { class: "switch" }, "Already have an account? ", h("a", { href: "/login" }, "Log in"))
      : [h("p", { class: "switch" }, "New here? ", h("a", { href: "/register" }, "Create account")),
        h("p", { class: "muted forgot" }, "Forgot your password? Ask the person who runs this Relieflog for a reset link.")]));
}
