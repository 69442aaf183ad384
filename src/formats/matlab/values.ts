/**
 * The values a MATLAB file holds, as plain JavaScript, whichever file version they came from.
 *
 * Arrays keep MATLAB's column-major (Fortran) element order: element (i, j) of an m×n matrix is
 * `data[i + j * m]`, and for more dimensions the first index runs fastest. {@link rowMajor} reorders when a
 * consumer wants C order. Structs become objects, cells and struct arrays become JS arrays (column-major),
 * char arrays become strings.
 */
import type { NumericDtype, TypedArray } from "../../data/dtype.js";
import { SourceDataError } from "../../errors.js";

/** MATLAB's numeric classes. */
export type MatlabNumericClass =
  | "double"
  | "single"
  | "int8"
  | "uint8"
  | "int16"
  | "uint16"
  | "int32"
  | "uint32"
  | "int64"
  | "uint64";

/** The element type JS holds each MATLAB numeric class in. */
export const MATLAB_CLASS_DTYPES: Readonly<Record<MatlabNumericClass, NumericDtype>> = {
  double: "float64",
  single: "float32",
  int8: "int8",
  uint8: "uint8",
  int16: "int16",
  uint16: "uint16",
  int32: "int32",
  uint32: "uint32",
  int64: "int64",
  uint64: "uint64",
};

/** Whether a MATLAB class name is a numeric class. */
export function isNumericClass(name: string | undefined): name is MatlabNumericClass {
  return name !== undefined && Object.hasOwn(MATLAB_CLASS_DTYPES, name);
}

/**
 * A numeric or logical array: `data` in MATLAB's column-major order, typed as MATLAB's class (double as
 * Float64Array, logical as Uint8Array of 0/1) whatever smaller type the file stored it in.
 */
export class MatArray {
  constructor(
    /** The MATLAB class; "logical" for logical arrays. */
    readonly matlabClass: MatlabNumericClass | "logical",
    /** MATLAB dimensions, at least two (a scalar is [1, 1], an empty array has a 0). */
    readonly shape: readonly number[],
    /** Real part, column-major. */
    readonly data: TypedArray,
    /** Imaginary part of a complex array, column-major. */
    readonly imag?: TypedArray,
  ) {}

  /** Number of elements. */
  get length(): number {
    return this.data.length;
  }
}

/**
 * A sparse matrix in MATLAB's compressed-column form: the non-zeros of column `j` are
 * `values[columnStarts[j] .. columnStarts[j + 1])` at rows `rowIndices[...]` (0-based).
 */
export class MatSparse {
  constructor(
    /** [rows, columns]. */
    readonly shape: readonly [number, number],
    readonly rowIndices: Int32Array,
    /** `columns + 1` offsets into `rowIndices` / `values` (MATLAB's `jc`). */
    readonly columnStarts: Int32Array,
    /** Non-zero values: Float64Array, or Uint8Array for a logical sparse matrix. */
    readonly values: Float64Array | Uint8Array,
    readonly logical: boolean,
    readonly imag?: Float64Array,
  ) {}
}

/** A value this reader does not decode (function handles, class objects, MATLAB strings/tables), named. */
export class MatUnsupported {
  constructor(
    readonly matlabClass: string,
    /** Why it was left out, to be shown in a warning. */
    readonly note: string,
  ) {}
}

/** A MATLAB struct (1×1): field name to value, in the file's field order. */
export interface MatStruct {
  readonly [field: string]: MatValue;
}

/**
 * Any MATLAB value: numeric/logical array, sparse matrix, char (`string` for a row or empty char array,
 * `string[]` of rows for a char matrix), struct (object), cell or struct array (JS array, column-major),
 * or a value left out ({@link MatUnsupported}).
 */
export type MatValue =
  | MatArray
  | MatSparse
  | MatUnsupported
  | string
  | readonly string[]
  | MatStruct
  | readonly MatValue[];

/** Whether a value is a struct (not an array, string or cell). */
export function isMatStruct(value: MatValue | undefined): value is MatStruct {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof MatArray) &&
    !(value instanceof MatSparse) &&
    !(value instanceof MatUnsupported)
  );
}

/** Builds a struct object without a prototype, so that fields named like Object's members stay fields. */
export function makeStruct(entries: Iterable<readonly [string, MatValue]>): MatStruct {
  const struct: Record<string, MatValue> = Object.create(null);
  for (const [name, value] of entries) struct[name] = value;
  return struct;
}

/** Reorders a column-major block of `shape` into row-major (C) order. */
export function rowMajor<T extends TypedArray>(data: T, shape: readonly number[]): T {
  if (shape.filter((d) => d > 1).length <= 1) return data;
  const out = new (data.constructor as new (length: number) => T)(data.length);
  const n = shape.length;
  // Row-major strides of the output, walked in column-major order of the input.
  const strides = new Array<number>(n);
  let stride = 1;
  for (let axis = n - 1; axis >= 0; axis--) {
    strides[axis] = stride;
    stride *= shape[axis]!;
  }
  const index = new Array<number>(n).fill(0);
  let target = 0;
  for (let source = 0; source < data.length; source++) {
    (out as unknown as number[])[target] = (data as unknown as number[])[source]!;
    for (let axis = 0; axis < n; axis++) {
      index[axis]!++;
      target += strides[axis]!;
      if (index[axis]! < shape[axis]!) break;
      target -= strides[axis]! * shape[axis]!;
      index[axis] = 0;
    }
  }
  return out;
}

/** Where a value was found, for error messages: the file and the field path (`spikes.times`). */
export interface MatLocation {
  readonly file: string;
  readonly field: string;
}

function describe(value: MatValue | undefined): string {
  if (value === undefined) return "missing";
  if (typeof value === "string") return "text";
  if (value instanceof MatArray) return `a ${value.shape.join("×")} ${value.matlabClass} array`;
  if (value instanceof MatSparse) return "a sparse matrix";
  if (value instanceof MatUnsupported) return `a ${value.matlabClass} (not decoded)`;
  if (Array.isArray(value)) return `a cell/struct array of ${value.length}`;
  return "a struct";
}

/** Every element of a numeric or logical array as float64 (column-major); anything else is an error. */
export function matNumbers(value: MatValue | undefined, at: MatLocation): Float64Array {
  if (value instanceof MatArray) {
    return value.data instanceof Float64Array ? value.data : Float64Array.from(value.data, Number);
  }
  throw new SourceDataError(at.file, `field '${at.field}' should be numeric, found ${describe(value)}`);
}

/** A numeric scalar (the first element of a 1-element array). */
export function matNumber(value: MatValue | undefined, at: MatLocation): number {
  const numbers = matNumbers(value, at);
  if (numbers.length !== 1) {
    throw new SourceDataError(at.file, `field '${at.field}' should be one number, found ${numbers.length}`);
  }
  return numbers[0]!;
}

/** Text of a char row (a one-row char matrix counts too). */
export function matString(value: MatValue | undefined, at: MatLocation): string {
  if (typeof value === "string") return value;
  if (Array.isArray(value) && value.length === 1 && typeof value[0] === "string") return value[0];
  throw new SourceDataError(at.file, `field '${at.field}' should be text, found ${describe(value)}`);
}
