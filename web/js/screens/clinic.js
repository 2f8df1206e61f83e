// The clinic's page (/clinic), for providers only (app.js routes them here and nowhere
// else): the connected patients as one table, as the server ordered them (flagged first,
// then those who stopped logging longest ago), sortable by any column on this page; a row
// opens the patient's report (/clinic/patients/<id>, the same report a share link shows).
// The clinic's code for patients, and, for the clinic's admins, a new code, invitations and
// the providers. Every number and every flag is the server's; this page only prints them.

import { OfflineError, request } from "../api.js";
import { field, formError, toast } from "../controls.js";
import { confirm, shownOnce } from "../dialogs.js";
import { formatDate, formatDay } from "../dates.js";
import { h, nextId, stylesheet } from "../dom.js";
import { formatNumber, t } from "../i18n.js";
import { explain, showProblem } from "../problems.js";
import { answerLabel, definitions } from "../questionnaires.js";
import { num, signed } from "../report.js";
import { loggedOut } from "../session.js";
import { enrolmentGate } from "../two-step.js";
import { routeLabel } from "../vocabulary.js";

const SEARCH_DELAY_MS = 300;
const shortDay = (day) => formatDay(day, { day: "numeric", month: "short", year: "numeric" });
const none = () => h("span", { class: "muted" }, "—");

// ---- Two-step login first (PROVIDER_MFA_REQUIRED): the server answers every clinic route
// 403 mfa_enrollment_required until the provider turns it on ----

async function enrolmentNeeded() {
  try {
    await request("GET", "/clinic");
    return false;
  } catch (e) {
    return e.status === 403 && e.problem && e.problem.code === "mfa_enrollment_required";
  }
}

// ---- The panel ----

const ago = (days) => (days === 0 ? t("clinic.days.today") : t("clinic.days.ago", { count: days }));
const lines = (...parts) => parts.filter(Boolean).map((p, i) => (i ? h("span", { class: "cell-note" }, p) : h("span", {}, p)));

const missing = (v) => v === null || v === undefined;

// A 7-day average (as logged: pain lower is better, mood higher) beside the current series'
// baseline; without an average, why: fewer than 4 of the last 7 days logged.
function versus(avg, baseline, days) {
  const base = missing(baseline) ? t("clinic.baseline_none") : t("clinic.baseline", { value: num(baseline) });
  if (missing(avg)) return [none(), h("span", { class: "cell-note avg-none" }, t("clinic.avg_none", { count: days || 0 })), h("span", { class: "cell-note" }, base)];
  return lines(num(avg), base);
}

// A check-in's latest score, its change against the current series' baseline (or why there
// is none: the latest is the baseline itself, or there is no baseline), its date.
function scored(p, latest, score) {
  if (!latest) return none();
  let change = null;
  if (!missing(latest.change_pct)) {
    change = t("clinic.change", { value: signed(latest.change_pct, { percent: true }), baseline: formatNumber(latest.baseline) });
  } else if (!missing(latest.baseline)) change = t("clinic.no_follow_up");
  else if (p.last_session) change = t("clinic.no_baseline");
  return lines(formatNumber(score), change, shortDay(latest.date));
}

// The PHQ-9's definitions in the page's language, for the item-9 answer's words (loaded by
// `render`; without them the answer's number is shown).
let phq9 = null;
const flagMark = () => h("span", { "aria-hidden": "true" }, "⚑ ");
const pressure = (r) => `${num(r.systolic)}/${num(r.diastolic)}`;

// How serious each flag is, not only that there is one: the item-9 answer in its words; each
// blood-pressure reading with the threshold it reached, the very high one first (the server's
// order). Each with its date.
function flagsCell(p) {
  const parts = [];
  if (p.safety_flag_on) {
    const answer = missing(p.safety_answer) ? t("share.flag.above_zero")
      : phq9 ? answerLabel(phq9, phq9.safety_item || "q9", p.safety_answer) : String(p.safety_answer);
    parts.push(h("span", { class: "flag-cell", "data-flag": "safety" }, flagMark(), t("clinic.safety_answer", { answer }),
      h("span", { class: "cell-note" }, t("clinic.flag_on", { date: shortDay(p.safety_flag_on) }))));
  }
  if (p.bp_flag_on) {
    const known = (p.bp_flags || []).filter((f) => ["bp_very_high", "bp_before_high"].includes(f.code) && f.threshold);
    parts.push(h("span", { class: "flag-cell", "data-flag": "bp" },
      known.length ? known.map((f, i) => h("span", { class: i ? "cell-note flag-reading" : "flag-reading", "data-code": f.code }, i ? null : flagMark(),
        t(`clinic.bp.${f.code}`, { value: pressure(f), limit: pressure(f.threshold) })))
        : [flagMark(), t("clinic.flag_on", { date: shortDay(p.bp_flag_on) })],
      known.length ? h("span", { class: "cell-note" }, t("clinic.flag_on", { date: shortDay(p.bp_flag_on) })) : null));
  }
  return parts.length ? parts : none();
}

function sessionCell(p) {
  if (!p.last_session) return none();
  const booster = p.booster ? h("span", { class: "cell-note booster" },
    t("clinic.booster", { median: t("clinic.booster_days", { count: p.booster.median_relief_days }), day: p.booster.day })) : null;
  return [...lines(shortDay(p.last_session.date), `${routeLabel(p.last_session.route)} · ${ago(p.last_session.days_since)}`), booster];
}

// Each column: its catalog key, how its cell reads, and the value it sorts by (null: last
// whichever the direction).
const COLUMNS = [
  { key: "patient", sort: (p) => p.display_name.toLocaleLowerCase(), cell: (p) => [
    p.flagged ? h("span", { class: "flag-badge" }, h("span", { "aria-hidden": "true" }, "⚑ "), t("clinic.flagged")) : null,
    h("a", { href: `/clinic/patients/${encodeURIComponent(p.patient_id)}`, class: "patient-link user-text" }, p.display_name || t("clinic.unnamed")),
  ] },
  { key: "last_log", sort: (p) => (p.days_since_log === null ? Infinity : p.days_since_log), cell: (p) => (p.last_logged_on
    ? lines(ago(p.days_since_log), shortDay(p.last_logged_on)) : h("span", {}, t("clinic.never"))) },
  // The booster window is a line of the last session's cell: it counts from that session.
  { key: "last_session", sort: (p) => (p.last_session ? p.last_session.days_since : null), cell: sessionCell },
  { key: "pain", sort: (p) => p.pain_avg7, cell: (p) => versus(p.pain_avg7, p.pain_baseline, p.pain_days7) },
  { key: "mood", sort: (p) => p.mood_avg7, cell: (p) => versus(p.mood_avg7, p.mood_baseline, p.mood_days7) },
  { key: "phq9", sort: (p) => (p.phq9 ? p.phq9.total : null), cell: (p) => scored(p, p.phq9, p.phq9?.total) },
  { key: "peg", sort: (p) => (p.peg ? p.peg.score : null), cell: (p) => scored(p, p.peg, p.peg?.score) },
  // Item 9 and blood pressure in one column, each flag saying how serious it is.
  { key: "flags", sort: (p) => [p.safety_flag_on, p.bp_flag_on].filter(Boolean).sort().pop() || null, cell: flagsCell },
];

function compare(a, b) {
  if (typeof a === "string" || typeof b === "string") return String(a).localeCompare(String(b));
  return a - b;
}

// The server's rows sorted by `column` (`dir` 1 or −1), rows without a value last; ties keep
// the server's order. No column: the server's order.
function sorted(rows, column, dir) {
  if (!column) return rows;
  const keyed = rows.map((row, index) => ({ row, index, value: column.sort(row) }));
  keyed.sort((x, y) => {
    const xNone = x.value === null || x.value === undefined;
    const yNone = y.value === null || y.value === undefined;
    if (xNone || yNone) return xNone === yNone ? x.index - y.index : xNone ? 1 : -1;
    return dir * compare(x.value, y.value) || x.index - y.index;
  });
  return keyed.map((k) => k.row);
}

function panelTable(onOpen) {
  let rows = [];
  let column = null;
  let dir = 1;
  const head = h("tr");
  const body = h("tbody");
  const table = h("table", { class: "panel-table" },
    h("caption", { class: "visually-hidden" }, t("clinic.table_caption")),
    h("thead", {}, head), body);

  const headers = COLUMNS.map((c) => {
    const button = h("button", { type: "button", class: "sort" }, t(`clinic.col.${c.key}`),
      h("span", { class: "sort-mark", "aria-hidden": "true" }));
    const th = h("th", { scope: "col", "data-col": c.key }, button);
    button.addEventListener("click", () => {
      if (column === c) dir = -dir;
      else {
        column = c;
        dir = 1;
      }
      draw();
    });
    head.append(th);
    return th;
  });

  function draw() {
    for (const [i, th] of headers.entries()) {
      const on = column === COLUMNS[i];
      if (on) th.setAttribute("aria-sort", dir > 0 ? "ascending" : "descending");
      else th.removeAttribute("aria-sort");
      th.querySelector(".sort-mark").textContent = on ? (dir > 0 ? " ▲" : " ▼") : "";
    }
    body.replaceChildren(...sorted(rows, column, dir).map((p) => {
      const tr = h("tr", { class: p.flagged ? "flagged" : null, "data-patient": p.patient_id },
        ...COLUMNS.map((c, i) => h(i ? "td" : "th", i ? {} : { scope: "row" }, c.cell(p))));
      tr.addEventListener("click", (event) => {
        if (event.target.closest("a, button")) return;
        onOpen(p);
      });
      return tr;
    }));
  }

  table.show = (items) => {
    rows = items;
    draw();
  };
  return table;
}

// ---- Admin cards ----

function codeCard(clinic, reload) {
  const copy = h("button", { type: "button", class: "btn btn-small" }, t("clinic.code.copy"));
  copy.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(clinic.code);
      toast(t("clinic.code.copied"));
    } catch {
      toast(t("app.once.copy_by_hand"));
    }
  });
  let rotate = null;
  if (clinic.is_admin) {
    rotate = h("button", { type: "button", class: "btn btn-small" }, t("clinic.code.new"));
    rotate.addEventListener("click", async () => {
      const ok = await confirm(t("clinic.code.new_title"), t("clinic.code.new_confirm"),
        { confirmText: t("clinic.code.new"), cancelText: t("clinic.cancel") });
      if (!ok) return;
      try {
        await request("POST", "/clinic/code");
        toast(t("clinic.code.changed"));
      } catch (e) {
        toast(explain(e));
        return;
      }
      await reload();
    });
  }
  return h("section", { class: "card", "aria-labelledby": "code-title" },
    h("h2", { id: "code-title" }, t("clinic.code.title")),
    h("p", { class: "clinic-code", "data-code": clinic.code }, clinic.code),
    h("p", { class: "muted" }, t("clinic.code.help")),
    h("div", { class: "actions compact" }, copy, rotate));
}

function inviteCard(onInvited) {
  const email = field(t("clinic.invite.email"), h("input", { type: "email", autocomplete: "off", autocapitalize: "none", spellcheck: "false" }));
  const name = field(t("clinic.invite.name"), h("input", { type: "text", autocomplete: "off", maxlength: "80" }));
  const error = formError();
  const once = h("div", { class: "once-slot" });
  const submit = h("button", { type: "submit", class: "btn btn-primary" }, t("clinic.invite.submit"));
  const form = h("form", { class: "card invite", novalidate: true, "aria-labelledby": "invite-title" },
    h("h2", { id: "invite-title" }, t("clinic.invite.title")),
    h("p", { class: "muted" }, t("clinic.invite.help")),
    h("div", { class: "row-2" }, email, name), error, submit, once);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    email.showError("");
    name.showError("");
    error.show("");
    const address = email.control.value.trim();
    if (!address || !address.includes("@")) {
      email.showError(t("clinic.invite.email_missing"));
      email.control.focus();
      return;
    }
    submit.disabled = true;
    try {
      const { data } = await request("POST", "/clinic/invites", { body: { email: address, display_name: name.control.value.trim() } });
      form.querySelector(".row-2").querySelectorAll("input").forEach((input) => { input.value = ""; });
      const panel = shownOnce({
        title: t("clinic.invite.link_for", { email: address }), what: t("clinic.invite.link"), value: data.url,
        extra: h("p", { class: "muted" }, t("clinic.invite.expires", { date: formatDate(data.expires_at) })),
        copy: t("clinic.invite.copy"), copied: t("clinic.invite.copied"), warning: t("clinic.invite.warning"),
      });
      once.replaceChildren(panel);
      panel.focusHeading();
      await onInvited();
    } catch (e) {
      showProblem({ email, display_name: name }, e, error);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

function providersCard(clinic, me, reload) {
  const item = (p) => {
    const titleId = nextId("provider");
    let remove = null;
    const invited = p.status === "invited"; // no account id: it expires or is replaced
    if (clinic.is_admin && p.email !== me.email && !invited) {
      remove = h("button", { type: "button", class: "btn btn-small btn-danger", "aria-describedby": titleId }, t("clinic.providers.remove"));
      remove.addEventListener("click", async () => {
        const ok = await confirm(t("clinic.providers.remove_title"),
          t("clinic.providers.remove_confirm", { name: p.display_name || p.email }),
          { confirmText: t("clinic.providers.remove"), cancelText: t("clinic.cancel") });
        if (!ok) return;
        try {
          await request("DELETE", `/clinic/providers/${p.id}`);
          toast(t("clinic.providers.removed"));
        } catch (e) {
          toast(explain(e));
          return;
        }
        await reload();
      });
    }
    return h("li", { class: "provider" },
      h("div", {}, h("span", { id: titleId, class: "title user-text" }, p.display_name || p.email),
        p.is_admin ? h("span", { class: "pill pill-muted" }, t("clinic.providers.admin")) : null,
        invited ? h("span", { class: "pill pill-muted" }, t("clinic.providers.invited")) : null,
        h("span", { class: "meta" }, h("span", { class: "user-text" }, p.email), " · ",
          invited ? t("clinic.providers.invited_until", { date: formatDate(p.expires_at) })
            : t("clinic.providers.joined", { date: formatDate(p.joined_at) }))),
      remove);
  };
  return h("section", { class: "card", "aria-labelledby": "providers-title" },
    h("h2", { id: "providers-title" }, t("clinic.providers.title")),
    h("ul", { class: "list providers" }, clinic.providers.map(item)));
}

// ---- The screen ----

export async function render(container, ctx) {
  // sharing.css: what is shown once (a provider's setup link)
  await Promise.all([stylesheet("/css/clinic.css"), stylesheet("/css/sharing.css")]);
  document.body.classList.add("wide");
  if (await enrolmentNeeded()) {
    container.append(...await enrolmentGate(() => ctx.navigate("/clinic", { replace: true })));
    container.querySelector("h1").focus();
    return;
  }
  const me = ctx.user;
  const status = h("p", { class: "panel-status", role: "status" });
  const table = panelTable((p) => { location.assign(`/clinic/patients/${encodeURIComponent(p.patient_id)}`); });
  const tableBox = h("div", { class: "table-scroll panel-scroll", tabindex: "0", role: "region", "aria-labelledby": "patients-title" }, table);
  const search = field(t("clinic.search"), h("input", { type: "search", autocomplete: "off", spellcheck: "false" }));
  const admin = h("div", { class: "clinic-admin" });
  const logout = h("button", { type: "button", class: "btn btn-small" }, t("clinic.logout"));
  logout.addEventListener("click", async () => {
    try {
      await request("POST", "/auth/logout");
    } catch {
      // Offline: the cookie stays until it expires, but this device forgets the login now.
    }
    await loggedOut();
    ctx.navigate("/login", { replace: true });
  });

  const phq9Loaded = definitions({ keep: false }).then((defs) => defs.items.find((d) => d.id === "phq9") || null, () => null);
  let asked = 0;
  async function loadPatients() {
    const q = search.control.value.trim();
    const mine = ++asked;
    try {
      const { data } = await request("GET", `/clinic/patients${q ? `?q=${encodeURIComponent(q)}` : ""}`);
      phq9 = await phq9Loaded;
      if (mine !== asked || !ctx.isCurrent()) return;
      table.show(data.items);
      tableBox.hidden = !data.items.length;
      status.textContent = data.items.length ? t("clinic.count", { count: data.items.length })
        : q ? t("clinic.no_match", { q }) : t("clinic.empty");
    } catch (e) {
      if (mine === asked) status.textContent = e instanceof OfflineError ? t("clinic.offline") : explain(e);
    }
  }

  // The code and the providers are drawn again after each change; the invitation form
  // (and the link it shows once) stays.
  const codeSlot = h("div");
  const providersSlot = h("div");
  async function loadClinic() {
    const { data } = await request("GET", "/clinic");
    if (!ctx.isCurrent()) return;
    heading.textContent = data.name;
    document.title = t("app.title", { screen: data.name });
    codeSlot.replaceChildren(codeCard(data, loadClinic));
    providersSlot.replaceChildren(providersCard(data, me, loadClinic));
    if (!admin.childElementCount) admin.append(codeSlot, providersSlot, data.is_admin ? inviteCard(loadClinic) : "");
  }

  let timer = null;
  search.control.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(loadPatients, SEARCH_DELAY_MS);
  });

  const heading = h("h1", { tabindex: "-1" }, (me.clinic && me.clinic.name) || t("clinic.title"));
  container.append(
    h("div", { class: "clinic-head" },
      h("div", {}, h("p", { class: "eyebrow" }, t("clinic.eyebrow")), heading,
        h("p", { class: "sub" }, t("clinic.not_watched"))),
      h("div", { class: "clinic-who" }, h("span", { class: "muted user-text" }, me.display_name || me.email), logout)),
    h("section", { class: "panel", "aria-labelledby": "patients-title" },
      h("div", { class: "panel-head" }, h("h2", { id: "patients-title" }, t("clinic.patients")), search),
      status, tableBox,
      h("p", { class: "muted table-note" }, t("clinic.table_note"))),
    admin);
  await Promise.all([loadPatients(), loadClinic().catch((e) => {
    admin.replaceChildren(h("p", { class: "form-error", role: "alert" }, e instanceof OfflineError ? t("clinic.offline") : explain(e)));
  })]);
  return () => {
    clearTimeout(timer);
    document.body.classList.remove("wide");
  };
}
