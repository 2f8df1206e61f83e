// Settings: name and time zone, the medication list (a link), reminders, password, downloads, API tokens, the security
// log, log out, delete the account.

import { OfflineError, request } from "../api.js";
import { field, formError, passwordTooShort, screenHead, toast } from "../controls.js";
import { confirm, dialog, shownOnce } from "../dialogs.js";
import { formatDate, formatStamp } from "../dates.js";
import { h, stylesheet } from "../dom.js";
import { LANGUAGES, chosenLanguage, has, rememberLanguage, t } from "../i18n.js";
import * as outbox from "../outbox.js";
import { explain, showProblem } from "../problems.js";
import * as push from "../push.js";
import { checkinStyles, definitions } from "../questionnaires.js";
import { remindersCard } from "../reminders.js";
import { loggedOut, session, updateUser } from "../session.js";
import { securityCard } from "../two-step.js";
import { PASSWORD_MIN_LENGTH } from "../vocabulary.js";

// The security events the log can name in the patient's words: t(`settings.event.${event}`).
const EVENTS = new Set([
  "login_succeeded", "login_failed", "logged_out", "password_changed", "password_reset",
  "token_created", "token_revoked", "share_created", "share_revoked", "share_viewed", "exported",
  "clinic_connected", "clinic_notes_on", "clinic_notes_off", "clinic_disconnected",
  "clinic_viewed", "clinic_deleted", "clinic_code_changed", "clinic_provider_invited",
  "clinic_provider_joined", "clinic_provider_removed",
  "password_reset_requested", "mfa_enabled", "mfa_disabled", "mfa_reset", "recovery_code_used",
  "passkey_added", "passkey_removed", "imported",
]);
const eventText = (event) => (EVENTS.has(event) ? t(`settings.event.${event}`) : event);
const LOG_SHOWN = 10;
const needsConnection = () => t("settings.needs_connection");

function zones(current) {
  let list = [];
  try {
    list = Intl.supportedValuesOf("timeZone");
  } catch {
    list = [];
  }
  if (!list.includes("UTC")) list = ["UTC", ...list];
  if (current && !list.includes(current)) list = [current, ...list];
  return list;
}

function failed(error, target) {
  target.show(error instanceof OfflineError ? t("settings.offline") : explain(error));
}

// Its tokens, sign-in log and what is shown once are styled by css/sharing.css.
const styled = stylesheet("/css/sharing.css");

export async function render(container, ctx) {
  await styled;
  const user = ctx.user;

  // Profile
  const name = field(t("settings.display_name"), h("input", { type: "text", maxlength: "80", autocomplete: "nickname", value: user.display_name || "" }));
  const zone = field(t("settings.timezone"), h("select", {}, zones(user.timezone).map((z) => h("option", { value: z, selected: z === user.timezone }, z.replaceAll("_", " ")))),
    t("settings.timezone_help"));
  const profileError = formError();
  const profile = h("form", { class: "card", novalidate: true, "aria-labelledby": "profile-title" },
    h("h2", { id: "profile-title" }, t("settings.account")),
    h("p", { class: "muted" }, t("settings.logged_in_as", { email: user.email })),
    name, zone, profileError,
    h("button", { type: "submit", class: "btn btn-primary btn-block" }, t("settings.save")));
  profile.addEventListener("submit", async (event) => {
    event.preventDefault();
    profileError.show("");
    try {
      const { data } = await request("PATCH", "/me", { body: { display_name: name.control.value.trim(), timezone: zone.control.value } });
      await updateUser(data);
      toast(t("settings.saved"));
    } catch (error) {
      failed(error, profileError);
    }
  });

  // Password. The server ends every other login and revokes every API token when it
  // changes: the patient reads that before pressing the button.
  const tokens = apiTokens(user);
  const current = field(t("settings.current_password"), h("input", { type: "password", autocomplete: "current-password" }));
  const next = field(t("settings.new_password"), h("input", { type: "password", autocomplete: "new-password", minlength: String(PASSWORD_MIN_LENGTH) }),
    t("settings.new_password_help", { min: PASSWORD_MIN_LENGTH }));
  const passwordError = formError();
  const consequences = h("p", { class: "muted", id: "password-consequences" },
    t("settings.password_consequences"));
  const password = h("form", { class: "card", novalidate: true, "aria-labelledby": "password-title" },
    h("h2", { id: "password-title" }, t("settings.password")), current, next, passwordError, consequences,
    h("button", { type: "submit", class: "btn btn-block", "aria-describedby": consequences.id }, t("settings.change_password")));
  password.addEventListener("submit", async (event) => {
    event.preventDefault();
    passwordError.show("");
    current.showError("");
    next.showError("");
    if (passwordTooShort(next)) return;
    try {
      await request("POST", "/me/password", { body: { current_password: current.control.value, new_password: next.control.value } });
      current.control.value = "";
      next.control.value = "";
      toast(t("settings.password_changed"));
      tokens.reload(); // revoked by the change
    } catch (error) {
      if (error instanceof OfflineError) failed(error, passwordError);
      else showProblem({ current_password: current, new_password: next }, error, passwordError);
    }
  });

  // Downloads
  const downloads = h("section", { class: "card", "aria-labelledby": "data-title" },
    h("h2", { id: "data-title" }, t("settings.data")),
    h("p", { class: "muted" }, t("settings.data_help")),
    h("ul", { class: "link-list" }, downloadLinks(),
      h("li", {}, h("a", { href: "/api/v1/me/export", download: "relieflog-export.json" }, t("settings.download_all"))),
      h("li", {}, h("a", { href: "/imports" }, t("settings.import_history")))));

  // Log out
  const logout = h("button", { type: "button", class: "btn btn-block" }, t("settings.logout"));
  logout.addEventListener("click", async () => {
    const waiting = (await outbox.items()).length;
    if (waiting) {
      const ok = await confirm(t("settings.logout_confirm_title"),
        t("settings.logout_confirm", { count: waiting }),
        { confirmText: t("settings.logout_anyway"), cancelText: t("settings.cancel") });
      if (!ok) return;
    }
    // This phone stops getting reminders: the endpoint is deleted while the login still
    // counts (best effort; offline it is not in the way).
    await push.forget();
    try {
      await request("POST", "/auth/logout");
    } catch {
      // Offline: the cookie stays until it expires, but this phone forgets everything now.
    }
    await loggedOut();
    ctx.navigate("/login", { replace: true });
  });

  // Delete account
  const removeError = formError();
  const removePassword = field(t("settings.password"), h("input", { type: "password", autocomplete: "current-password" }), t("settings.delete_password_help"));
  const remove = h("form", { class: "card danger-zone", novalidate: true, "aria-labelledby": "delete-title" },
    h("h2", { id: "delete-title" }, t("settings.delete")),
    h("p", {}, t("settings.delete_help")),
    removePassword, removeError,
    h("button", { type: "submit", class: "btn btn-danger btn-block" }, t("settings.delete_submit")));
  remove.addEventListener("submit", async (event) => {
    event.preventDefault();
    removeError.show("");
    removePassword.showError("");
    if (!removePassword.control.value) {
      removePassword.showError(t("settings.delete_password_missing"));
      removePassword.control.focus();
      return;
    }
    const ok = await dialog(t("settings.delete_confirm_title"), (close) => h("div", {},
      h("p", {}, t("settings.delete_confirm")),
      h("div", { class: "actions" },
        h("button", { type: "button", class: "btn", onclick: () => close(false) }, t("settings.delete_keep")),
        h("button", { type: "button", class: "btn btn-danger-solid", onclick: () => close(true) }, t("settings.delete_everything")))));
    if (!ok) return;
    try {
      await request("DELETE", "/me", { body: { password: removePassword.control.value } });
    } catch (error) {
      if (error.fieldErrors && error.fieldErrors.password) showProblem({ password: removePassword }, error, removeError);
      else failed(error, removeError);
      return;
    }
    await push.dropHere();
    await loggedOut();
    await ctx.navigate("/login", { replace: true });
    toast(t("settings.deleted"));
  });

  // The medication list (its own screen): sessions pre-fill sedating medicines from it.
  const medications = h("section", { class: "card", "aria-labelledby": "medications-title" },
    h("h2", { id: "medications-title" }, t("settings.medications")),
    h("p", { class: "muted" }, t("settings.medications_help")),
    h("ul", { class: "link-list" }, h("li", {}, h("a", { href: "/medications" }, t("settings.medications_open")))));

  container.append(screenHead(t("settings.title")), profile, medications, remindersCard(user), checkinChoice(user), languageChoice(), password, securityCard(user), downloads, tokens, securityLog(user),
    h("section", { class: "card", "aria-labelledby": "session-title" }, h("h2", { id: "session-title" }, t("settings.device")),
      h("p", { class: "muted" }, t("settings.device_help")), logout),
    remove,
    h("p", { class: "muted" }, h("a", { href: "/api/docs" }, t("settings.api_docs")), " ", t("settings.api_docs_for")));
}

// A link for each download the server lists (GET /export: each record kind's CSV, then
// FHIR), so a kind declared later has its link without a change here. Its words are
// t(`settings.download.${kind}`), or the kind's name until the catalog has them. Offline the
// list says it needs a connection (the downloads do too).
function downloadLinks() {
  const pending = h("li", { class: "muted", "aria-live": "polite" }, t("app.loading"));
  const text = (kind) => (has(`settings.download.${kind}`) ? t(`settings.download.${kind}`) : kind);
  request("GET", "/export").then(({ data }) => {
    pending.replaceWith(...data.items.map(({ kind, href }) =>
      h("li", { "data-download": kind }, h("a", { href, download: "" }, text(kind)))));
  }).catch((e) => {
    pending.replaceChildren(e instanceof OfflineError ? needsConnection() : explain(e));
  });
  return pending;
}

// Check-ins: which questionnaires Today offers when they are due (PATCH /me). The list and
// each one's name are the server's; a change is saved at once and needs a connection.
function checkinChoice(user) {
  const body = h("div", { "aria-live": "polite" }, h("p", { class: "loading" }, t("app.loading")));
  const error = formError();
  Promise.all([definitions(), checkinStyles()]).then(([defs]) => {
    const grid = h("div", { class: "checks checkin-choices" }, defs.items.map((def) =>
      h("label", { class: "check single" },
        h("input", { type: "checkbox", value: def.id, checked: (user.questionnaires || []).includes(def.id) }),
        h("span", {}, h("span", { class: "title" }, def.title), " ", h("span", { class: "meta" }, def.name)))));
    const boxes = () => [...grid.querySelectorAll("input")];
    // One PATCH at a time, each sending the boxes as they are then: quick taps end in the
    // last state, never in an older answer arriving late.
    let saving = Promise.resolve();
    grid.addEventListener("change", () => {
      error.show("");
      saving = saving.then(async () => {
        const wanted = boxes().filter((box) => box.checked).map((box) => box.value);
        try {
          const { data } = await request("PATCH", "/me", { body: { questionnaires: wanted } });
          await updateUser(data);
          toast(t("settings.saved"));
        } catch (e) {
          // Not saved: show what the server still has.
          const kept = new Set(session.user.questionnaires || []);
          for (const box of boxes()) box.checked = kept.has(box.value);
          failed(e, error);
        }
      });
    });
    body.replaceChildren(h("fieldset", { class: "field plain" },
      h("legend", { class: "visually-hidden" }, t("settings.checkins")), grid), error);
  }).catch((e) => {
    body.replaceChildren(h("p", { class: "muted" }, e instanceof OfflineError ? needsConnection() : explain(e)));
  });
  return h("section", { class: "card", "aria-labelledby": "checkins-title" },
    h("h2", { id: "checkins-title" }, t("settings.checkins")),
    h("p", { class: "muted" }, t("settings.checkins_help")),
    body);
}

// Language: the browser's, or one chosen here and kept on this device; the page reloads in it.
function languageChoice() {
  const chosen = chosenLanguage();
  const current = chosen && LANGUAGES.includes(chosen) ? chosen : "";
  // Each language by its own name ("English", "Español"), from Intl: no catalog has to
  // name every other language, so a new language stays one catalog file.
  const ownName = (code) => {
    const name = new Intl.DisplayNames([code], { type: "language" }).of(code) || code;
    return name.charAt(0).toLocaleUpperCase(code) + name.slice(1);
  };
  const options = [["", t("settings.language_auto")], ...LANGUAGES.map((code) => [code, ownName(code)])];
  const select = h("select", { name: "language" }, options.map(([value, text]) =>
    h("option", { value, selected: value === current, lang: value || null }, text)));
  const choice = field(t("settings.language"), select, t("settings.language_help"));
  select.addEventListener("change", () => {
    rememberLanguage(select.value || null);
    location.reload();
  });
  return h("section", { class: "card", "aria-labelledby": "language-title" },
    h("h2", { id: "language-title" }, t("settings.language")), choice);
}

function apiTokens(user) {
  const label = field(t("settings.token_name"), h("input", { type: "text", maxlength: "80", autocomplete: "off", placeholder: t("settings.token_placeholder") }));
  const error = formError();
  const once = h("div", { class: "once-slot" });
  const list = h("div", { "aria-live": "polite" }, h("p", { class: "loading" }, t("app.loading")));
  const form = h("form", { novalidate: true }, label, error,
    h("button", { type: "submit", class: "btn btn-block" }, t("settings.token_create")));

  async function load() {
    try {
      const { data } = await request("GET", "/tokens");
      list.replaceChildren(data.items.length
        ? h("ul", { class: "token-list", "aria-label": t("settings.tokens_list") }, data.items.map((token) => {
          const revoke = h("button", { type: "button", class: "btn btn-small btn-danger" }, t("settings.revoke"));
          revoke.setAttribute("aria-label", t("settings.revoke_named", { label: token.label }));
          revoke.addEventListener("click", async () => {
            if (!await confirm(t("settings.revoke_title"), t("settings.revoke_confirm", { label: token.label }),
              { confirmText: t("settings.revoke_token"), cancelText: t("settings.cancel") })) return;
            try {
              await request("DELETE", `/tokens/${token.id}`);
              toast(t("settings.token_revoked"));
            } catch (e) {
              toast(e instanceof OfflineError ? needsConnection() : explain(e));
            }
            load();
          });
          return h("li", { "data-token-id": token.id },
            h("div", {}, h("span", { class: "title" }, token.label),
              h("span", { class: "meta" }, token.last_used_at
                ? t("settings.token_used", { created: formatDate(token.created_at, user.timezone),
                  used: formatStamp(token.last_used_at, user.timezone) })
                : t("settings.token_unused", { created: formatDate(token.created_at, user.timezone) }))),
            revoke);
        }))
        : h("p", { class: "muted token-empty" }, t("settings.tokens_none")));
    } catch (e) {
      list.replaceChildren(h("p", { class: "muted" }, e instanceof OfflineError ? needsConnection() : explain(e)));
    }
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.show("");
    label.showError("");
    const text = label.control.value.trim();
    if (!text) {
      label.showError(t("settings.token_name_missing"));
      label.control.focus();
      return;
    }
    try {
      const { data } = await request("POST", "/tokens", { body: { label: text } });
      label.control.value = "";
      const panel = shownOnce({
        title: t("settings.token_for", { label: data.label }), what: t("settings.token"), value: data.token,
        copy: t("settings.once.copy"), copied: t("settings.once.copied"), warning: t("settings.once.warning"),
      });
      once.replaceChildren(panel);
      panel.focusHeading();
      load();
    } catch (e) {
      if (e instanceof OfflineError) error.show(needsConnection());
      else showProblem({ label }, e, error);
    }
  });
  load();
  const section = h("section", { class: "card", "aria-labelledby": "tokens-title" },
    h("h2", { id: "tokens-title" }, t("settings.tokens")),
    h("p", { class: "muted" }, t("settings.tokens_help")),
    once, form, list);
  // After a password change: the server revoked every token, the one just shown too.
  section.reload = () => {
    once.replaceChildren();
    load();
  };
  return section;
}

function securityLog(user) {
  const body = h("div", { "aria-live": "polite" }, h("p", { class: "loading" }, t("app.loading")));
  const line = (item) => h("li", {},
    h("span", { class: "event" }, eventText(item.event)),
    item.detail ? [" — ", item.detail] : null,
    " — ", h("time", { datetime: item.created_at }, formatStamp(item.created_at, user.timezone)));
  // A page at a time: "Show older" follows the server's cursor (next_before), so a flood
  // of one kind of event never hides the log-ins behind it.
  const list = h("ol", { class: "log-list", "aria-label": t("settings.log_list") });
  const older = h("button", { type: "button", class: "btn btn-small" }, t("settings.log_older"));
  let before = null;
  async function more() {
    const { data } = await request("GET", `/me/audit?limit=${LOG_SHOWN}${before ? `&before=${before}` : ""}`);
    const lines = data.items.map(line);
    list.append(...lines);
    before = data.next_before;
    if (!before) older.remove();
    return lines;
  }
  older.addEventListener("click", () => more().then((lines) => {
    if (!lines.length) return;
    lines[0].setAttribute("tabindex", "-1");
    lines[0].focus();
  }).catch((e) => toast(e instanceof OfflineError ? needsConnection() : explain(e))));
  more().then(() => {
    body.replaceChildren(list.children.length ? list : h("p", { class: "muted" }, t("settings.log_empty")), before ? older : "");
  }).catch((e) => {
    body.replaceChildren(h("p", { class: "muted" }, e instanceof OfflineError ? needsConnection() : explain(e)));
  });
  return h("section", { class: "card", "aria-labelledby": "audit-title" },
    h("h2", { id: "audit-title" }, t("settings.log")),
    h("p", { class: "muted" }, t("settings.log_help")),
    body);
}
