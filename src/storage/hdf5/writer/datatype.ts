/**
 * Datatype messages (HDF5 File Format Specification, section IV.A.2.d, "Datatype Message") for the element
 * types NWB uses. Every datatype is written as version 1, which every HDF5 release reads.
 */
import { type Dtype, isNumericDtype, type NumericDtype, type ScalarDtype } from "../../../data/dtype.js";
import { ByteWriter } from "./bytes.js";

/** A fixed-length string of `fixedString` bytes, null-padded (how h5py stores numpy `S` strings). */
export interface FixedStringDtype {
  readonly fixedString: number;
  readonly charset?: "utf8" | "ascii";
}

/** Element types the HDF5 writer accepts: the storage dtypes plus fixed-length strings. */
export type Hdf5Dtype = Dtype | FixedStringDtype;

export function isFixedString(dtype: Hdf5Dtype): dtype is FixedStringDtype {
  return typeof dtype === "object" && "fixedString" in dtype;
}

const CLASS_FIXED_POINT = 0;
const CLASS_FLOATING_POINT = 1;
const CLASS_STRING = 3;
const CLASS_COMPOUND = 6;
const CLASS_REFERENCE = 7;
const CLASS_ENUM = 8;
const CLASS_VARIABLE_LENGTH = 9;
const VERSION = 1;

const CHARSET_ASCII = 0;
const CHARSET_UTF8 = 1;
const PAD_NULL_TERMINATE = 0;
const PAD_NULL_PAD = 1;

/** A variable-length element on disk: sequence length (4) + global heap ID (collection address 8, index 4). */
export const VLEN_SIZE = 16;
/** An old-style object reference (`H5R_OBJECT`): the target's object header address. */
export const REFERENCE_SIZE = 8;

function integerSize(dtype: NumericDtype | "bool"): number {
  if (dtype === "bool") return 1;
  return Number.parseInt(dtype.replace(/^(u?int|float)/, ""), 10) / 8;
}

/** Bytes of one element of `dtype` as stored in the file (compounds are packed, as h5py does). */
export function elementSize(dtype: Hdf5Dtype): number {
  if (isFixedString(dtype)) return dtype.fixedString;
  if (typeof dtype === "object")
    return dtype.compound.reduce((sum, field) => sum + elementSize(field.dtype), 0);
  if (dtype === "utf8" || dtype === "ascii") return VLEN_SIZE;
  if (dtype === "objectref") return REFERENCE_SIZE;
  return integerSize(dtype);
}

/** Whether elements hold variable-length data or references, which the writer must resolve itself. */
export function needsResolution(dtype: Hdf5Dtype): boolean {
  if (isFixedString(dtype)) return false;
  if (typeof dtype === "object") return dtype.compound.some((field) => needsResolution(field.dtype));
  return dtype === "utf8" || dtype === "ascii" || dtype === "objectref";
}

function header(w: ByteWriter, typeClass: number, bits: number, size: number): void {
  w.u8((VERSION << 4) | typeClass);
  w.u8(bits & 0xff);
  w.u8((bits >> 8) & 0xff);
  w.u8((bits >> 16) & 0xff);
  w.u32(size);
}

function writeFixedPoint(w: ByteWriter, size: number, signed: boolean): void {
  // Bit field: bit 0 byte order (0 = little-endian), bits 1-2 padding (zero), bit 3 signed.
  header(w, CLASS_FIXED_POINT, signed ? 0x08 : 0, size);
  w.u16(0).u16(size * 8); // bit offset, bit precision
}

function writeFloatingPoint(w: ByteWriter, size: 4 | 8): void {
  // IEEE 754 little-endian; bit field bits 4-5 = 2 (implied leading mantissa bit), bits 8-15 = sign position.
  const [exponentSize, mantissaSize, bias] = size === 4 ? [8, 23, 127] : [11, 52, 1023];
  header(w, CLASS_FLOATING_POINT, 0x20 | ((size * 8 - 1) << 8), size);
  w.u16(0).u16(size * 8); // bit offset, precision
  w.u8(mantissaSize).u8(exponentSize).u8(0).u8(mantissaSize); // exponent location & size, mantissa location & size
  w.u32(bias);
}

function writeVariableLengthString(w: ByteWriter, charset: number): void {
  // Bit field: bits 0-3 type (1 = string), bits 4-7 padding, bits 8-11 character set. The base type is an
  // unsigned 8-bit integer, as the HDF5 library writes it.
  header(w, CLASS_VARIABLE_LENGTH, 1 | (PAD_NULL_TERMINATE << 4) | (charset << 8), VLEN_SIZE);
  writeFixedPoint(w, 1, false);
}

/** Pads a null-terminated name to a multiple of 8 bytes (version 1 compound and enum member names). */
function writePaddedName(w: ByteWriter, name: string): void {
  const bytes = new TextEncoder().encode(name);
  w.bytes(bytes).u8(0);
  w.zeros((8 - ((bytes.length + 1) % 8)) % 8);
}

function writeScalar(w: ByteWriter, dtype: ScalarDtype): void {
  switch (dtype) {
    case "float32":
      writeFloatingPoint(w, 4);
      return;
    case "float64":
      writeFloatingPoint(w, 8);
      return;
    case "utf8":
      writeVariableLengthString(w, CHARSET_UTF8);
      return;
    case "ascii":
      writeVariableLengthString(w, CHARSET_ASCII);
      return;
    case "objectref":
      header(w, CLASS_REFERENCE, 0, REFERENCE_SIZE); // bits 0-3 = 0: object reference
      return;
    case "bool":
      // h5py's bool: an enum on a signed 8-bit base with FALSE = 0 and TRUE = 1 (IV.A.2.d, enumeration).
      header(w, CLASS_ENUM, 2, 1);
      writeFixedPoint(w, 1, true);
      writePaddedName(w, "FALSE");
      writePaddedName(w, "TRUE");
      w.u8(0).u8(1);
      return;
    default:
      if (!isNumericDtype(dtype)) throw new TypeError(`unknown dtype ${String(dtype)}`);
      writeFixedPoint(w, integerSize(dtype), dtype.startsWith("int"));
      return;
  }
}

/** Encodes the body of a datatype message for `dtype`. */
export function encodeDatatype(dtype: Hdf5Dtype, w = new ByteWriter(64)): Uint8Array {
  if (isFixedString(dtype)) {
    const charset = dtype.charset === "ascii" ? CHARSET_ASCII : CHARSET_UTF8;
    header(w, CLASS_STRING, PAD_NULL_PAD | (charset << 4), dtype.fixedString);
  } else if (typeof dtype === "object") {
    // Version 1 compound members: padded name, byte offset, then 28 bytes of array-member fields we leave
    // zero (dimensionality 0), then the member's own datatype.
    header(w, CLASS_COMPOUND, dtype.compound.length, elementSize(dtype));
    let offset = 0;
    for (const field of dtype.compound) {
      writePaddedName(w, field.name);
      w.u32(offset).zeros(28);
      writeScalar(w, field.dtype);
      offset += elementSize(field.dtype);
    }
  } else {
    writeScalar(w, dtype);
  }
  return w.finish();
}

/** Checks that a dtype is one the writer can store, with a message naming what is wrong. */
export function validateDtype(dtype: Hdf5Dtype): void {
  if (isFixedString(dtype)) {
    if (!Number.isInteger(dtype.fixedString) || dtype.fixedString < 1) {
      throw new TypeError(`a fixed-length string needs a size of at least 1 byte, got ${dtype.fixedString}`);
    }
    return;
  }
  if (typeof dtype === "object") {
    if (dtype.compound.length === 0) throw new TypeError("a compound dtype needs at least one field");
    const names = new Set<string>();
    for (const field of dtype.compound) {
      if (typeof field.dtype !== "string") throw new TypeError(`nested compound field "${field.name}"`);
      if (names.has(field.name)) throw new TypeError(`duplicate compound field "${field.name}"`);
      names.add(field.name);
      validateDtype(field.dtype);
    }
    return;
  }
  if (!(isNumericDtype(dtype) || ["bool", "utf8", "ascii", "objectref"].includes(dtype))) {
    throw new TypeError(`unknown dtype ${JSON.stringify(dtype)}`);
  }
}
