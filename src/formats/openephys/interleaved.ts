/**
 * Rows of a `continuous.dat`: little-endian int16, every channel of one sample after another. A block of
 * rows costs one positioned read (split only beyond `blockBytes`) and one pass that keeps the wanted
 * channels.
 */
import { type FileHandle, open } from "node:fs/promises";
import { endianness } from "node:os";
import type { ChunkSource } from "../../data/lazy.js";
import { SourceDataError } from "../../errors.js";

/** Default largest single read (bytes): requests above it are split, so scratch memory stays small. */
export const DEFAULT_BLOCK_BYTES = 8 * 1024 * 1024;

const BIG_ENDIAN_HOST = endianness() === "BE";

/** An interleaved int16 file of `numChannels` columns and `numSamples` rows. */
export class InterleavedDatFile {
  readonly rowBytes: number;

  constructor(
    readonly path: string,
    readonly numChannels: number,
    readonly numSamples: number,
    readonly blockBytes: number = DEFAULT_BLOCK_BYTES,
  ) {
    this.rowBytes = numChannels * 2;
  }

  /** Rows `[start, end)` of the given column indices (in that order; undefined = all), row-major. */
  async readRows(start: number, end: number, columns?: Int32Array): Promise<Int16Array> {
    if (
      !Number.isInteger(start) ||
      !Number.isInteger(end) ||
      start < 0 ||
      end < start ||
      end > this.numSamples
    ) {
      throw new RangeError(`rows [${start}, ${end}) are outside [0, ${this.numSamples}) of ${this.path}`);
    }
    const all = columns === undefined || isAllColumns(columns, this.numChannels);
    const width = all ? this.numChannels : columns.length;
    const rows = end - start;
    const out = new Int16Array(rows * width);
    if (rows === 0 || width === 0) return out;
    const rowsPerRead = Math.max(1, Math.floor(this.blockBytes / this.rowBytes));
    const handle = await openOrThrow(this.path);
    try {
      if (all) {
        // Whole rows are the output itself: read straight into it.
        const bytes = new Uint8Array(out.buffer);
        for (let r = 0; r < rows; r += rowsPerRead) {
          const n = Math.min(rowsPerRead, rows - r);
          await this.readFully(handle, bytes.subarray(r * this.rowBytes, (r + n) * this.rowBytes), start + r);
        }
        if (BIG_ENDIAN_HOST) Buffer.from(out.buffer).swap16();
        return out;
      }
      const block = new Uint8Array(Math.min(rows, rowsPerRead) * this.rowBytes);
      const samples = new Int16Array(block.buffer);
      for (let r = 0; r < rows; r += rowsPerRead) {
        const n = Math.min(rowsPerRead, rows - r);
        await this.readFully(handle, block.subarray(0, n * this.rowBytes), start + r);
        if (BIG_ENDIAN_HOST) Buffer.from(block.buffer, 0, n * this.rowBytes).swap16();
        copyColumns(samples, n, this.numChannels, columns, out, r * width);
      }
      return out;
    } finally {
      await handle.close();
    }
  }

  /** A lazy int16 source of the given columns (default all), shape (numSamples, columns). */
  source(columns?: readonly number[]): ChunkSource {
    const picked = columns === undefined ? undefined : this.checkColumns(columns);
    return {
      dtype: "int16",
      shape: [this.numSamples, picked?.length ?? this.numChannels],
      readRows: (start, end) => this.readRows(start, end, picked),
    };
  }

  /** Validates column indices and packs them for the copy loop. */
  checkColumns(columns: readonly number[]): Int32Array {
    for (const c of columns) {
      if (!Number.isInteger(c) || c < 0 || c >= this.numChannels) {
        throw new RangeError(`channel index ${c} is outside [0, ${this.numChannels}) of ${this.path}`);
      }
    }
    return Int32Array.from(columns);
  }

  private async readFully(handle: FileHandle, target: Uint8Array, firstRow: number): Promise<void> {
    const position = firstRow * this.rowBytes;
    let done = 0;
    while (done < target.byteLength) {
      const { bytesRead } = await handle.read(target, done, target.byteLength - done, position + done);
      if (bytesRead === 0) {
        throw new SourceDataError(
          this.path,
          `the file ended at byte ${position + done} while reading sample ${firstRow}; it is shorter than when it was opened (truncated or replaced?)`,
        );
      }
      done += bytesRead;
    }
  }
}

async function openOrThrow(path: string): Promise<FileHandle> {
  try {
    return await open(path, "r");
  } catch (error) {
    throw new SourceDataError(path, `cannot open the file (${(error as Error).message})`);
  }
}

function isAllColumns(columns: Int32Array, count: number): boolean {
  if (columns.length !== count) return false;
  for (let i = 0; i < count; i++) if (columns[i] !== i) return false;
  return true;
}

/** Runs this long or longer are copied with `TypedArray.set`; shorter runs element by element. */
const MIN_SET_RUN = 16;

/** Copies the picked columns of `rows` interleaved rows of `stride` values into `out` from `offset` on. */
function copyColumns(
  samples: Int16Array,
  rows: number,
  stride: number,
  columns: Int32Array,
  out: Int16Array,
  offset: number,
): void {
  // Consecutive columns form runs: [first column, length] pairs.
  const runs: number[] = [];
  for (let k = 0; k < columns.length; ) {
    let len = 1;
    while (k + len < columns.length && columns[k + len] === columns[k]! + len) len++;
    runs.push(columns[k]!, len);
    k += len;
  }
  const width = columns.length;
  if (runs.length === 2) {
    // One run (e.g. every channel but a trailing sync channel): one copy per row.
    const first = runs[0]!;
    if (width >= MIN_SET_RUN) {
      for (let r = 0, base = first, o = offset; r < rows; r++, base += stride, o += width) {
        out.set(samples.subarray(base, base + width), o);
      }
      return;
    }
  }
  let o = offset;
  for (let r = 0, row = 0; r < rows; r++, row += stride) {
    for (let j = 0; j < runs.length; j += 2) {
      const first = row + runs[j]!;
      const len = runs[j + 1]!;
      if (len >= MIN_SET_RUN) {
        out.set(samples.subarray(first, first + len), o);
        o += len;
      } else {
        for (let k = 0; k < len; k++) out[o++] = samples[first + k]!;
      }
    }
  }
}
