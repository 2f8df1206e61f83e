// Share: read-only links for a provider. Create one (shown once, with Copy and a QR code),
// see every link with its views, open its access log, revoke it. Links live only on the
// server: this screen needs a connection and never queues anything in the outbox.

import { OfflineError, request } from "../api.js";
import { confirm, field, formError, screenHead, showFieldErrors, shownOnce, toast } from "../controls.js";
import { formatDate, formatDay, formatStamp } from "../dates.js";
import { h, nextId } from "../dom.js";

const STATUS = {
  active: ["Active", "pill-ok"],
  expired: ["Expired", "pill-muted"],
  revoked: ["Revoked", "pill-warn"],
};

export const VIEW_KINDS = {
  page: "Opened the link",
  trends: "Viewed the report",
  "entries.csv": "Downloaded daily entries (CSV)",
  "treatments.csv": "Downloaded sessions (CSV)",
  fhir: "Downloaded FHIR",
};

const OFFLINE = "You are offline. Creating, showing or revoking links needs a connection.";

const shortDay = (day) => formatDay(day, { day: "numeric", month: "short", year: "numeric" });

function rangeText(share) {
  if (share.from && share.to) return `${shortDay(share.from)} – ${shortDay(share.to)}`;
  if (share.from) return `From ${shortDay(share.from)}`;
  if (share.to) return `Up to ${shortDay(share.to)}`;
  return "Everything";
}

async function qrImage(url) {
  const { default: qrcode } = await import("../../vendor/qrcode-generator/qrcode.esm.js");
  const qr = qrcode(0, "M");
  qr.addData(url);
  qr.make();
  return h("img", { class: "qr", src: qr.createDataURL(5, 20), alt: "QR code of the link" });
}

function createForm(onCreated) {
  const label = field("Label", h("input", { type: "text", maxlength: "80", autocomplete: "off", placeholder: "Dr. Rivera, March visit" }),
    "Who the link is for. Your provider sees it too.");
  const days = field("Link works for (days)", h("input", { type: "number", min: "1", max: "365", step: "1", inputmode: "numeric", value: "30" }),
    "1 to 365 days. Then the link stops working by itself.");
  const from = field("From (optional)", h("input", { type: "date" }));
  const to = field("To (optional)", h("input", { type: "date" }));
  const warningId = nextId("notes-warning");
  const notes = h("input", { type: "checkbox", "aria-describedby": warningId });
  const error = formError();
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-block" }, "Create link");
  const form = h("form", { class: "card", novalidate: true, "aria-labelledby": "new-share-title" },
    h("h2", { id: "new-share-title" }, "New link"),
    label, days,
    h("fieldset", { class: "field plain" }, h("legend", { class: "label" }, "Days to share"),
      h("p", { class: "help" }, "Leave both empty to share everything, including the days you log while the link works."),
      h("div", { class: "row-2" }, from, to)),
    h("label", { class: "check single" }, notes, "Include my notes"),
    h("p", { class: "notes-warning", id: warningId },
      "Off: your provider sees scores and sessions only. On: they also read every note and tag you wrote on your days and sessions, word for word."),
    error, submit);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    for (const f of [label, days, from, to]) f.showError("");
    error.show("");
    const text = label.control.value.trim();
    const n = Number(days.control.value);
    if (!text) {
      label.showError("Give the link a label, such as who it is for.");
      label.control.focus();
      return;
    }
    if (!Number.isInteger(n) || n < 1 || n > 365) {
      days.showError("Choose from 1 to 365 days.");
      days.control.focus();
      return;
    }
    if (from.control.value && to.control.value && from.control.value > to.control.value) {
      to.showError("The end date is before the start date.");
      to.control.focus();
      return;
    }
    if (!navigator.onLine) {
      error.show(`${OFFLINE} Nothing was created.`);
      return;
    }
    submit.disabled = true;
    try {
      const { data } = await request("POST", "/shares", { body: {
        label: text, expires_in_days: n, from: from.control.value || null, to: to.control.value || null,
        include_notes: notes.checked,
      } });
      form.reset();
      days.control.value = "30";
      await onCreated(data);
    } catch (e) {
      if (e instanceof OfflineError) error.show(`${OFFLINE} Nothing was created.`);
      else showFieldErrors({ label, expires_in_days: days, from, to }, e, error);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

function accessLog(share, timeZone) {
  const list = h("div", { class: "access-log", "aria-live": "polite" }, h("p", { class: "loading" }, "Loading…"));
  request("GET", `/shares/${share.id}/views`).then(({ data }) => {
    list.replaceChildren(data.items.length
      ? h("ol", { class: "log-list", "aria-label": `Access log of ${share.label}` }, data.items.map((v) => h("li", {},
        h("time", { datetime: v.viewed_at }, formatStamp(v.viewed_at, timeZone)), " — ", (v.opened || [v.kind]).map((k) => VIEW_KINDS[k] || k).join(", "), " — ", v.browser)))
      : h("p", { class: "muted" }, "Nobody has opened this link yet."));
  }).catch((e) => {
    list.replaceChildren(h("p", { class: "form-error", role: "alert" }, e instanceof OfflineError ? OFFLINE : e.message));
  });
  return list;
}

function shareItem(share, timeZone, reload) {
  const [statusText, statusClass] = STATUS[share.status] || [share.status, "pill-muted"];
  const titleId = nextId("share");
  const fact = (term, value) => [h("dt", {}, term), h("dd", {}, value)];
  const logButton = h("button", { type: "button", class: "btn btn-small", "aria-expanded": "false", "aria-describedby": titleId }, "Access log");
  const logBox = h("div", { class: "log-box", hidden: true });
  logButton.addEventListener("click", () => {
    const open = logButton.getAttribute("aria-expanded") !== "true";
    logButton.setAttribute("aria-expanded", String(open));
    logBox.hidden = !open;
    if (open) logBox.replaceChildren(accessLog(share, timeZone));
  });
  let revoke = null;
  if (share.status === "active") {
    revoke = h("button", { type: "button", class: "btn btn-small btn-danger", "aria-describedby": titleId }, "Revoke");
    revoke.addEventListener("click", async () => {
      const ok = await confirm("Revoke this link?",
        `“${share.label}” stops working at once: whoever opens it sees that you revoked it. This cannot be undone.`,
        { confirmText: "Revoke link" });
      if (!ok) return;
      try {
        await request("DELETE", `/shares/${share.id}`);
        toast("Link revoked");
      } catch (e) {
        toast(e instanceof OfflineError ? "You are offline: the link was not revoked. Try again with a connection." : e.message);
        return;
      }
      await reload();
    });
  }
  const ends = share.status === "revoked"
    ? fact("Revoked", formatDate(share.revoked_at, timeZone))
    : fact(share.status === "expired" ? "Expired" : "Expires", formatDate(share.expires_at, timeZone));
  return h("li", { class: `card share-item status-${share.status}`, "data-share-id": share.id },
    h("div", { class: "share-head" }, h("h3", { id: titleId }, share.label), h("span", { class: `pill ${statusClass}` }, statusText)),
    h("dl", { class: "facts" },
      fact("Created", formatDate(share.created_at, timeZone)),
      ends,
      fact("Days shared", rangeText(share)),
      fact("Notes", share.include_notes ? "Included" : "Not included"),
      fact("Views", String(share.view_count)),
      fact("Last viewed", share.last_viewed_at ? formatStamp(share.last_viewed_at, timeZone) : "Not opened yet")),
    h("div", { class: "actions compact" }, logButton, revoke),
    logBox);
}

export async function render(container, ctx) {
  const timeZone = ctx.user.timezone;
  const offline = h("p", { class: "status-line waiting", role: "status", hidden: navigator.onLine }, OFFLINE);
  const once = h("div", { class: "once-slot" });
  const list = h("div", { class: "share-list", "aria-live": "polite" }, h("p", { class: "loading" }, "Loading…"));

  async function load() {
    try {
      const { data } = await request("GET", "/shares");
      if (!ctx.isCurrent()) return;
      list.replaceChildren(data.items.length
        ? h("ul", { class: "list shares" }, data.items.map((s) => shareItem(s, timeZone, load)))
        : h("p", { class: "empty" }, "No links yet. A link lets your provider see your chart, read-only, until it expires or you revoke it."));
    } catch (e) {
      list.replaceChildren(h("p", { class: "empty" }, e instanceof OfflineError ? OFFLINE : `Your links could not be loaded: ${e.message}`));
    }
  }

  async function created(share) {
    let qr = null;
    try {
      qr = h("figure", { class: "qr-figure" }, await qrImage(share.url),
        h("figcaption", { class: "muted" }, "A provider in the room can scan this with a phone or tablet camera."));
    } catch (e) {
      console.warn("QR code", e);
    }
    const panel = shownOnce({ title: `Link for ${share.label}`, what: "Link", value: share.url, extra: qr });
    once.replaceChildren(panel);
    panel.focusHeading();
    panel.scrollIntoView({ block: "start" });
    await load();
  }

  const showOnline = () => {
    offline.hidden = navigator.onLine;
    if (navigator.onLine) load();
  };
  window.addEventListener("online", showOnline);
  window.addEventListener("offline", showOnline);

  container.append(
    screenHead("Share with your provider", "A read-only link to your chart. It stops working when it expires or when you revoke it."),
    offline, once, createForm(created),
    h("h2", {}, "Your links"), list,
    h("p", { class: "muted" }, "Only a fingerprint of each link is kept on the server, so a link is shown once, when you create it."));
  await load();
  return () => {
    window.removeEventListener("online", showOnline);
    window.removeEventListener("offline", showOnline);
  };
}
