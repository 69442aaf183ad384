/**
 * The text headers of Axona DacqUSB files, per Axona's "DacqUSB file formats" document: lines of
 * `key value` (cp1252, CR LF), then for data files the word `data_start`, the binary data and
 * `\r\ndata_end\r\n`. A `.set` file is a header alone.
 */
import { SourceDataError } from "../../errors.js";
import { readFullySync, withOpenFile } from "../binary.js";

/** A DacqUSB header and where its binary data lie. */
export interface AxonaHeader {
  readonly path: string;
  readonly fields: ReadonlyMap<string, string>;
  /** Byte offset of the first data byte (after `data_start`); the file size for a `.set`. */
  readonly dataStart: number;
  /** Byte offset after the last data byte (before `\r\ndata_end`, or the file's end when it is missing). */
  readonly dataEnd: number;
  /** Whether the file ends with the `data_end` marker (a file cut short lacks it). */
  readonly complete: boolean;
}

const DATA_START = "data_start";
const DATA_END = "\r\ndata_end";
/** Headers are a few kB; a file without `data_start` in its first MiB is not a DacqUSB data file. */
const MAX_HEADER = 1 << 20;

function parseFields(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.replace(/\r$/, "");
    if (trimmed === "") continue;
    const space = trimmed.indexOf(" ");
    const key = space === -1 ? trimmed : trimmed.slice(0, space);
    if (!fields.has(key)) fields.set(key, space === -1 ? "" : trimmed.slice(space + 1).trim());
  }
  return fields;
}

/** Reads a DacqUSB header; `hasData` false for a `.set` (no `data_start`). */
export function readAxonaHeader(path: string, hasData: boolean): AxonaHeader {
  return withOpenFile(path, (fd, _path, size) => {
    const head = Buffer.alloc(Math.min(size, MAX_HEADER));
    readFullySync(fd, head, 0, path);
    const text = head.toString("latin1");
    if (!hasData) {
      const fields = parseFields(text);
      if (!fields.has("trial_date") && !fields.has("sw_version")) {
        throw new SourceDataError(path, "is not an Axona .set file (no trial_date or sw_version line)");
      }
      return { path, fields, dataStart: size, dataEnd: size, complete: true };
    }
    const start = text.indexOf(DATA_START);
    if (start === -1) {
      throw new SourceDataError(path, `has no '${DATA_START}' line: it is not an Axona DacqUSB data file`);
    }
    const tail = Buffer.alloc(Math.min(size, 16));
    readFullySync(fd, tail, size - tail.length, path);
    const end = tail.toString("latin1").lastIndexOf(DATA_END);
    const complete = end !== -1;
    return {
      path,
      fields: parseFields(text.slice(0, start)),
      dataStart: start + DATA_START.length,
      dataEnd: complete ? size - tail.length + end : size,
      complete,
    };
  });
}

/** A header field as a number ("250.0 hz" → 250); a missing or malformed one is a SourceDataError. */
export function numberField(header: Pick<AxonaHeader, "path" | "fields">, key: string): number {
  const value = optionalNumberField(header, key);
  if (value === undefined) throw new SourceDataError(header.path, `has no '${key}' line in its header`);
  return value;
}

/** A header field as a number, undefined when absent. */
export function optionalNumberField(
  header: Pick<AxonaHeader, "path" | "fields">,
  key: string,
): number | undefined {
  const text = header.fields.get(key);
  if (text === undefined || text === "") return undefined;
  const value = Number(text.replace(/\s*hz$/i, ""));
  if (!Number.isFinite(value)) throw new SourceDataError(header.path, `'${key}' is '${text}', not a number`);
  return value;
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/** `trial_date` ("Sunday, 4 Oct 2020") and `trial_time` ("11:07:07") as ISO 8601 local time. */
export function trialStart(header: Pick<AxonaHeader, "fields">): string | undefined {
  const date = /(\d{1,2})\s+([A-Za-z]{3})[A-Za-z]*\s+(\d{4})/.exec(header.fields.get("trial_date") ?? "");
  const time = /^(\d{1,2}):(\d{2}):(\d{2})/.exec(header.fields.get("trial_time") ?? "");
  const month = date ? MONTHS.indexOf(date[2]!.toLowerCase()) + 1 : 0;
  if (!date || !time || month === 0) return undefined;
  const two = (s: string) => s.padStart(2, "0");
  return `${date[3]}-${two(String(month))}-${two(date[1]!)}T${two(time[1]!)}:${time[2]}:${time[3]}`;
}
