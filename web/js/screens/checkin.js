// A check-in (/checkin/phq9): one questionnaire, answered one question per screen (tap an
// answer and the next question comes) or as one scrolling form, with the server's own items
// and answers. Every answer is kept in the outbox before the screen reacts to it: once every
// item is answered (in whatever order) the response is queued and sent under a UUID made
// here, and each later change (the difficulty item, an answer changed) replaces it under the
// same UUID; before that the answers wait on this phone as a draft, which the next visit
// resumes. An answer above 0 to the safety item (PHQ-9 item 9) then shows the crisis screen
// at once, offline too; it contacts no one, and no way out of it loses the answer. *Save*
// shows the server's score and band, or that it waits to sync.

import * as checkins from "../checkin-answers.js";
import { formError, screenHead } from "../controls.js";
import { toLocalInput, withLocalOffset } from "../dates.js";
import { h, icons, nextId } from "../dom.js";
import { formatNumber, t } from "../i18n.js";
import * as outbox from "../outbox.js";
import { checkinStyles, definitions, find, resourceHref, safetyAnswered, severityLabel } from "../questionnaires.js";

const LAYOUT_KEY = "relieflog.checkin.layout"; // "steps" or "form", kept on this device
const ADVANCE_MS = 250; // long enough to see the chosen answer light up
const CHIPS_FROM = 6; // answers shown as a grid of number chips (PEG's 0–10) rather than rows

function chosenLayout() {
  try {
    return localStorage.getItem(LAYOUT_KEY) === "form" ? "form" : "steps";
  } catch {
    return "steps";
  }
}

function keepLayout(layout) {
  try {
    localStorage.setItem(LAYOUT_KEY, layout);
  } catch { /* the choice lasts this check-in only */ }
}

function setTitle(text) {
  document.title = t("app.title", { screen: text });
}

// The install's crisis resources: a big link for each one a phone can act on, else its words.
function resourceList(crisis) {
  const resources = (crisis && crisis.resources) || [];
  if (!resources.length) return h("p", { class: "crisis-fallback" }, t("checkin.crisis.fallback"));
  return h("ul", { class: "crisis-list" }, resources.map((resource) => {
    const href = resourceHref(resource);
    return h("li", {}, href ? h("a", { href, class: "crisis-link" }, resource.label) : h("span", { class: "crisis-text" }, resource.label));
  }));
}

// Said wherever the crisis resources are: nobody is watching, and nothing was sent.
const notWatched = () => h("p", { class: "crisis-notice" }, t("checkin.crisis.not_watched"));

export async function render(container, ctx) {
  const [instrument] = ctx.params;
  let defs;
  try {
    [defs] = await Promise.all([definitions(), checkinStyles()]);
  } catch {
    container.append(screenHead(t("checkin.title")), h("p", {}, t("checkin.unavailable")),
      h("p", {}, h("a", { href: "/today" }, t("checkin.back_today"))));
    return undefined;
  }
  const def = find(defs, instrument);
  if (!def) {
    container.append(screenHead(t("checkin.not_found")), h("p", {}, h("a", { href: "/today" }, t("checkin.back_today"))));
    return undefined;
  }

  // One response, however many times it is sent: this check-in's own UUID, or that of the
  // unfinished one this phone kept (resumed as it was left).
  const kept = await checkins.draft(def.id).catch(() => null);
  const id = kept ? kept.id : outbox.uuid();
  const answers = {};
  let difficulty = null;
  let answeredAt = null; // when the answers first formed a score; sent with every change
  if (kept) {
    for (const [key, value] of Object.entries(kept.body.answers || {})) {
      if (value !== null && value !== undefined) answers[key] = value;
    }
    difficulty = kept.body.difficulty ?? null;
  }
  let resumedNote = kept ? h("p", { class: "status-line resumed" }, t("checkin.resumed")) : null;
  let layout = chosenLayout();
  let crisisShown = false;
  let stopWaiting = null;
  const view = h("div", { class: "checkin" });
  container.append(view);
  const show = (...children) => view.replaceChildren(...children.flat().filter(Boolean));
  // Said once, on the first question shown of a resumed check-in.
  const resumed = () => {
    const note = resumedNote;
    resumedNote = null;
    return note;
  };

  // Each screen of the step-by-step layout: the items, then the optional difficulty item.
  const steps = def.items.map((item) => ({ key: item.key, item, options: def.options, optional: false }));
  if (def.difficulty) steps.push({ key: def.difficulty.key, item: def.difficulty, options: def.difficulty.options, optional: true });
  const valueOf = (step) => (step.optional ? difficulty : answers[step.key]);
  const setValue = (step, value) => {
    if (step.optional) difficulty = value;
    else answers[step.key] = value;
  };

  // One question: its words, its answers (rows, or number chips with what the ends mean).
  function question(step, { numbered = false, card = false } = {}) {
    const name = nextId(`q-${step.key}`);
    const error = h("p", { class: "error-text question-error", id: `${name}-error`, hidden: true });
    const text = numbered ? t("checkin.numbered", { number: steps.indexOf(step) + 1, text: step.item.text }) : step.item.text;
    const legend = h("legend", { class: "question-text", tabindex: "-1" }, text,
      step.optional ? h("span", { class: "optional" }, ` ${t("checkin.optional")}`) : null);
    const chips = step.options.length >= CHIPS_FROM;
    const choices = h("div", { class: chips ? "chips answer-chips" : "options" }, step.options.map((option) =>
      h("label", { class: chips ? "chip" : "option" },
        h("input", { type: "radio", name, value: String(option.value), checked: valueOf(step) === option.value }),
        h("span", {}, option.label))));
    const first = step.options[0];
    const last = step.options[step.options.length - 1];
    const ends = step.item.low || step.item.high ? h("p", { class: "scale-ends" },
      step.item.low ? h("span", {}, t("checkin.anchor", { value: first.label, text: step.item.low })) : h("span"),
      h("span", { class: "visually-hidden" }, ", "),
      step.item.high ? h("span", {}, t("checkin.anchor", { value: last.label, text: step.item.high })) : null) : null;
    const fieldset = h("fieldset", { class: "question", "data-key": step.key, "aria-describedby": error.id },
      legend, ends, choices, error);
    fieldset.legend = legend;
    fieldset.showError = (message) => {
      error.textContent = message || "";
      error.hidden = !message;
    };
    fieldset.focusFirst = () => {
      const input = fieldset.querySelector("input:checked") || fieldset.querySelector("input");
      if (input) input.focus();
    };
    fieldset.block = card ? h("div", { class: "card question-card" }, fieldset) : fieldset;
    return fieldset;
  }

  // ---- Keeping the answers ----

  const complete = () => def.items.every((item) => answers[item.key] !== undefined);

  function body() {
    if (complete() && !answeredAt) answeredAt = withLocalOffset(toLocalInput());
    return {
      instrument: def.id,
      answered_at: answeredAt,
      answers: Object.fromEntries(def.items.map((item) => [item.key, answers[item.key] ?? null])),
      difficulty: def.difficulty ? difficulty : null,
    };
  }

  // Stored (IndexedDB done) before the screen reacts to the answer; should this device
  // refuse to store it, the screen still reacts: the crisis screen never waits on storage.
  async function keepAnswers() {
    try {
      await checkins.keep(id, body(), { complete: complete() });
    } catch (error) {
      console.warn("check-in answers not kept", error);
    }
  }

  // ---- The crisis screen ----

  function crisis(then) {
    crisisShown = true;
    const heading = h("h1", { tabindex: "-1", id: "crisis-title" }, t("checkin.crisis.title"));
    const go = h("button", { type: "button", class: "btn btn-primary btn-block" }, t("checkin.crisis.continue"));
    go.addEventListener("click", then);
    show(h("section", { class: "crisis", "aria-labelledby": "crisis-title" },
      heading,
      h("p", { class: "crisis-lead" }, t("checkin.crisis.lead")),
      resourceList(defs.crisis),
      notWatched(),
      h("p", { class: "muted" }, t(complete() ? "checkin.crisis.nothing_sent" : "checkin.crisis.kept_draft")),
      go));
    setTitle(heading.textContent);
    window.scrollTo(0, 0);
    heading.focus({ preventScroll: true });
  }

  // The safety item just went above 0: the crisis screen comes first, once per check-in.
  function needsCrisis(step) {
    return !crisisShown && !step.optional && step.key === def.safety_item && safetyAnswered(def, answers);
  }

  // ---- One question per screen ----

  function showStep(index, { focus = true } = {}) {
    const step = steps[index];
    const isLast = index === steps.length - 1;
    const fieldset = question(step);
    const bar = h("span", {});
    bar.style.width = `${Math.round(((index + 1) / steps.length) * 100)}%`;
    const back = index > 0 ? h("button", { type: "button", class: "btn" }, t("checkin.back")) : null;
    const next = h("button", { type: "button", class: "btn btn-primary" }, isLast ? t("checkin.save") : t("checkin.next"));
    const error = formError();
    let pointerAt = 0;
    fieldset.addEventListener("pointerdown", () => { pointerAt = Date.now(); });
    fieldset.addEventListener("change", async (event) => {
      setValue(step, Number(event.target.value));
      fieldset.showError("");
      await keepAnswers();
      if (needsCrisis(step)) {
        crisis(() => showStep(isLast ? index : index + 1));
        return;
      }
      // A tap moves on; arrow keys only choose (a keyboard moves on with Next).
      if (!isLast && Date.now() - pointerAt < 1500) {
        setTimeout(() => { if (view.contains(fieldset)) showStep(index + 1); }, ADVANCE_MS);
      }
    });
    if (back) back.addEventListener("click", () => showStep(index - 1));
    next.addEventListener("click", () => {
      if (!step.optional && valueOf(step) === undefined) {
        fieldset.showError(t("checkin.choose"));
        fieldset.focusFirst();
        return;
      }
      if (isLast) save(next, error);
      else showStep(index + 1);
    });
    show(
      screenHead(def.title, t("checkin.progress", { number: index + 1, count: steps.length })),
      resumed(),
      h("div", { class: "checkin-progress", "aria-hidden": "true" }, bar),
      step.optional ? null : h("p", { class: "recall" }, def.recall),
      fieldset,
      error,
      h("div", { class: "step-nav" }, back, next),
      layoutSwitch("form"));
    setTitle(def.title);
    view.currentStep = index;
    if (focus) fieldset.legend.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }

  // ---- All questions on one page ----

  function showForm(focusKey = null) {
    const error = formError();
    const fieldsets = steps.map((step) => question(step, { numbered: !step.optional, card: true }));
    const saveButton = h("button", { type: "submit", class: "btn btn-primary btn-block" }, t("checkin.save"));
    const form = h("form", { novalidate: true, class: "checkin-form" }, fieldsets.map((f) => f.block), error, saveButton);
    form.addEventListener("change", async (event) => {
      const fieldset = event.target.closest("fieldset");
      const step = steps.find((s) => s.key === fieldset.dataset.key);
      setValue(step, Number(event.target.value));
      fieldset.showError("");
      await keepAnswers();
      if (needsCrisis(step)) {
        const position = steps.indexOf(step);
        crisis(() => showForm(steps[Math.min(position + 1, steps.length - 1)].key));
      }
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const missing = steps.filter((step) => !step.optional && valueOf(step) === undefined);
      for (const step of missing) fieldsets[steps.indexOf(step)].showError(t("checkin.choose"));
      if (missing.length) {
        error.show(t("checkin.missing", { count: missing.length }));
        fieldsets[steps.indexOf(missing[0])].focusFirst();
        return;
      }
      save(saveButton, error);
    });
    show(screenHead(def.title, def.name), resumed(), h("p", { class: "recall" }, def.recall), form, layoutSwitch("steps"));
    view.fieldsets = fieldsets;
    setTitle(def.title);
    if (focusKey) {
      const target = fieldsets[steps.findIndex((s) => s.key === focusKey)];
      target.scrollIntoView({ block: "start" });
      target.legend.focus({ preventScroll: true });
    } else {
      window.scrollTo(0, 0);
    }
  }

  // The first question not answered yet (the first one when all are).
  function firstOpen() {
    const open = steps.findIndex((step) => !step.optional && valueOf(step) === undefined);
    return open === -1 ? 0 : open;
  }

  function layoutSwitch(to) {
    const button = h("button", { type: "button", class: "btn-link layout-switch" },
      t(to === "form" ? "checkin.layout.form" : "checkin.layout.steps"));
    button.addEventListener("click", () => {
      layout = to;
      keepLayout(to);
      if (to === "form") {
        showForm();
      } else {
        showStep(firstOpen());
      }
    });
    return button;
  }

  // ---- Saving and the score ----

  async function save(button, error) {
    error.show("");
    button.disabled = true;
    let result;
    try {
      result = await checkins.save(id, body());
    } finally {
      button.disabled = false;
    }
    if (result.synced) {
      showResult(result.response);
    } else if (result.item.status === "rejected") {
      // Shown here, where it can be fixed; the same UUID goes again with the fix.
      await checkins.discard(id);
      rejected(result.item, error);
    } else {
      showWaiting();
    }
  }

  // The server's 422 names the item ("answers.q3"): show it at that question.
  function rejected(item, error) {
    const named = Object.entries(item.errors || {}).map(([field, messages]) => [field.replace(/^answers\./, ""), messages.join(" ")]);
    const atStep = named.map(([key, message]) => [steps.findIndex((s) => s.key === key), message]).find(([index]) => index !== -1);
    if (atStep && layout === "steps") {
      showStep(atStep[0]);
      view.querySelector("fieldset.question").showError(atStep[1]);
    } else if (atStep && view.fieldsets) {
      view.fieldsets[atStep[0]].showError(atStep[1]);
      view.fieldsets[atStep[0]].focusFirst();
    } else {
      error.show(item.message || t("checkin.not_saved"));
    }
  }

  function safetyReminder() {
    if (!safetyAnswered(def, answers)) return null;
    return h("section", { class: "card crisis-card", "aria-labelledby": "crisis-again" },
      h("h2", { id: "crisis-again" }, t("checkin.crisis.again")), resourceList(defs.crisis), notWatched());
  }

  const doneActions = () => h("div", { class: "actions" },
    h("a", { href: "/today", class: "btn btn-primary" }, t("checkin.done")),
    h("a", { href: "/trends", class: "btn" }, t("checkin.see_trends")));

  // "Score: 14 out of 27" with the score itself large, wherever the language puts it.
  function scoreLine(total, max) {
    const message = max === undefined || max === null ? t("checkin.result.score_only") : t("checkin.result.score", { max });
    const [before, after = ""] = message.split("{total}");
    return h("p", { class: "result-score", id: "result-score", "data-total": String(total) },
      before, h("span", { class: "result-total" }, formatNumber(total)), after);
  }

  function showResult(response) {
    if (stopWaiting) stopWaiting();
    const heading = h("h1", { tabindex: "-1" }, t("checkin.result.title", { title: def.title }));
    const max = def.score && def.score.max;
    show(
      h("div", { class: "screen-head" }, heading),
      h("section", { class: "card result", "aria-labelledby": "result-score" },
        scoreLine(response.total, max),
        response.severity ? h("p", { class: "result-band", "data-severity": response.severity },
          t("checkin.result.severity", { severity: severityLabel(response.severity) })) : null,
        h("p", { class: "muted" }, t("checkin.result.note"))),
      safetyReminder(),
      doneActions());
    setTitle(heading.textContent);
    window.scrollTo(0, 0);
    heading.focus({ preventScroll: true });
  }

  function showWaiting() {
    const heading = h("h1", { tabindex: "-1" }, t("checkin.waiting.title", { title: def.title }));
    show(
      h("div", { class: "screen-head" }, heading),
      h("p", { class: "status-line waiting" }, icons.clock(), t("checkin.waiting.text")),
      safetyReminder(),
      doneActions());
    setTitle(heading.textContent);
    window.scrollTo(0, 0);
    heading.focus({ preventScroll: true });
    // Back online while this is on screen: the score appears as soon as it has synced.
    const onChange = async () => {
      const response = await checkins.synced(id);
      if (response && ctx.isCurrent()) showResult(response);
    };
    outbox.events.addEventListener("change", onChange);
    stopWaiting = () => {
      outbox.events.removeEventListener("change", onChange);
      stopWaiting = null;
    };
  }

  // A resumed check-in whose safety item is above 0 shows the crisis screen again first.
  const start = () => (layout === "form" ? showForm() : showStep(kept ? firstOpen() : 0, { focus: false }));
  if (kept && safetyAnswered(def, answers)) crisis(start);
  else start();
  return () => { if (stopWaiting) stopWaiting(); };
}
