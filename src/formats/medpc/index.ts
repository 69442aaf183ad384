/**
 * Med-PC IV text output (Med Associates): one or more sessions, each a header of `Key: value` lines
 * (`Start Date: MM/DD/YY`, `Subject`, `Experiment`, `Group`, `Box`, `Start Time: h:mm:ss`, `End ...`, `MSN` =
 * the program) followed by the program's variables: scalars `K:    3601.000` and arrays `A:` whose values
 * follow on rows `   5:   1.000   2.000 ...` (the row label is the index of its first value).
 */
import { readFileSync } from "node:fs";
import { SourceDataError } from "../../errors.js";

/** One session (one box run) of a Med-PC file. */
export interface MedPCSession {
  /** Position in the file, from 0. */
  readonly index: number;
  /** Line of its `Start Date:` (from 1). */
  readonly line: number;
  /** Every header entry as written (`Start Date`, `Subject`, `Box`, `Start Time`, `MSN`, ...). */
  readonly header: ReadonlyMap<string, string>;
  /** Local start as ISO 8601 without zone, from `Start Date` and `Start Time`, when both are valid. */
  readonly startTime?: string;
  /** Single-letter scalar variables. */
  readonly scalars: ReadonlyMap<string, number>;
  /** Single-letter array variables (an array printed without rows is empty). */
  readonly arrays: ReadonlyMap<string, Float64Array>;
}

const pad = (n: string | number) => String(n).padStart(2, "0");

/** `MM/DD/YY` (or YYYY) and `h:mm:ss` as local ISO 8601; two-digit years below 70 are 20xx. */
function isoStart(date: string | undefined, time: string | undefined): string | undefined {
  const d = date && /^(\d{1,2})\/(\d{1,2})\/(\d{2}|\d{4})$/.exec(date.trim());
  const t = time && /^(\d{1,2}):(\d{2}):(\d{2})$/.exec(time.trim());
  if (!d || !t) return undefined;
  const year = d[3]!.length === 4 ? d[3]! : `${Number(d[3]) < 70 ? 20 : 19}${d[3]}`;
  return `${year}-${pad(d[1]!)}-${pad(d[2]!)}T${pad(t[1]!)}:${t[2]}:${t[3]}`;
}

/**
 * Reads every session of a Med-PC IV text file (CR, LF or CRLF line ends).
 *
 * @example
 * ```ts
 * const [session] = readMedPCFile("example_medpc_file_06_06_2024.txt");
 * session.header.get("Subject"); // "95.259"
 * session.arrays.get("B");       // Float64Array of the B array
 * ```
 */
export function readMedPCFile(path: string): MedPCSession[] {
  let text: string;
  try {
    text = readFileSync(path, "latin1");
  } catch (error) {
    throw new SourceDataError(path, `cannot read the Med-PC file (${(error as Error).message})`);
  }
  const sessions: MedPCSession[] = [];
  let current:
    | {
        line: number;
        header: Map<string, string>;
        scalars: Map<string, number>;
        arrays: Map<string, number[]>;
      }
    | undefined;
  let array: { name: string; values: number[] } | undefined;
  let file: string | undefined;
  const finish = () => {
    if (!current) return;
    const start = isoStart(current.header.get("Start Date"), current.header.get("Start Time"));
    sessions.push({
      index: sessions.length,
      line: current.line,
      header: current.header,
      ...(start && { startTime: start }),
      scalars: current.scalars,
      arrays: new Map([...current.arrays].map(([k, v]) => [k, Float64Array.from(v)])),
    });
  };
  const number = (value: string, line: number) => {
    const n = Number(value);
    if (value === "" || Number.isNaN(n))
      throw new SourceDataError(path, `line ${line}: '${value}' is not a number`);
    return n;
  };
  text.split(/\r\n|\r|\n/).forEach((raw, i) => {
    const line = i + 1;
    const trimmed = raw.trim();
    if (trimmed === "") return;
    const row = /^(\d+):\s*(.*)$/.exec(trimmed);
    if (row && array) {
      if (Number(row[1]) !== array.values.length) {
        throw new SourceDataError(
          path,
          `line ${line}: row ${row[1]} of array ${array.name} follows ${array.values.length} values (rows must continue the array)`,
        );
      }
      for (const value of row[2]!.split(/\s+/).filter(Boolean)) array.values.push(number(value, line));
      return;
    }
    const variable = /^([A-Z]):\s*(.*)$/.exec(trimmed);
    if (variable && current) {
      const [, name, value] = variable;
      if (value === "") {
        array = { name: name!, values: [] };
        current.arrays.set(name!, array.values);
      } else {
        array = undefined;
        current.scalars.set(name!, number(value!, line));
      }
      return;
    }
    const entry = /^([A-Za-z][A-Za-z ]*?)\s*:\s?(.*)$/.exec(trimmed);
    if (!entry) return; // comments and blank-ish lines between sessions
    array = undefined;
    const [, key, value] = entry;
    if (key === "File") {
      // `File:` precedes the session it belongs to (once per file, or once per session)
      file = value!.trim();
      return;
    }
    if (key === "Start Date") {
      finish();
      current = {
        line,
        header: new Map(file === undefined ? [] : [["File", file]]),
        scalars: new Map(),
        arrays: new Map(),
      };
    }
    current?.header.set(key!, value!.trim());
  });
  finish();
  if (sessions.length === 0) {
    throw new SourceDataError(path, "no 'Start Date:' line: not a Med-PC text file (or an empty one)");
  }
  return sessions;
}
