// Dates and times as the patient reads them. A "day" is a YYYY-MM-DD string in the
// patient's time zone; a moment is an ISO 8601 string. Every printed date follows the app's
// language (i18n.locale()), in the browser's regional form when that is the same language
// (en-GB: "1 March 2026", es-MX, es-ES); "en-CA" below only makes machine-readable YYYY-MM-DD days.

import { locale } from "./i18n.js";

// The day it is (or was at `moment`) in that time zone.
export function todayIn(timeZone, moment = new Date()) {
  try {
    return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" })
      .format(moment);
  } catch {
    return new Intl.DateTimeFormat("en-CA").format(moment);
  }
}

export function addDays(day, n) {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

export function formatDay(day, options = { weekday: "long", day: "numeric", month: "long" }) {
  return new Intl.DateTimeFormat(locale(), { ...options, timeZone: "UTC" }).format(new Date(`${day}T12:00:00Z`));
}

// A moment in the patient's time zone; in this device's when the zone is unknown to Intl.
function inZone(date, options, timeZone) {
  try {
    return new Intl.DateTimeFormat(locale(), { ...options, timeZone }).format(date);
  } catch {
    return new Intl.DateTimeFormat(locale(), options).format(date);
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

const pad = (n) => String(n).padStart(2, "0");

// The wall clock in `timeZone` at the instant `ms`: its parts as numbers.
function wallClock(ms, timeZone) {
  const parts = {};
  const format = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit",
    day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" });
  for (const { type, value } of format.formatToParts(new Date(ms))) parts[type] = Number(value);
  return parts;
}

// How far `timeZone`'s clocks are ahead of UTC at the instant `ms`, in minutes.
function offsetAt(ms, timeZone) {
  const p = wallClock(ms, timeZone);
  return Math.round((Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(ms / 1000) * 1000) / 60_000);
}

// A known IANA zone, or undefined (this device's zone) when Intl does not know it.
function knownZone(timeZone) {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return timeZone;
  } catch {
    return undefined;
  }
}

// "2026-03-01T09:30": the value of a datetime-local input for the instant `iso` (now when
// absent) on the clocks of `timeZone` (the account's), whatever this device's zone.
export function toZoneInput(iso, timeZone) {
  const ms = iso ? new Date(iso).getTime() : Date.now();
  const p = wallClock(ms, knownZone(timeZone));
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`;
}

// "2026-03-01T09:30" typed on the clocks of `timeZone` → ISO 8601 with that zone's offset
// then ("2026-03-01T09:30:00-06:00"). The offset is the zone's at that wall time: a guess
// from the offset at that time read as UTC, checked once. A time skipped by a spring
// change reads with the offset before it (02:30 → 03:30); one repeated in autumn, as its first pass.
export function fromZoneInput(local, timeZone) {
  const zone = knownZone(timeZone);
  const [date, time] = local.split("T");
  const [y, mo, d] = date.split("-").map(Number);
  const [hh, mm] = time.split(":").map(Number);
  const asUtc = Date.UTC(y, mo - 1, d, hh, mm);
  let offset = offsetAt(asUtc, zone);
  const second = offsetAt(asUtc - offset * 60_000, zone);
  if (second !== offset) {
    // Across a change: the offset that gives back the wall time typed, if one does.
    offset = [second, offset].find((o) => {
      const p = wallClock(asUtc - o * 60_000, zone);
      return p.hour === hh && p.minute === mm;
    }) ?? Math.min(offset, second);
  }
  const sign = offset >= 0 ? "+" : "-";
  const abs = Math.abs(offset);
  return `${date}T${pad(hh)}:${pad(mm)}:00${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

// Whether this device's clocks differ from `timeZone`'s (the account's) around now.
export function deviceZoneDiffers(timeZone) {
  const zone = knownZone(timeZone);
  if (!zone) return false;
  const device = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (device === zone) return false;
  const now = Date.now();
  return [0, 182].some((days) => offsetAt(now + days * 86_400_000, zone) !== offsetAt(now + days * 86_400_000, device));
}

// "Chicago" for America/Chicago: the place that names the account's zone.
export function zonePlace(timeZone) {
  return (timeZone || "").split("/").pop().replaceAll("_", " ") || timeZone;
}

// "2026-03-01T09:30" from a datetime-local input, as ISO 8601 with this device's offset.
export function withLocalOffset(local) {
  const date = new Date(local);
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? "+" : "-";
  const abs = Math.abs(offset);
  return `${local.length === 16 ? `${local}:00` : local}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

export function toLocalInput(iso) {
  const d = iso ? new Date(iso) : new Date();
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
