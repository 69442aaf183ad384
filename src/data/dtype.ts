/**
 * Element types shared by the storage layer and the NWB layer.
 *
 * Names follow the NWB specification language (`int16`, `float64`, `utf8`, ...), which is also how
 * users see them in the backend configuration.
 */

export type NumericDtype =
  | "int8"
  | "uint8"
  | "int16"
  | "uint16"
  | "int32"
  | "uint32"
  | "int64"
  | "uint64"
  | "float32"
  | "float64";

/** A scalar element type. `objectref` is an HDF5 object reference; `bool` is stored as the backend decides. */
export type ScalarDtype = NumericDtype | "bool" | "utf8" | "ascii" | "objectref";

/** One field of a compound (record) element type. */
export interface CompoundField {
  readonly name: string;
  readonly dtype: ScalarDtype;
  /** For a fixed-size array field (read only, e.g. a PyTables values block): its shape; `dtype` is the element's. */
  readonly shape?: readonly number[];
}

/** Element type of a dataset or attribute. */
export type Dtype = ScalarDtype | { readonly compound: readonly CompoundField[] };

/** The typed arrays bulk data are read into. */
export type TypedArray =
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | Float32Array
  | Float64Array;

const BYTES: Record<NumericDtype, number> = {
  int8: 1,
  uint8: 1,
  int16: 2,
  uint16: 2,
  int32: 4,
  uint32: 4,
  int64: 8,
  uint64: 8,
  float32: 4,
  float64: 8,
};

const ARRAY_CONSTRUCTORS = {
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int64: BigInt64Array,
  uint64: BigUint64Array,
  float32: Float32Array,
  float64: Float64Array,
} as const;

export function isNumericDtype(dtype: unknown): dtype is NumericDtype {
  return typeof dtype === "string" && dtype in BYTES;
}

/** Size in bytes of one element of a numeric type. */
export function bytesPerElement(dtype: NumericDtype): number {
  return BYTES[dtype];
}

/** The typed-array class that holds elements of `dtype`. */
export function typedArrayFor(dtype: NumericDtype) {
  return ARRAY_CONSTRUCTORS[dtype];
}

/** Allocates a zeroed typed array of `length` elements of `dtype`. */
export function allocate(dtype: NumericDtype, length: number): TypedArray {
  return new ARRAY_CONSTRUCTORS[dtype](length);
}

/** A typed array of `dtype` over existing bytes (`byteOffset` aligned to the element size). */
export function viewAs(
  dtype: NumericDtype,
  buffer: ArrayBufferLike,
  byteOffset: number,
  length: number,
): TypedArray {
  return new (
    ARRAY_CONSTRUCTORS[dtype] as unknown as new (
      b: ArrayBufferLike,
      o: number,
      n: number,
    ) => TypedArray
  )(buffer, byteOffset, length);
}

/** The numeric dtype that a typed array holds. */
export function dtypeOfTypedArray(values: TypedArray): NumericDtype {
  for (const [dtype, ctor] of Object.entries(ARRAY_CONSTRUCTORS)) {
    if (values instanceof ctor) return dtype as NumericDtype;
  }
  throw new TypeError(`unsupported typed array ${Object.prototype.toString.call(values)}`);
}

export function isTypedArray(value: unknown): value is TypedArray {
  return ArrayBuffer.isView(value) && !(value instanceof DataView);
}

/** Product of a shape's extents (1 for a scalar shape `[]`). */
export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Copies numbers (or bigints, or booleans as 0/1) into a new typed array of `dtype`. */
export function toTypedArray(values: ArrayLike<unknown>, dtype: NumericDtype): TypedArray {
  const out = allocate(dtype, values.length);
  const big = dtype === "int64" || dtype === "uint64";
  const target = out as unknown as unknown[];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const n = typeof v === "boolean" ? Number(v) : v;
    target[i] = big ? BigInt(typeof n === "number" ? Math.trunc(n) : (n as bigint)) : Number(n);
  }
  return out;
}

/**
 * The dtype in which plain JS numbers are stored when a schema asks for at least `minimum`. NWB dtypes are
 * minimums (hdmf's rule: `float32` means float32 or wider). A JS number is 64 bits wide, as a Python int or
 * float is, and hdmf keeps the wider of the given and the specified dtype in the specified kind: so any
 * numeric minimum becomes the 64-bit dtype of its kind (float32 -> float64, int32 -> int64, uint8 -> uint64)
 * and values keep every digit, as in pynwb. Compound dtypes (which hdmf writes as specified) and bool are kept.
 */
export function dtypeForJsNumbers<D extends Dtype>(minimum: D): D | "float64" | "int64" | "uint64" {
  if (typeof minimum !== "string" || !isNumericDtype(minimum)) return minimum;
  return minimum.startsWith("float") ? "float64" : minimum.startsWith("uint") ? "uint64" : "int64";
}

/** Whether `actual` holds every value of `minimum`: same kind (int, uint, float) and at least as wide. */
export function isAtLeast(actual: NumericDtype, minimum: NumericDtype): boolean {
  const kind = (d: NumericDtype) => d.replace(/\d+$/, "");
  return kind(actual) === kind(minimum) && bytesPerElement(actual) >= bytesPerElement(minimum);
}
