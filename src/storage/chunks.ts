/**
 * Chunk geometry shared by the pipeline and the engines: the chunk grid of a dataset, cutting chunks out of
 * a block of whole rows, and cropping an edge chunk back to the part that lies inside the dataset.
 */
import type { TypedArray } from "../data/dtype.js";

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

/**
 * Calls `copy(source, target, length)` for each run along the last axis of the box `count` at
 * `sourceOffset` of a C-ordered array of `sourceShape`, placed at `targetOffset` of one of `targetShape`
 * (offsets in elements).
 */
function forEachRun(
  sourceShape: readonly number[],
  sourceOffset: readonly number[],
  targetShape: readonly number[],
  targetOffset: readonly number[],
  count: readonly number[],
  copy: (source: number, target: number, length: number) => void,
): void {
  const rank = count.length;
  if (rank === 0) {
    copy(0, 0, 1);
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
  const run = count[rank - 1]!;
  const position = new Array<number>(rank - 1).fill(0);
  for (;;) {
    let s = sourceOffset[rank - 1]!;
    let t = targetOffset[rank - 1]!;
    for (let axis = 0; axis < rank - 1; axis++) {
      s += (sourceOffset[axis]! + position[axis]!) * sourceStrides[axis]!;
      t += (targetOffset[axis]! + position[axis]!) * targetStrides[axis]!;
    }
    copy(s, t, run);
    let axis = rank - 2;
    while (axis >= 0 && ++position[axis]! === count[axis]!) position[axis--] = 0;
    if (axis < 0) return;
  }
}

/** Copies a box between two C-ordered arrays of the same element type (see {@link forEachRun}). */
export function copyBox(
  source: TypedArray,
  sourceShape: readonly number[],
  sourceOffset: readonly number[],
  target: TypedArray,
  targetShape: readonly number[],
  targetOffset: readonly number[],
  count: readonly number[],
): void {
  const from = source as Int8Array;
  const to = target as Int8Array;
  forEachRun(sourceShape, sourceOffset, targetShape, targetOffset, count, (s, t, length) => {
    // short runs (a chunk's width of channels) copy faster element by element than through subarray()
    if (length < 256) for (let i = 0; i < length; i++) to[t + i] = from[s + i]!;
    else to.set(from.subarray(s, s + length), t);
  });
}

/**
 * Like {@link copyBox} into a chunk of `chunkElements`, but writes each element's bytes straight to
 * their places after HDF5's shuffle filter (byte b of element i at b * chunkElements + i).
 */
function copyBoxShuffled(
  source: TypedArray,
  sourceShape: readonly number[],
  sourceOffset: readonly number[],
  target: Uint8Array,
  chunkShape: readonly number[],
  count: readonly number[],
): void {
  const size = source.BYTES_PER_ELEMENT;
  const n = target.length / size;
  const zero = new Array<number>(count.length).fill(0);
  if (size === 2) {
    const words = source as Int16Array;
    forEachRun(sourceShape, sourceOffset, chunkShape, zero, count, (s, t, length) => {
      for (let i = 0; i < length; i++) {
        const v = words[s + i]!;
        target[t + i] = v;
        target[n + t + i] = v >> 8;
      }
    });
    return;
  }
  const bytes = new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
  forEachRun(sourceShape, sourceOffset, chunkShape, zero, count, (s, t, length) => {
    for (let b = 0; b < size; b++) {
      const base = b * n + t;
      for (let i = 0; i < length; i++) target[base + i] = bytes[(s + i) * size + b]!;
    }
  });
}

/** One chunk cut out of a block: its grid coordinates and its bytes (full chunk shape, zero-padded). */
export interface CutChunk {
  readonly index: number[];
  readonly bytes: Uint8Array;
}

/**
 * Cuts a block of whole rows `[startRow, startRow + rows)` into chunks. The block must start on a chunk row
 * boundary and end on one or at the end of the dataset. Yields chunks row of chunks by row of chunks.
 * With `shuffled`, each chunk's bytes come out already byte-shuffled (one pass instead of two).
 */
export function* cutBlock(
  block: TypedArray,
  startRow: number,
  shape: readonly number[],
  chunks: readonly number[],
  shuffled = false,
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
  const Ctor = block.constructor as ArrayConstructor;
  const position = new Array<number>(shape.length).fill(0);
  if (grid.some((g) => g === 0)) return;
  for (;;) {
    const count = chunkExtent(blockShape, chunks, position);
    const offset = position.map((p, axis) => p * chunks[axis]!);
    let bytes: Uint8Array;
    if (shuffled) {
      bytes = new Uint8Array(chunkElements * block.BYTES_PER_ELEMENT);
      copyBoxShuffled(block, blockShape, offset, bytes, chunks, count);
    } else {
      const chunk = new Ctor(chunkElements);
      copyBox(block, blockShape, offset, chunk, chunks, new Array(shape.length).fill(0), count);
      bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
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
