// The provider's report for one of a clinic's connected patients (/clinic/patients/<id>):
// share.js draws it from the clinic's API and loads this module for what differs from a
// share link's report: its words (catalog scope "clinic", fetched only here), the way back
// to the panel, and the page shown when the provider's access ended: the patient
// disconnected (404), the login ended (401) or the account is no longer the clinic's (403).

import { ApiError } from "./api.js";
import { h } from "./dom.js";
import { extend, t } from "./i18n.js";

const WHY = { 401: "logged_out", 403: "no_access", 404: "disconnected" };

export async function start() {
  await extend("clinic");
  document.querySelector(".report-tag").textContent = t("share.clinic.tag");
  document.querySelector(".report-footer p").textContent = t("share.clinic.footer");
}

export const sub = () => t("share.clinic.sub");
export const printFooter = (printed) => t("share.clinic.print_footer", { printed });
export const back = () => h("p", { class: "back no-print" }, h("a", { href: "/clinic" }, t("share.clinic.back")));

// `page(title, ...body)` (share.js) with why the report is gone and the way on; false when
// `error` is not the end of this provider's access.
export function refused(error, page) {
  const why = error instanceof ApiError && WHY[error.status];
  if (!why) return false;
  const next = error.status === 401
    ? h("a", { class: "btn btn-primary", href: "/login" }, t("share.clinic.log_in"))
    : h("a", { class: "btn btn-primary", href: "/clinic" }, t("share.clinic.back"));
  page(t(`share.clinic.${why}.title`), h("p", {}, t(`share.clinic.${why}.text`)), h("p", {}, next));
  return true;
}
