/**
 * Bulk data that is produced on demand.
 *
 * A {@link ChunkSource} knows its dtype and full shape up front and yields blocks of whole rows along the
 * first axis when the writer asks for them. Nothing is read from the underlying file before that.
 */
import type { NumericDtype, TypedArray } from "./dtype.js";

/** Lazy bulk data: element type, full shape and rows read on demand (nothing is read before the writer asks). */
export interface ChunkSource {
  readonly dtype: NumericDtype;
  /** Full shape; the first axis is the one that blocks are taken along (time for a series). */
  readonly shape: readonly number[];
  /**
   * Returns rows `[start, end)` of the first axis as one row-major typed array of
   * `(end - start) * prod(shape[1:])` elements of `dtype`.
   */
  readRows(start: number, end: number): Promise<TypedArray> | TypedArray;
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
    readRows: (start, end) => source.readRows(start, Math.min(end, kept)),
  };
}
