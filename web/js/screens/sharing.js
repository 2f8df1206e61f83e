// Share: read-only links for a provider. Create one (shown once, with Copy and a QR code),
// see every link with its views, open its access log, revoke it. Links live only on the
// server: this screen needs a connection and never queues anything in the outbox.

import { OfflineError, request } from "../api.js";
import { field, formError, screenHead, toast } from "../controls.js";
import { confirm, shownOnce } from "../dialogs.js";
import { formatDate, formatDay, formatStamp } from "../dates.js";
import { h, nextId, stylesheet } from "../dom.js";
import { formatNumber, has, t } from "../i18n.js";
import { explain, showProblem } from "../problems.js";
import { clinicSection } from "../clinic-connect.js";

// A link's status: its words are t(`sharing.status.${status}`).
const STATUS = { active: "pill-ok", expired: "pill-muted", revoked: "pill-warn" };

// What a provider opened, by the API's name ("page", "trends", "fhir", "<kind>.csv" for each
// record kind): t(`sharing.view.${kind}`), or the name itself while the catalog has no words
// for it (a kind declared later).
const viewText = (kind) => (has(`sharing.view.${kind}`) ? t(`sharing.view.${kind}`) : kind);

const offlineText = () => t("sharing.offline");

const shortDay = (day) => formatDay(day, { day: "numeric", month: "short", year: "numeric" });

function rangeText(share) {
  if (share.from && share.to) return t("sharing.range.between", { from: shortDay(share.from), to: shortDay(share.to) });
  if (share.from) return t("sharing.range.from", { from: shortDay(share.from) });
  if (share.to) return t("sharing.range.to", { to: shortDay(share.to) });
  return t("sharing.range.all");
}

async function qrImage(url) {
  const { default: qrcode } = await import("../../vendor/qrcode-generator/qrcode.esm.js");
  const qr = qrcode(0, "M");
  qr.addData(url);
  qr.make();
  return h("img", { class: "qr", src: qr.createDataURL(5, 20), alt: t("sharing.qr_alt") });
}

function createForm(onCreated) {
  const label = field(t("sharing.label"), h("input", { type: "text", maxlength: "80", autocomplete: "off", placeholder: t("sharing.label_placeholder") }),
    t("sharing.label_help"));
  const days = field(t("sharing.days"), h("input", { type: "number", min: "1", max: "365", step: "1", inputmode: "numeric", value: "30" }),
    t("sharing.days_help"));
  const from = field(t("sharing.from"), h("input", { type: "date" }));
  const to = field(t("sharing.to"), h("input", { type: "date" }));
  const warningId = nextId("notes-warning");
  const notes = h("input", { type: "checkbox", "aria-describedby": warningId });
  const insightsHelpId = nextId("insights-help");
  const insights = h("input", { type: "checkbox", "aria-describedby": insightsHelpId });
  const error = formError();
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-block" }, t("sharing.create"));
  const form = h("form", { class: "card", novalidate: true, "aria-labelledby": "new-share-title" },
    h("h2", { id: "new-share-title" }, t("sharing.new")),
    label, days,
    h("fieldset", { class: "field plain" }, h("legend", { class: "label" }, t("sharing.range_legend")),
      h("p", { class: "help" }, t("sharing.range_help")),
      h("div", { class: "row-2" }, from, to)),
    h("label", { class: "check single" }, notes, t("sharing.notes")),
    h("p", { class: "notes-warning", id: warningId },
      t("sharing.notes_warning")),
    h("label", { class: "check single" }, insights, t("sharing.insights")),
    h("p", { class: "help", id: insightsHelpId }, t("sharing.insights_help")),
    error, submit);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    for (const f of [label, days, from, to]) f.showError("");
    error.show("");
    const text = label.control.value.trim();
    const n = Number(days.control.value);
    if (!text) {
      label.showError(t("sharing.label_missing"));
      label.control.focus();
      return;
    }
    if (!Number.isInteger(n) || n < 1 || n > 365) {
      days.showError(t("sharing.days_invalid"));
      days.control.focus();
      return;
    }
    if (from.control.value && to.control.value && from.control.value > to.control.value) {
      to.showError(t("sharing.range_invalid"));
      to.control.focus();
      return;
    }
    if (!navigator.onLine) {
      error.show(t("sharing.offline_not_created"));
      return;
    }
    submit.disabled = true;
    try {
      const { data } = await request("POST", "/shares", { body: {
        label: text, expires_in_days: n, from: from.control.value || null, to: to.control.value || null,
        include_notes: notes.checked, include_insights: insights.checked,
      } });
      form.reset();
      days.control.value = "30";
      await onCreated(data);
    } catch (e) {
      if (e instanceof OfflineError) error.show(t("sharing.offline_not_created"));
      else showProblem({ label, expires_in_days: days, from, to }, e, error);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

function accessLog(share, timeZone) {
  const list = h("div", { class: "access-log", "aria-live": "polite" }, h("p", { class: "loading" }, t("app.loading")));
  request("GET", `/shares/${share.id}/views`).then(({ data }) => {
    list.replaceChildren(data.items.length
      ? h("ol", { class: "log-list", "aria-label": t("sharing.log_of", { label: share.label }) }, data.items.map((v) => h("li", {},
        h("time", { datetime: v.viewed_at }, formatStamp(v.viewed_at, timeZone)), " — ", (v.opened || [v.kind]).map(viewText).join(", "), " — ", v.browser)))
      : h("p", { class: "muted" }, t("sharing.log_empty")));
  }).catch((e) => {
    list.replaceChildren(h("p", { class: "form-error", role: "alert" }, e instanceof OfflineError ? offlineText() : explain(e)));
  });
  return list;
}

function shareItem(share, timeZone, reload) {
  const statusText = STATUS[share.status] ? t(`sharing.status.${share.status}`) : share.status;
  const statusClass = STATUS[share.status] || "pill-muted";
  const titleId = nextId("share");
  const fact = (term, value) => [h("dt", {}, term), h("dd", {}, value)];
  const logButton = h("button", { type: "button", class: "btn btn-small", "aria-expanded": "false", "aria-describedby": titleId }, t("sharing.log"));
  const logBox = h("div", { class: "log-box", hidden: true });
  logButton.addEventListener("click", () => {
    const open = logButton.getAttribute("aria-expanded") !== "true";
    logButton.setAttribute("aria-expanded", String(open));
    logBox.hidden = !open;
    if (open) logBox.replaceChildren(accessLog(share, timeZone));
  });
  let revoke = null;
  if (share.status === "active") {
    revoke = h("button", { type: "button", class: "btn btn-small btn-danger", "aria-describedby": titleId }, t("sharing.revoke"));
    revoke.addEventListener("click", async () => {
      const ok = await confirm(t("sharing.revoke_title"), t("sharing.revoke_confirm", { label: share.label }),
        { confirmText: t("sharing.revoke_link"), cancelText: t("sharing.cancel") });
      if (!ok) return;
      try {
        await request("DELETE", `/shares/${share.id}`);
        toast(t("sharing.revoked"));
      } catch (e) {
        toast(e instanceof OfflineError ? t("sharing.offline_not_revoked") : explain(e));
        return;
      }
      await reload();
    });
  }
  const ends = share.status === "revoked"
    ? fact(t("sharing.fact.revoked"), formatDate(share.revoked_at, timeZone))
    : fact(share.status === "expired" ? t("sharing.fact.expired") : t("sharing.fact.expires"), formatDate(share.expires_at, timeZone));
  return h("li", { class: `card share-item status-${share.status}`, "data-share-id": share.id },
    h("div", { class: "share-head" }, h("h3", { id: titleId }, share.label), h("span", { class: `pill ${statusClass}` }, statusText)),
    h("dl", { class: "facts" },
      fact(t("sharing.fact.created"), formatDate(share.created_at, timeZone)),
      ends,
      fact(t("sharing.fact.range"), rangeText(share)),
      fact(t("sharing.fact.notes"), share.include_notes ? t("sharing.notes_included") : t("sharing.notes_excluded")),
      fact(t("sharing.fact.insights"), share.include_insights ? t("sharing.notes_included") : t("sharing.notes_excluded")),
      fact(t("sharing.fact.views"), formatNumber(share.view_count)),
      fact(t("sharing.fact.last_viewed"), share.last_viewed_at ? formatStamp(share.last_viewed_at, timeZone) : t("sharing.not_opened"))),
    h("div", { class: "actions compact" }, logButton, revoke),
    logBox);
}

const styled = stylesheet("/css/sharing.css");

export async function render(container, ctx) {
  await styled;
  const timeZone = ctx.user.timezone;
  const offline = h("p", { class: "status-line waiting", role: "status", hidden: navigator.onLine }, offlineText());
  const once = h("div", { class: "once-slot" });
  const list = h("div", { class: "share-list", "aria-live": "polite" }, h("p", { class: "loading" }, t("app.loading")));
  const clinics = clinicSection(timeZone, viewText);

  async function load() {
    try {
      const { data } = await request("GET", "/shares");
      if (!ctx.isCurrent()) return;
      list.replaceChildren(data.items.length
        ? h("ul", { class: "list shares" }, data.items.map((s) => shareItem(s, timeZone, load)))
        : h("p", { class: "empty" }, t("sharing.empty")));
    } catch (e) {
      list.replaceChildren(h("p", { class: "empty" }, e instanceof OfflineError ? offlineText() : t("sharing.load_failed", { reason: explain(e) })));
    }
  }

  async function created(share) {
    let qr = null;
    try {
      qr = h("figure", { class: "qr-figure" }, await qrImage(share.url),
        h("figcaption", { class: "muted" }, t("sharing.qr_caption")));
    } catch (e) {
      console.warn("QR code", e);
    }
    const panel = shownOnce({
      title: t("sharing.link_for", { label: share.label }), what: t("sharing.link"), value: share.url, extra: qr,
      copy: t("sharing.once.copy"), copied: t("sharing.once.copied"), warning: t("sharing.once.warning"),
    });
    once.replaceChildren(panel);
    panel.focusHeading();
    panel.scrollIntoView({ block: "start" });
    await load();
  }

  const showOnline = () => {
    offline.hidden = navigator.onLine;
    if (navigator.onLine) {
      load();
      clinics.load();
    }
  };
  window.addEventListener("online", showOnline);
  window.addEventListener("offline", showOnline);

  container.append(
    screenHead(t("sharing.title"), t("sharing.intro")),
    offline, once, createForm(created),
    h("h2", {}, t("sharing.list")), list,
    h("p", { class: "muted" }, t("sharing.fingerprint")),
    clinics);
  await Promise.all([load(), clinics.load()]);
  return () => {
    window.removeEventListener("online", showOnline);
    window.removeEventListener("offline", showOnline);
  };
}
