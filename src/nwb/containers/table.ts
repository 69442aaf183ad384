/**
 * DynamicTable, stored column by column.
 *
 * Rows are appended to per-column arrays (amortized O(1) per row), and datasets (`id`, VectorData,
 * VectorIndex, DynamicTableRegion) are created only when the file is written. Ragged columns keep a
 * flat value array plus the running end offsets that become the VectorIndex.
 */

import { randomUUID } from "node:crypto";
import {
  allocate,
  type Dtype,
  dtypeForJsNumbers,
  dtypeOfTypedArray,
  elementCount,
  isAtLeast,
  isNumericDtype,
  isTypedArray,
  type NumericDtype,
  toTypedArray,
} from "../../data/dtype.js";
import {
  type DataInput,
  DatasetNode,
  GroupNode,
  type NDArray,
  type NodeReference,
  ndarray,
  normalizeData,
  shapeOf,
  type TypeIdentity,
} from "./node.js";

const HDMF = "hdmf-common";

/**
 * Row ids and row indices (ElementIdentifiers, DynamicTableRegion): the schema asks for at least int32; JS
 * integers reach 2^53 and pynwb writes Python ints as int64, so int64.
 */
export const ROW_INDEX_DTYPE: NumericDtype = "int64";
const ID_DTYPE = ROW_INDEX_DTYPE;
const REGION_DTYPE = ROW_INDEX_DTYPE;

/** How a column is declared; NWB tables predeclare their standard columns with these. */
export interface ColumnSpec {
  readonly name: string;
  readonly description: string;
  /**
   * Element dtype, a minimum as in the schema: typed-array cells keep their own dtype and plain JS numbers
   * under a float32 minimum are stored as float64 (see `dtypeForJsNumbers`). Inferred from the first value
   * when omitted (numbers become float64).
   */
  readonly dtype?: Dtype;
  /** Ragged column: each row holds a list of values (adds a `<name>_index` VectorIndex). */
  readonly index?: boolean;
  /** Region column: values are row indices into this table (a DynamicTableRegion). */
  readonly table?: DynamicTable;
  /**
   * Region column into the one table of this type in the file, found when the file is written (the schema
   * fixes the target type of some region columns, e.g. SimultaneousRecordingsTable's `recordings`).
   */
  readonly tableType?: string;
  /**
   * A region column the schema declares without fixing the table it points into (Units' `electrodes`): it
   * needs its table ({@link DynamicTable.setRegionTable}) before rows can fill it.
   */
  readonly region?: boolean;
  /** Data type of the column dataset when it is a VectorData subtype (e.g. TimeSeriesReferenceVectorData). */
  readonly columnType?: TypeIdentity;
}

type Cell = string | number | bigint | boolean | NodeReference | Readonly<Record<string, unknown>>;

export class Column {
  /** Flat values of every row (for ragged columns, all rows' lists concatenated). */
  readonly values: Cell[] = [];
  /** For ragged columns: end offset of each row in `values`. */
  readonly ends: number[] | undefined;
  /** object_id of the column dataset and of its index: the same however often the file is planned. */
  readonly objectIds = { data: randomUUID(), index: randomUUID() };

  constructor(readonly spec: ColumnSpec) {
    this.ends = spec.index ? [] : undefined;
  }

  get name(): string {
    return this.spec.name;
  }

  get rowCount(): number {
    return this.ends ? this.ends.length : this.values.length;
  }

  push(cell: unknown): void {
    if (this.ends) {
      if (!Array.isArray(cell)) {
        throw new TypeError(`column '${this.name}' is ragged: give a list of values for each row`);
      }
      for (const v of cell) this.values.push(v as Cell);
      this.ends.push(this.values.length);
    } else {
      this.values.push(cell as Cell);
    }
  }

  /** Values of one row (a list for ragged columns). */
  row(i: number): unknown {
    if (!this.ends) return this.values[i];
    return this.values.slice(i === 0 ? 0 : this.ends[i - 1], this.ends[i]);
  }
}

export interface DynamicTableOptions {
  readonly name: string;
  readonly description: string;
  /** Predeclared columns, created empty; more can be added with {@link DynamicTable.addColumn}. */
  readonly columns?: readonly ColumnSpec[];
}

/**
 * A table whose columns are added at will.
 *
 * @example
 * ```ts
 * const table = new DynamicTable({ name: "stimuli", description: "presented stimuli" });
 * table.addColumn({ name: "contrast", description: "Michelson contrast" });
 * table.addRow({ contrast: 0.5 });
 * ```
 */
export class DynamicTable extends GroupNode {
  readonly description: string;
  readonly columns = new Map<string, Column>();
  readonly ids: number[] = [];
  /** Standard columns the type defines; they are created on first use. */
  private readonly declared = new Map<string, ColumnSpec>();
  /** object_id of the row ids dataset (stable across plans, like the columns'). */
  private readonly idsObjectId = randomUUID();

  constructor(
    options: DynamicTableOptions,
    type: TypeIdentity = { neurodataType: "DynamicTable", namespace: HDMF },
  ) {
    super(options.name, type);
    this.description = options.description;
    for (const spec of options.columns ?? []) this.declared.set(spec.name, spec);
  }

  get length(): number {
    return this.ids.length;
  }

  override typeNamespaces(): string[] {
    const columnTypes = [...this.columns.values()].map((c) => c.spec.columnType?.namespace);
    return [...super.typeNamespaces(), ...columnTypes.filter((ns) => ns !== undefined)];
  }

  /** Declares a standard column without creating it. */
  protected declareColumn(spec: ColumnSpec): void {
    this.declared.set(spec.name, spec);
  }

  /** Adds a column; when rows already exist, `values` must give one entry per row. */
  addColumn(spec: ColumnSpec, values?: readonly unknown[]): Column {
    const existing = this.columns.get(spec.name);
    // a region column the schema declared into a table type may be given its table explicitly while empty
    const redeclared =
      existing?.spec.tableType !== undefined && spec.table !== undefined && this.length === 0;
    if (existing && !redeclared) throw new Error(`table '${this.name}' already has a column '${spec.name}'`);
    if (spec.name === "id") throw new Error(`'id' is reserved for row ids in table '${this.name}'`);
    const given = values ?? [];
    if (given.length !== this.length) {
      throw new RangeError(
        `column '${spec.name}' of table '${this.name}' needs ${this.length} values (one per row), got ${given.length}`,
      );
    }
    const column = new Column(spec);
    for (const v of given) column.push(v);
    this.columns.set(spec.name, column);
    return column;
  }

  /**
   * Gives a region column the schema declares (description, ragged or not) the table its row indices point
   * into, and creates it; only while the table has no rows.
   *
   * @example
   * ```ts
   * const units = new coreTypes.Units({ name: "units", description: "sorted units" });
   * units.setRegionTable("electrodes", nwbfile.electrodes);
   * units.addRow({ spike_times: [0.1, 0.2], electrodes: [0, 1] });
   * ```
   */
  setRegionTable(name: string, table: DynamicTable): Column {
    const declared = this.declared.get(name);
    if (!declared?.region) throw new Error(`table '${this.name}' declares no region column '${name}'`);
    if (this.length > 0) throw new Error(`table '${this.name}' has rows: set the table of '${name}' first`);
    this.columns.delete(name);
    return this.addColumn({ ...declared, table, tableType: undefined });
  }

  /**
   * Appends one row. Keys are column names; unknown keys create columns when the table declares them,
   * otherwise they are an error (add the column first, with a description).
   */
  addRow(row: Readonly<Record<string, unknown>>, id?: number): number {
    for (const key of Object.keys(row)) {
      if (row[key] === undefined || this.columns.has(key)) continue;
      const declared = this.declared.get(key);
      if (!declared || this.length > 0) {
        throw new Error(
          `table '${this.name}' has no column '${key}'; add it first with addColumn({ name: "${key}", description })`,
        );
      }
      if (declared.region && !declared.table && !declared.tableType) {
        throw new Error(
          `column '${key}' of table '${this.name}' holds rows of another table: give it with setRegionTable("${key}", table) first`,
        );
      }
      this.addColumn(declared);
    }
    for (const column of this.columns.values()) {
      const cell = row[column.name];
      if (cell === undefined) {
        throw new Error(
          `row ${this.length} of table '${this.name}' lacks a value for column '${column.name}'`,
        );
      }
      column.push(cell);
    }
    const rowId = id ?? this.length;
    this.ids.push(rowId);
    return rowId;
  }

  /** Creates the table's datasets from its columns; called by the writer. */
  prepareForWrite(): void {
    for (const name of [...this.children.keys()]) {
      const child = this.children.get(name);
      if (child instanceof DatasetNode) this.children.delete(name);
    }
    this.setAttribute("description", this.description);
    this.setAttribute("colnames", [...this.columns.keys()], "utf8");
    this.add(
      new DatasetNode("id", toTypedArray(this.ids, ID_DTYPE), {
        dtype: ID_DTYPE,
        type: { neurodataType: "ElementIdentifiers", namespace: HDMF },
        objectId: this.idsObjectId,
      }),
    );
    for (const column of this.columns.values()) this.writeColumn(column);
  }

  private writeColumn(column: Column): void {
    const { spec } = column;
    const target = spec.table ?? (spec.tableType === undefined ? undefined : this.tableOfType(spec));
    const type: TypeIdentity = spec.columnType ?? {
      neurodataType: target ? "DynamicTableRegion" : "VectorData",
      namespace: HDMF,
    };
    const dtype = columnDtype(spec, column.values);
    const data = this.add(
      new DatasetNode(spec.name, columnData(column.values, dtype), {
        dtype,
        type,
        objectId: column.objectIds.data,
      }),
    );
    data.setAttribute("description", spec.description);
    if (target) data.setAttribute("table", target);
    if (column.ends) {
      const index = this.add(
        // uint32 rather than the schema's minimum (uint8), so that any number of values fits
        new DatasetNode(`${spec.name}_index`, columnData(column.ends, "uint32"), {
          dtype: "uint32",
          type: { neurodataType: "VectorIndex", namespace: HDMF },
          objectId: column.objectIds.index,
        }),
      );
      index.setAttribute("target", data);
      index.setAttribute("description", `Index into the ragged column '${spec.name}'.`);
    }
  }

  /** The one table of the column's `tableType` in the file this table belongs to. */
  private tableOfType(spec: ColumnSpec): DynamicTable {
    let root: GroupNode = this;
    while (root.parent) root = root.parent;
    const found = [...root.walk()].filter(
      (node): node is DynamicTable => node instanceof DynamicTable && node.neurodataType === spec.tableType,
    );
    if (found.length !== 1) {
      throw new Error(
        `column '${spec.name}' of table '${this.path}' refers to the ${spec.tableType} of the file, which has ${found.length}; give the table with addColumn({ name: "${spec.name}", description, table })`,
      );
    }
    return found[0]!;
  }
}

/** The stored dtype of a column: its declared minimum applied to its values, or inferred from them. */
function columnDtype(spec: ColumnSpec, values: readonly unknown[]): Dtype {
  if (spec.dtype === undefined) return spec.table || spec.tableType ? REGION_DTYPE : inferDtype(values);
  const first = values.find((v) => v !== null && v !== undefined);
  const cellDtype = isTypedArray(first)
    ? dtypeOfTypedArray(first)
    : isTypedArray((first as NDArray | undefined)?.values)
      ? dtypeOfTypedArray((first as NDArray).values)
      : undefined;
  if (cellDtype !== undefined && isNumericDtype(spec.dtype) && isAtLeast(cellDtype, spec.dtype)) {
    return cellDtype;
  }
  return dtypeForJsNumbers(spec.dtype);
}

/** Dtype of a column from its values: text, bool, references, or float64 for numbers. */
export function inferDtype(values: readonly unknown[]): Dtype {
  const first = values.find((v) => v !== null && v !== undefined);
  if (typeof first === "string") return "utf8";
  if (typeof first === "boolean") return "bool";
  if (typeof first === "bigint") return "int64";
  if (first instanceof GroupNode || first instanceof DatasetNode) return "objectref";
  if (isTypedArray(first)) return dtypeOfTypedArray(first);
  if (isTypedArray((first as NDArray | undefined)?.values))
    return dtypeOfTypedArray((first as NDArray).values);
  return "float64";
}

/** Stacks per-row arrays (e.g. a waveform per unit) into one array of shape [rows, ...cell shape]. */
function stackCells(values: readonly unknown[], dtype: NumericDtype): NDArray {
  const cells = values.map((cell) => normalizeData(cell as DataInput));
  const cellShape = cells[0] ? shapeOf(cells[0]) : [];
  const perRow = elementCount(cellShape);
  const out = allocate(dtype, perRow * cells.length);
  cells.forEach((cell, row) => {
    if (cell.kind !== "array" || elementCount(cell.shape) !== perRow) {
      throw new RangeError(`row ${row} of a multi-dimensional column does not have shape [${cellShape}]`);
    }
    for (let i = 0; i < perRow; i++) (out as unknown as unknown[])[row * perRow + i] = cell.values[i];
  });
  return ndarray(out, [cells.length, ...cellShape]);
}

function columnData(values: readonly unknown[], dtype: Dtype): DataInput {
  const first = values[0];
  if (isNumericDtype(dtype) && (Array.isArray(first) || isTypedArray(first) || (first as NDArray)?.values)) {
    return stackCells(values, dtype);
  }
  // bool columns are stored as 0/1 (see the HDF5 engine's bool encoding)
  if (dtype === "bool") return toTypedArray(values, "uint8");
  return isNumericDtype(dtype) ? toTypedArray(values, dtype) : (values as DataInput);
}
