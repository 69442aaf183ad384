/**
 * CellExplorer units: `<basename>.spikes.cellinfo.mat` (the `spikes` struct: `times{k}` in seconds,
 * `ts{k}` in samples, `UID`, `cluID`, `shankID`, `maxWaveformCh` (0-based), `region`, `sr`) and
 * `<basename>.cell_metrics.cellinfo.mat` (the `cell_metrics` struct: one value per cell for each metric, text
 * metrics as cells of strings, `spikes.times`, `UID`, and nested structs of curves and waveforms). Layouts
 * from CellExplorer's documentation ("Data structures and formats").
 */
import { existsSync } from "node:fs";
import { basename } from "node:path";
import { SourceDataError } from "../../errors.js";
import { isMatStruct, MatArray, type MatStruct, type MatValue, openMatFileSync } from "../matlab/index.js";

/** One unit: its CellExplorer UID, spike times in seconds, and its per-unit values. */
export interface CellExplorerUnit {
  readonly uid: number;
  readonly spikeTimes: Float64Array;
  /** Spike sample indices (`spikes.ts`), when stored. */
  readonly spikeSamples?: Float64Array;
  readonly properties: Readonly<Record<string, number | string>>;
}

/** The units of a spikes or cell_metrics file, with the metrics found beside it. */
export interface CellExplorerUnits {
  readonly file: string;
  /** `spikes.sr`, when stored. */
  readonly samplingRate: number | undefined;
  readonly units: readonly CellExplorerUnit[];
  /** Descriptions of the property columns. */
  readonly descriptions: Readonly<Record<string, string>>;
  /** Fields not written as columns (curves, waveforms, fields whose length is not one per unit). */
  readonly leftOut: readonly string[];
}

const SPIKES_FIELDS: Record<string, [string, string]> = {
  cluID: ["clu_id", "cluster id of the unit in the spike sorting (cluID)"],
  shankID: ["shank_id", "shank (electrode group) the unit was found on, 1-based (shankID)"],
  maxWaveformCh: ["max_waveform_channel", "0-based channel of the unit's largest waveform (maxWaveformCh)"],
  region: ["location", "brain region of the unit (region)"],
  brainRegion: ["location", "brain region of the unit (brainRegion)"],
};

/** Fields that are not per-unit values or that the units already carry. */
const NOT_COLUMNS = new Set([
  "UID",
  "times",
  "ts",
  "ids",
  "spikes",
  "general",
  "sr",
  "numcells",
  "basename",
  "sessionName",
]);

function readStruct(path: string, names: readonly string[]): { name: string; value: MatStruct } {
  if (!existsSync(path)) throw new SourceDataError(path, "the file does not exist");
  const mat = openMatFileSync(path);
  try {
    const name = names.find((n) => mat.variableNames.includes(n));
    const value = name === undefined ? undefined : mat.read(name);
    if (name === undefined || !isMatStruct(value)) {
      throw new SourceDataError(
        path,
        `holds no ${names.map((n) => `'${n}'`).join(" or ")} struct (variables: ${mat.variableNames.join(", ")})`,
      );
    }
    return { name, value };
  } finally {
    mat.close();
  }
}

/** One value per unit, when the field is a numeric array or a cell of strings of that length. */
function perUnit(value: MatValue | undefined, count: number): (number | string)[] | undefined {
  if (value instanceof MatArray && value.length === count && !value.imag) {
    return Array.from(value.data as ArrayLike<number | bigint>, Number);
  }
  if (Array.isArray(value) && value.length === count) {
    const texts = value.map((item) =>
      typeof item === "string" ? item : Array.isArray(item) && item.length === 0 ? "" : undefined,
    );
    if (texts.every((t) => t !== undefined)) return texts as string[];
  }
  return undefined;
}

function spikeLists(value: MatValue | undefined, file: string, field: string): Float64Array[] {
  if (!Array.isArray(value))
    throw new SourceDataError(file, `'${field}' should be a cell of spike time arrays`);
  return value.map((item, k) => {
    if (!(item instanceof MatArray)) throw new SourceDataError(file, `'${field}{${k + 1}}' is not numeric`);
    return Float64Array.from(item.data as ArrayLike<number>, Number);
  });
}

/**
 * Units of a `*.spikes.cellinfo.mat` or `*.cell_metrics.cellinfo.mat` file; the metrics of
 * `metricsFile` (a cell_metrics file beside a spikes file) are added as columns, matched by UID.
 *
 * @example
 * ```ts
 * const { units } = readCellExplorerUnits("session.spikes.cellinfo.mat", "session.cell_metrics.cellinfo.mat");
 * ```
 */
export function readCellExplorerUnits(filePath: string, metricsFile?: string): CellExplorerUnits {
  const { name, value } = readStruct(filePath, ["spikes", "cell_metrics"]);
  const times = spikeLists(
    name === "spikes" ? value.times : (value.spikes as MatStruct | undefined)?.times,
    filePath,
    `${name}.times`,
  );
  const count = times.length;
  const uids = perUnit(value.UID, count) ?? times.map((_, k) => k + 1);
  const samples =
    name === "spikes" && Array.isArray(value.ts) ? spikeLists(value.ts, filePath, "spikes.ts") : undefined;
  const properties: Record<string, number | string>[] = times.map(() => ({}));
  const descriptions: Record<string, string> = {};
  const leftOut: string[] = [];
  for (const [field, fieldValue] of Object.entries(value)) {
    if (NOT_COLUMNS.has(field)) continue;
    const values = perUnit(fieldValue, count);
    const [column, description] = SPIKES_FIELDS[field] ?? [field, `${field} from ${basename(filePath)}`];
    if (!values) {
      leftOut.push(field);
      continue;
    }
    if (column in descriptions) continue;
    descriptions[column] = description;
    values.forEach((v, unit) => {
      properties[unit]![column] = v;
    });
  }
  if (metricsFile && existsSync(metricsFile) && metricsFile !== filePath) {
    const metrics = readStruct(metricsFile, ["cell_metrics"]).value;
    const metricUids = perUnit(metrics.UID, (metrics.UID as MatArray | undefined)?.length ?? -1) ?? [];
    // Unit k takes the metrics of the cell with its UID; cells without a unit are left out.
    const order = uids.map((uid) => metricUids.indexOf(uid));
    for (const [field, fieldValue] of Object.entries(metrics)) {
      if (NOT_COLUMNS.has(field) || field in SPIKES_FIELDS) continue;
      const values = perUnit(fieldValue, metricUids.length);
      if (!values) {
        leftOut.push(field);
        continue;
      }
      if (field in descriptions) continue;
      descriptions[field] = `${field} from ${basename(metricsFile)}`;
      order.forEach((at, unit) => {
        properties[unit]![field] = at >= 0 ? values[at]! : typeof values[0] === "string" ? "" : Number.NaN;
      });
    }
  }
  const rate = name === "spikes" && value.sr instanceof MatArray ? Number(value.sr.data[0]) : undefined;
  return {
    file: filePath,
    samplingRate: rate,
    units: times.map((spikeTimes, k) => ({
      uid: Number(uids[k]),
      spikeTimes,
      ...(samples?.[k] && { spikeSamples: samples[k] }),
      properties: properties[k]!,
    })),
    descriptions,
    leftOut: [...new Set(leftOut)],
  };
}
