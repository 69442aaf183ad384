/**
 * Samples stored interleaved (every channel of one time point, then the next time point), little-endian, of
 * any numeric type, after a header and optionally cut into records: SpikeGLX `.bin` and Open Ephys
 * `continuous.dat` are one record after no header or after a fixed offset; a Neuralynx `.ncs` file is
 * records of 512 samples, each behind its own 20-byte record header; Blackrock NSx data packets are records
 * at positions found by walking the file. Rows are read with positioned reads, one pass that keeps only the
 * wanted channels, never more than `blockBytes` at a time.
 */
import type { FileHandle } from "node:fs/promises";
import { allocate, bytesPerElement, type NumericDtype, type TypedArray, viewAs } from "../data/dtype.js";
import { type ChunkSource, reusedOrNew } from "../data/lazy.js";
import {
  checkRange,
  DEFAULT_BLOCK_BYTES,
  LITTLE_ENDIAN_HOST,
  lastIndexAtMost,
  openSourceFile,
  packChannels,
  readFully,
  Scratch,
} from "./binary.js";

/** A run of rows stored contiguously from byte `position`. */
export interface SampleRecord {
  readonly position: number;
  readonly rows: number;
}

export interface InterleavedLayout {
  readonly path: string;
  readonly dtype: NumericDtype;
  readonly numChannels: number;
  /** Where the rows are: contiguous after a header, records at a fixed stride, or listed records. */
  readonly records:
    | { readonly kind: "contiguous"; readonly offset: number; readonly rows: number }
    | {
        readonly kind: "strided";
        /** Byte position of the first row of record 0. */
        readonly offset: number;
        readonly rowsPerRecord: number;
        /** Bytes from one record's first row to the next record's first row. */
        readonly recordBytes: number;
        readonly numRecords: number;
      }
    | { readonly kind: "listed"; readonly list: readonly SampleRecord[] };
  /** Largest single read (default 32 MiB). */
  readonly blockBytes?: number;
}

/** An interleaved sample file of `numChannels` columns and `numSamples` rows. */
export class InterleavedFile {
  readonly path: string;
  readonly dtype: NumericDtype;
  readonly numChannels: number;
  readonly numSamples: number;
  /** Bytes per time point. */
  readonly rowBytes: number;
  private readonly blockBytes: number;
  private readonly layout: InterleavedLayout["records"];
  /** First row of each listed record (for "listed" layouts). */
  private readonly firstRows: Float64Array | undefined;
  private readonly scratch = new Scratch();
  /** The whole arrays behind the packed views {@link readRows} returned (they can be filled anew whole). */
  private readonly packedFrom = new WeakMap<TypedArray, TypedArray>();

  constructor(layout: InterleavedLayout) {
    this.path = layout.path;
    this.dtype = layout.dtype;
    this.numChannels = layout.numChannels;
    this.rowBytes = layout.numChannels * bytesPerElement(layout.dtype);
    this.blockBytes = layout.blockBytes ?? DEFAULT_BLOCK_BYTES;
    this.layout = layout.records;
    const records = layout.records;
    if (records.kind === "contiguous") this.numSamples = records.rows;
    else if (records.kind === "strided") this.numSamples = records.rowsPerRecord * records.numRecords;
    else {
      this.firstRows = new Float64Array(records.list.length);
      let total = 0;
      records.list.forEach((r, i) => {
        this.firstRows![i] = total;
        total += r.rows;
      });
      this.numSamples = total;
    }
  }

  /** Byte position of `row` and how many rows follow it contiguously. */
  private locate(row: number): { position: number; run: number } {
    const records = this.layout;
    if (records.kind === "contiguous") {
      return { position: records.offset + row * this.rowBytes, run: records.rows - row };
    }
    if (records.kind === "strided") {
      const record = Math.floor(row / records.rowsPerRecord);
      const within = row - record * records.rowsPerRecord;
      return {
        position: records.offset + record * records.recordBytes + within * this.rowBytes,
        run: records.rowsPerRecord - within,
      };
    }
    const index = lastIndexAtMost(this.firstRows!, row);
    const within = row - this.firstRows![index]!;
    const record = records.list[index]!;
    return { position: record.position + within * this.rowBytes, run: record.rows - within };
  }

  /**
   * Rows `[start, end)` of the given channels (column indices, in the order wanted), row-major.
   * `channels` undefined means every channel in file order.
   */
  async readRows(start: number, end: number, channels?: Int32Array, reuse?: TypedArray): Promise<TypedArray> {
    checkRange(start, end, this.numSamples, "samples", this.path);
    const rows = end - start;
    const picked = channels === undefined || isIdentity(channels, this.numChannels) ? undefined : channels;
    const width = picked?.length ?? this.numChannels;
    // Most channels kept in file order (all but a sync channel, say): rows are read straight into the
    // output and packed in place, one memmove per row; no scratch buffer, no second pass over the data.
    const inPlace = picked !== undefined && isIncreasing(picked) && 2 * width >= this.numChannels;
    const out = this.reusedOrNew(reuse, rows * (inPlace ? this.numChannels : width));
    if (rows === 0) return out;
    const rowsPerRead = Math.max(1, Math.floor(this.blockBytes / this.rowBytes));
    // The handle lives for one call: none can leak, and one open per block is negligible next to reading it.
    const handle = await openSourceFile(this.path);
    const scratch =
      picked && !inPlace ? this.scratch.take(Math.min(rows, rowsPerRead) * this.rowBytes) : undefined;
    try {
      for (let r = 0; r < rows; ) {
        const { position, run } = this.locate(start + r);
        const n = Math.min(run, rows - r, rowsPerRead);
        if (scratch === undefined) {
          // whole rows are the output, or are packed into it where they lie
          const bytes = new Uint8Array(
            out.buffer,
            out.byteOffset + r * width * out.BYTES_PER_ELEMENT,
            n * this.rowBytes,
          );
          await this.read(handle, bytes, position);
          if (picked) packInPlace(out, r * width, n, this.numChannels, picked);
        } else {
          const block = scratch.subarray(0, n * this.rowBytes);
          await this.read(handle, block, position);
          const samples = viewAs(this.dtype, block.buffer, block.byteOffset, n * this.numChannels);
          pick(samples, n, this.numChannels, picked!, out, r * width);
        }
        r += n;
      }
      if (!inPlace) return out;
      const packed = out.subarray(0, rows * width);
      this.packedFrom.set(packed, out);
      return packed;
    } finally {
      if (scratch) this.scratch.release(scratch);
      await handle.close();
    }
  }

  /**
   * `length` elements in the memory of `reuse` (memory offered by the caller, or an array returned earlier)
   * when it is of this file's type and large enough, else a new array.
   */
  private reusedOrNew(reuse: TypedArray | undefined, length: number): TypedArray {
    return reusedOrNew(this.dtype, reuse && (this.packedFrom.get(reuse) ?? reuse), length);
  }

  private async read(handle: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
    await readFully(handle, bytes, position, this.path);
    if (!LITTLE_ENDIAN_HOST)
      swapBytes(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), this.dtype);
  }

  /** A lazy source of `channels` (default: all), shape (numSamples, channels). */
  source(channels?: readonly number[]): ChunkSource {
    const picked = channels === undefined ? undefined : this.checkChannels(channels);
    return {
      dtype: this.dtype,
      shape: [this.numSamples, picked?.length ?? this.numChannels],
      readRows: (start, end, reuse) => this.readRows(start, end, picked, reuse),
    };
  }

  /** A lazy 1-D source of one channel, shape (numSamples). */
  columnSource(channel: number): ChunkSource {
    const picked = this.checkChannels([channel]);
    return {
      dtype: this.dtype,
      shape: [this.numSamples],
      readRows: (start, end, reuse) => this.readRows(start, end, picked, reuse),
    };
  }

  /** Validates channel indices and packs them for the copy loop. */
  checkChannels(channels: readonly number[]): Int32Array {
    return packChannels(channels, this.numChannels, this.path);
  }
}

/** One column of samples read by row range (a single-channel {@link InterleavedFile}, or a decoder over one). */
export interface ColumnReader {
  readonly dtype: NumericDtype;
  readonly numSamples: number;
  readRows(start: number, end: number): Promise<TypedArray>;
}

/**
 * Single-channel files of equal length (one file per channel: Neuralynx `.ncs`, Plexon continuous channels;
 * one signal of EDF records) as one lazy (time, channels) source.
 */
export function stackColumns(files: readonly ColumnReader[]): ChunkSource {
  const rows = files[0]?.numSamples ?? 0;
  const dtype = files[0]?.dtype ?? "int16";
  return {
    dtype,
    shape: [rows, files.length],
    async readRows(start, end) {
      const width = files.length;
      const out = allocate(dtype, (end - start) * width) as unknown as Float64Array;
      for (const [c, file] of files.entries()) {
        const column = (await file.readRows(start, end)) as unknown as Float64Array;
        for (let r = 0; r < end - start; r++) out[r * width + c] = column[r]!;
      }
      return out as unknown as TypedArray;
    },
  };
}

function swapBytes(buffer: Buffer, dtype: NumericDtype): void {
  const size = bytesPerElement(dtype);
  if (size === 2) buffer.swap16();
  else if (size === 4) buffer.swap32();
  else if (size === 8) buffer.swap64();
}

function isIdentity(channels: Int32Array, count: number): boolean {
  if (channels.length !== count) return false;
  for (let i = 0; i < count; i++) if (channels[i] !== i) return false;
  return true;
}

function isIncreasing(channels: Int32Array): boolean {
  for (let i = 1; i < channels.length; i++) if (channels[i]! <= channels[i - 1]!) return false;
  return true;
}

/**
 * Keeps the picked columns of `rows` interleaved rows that start at element `base` of `data`, packed from
 * `base` on. Channels must be increasing: every element then moves towards the start, never over a value
 * not yet moved.
 */
function packInPlace(
  data: TypedArray,
  base: number,
  rows: number,
  stride: number,
  channels: Int32Array,
): void {
  const runs = runsOf(channels);
  const array = data as unknown as Float64Array; // one kind of typed array; the cast lets one loop serve all
  let o = base;
  for (let r = 0, row = base; r < rows; r++, row += stride) {
    for (let j = 0; j < runs.length; j += 2) {
      const first = row + runs[j]!;
      const n = runs[j + 1]!;
      if (n >= MIN_SET_RUN) array.copyWithin(o, first, first + n);
      else for (let k = 0; k < n; k++) array[o + k] = array[first + k]!;
      o += n;
    }
  }
}

/** Runs of consecutive channels: [first channel, length] pairs, in output order. */
function runsOf(channels: Int32Array): Int32Array {
  const runs: number[] = [];
  for (let k = 0; k < channels.length; ) {
    let n = 1;
    while (k + n < channels.length && channels[k + n] === channels[k]! + n) n++;
    runs.push(channels[k]!, n);
    k += n;
  }
  return Int32Array.from(runs);
}

/** Runs this long or longer are copied with one memcpy/memmove call; shorter ones element by element. */
const MIN_SET_RUN = 16;

/** Copies the picked columns of `rows` interleaved rows into `out` from `offset` on. */
function pick(
  samples: TypedArray,
  rows: number,
  stride: number,
  channels: Int32Array,
  out: TypedArray,
  offset: number,
): void {
  const runs = runsOf(channels);
  const width = channels.length;
  // typed arrays of one kind; the casts let one loop serve every element type
  const src = samples as unknown as Float64Array;
  const dst = out as unknown as Float64Array;
  if (runs.length === 2 && width >= MIN_SET_RUN) {
    // The usual case, every channel but a sync word: one memcpy per row (about 3x a plain loop).
    const first = runs[0]!;
    for (let r = 0, base = first, o = offset; r < rows; r++, base += stride, o += width) {
      dst.set(src.subarray(base, base + width), o);
    }
    return;
  }
  let o = offset;
  for (let r = 0, row = 0; r < rows; r++, row += stride) {
    for (let j = 0; j < runs.length; j += 2) {
      const first = row + runs[j]!;
      const n = runs[j + 1]!;
      if (n >= MIN_SET_RUN) {
        dst.set(src.subarray(first, first + n), o);
        o += n;
      } else {
        for (let k = 0; k < n; k++) dst[o++] = src[first + k]!;
      }
    }
  }
}
