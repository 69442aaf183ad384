/**
 * Translation between our {@link Dtype}s and values on one side, and h5wasm's datatype metadata and the raw
 * element bytes that HDF5 reads and writes in the wasm heap on the other.
 *
 * We pack element bytes ourselves instead of going through h5wasm's high-level `create_dataset`, because
 * that refuses variable-length strings inside compounds and copies typed arrays more than once.
 */
import type { Metadata } from "h5wasm/node";
import {
  type CompoundField,
  type Dtype,
  isNumericDtype,
  type NumericDtype,
  type ScalarDtype,
  type TypedArray,
  typedArrayFor,
} from "../../data/dtype.js";
import { asBigInt, asNumber, encodeString, fieldValue, referencePath, writeNumber } from "../elements.js";
import { type CompoundRecord, type ObjectReference, objectReference } from "../types.js";

/** HDF5 datatype classes (`H5T_class_t`), stable values of the HDF5 C API. */
export const H5T_CLASS = {
  INTEGER: 0,
  FLOAT: 1,
  STRING: 3,
  COMPOUND: 6,
  REFERENCE: 7,
  ENUM: 8,
  VLEN: 9,
  ARRAY: 10,
} as const;

const CSET_ASCII = 0;
const CSET_UTF8 = 1;
/** `H5T_STR_SPACEPAD`: fixed-length strings padded with spaces (Fortran style). */
const STRPAD_SPACEPAD = 2;
/** A variable-length string element is a `char*` in the 32-bit wasm heap. */
const POINTER_SIZE = 4;
/** `hobj_ref_t`: an old-style object reference is the target's 8-byte object-header address. */
export const OBJECT_REFERENCE_SIZE = 8;

/** The part of h5wasm's metadata that its C++ `create_h5_datatype_from_metadata` reads. */
export interface TypeMetadata {
  type: number;
  size: number;
  signed: boolean;
  vlen: boolean;
  littleEndian: true;
  cset?: number;
  compound_type?: { members: (TypeMetadata & { name: string; offset: number })[]; nmembers: number };
}

/** One field of a compound element, at its byte offset in the packed record. */
export interface FieldLayout {
  readonly name: string;
  readonly dtype: ScalarDtype;
  readonly offset: number;
  readonly size: number;
}

/** How one element of a dtype is laid out in memory and described to HDF5. */
export interface ElementLayout {
  readonly dtype: Dtype;
  readonly size: number;
  readonly metadata: TypeMetadata;
  /** Compound fields, or null for a scalar dtype. */
  readonly fields: readonly FieldLayout[] | null;
}

/** The wasm-heap operations of the h5wasm module that packing and unpacking need. */
export interface WasmHeap {
  readonly HEAPU8: Uint8Array;
  _malloc(size: number): number;
  _free(ptr: number): void;
}

/** Returns the 8-byte `hobj_ref_t` of the object at an absolute path. */
export type ReferenceEncoder = (path: string) => Uint8Array;
/** Returns the absolute path of the object an 8-byte `hobj_ref_t` points to. */
export type ReferenceDecoder = (ref: Uint8Array) => string;

function scalarMetadata(dtype: ScalarDtype): TypeMetadata {
  const base = { signed: false, vlen: false, littleEndian: true } as const;
  switch (dtype) {
    case "float32":
    case "float64":
      return { ...base, type: H5T_CLASS.FLOAT, size: dtype === "float32" ? 4 : 8 };
    case "bool":
      // HDF5 has no boolean type and h5wasm cannot write enums, so bool is stored as int8 0/1: the base
      // type of h5py's FALSE/TRUE enum, which any reader can interpret. NWB core and hdmf-common define no
      // bool-typed field, so the validator accepts it wherever a free dtype is allowed.
      return { ...base, type: H5T_CLASS.INTEGER, size: 1, signed: true };
    case "utf8":
    case "ascii":
      return {
        ...base,
        type: H5T_CLASS.STRING,
        size: POINTER_SIZE,
        vlen: true,
        cset: dtype === "utf8" ? CSET_UTF8 : CSET_ASCII,
      };
    case "objectref":
      return { ...base, type: H5T_CLASS.REFERENCE, size: OBJECT_REFERENCE_SIZE };
    default: {
      const size = Number.parseInt(dtype.replace(/^u?int/, ""), 10) / 8;
      return { ...base, type: H5T_CLASS.INTEGER, size, signed: dtype.startsWith("int") };
    }
  }
}

/** Memory layout and HDF5 type description of one element of `dtype` (compounds are packed, as h5py does). */
export function layoutOf(dtype: Dtype): ElementLayout {
  if (typeof dtype === "string") {
    const metadata = scalarMetadata(dtype);
    return { dtype, size: metadata.size, metadata, fields: null };
  }
  if (dtype.compound.length === 0) throw new TypeError("a compound dtype needs at least one field");
  let offset = 0;
  const fields: FieldLayout[] = [];
  const members: NonNullable<TypeMetadata["compound_type"]>["members"] = [];
  for (const field of dtype.compound) {
    if (typeof field.dtype !== "string") throw new TypeError(`nested compound field "${field.name}"`);
    const metadata = scalarMetadata(field.dtype);
    fields.push({ name: field.name, dtype: field.dtype, offset, size: metadata.size });
    members.push({ ...metadata, name: field.name, offset });
    offset += metadata.size;
  }
  return {
    dtype,
    size: offset,
    fields,
    metadata: {
      type: H5T_CLASS.COMPOUND,
      size: offset,
      signed: false,
      vlen: false,
      littleEndian: true,
      compound_type: { members, nmembers: members.length },
    },
  };
}

/** True when elements of this layout are plain numbers that a typed array holds byte for byte. */
export function isPlainNumeric(
  layout: ElementLayout,
): layout is ElementLayout & { dtype: NumericDtype | "bool" } {
  return layout.fields === null && (isNumericDtype(layout.dtype) || layout.dtype === "bool");
}

/** The typed array a numeric dtype is held in (`bool` is stored as int8). */
export function storageArrayDtype(dtype: NumericDtype | "bool"): NumericDtype {
  return dtype === "bool" ? "int8" : dtype;
}

/**
 * Returns `values` as a typed array of the storage type of `dtype`: the array itself when it already has
 * that type (no copy), otherwise a converted copy.
 */
export function toStorageArray(
  dtype: NumericDtype | "bool",
  values: TypedArray | readonly unknown[],
): TypedArray {
  const target = storageArrayDtype(dtype);
  const Ctor = typedArrayFor(target);
  if (values instanceof Ctor) return values;
  const n = values.length;
  const out = new Ctor(n);
  if (dtype === "bool") {
    for (let i = 0; i < n; i++) out[i] = values[i] ? 1 : 0;
  } else if (target === "int64" || target === "uint64") {
    const big = out as BigInt64Array | BigUint64Array;
    for (let i = 0; i < n; i++) big[i] = asBigInt(values[i], dtype);
  } else {
    const num = out as Exclude<TypedArray, BigInt64Array | BigUint64Array>;
    for (let i = 0; i < n; i++) num[i] = asNumber(values[i], dtype);
  }
  return out;
}

/** Copies a typed array into a fresh wasm buffer; the caller frees it. */
export function copyToHeap(heap: WasmHeap, values: TypedArray): number {
  const ptr = mallocOrThrow(heap, values.byteLength);
  heap.HEAPU8.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), ptr);
  return ptr;
}

/** `malloc` that never returns 0 (a 0-byte request still gets a valid, freeable pointer). */
export function mallocOrThrow(heap: WasmHeap, bytes: number): number {
  const ptr = heap._malloc(Math.max(bytes, 1));
  if (ptr === 0) {
    throw new RangeError(`cannot allocate ${bytes} bytes in the wasm heap (it is limited to 2 GiB)`);
  }
  return ptr;
}

const utf8Decoder = new TextDecoder("utf-8");

/**
 * Packs `count` elements into one fresh wasm buffer laid out as HDF5 expects them in memory: numbers
 * little-endian, variable-length strings as `char*` pointing into the tail of the same buffer, object
 * references as `hobj_ref_t`. One allocation, so the caller frees everything with one `_free`.
 */
export function packToHeap(
  heap: WasmHeap,
  layout: ElementLayout,
  values: TypedArray | readonly unknown[],
  encodeReference: ReferenceEncoder,
): number {
  if (isPlainNumeric(layout)) return copyToHeap(heap, toStorageArray(layout.dtype, values));
  const count = values.length;
  const cells: { dtype: ScalarDtype; offset: number; pick: (element: unknown) => unknown }[] = layout.fields
    ? layout.fields.map((f) => ({
        dtype: f.dtype,
        offset: f.offset,
        pick: (e: unknown) => fieldValue(e, f.name),
      }))
    : [{ dtype: layout.dtype as ScalarDtype, offset: 0, pick: (e: unknown) => e }];

  // Strings and references are resolved before allocating, so a bad value leaves nothing to free.
  const strings: Uint8Array[] = [];
  const references: Uint8Array[] = [];
  let stringBytes = 0;
  for (let i = 0; i < count; i++) {
    for (const cell of cells) {
      if (cell.dtype === "utf8" || cell.dtype === "ascii") {
        const bytes = encodeString(cell.pick(values[i]), cell.dtype);
        strings.push(bytes);
        stringBytes += bytes.length + 1;
      } else if (cell.dtype === "objectref") {
        references.push(encodeReference(referencePath(cell.pick(values[i]))));
      }
    }
  }

  const recordsBytes = count * layout.size;
  const ptr = mallocOrThrow(heap, recordsBytes + stringBytes);
  try {
    const bytes = heap.HEAPU8;
    const view = new DataView(bytes.buffer);
    bytes.fill(0, ptr, ptr + recordsBytes + stringBytes);
    let nextString = 0;
    let nextReference = 0;
    let stringCursor = ptr + recordsBytes;
    for (let i = 0; i < count; i++) {
      const element = values[i];
      for (const cell of cells) {
        const at = ptr + i * layout.size + cell.offset;
        switch (cell.dtype) {
          case "utf8":
          case "ascii": {
            const encoded = strings[nextString++]!;
            bytes.set(encoded, stringCursor);
            view.setUint32(at, stringCursor, true);
            stringCursor += encoded.length + 1; // the NUL terminator is already there from fill(0)
            break;
          }
          case "objectref":
            bytes.set(references[nextReference++]!, at);
            break;
          default:
            writeNumber(view, at, cell.dtype, cell.pick(element));
        }
      }
    }
  } catch (error) {
    heap._free(ptr);
    throw error;
  }
  return ptr;
}

// ---------------------------------------------------------------------------------------------------------
// Reading

function isH5pyBoolEnum(metadata: Metadata): boolean {
  const members = metadata.enum_type?.members;
  return (
    members !== undefined && Object.keys(members).length === 2 && members.FALSE === 0 && members.TRUE === 1
  );
}

function integerDtype(size: number, signed: boolean): NumericDtype {
  if (![1, 2, 4, 8].includes(size)) throw new TypeError(`unsupported HDF5 integer size ${size}`);
  return `${signed ? "int" : "uint"}${size * 8}` as NumericDtype;
}

function scalarDtypeOf(metadata: Metadata): ScalarDtype {
  switch (metadata.type) {
    case H5T_CLASS.INTEGER:
      return integerDtype(metadata.size, metadata.signed);
    case H5T_CLASS.FLOAT:
      if (metadata.size === 4) return "float32";
      if (metadata.size === 8) return "float64";
      throw new TypeError(`unsupported HDF5 float size ${metadata.size}`);
    case H5T_CLASS.STRING:
      return metadata.cset === CSET_UTF8 ? "utf8" : "ascii";
    case H5T_CLASS.REFERENCE:
      if (metadata.ref_type === "object") return "objectref";
      throw new TypeError("HDF5 region references are not supported");
    case H5T_CLASS.ENUM:
      return isH5pyBoolEnum(metadata) ? "bool" : integerDtype(metadata.size, metadata.signed);
    default:
      throw new TypeError(`unsupported HDF5 datatype class ${metadata.type}`);
  }
}

/** A numeric fixed-size array member of a compound (PyTables stores a pandas values block as one). */
function arrayMemberOf(member: Metadata): { dtype: NumericDtype; shape: number[] } | undefined {
  const base = member.array_type;
  if (member.type !== H5T_CLASS.ARRAY || !base) return undefined;
  const dtype = scalarDtypeOf(base);
  if (!isNumericDtype(dtype)) throw new TypeError(`unsupported HDF5 array of ${dtype} in a compound`);
  return { dtype, shape: [...(base.shape ?? [])] };
}

/** Our dtype for an HDF5 type described by h5wasm metadata (throws for types we do not model). */
export function dtypeOfMetadata(metadata: Metadata): Dtype {
  if (metadata.type !== H5T_CLASS.COMPOUND) return scalarDtypeOf(metadata);
  const fields: CompoundField[] = (metadata.compound_type?.members ?? []).map((member) => {
    const array = arrayMemberOf(member);
    return array
      ? { name: member.name, dtype: array.dtype, shape: array.shape }
      : { name: member.name, dtype: scalarDtypeOf(member) };
  });
  return { compound: fields };
}

/** Whether elements of this type own variable-length memory that HDF5 must reclaim after a read. */
export function hasVariableLength(metadata: Metadata): boolean {
  if (metadata.vlen || metadata.type === H5T_CLASS.VLEN) return true;
  return (metadata.compound_type?.members ?? []).some(hasVariableLength);
}

function readCString(bytes: Uint8Array, ptr: number): string {
  if (ptr === 0) return "";
  const end = bytes.indexOf(0, ptr);
  return utf8Decoder.decode(bytes.subarray(ptr, end < 0 ? bytes.length : end));
}

function readFixedString(bytes: Uint8Array, at: number, size: number, strpad: number | undefined): string {
  const raw = bytes.subarray(at, at + size);
  const nul = raw.indexOf(0);
  const text = utf8Decoder.decode(nul < 0 ? raw : raw.subarray(0, nul));
  return strpad === STRPAD_SPACEPAD ? text.replace(/ +$/, "") : text;
}

function readReference(bytes: Uint8Array, at: number, decode: ReferenceDecoder): ObjectReference {
  const ref = bytes.slice(at, at + OBJECT_REFERENCE_SIZE);
  // An all-zero hobj_ref_t is HDF5's null reference: it points nowhere.
  return objectReference(ref.every((b) => b === 0) ? "" : decode(ref));
}

/**
 * Reads one element from `bytes` (a copy of the element block taken out of the heap). Variable-length
 * strings point back into the live heap, fetched anew because decoding a reference may grow (and so
 * replace) the heap's buffer.
 */
function readElement(
  heap: WasmHeap,
  bytes: Uint8Array,
  view: DataView,
  at: number,
  metadata: Metadata,
  decode: ReferenceDecoder,
): number | bigint | boolean | string | ObjectReference {
  const dtype = scalarDtypeOf(metadata);
  switch (dtype) {
    case "utf8":
    case "ascii":
      return metadata.vlen
        ? readCString(heap.HEAPU8, view.getUint32(at, true))
        : readFixedString(bytes, at, metadata.size, metadata.strpad);
    case "objectref":
      return readReference(bytes, at, decode);
    case "bool":
      return view.getInt8(at) !== 0;
    case "int8":
      return view.getInt8(at);
    case "uint8":
      return view.getUint8(at);
    case "int16":
      return view.getInt16(at, true);
    case "uint16":
      return view.getUint16(at, true);
    case "int32":
      return view.getInt32(at, true);
    case "uint32":
      return view.getUint32(at, true);
    case "int64":
      return view.getBigInt64(at, true);
    case "uint64":
      return view.getBigUint64(at, true);
    case "float32":
      return view.getFloat32(at, true);
    case "float64":
      return view.getFloat64(at, true);
  }
}

/** Decoded elements: a typed array for numbers, otherwise one JS value per element. */
export type DecodedElements = TypedArray | boolean[] | string[] | ObjectReference[] | CompoundRecord[];

/**
 * Unpacks `count` elements that HDF5 read into the wasm heap at `ptr` (little-endian memory type).
 * Numbers come back as a typed array copied out of the heap.
 */
export function unpackFromHeap(
  heap: WasmHeap,
  metadata: Metadata,
  ptr: number,
  count: number,
  decode: ReferenceDecoder,
): DecodedElements {
  const size = metadata.size;
  const bytes = heap.HEAPU8.slice(ptr, ptr + count * size);
  const dtype = dtypeOfMetadata(metadata);
  if (typeof dtype === "string" && isNumericDtype(dtype)) return new (typedArrayFor(dtype))(bytes.buffer);
  const view = new DataView(bytes.buffer);
  if (typeof dtype !== "string") {
    const members = metadata.compound_type?.members ?? [];
    const records: CompoundRecord[] = [];
    for (let i = 0; i < count; i++) {
      const record: Record<string, number | bigint | string | ObjectReference | TypedArray> = {};
      for (const member of members) {
        const array = arrayMemberOf(member);
        if (array) {
          const at = i * size + member.offset;
          record[member.name] = new (typedArrayFor(array.dtype))(bytes.slice(at, at + member.size).buffer);
          continue;
        }
        const value = readElement(heap, bytes, view, i * size + member.offset, member, decode);
        record[member.name] = typeof value === "boolean" ? Number(value) : value;
      }
      records.push(record);
    }
    return records;
  }
  const out: unknown[] = [];
  for (let i = 0; i < count; i++) out.push(readElement(heap, bytes, view, i * size, metadata, decode));
  return out as boolean[] | string[] | ObjectReference[];
}
