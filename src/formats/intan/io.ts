/**
 * The read-request shape every Intan layout answers (the byte-level reading is in `../binary.ts`).
 */
import type { NumericDtype, TypedArray } from "../../data/dtype.js";
import type { IntanStreamKind } from "./layout.js";

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

/** Timestamps and digital words are one column whatever channels are asked for. */
export function isWord(content: ReadRequest["content"]): boolean {
  return content === "timestamps" || content === "boardDigitalIn" || content === "boardDigitalOut";
}

/** Columns of a request's output. */
export function columnsOf(request: ReadRequest): number {
  return isWord(request.content) ? 1 : request.channels.length;
}
