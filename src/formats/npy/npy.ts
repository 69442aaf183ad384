/**
 * NumPy `.npy` files, format versions 1.0, 2.0 and 3.0.
 *
 * Layout: the magic `\x93NUMPY`, one byte major and one byte minor version, the header length
 * (little-endian uint16 in 1.0, uint32 in 2.0 and 3.0), then the header: a Python dict literal with
 * `descr` (the dtype string, e.g. `<f8`), `fortran_order` and `shape`, Latin-1 text in 1.0/2.0 and UTF-8 in
 * 3.0, padded with spaces to an alignment boundary and ended by `\n`. The raw elements follow, in C
 * (row-major) or Fortran (column-major) order.
 *
 * Data is always returned row-major with native byte order, whatever the file holds.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";

/** An open file descriptor (reads are synchronous: headers are parsed in interface constructors). */
type FileHandle = number;

import { endianness } from "node:os";
import { bytesPerElement, type NumericDtype, type TypedArray, typedArrayFor } from "../../data/dtype.js";
import { SourceDataError } from "../../errors.js";
import { PyLiteralError, type PyValue, parsePyLiteral } from "./pyliteral.js";

/** Element type of an array: a numeric type, `bool` (one byte, 0 or 1) or `unicode` (text). */
export type NpyDtype = NumericDtype | "bool" | "unicode";

/** What the header of a `.npy` file says. */
export interface NpyHeader {
  /** Path of the file, for messages. */
  readonly path: string;
  /** Format version, e.g. `"1.0"`. */
  readonly version: string;
  /** The dtype string as written, e.g. `<f8`, `|u1`, `<U12`. */
  readonly descr: string;
  readonly dtype: NpyDtype;
  /** Bytes per element (for `unicode` 4 per character, for byte strings 1 per character). */
  readonly itemSize: number;
  /** Whether elements are stored big-endian (they are converted to the host order on reading). */
  readonly bigEndian: boolean;
  /** Whether the elements are stored in Fortran (column-major) order. */
  readonly fortranOrder: boolean;
  readonly shape: readonly number[];
  /** Number of elements (1 for a scalar). */
  readonly elementCount: number;
  /** Byte offset of the first element. */
  readonly dataOffset: number;
}

/** An array read from a `.npy` file: row-major data and its shape. */
export interface NpyArray {
  readonly dtype: NpyDtype;
  readonly shape: number[];
  /**
   * The elements, row-major. Numeric types give the matching typed array (`int64`/`uint64` give
   * BigInt64Array/BigUint64Array), `bool` gives a Uint8Array of 0/1, `unicode` gives strings.
   */
  readonly data: TypedArray | string[];
}

/** Options of the reading functions. */
export interface NpyReadOptions {
  /** Largest single read in bytes; larger requests are split. Default 64 MiB. */
  readonly blockBytes?: number;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const DEFAULT_BLOCK_BYTES = 64 * 1024 * 1024;
const LITTLE_ENDIAN_HOST = endianness() === "LE";
/** Enough for the preamble of every version (magic, version, 4-byte length). */
const PREAMBLE_BYTES = 12;

const NUMERIC_KINDS: Record<string, NumericDtype> = {
  i1: "int8",
  i2: "int16",
  i4: "int32",
  i8: "int64",
  u1: "uint8",
  u2: "uint16",
  u4: "uint32",
  u8: "uint64",
  f4: "float32",
  f8: "float64",
};

const RESAVE_HINT = "re-save it from Python with numpy.save";

/** Parses the dtype string of a header into our dtype, item size and byte order. */
function parseDescr(descr: PyValue, file: string): { dtype: NpyDtype; itemSize: number; bigEndian: boolean } {
  if (typeof descr !== "string") {
    throw new SourceDataError(
      file,
      `the array has a structured (record) dtype ${JSON.stringify(descr)}, which is not supported; save each field as its own .npy array`,
    );
  }
  const match = /^([<>|=]?)([a-zA-Z])(\d*)$/.exec(descr);
  if (!match) {
    throw new SourceDataError(file, `unsupported dtype '${descr}' in the .npy header`);
  }
  const [, order, kind, sizeText] = match as unknown as [string, string, string, string];
  const bigEndian = order === ">" || (order === "=" && !LITTLE_ENDIAN_HOST);
  if (kind === "O") {
    throw new SourceDataError(
      file,
      "the array holds Python objects (dtype 'O'), which numpy stores pickled; they cannot be read outside Python. Convert it in Python to a numeric or string array (e.g. numpy.asarray(a, dtype=float) or a.astype(str)) and save it again",
    );
  }
  if (kind === "b" && sizeText === "1") return { dtype: "bool", itemSize: 1, bigEndian: false };
  const numeric = NUMERIC_KINDS[kind + sizeText];
  if (numeric) return { dtype: numeric, itemSize: bytesPerElement(numeric), bigEndian };
  const chars = Number(sizeText);
  if (kind === "U" && sizeText !== "") return { dtype: "unicode", itemSize: 4 * chars, bigEndian };
  // Byte strings (Python 2 `str`, `|S8`) are decoded as Latin-1 and reported as text too.
  if (kind === "S" && sizeText !== "") return { dtype: "unicode", itemSize: chars, bigEndian: false };
  const why =
    kind === "f" && sizeText === "2"
      ? "float16 is not supported; convert it with a.astype(numpy.float32)"
      : kind === "c"
        ? "complex numbers are not supported; save the real and imaginary parts as two arrays"
        : kind === "M" || kind === "m"
          ? "datetime/timedelta arrays are not supported; save them as int64 (a.astype('int64')) with their unit"
          : `only the numeric types i1..i8, u1..u8, f4, f8, bool (b1) and strings (U, S) are supported`;
  throw new SourceDataError(file, `unsupported dtype '${descr}': ${why}`);
}

/**
 * Parses the header of a `.npy` file from its first bytes (at least the whole header).
 * `fileSize`, when given, is checked against the size the header implies (truncation).
 */
export function parseNpyHeader(bytes: Uint8Array, path: string, fileSize?: number): NpyHeader {
  const notNpy = (what: string) =>
    new SourceDataError(path, `${what}; this is not a NumPy .npy file (expected one written by numpy.save)`);
  if (bytes.length < 10 || !MAGIC.every((b, i) => bytes[i] === b)) {
    if (bytes[0] === 0x50 && bytes[1] === 0x4b) {
      throw new SourceDataError(
        path,
        "this is a zip archive (probably a NumPy .npz file), not a .npy file; extract the array you need with numpy.load and save it with numpy.save",
      );
    }
    throw notNpy(
      bytes.length < 10
        ? `the file is only ${bytes.length} bytes long`
        : "the magic bytes \\x93NUMPY are missing",
    );
  }
  const major = bytes[6]!;
  const minor = bytes[7]!;
  if (major < 1 || major > 3) {
    throw new SourceDataError(
      path,
      `.npy format version ${major}.${minor} is not supported (only 1.0, 2.0 and 3.0); ${RESAVE_HINT}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lengthBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lengthBytes) throw notNpy("the header is cut short");
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = 8 + lengthBytes;
  const dataOffset = headerStart + headerLength;
  if (bytes.length < dataOffset) {
    throw new SourceDataError(
      path,
      `the file ends inside its header (${bytes.length} bytes, header needs ${dataOffset}); the file is truncated, copy it again`,
    );
  }
  const headerBytes = bytes.subarray(headerStart, dataOffset);
  const text = new TextDecoder(major >= 3 ? "utf-8" : "latin1").decode(headerBytes);
  let dict: PyValue;
  try {
    dict = parsePyLiteral(text);
  } catch (error) {
    if (!(error instanceof PyLiteralError)) throw error;
    throw new SourceDataError(
      path,
      `the .npy header is not a valid Python dict (${error.message}); ${RESAVE_HINT}`,
    );
  }
  if (typeof dict !== "object" || dict === null || Array.isArray(dict)) {
    throw new SourceDataError(path, `the .npy header is not a dict; ${RESAVE_HINT}`);
  }
  for (const key of ["descr", "fortran_order", "shape"]) {
    if (!(key in dict))
      throw new SourceDataError(path, `the .npy header has no '${key}' entry; ${RESAVE_HINT}`);
  }
  const { dtype, itemSize, bigEndian } = parseDescr(dict.descr!, path);
  const fortranOrder = dict.fortran_order;
  if (typeof fortranOrder !== "boolean") {
    throw new SourceDataError(
      path,
      `'fortran_order' in the .npy header is not True or False; ${RESAVE_HINT}`,
    );
  }
  const shapeValue = dict.shape;
  if (
    !Array.isArray(shapeValue) ||
    !shapeValue.every((d): d is number => typeof d === "number" && Number.isSafeInteger(d) && d >= 0)
  ) {
    throw new SourceDataError(
      path,
      `'shape' in the .npy header is not a tuple of non-negative integers (${JSON.stringify(shapeValue)}); ${RESAVE_HINT}`,
    );
  }
  const shape = shapeValue as number[];
  let elementCount = 1;
  for (const d of shape) elementCount *= d;
  if (!Number.isSafeInteger(elementCount * itemSize)) {
    throw new SourceDataError(path, `the shape (${shape.join(", ")}) is too large to address`);
  }
  const header: NpyHeader = {
    path,
    version: `${major}.${minor}`,
    descr: dict.descr as string,
    dtype,
    itemSize,
    bigEndian,
    fortranOrder,
    shape,
    elementCount,
    dataOffset,
  };
  if (fileSize !== undefined) checkSize(header, fileSize);
  return header;
}

/**
 * Whether the element order differs from C order: Fortran order with at least two axes longer than 1
 * (an `(n, 1)` array is laid out the same either way).
 */
function isFortran(header: NpyHeader): boolean {
  return header.fortranOrder && header.shape.filter((d) => d > 1).length > 1;
}

function describe(header: NpyHeader): string {
  return `shape (${header.shape.join(", ")}${header.shape.length === 1 ? "," : ""}) of '${header.descr}'`;
}

function checkSize(header: NpyHeader, fileSize: number): void {
  const needed = header.dataOffset + header.elementCount * header.itemSize;
  if (fileSize < needed) {
    throw new SourceDataError(
      header.path,
      `the file is truncated: its header says ${describe(header)}, which needs ${needed} bytes, but the file has only ${fileSize}; it was probably cut short while copying or writing, copy or export it again`,
    );
  }
}

/**
 * An opened `.npy` file: its header is read and checked (including against the file size) on
 * {@link NpyFile.open}; data is read on request, the whole array or a range of rows.
 */
export class NpyFile {
  private constructor(
    readonly header: NpyHeader,
    private readonly blockBytes: number,
  ) {}

  /** Reads and checks the header of `path`. */
  static open(path: string, options: NpyReadOptions = {}): NpyFile {
    const handle = openOrThrow(path);
    try {
      const size = fstatSync(handle).size;
      const preamble = new Uint8Array(Math.min(size, PREAMBLE_BYTES));
      readFully(handle, preamble, 0, path);
      let bytes = preamble;
      if (size >= 10 && MAGIC.every((b, i) => preamble[i] === b)) {
        const view = new DataView(preamble.buffer);
        const major = preamble[6]!;
        const end =
          major === 1
            ? 10 + view.getUint16(8, true)
            : size >= 12
              ? 12 + view.getUint32(8, true)
              : PREAMBLE_BYTES;
        bytes = new Uint8Array(Math.min(size, end));
        readFully(handle, bytes, 0, path);
      }
      const header = parseNpyHeader(bytes, path, size);
      return new NpyFile(header, options.blockBytes ?? DEFAULT_BLOCK_BYTES);
    } finally {
      closeSync(handle);
    }
  }

  get path(): string {
    return this.header.path;
  }

  get dtype(): NpyDtype {
    return this.header.dtype;
  }

  get shape(): readonly number[] {
    return this.header.shape;
  }

  /** Extent of the first axis (1 for a scalar). */
  get rowCount(): number {
    return this.header.shape.length === 0 ? 1 : this.header.shape[0]!;
  }

  /** Elements per row: the product of every extent after the first. */
  get rowSize(): number {
    let n = 1;
    for (const d of this.header.shape.slice(1)) n *= d;
    return n;
  }

  /** The whole array. */
  read(): NpyArray {
    const h = this.header;
    const bytes = new Uint8Array(h.elementCount * h.itemSize);
    const handle = openOrThrow(h.path);
    try {
      this.readSpan(handle, bytes, h.dataOffset);
    } finally {
      closeSync(handle);
    }
    const ordered = isFortran(h) ? fortranToC(bytes, h.shape, h.itemSize) : bytes;
    return { dtype: h.dtype, shape: [...h.shape], data: decode(ordered, h) };
  }

  /**
   * Rows `[start, end)` of the first axis, row-major, with shape `[end - start, ...shape[1:]]`.
   * C-order files cost one positioned read (split at `blockBytes`); Fortran-order files are streamed
   * once in blocks of whole columns, keeping only the wanted rows. Memory stays bounded by the result plus
   * one block either way.
   */
  readRows(start: number, end: number): NpyArray {
    this.checkRange(start, end);
    if (isFortran(this.header)) {
      const rows = Array.from({ length: end - start }, (_, i) => start + i);
      return this.readRowSet(rows);
    }
    const h = this.header;
    const rowBytes = this.rowSize * h.itemSize;
    const bytes = new Uint8Array((end - start) * rowBytes);
    if (bytes.length > 0) {
      const handle = openOrThrow(h.path);
      try {
        this.readSpan(handle, bytes, h.dataOffset + start * rowBytes);
      } finally {
        closeSync(handle);
      }
    }
    return { dtype: h.dtype, shape: this.rowShape(end - start), data: decode(bytes, h) };
  }

  /**
   * The given rows of the first axis (any order, repeats allowed), stacked row-major in that order.
   * Meant for picking a few rows of a large array (one template per unit): C order reads each distinct row
   * (adjacent rows together); Fortran order makes one streaming pass.
   */
  readRowSet(rows: readonly number[]): NpyArray {
    const h = this.header;
    for (const r of rows) this.checkRange(r, r + 1);
    const rowSize = this.rowSize;
    const rowBytes = rowSize * h.itemSize;
    const distinct = [...new Set(rows)].sort((a, b) => a - b);
    const slot = new Map(distinct.map((r, i) => [r, i]));
    const picked = new Uint8Array(distinct.length * rowBytes);
    if (picked.length > 0) {
      const handle = openOrThrow(h.path);
      try {
        if (isFortran(h)) this.pickFortranRows(handle, distinct, picked);
        else {
          for (let i = 0; i < distinct.length; ) {
            let n = 1;
            while (i + n < distinct.length && distinct[i + n] === distinct[i]! + n) n++;
            this.readSpan(
              handle,
              picked.subarray(i * rowBytes, (i + n) * rowBytes),
              h.dataOffset + distinct[i]! * rowBytes,
            );
            i += n;
          }
        }
      } finally {
        closeSync(handle);
      }
    }
    let bytes = picked;
    if (rows.length !== distinct.length || rows.some((r, i) => r !== distinct[i])) {
      bytes = new Uint8Array(rows.length * rowBytes);
      rows.forEach((r, i) => {
        const k = slot.get(r)!;
        bytes.set(picked.subarray(k * rowBytes, (k + 1) * rowBytes), i * rowBytes);
      });
    }
    return { dtype: h.dtype, shape: this.rowShape(rows.length), data: decode(bytes, h) };
  }

  private rowShape(rows: number): number[] {
    return this.header.shape.length === 0 ? [rows] : [rows, ...this.header.shape.slice(1)];
  }

  private checkRange(start: number, end: number): void {
    const n = this.rowCount;
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start || end > n) {
      throw new RangeError(`rows [${start}, ${end}) are outside [0, ${n}) of ${this.header.path}`);
    }
  }

  /**
   * Fortran order stores, for each combination of the trailing indices (a "column"), all rows
   * contiguously. Whole columns are read a block at a time and the wanted rows scattered to their
   * row-major place; a column larger than a block is read one wanted element at a time instead.
   */
  private pickFortranRows(handle: FileHandle, rows: readonly number[], out: Uint8Array): void {
    const h = this.header;
    const item = h.itemSize;
    const n0 = h.shape[0]!;
    const rowSize = this.rowSize;
    const columnBytes = n0 * item;
    const cIndex = fortranColumnToC(h.shape.slice(1));
    const put = (source: Uint8Array, sourceOffset: number, k: number, column: number) => {
      const target = (k * rowSize + cIndex[column]!) * item;
      out.set(source.subarray(sourceOffset, sourceOffset + item), target);
    };
    if (columnBytes > this.blockBytes) {
      // Columns too large for one block: read each column's span from the first to the last wanted row,
      // a block at a time (the rows are sorted, so one pointer walks them).
      const blockRows = Math.max(1, Math.floor(this.blockBytes / item));
      const first = rows[0]!;
      const last = rows[rows.length - 1]!;
      const block = new Uint8Array(Math.min(last - first + 1, blockRows) * item);
      for (let c = 0; c < rowSize; c++) {
        let k = 0;
        for (let r0 = first; r0 <= last; r0 += blockRows) {
          const n = Math.min(blockRows, last + 1 - r0);
          const view = block.subarray(0, n * item);
          readFully(handle, view, h.dataOffset + c * columnBytes + r0 * item, h.path);
          for (; k < rows.length && rows[k]! < r0 + n; k++) put(view, (rows[k]! - r0) * item, k, c);
        }
      }
      return;
    }
    const columnsPerBlock = Math.max(1, Math.floor(this.blockBytes / columnBytes));
    const block = new Uint8Array(Math.min(rowSize, columnsPerBlock) * columnBytes);
    for (let c0 = 0; c0 < rowSize; c0 += columnsPerBlock) {
      const n = Math.min(columnsPerBlock, rowSize - c0);
      const view = block.subarray(0, n * columnBytes);
      readFully(handle, view, h.dataOffset + c0 * columnBytes, h.path);
      for (let c = 0; c < n; c++) {
        for (let k = 0; k < rows.length; k++) put(view, c * columnBytes + rows[k]! * item, k, c0 + c);
      }
    }
  }

  private readSpan(handle: FileHandle, target: Uint8Array, position: number): void {
    for (let done = 0; done < target.length; done += this.blockBytes) {
      const part = target.subarray(done, Math.min(target.length, done + this.blockBytes));
      readFully(handle, part, position + done, this.header.path);
    }
  }
}

function openOrThrow(path: string): FileHandle {
  try {
    return openSync(path, "r");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new SourceDataError(path, "the file does not exist; check the path");
    if (code === "EISDIR") throw new SourceDataError(path, "this is a folder, not a .npy file");
    throw error;
  }
}

function readFully(handle: FileHandle, target: Uint8Array, position: number, path: string): void {
  let done = 0;
  while (done < target.length) {
    const bytesRead = readSync(handle, target, done, target.length - done, position + done);
    if (bytesRead === 0) {
      throw new SourceDataError(
        path,
        `the file ended at byte ${position + done}, before the data its header announces; it is truncated (or was replaced while reading), copy it again`,
      );
    }
    done += bytesRead;
  }
}

/**
 * For trailing dimensions `dims`, maps each Fortran-linear index (first index fastest) to the C-linear
 * index (last index fastest) of the same element.
 */
function fortranColumnToC(dims: readonly number[]): Int32Array | Float64Array {
  let total = 1;
  for (const d of dims) total *= d;
  const out = total < 2 ** 31 ? new Int32Array(total) : new Float64Array(total);
  const cStrides = dims.map((_, i) => dims.slice(i + 1).reduce((a, b) => a * b, 1));
  const index = new Array<number>(dims.length).fill(0);
  let c = 0;
  for (let f = 0; f < total; f++) {
    out[f] = c;
    // Increment the Fortran multi-index: first axis fastest; keep the C-linear index in step.
    for (let axis = 0; axis < dims.length; axis++) {
      index[axis]!++;
      c += cStrides[axis]!;
      if (index[axis]! < dims[axis]!) break;
      c -= cStrides[axis]! * dims[axis]!;
      index[axis] = 0;
    }
  }
  return out;
}

/** Reorders the bytes of a whole Fortran-order array into C order. */
function fortranToC(bytes: Uint8Array, shape: readonly number[], item: number): Uint8Array {
  const cIndex = fortranColumnToC(shape);
  const out = new Uint8Array(bytes.length);
  if (item === 1) {
    for (let f = 0; f < cIndex.length; f++) out[cIndex[f]!] = bytes[f]!;
    return out;
  }
  for (let f = 0; f < cIndex.length; f++) {
    const src = f * item;
    out.set(bytes.subarray(src, src + item), cIndex[f]! * item);
  }
  return out;
}

/** Turns raw row-major element bytes (file byte order) into the array of the header's dtype. */
function decode(bytes: Uint8Array, header: NpyHeader): TypedArray | string[] {
  const count = bytes.length / header.itemSize;
  if (header.dtype === "unicode") return decodeStrings(bytes, count, header);
  if (header.dtype === "bool") {
    // numpy writes 0/1, but any non-zero byte means true.
    for (let i = 0; i < bytes.length; i++) if (bytes[i]! > 1) bytes[i] = 1;
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  }
  const swap = header.itemSize > 1 && header.bigEndian === LITTLE_ENDIAN_HOST;
  if (swap) {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (header.itemSize === 2) buffer.swap16();
    else if (header.itemSize === 4) buffer.swap32();
    else buffer.swap64();
  }
  // A fresh buffer is aligned for every element type; a view into a larger one may not be.
  const aligned = bytes.byteOffset % header.itemSize === 0 ? bytes : bytes.slice();
  const Ctor = typedArrayFor(header.dtype) as unknown as new (
    buffer: ArrayBufferLike,
    offset: number,
    length: number,
  ) => TypedArray;
  return new Ctor(aligned.buffer, aligned.byteOffset, count);
}

function decodeStrings(bytes: Uint8Array, count: number, header: NpyHeader): string[] {
  const out = new Array<string>(count);
  const item = header.itemSize;
  if (header.descr.includes("S")) {
    const latin1 = new TextDecoder("latin1");
    for (let i = 0; i < count; i++) {
      let end = (i + 1) * item;
      while (end > i * item && bytes[end - 1] === 0) end--;
      out[i] = latin1.decode(bytes.subarray(i * item, end));
    }
    return out;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const little = !header.bigEndian;
  const chars = item / 4;
  for (let i = 0; i < count; i++) {
    // numpy pads with NUL code points and drops trailing NULs when reading back.
    let n = chars;
    while (n > 0 && view.getUint32(i * item + (n - 1) * 4, little) === 0) n--;
    let s = "";
    for (let k = 0; k < n; k++) {
      const cp = view.getUint32(i * item + k * 4, little);
      if (cp > 0x10ffff) {
        throw new SourceDataError(
          header.path,
          `element ${i} holds an invalid code point ${cp}; the file is damaged`,
        );
      }
      s += String.fromCodePoint(cp);
    }
    out[i] = s;
  }
  return out;
}

/** Reads the header only: dtype and shape without touching the data. */
export function readNpyHeader(path: string): NpyHeader {
  return NpyFile.open(path).header;
}

/** Reads a whole `.npy` file. */
export function readNpy(path: string, options: NpyReadOptions = {}): NpyArray {
  return NpyFile.open(path, options).read();
}

/** Reads rows `[start, end)` of the first axis of a `.npy` file with positioned reads (bounded memory). */
export function readNpyRows(
  path: string,
  start: number,
  end: number,
  options: NpyReadOptions = {},
): NpyArray {
  return NpyFile.open(path, options).readRows(start, end);
}

/** Parses a whole `.npy` file held in memory; `path` only names it in errors. */
export function parseNpy(bytes: Uint8Array, path = "<buffer>"): NpyArray {
  const header = parseNpyHeader(bytes, path, bytes.length);
  const data = bytes.slice(header.dataOffset, header.dataOffset + header.elementCount * header.itemSize);
  const ordered = isFortran(header) ? fortranToC(data, header.shape, header.itemSize) : data;
  return { dtype: header.dtype, shape: [...header.shape], data: decode(ordered, header) };
}

/**
 * The elements of a numeric or bool array as float64 (`int64`/`uint64` beyond 2^53 lose precision).
 * Throws a SourceDataError for text arrays; `what` says what the array was expected to hold.
 */
export function npyToFloat64(array: NpyArray, path: string, what = "numbers"): Float64Array {
  const data = array.data;
  if (Array.isArray(data)) {
    throw new SourceDataError(path, `expected ${what}, found a text array; re-export the file`);
  }
  if (data instanceof Float64Array) return data;
  const out = new Float64Array(data.length);
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    for (let i = 0; i < data.length; i++) out[i] = Number(data[i]!);
  } else out.set(data);
  return out;
}
