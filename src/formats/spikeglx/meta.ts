/**
 * The SpikeGLX `.meta` file: one `key=value` per line (CRLF on Windows, LF elsewhere), plus table entries
 * whose key starts with `~` and whose value is a run of parenthesised groups, e.g.
 * `~imroTbl=(0,384)(0 0 0 500 250 1)(1 0 0 500 250 1)...`.
 *
 * Format reference: SpikeGLX `Markdown/Metadata_Help.md` (billkarsh/SpikeGLX), "Metafile Tags".
 */
import { readFileSync } from "node:fs";
import { SourceDataError } from "../../errors.js";

/** One `~name=(header)(entry)(entry)...` table of a `.meta` file. */
export interface MetaTable {
  /** Fields of the first parenthesised group, split on commas, e.g. `["0", "384"]`. */
  readonly header: readonly string[];
  /** Text inside each following parenthesised group, e.g. `"0 0 0 500 250 1"` or `"AP0;0:0"`. */
  readonly entries: readonly string[];
}

const REPAIR_HINT =
  "the .meta file may be damaged or incomplete; restore the original file written by SpikeGLX next to its .bin";

/**
 * A parsed `.meta` file. Values are kept as text and converted by the typed getters, which throw a
 * {@link SourceDataError} naming the file and the key when a required key is missing or malformed.
 */
export class SpikeGLXMeta {
  private constructor(
    /** Path of the `.meta` file (used in error messages). */
    readonly path: string,
    private readonly values: ReadonlyMap<string, string>,
    private readonly tables: ReadonlyMap<string, string>,
  ) {}

  /** Parses the text of a `.meta` file; `path` only names the file in errors. */
  static parse(text: string, path: string): SpikeGLXMeta {
    const values = new Map<string, string>();
    const tables = new Map<string, string>();
    const lines = text.split(/\r?\n/);
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (line.trim() === "") continue;
      const eq = line.indexOf("=");
      if (eq <= 0) {
        throw new SourceDataError(
          path,
          `line ${i + 1} is not of the form key=value ("${line.slice(0, 60)}"); this is not a SpikeGLX .meta file, or ${REPAIR_HINT}`,
        );
      }
      const key = line.slice(0, eq).trim();
      // Values are trimmed: some SpikeGLX versions leave a trailing tab (seen in imDatBsc_pn).
      const value = line.slice(eq + 1).trim();
      if (key.startsWith("~")) tables.set(key.slice(1), value);
      else values.set(key, value);
    }
    if (values.size === 0) {
      throw new SourceDataError(path, `no key=value lines found; this is not a SpikeGLX .meta file`);
    }
    return new SpikeGLXMeta(path, values, tables);
  }

  /** Reads and parses a `.meta` file. */
  static read(path: string): SpikeGLXMeta {
    let text: string;
    try {
      text = readFileSync(path, "latin1");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new SourceDataError(
        path,
        code === "ENOENT"
          ? "the metadata file does not exist; SpikeGLX writes a .meta beside every .bin, copy it there"
          : `cannot read the metadata file (${(error as Error).message})`,
      );
    }
    return SpikeGLXMeta.parse(text, path);
  }

  /** Whether a plain key (`imSampRate`) or a table (`~imroTbl`, given with or without `~`) is present. */
  has(key: string): boolean {
    return key.startsWith("~") ? this.tables.has(key.slice(1)) : this.values.has(key) || this.tables.has(key);
  }

  /** The plain keys, in file order. */
  keys(): string[] {
    return [...this.values.keys()];
  }

  /** A required text value; blank counts as missing. */
  string(key: string): string {
    const value = this.values.get(key);
    if (value === undefined) throw this.missing(key);
    if (value === "") throw new SourceDataError(this.path, `required key '${key}' is empty; ${REPAIR_HINT}`);
    return value;
  }

  /** An optional text value; absent or blank (SpikeGLX writes inapplicable values blank) gives undefined. */
  optionalString(key: string): string | undefined {
    const value = this.values.get(key);
    return value === undefined || value === "" ? undefined : value;
  }

  /** A required finite number. */
  number(key: string): number {
    return this.toNumber(key, this.string(key));
  }

  /** An optional finite number (absent or blank gives undefined; present but not a number throws). */
  optionalNumber(key: string): number | undefined {
    const text = this.optionalString(key);
    return text === undefined ? undefined : this.toNumber(key, text);
  }

  /** A required integer. */
  integer(key: string): number {
    return this.toInteger(key, this.number(key));
  }

  /** An optional integer. */
  optionalInteger(key: string): number | undefined {
    const value = this.optionalNumber(key);
    return value === undefined ? undefined : this.toInteger(key, value);
  }

  /** A required comma-separated list of integers, e.g. `snsApLfSy=384,0,1`. */
  integers(key: string, count?: number): number[] {
    const parts = this.string(key).split(",");
    const values = parts.map((part) => this.toInteger(key, this.toNumber(key, part.trim())));
    if (count !== undefined && values.length !== count) {
      throw new SourceDataError(
        this.path,
        `key '${key}' should hold ${count} comma-separated integers but holds ${values.length} ("${this.string(key)}"); ${REPAIR_HINT}`,
      );
    }
    return values;
  }

  /** A required table, named without its `~` (e.g. `imroTbl`). */
  table(name: string): MetaTable {
    const table = this.optionalTable(name);
    if (table === undefined) throw this.missing(`~${name}`);
    return table;
  }

  /** An optional table, named without its `~`. */
  optionalTable(name: string): MetaTable | undefined {
    const text = this.tables.get(name);
    if (text === undefined || text === "") return undefined;
    if (!text.startsWith("(") || !text.endsWith(")")) {
      throw new SourceDataError(
        this.path,
        `table '~${name}' should be a run of parenthesised groups "(...)(...)" but starts "${text.slice(0, 40)}"; ${REPAIR_HINT}`,
      );
    }
    const groups = text.slice(1, -1).split(/\)\s*\(/);
    return {
      header: groups[0]!.split(",").map((field) => field.trim()),
      entries: groups.slice(1),
    };
  }

  private missing(key: string): SourceDataError {
    return new SourceDataError(this.path, `required key '${key}' is missing; ${REPAIR_HINT}`);
  }

  private toNumber(key: string, text: string): number {
    const value = text === "" ? Number.NaN : Number(text);
    if (!Number.isFinite(value)) {
      throw new SourceDataError(
        this.path,
        `key '${key}' should be a number but is "${text}"; ${REPAIR_HINT}`,
      );
    }
    return value;
  }

  private toInteger(key: string, value: number): number {
    if (!Number.isInteger(value)) {
      throw new SourceDataError(
        this.path,
        `key '${key}' should be an integer but is ${value}; ${REPAIR_HINT}`,
      );
    }
    return value;
  }
}

/**
 * Expands a SpikeGLX "printer-like" channel list (`0:383,768`, ranges inclusive) or `all` into channel
 * indices, as used by `snsSaveChanSubset`. `total` is the channel count that `all` stands for.
 */
export function parseChannelList(meta: SpikeGLXMeta, key: string, total: number): number[] {
  const text = meta.string(key);
  if (text.toLowerCase() === "all") return Array.from({ length: total }, (_, i) => i);
  const channels: number[] = [];
  for (const part of text.split(",")) {
    const match = /^\s*(\d+)\s*(?::\s*(\d+)\s*)?$/.exec(part);
    if (!match) {
      throw new SourceDataError(
        meta.path,
        `key '${key}' should be 'all' or a list like 0:383,768 but contains "${part}"; ${REPAIR_HINT}`,
      );
    }
    const first = Number(match[1]);
    const last = match[2] === undefined ? first : Number(match[2]);
    for (let channel = first; channel <= last; channel++) channels.push(channel);
  }
  return channels;
}
