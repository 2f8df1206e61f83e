// Log-in's second step, for an account with two-step login (POST /auth/login answered
// mfa_required): a 6-digit code of the authenticator app, one of the recovery codes (a lost
// phone) or a passkey. Loaded, with its words, only when an account needs it.

import { OfflineError, request } from "./api.js";
import { field, formError, toast } from "./controls.js";
import { h, icons } from "./dom.js";
import { extend, t } from "./i18n.js";
import { loggedIn } from "./session.js";

async function showProblem(fields, e, error) {
  const problems = await import("./problems.js");
  problems.showProblem(fields, e, error);
}

// The second step: a 6-digit code, or (a lost phone) one of the recovery codes.
// `then`: what follows a passed second step instead of Today (an invitation's acceptance).
export async function secondStep(container, ctx, { mfa_token: mfaToken, methods }, { then } = {}) {
  await extend("secondstep");
  let recovery = false;
  const code = field(t("secondstep.code"), h("input", { type: "text", name: "code", inputmode: "numeric",
    autocomplete: "one-time-code", maxlength: "6", pattern: "[0-9]*", required: true, autocapitalize: "none", spellcheck: "false" }),
  t("secondstep.code_help"));
  const error = formError();
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-block" }, t("secondstep.submit"));
  const toggle = h("button", { type: "button", class: "btn btn-link" }, t("secondstep.use_recovery"));
  const form = h("form", { novalidate: true }, error, code, submit);
  const heading = h("h1", { tabindex: "-1" }, t("secondstep.title"));
  toggle.addEventListener("click", () => {
    recovery = !recovery;
    code.control.value = "";
    code.showError("");
    code.querySelector("label").textContent = recovery ? t("secondstep.recovery") : t("secondstep.code");
    code.querySelector(".help").textContent = recovery ? t("secondstep.recovery_help") : t("secondstep.code_help");
    Object.assign(code.control, recovery ? { inputMode: "text", maxLength: 14, autocomplete: "off" }
      : { inputMode: "numeric", maxLength: 6, autocomplete: "one-time-code" });
    toggle.textContent = recovery ? t("secondstep.use_code") : t("secondstep.use_recovery");
    code.control.focus();
  });

  const done = async (data, codesLeft) => {
    await loggedIn(data);
    if (codesLeft) toast(t("secondstep.codes_left", { count: data.mfa.recovery_codes_left }));
    if (then) await then();
    else ctx.navigate("/today", { replace: true });
  };
  const expired = (e) => e.status === 401 && e.problem && e.problem.errors && e.problem.errors.mfa_token;

  // A passkey (this phone's fingerprint or face, a security key), where the account has one.
  const usePasskey = methods.includes("passkey") && typeof window.PublicKeyCredential === "function"
    ? h("button", { type: "button", class: "btn btn-block" }, t("secondstep.use_passkey")) : null;
  if (usePasskey) usePasskey.addEventListener("click", async () => {
    error.show("");
    usePasskey.disabled = true;
    try {
      const { data: options } = await request("POST", "/auth/login/mfa/options", { body: { mfa_token: mfaToken } });
      let answer;
      try {
        const passkeys = await import("./passkeys.js");
        answer = await passkeys.get(options.publicKey);
      } catch {
        error.show(t("secondstep.passkey_cancelled"));
        return;
      }
      const { data } = await request("POST", "/auth/login/mfa", { body: { mfa_token: mfaToken, passkey: answer } });
      await done(data, false);
    } catch (e) {
      if (e instanceof OfflineError) error.show(t("errors.offline"));
      else if (expired(e)) ctx.navigate("/login", { replace: true, notice: t("secondstep.expired") });
      else if (e.status === 401) error.show(t("secondstep.passkey_refused"));
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
      code.showError(t(recovery ? "secondstep.recovery_missing" : "secondstep.code_missing"));
      code.control.focus();
      return;
    }
    submit.disabled = true;
    try {
      const body = recovery ? { mfa_token: mfaToken, recovery_code: value } : { mfa_token: mfaToken, code: value };
      const { data } = await request("POST", "/auth/login/mfa", { body });
      await done(data, recovery);
    } catch (e) {
      if (e instanceof OfflineError) error.show(t("errors.offline"));
      else if (expired(e)) ctx.navigate("/login", { replace: true, notice: t("secondstep.expired") });
      else if (e.status === 401) {
        code.showError(t(recovery ? "secondstep.recovery_wrong" : "secondstep.code_wrong"));
        code.control.select();
      } else await showProblem({ code, recovery_code: code }, e, error);
    } finally {
      submit.disabled = false;
    }
  });

  container.replaceChildren(h("div", { class: "auth" },
    h("div", { class: "brand-big" }, icons.brand(), h("span", {}, t("app.name"))),
    heading,
    h("p", { class: "tagline" }, t("secondstep.intro")),
    form,
    usePasskey ? h("p", { class: "switch" }, t("secondstep.or")) : null,
    usePasskey,
    h("p", { class: "switch" }, toggle)));
  heading.focus();
  code.control.focus();
}
