/**
 * FicTrac's `config.txt`: `key : value` lines (values may be `{ ... }` lists, possibly nested) under a
 * `## FicTrac v2.1.1 config file (build date Jul 24 2023)` comment.
 */
import { readFileSync } from "node:fs";
import { SourceDataError } from "../../errors.js";

/** The parameters of a FicTrac run, as written in its config file. */
export interface FicTracConfig {
  readonly path: string;
  /** FicTrac version from the first comment line, e.g. "v2.1.1". */
  readonly version?: string;
  readonly buildDate?: string;
  /** Every `key : value`, values as written. */
  readonly entries: ReadonlyMap<string, string>;
}

/**
 * Reads a FicTrac `config.txt`.
 *
 * @example
 * ```ts
 * const config = readFicTracConfig("config.txt");
 * config.entries.get("src_fn"); // "sample.mp4"
 * ```
 */
export function readFicTracConfig(path: string): FicTracConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new SourceDataError(path, `cannot read the FicTrac config (${(error as Error).message})`);
  }
  const entries = new Map<string, string>();
  let version: string | undefined;
  let buildDate: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    const comment = /^#+\s*FicTrac\s+(\S+)\s+config file(?:\s+\(build date ([^)]*)\))?/.exec(line);
    if (comment) {
      version = comment[1];
      buildDate = comment[2];
      continue;
    }
    const entry = /^\s*([A-Za-z_][\w]*)\s*:\s*(.*?)\s*$/.exec(line);
    if (entry) entries.set(entry[1]!, entry[2]!);
  }
  if (entries.size === 0)
    throw new SourceDataError(path, "no 'key : value' lines: not a FicTrac config file");
  return {
    path,
    ...(version !== undefined && { version }),
    ...(buildDate !== undefined && { buildDate }),
    entries,
  };
}
