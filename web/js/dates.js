// Dates and times as the patient reads them. A "day" is a YYYY-MM-DD string in the
// patient's time zone; a moment is an ISO 8601 string. Every printed date follows the app's
// language (i18n.locale()), in the browser's regional form when that is the same language
// (en-GB: "1 March 2026", es-MX, es-ES); "en-CA" below only makes machine-readable YYYY-MM-DD days.

import { formatter } from "./i18n.js";

// The day it is (or was at `moment`) in that time zone. With Temporal where the browser has
// it: Today asks for its data before any Intl formatter exists (i18n.js).
export function todayIn(timeZone, moment = new Date()) {
  try {
    if (self.Temporal) return Temporal.Instant.fromEpochMilliseconds(+moment).toZonedDateTimeISO(timeZone).toPlainDate().toString();
    return formatter(Intl.DateTimeFormat, { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }, "en-CA")
      .format(moment);
  } catch {
    return formatter(Intl.DateTimeFormat, {}, "en-CA").format(moment);
  }
}

export function addDays(day, n) {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

export function formatDay(day, options = { weekday: "long", day: "numeric", month: "long" }) {
  return formatter(Intl.DateTimeFormat, { ...options, timeZone: "UTC" }).format(new Date(`${day}T12:00:00Z`));
}

// A moment in the patient's time zone; in this device's when the zone is unknown to Intl.
function inZone(date, options, timeZone) {
  try {
    return formatter(Intl.DateTimeFormat, { ...options, timeZone }).format(date);
  } catch {
    return formatter(Intl.DateTimeFormat, options).format(date);
  }
}

export function formatDateTime(iso, timeZone) {
  return inZone(new Date(iso), { weekday: "short", day: "numeric", month: "short", hour: "numeric", minute: "2-digit" }, timeZone);
}

// "24 Dec 2026": the calendar date of a moment in the patient's time zone.
export function formatDate(iso, timeZone) {
  return inZone(new Date(iso), { day: "numeric", month: "short", year: "numeric" }, timeZone);
}

// "24 Nov 09:12" (with the year when it is not this year): a line in a log.
export function formatStamp(iso, timeZone) {
  const date = new Date(iso);
  const day = { day: "numeric", month: "short" };
  if (date.getFullYear() !== new Date().getFullYear()) day.year = "numeric";
  return `${inZone(date, day, timeZone)} ${inZone(date, { hour: "2-digit", minute: "2-digit" }, timeZone)}`;
}

export function formatTime(iso, timeZone) {
  return inZone(new Date(iso), { hour: "numeric", minute: "2-digit" }, timeZone);
}

// "2026-03-01T09:30" from a datetime-local input, as ISO 8601 with this device's offset.
export function withLocalOffset(local) {
  const date = new Date(local);
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? "+" : "-";
  const abs = Math.abs(offset);
  const pad = (n) => String(n).padStart(2, "0");
  return `${local.length === 16 ? `${local}:00` : local}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

export function toLocalInput(iso) {
  const d = iso ? new Date(iso) : new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
