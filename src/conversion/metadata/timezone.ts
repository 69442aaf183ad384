/**
 * Attaching an IANA time zone to a session start time.
 */
import { MetadataValidationError } from "../../errors.js";
import { hasUtcOffset } from "../../nwb/containers/time.js";

/** UTC offset in minutes of `zone` at the instant `utcMillis`. */
function offsetMinutes(zone: string, utcMillis: number): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: zone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(utcMillis));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(
    get("year"),
    get("month") - 1,
    get("day"),
    get("hour"),
    get("minute"),
    get("second"),
  );
  return Math.round((asUtc - Math.floor(utcMillis / 1000) * 1000) / 60000);
}

function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? "-" : "+";
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}

/**
 * Attaches an IANA time zone to a date-time. A value without an offset is read as wall-clock time in `zone`
 * (the usual case: acquisition systems write local time); a value with an offset (or a Date) is the same
 * instant shown in `zone`. Returns ISO 8601 text with the zone's offset at that time (daylight saving included).
 *
 * @example
 * ```ts
 * withTimeZone("2020-11-03T10:35:10", "US/Pacific"); // "2020-11-03T10:35:10-08:00"
 * ```
 */
export function withTimeZone(value: string | Date | undefined, zone: string): string {
  if (value === undefined) {
    throw new TypeError(
      "there is no date-time to attach a time zone to; set NWBFile.session_start_time first",
    );
  }
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
  } catch {
    throw new RangeError(`unknown time zone '${zone}'; use an IANA name such as US/Pacific or Europe/Berlin`);
  }
  const text = value instanceof Date ? value.toISOString() : value.trim();
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?/.exec(text);
  if (!match || Number.isNaN(Date.parse(text))) {
    throw new RangeError(`'${text}' is not an ISO 8601 date-time; write e.g. 2024-03-01T10:00:00`);
  }
  let wallMillis: number;
  const fraction = match[7] ?? "";
  if (value instanceof Date || hasUtcOffset(text)) {
    const instant = Date.parse(text);
    wallMillis = instant + offsetMinutes(zone, instant) * 60000;
  } else {
    const [y, mo, d, h, mi, s] = match.slice(1, 7).map((v) => Number(v ?? 0));
    wallMillis = Date.UTC(y!, mo! - 1, d!, h!, mi!, s!);
  }
  // the offset at that wall-clock time: guess with the offset at the same UTC reading, then correct once
  let offset = offsetMinutes(zone, wallMillis);
  offset = offsetMinutes(zone, wallMillis - offset * 60000);
  const wall = new Date(wallMillis).toISOString().slice(0, 19);
  return `${wall}${fraction}${formatOffset(offset)}`;
}

/** "+02:00" for "...+02:00", "+0200" or "Z" ("+00:00"); undefined without an offset. */
function offsetText(value: string): string | undefined {
  const match = /(Z|[+-]\d{2}:?\d{2})$/.exec(value);
  if (!match || !value.includes("T")) return undefined;
  const offset = match[1]!;
  return offset === "Z"
    ? "+00:00"
    : offset.includes(":")
      ? offset
      : `${offset.slice(0, 3)}:${offset.slice(3)}`;
}

/**
 * The `--timezone` rule: a start time without a UTC offset is read as wall-clock time in `zone` and gets
 * the zone's offset; a time that already has an offset is kept if that offset is the zone's at that instant,
 * and is an error otherwise (the zone would silently change the recorded time). Dates are instants and are
 * shown in `zone`.
 *
 * @example
 * ```ts
 * attachTimeZone("2020-11-03T10:35:10", "US/Pacific"); // "2020-11-03T10:35:10-08:00"
 * attachTimeZone("2020-11-03T10:35:10+02:00", "US/Pacific"); // throws MetadataValidationError
 * ```
 */
export function attachTimeZone(value: string | Date | undefined, zone: string): string {
  if (value === undefined || value instanceof Date) return withTimeZone(value, zone);
  const text = value.trim();
  const given = offsetText(text);
  const converted = withTimeZone(text, zone);
  if (given === undefined || given === offsetText(converted)) return given === undefined ? converted : text;
  throw new MetadataValidationError([
    {
      path: "NWBFile.session_start_time",
      value: text,
      message:
        `NWBFile.session_start_time '${text}' already has the offset ${given}, but ${zone} is ` +
        `${offsetText(converted)} at that time; drop the time zone option, or give the time without an offset`,
    },
  ]);
}
