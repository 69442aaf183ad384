/**
 * ISO 8601 date-times as NWB stores them: text that keeps the UTC offset it was given.
 */

const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** Whether an ISO 8601 date-time string carries a UTC offset (`Z` or `+hh:mm`). */
export function hasUtcOffset(value: string): boolean {
  return /(?:Z|[+-]\d{2}:?\d{2})$/.test(value) && value.includes("T");
}

/**
 * Text for a date-time: an ISO 8601 string is kept as given (offset included); a Date becomes UTC (`...Z`).
 * Throws on anything else, naming the value.
 */
export function formatDatetime(value: string | Date): string {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new RangeError("invalid Date (NaN)");
    return value.toISOString();
  }
  const text = value.trim();
  if (!ISO_DATETIME.test(text) || Number.isNaN(Date.parse(text))) {
    throw new RangeError(`'${value}' is not an ISO 8601 date-time; write e.g. 2024-03-01T10:00:00-08:00`);
  }
  return text;
}

function pad(n: number, width = 2): string {
  return String(Math.trunc(Math.abs(n))).padStart(width, "0");
}

/** ISO 8601 text for an instant in this machine's local time zone, with its offset. */
export function localIso(date: Date): string {
  const offsetMinutes = -date.getTimezoneOffset();
  const sign = offsetMinutes >= 0 ? "+" : "-";
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}` +
    `${sign}${pad(offsetMinutes / 60)}:${pad(offsetMinutes % 60)}`
  );
}

export function localIsoNow(): string {
  return localIso(new Date());
}

/**
 * Like {@link formatDatetime}, but the text must carry a UTC offset: pynwb refuses to read an NWB file whose
 * session_start_time, timestamps_reference_time or date_of_birth has none.
 */
export function formatZonedDatetime(value: string | Date, field: string): string {
  const text = formatDatetime(value);
  if (!hasUtcOffset(text)) {
    throw new RangeError(
      `${field} '${text}' has no UTC offset, and NWB readers refuse such files; ` +
        `write e.g. ${text.includes("T") ? text : `${text}T00:00:00`}-08:00, or use withTimeZone(value, "US/Pacific")`,
    );
  }
  return text;
}

/** The time zone of the machine running the conversion (an IANA name such as Europe/Paris). */
export function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}
