/**
 * Conversion of in-memory values into HDF5 element bytes (little-endian), shared by every writer of HDF5
 * elements: the TypeScript HDF5 writer and the h5wasm engine. Each function names what it expected in its
 * error, so a bad value says which dtype it was meant for.
 */
import { isTypedArray, type NumericDtype } from "../data/dtype.js";
import { type CompoundRecord, isObjectReference } from "./types.js";

/** A short description of a value's type for error messages. */
export function describeValue(value: unknown): string {
  if (isTypedArray(value)) return value.constructor.name;
  if (Array.isArray(value)) return "array";
  return typeof value;
}

export function asNumber(value: unknown, dtype: string): number {
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "boolean") return value ? 1 : 0;
  throw new TypeError(`expected a number for a ${dtype} element, got ${describeValue(value)}`);
}

export function asBigInt(value: unknown, dtype: string): bigint {
  if (typeof value === "bigint") return value;
  if (typeof value === "number" && Number.isInteger(value)) return BigInt(value);
  if (typeof value === "boolean") return value ? 1n : 0n;
  throw new TypeError(`expected an integer for a ${dtype} element, got ${String(value)}`);
}

const utf8Encoder = new TextEncoder();

/** UTF-8 bytes of a string element; HDF5 strings cannot hold NUL, and ascii strings only ASCII. */
export function encodeString(value: unknown, dtype: "utf8" | "ascii"): Uint8Array {
  if (typeof value !== "string") {
    throw new TypeError(`expected a string for a ${dtype} element, got ${describeValue(value)}`);
  }
  const bytes = utf8Encoder.encode(value);
  if (bytes.includes(0)) {
    throw new TypeError(`strings stored in HDF5 cannot contain NUL characters: ${JSON.stringify(value)}`);
  }
  if (dtype === "ascii" && bytes.length !== value.length) {
    throw new TypeError(`non-ASCII characters in an ascii string: ${JSON.stringify(value)}`);
  }
  return bytes;
}

/** The target path of an object reference element. */
export function referencePath(value: unknown): string {
  if (isObjectReference(value)) return value.path;
  throw new TypeError(`expected an object reference, got ${describeValue(value)}`);
}

/** One field of a compound record. */
export function fieldValue(record: unknown, name: string): unknown {
  if (typeof record !== "object" || record === null || !(name in record)) {
    throw new TypeError(`compound record lacks field "${name}"`);
  }
  return (record as CompoundRecord)[name];
}

/** Writes one number (bool as int8 0/1) little-endian at `at`. */
export function writeNumber(view: DataView, at: number, dtype: NumericDtype | "bool", value: unknown): void {
  switch (dtype) {
    case "bool":
      view.setInt8(at, value ? 1 : 0);
      return;
    case "int8":
      view.setInt8(at, asNumber(value, dtype));
      return;
    case "uint8":
      view.setUint8(at, asNumber(value, dtype));
      return;
    case "int16":
      view.setInt16(at, asNumber(value, dtype), true);
      return;
    case "uint16":
      view.setUint16(at, asNumber(value, dtype), true);
      return;
    case "int32":
      view.setInt32(at, asNumber(value, dtype), true);
      return;
    case "uint32":
      view.setUint32(at, asNumber(value, dtype), true);
      return;
    case "int64":
      view.setBigInt64(at, asBigInt(value, dtype), true);
      return;
    case "uint64":
      view.setBigUint64(at, asBigInt(value, dtype), true);
      return;
    case "float32":
      view.setFloat32(at, asNumber(value, dtype), true);
      return;
    case "float64":
      view.setFloat64(at, asNumber(value, dtype), true);
      return;
  }
}
