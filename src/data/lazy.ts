/**
 * Bulk data that is produced on demand.
 *
 * A {@link ChunkSource} knows its dtype and full shape up front and yields blocks of whole rows along the
 * first axis when the writer asks for them. Nothing is read from the underlying file before that.
 */
import { allocate, type NumericDtype, type TypedArray, typedArrayFor, viewAs } from "./dtype.js";

/** Lazy bulk data: element type, full shape and rows read on demand (nothing is read before the writer asks). */
export interface ChunkSource {
  readonly dtype: NumericDtype;
  /** Full shape; the first axis is the one that blocks are taken along (time for a series). */
  readonly shape: readonly number[];
  /**
   * Returns rows `[start, end)` of the first axis as one row-major typed array of
   * `(end - start) * prod(shape[1:])` elements of `dtype`. `reuse`, if given, is memory the caller no
   * longer needs (an array this source returned earlier, or memory the writer offers, such as its shuffle
   * area): the source may fill its start and return that ({@link reusedOrNew}) instead of allocating (no
   * page faults, fewer garbage collections, no copy into the writer's memory), or ignore it.
   */
  readRows(start: number, end: number, reuse?: TypedArray): Promise<TypedArray> | TypedArray;
}

/** `length` elements of `dtype` at the start of `reuse` when it is of that type and long enough, else new. */
export function reusedOrNew(dtype: NumericDtype, reuse: TypedArray | undefined, length: number): TypedArray {
  if (reuse instanceof typedArrayFor(dtype) && reuse.length >= length) {
    return viewAs(dtype, reuse.buffer, reuse.byteOffset, length);
  }
  return allocate(dtype, length);
}

/** Whether a value is a lazy chunk source rather than in-memory data. */
export function isChunkSource(value: unknown): value is ChunkSource {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as ChunkSource).readRows === "function" &&
    Array.isArray((value as ChunkSource).shape)
  );
}

/** Restricts a source to its first `rows` rows (used for stub conversions). */
export function firstRows(source: ChunkSource, rows: number): ChunkSource {
  const kept = Math.min(rows, source.shape[0] ?? 0);
  return {
    dtype: source.dtype,
    shape: [kept, ...source.shape.slice(1)],
    readRows: (start, end, reuse) => source.readRows(start, Math.min(end, kept), reuse),
  };
}

/**
 * Sources of one dtype and one row shape read as one, rows of the first following those of the second
 * (a movie saved in several files); each part is asked only for the rows it holds.
 */
export function concatenatedRows(parts: readonly ChunkSource[]): ChunkSource {
  const first = parts[0];
  if (!first) throw new RangeError("concatenatedRows needs at least one source");
  const rowShape = first.shape.slice(1);
  const rowSize = rowShape.reduce((a, b) => a * b, 1);
  for (const part of parts) {
    if (part.dtype !== first.dtype || part.shape.slice(1).join() !== rowShape.join()) {
      throw new RangeError(
        `cannot join a ${part.dtype} (${part.shape.join(", ")}) source to ${first.dtype} rows of (${rowShape.join(", ")})`,
      );
    }
  }
  const starts = [0];
  for (const part of parts) starts.push(starts.at(-1)! + (part.shape[0] ?? 0));
  return {
    dtype: first.dtype,
    shape: [starts.at(-1)!, ...rowShape],
    async readRows(start, end) {
      const out = allocate(first.dtype, (end - start) * rowSize);
      for (let k = 0; k < parts.length; k++) {
        const from = Math.max(start, starts[k]!);
        const to = Math.min(end, starts[k + 1]!);
        if (from >= to) continue;
        const rows = await parts[k]!.readRows(from - starts[k]!, to - starts[k]!);
        (out as { set(rows: TypedArray, offset: number): void }).set(rows, (from - start) * rowSize);
      }
      return out;
    },
  };
}

/**
 * The frames of a (time, rows, columns) source as (time, columns, rows): video decoders give frames row by
 * row, NWB image series store them (time, x, y).
 */
export function transposedFrames(source: ChunkSource): ChunkSource {
  const [count = 0, rows = 0, columns = 0] = source.shape;
  if (source.shape.length !== 3) {
    throw new RangeError(
      `transposedFrames takes (time, rows, columns) frames, not (${source.shape.join(", ")})`,
    );
  }
  const frameSize = rows * columns;
  return {
    dtype: source.dtype,
    shape: [count, columns, rows],
    async readRows(start, end) {
      const frames = await source.readRows(start, end);
      const out = allocate(source.dtype, frames.length);
      for (let f = 0; f < end - start; f++) {
        const base = f * frameSize;
        for (let y = 0; y < rows; y++) {
          for (let x = 0; x < columns; x++) out[base + x * rows + y] = frames[base + y * columns + x]!;
        }
      }
      return out;
    },
  };
}
