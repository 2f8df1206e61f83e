// Settings: name and time zone, password, downloads, API tokens, the security log, log
// out, delete the account.

import { OfflineError, request } from "../api.js";
import {
  confirm, dialog, field, formError, passwordTooShort, screenHead, showFieldErrors, shownOnce, toast,
} from "../controls.js";
import { formatDate, formatStamp } from "../dates.js";
import { h } from "../dom.js";
import * as outbox from "../outbox.js";
import { loggedOut, updateUser } from "../session.js";
import { PASSWORD_MIN_LENGTH } from "../vocabulary.js";

// What each security event means, in the patient's words.
const EVENTS = {
  login_succeeded: "Logged in",
  login_failed: "Failed log-in attempt",
  logged_out: "Logged out",
  password_changed: "Password changed",
  password_reset: "Password reset with a link",
  token_created: "API token created",
  token_revoked: "API token revoked",
  share_created: "Share link created",
  share_revoked: "Share link revoked",
  share_viewed: "Share link opened",
  exported: "Data downloaded",
};
const LOG_SHOWN = 10;
const NEEDS_CONNECTION = "You are offline; this needs a connection.";

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
  target.show(error instanceof OfflineError ? "You are offline. Try again when you have a connection." : error.message);
}

export async function render(container, ctx) {
  const user = ctx.user;

  // Profile
  const name = field("Display name", h("input", { type: "text", maxlength: "80", autocomplete: "nickname", value: user.display_name || "" }));
  const zone = field("Time zone", h("select", {}, zones(user.timezone).map((z) => h("option", { value: z, selected: z === user.timezone }, z.replaceAll("_", " ")))),
    "Your days start and end at midnight in this time zone.");
  const profileError = formError();
  const profile = h("form", { class: "card", novalidate: true, "aria-labelledby": "profile-title" },
    h("h2", { id: "profile-title" }, "Your account"),
    h("p", { class: "muted" }, `Logged in as ${user.email}`),
    name, zone, profileError,
    h("button", { type: "submit", class: "btn btn-primary btn-block" }, "Save changes"));
  profile.addEventListener("submit", async (event) => {
    event.preventDefault();
    profileError.show("");
    try {
      const { data } = await request("PATCH", "/me", { body: { display_name: name.control.value.trim(), timezone: zone.control.value } });
      await updateUser(data);
      toast("Saved");
    } catch (error) {
      failed(error, profileError);
    }
  });

  // Password. The server ends every other login and revokes every API token when it
  // changes: the patient reads that before pressing the button.
  const tokens = apiTokens(user);
  const current = field("Current password", h("input", { type: "password", autocomplete: "current-password" }));
  const next = field("New password", h("input", { type: "password", autocomplete: "new-password", minlength: String(PASSWORD_MIN_LENGTH) }),
    `At least ${PASSWORD_MIN_LENGTH} characters.`);
  const passwordError = formError();
  const consequences = h("p", { class: "muted", id: "password-consequences" },
    "Other devices will be logged out and your API tokens will stop working.");
  const password = h("form", { class: "card", novalidate: true, "aria-labelledby": "password-title" },
    h("h2", { id: "password-title" }, "Password"), current, next, passwordError, consequences,
    h("button", { type: "submit", class: "btn btn-block", "aria-describedby": consequences.id }, "Change password"));
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
      toast("Password changed");
      tokens.reload(); // revoked by the change
    } catch (error) {
      if (error instanceof OfflineError) failed(error, passwordError);
      else showFieldErrors({ current_password: current, new_password: next }, error, passwordError);
    }
  });

  // Downloads
  const downloads = h("section", { class: "card", "aria-labelledby": "data-title" },
    h("h2", { id: "data-title" }, "Your data"),
    h("p", { class: "muted" }, "Spreadsheet files (CSV) open in Excel, Numbers or Google Sheets."),
    h("ul", { class: "link-list" },
      h("li", {}, h("a", { href: "/api/v1/export/entries.csv", download: "" }, "Download daily entries (CSV)")),
      h("li", {}, h("a", { href: "/api/v1/export/treatments.csv", download: "" }, "Download treatment sessions (CSV)")),
      h("li", {}, h("a", { href: "/api/v1/export/fhir", download: "" }, "Download FHIR (for health record systems)")),
      h("li", {}, h("a", { href: "/api/v1/me/export", download: "relieflog-export.json" }, "Download all my data (JSON)"))));

  // Log out
  const logout = h("button", { type: "button", class: "btn btn-block" }, "Log out");
  logout.addEventListener("click", async () => {
    const waiting = (await outbox.items()).length;
    if (waiting) {
      const ok = await confirm("Log out now?",
        `${waiting === 1 ? "1 change has" : `${waiting} changes have`} not reached the server yet. Logging out removes ${waiting === 1 ? "it" : "them"} from this phone.`,
        { confirmText: "Log out anyway" });
      if (!ok) return;
    }
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
  const removePassword = field("Password", h("input", { type: "password", autocomplete: "current-password" }), "Needed to confirm it is you.");
  const remove = h("form", { class: "card danger-zone", novalidate: true, "aria-labelledby": "delete-title" },
    h("h2", { id: "delete-title" }, "Delete account"),
    h("p", {}, "This deletes your account and every entry, treatment session and share link on the server, immediately and for good. Download your data first if you want to keep it."),
    removePassword, removeError,
    h("button", { type: "submit", class: "btn btn-danger btn-block" }, "Delete my account"));
  remove.addEventListener("submit", async (event) => {
    event.preventDefault();
    removeError.show("");
    removePassword.showError("");
    if (!removePassword.control.value) {
      removePassword.showError("Enter your password to confirm.");
      removePassword.control.focus();
      return;
    }
    const ok = await dialog("Delete everything?", (close) => h("div", {},
      h("p", {}, "Your account and all your data will be deleted. This cannot be undone."),
      h("div", { class: "actions" },
        h("button", { type: "button", class: "btn", onclick: () => close(false) }, "Keep my account"),
        h("button", { type: "button", class: "btn btn-danger-solid", onclick: () => close(true) }, "Delete everything"))));
    if (!ok) return;
    try {
      await request("DELETE", "/me", { body: { password: removePassword.control.value } });
    } catch (error) {
      if (error.fieldErrors && error.fieldErrors.password) removePassword.showError(error.fieldErrors.password.join(" "));
      else failed(error, removeError);
      return;
    }
    await loggedOut();
    await ctx.navigate("/login", { replace: true });
    toast("Your account and its data were deleted");
  });

  container.append(screenHead("Settings"), profile, password, downloads, tokens, securityLog(user),
    h("section", { class: "card", "aria-labelledby": "session-title" }, h("h2", { id: "session-title" }, "This device"),
      h("p", { class: "muted" }, "Logging out removes your diary from this phone's storage."), logout),
    remove,
    h("p", { class: "muted" }, h("a", { href: "/api/docs" }, "API documentation"), " for scripts and integrations."));
}

function apiTokens(user) {
  const label = field("Token name", h("input", { type: "text", maxlength: "80", autocomplete: "off", placeholder: "Backup script" }));
  const error = formError();
  const once = h("div", { class: "once-slot" });
  const list = h("div", { "aria-live": "polite" }, h("p", { class: "loading" }, "Loading…"));
  const form = h("form", { novalidate: true }, label, error,
    h("button", { type: "submit", class: "btn btn-block" }, "Create token"));

  async function load() {
    try {
      const { data } = await request("GET", "/tokens");
      list.replaceChildren(data.items.length
        ? h("ul", { class: "token-list", "aria-label": "Your API tokens" }, data.items.map((t) => {
          const revoke = h("button", { type: "button", class: "btn btn-small btn-danger" }, "Revoke");
          revoke.setAttribute("aria-label", `Revoke ${t.label}`);
          revoke.addEventListener("click", async () => {
            if (!await confirm("Revoke this token?", `Scripts using “${t.label}” stop working at once.`, { confirmText: "Revoke token" })) return;
            try {
              await request("DELETE", `/tokens/${t.id}`);
              toast("Token revoked");
            } catch (e) {
              toast(e instanceof OfflineError ? NEEDS_CONNECTION : e.message);
            }
            load();
          });
          return h("li", { "data-token-id": t.id },
            h("div", {}, h("span", { class: "title" }, t.label),
              h("span", { class: "meta" }, `Created ${formatDate(t.created_at, user.timezone)} · `
                + (t.last_used_at ? `last used ${formatStamp(t.last_used_at, user.timezone)}` : "never used"))),
            revoke);
        }))
        : h("p", { class: "muted token-empty" }, "No tokens."));
    } catch (e) {
      list.replaceChildren(h("p", { class: "muted" }, e instanceof OfflineError ? NEEDS_CONNECTION : e.message));
    }
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.show("");
    label.showError("");
    const text = label.control.value.trim();
    if (!text) {
      label.showError("Name the token after the script that will use it.");
      label.control.focus();
      return;
    }
    try {
      const { data } = await request("POST", "/tokens", { body: { label: text } });
      label.control.value = "";
      const panel = shownOnce({ title: `Token for ${data.label}`, what: "Token", value: data.token });
      once.replaceChildren(panel);
      panel.focusHeading();
      load();
    } catch (e) {
      if (e instanceof OfflineError) error.show(NEEDS_CONNECTION);
      else showFieldErrors({ label }, e, error);
    }
  });
  load();
  const section = h("section", { class: "card", "aria-labelledby": "tokens-title" },
    h("h2", { id: "tokens-title" }, "API tokens"),
    h("p", { class: "muted" }, "For your own scripts and integrations (see the API documentation below). A token can read and change your diary: keep it secret, revoke it when you stop using it."),
    once, form, list);
  // After a password change: the server revoked every token, the one just shown too.
  section.reload = () => {
    once.replaceChildren();
    load();
  };
  return section;
}

function securityLog(user) {
  const body = h("div", { "aria-live": "polite" }, h("p", { class: "loading" }, "Loading…"));
  const line = (item) => h("li", {},
    h("span", { class: "event" }, EVENTS[item.event] || item.event),
    item.detail ? [" — ", item.detail] : null,
    " — ", h("time", { datetime: item.created_at }, formatStamp(item.created_at, user.timezone)));
  // A page at a time: "Show older" follows the server's cursor (next_before), so a flood
  // of one kind of event never hides the log-ins behind it.
  const list = h("ol", { class: "log-list", "aria-label": "Security events, newest first" });
  const older = h("button", { type: "button", class: "btn btn-small" }, "Show older");
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
  }).catch((e) => toast(e instanceof OfflineError ? NEEDS_CONNECTION : e.message)));
  more().then(() => {
    body.replaceChildren(list.children.length ? list : h("p", { class: "muted" }, "Nothing yet."), before ? older : "");
  }).catch((e) => {
    body.replaceChildren(h("p", { class: "muted" }, e instanceof OfflineError ? NEEDS_CONNECTION : e.message));
  });
  return h("section", { class: "card", "aria-labelledby": "audit-title" },
    h("h2", { id: "audit-title" }, "Security log"),
    h("p", { class: "muted" }, "Log-ins, password changes, tokens, share links and downloads on your account, newest first. Something you do not recognise? Change your password."),
    body);
}
