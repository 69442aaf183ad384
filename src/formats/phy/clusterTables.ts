/**
 * Cluster property files of a Phy/Kilosort folder: `cluster_<name>.tsv` (or `.csv`), one row per cluster,
 * first column the cluster id, e.g. Kilosort's `cluster_KSLabel.tsv`, `cluster_ContamPct.tsv`,
 * `cluster_Amplitude.tsv`, Phy's `cluster_group.tsv` (curation) and `cluster_info.tsv` (a summary of
 * everything Phy shows), and any custom label a user added in Phy.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { SourceDataError } from "../../errors.js";

/** A property column gathered from the cluster files. */
export interface PhyColumn {
  readonly name: string;
  readonly description: string;
  /** `number` when every present value parses as a number, else `string`. */
  readonly type: "number" | "string";
  /** The file(s) the column came from. */
  readonly files: readonly string[];
}

/** Every property column and its values by cluster id (clusters without a value are absent). */
export interface ClusterProperties {
  readonly columns: readonly PhyColumn[];
  readonly values: ReadonlyMap<string, ReadonlyMap<number, number | string>>;
}

/** Descriptions of the columns Kilosort and Phy write; any other column is described by its file. */
export const KNOWN_COLUMN_DESCRIPTIONS: Readonly<Record<string, string>> = {
  KSLabel: "Kilosort's label (good/mua)",
  group: "curation label from Phy (good/mua/noise)",
  ContamPct: "Kilosort's estimate of the contamination rate (percent of spikes)",
  Amplitude: "Kilosort's template amplitude",
  amp: "Phy's mean spike amplitude",
  ch: "Phy's peak channel (index into channel_map)",
  depth: "Phy's depth of the cluster along the probe (same units as channel_positions, usually µm)",
  fr: "firing rate (Hz)",
  n_spikes: "number of spikes",
  sh: "shank of the peak channel",
};

/** The summary file Phy rewrites on save; dedicated files take precedence over it. */
const SUMMARY_FILE = /^cluster_info\.(tsv|csv)$/i;

const NUMBER = /^[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?|nan|inf|infinity)$/i;

/** Parses one property cell as Python's float() would, or returns undefined. */
function parseNumber(text: string): number | undefined {
  if (!NUMBER.test(text)) return undefined;
  const lower = text.toLowerCase().replace(/^\+/, "");
  if (lower === "nan" || lower === "-nan") return Number.NaN;
  if (lower === "inf" || lower === "infinity") return Number.POSITIVE_INFINITY;
  if (lower === "-inf" || lower === "-infinity") return Number.NEGATIVE_INFINITY;
  return Number(text);
}

/** Splits one line on `delimiter`, honouring double-quoted fields as Python's csv module writes them. */
function splitLine(line: string, delimiter: string): string[] {
  if (!line.includes('"')) return line.split(delimiter);
  const out: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === "") quoted = true;
    else if (c === delimiter) {
      out.push(field);
      field = "";
    } else field += c;
  }
  out.push(field);
  return out;
}

/**
 * Parses the text of one cluster file: returns the column names after the id column and, per cluster id,
 * the raw cells (trimmed; empty cells are missing values).
 */
export function parseClusterFile(
  text: string,
  file: string,
): { columns: string[]; rows: Map<number, (string | undefined)[]> } {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const headerLine = lines.findIndex((l) => l.trim() !== "");
  if (headerLine < 0) return { columns: [], rows: new Map() };
  const head = lines[headerLine]!;
  // The extension usually tells the delimiter, but files renamed by hand exist: look at the header.
  const delimiter = head.includes("\t") ? "\t" : head.includes(",") ? "," : /\.csv$/i.test(file) ? "," : "\t";
  const header = splitLine(head, delimiter).map((h) => h.trim());
  const columns = header.slice(1);
  const rows = new Map<number, (string | undefined)[]>();
  for (let i = headerLine + 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === "") continue;
    const cells = splitLine(line, delimiter).map((c) => c.trim());
    const id = Number(cells[0]);
    if (cells[0] === "" || !Number.isSafeInteger(id)) {
      throw new SourceDataError(
        file,
        `line ${i + 1}: the first column (${header[0] || "cluster_id"}) should be an integer cluster id, found '${cells[0]}'; fix or remove that line`,
      );
    }
    // Short rows (trailing empty cells dropped by an editor) are missing values, not an error.
    rows.set(
      id,
      columns.map((_, k) => {
        const cell = cells[k + 1];
        return cell === undefined || cell === "" ? undefined : cell;
      }),
    );
  }
  return { columns, rows };
}

/**
 * Reads every `cluster_*.tsv` / `cluster_*.csv` of `folder`. When two files give the same column, the
 * dedicated file wins over Phy's `cluster_info` summary (a curation saved by hand in `cluster_group.tsv` is
 * the newer truth); among dedicated files the alphabetically later one wins.
 */
export function readClusterProperties(folder: string): ClusterProperties {
  const names = readdirSync(folder)
    .filter((n) => /^cluster_.+\.(tsv|csv)$/i.test(n))
    .sort(
      (a, b) => Number(!SUMMARY_FILE.test(a)) - Number(!SUMMARY_FILE.test(b)) || (a < b ? -1 : a > b ? 1 : 0),
    );
  const raw = new Map<string, { files: string[]; cells: Map<number, string> }>();
  for (const name of names) {
    const file = join(folder, name);
    const { columns, rows } = parseClusterFile(readFileSync(file, "utf8"), file);
    columns.forEach((column, k) => {
      if (column === "") return;
      let entry = raw.get(column);
      if (!entry) {
        entry = { files: [], cells: new Map() };
        raw.set(column, entry);
      }
      entry.files.push(name);
      for (const [id, cells] of rows) {
        const cell = cells[k];
        if (cell !== undefined) entry.cells.set(id, cell);
      }
    });
  }
  const columns: PhyColumn[] = [];
  const values = new Map<string, Map<number, number | string>>();
  for (const [name, { files, cells }] of raw) {
    const numbers = new Map<number, number>();
    let numeric = cells.size > 0;
    for (const [id, cell] of cells) {
      const n = parseNumber(cell);
      if (n === undefined) {
        numeric = false;
        break;
      }
      numbers.set(id, n);
    }
    columns.push({
      name,
      description: KNOWN_COLUMN_DESCRIPTIONS[name] ?? `${name} (from ${files.join(", ")})`,
      type: numeric ? "number" : "string",
      files,
    });
    values.set(name, numeric ? numbers : new Map(cells));
  }
  return { columns, values };
}
