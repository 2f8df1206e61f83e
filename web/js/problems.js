// The API's errors in the patient's language. Problem details from the server stay English;
// for each error the PWA can explain, keyed by status and field, it shows its own message
// from the catalog ("errors.…"). Anything else keeps the server's words.

import { OfflineError } from "./api.js";
import { showFieldErrors } from "./controls.js";
import { lang, t } from "./i18n.js";

// "status field" (field "" for the whole request) → catalog key.
const KNOWN = {
  "401 ": "errors.logged_out", // the Log in screen says errors.login_failed itself
  "403 current_password": "errors.current_password_wrong",
  "403 password": "errors.password_wrong",
  "409 email": "errors.email_taken",
  "422 password": "errors.password_weak",
  "422 new_password": "errors.password_weak",
  "429 ": "errors.too_many",
  "500 ": "errors.server",
};

// In English the server's own message for a refused password is shown as is: zxcvbn's
// advice is more precise than the generic sentence the other languages get.
const SERVER_WORDS_IN_ENGLISH = new Set(["errors.password_weak"]);

function message(status, field, serverText) {
  const key = KNOWN[`${status} ${field}`];
  if (!key || (SERVER_WORDS_IN_ENGLISH.has(key) && lang() === "en")) return serverText;
  return t(key);
}

// One sentence for `error` (an ApiError, an OfflineError or anything thrown).
export function explain(error) {
  if (error instanceof OfflineError) return t("errors.offline");
  if (!error || error.status === undefined) return (error && error.message) || t("errors.server");
  return message(error.status, "", error.message);
}

// controls.showFieldErrors with the messages translated: each field's under the field,
// else one for the whole form in `fallback`.
export function showProblem(fields, error, fallback) {
  if (error instanceof OfflineError || !error || error.status === undefined) {
    if (fallback) fallback.show(explain(error));
    return;
  }
  const fieldErrors = {};
  for (const [name, messages] of Object.entries(error.fieldErrors || {})) {
    fieldErrors[name] = [message(error.status, name, messages.join(" "))];
  }
  showFieldErrors(fields, { fieldErrors, message: explain(error) }, fallback);
}
