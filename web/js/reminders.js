// Settings' Reminders card: what to be reminded of (GET/PUT /me/reminders, for every device
// of the account) and whether this device receives them (push.js). The permission prompt
// shows only after a tap on "Turn on reminders"; where push cannot work (iOS outside the
// Home Screen, no Web Push, notifications blocked) a sentence says why instead of a button.

import { OfflineError, request } from "./api.js";
import { formError, toast } from "./controls.js";
import { h, nextId } from "./dom.js";
import { LANGUAGES, lang, t } from "./i18n.js";
import { explain } from "./problems.js";
import * as push from "./push.js";

const DEFAULT_TIME = "20:00";
const OFF = { daily: { enabled: false, time: DEFAULT_TIME }, after_session: false, questionnaires: false };

function check(label, checked) {
  const input = h("input", { type: "checkbox", checked });
  return { input, row: h("label", { class: "check single" }, input, h("span", {}, label)) };
}

const failure = (e) => (e instanceof OfflineError ? t("settings.needs_connection") : explain(e));

export function remindersCard(user) {
  const body = h("div", { "aria-live": "polite" }, h("p", { class: "loading" }, t("app.loading")));
  const card = h("section", { class: "card reminders", "aria-labelledby": "reminders-title" },
    h("h2", { id: "reminders-title" }, t("reminders.title")),
    h("p", { class: "muted" }, t("reminders.help")),
    body);
  load(user, body).catch((e) => body.replaceChildren(h("p", { class: "muted" }, failure(e))));
  return card;
}

async function load(user, body) {
  const [{ data }, subscription] = await Promise.all([request("GET", "/me/reminders"), push.current().catch(() => null)]);
  const saved = { ...OFF, ...data, daily: { ...OFF.daily, ...(data && data.daily) } };

  const daily = check(t("reminders.daily"), saved.daily.enabled);
  const timeId = nextId("reminder-time");
  const time = h("input", { type: "time", id: timeId, value: saved.daily.time || DEFAULT_TIME, required: true,
    "aria-describedby": `${timeId}-help` });
  const timeField = h("div", { class: "field reminder-time" },
    h("label", { class: "label", for: timeId }, t("reminders.time")), time,
    h("span", { class: "help", id: `${timeId}-help` }, t("reminders.time_help", { zone: (user.timezone || "UTC").replaceAll("_", " ") })));
  const afterSession = check(t("reminders.after_session"), saved.after_session);
  const questionnaires = check(t("reminders.questionnaires"), saved.questionnaires);
  const error = formError();
  const wanted = () => ({
    daily: { enabled: daily.input.checked, time: time.value || DEFAULT_TIME },
    after_session: afterSession.input.checked,
    questionnaires: questionnaires.input.checked,
  });
  const anything = (r) => r.daily.enabled || r.after_session || r.questionnaires;
  const save = async (reminders) => {
    const { data: stored } = await request("PUT", "/me/reminders", { body: reminders });
    return stored;
  };

  const device = h("div", { class: "reminder-device" });
  const form = h("form", { novalidate: true },
    h("fieldset", { class: "field plain" }, h("legend", { class: "visually-hidden" }, t("reminders.title")),
      h("div", { class: "checks" }, daily.row, timeField, afterSession.row, questionnaires.row)),
    error, device);

  // The time is greyed out while the daily reminder is off.
  const dailyOff = () => { time.disabled = !daily.input.checked; };
  daily.input.addEventListener("change", dailyOff);
  dailyOff();

  let here = subscription;
  function showDevice() {
    const submit = (text, primary) => h("button", { type: "submit", class: `btn btn-block${primary ? " btn-primary" : ""}` }, text);
    // Other phones may have reminders on (an iPhone's Home Screen app, say): this button
    // reaches them all, from any device.
    const everywhere = h("button", { type: "button", class: "btn btn-block" }, t("reminders.stop_everywhere"));
    everywhere.addEventListener("click", () => stopEverywhere(everywhere));
    if (here) {
      const stop = h("button", { type: "button", class: "btn btn-block" }, t("reminders.stop_here"));
      stop.addEventListener("click", () => stopHere(stop));
      device.replaceChildren(h("p", { class: "status-line done reminder-status" }, t("reminders.on_here")),
        submit(t("reminders.save"), true), stop, everywhere);
      return;
    }
    const why = { ios: "reminders.ios", unsupported: "reminders.unsupported", denied: "reminders.denied" }[push.availability()];
    if (why) {
      // No button that cannot work: the sentence says why, and what Today does meanwhile.
      device.replaceChildren(h("p", { class: "status-line reminder-status" }, t(why)), submit(t("reminders.save"), false), everywhere);
      return;
    }
    device.replaceChildren(submit(t("reminders.turn_on"), true), everywhere);
  }

  async function stopHere(button) {
    error.show("");
    button.disabled = true;
    try {
      await push.unsubscribe();
      here = null;
      toast(t("reminders.stopped_here"));
      showDevice();
    } catch (e) {
      button.disabled = false;
      error.show(failure(e));
    }
  }

  async function stopEverywhere(button) {
    error.show("");
    button.disabled = true;
    try {
      // Every device's subscription goes; the choices above stay for the next "Turn on".
      await push.unsubscribeEverywhere();
      here = null;
      toast(t("reminders.stopped_everywhere"));
      showDevice();
    } catch (e) {
      button.disabled = false;
      error.show(failure(e));
    }
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.show("");
    const reminders = wanted();
    const turningOn = !here && push.availability() === "ready";
    if (turningOn && !anything(reminders)) {
      error.show(t("reminders.choose_one"));
      return;
    }
    // The prompt first, while the tap still counts (Safari shows it only then).
    const permission = turningOn ? push.askPermission() : null;
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      await save(reminders);
      if (turningOn) {
        if (await permission !== "granted") {
          toast(t("settings.saved"));
          showDevice();
          return;
        }
        here = await push.subscribe(LANGUAGES.includes(lang()) ? lang() : "en");
        toast(t("reminders.turned_on"));
      } else {
        toast(t("settings.saved"));
      }
      showDevice();
    } catch (e) {
      button.disabled = false;
      error.show(e instanceof OfflineError || e.status ? failure(e) : t("reminders.failed"));
    }
  });

  showDevice();
  body.replaceChildren(form);
}
