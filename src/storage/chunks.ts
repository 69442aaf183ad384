/**
 * Chunk geometry shared by the pipeline and the engines: the chunk grid of a dataset, cutting chunks out of
 * a block of whole rows, and cropping an edge chunk back to the part that lies inside the dataset.
 */
import type { TypedArray } from "../data/dtype.js";
import type { WordShuffler } from "./wordShuffle.js";

/** Number of chunks along each axis. */
export function chunkGrid(shape: readonly number[], chunks: readonly number[]): number[] {
  return shape.map((extent, axis) => Math.ceil(extent / chunks[axis]!));
}

/** Elements of the chunk at `index` that lie inside the dataset, per axis. */
export function chunkExtent(
  shape: readonly number[],
  chunks: readonly number[],
  index: readonly number[],
): number[] {
  return shape.map((extent, axis) => Math.min(chunks[axis]!, extent - index[axis]! * chunks[axis]!));
}

type ArrayConstructor = new (length: number) => TypedArray;

/** Rows of a copy: `rows` runs of `length` elements, `sourceStride` and `targetStride` elements apart. */
type CopyRows = (
  source: number,
  target: number,
  rows: number,
  length: number,
  sourceStride: number,
  targetStride: number,
) => void;

/**
 * Calls `copy` for each plane (the last two axes) of the box `count` at `sourceOffset` of a C-ordered array
 * of `sourceShape`, placed at `targetOffset` of one of `targetShape` (offsets in elements). Whole planes,
 * not single runs, go to `copy`, so the per-call cost is paid once per chunk of a 2-D dataset instead of
 * once per row of it (a chunk row is often only 64 elements wide).
 */
function forEachPlane(
  sourceShape: readonly number[],
  sourceOffset: readonly number[],
  targetShape: readonly number[],
  targetOffset: readonly number[],
  count: readonly number[],
  copy: CopyRows,
): void {
  const rank = count.length;
  if (rank === 0) {
    copy(0, 0, 1, 1, 0, 0);
    return;
  }
  if (count.some((c) => c === 0)) return;
  const strides = (shape: readonly number[]) => {
    const s = new Array<number>(rank).fill(1);
    for (let axis = rank - 2; axis >= 0; axis--) s[axis] = s[axis + 1]! * shape[axis + 1]!;
    return s;
  };
  const sourceStrides = strides(sourceShape);
  const targetStrides = strides(targetShape);
  const length = count[rank - 1]!;
  const rows = rank > 1 ? count[rank - 2]! : 1;
  const sourceStride = rank > 1 ? sourceStrides[rank - 2]! : 0;
  const targetStride = rank > 1 ? targetStrides[rank - 2]! : 0;
  const outer = Math.max(0, rank - 2);
  const position = new Array<number>(outer).fill(0);
  for (;;) {
    let s = 0;
    let t = 0;
    for (let axis = 0; axis < rank; axis++) {
      const p = axis < outer ? position[axis]! : 0;
      s += (sourceOffset[axis]! + p) * sourceStrides[axis]!;
      t += (targetOffset[axis]! + p) * targetStrides[axis]!;
    }
    copy(s, t, rows, length, sourceStride, targetStride);
    let axis = outer - 1;
    while (axis >= 0 && ++position[axis]! === count[axis]!) position[axis--] = 0;
    if (axis < 0) return;
  }
}

/** Copies a box between two C-ordered arrays of the same element type (see {@link forEachPlane}). */
export function copyBox(
  source: TypedArray,
  sourceShape: readonly number[],
  sourceOffset: readonly number[],
  target: TypedArray,
  targetShape: readonly number[],
  targetOffset: readonly number[],
  count: readonly number[],
): void {
  // typed arrays of one kind; the casts let one loop serve every element type
  const from = source as Int8Array;
  const to = target as Int8Array;
  forEachPlane(sourceShape, sourceOffset, targetShape, targetOffset, count, (s, t, rows, length, ss, ts) => {
    for (let r = 0; r < rows; r++, s += ss, t += ts) {
      // short runs (a chunk's width of channels) copy faster element by element than through subarray()
      if (length < 256) for (let i = 0; i < length; i++) to[t + i] = from[s + i]!;
      else to.set(from.subarray(s, s + length), t);
    }
  });
}

/**
 * Like {@link copyBox} into a chunk of `chunkShape`, but writes each element's bytes straight to their
 * places after HDF5's shuffle filter (byte b of element i at b * chunkElements + i).
 */
function copyBoxShuffled(
  source: TypedArray,
  sourceShape: readonly number[],
  sourceOffset: readonly number[],
  target: Uint8Array,
  chunkShape: readonly number[],
  count: readonly number[],
  staged: WordShuffler | undefined,
): void {
  const size = source.BYTES_PER_ELEMENT;
  const n = target.length / size;
  const zero = new Array<number>(count.length).fill(0);
  if (size === 2) {
    const words = new Uint16Array(source.buffer, source.byteOffset, source.length);
    // SIMD for runs of 16 samples, the JavaScript loop for the rest of each run
    let simd = 0;
    if (staged) {
      staged.begin(
        target,
        count.some((c, axis) => c < chunkShape[axis]!),
      );
      forEachPlane(sourceShape, sourceOffset, chunkShape, zero, count, (s, t, rows, length, ss, ts) => {
        simd = length & ~15;
        if (simd > 0) staged.plane(s, t, rows, simd, ss, ts);
      });
      staged.end(target);
    }
    forEachPlane(sourceShape, sourceOffset, chunkShape, zero, count, (s, t, rows, length, ss, ts) => {
      if (length > simd) shuffleWords(words, target, n, s + simd, t + simd, rows, length - simd, ss, ts);
    });
    return;
  }
  const bytes = new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
  forEachPlane(sourceShape, sourceOffset, chunkShape, zero, count, (s, t, rows, length, ss, ts) => {
    for (let r = 0; r < rows; r++, s += ss, t += ts) {
      for (let b = 0; b < size; b++) {
        const base = b * n + t;
        for (let i = 0; i < length; i++) target[base + i] = bytes[(s + i) * size + b]!;
      }
    }
  });
}

/** The two-byte case of {@link copyBoxShuffled} (int16 ephys): low bytes to the first half, high to the second. */
function shuffleWords(
  words: Uint16Array,
  target: Uint8Array,
  n: number,
  s: number,
  t: number,
  rows: number,
  length: number,
  ss: number,
  ts: number,
): void {
  for (let r = 0; r < rows; r++, s += ss, t += ts) {
    const high = n + t;
    for (let i = 0; i < length; i++) {
      const v = words[s + i]!;
      target[t + i] = v;
      target[high + i] = v >>> 8;
    }
  }
}

/** One chunk cut out of a block: its grid coordinates and its bytes (full chunk shape, zero-padded). */
export interface CutChunk {
  readonly index: number[];
  readonly bytes: Uint8Array;
}

export interface CutOptions {
  /** Each chunk's bytes come out already byte-shuffled (one pass instead of two). */
  readonly shuffled?: boolean;
  /** Holds this block (see {@link WordShuffler.stage}): two-byte samples are shuffled with SIMD. */
  readonly staged?: WordShuffler;
  /**
   * Gives the bytes for the next chunk (a chunk's size; contents need not be zero). Default: new memory
   * per chunk. The pipeline hands back the buffers of stored chunks, sparing page faults and GC.
   */
  readonly buffer?: (byteLength: number) => Uint8Array;
}

/**
 * Cuts a block of whole rows `[startRow, startRow + rows)` into chunks. The block must start on a chunk row
 * boundary and end on one or at the end of the dataset. Yields chunks row of chunks by row of chunks.
 */
export function* cutBlock(
  block: TypedArray,
  startRow: number,
  shape: readonly number[],
  chunks: readonly number[],
  options: CutOptions = {},
): Generator<CutChunk> {
  const rows =
    shape[0] === 0
      ? 0
      : block.length /
        Math.max(
          1,
          shape.slice(1).reduce((a, b) => a * b, 1),
        );
  if (startRow % chunks[0]! !== 0) throw new RangeError(`block at row ${startRow} is not chunk-aligned`);
  const blockShape = [rows, ...shape.slice(1)];
  const grid = chunkGrid(blockShape, chunks);
  const chunkElements = chunks.reduce((a, b) => a * b, 1);
  const chunkBytes = chunkElements * block.BYTES_PER_ELEMENT;
  const take = options.buffer ?? ((byteLength: number) => new Uint8Array(byteLength));
  const Ctor = block.constructor as ArrayConstructor & {
    new (buffer: ArrayBufferLike, byteOffset: number, length: number): TypedArray;
  };
  const zero = new Array<number>(shape.length).fill(0);
  const position = new Array<number>(shape.length).fill(0);
  if (grid.some((g) => g === 0)) return;
  const staged = block.BYTES_PER_ELEMENT === 2 ? options.staged : undefined;
  for (;;) {
    const count = chunkExtent(blockShape, chunks, position);
    const offset = position.map((p, axis) => p * chunks[axis]!);
    const bytes = take(chunkBytes);
    // an edge chunk is zero-padded to the full chunk shape (the buffer may hold an earlier chunk)
    if (count.some((c, axis) => c < chunks[axis]!)) bytes.fill(0);
    if (options.shuffled) copyBoxShuffled(block, blockShape, offset, bytes, chunks, count, staged);
    else {
      const chunk = new Ctor(bytes.buffer, bytes.byteOffset, chunkElements);
      copyBox(block, blockShape, offset, chunk, chunks, zero, count);
    }
    yield { index: [startRow / chunks[0]! + position[0]!, ...position.slice(1)], bytes };
    let axis = shape.length - 1;
    while (axis >= 0 && ++position[axis]! === grid[axis]!) position[axis--] = 0;
    if (axis < 0) return;
  }
}

/** The part of a decoded (full-shape) chunk that lies inside the dataset, as a compact C-ordered array. */
export function cropChunk<T extends TypedArray>(
  chunk: T,
  chunks: readonly number[],
  count: readonly number[],
): T {
  if (count.every((c, axis) => c === chunks[axis])) return chunk;
  const out = new (chunk.constructor as ArrayConstructor)(count.reduce((a, b) => a * b, 1)) as T;
  const zero = new Array<number>(count.length).fill(0);
  copyBox(chunk, chunks, zero, out, count, zero, count);
  return out;
}
