/**
 * Reading interleaved int16 files (SpikeGLX `.bin`, Open Ephys `continuous.dat`): little-endian int16 samples,
 * every channel of one time point after another (sample-major). Rows are read with positioned reads, so a block costs one read
 * (or a few for blocks beyond `blockBytes`) and one pass that keeps only the wanted channels.
 */
import { open } from "node:fs/promises";
import { endianness } from "node:os";
import type { ChunkSource } from "../data/lazy.js";
import { SourceDataError } from "../errors.js";

/** Largest single read (bytes); bigger requests are split, so the scratch buffer stays small (bounded memory). */
export const DEFAULT_BLOCK_BYTES = 8 * 1024 * 1024;

const LITTLE_ENDIAN_HOST = endianness() === "LE";

/** An interleaved int16 file of `numChannels` columns and `numSamples` rows. */
export class InterleavedInt16File {
  /** Bytes per time point. */
  readonly rowBytes: number;
  private scratch: Buffer | undefined;
  private scratchBusy = false;

  constructor(
    readonly path: string,
    readonly numChannels: number,
    readonly numSamples: number,
    readonly blockBytes: number = DEFAULT_BLOCK_BYTES,
  ) {
    this.rowBytes = numChannels * 2;
  }

  /**
   * Rows `[start, end)` of the given channels (column indices, in the order wanted), row-major.
   * `channels` undefined means every channel in file order.
   */
  async readRows(start: number, end: number, channels?: Int32Array): Promise<Int16Array> {
    if (
      !Number.isInteger(start) ||
      !Number.isInteger(end) ||
      start < 0 ||
      end < start ||
      end > this.numSamples
    ) {
      throw new RangeError(`rows [${start}, ${end}) are outside [0, ${this.numSamples}) of ${this.path}`);
    }
    const rows = end - start;
    const picked = channels === undefined || isIdentity(channels, this.numChannels) ? undefined : channels;
    const width = picked?.length ?? this.numChannels;
    const out = new Int16Array(rows * width);
    if (rows === 0) return out;
    // The file handle lives for one call: no handle can leak, and one open per block is negligible next to
    // reading megabytes.
    const handle = await open(this.path, "r");
    try {
      const rowsPerRead = Math.max(1, Math.floor(this.blockBytes / this.rowBytes));
      if (picked === undefined) {
        // Whole rows are exactly the output: read straight into it.
        const bytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
        for (let r = 0; r < rows; r += rowsPerRead) {
          const n = Math.min(rowsPerRead, rows - r);
          await this.readFully(handle, bytes.subarray(r * this.rowBytes, (r + n) * this.rowBytes), start + r);
        }
        if (!LITTLE_ENDIAN_HOST) Buffer.from(out.buffer, out.byteOffset, out.byteLength).swap16();
        return out;
      }
      const scratch = this.takeScratch(Math.min(rows, rowsPerRead) * this.rowBytes);
      try {
        for (let r = 0; r < rows; r += rowsPerRead) {
          const n = Math.min(rowsPerRead, rows - r);
          const block = scratch.subarray(0, n * this.rowBytes);
          await this.readFully(handle, block, start + r);
          if (!LITTLE_ENDIAN_HOST) block.swap16();
          const samples = new Int16Array(block.buffer, block.byteOffset, n * this.numChannels);
          pick(samples, n, this.numChannels, picked, out, r * width);
        }
      } finally {
        this.releaseScratch(scratch);
      }
      return out;
    } finally {
      await handle.close();
    }
  }

  /** A lazy int16 source of `channels` (default: all), shape (numSamples, channels). */
  source(channels?: readonly number[]): ChunkSource {
    const picked = channels === undefined ? undefined : this.checkChannels(channels);
    return {
      dtype: "int16",
      shape: [this.numSamples, picked?.length ?? this.numChannels],
      readRows: (start, end) => this.readRows(start, end, picked),
    };
  }

  /** A lazy 1-D int16 source of one channel, shape (numSamples). */
  columnSource(channel: number): ChunkSource {
    const picked = this.checkChannels([channel]);
    return {
      dtype: "int16",
      shape: [this.numSamples],
      readRows: (start, end) => this.readRows(start, end, picked),
    };
  }

  /** Validates channel indices and packs them for the copy loop. */
  checkChannels(channels: readonly number[]): Int32Array {
    for (const c of channels) {
      if (!Number.isInteger(c) || c < 0 || c >= this.numChannels) {
        throw new RangeError(`channel index ${c} is outside [0, ${this.numChannels}) of ${this.path}`);
      }
    }
    return Int32Array.from(channels);
  }

  private async readFully(
    handle: Awaited<ReturnType<typeof open>>,
    target: Uint8Array,
    firstRow: number,
  ): Promise<void> {
    let done = 0;
    const position = firstRow * this.rowBytes;
    while (done < target.byteLength) {
      const { bytesRead } = await handle.read(target, done, target.byteLength - done, position + done);
      if (bytesRead === 0) {
        throw new SourceDataError(
          this.path,
          `the file ended at byte ${position + done} while reading sample ${firstRow}; it is shorter than when it was opened (was it truncated or replaced?)`,
        );
      }
      done += bytesRead;
    }
  }

  private takeScratch(bytes: number): Buffer {
    if (this.scratchBusy) return Buffer.allocUnsafeSlow(bytes);
    if (!this.scratch || this.scratch.byteLength < bytes) this.scratch = Buffer.allocUnsafeSlow(bytes);
    this.scratchBusy = true;
    return this.scratch;
  }

  private releaseScratch(buffer: Buffer): void {
    if (buffer === this.scratch) this.scratchBusy = false;
  }
}

function isIdentity(channels: Int32Array, count: number): boolean {
  if (channels.length !== count) return false;
  for (let i = 0; i < count; i++) if (channels[i] !== i) return false;
  return true;
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

/** Runs this long or longer are copied with `TypedArray.set` (a memcpy); shorter ones element by element. */
const MIN_SET_RUN = 16;

/** Copies the picked columns of `rows` interleaved rows into `out` from `offset` on. */
function pick(
  samples: Int16Array,
  rows: number,
  stride: number,
  channels: Int32Array,
  out: Int16Array,
  offset: number,
): void {
  const runs = runsOf(channels);
  const width = channels.length;
  if (runs.length === 2 && width >= MIN_SET_RUN) {
    // The usual case, every channel but the sync word: one memcpy per row (about 3x a plain loop).
    const first = runs[0]!;
    for (let r = 0, base = first, o = offset; r < rows; r++, base += stride, o += width) {
      out.set(samples.subarray(base, base + width), o);
    }
    return;
  }
  let o = offset;
  for (let r = 0, row = 0; r < rows; r++, row += stride) {
    for (let j = 0; j < runs.length; j += 2) {
      const first = row + runs[j]!;
      const n = runs[j + 1]!;
      if (n >= MIN_SET_RUN) {
        out.set(samples.subarray(first, first + n), o);
        o += n;
      } else {
        for (let k = 0; k < n; k++) out[o++] = samples[first + k]!;
      }
    }
  }
}
