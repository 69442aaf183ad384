/**
 * Low-level reading shared by the three layouts: positioned reads that fill a buffer completely, a reusable
 * scratch buffer, and the read-request shape every layout answers.
 */
import { endianness } from "node:os";
import type { NumericDtype, TypedArray } from "../../data/dtype.js";
import { SourceDataError } from "../../errors.js";
import type { IntanStreamKind } from "./layout.js";

/** Largest single read in bytes (whole blocks or rows are read up to this size); Node refuses > 2 GiB. */
export const DEFAULT_BLOCK_BYTES = 32 * 1024 * 1024;

/** Typed-array views below assume little-endian words; big-endian hosts swap bytes first. */
export const LITTLE_ENDIAN_HOST = endianness() === "LE";

/**
 * Rows `[start, end)` of one stream, for the given channels (indices into the stream's channel list).
 * Values are Intan's canonical codes (what the traditional file stores: offset binary for amplifier data),
 * turned into two's complement `code - 32768` when `signed` is set. Digital streams yield the 16-line word
 * (one column; `channels` is ignored). Timestamps yield int32 (or uint32 for RHD < 1.2).
 */
export interface ReadRequest {
  readonly content: IntanStreamKind | "timestamps";
  readonly channels: Int32Array;
  readonly signed: boolean;
  readonly dtype: NumericDtype;
}

/** What each layout implements. */
export interface IntanBackend {
  /** Rows stored for a stream (its own sampling rate). */
  rows(content: IntanStreamKind | "timestamps"): number;
  /** Reads several streams of the same sampling rate over the same rows, sharing the file reads. */
  read(requests: readonly ReadRequest[], start: number, end: number): Promise<TypedArray[]>;
}

/** The part of a file handle `readFully` uses (node:fs/promises' FileHandle); keeps Node types out of .d.ts. */
export interface PositionedReader {
  read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
}

/** Fills `target` from `position` on; a short file is a SourceDataError (the file changed since opening). */
export async function readFully(
  handle: PositionedReader,
  target: Uint8Array,
  position: number,
  path: string,
): Promise<void> {
  let done = 0;
  while (done < target.byteLength) {
    const { bytesRead } = await handle.read(target, done, target.byteLength - done, position + done);
    if (bytesRead === 0) {
      throw new SourceDataError(
        path,
        `the file ended at byte ${position + done} while reading data; it is shorter than when it was opened (was it truncated or replaced?)`,
      );
    }
    done += bytesRead;
  }
}

/**
 * One reusable read buffer; a second concurrent reader gets a fresh one. Buffers start 8-byte aligned.
 * @internal (left out of the shipped .d.ts, which must not need Node's Buffer type)
 */
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

/** Checks `[start, end)` against a row count. */
export function checkRange(start: number, end: number, rows: number, what: string, path: string): void {
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start || end > rows) {
    throw new RangeError(`rows [${start}, ${end}) are outside [0, ${rows}) of the ${what} of ${path}`);
  }
}

/** Validates channel indices for a stream of `count` channels and packs them for the copy loops. */
export function packChannels(
  channels: readonly number[] | undefined,
  count: number,
  what: string,
): Int32Array {
  if (channels === undefined) return Int32Array.from({ length: count }, (_, i) => i);
  for (const c of channels) {
    if (!Number.isInteger(c) || c < 0 || c >= count) {
      throw new RangeError(`channel index ${c} is outside [0, ${count}) of the ${what}`);
    }
  }
  return Int32Array.from(channels);
}

/** Timestamps and digital words are one column whatever channels are asked for. */
export function isWord(content: ReadRequest["content"]): boolean {
  return content === "timestamps" || content === "boardDigitalIn" || content === "boardDigitalOut";
}

/** Columns of a request's output. */
export function columnsOf(request: ReadRequest): number {
  return isWord(request.content) ? 1 : request.channels.length;
}
