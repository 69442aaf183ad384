/**
 * A streaming TIFF reader: classic TIFF and BigTIFF, either byte order, any number of pages, strips or
 * tiles, 8/16/32/64-bit integers and 32/64-bit floats, one sample per pixel.
 *
 * Opening a file walks the chain of image file directories (IFDs) once and keeps, per page, only its
 * geometry and where its strips are; pixels are read one page at a time when asked for. Text tags
 * (ImageDescription, Software) are located but read only on request, because ScanImage writes tens of
 * kilobytes of them per page.
 *
 * Why our own reader: the maintained npm decoders (`tiff`, `utif2`) decode from one in-memory buffer of the
 * whole file, which a multi-gigabyte stack cannot be; `geotiff` reads ranges lazily but only
 * asynchronously, is built around geospatial rasters and does not expose what the ScanImage header
 * holds. Layout per the TIFF 6.0 specification and the BigTIFF proposal (Aware Systems).
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { open } from "node:fs/promises";
import { allocate, type NumericDtype, type TypedArray, typedArrayFor } from "../../data/dtype.js";
import { SourceDataError } from "../../errors.js";
import { COMPRESSION_NAMES, decompressSegment } from "./decompress.js";

/** Tag numbers (TIFF 6.0 appendix A). */
export const Tag = {
  NewSubfileType: 254,
  ImageWidth: 256,
  ImageLength: 257,
  BitsPerSample: 258,
  Compression: 259,
  ImageDescription: 270,
  StripOffsets: 273,
  SamplesPerPixel: 277,
  RowsPerStrip: 278,
  StripByteCounts: 279,
  PlanarConfiguration: 284,
  Software: 305,
  DateTime: 306,
  Predictor: 317,
  TileWidth: 322,
  TileLength: 323,
  TileOffsets: 324,
  TileByteCounts: 325,
  SampleFormat: 339,
} as const;

/** Bytes per value of each field type (1 BYTE ... 18 IFD8). */
const TYPE_SIZES: Readonly<Record<number, number>> = {
  1: 1,
  2: 1,
  3: 2,
  4: 4,
  5: 8,
  6: 1,
  7: 1,
  8: 2,
  9: 4,
  10: 8,
  11: 4,
  12: 8,
  13: 4,
  16: 8,
  17: 8,
  18: 8,
};

/** Where a tag's values are, to read them later. */
interface TagLocation {
  readonly type: number;
  readonly count: number;
  readonly offset: number;
}

/** One page (image file directory): its geometry and where its pixel data are. */
export interface TiffPage {
  readonly index: number;
  readonly width: number;
  readonly height: number;
  readonly dtype: NumericDtype;
  readonly compression: number;
  readonly predictor: number;
  /** Strips (or tiles) in file order, and the rows (tile height) and columns (tile width) each covers. */
  readonly segmentOffsets: Float64Array;
  readonly segmentByteCounts: Float64Array;
  readonly segmentHeight: number;
  /** Tile width; the page width for strips. */
  readonly segmentWidth: number;
  readonly tiled: boolean;
  /** Whether NewSubfileType marks it as a reduced-resolution copy (a thumbnail or pyramid level). */
  readonly reduced: boolean;
  readonly textTags: ReadonlyMap<number, TagLocation>;
}

const DTYPES: Readonly<Record<string, NumericDtype>> = {
  "1:8": "uint8",
  "1:16": "uint16",
  "1:32": "uint32",
  "1:64": "uint64",
  "2:8": "int8",
  "2:16": "int16",
  "2:32": "int32",
  "2:64": "int64",
  "3:32": "float32",
  "3:64": "float64",
};

/** Reads exactly `length` bytes at `position` (or fewer at the end of the file). */
function readAt(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buffer, done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done === length ? buffer : buffer.subarray(0, done);
}

/**
 * An open TIFF file: its pages, their text tags and pixels.
 *
 * @example
 * ```ts
 * const tiff = TiffFile.open("stack.tif");
 * console.log(tiff.pages.length, tiff.pages[0].width, tiff.pages[0].dtype);
 * const frame = await tiff.readPage(0); // one page, row-major
 * ```
 */
export class TiffFile {
  private constructor(
    readonly path: string,
    readonly littleEndian: boolean,
    readonly bigTiff: boolean,
    readonly pages: readonly TiffPage[],
  ) {}

  /** Parses the header and every IFD (no pixel data). */
  static open(path: string): TiffFile {
    let fd: number;
    try {
      fd = openSync(path, "r");
    } catch (error) {
      throw new SourceDataError(path, `cannot open the TIFF file (${(error as Error).message})`);
    }
    try {
      const size = fstatSync(fd).size;
      const header = readAt(fd, 0, 16);
      const order = header.toString("latin1", 0, 2);
      if (header.length < 8 || (order !== "II" && order !== "MM")) {
        throw new SourceDataError(path, 'not a TIFF file: it does not start with "II" or "MM"');
      }
      const little = order === "II";
      const magic = little ? header.readUInt16LE(2) : header.readUInt16BE(2);
      if (magic !== 42 && magic !== 43) {
        throw new SourceDataError(
          path,
          `not a TIFF file: version ${magic}, expected 42 (TIFF) or 43 (BigTIFF)`,
        );
      }
      const big = magic === 43;
      const reader = new IfdReader(fd, path, little, big, size);
      const first = big ? reader.u64(header, 8) : reader.u32(header, 4);
      return new TiffFile(path, little, big, reader.readChain(first));
    } finally {
      closeSync(fd);
    }
  }

  /**
   * A text tag of a page (ImageDescription, Software, ...), or undefined when the page has none; `maxBytes`
   * reads only its beginning.
   */
  readText(pageIndex: number, tag: number, maxBytes = Number.POSITIVE_INFINITY): string | undefined {
    const location = this.page(pageIndex).textTags.get(tag);
    if (!location) return undefined;
    const fd = openSync(this.path, "r");
    try {
      const bytes = readAt(fd, location.offset, Math.min(location.count, maxBytes));
      const end = bytes.indexOf(0);
      return bytes.toString("utf8", 0, end < 0 ? bytes.length : end);
    } finally {
      closeSync(fd);
    }
  }

  /** Bytes `[position, position + length)` of the file (for headers some writers add, e.g. ScanImage). */
  readBytes(position: number, length: number): Uint8Array {
    const fd = openSync(this.path, "r");
    try {
      return readAt(fd, position, length);
    } finally {
      closeSync(fd);
    }
  }

  page(index: number): TiffPage {
    const page = this.pages[index];
    if (!page) throw new RangeError(`page ${index} is outside [0, ${this.pages.length}) of ${this.path}`);
    return page;
  }

  /** The pixels of one page, row-major (height × width), in the host's byte order. */
  async readPage(index: number): Promise<TypedArray> {
    const handle = await open(this.path, "r");
    try {
      return await this.readPageWith(handle, index);
    } finally {
      await handle.close();
    }
  }

  private async readPageWith(
    handle: import("node:fs/promises").FileHandle,
    index: number,
  ): Promise<TypedArray> {
    const page = this.page(index);
    const itemBytes = allocate(page.dtype, 1).BYTES_PER_ELEMENT;
    const out = allocate(page.dtype, page.width * page.height);
    const outBytes = new Uint8Array(out.buffer);
    const rowBytes = page.width * itemBytes;
    const segmentRowBytes = page.segmentWidth * itemBytes;
    const across = page.tiled ? Math.ceil(page.width / page.segmentWidth) : 1;
    for (let s = 0; s < page.segmentOffsets.length; s++) {
      const top = Math.floor(s / across) * page.segmentHeight;
      const left = (s % across) * page.segmentWidth;
      const rows = page.tiled ? page.segmentHeight : Math.min(page.segmentHeight, page.height - top);
      if (rows <= 0) continue;
      const expected = rows * segmentRowBytes;
      const stored = Buffer.alloc(page.segmentByteCounts[s]!);
      const { bytesRead } = await handle.read(stored, 0, stored.length, page.segmentOffsets[s]!);
      if (bytesRead < stored.length && page.compression === 1 && bytesRead < expected) {
        throw new SourceDataError(
          this.path,
          `page ${index} is truncated: its data end at byte ${page.segmentOffsets[s]! + stored.length}, past the end of the file; the file was probably cut short while copying`,
        );
      }
      let decoded: Uint8Array;
      try {
        decoded = decompressSegment(page.compression, stored.subarray(0, bytesRead), expected);
      } catch (error) {
        throw new SourceDataError(
          this.path,
          `page ${index}: cannot decode its data (${(error as Error).message})`,
        );
      }
      const segment = this.toHostOrder(decoded.subarray(0, expected), itemBytes);
      if (page.predictor === 2) undoHorizontalDifferencing(segment, page.dtype, page.segmentWidth, rows);
      const keptColumns = Math.min(page.segmentWidth, page.width - left) * itemBytes;
      for (let r = 0; r < rows && top + r < page.height; r++) {
        const from = r * segmentRowBytes;
        outBytes.set(segment.subarray(from, from + keptColumns), (top + r) * rowBytes + left * itemBytes);
      }
    }
    return out;
  }

  private toHostOrder(bytes: Uint8Array, itemBytes: number): Uint8Array {
    // Always copy: the result is viewed as a typed array of `itemBytes`-aligned elements.
    const copy = new Uint8Array(Math.floor(bytes.length / itemBytes) * itemBytes);
    copy.set(bytes.subarray(0, copy.length));
    if (!this.littleEndian && itemBytes > 1) {
      const view = Buffer.from(copy.buffer, copy.byteOffset, copy.length);
      if (itemBytes === 2) view.swap16();
      else if (itemBytes === 4) view.swap32();
      else view.swap64();
    }
    return copy;
  }
}

/** Predictor 2: each sample is stored as the difference from the one to its left (TIFF 6.0, section 14). */
function undoHorizontalDifferencing(
  bytes: Uint8Array,
  dtype: NumericDtype,
  width: number,
  rows: number,
): void {
  // 8-32-bit elements only (checked when the page is parsed); assignment wraps like the writer's subtraction
  const values = new (typedArrayFor(dtype) as Uint16ArrayConstructor)(
    bytes.buffer as ArrayBuffer,
    bytes.byteOffset,
    width * rows,
  );
  for (let r = 0; r < rows; r++) {
    for (let c = 1; c < width; c++)
      values[r * width + c] = values[r * width + c]! + values[r * width + c - 1]!;
  }
}

/** Walks the IFD chain of an open file. */
class IfdReader {
  constructor(
    private readonly fd: number,
    private readonly path: string,
    private readonly little: boolean,
    private readonly big: boolean,
    private readonly size: number,
  ) {}

  u16(b: Buffer, at: number): number {
    return this.little ? b.readUInt16LE(at) : b.readUInt16BE(at);
  }

  u32(b: Buffer, at: number): number {
    return this.little ? b.readUInt32LE(at) : b.readUInt32BE(at);
  }

  u64(b: Buffer, at: number): number {
    return Number(this.little ? b.readBigUInt64LE(at) : b.readBigUInt64BE(at));
  }

  readChain(first: number): TiffPage[] {
    const pages: TiffPage[] = [];
    const seen = new Set<number>();
    let offset = first;
    while (offset !== 0) {
      if (seen.has(offset))
        throw new SourceDataError(this.path, `the IFD chain loops back to byte ${offset}`);
      if (offset >= this.size) {
        throw new SourceDataError(
          this.path,
          `IFD ${pages.length} starts at byte ${offset}, past the end of the file (${this.size} bytes); the file is truncated`,
        );
      }
      seen.add(offset);
      const { page, next } = this.readIfd(offset, pages.length);
      pages.push(page);
      offset = next;
    }
    if (pages.length === 0) throw new SourceDataError(this.path, "the TIFF file has no pages");
    return pages;
  }

  private readIfd(offset: number, index: number): { page: TiffPage; next: number } {
    const countBytes = this.big ? 8 : 2;
    const entryBytes = this.big ? 20 : 12;
    const head = readAt(this.fd, offset, countBytes);
    const count = this.big ? this.u64(head, 0) : this.u16(head, 0);
    const body = readAt(this.fd, offset + countBytes, count * entryBytes + countBytes * (this.big ? 1 : 2));
    if (body.length < count * entryBytes) {
      throw new SourceDataError(this.path, `IFD ${index} at byte ${offset} is truncated`);
    }
    const tags = new Map<number, TagLocation>();
    const inlineBytes = this.big ? 8 : 4;
    for (let e = 0; e < count; e++) {
      const at = e * entryBytes;
      const tag = this.u16(body, at);
      const type = this.u16(body, at + 2);
      const n = this.big ? this.u64(body, at + 4) : this.u32(body, at + 4);
      const valueAt = at + (this.big ? 12 : 8);
      const bytes = (TYPE_SIZES[type] ?? 1) * n;
      const location =
        bytes <= inlineBytes
          ? offset + countBytes + valueAt
          : this.big
            ? this.u64(body, valueAt)
            : this.u32(body, valueAt);
      tags.set(tag, { type, count: n, offset: location });
    }
    const nextAt = count * entryBytes;
    const next =
      body.length >= nextAt + (this.big ? 8 : 4)
        ? this.big
          ? this.u64(body, nextAt)
          : this.u32(body, nextAt)
        : 0;
    return { page: this.toPage(index, tags), next };
  }

  private values(tags: Map<number, TagLocation>, tag: number): number[] | undefined {
    const location = tags.get(tag);
    if (!location) return undefined;
    const size = TYPE_SIZES[location.type];
    if (size === undefined) {
      throw new SourceDataError(this.path, `tag ${tag} has unknown field type ${location.type}`);
    }
    const bytes = readAt(this.fd, location.offset, size * location.count);
    const out: number[] = [];
    for (let i = 0; i < location.count; i++) {
      const at = i * size;
      switch (location.type) {
        case 1:
        case 7:
          out.push(bytes[at]!);
          break;
        case 3:
          out.push(this.u16(bytes, at));
          break;
        case 4:
        case 13:
          out.push(this.u32(bytes, at));
          break;
        case 16:
        case 18:
          out.push(this.u64(bytes, at));
          break;
        default:
          throw new SourceDataError(
            this.path,
            `tag ${tag} has field type ${location.type}, expected an integer`,
          );
      }
    }
    return out;
  }

  private one(tags: Map<number, TagLocation>, tag: number, fallback?: number): number {
    const value = this.values(tags, tag)?.[0] ?? fallback;
    if (value === undefined) throw new SourceDataError(this.path, `a page lacks the required tag ${tag}`);
    return value;
  }

  private toPage(index: number, tags: Map<number, TagLocation>): TiffPage {
    const where = `page ${index}`;
    const width = this.one(tags, Tag.ImageWidth);
    const height = this.one(tags, Tag.ImageLength);
    const samples = this.one(tags, Tag.SamplesPerPixel, 1);
    if (samples !== 1) {
      throw new SourceDataError(
        this.path,
        `${where} has ${samples} samples per pixel (color or multi-sample); only one sample per pixel (grayscale microscopy) is read`,
      );
    }
    const bits = this.one(tags, Tag.BitsPerSample, 1);
    const format = this.one(tags, Tag.SampleFormat, 1);
    const dtype = DTYPES[`${format}:${bits}`];
    if (!dtype) {
      throw new SourceDataError(
        this.path,
        `${where} has ${bits}-bit samples of SampleFormat ${format}; readable are 8/16/32/64-bit integers and 32/64-bit floats`,
      );
    }
    const compression = this.one(tags, Tag.Compression, 1);
    if (!(compression in COMPRESSION_NAMES)) {
      throw new SourceDataError(
        this.path,
        `${where} uses compression ${compression}; readable are ${[...new Set(Object.values(COMPRESSION_NAMES))].join(", ")}: re-save the stack uncompressed or with one of these`,
      );
    }
    const predictor = this.one(tags, Tag.Predictor, 1);
    if (predictor !== 1 && !(predictor === 2 && !dtype.endsWith("64"))) {
      throw new SourceDataError(
        this.path,
        `${where} uses predictor ${predictor}; only 1 (none) and 2 (for 8-32-bit integers) are read`,
      );
    }
    const tiled = tags.has(Tag.TileOffsets);
    const offsets = this.values(tags, tiled ? Tag.TileOffsets : Tag.StripOffsets);
    const counts = this.values(tags, tiled ? Tag.TileByteCounts : Tag.StripByteCounts);
    if (!offsets || !counts || offsets.length !== counts.length) {
      throw new SourceDataError(
        this.path,
        `${where} does not say where its pixel data are (strip offsets/counts)`,
      );
    }
    const textTags = new Map<number, TagLocation>();
    for (const tag of [Tag.ImageDescription, Tag.Software, Tag.DateTime]) {
      const location = tags.get(tag);
      if (location) textTags.set(tag, location);
    }
    return {
      index,
      width,
      height,
      dtype,
      compression,
      predictor,
      segmentOffsets: Float64Array.from(offsets),
      segmentByteCounts: Float64Array.from(counts),
      segmentHeight: tiled
        ? this.one(tags, Tag.TileLength)
        : Math.min(this.one(tags, Tag.RowsPerStrip, height), height),
      segmentWidth: tiled ? this.one(tags, Tag.TileWidth) : width,
      tiled,
      reduced: (this.one(tags, Tag.NewSubfileType, 0) & 1) === 1,
      textTags,
    };
  }
}
