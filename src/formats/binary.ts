/**
 * Binary file access every reader shares: opening with a clear error, positioned reads that fill a buffer
 * completely (sync and async), the start of a file, range checks, a reusable scratch buffer, and the binary
 * search readers use on sorted on-disk values (record timestamps, recording numbers).
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { endianness } from "node:os";
import { SourceDataError } from "../errors.js";

/** Largest single read in bytes; bigger requests are split (bounded memory; Node refuses > 2 GiB). */
export const DEFAULT_BLOCK_BYTES = 32 * 1024 * 1024;

/** Typed-array views assume little-endian words; big-endian hosts swap bytes first. */
export const LITTLE_ENDIAN_HOST = endianness() === "LE";

const TRUNCATED = "it is shorter than when it was opened (was it truncated or replaced?)";

/** Opens a file for reading; a missing or unreadable file is a SourceDataError naming it. */
export async function openSourceFile(path: string): Promise<FileHandle> {
  try {
    return await open(path, "r");
  } catch (error) {
    throw new SourceDataError(path, `cannot open the file (${(error as Error).message})`);
  }
}

/** Fills `target` from byte `position` on; a file that ends first is a SourceDataError. */
export async function readFully(
  handle: FileHandle,
  target: Uint8Array,
  position: number,
  path: string,
): Promise<void> {
  let done = 0;
  while (done < target.byteLength) {
    const { bytesRead } = await handle.read(target, done, target.byteLength - done, position + done);
    if (bytesRead === 0)
      throw new SourceDataError(path, `the file ended at byte ${position + done}; ${TRUNCATED}`);
    done += bytesRead;
  }
}

/** {@link readFully} for a synchronous file descriptor (header-sized reads). */
export function readFullySync(fd: number, target: Uint8Array, position: number, path: string): void {
  let done = 0;
  while (done < target.byteLength) {
    const bytesRead = readSync(fd, target, done, target.byteLength - done, position + done);
    if (bytesRead === 0)
      throw new SourceDataError(path, `the file ended at byte ${position + done}; ${TRUNCATED}`);
    done += bytesRead;
  }
}

/**
 * Reads `length` bytes at `position` of a file, synchronously (headers, index tables). A file too short
 * is a SourceDataError that names `what` was being read, so a truncated header says so.
 */
export function readBytesSync(path: string, position: number, length: number, what = "its header"): Buffer {
  return withOpenFile(path, (fd) => {
    const out = Buffer.alloc(length);
    let done = 0;
    while (done < length) {
      const n = readSync(fd, out, done, length - done, position + done);
      if (n === 0) {
        throw new SourceDataError(
          path,
          `ends at byte ${position + done}, inside ${what} (bytes ${position} to ${position + length}): the file is truncated`,
        );
      }
      done += n;
    }
    return out;
  });
}

/**
 * Runs `read(fd, path, size)` on a file opened for synchronous reading (headers and index scans) and closes
 * it; a missing or unreadable file is a SourceDataError naming it.
 */
export function withOpenFile<T>(path: string, read: (fd: number, path: string, size: number) => T): T {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (error) {
    throw new SourceDataError(path, `cannot open the file (${(error as Error).message})`);
  }
  try {
    return read(fd, path, fstatSync(fd).size);
  } finally {
    closeSync(fd);
  }
}

/** Checks that `[start, end)` are whole rows within `[0, rows)`. */
export function checkRange(start: number, end: number, rows: number, what: string, path: string): void {
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start || end > rows) {
    throw new RangeError(`rows [${start}, ${end}) are outside [0, ${rows}) of the ${what} of ${path}`);
  }
}

/** Validates channel indices for `count` channels and packs them for copy loops (default: all, in order). */
export function packChannels(
  channels: readonly number[] | undefined,
  count: number,
  what: string,
): Int32Array {
  if (channels === undefined) return Int32Array.from({ length: count }, (_, i) => i);
  for (const c of channels) {
    if (!Number.isInteger(c) || c < 0 || c >= count) {
      throw new RangeError(`channel index ${c} is outside [0, ${count}) of ${what}`);
    }
  }
  return Int32Array.from(channels);
}

/** One reusable read buffer; a second concurrent reader gets a fresh one. Buffers start 8-byte aligned. */
export class Scratch {
  private buffer: Buffer | undefined;
  private busy = false;

  take(bytes: number): Buffer {
    if (this.busy) return Buffer.allocUnsafeSlow(bytes);
    if (!this.buffer || this.buffer.byteLength < bytes) this.buffer = Buffer.allocUnsafeSlow(bytes);
    this.busy = true;
    return this.buffer.subarray(0, bytes);
  }

  release(buffer: Buffer): void {
    if (this.buffer !== undefined && buffer.buffer === this.buffer.buffer) this.busy = false;
  }
}

/**
 * The last index in `[lo, hi]` for which `isBefore` holds, given that it holds for a prefix of the range
 * (lo - 1 when it holds nowhere). `isBefore` is called O(log n) times, so it may read from disk.
 */
export function lastIndexWhere(lo: number, hi: number, isBefore: (index: number) => boolean): number {
  let low = lo - 1;
  let high = hi;
  while (low < high) {
    const mid = low + Math.ceil((high - low) / 2);
    if (isBefore(mid)) low = mid;
    else high = mid - 1;
  }
  return low;
}

/** Index of the last element of a sorted array that is `<= value` (-1 when every element is greater). */
export function lastIndexAtMost(sorted: ArrayLike<number>, value: number): number {
  return lastIndexWhere(0, sorted.length - 1, (i) => sorted[i]! <= value);
}
