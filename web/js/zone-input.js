// Times typed on the account's clocks: the session form's start and its readings are
// datetime-local inputs showing the account's time zone (GET /me `timezone`), not the
// phone's, and go back to the server as instants with that zone's offset at that wall time.
// Intl only (no library). Loaded by the session form alone, so the first load stays small.

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
