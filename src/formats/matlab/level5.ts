/**
 * MATLAB level-5 MAT-files (versions 5, 6 and 7: `save -v6` / `-v7`), after MathWorks' "MAT-File Format"
 * document: a 128-byte header, then one data element per variable, each an 8-byte tag (type, byte count;
 * or the 4-byte "small element" form holding up to 4 bytes of data) followed by data padded to 8 bytes.
 * A variable is an miMATRIX element (array flags, dimensions, name, then class-specific sub-elements),
 * compressed as a whole in an miCOMPRESSED (zlib) element by `-v7`.
 *
 * Written here rather than taken from npm: the one level-5 reader there (mat-for-js) decodes the whole file
 * at once and has no sparse/logical/struct-array handling we could check; we index variables by name and
 * decode only the one asked for.
 */
import { constants, inflateSync } from "node:zlib";
import { allocate, type TypedArray } from "../../data/dtype.js";
import { SourceDataError } from "../../errors.js";
import { readFullySync, withOpenFile } from "../binary.js";
import {
  MATLAB_CLASS_DTYPES,
  MatArray,
  type MatlabNumericClass,
  MatSparse,
  MatUnsupported,
  type MatValue,
  makeStruct,
} from "./values.js";

const HEADER_BYTES = 128;

// Data types of elements (MAT-File Format, table "MAT-File Data Types").
const MI = {
  INT8: 1,
  UINT8: 2,
  INT16: 3,
  UINT16: 4,
  INT32: 5,
  UINT32: 6,
  SINGLE: 7,
  DOUBLE: 9,
  INT64: 12,
  UINT64: 13,
  MATRIX: 14,
  COMPRESSED: 15,
  UTF8: 16,
  UTF16: 17,
  UTF32: 18,
} as const;

// Array classes (table "MATLAB Array Types and Classes").
const MX_NUMERIC: Record<number, MatlabNumericClass> = {
  6: "double",
  7: "single",
  8: "int8",
  9: "uint8",
  10: "int16",
  11: "uint16",
  12: "int32",
  13: "uint32",
  14: "int64",
  15: "uint64",
};
const MX = { CELL: 1, STRUCT: 2, OBJECT: 3, CHAR: 4, SPARSE: 5, FUNCTION: 16, OPAQUE: 17 } as const;

/** One top-level variable: where its element is, so it is decoded only when asked for. */
interface VariableEntry {
  readonly name: string;
  readonly offset: number;
  readonly type: number;
  readonly bytes: number;
}

/** A data element inside a buffer: its type and its data bytes. */
interface Element {
  readonly type: number;
  readonly data: Uint8Array;
}

/** Reads elements from one buffer, in the file's byte order. */
class ElementReader {
  private position = 0;
  private readonly view: DataView;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly littleEndian: boolean,
    private readonly file: string,
    private readonly where: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get done(): boolean {
    return this.position >= this.bytes.byteLength;
  }

  next(): Element {
    const at = this.position;
    if (at + 8 > this.bytes.byteLength) this.truncated();
    const first = this.view.getUint32(at, this.littleEndian);
    if (first >>> 16 !== 0) {
      // Small data element: type in the low 2 bytes, byte count in the high 2, data in the next 4.
      const bytes = first >>> 16;
      if (bytes > 4)
        throw new SourceDataError(this.file, `${this.where}: a small element claims ${bytes} bytes`);
      this.position = at + 8;
      return { type: first & 0xffff, data: this.bytes.subarray(at + 4, at + 4 + bytes) };
    }
    const bytes = this.view.getUint32(at + 4, this.littleEndian);
    if (at + 8 + bytes > this.bytes.byteLength) this.truncated();
    this.position = at + 8 + bytes + ((8 - (bytes % 8)) % 8);
    return { type: first, data: this.bytes.subarray(at + 8, at + 8 + bytes) };
  }

  private truncated(): never {
    throw new SourceDataError(this.file, `${this.where}: a data element runs past its end (truncated file?)`);
  }
}

/** Values of an element converted to a JS typed array of `into`'s class, whatever type the file stored. */
function numbers(
  element: Element,
  littleEndian: boolean,
  into: MatlabNumericClass,
  file: string,
): TypedArray {
  const { type, data } = element;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const read: Record<number, [number, (at: number) => number | bigint]> = {
    [MI.INT8]: [1, (at) => view.getInt8(at)],
    [MI.UINT8]: [1, (at) => view.getUint8(at)],
    [MI.INT16]: [2, (at) => view.getInt16(at, littleEndian)],
    [MI.UINT16]: [2, (at) => view.getUint16(at, littleEndian)],
    [MI.INT32]: [4, (at) => view.getInt32(at, littleEndian)],
    [MI.UINT32]: [4, (at) => view.getUint32(at, littleEndian)],
    [MI.SINGLE]: [4, (at) => view.getFloat32(at, littleEndian)],
    [MI.DOUBLE]: [8, (at) => view.getFloat64(at, littleEndian)],
    [MI.INT64]: [8, (at) => view.getBigInt64(at, littleEndian)],
    [MI.UINT64]: [8, (at) => view.getBigUint64(at, littleEndian)],
  };
  const reader = read[type];
  if (!reader)
    throw new SourceDataError(file, `numeric data stored as element type ${type}, which is not numeric`);
  const [size, get] = reader;
  const count = Math.floor(data.byteLength / size);
  const out = allocate(MATLAB_CLASS_DTYPES[into], count);
  const big = out instanceof BigInt64Array || out instanceof BigUint64Array;
  for (let i = 0; i < count; i++) {
    const value = get(i * size);
    (out as unknown as (number | bigint)[])[i] = big ? BigInt(value) : Number(value);
  }
  return out;
}

/** Text of a char array's data element (UTF-16 code units as miUINT16/miUTF16, or UTF-8 / UTF-32). */
function characters(element: Element, littleEndian: boolean, file: string): string[] {
  const { type, data } = element;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (type === MI.UTF8 || type === MI.UINT8 || type === MI.INT8) {
    return [...new TextDecoder("utf-8").decode(data)];
  }
  if (type === MI.UINT16 || type === MI.UTF16 || type === MI.INT16) {
    const units = Array.from({ length: data.byteLength / 2 }, (_, i) => view.getUint16(i * 2, littleEndian));
    // One char per code unit: MATLAB's char is a UTF-16 code unit, so dimensions count units.
    return units.map((unit) => String.fromCharCode(unit));
  }
  if (type === MI.UTF32 || type === MI.UINT32 || type === MI.INT32) {
    return Array.from({ length: data.byteLength / 4 }, (_, i) =>
      String.fromCodePoint(view.getUint32(i * 4, littleEndian)),
    );
  }
  throw new SourceDataError(file, `char data stored as element type ${type}`);
}

/** Char matrix (column-major characters) as text: one string for a row (or empty), else one per row. */
export function charText(chars: readonly string[], shape: readonly number[]): string | string[] {
  const rows = shape[0] ?? 0;
  const columns = chars.length / Math.max(rows, 1);
  if (rows <= 1 || shape.length > 2) return rows === 0 ? "" : chars.join("");
  return Array.from({ length: rows }, (_, r) =>
    Array.from({ length: columns }, (_, c) => chars[r + c * rows]).join(""),
  );
}

/** Decodes the data of one miMATRIX element. */
function decodeMatrix(data: Uint8Array, littleEndian: boolean, file: string, where: string): MatValue {
  // An miMATRIX of zero bytes is MATLAB's empty double `[]` (cells and struct fields use it).
  if (data.byteLength === 0) return new MatArray("double", [0, 0], new Float64Array(0));
  const elements = new ElementReader(data, littleEndian, file, where);
  const flagsElement = elements.next();
  const flags = new DataView(flagsElement.data.buffer, flagsElement.data.byteOffset, 8);
  const word = flags.getUint32(0, littleEndian);
  const arrayClass = word & 0xff;
  const complex = (word & 0x0800) !== 0;
  const logical = (word & 0x0200) !== 0;
  const dims = Array.from(numbers(elements.next(), littleEndian, "int32", file), Number);
  const count = dims.reduce((a, b) => a * b, 1);
  elements.next(); // array name: empty inside cells and structs; top-level names were read when indexing
  const numericClass = MX_NUMERIC[arrayClass];
  if (numericClass) {
    const real = numbers(elements.next(), littleEndian, logical ? "uint8" : numericClass, file);
    const imag = complex ? numbers(elements.next(), littleEndian, numericClass, file) : undefined;
    if (real.length !== count) {
      throw new SourceDataError(file, `${where}: ${real.length} values for dimensions ${dims.join("×")}`);
    }
    return new MatArray(logical ? "logical" : numericClass, dims, real, imag);
  }
  switch (arrayClass) {
    case MX.CHAR:
      return charText(characters(elements.next(), littleEndian, file), dims);
    case MX.CELL:
      return Array.from({ length: count }, (_, i) => {
        const element = elements.next();
        return decodeMatrix(element.data, littleEndian, file, `${where}{${i + 1}}`);
      });
    case MX.STRUCT:
    case MX.OBJECT: {
      if (arrayClass === MX.OBJECT) elements.next(); // class name
      const nameLength = Number(numbers(elements.next(), littleEndian, "int32", file)[0]);
      const nameBytes = elements.next().data;
      const fields = Array.from({ length: nameBytes.byteLength / nameLength }, (_, f) => {
        const raw = nameBytes.subarray(f * nameLength, (f + 1) * nameLength);
        const end = raw.indexOf(0);
        return new TextDecoder("latin1").decode(end < 0 ? raw : raw.subarray(0, end));
      });
      const structs = Array.from({ length: count }, (_, i) =>
        makeStruct(
          fields.map((field) => [
            field,
            decodeMatrix(elements.next().data, littleEndian, file, `${where}(${i + 1}).${field}`),
          ]),
        ),
      );
      return count === 1 && dims.length === 2 ? structs[0]! : structs;
    }
    case MX.SPARSE: {
      const rowIndices = numbers(elements.next(), littleEndian, "int32", file) as Int32Array;
      const columnStarts = numbers(elements.next(), littleEndian, "int32", file) as Int32Array;
      const stored = columnStarts[dims[1] ?? 0] ?? 0;
      const values = numbers(elements.next(), littleEndian, logical ? "uint8" : "double", file);
      const imag = complex
        ? (numbers(elements.next(), littleEndian, "double", file) as Float64Array)
        : undefined;
      return new MatSparse(
        [dims[0] ?? 0, dims[1] ?? 0],
        rowIndices.subarray(0, stored),
        columnStarts,
        (values as Float64Array | Uint8Array).subarray(0, stored),
        logical,
        imag?.subarray(0, stored),
      );
    }
    case MX.FUNCTION:
      return new MatUnsupported("function_handle", `${where}: a function handle, not decoded`);
    case MX.OPAQUE:
      return new MatUnsupported(
        "opaque",
        `${where}: a MATLAB class object (string, table, datetime, ...), not decoded; save it as char/struct`,
      );
    default:
      return new MatUnsupported(
        `class ${arrayClass}`,
        `${where}: MATLAB array class ${arrayClass} is not known`,
      );
  }
}

/** Whether the header marks a level-5 file, and its byte order (the "IM"/"MI" indicator). */
export function level5ByteOrder(header: Uint8Array): { littleEndian: boolean } | undefined {
  if (header.byteLength < HEADER_BYTES) return undefined;
  const indicator = String.fromCharCode(header[126]!, header[127]!);
  if (indicator === "IM") return { littleEndian: true };
  if (indicator === "MI") return { littleEndian: false };
  return undefined;
}

/** A level-5 MAT-file, indexed: variables are decoded one at a time, by name. */
export class Level5File {
  private readonly entries: Map<string, VariableEntry>;

  constructor(
    readonly path: string,
    private readonly littleEndian: boolean,
  ) {
    this.entries = withOpenFile(path, (fd, file, size) => this.index(fd, file, size));
  }

  /** Names of the variables, in file order. */
  get variableNames(): string[] {
    return [...this.entries.keys()];
  }

  /** Decodes one variable; undefined when the file has none of that name. */
  read(name: string): MatValue | undefined {
    const entry = this.entries.get(name);
    if (!entry) return undefined;
    const bytes = withOpenFile(this.path, (fd, file) => {
      const raw = new Uint8Array(entry.bytes);
      readFullySync(fd, raw, entry.offset + 8, file);
      return raw;
    });
    const matrix = entry.type === MI.COMPRESSED ? this.inflate(bytes, name) : bytes;
    const inner = entry.type === MI.COMPRESSED ? this.unwrap(matrix, name).data : matrix;
    return decodeMatrix(inner, this.littleEndian, this.path, name);
  }

  private inflate(bytes: Uint8Array, name: string, partial = false): Uint8Array {
    try {
      return inflateSync(bytes, partial ? { finishFlush: constants.Z_SYNC_FLUSH } : {});
    } catch (error) {
      throw new SourceDataError(
        this.path,
        `variable '${name}': cannot decompress (${(error as Error).message})`,
      );
    }
  }

  /** The miMATRIX element a compressed element holds. */
  private unwrap(bytes: Uint8Array, name: string): Element {
    const element = new ElementReader(bytes, this.littleEndian, this.path, name).next();
    if (element.type !== MI.MATRIX) {
      throw new SourceDataError(
        this.path,
        `variable '${name}': compressed element holds type ${element.type}`,
      );
    }
    return element;
  }

  private index(fd: number, file: string, size: number): Map<string, VariableEntry> {
    const entries = new Map<string, VariableEntry>();
    const tag = new Uint8Array(8);
    let offset = HEADER_BYTES;
    while (offset + 8 <= size) {
      readFullySync(fd, tag, offset, file);
      const view = new DataView(tag.buffer);
      const type = view.getUint32(0, this.littleEndian);
      const bytes = view.getUint32(4, this.littleEndian);
      if (offset + 8 + bytes > size) {
        throw new SourceDataError(
          file,
          `the variable at byte ${offset} needs ${bytes} bytes but the file ends at ${size} (truncated file?)`,
        );
      }
      if (type === MI.MATRIX || type === MI.COMPRESSED) {
        const name = this.variableName(fd, file, offset, type, bytes);
        entries.set(name, { name, offset, type, bytes });
      }
      // Compressed elements are not padded; others are padded to 8 bytes.
      offset += 8 + bytes + (type === MI.COMPRESSED ? 0 : (8 - (bytes % 8)) % 8);
    }
    return entries;
  }

  /** Reads just enough of a variable (inflating a prefix of a compressed one) to learn its name. */
  private variableName(fd: number, file: string, offset: number, type: number, bytes: number): string {
    for (let prefix = 256; ; prefix *= 4) {
      const take = Math.min(prefix, bytes);
      const raw = new Uint8Array(take);
      readFullySync(fd, raw, offset + 8, file);
      let matrix: Uint8Array = raw;
      if (type === MI.COMPRESSED) {
        const inflated = this.inflate(raw, `at byte ${offset}`, take < bytes);
        matrix = inflated.subarray(8); // skip the miMATRIX tag
      }
      try {
        const elements = new ElementReader(matrix, this.littleEndian, file, `variable at byte ${offset}`);
        elements.next(); // array flags
        elements.next(); // dimensions
        return new TextDecoder("latin1").decode(elements.next().data);
      } catch (error) {
        if (take >= bytes) throw error;
      }
    }
  }
}
