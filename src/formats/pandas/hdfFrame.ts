/**
 * pandas DataFrames saved with `DataFrame.to_hdf` (PyTables layout), read through our HDF5 reader:
 * the "table" format (a compound `table` dataset of the index and one array field per values block; column
 * labels pickled in the group's `non_index_axes` and the table's `values_block_<n>_kind` attributes) and the "fixed"
 * format (`axis0*`/`axis1*` label datasets and `block<n>_values` 2-D arrays). Numeric columns only.
 * Layouts from pandas' `io/pytables.py` documentation and PyTables' table format.
 */
import { SourceDataError } from "../../errors.js";
import type { StorageReader, StoredValue } from "../../storage/types.js";
import { type PickleValue, unpickle } from "../pickle.js";

export interface PandasFrame {
  /** Label of every column: one string per column level (e.g. scorer, bodyparts, coords). */
  readonly columns: readonly (readonly string[])[];
  /** Names of the column levels, when pandas stored them. */
  readonly levelNames: readonly string[];
  /** Row index values (e.g. frame numbers), one per row. */
  readonly index: readonly (number | string)[];
  /** Every value as float64, row-major: `values[row * columns.length + column]`. */
  readonly values: Float64Array;
}

/** A column label: a tuple (one item per level; labels are never lists, which Python cannot hash) or one value. */
function labelOf(value: PickleValue): string[] {
  return (Array.isArray(value) ? value : [value]).map((item) => String(item));
}

/** PyTables stores protocol-0 pickles as text attributes; the unpickler reads their bytes. */
function pickleBytes(value: StoredValue | undefined): Uint8Array {
  if (value instanceof Uint8Array) return value;
  const decoded = text(value);
  // text our HDF5 reader decoded as UTF-8 goes back to those bytes; otherwise each char is one Latin-1 byte
  return [...decoded].some((c) => c.charCodeAt(0) > 0xff)
    ? new TextEncoder().encode(decoded)
    : Uint8Array.from(decoded, (c) => c.charCodeAt(0));
}

function text(value: StoredValue | undefined): string {
  if (typeof value === "string") return value;
  if (value instanceof Uint8Array) return new TextDecoder("latin1").decode(value);
  return String(value ?? "");
}

function tableFrame(reader: StorageReader, path: string, group: string): PandasFrame {
  const attribute = (name: string, on = group) => {
    const value = reader.getAttribute(on, name);
    if (value === undefined) throw new SourceDataError(path, `${on}: attribute '${name}' is missing`);
    return unpickle(pickleBytes(value), `${path}: ${on}/${name}`);
  };
  const axes = attribute("non_index_axes") as PickleValue[];
  const columnAxis = axes.find((axis) => Array.isArray(axis) && axis[0] === 1) as PickleValue[] | undefined;
  if (!columnAxis) throw new SourceDataError(path, `${group}: 'non_index_axes' names no column axis`);
  const columns = (columnAxis[1] as PickleValue[]).map(labelOf);
  const info = attribute("info") as Record<string, Record<string, PickleValue> | undefined>;
  const names = (info["1"]?.names as PickleValue[] | undefined) ?? [];
  const key = (label: readonly string[]) => label.join("\u0000");
  const position = new Map(columns.map((label, i) => [key(label), i]));
  const blocks = (attribute("values_cols") as string[]).map((name) => ({
    name,
    columns: (attribute(`${name}_kind`, `${group}/table`) as PickleValue[]).map((label) => {
      const at = position.get(key(labelOf(label)));
      if (at === undefined)
        throw new SourceDataError(path, `${group}: block ${name} has a column not in the frame`);
      return at;
    }),
  }));
  const rows = reader.readDataset(`${group}/table`) as unknown as Record<string, unknown>[];
  const values = new Float64Array(rows.length * columns.length);
  const index: (number | string)[] = [];
  rows.forEach((row, r) => {
    const label = row.index;
    index.push(typeof label === "bigint" ? Number(label) : (label as number | string));
    for (const block of blocks) {
      const data = row[block.name] as ArrayLike<number> | number;
      block.columns.forEach((column, k) => {
        values[r * columns.length + column] = Number(typeof data === "number" ? data : data[k]);
      });
    }
  });
  return { columns, levelNames: names.map(String), index, values };
}

/** Labels of a fixed-format axis: plain (`axisN`) or a MultiIndex (`axisN_level<k>` + `axisN_label<k>` codes). */
function fixedAxis(reader: StorageReader, group: string, axis: string): string[][] {
  const values = (name: string) => Array.from(reader.readDataset(`${group}/${name}`) as ArrayLike<unknown>);
  if (reader.kind(`${group}/${axis}`) === "dataset") return values(axis).map((v) => [String(v)]);
  const levels = Number(reader.getAttribute(group, `${axis}_nlevels`) ?? 0);
  const perLevel = Array.from({ length: levels }, (_, k) => {
    const names = values(`${axis}_level${k}`).map(String);
    return values(`${axis}_label${k}`).map((code) => names[Number(code)]!);
  });
  return perLevel[0]!.map((_, i) => perLevel.map((level) => level[i]!));
}

function fixedFrame(reader: StorageReader, group: string): PandasFrame {
  const columns = fixedAxis(reader, group, "axis0");
  const index = fixedAxis(reader, group, "axis1").map((label) => {
    const number = Number(label[0]);
    return Number.isFinite(number) ? number : label[0]!;
  });
  const position = new Map(columns.map((label, i) => [label.join("\u0000"), i]));
  const values = new Float64Array(index.length * columns.length);
  const blocks = Number(reader.getAttribute(group, "nblocks") ?? 1);
  for (let b = 0; b < blocks; b++) {
    const items = fixedAxis(reader, group, `block${b}_items`).map(
      (label) => position.get(label.join("\u0000"))!,
    );
    const block = reader.readDataset(`${group}/block${b}_values`) as ArrayLike<number>;
    for (let r = 0; r < index.length; r++) {
      items.forEach((column, k) => {
        values[r * columns.length + column] = Number(block[r * items.length + k]);
      });
    }
  }
  const names =
    columns[0]?.map((_, k) => text(reader.getAttribute(`${group}/axis0_level${k}`, "name"))) ?? [];
  return { columns, levelNames: names, index, values };
}

/**
 * The DataFrame stored under `key` (e.g. "df_with_missing"), or the only one in the file.
 *
 * @example
 * ```ts
 * const file = await hdf5Backend.open("videoDLC_resnet50.h5");
 * const frame = readPandasFrame(file, "videoDLC_resnet50.h5");
 * ```
 */
export function readPandasFrame(reader: StorageReader, path: string, key?: string): PandasFrame {
  const groups = key
    ? [key]
    : reader.children("/").filter((name) => reader.getAttribute(`/${name}`, "pandas_type"));
  if (groups.length !== 1) {
    throw new SourceDataError(
      path,
      `expected one pandas DataFrame in the file, found ${groups.length} (${groups.join(", ")})`,
    );
  }
  const group = `/${groups[0]}`;
  const kind = text(reader.getAttribute(group, "pandas_type"));
  if (kind === "frame_table") return tableFrame(reader, path, group);
  if (kind === "frame") return fixedFrame(reader, group);
  throw new SourceDataError(path, `${group}: pandas_type '${kind}' is not a DataFrame this package reads`);
}
