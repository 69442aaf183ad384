/**
 * TTL edges from digital words and from analog signals, decoded block by block so a long recording never
 * sits in memory: each bit of a word is one line; a change of the bit is a rising (0→1) or falling (1→0)
 * edge at that word's index. Used for sampled digital channels (SpikeGLX NI-DAQ, Intan) and for event
 * words stored once per change (Blackrock NEV, Neuralynx Events.nev).
 */
import type { TypedArray } from "../data/dtype.js";
import type { ChunkSource } from "../data/lazy.js";

/** Edges of one line, as indices of the words (samples or events) where the bit changed. */
export interface LineEdges {
  readonly bit: number;
  readonly rising: number[];
  readonly falling: number[];
}

/**
 * Follows chosen bits through consecutive blocks of words. A line already high at the first word has no
 * rising edge there (its earlier state is unknown), unless `initialState` says it was low before.
 */
export class BitEdgeTracker {
  readonly lines: LineEdges[];
  private readonly state: number[];

  constructor(bits: readonly number[], initialState?: number) {
    this.lines = bits.map((bit) => ({ bit, rising: [], falling: [] }));
    // -1: nothing seen yet
    this.state = bits.map((bit) => (initialState === undefined ? -1 : (initialState >>> bit) & 1));
  }

  /**
   * Adds `count` words, read from `words[offset + i * stride]`, whose first has index `firstIndex`.
   */
  push(words: ArrayLike<number>, firstIndex: number, count = words.length, stride = 1, offset = 0): void {
    for (let j = 0; j < this.lines.length; j++) {
      const line = this.lines[j]!;
      const bit = line.bit;
      let last = this.state[j]!;
      for (let i = 0, w = offset; i < count; i++, w += stride) {
        const now = (words[w]! >>> bit) & 1;
        if (now !== last) {
          if (last === 0) line.rising.push(firstIndex + i);
          else if (last === 1) line.falling.push(firstIndex + i);
          last = now;
        }
      }
      this.state[j] = last;
    }
  }
}

/** The bits that are set in at least one of the words (the lines that carry something). */
export function bitsUsed(words: ArrayLike<number>, width = 16): number[] {
  let any = 0;
  for (let i = 0; i < words.length; i++) any |= words[i]!;
  return Array.from({ length: width }, (_, bit) => bit).filter((bit) => ((any >>> bit) & 1) === 1);
}

/**
 * Sample indices where a 1-D signal rises through the middle of its range (two streamed passes: the range,
 * then the crossings), for TTL pulses recorded on an analog input.
 */
export async function risingCrossings(source: ChunkSource, blockRows = 1 << 20): Promise<number[]> {
  const rows = source.shape[0]!;
  const read = async (start: number): Promise<TypedArray> =>
    await source.readRows(start, Math.min(rows, start + blockRows));
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (let start = 0; start < rows; start += blockRows) {
    for (const v of await read(start)) {
      low = Math.min(low, Number(v));
      high = Math.max(high, Number(v));
    }
  }
  const threshold = (low + high) / 2;
  const crossings: number[] = [];
  let previous: number | undefined;
  for (let start = 0; start < rows; start += blockRows) {
    const block = await read(start);
    for (let i = 0; i < block.length; i++) {
      const v = Number(block[i]);
      if (previous !== undefined && previous < threshold && v >= threshold) crossings.push(start + i);
      previous = v;
    }
  }
  return crossings;
}
