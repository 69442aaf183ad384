/**
 * MATLAB v7.3 MAT-files (`save -v7.3`): an HDF5 file (after a 512-byte user block holding the MATLAB text
 * header) read through our HDF5 reader. Conventions, as MATLAB writes them:
 * - every variable is a dataset or group at the root with a `MATLAB_class` attribute;
 * - arrays are stored with their dimensions reversed (HDF5 is row-major, MATLAB column-major), so the
 *   HDF5 elements in order ARE MATLAB's column-major elements and the MATLAB shape is the HDF5 shape reversed;
 * - an empty array is a uint64 dataset of its dimensions with `MATLAB_empty` = 1;
 * - char is uint16 (UTF-16 code units), logical is uint8;
 * - a cell is a dataset of object references into `/#refs#`;
 * - a struct is a group of fields (field order in `MATLAB_fields`); a struct array is a group whose fields are
 *   reference datasets, one element per struct;
 * - a sparse matrix is a group with `MATLAB_sparse` = rows and datasets `jc`, `ir`, `data`;
 * - complex numbers are a compound of `real` and `imag`.
 */
import { isTypedArray, type TypedArray } from "../../data/dtype.js";
import type { ChunkSource } from "../../data/lazy.js";
import { SourceDataError } from "../../errors.js";
import { isObjectReference, type StorageReader, type StoredValue } from "../../storage/types.js";
import { charText } from "./level5.js";
import {
  isNumericClass,
  MATLAB_CLASS_DTYPES,
  MatArray,
  type MatlabNumericClass,
  MatSparse,
  MatUnsupported,
  type MatValue,
  makeStruct,
  rowMajor,
} from "./values.js";

function text(value: StoredValue | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "string") return value;
  if (value instanceof Uint8Array || value instanceof Int8Array) {
    return new TextDecoder("latin1").decode(value).replace(/\0+$/, "");
  }
  return String(value);
}

/** A v7.3 MAT-file open for reading. */
export class Hdf5MatFile {
  constructor(
    readonly path: string,
    private readonly reader: StorageReader,
  ) {}

  /** Names of the variables (MATLAB's internal `#refs#` and `#subsystem#` groups left out). */
  get variableNames(): string[] {
    return this.reader.children("/").filter((name) => !name.startsWith("#"));
  }

  /** Decodes one variable; undefined when the file has none of that name. */
  read(name: string): MatValue | undefined {
    if (!this.variableNames.includes(name)) return undefined;
    return this.readPath(`/${name}`, name);
  }

  /** The MATLAB class of the object at an HDF5 path (`/output/temporal_weights`). */
  matlabClass(path: string): string | undefined {
    if (this.reader.kind(path) === undefined) return undefined;
    return text(this.reader.getAttribute(path, "MATLAB_class"));
  }

  /**
   * A numeric array at an HDF5 path as lazy rows along MATLAB's FIRST dimension, each row in row-major (C)
   * order of the remaining MATLAB dimensions: a T×K matrix gives rows of K values. Only the rows asked for
   * are read.
   */
  rowSource(path: string, field = path): ChunkSource {
    const matlabClass = this.numericClass(path, field);
    const hdf5Shape = this.reader.datasetInfo(path).shape;
    const shape = [...hdf5Shape].reverse();
    const dtype = MATLAB_CLASS_DTYPES[matlabClass];
    const reader = this.reader;
    const file = this.path;
    const last = hdf5Shape.length - 1;
    return {
      dtype,
      shape,
      readRows(start: number, end: number): TypedArray {
        const offset = hdf5Shape.map((_, axis) => (axis === last ? start : 0));
        const count = hdf5Shape.map((extent, axis) => (axis === last ? end - start : extent));
        const block = reader.readBlock(path, offset, count);
        if (!isTypedArray(block))
          throw new SourceDataError(file, `'${field}': numeric data could not be read`);
        // The block is column-major over MATLAB's [rows, ...rest]: reorder to row-major.
        return rowMajor(block, [end - start, ...shape.slice(1)]);
      },
    };
  }

  /**
   * A numeric array at an HDF5 path as lazy rows along MATLAB's LAST dimension (HDF5's first), each row in
   * MATLAB's column-major order of the other dimensions: a K×T matrix gives T rows of K values, an H×W×K
   * stack gives K images of H×W (row h + w·H). Only the rows asked for are read.
   */
  lastDimensionSource(path: string, field = path): ChunkSource {
    const matlabClass = this.numericClass(path, field);
    const reader = this.reader;
    return {
      dtype: MATLAB_CLASS_DTYPES[matlabClass],
      shape: reader.datasetInfo(path).shape,
      readRows: (start: number, end: number): TypedArray => {
        const block = reader.readDataset(path, [start, end]);
        if (!isTypedArray(block))
          throw new SourceDataError(this.path, `'${field}': numeric data could not be read`);
        return block;
      },
    };
  }

  private numericClass(path: string, field: string): MatlabNumericClass {
    const matlabClass = this.matlabClass(path);
    if (this.reader.kind(path) !== "dataset" || !matlabClass || !isNumericClass(matlabClass)) {
      throw new SourceDataError(
        this.path,
        `'${field}' is not a numeric array (class ${matlabClass ?? "none"})`,
      );
    }
    if (this.reader.getAttribute(path, "MATLAB_empty") !== undefined) {
      throw new SourceDataError(this.path, `'${field}' is empty`);
    }
    return matlabClass as MatlabNumericClass;
  }

  /** Decodes the object at an HDF5 path. */
  readPath(path: string, field: string): MatValue {
    const kind = this.reader.kind(path);
    if (kind === undefined) throw new SourceDataError(this.path, `'${field}' is missing (${path})`);
    const matlabClass = this.matlabClass(path) ?? "";
    if (kind === "group") return this.readGroup(path, field, matlabClass);
    if (kind !== "dataset") throw new SourceDataError(this.path, `'${field}' is a link, not a MATLAB value`);
    const info = this.reader.datasetInfo(path);
    const shape = [...info.shape].reverse();
    while (shape.length < 2) shape.push(1);
    const raw = this.reader.readDataset(path);
    if (this.reader.getAttribute(path, "MATLAB_empty") !== undefined) {
      // The dataset holds the empty array's dimensions.
      const dims = Array.from(raw as ArrayLike<number | bigint>, Number);
      if (matlabClass === "char") return "";
      if (matlabClass === "cell") return [];
      if (matlabClass === "struct") return [];
      const numeric = isNumericClass(matlabClass) ? (matlabClass as MatlabNumericClass) : "double";
      return new MatArray(matlabClass === "logical" ? "logical" : numeric, dims, new Float64Array(0));
    }
    if (matlabClass === "cell" || (matlabClass === "" && isReferenceList(raw))) {
      const references = raw as readonly unknown[];
      return references.map((reference, i) => {
        if (!isObjectReference(reference)) {
          throw new SourceDataError(this.path, `'${field}{${i + 1}}' is not an object reference`);
        }
        return this.readPath(reference.path, `${field}{${i + 1}}`);
      });
    }
    if (matlabClass === "char") {
      const units = Array.from(raw as ArrayLike<number>, (unit) => String.fromCharCode(unit));
      return charText(units, shape);
    }
    if (matlabClass === "logical") {
      return new MatArray("logical", shape, Uint8Array.from(raw as ArrayLike<number>));
    }
    if (isNumericClass(matlabClass)) {
      if (Array.isArray(raw) && raw.length > 0 && typeof raw[0] === "object" && "real" in raw[0]) {
        const records = raw as readonly Record<string, number>[];
        const part = (key: "real" | "imag") => {
          const values = Float64Array.from(records, (r) => Number(r[key]));
          return matlabClass === "single" ? Float32Array.from(values) : values;
        };
        return new MatArray(matlabClass as MatlabNumericClass, shape, part("real"), part("imag"));
      }
      if (!isTypedArray(raw))
        throw new SourceDataError(this.path, `'${field}': numeric data could not be read`);
      return new MatArray(matlabClass as MatlabNumericClass, shape, raw);
    }
    if (matlabClass === "function_handle") {
      return new MatUnsupported(matlabClass, `'${field}': a function handle, not decoded`);
    }
    return new MatUnsupported(
      matlabClass || "unknown",
      `'${field}': MATLAB class '${matlabClass || "unknown"}' is not decoded; save it as char/struct/numeric`,
    );
  }

  private readGroup(path: string, field: string, matlabClass: string): MatValue {
    if (matlabClass === "struct" || matlabClass === "") {
      const fields = this.fieldNames(path);
      const values = fields.map((name) => [name, `${path}/${name}`] as const);
      // A struct array: every field is a reference dataset without a class of its own, one per element.
      const isArray =
        values.length > 0 &&
        values.every(
          ([, at]) =>
            this.reader.kind(at) === "dataset" &&
            this.matlabClass(at) === undefined &&
            this.reader.datasetInfo(at).dtype === "objectref",
        );
      if (isArray) {
        const columns = values.map(([name, at]) => [name, this.readPath(at, `${field}.${name}`)] as const);
        const count = (columns[0]![1] as readonly MatValue[]).length;
        return Array.from({ length: count }, (_, i) =>
          makeStruct(columns.map(([name, items]) => [name, (items as readonly MatValue[])[i]!])),
        );
      }
      return makeStruct(values.map(([name, at]) => [name, this.readPath(at, `${field}.${name}`)]));
    }
    const sparseRows = this.reader.getAttribute(path, "MATLAB_sparse");
    if (sparseRows !== undefined) {
      const read = (name: string) =>
        this.reader.kind(`${path}/${name}`) === "dataset"
          ? (this.reader.readDataset(`${path}/${name}`) as ArrayLike<number | bigint>)
          : [];
      const columnStarts = Int32Array.from(read("jc"), Number);
      const rowIndices = Int32Array.from(read("ir"), Number);
      const logical = matlabClass === "logical";
      const data = read("data");
      const values = logical ? Uint8Array.from(data, Number) : Float64Array.from(data, Number);
      return new MatSparse(
        [Number(sparseRows), columnStarts.length - 1],
        rowIndices,
        columnStarts,
        values.length === rowIndices.length ? values : new Float64Array(rowIndices.length),
        logical,
      );
    }
    return new MatUnsupported(
      matlabClass,
      `'${field}': MATLAB class '${matlabClass}' (an object) is not decoded; save it as a struct`,
    );
  }

  /** Field names in MATLAB's order when `MATLAB_fields` can be read, else the group's children. */
  private fieldNames(path: string): string[] {
    const children = this.reader.children(path);
    try {
      const stored = this.reader.getAttribute(path, "MATLAB_fields");
      if (Array.isArray(stored)) {
        const names = (stored as readonly unknown[]).map((name) =>
          typeof name === "string" ? name : (text(name as StoredValue) ?? ""),
        );
        if (names.length === children.length && names.every((name) => children.includes(name))) return names;
      }
    } catch {
      // MATLAB_fields is a variable-length array of chars, which our HDF5 reader may not decode.
    }
    return children;
  }
}

function isReferenceList(raw: StoredValue): boolean {
  return Array.isArray(raw) && raw.length > 0 && isObjectReference(raw[0]);
}
