/**
 * The chunk pipeline shared by every engine: blocks of whole rows are read from a source, cut into chunks,
 * encoded by the codec pipeline and handed to the engine with their chunk coordinates.
 *
 * Concurrency: at most `jobs` chunks are being encoded and at most `jobs` stored at once (a
 * {@link TaskPool}); deflate runs on libuv's thread pool (node:zlib's asynchronous API), so `jobs` chunks
 * compress on up to `jobs` cores while the main thread cuts the next ones. Back-pressure: cutting waits for
 * a free slot, so memory holds the current block, the next block (read while the current one is
 * compressed), `jobs` + 1 chunks and at most 2 × `jobs` encoded chunks.
 */
import { availableParallelism } from "node:os";
import {
  bytesPerElement,
  elementCount,
  isTypedArray,
  type NumericDtype,
  type TypedArray,
  toTypedArray,
  typedArrayFor,
  viewAs,
} from "../data/dtype.js";
import { cutBlock } from "./chunks.js";
import { encodeChunk } from "./codecs.js";
import type { ChunkedDatasetRequest, ChunkedDatasetWriter, ChunkedDtype, StopSignal } from "./types.js";
import { WordShuffler } from "./wordShuffle.js";

/** Default number of chunks encoded at once: one per core. */
export function defaultJobs(): number {
  return availableParallelism();
}

/** Checks a user's `jobs` value. */
export function checkJobs(jobs: number): number {
  if (!Number.isInteger(jobs) || jobs < 1)
    throw new RangeError(`jobs must be a positive integer, got ${jobs}`);
  return jobs;
}

/**
 * Runs tasks of two phases, work (encoding, on a core) then storing its result: at most `jobs` work phases
 * and at most `jobs` stores at once. {@link run} waits for a free work slot and, for back-pressure from a
 * slow sink, for a free store slot. A work slot is free again as soon as its work is done, so storing one
 * chunk does not keep a core from encoding the next. The first failure is kept: later calls to `run` and
 * `drain` throw it, and no new task starts.
 */
export class TaskPool {
  private working = 0;
  /** Results not stored yet (waiting for a store slot or being stored). */
  private unstored = 0;
  private storing = 0;
  private readonly changed: (() => void)[] = [];
  private failure: { error: unknown } | undefined;

  constructor(readonly jobs: number) {
    checkJobs(jobs);
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }

  /** Waits until `condition` holds, then calls `claim` in the same turn (no other waiter can slip in). */
  private async waitUntil(condition: () => boolean, claim = () => {}): Promise<void> {
    while (!condition()) await new Promise<void>((resolve) => this.changed.push(resolve));
    claim();
  }

  private wake(): void {
    for (const resolve of this.changed.splice(0)) resolve();
  }

  /** Starts `work` once a slot is free; its result then goes to `store`. Resolves when `work` has started. */
  async run<T>(work: () => Promise<T>, store: (result: T) => Promise<void>): Promise<void> {
    this.throwIfFailed();
    await this.waitUntil(() => this.working < this.jobs && this.storing < this.jobs);
    this.throwIfFailed();
    this.working++;
    this.unstored++;
    const stored = async () => {
      try {
        const result = await work().finally(() => {
          this.working--;
          this.wake();
        });
        await this.waitUntil(
          () => this.storing < this.jobs,
          () => this.storing++,
        );
        await store(result).finally(() => {
          this.storing--;
        });
      } finally {
        this.unstored--;
        this.wake();
      }
    };
    stored().catch((error: unknown) => {
      this.failure ??= { error };
    });
  }

  /** Waits for every started task; throws the first failure. */
  async drain(): Promise<void> {
    await this.settle();
    this.throwIfFailed();
  }

  /** Waits for every started task, ignoring failures (before cleaning up after an error). */
  async settle(): Promise<void> {
    await this.waitUntil(() => this.working === 0 && this.unstored === 0);
  }
}

/** Where blocks come from: rows `[start, end)` of the first axis, row-major; `reuse` is a finished block. */
export type ReadRows = (start: number, end: number, reuse?: TypedArray) => Promise<TypedArray> | TypedArray;

export interface ChunkedWriteOptions {
  readonly pool: TaskPool;
  /** Rows read at once: a multiple of the chunk rows (or all rows). */
  readonly blockRows: number;
  /** Called with the number of rows of each block once its chunks are handed to the pool. */
  readonly onBlock?: (rows: number) => void;
  readonly signal?: StopSignal;
  /** Named in errors about the source. */
  readonly name: string;
}

function elementSize(dtype: ChunkedDtype): number {
  return dtype === "bool" ? 1 : bytesPerElement(dtype);
}

/** A block in the element type the chunks carry (bool as one byte 0/1). */
function asStoredArray(block: TypedArray | readonly unknown[], dtype: ChunkedDtype): TypedArray {
  const numeric = dtype === "bool" ? "uint8" : dtype;
  if (isTypedArray(block) && block instanceof typedArrayFor(numeric)) return block;
  return toTypedArray(block as ArrayLike<unknown>, numeric);
}

/**
 * Streams a dataset through the pipeline into `target`. Reading block k+1 starts before block k is cut,
 * so reading overlaps compression. Resolves when every chunk has been handed to the pool (call
 * `pool.drain()` to wait for them to be stored).
 */
export async function writeChunkedRows(
  target: ChunkedDatasetWriter,
  request: ChunkedDatasetRequest,
  read: ReadRows,
  options: ChunkedWriteOptions,
): Promise<void> {
  const { shape, chunks, filters, dtype } = request;
  const rows = shape[0]!;
  const rowElements = elementCount(shape.slice(1));
  const step = options.blockRows;
  if (step % chunks[0]! !== 0 && step < rows) {
    throw new RangeError(`${options.name}: block rows ${step} are not a multiple of chunk rows ${chunks[0]}`);
  }
  const size = elementSize(dtype);
  // shuffle only moves bytes: as the first filter it is done while cutting, saving a pass over the data
  const shuffleWhileCutting = filters[0]?.codec === "shuffle" && size > 1;
  const remaining = shuffleWhileCutting ? filters.slice(1) : filters;
  const fetch = (start: number, reuse: TypedArray | undefined) => {
    const end = Math.min(rows, start + step);
    const pending = Promise.resolve().then(() => read(start, end, reuse));
    pending.catch(() => {}); // awaited below; this only keeps an early failure from being "unhandled"
    return pending;
  };
  // Two-byte samples (int16 ephys, the bulk of conversions) are shuffled with SIMD in a memory of its own
  // that the source reads blocks into and chunks are cut into: no copies in or out.
  const chunkBytes = elementCount(chunks) * size;
  const blockBytes = Math.min(step, rows) * rowElements * size;
  const slots = options.pool.jobs + 1;
  const simd =
    shuffleWhileCutting && size === 2 && WordShuffler.fits(blockBytes, chunkBytes, slots)
      ? new WordShuffler(blockBytes, chunkBytes, slots)
      : undefined;
  // Buffers of stored chunks are cut into again: at most jobs + 1 exist, and fresh memory per chunk would
  // cost a page fault per 4 KiB and a GC of every chunk (about 1 s per GB of int16 data).
  const spareBuffers: Uint8Array[] = simd ? [...simd.slots] : [];
  const takeBuffer = (byteLength: number) => spareBuffers.pop() ?? new Uint8Array(byteLength);
  // Memory offered to the source for block k: a shuffler area, or the block before the previous one
  // (cut already; a source may fill it anew instead of allocating).
  let finished: TypedArray | undefined;
  // A source that returns its own arrays is offered no more areas once seen, and its blocks are copied
  // into area 0 only: the other area is never touched, so it never becomes resident memory.
  let ownArrays = false;
  const offer = (k: number) => {
    if (!simd) return finished;
    if (ownArrays) return undefined;
    const area = simd.area(k);
    return viewAs(dtype as NumericDtype, area.buffer, area.byteOffset, area.byteLength / size);
  };
  let next = rows > 0 ? fetch(0, offer(0)) : undefined;
  for (let start = 0, k = 0; start < rows; start += step, k++) {
    const end = Math.min(rows, start + step);
    const block = asStoredArray(await next!, dtype);
    if (simd && !simd.holds(block)) ownArrays = true;
    next = end < rows ? fetch(end, offer(k + 1)) : undefined;
    if (block.length !== (end - start) * rowElements) {
      throw new RangeError(
        `${options.name}: the data source returned ${block.length} values for rows ${start}-${end}, expected ${
          (end - start) * rowElements
        }`,
      );
    }
    // A block of the source's own is copied into the shuffler and cut from the copy (the cut reads nothing
    // else), and it is not kept for reuse: the source's array is garbage once this iteration ends.
    const staged = simd?.stage(
      new Uint8Array(block.buffer, block.byteOffset, block.byteLength),
      ownArrays ? 0 : k,
    );
    const stored = staged
      ? viewAs(dtype as NumericDtype, staged.buffer, staged.byteOffset, block.length)
      : block;
    const cut = cutBlock(stored, start, shape, chunks, {
      shuffled: shuffleWhileCutting,
      buffer: takeBuffer,
      ...(simd && { staged: simd }),
    });
    for (const chunk of cut) {
      options.signal?.throwIfAborted();
      await options.pool.run(
        async () => {
          const encoded = await encodeChunk(chunk.bytes, size, remaining);
          if (encoded !== chunk.bytes) spareBuffers.push(chunk.bytes);
          return encoded;
        },
        async (encoded) => {
          await target.writeChunk(chunk.index, encoded);
          if (encoded === chunk.bytes) spareBuffers.push(chunk.bytes);
        },
      );
    }
    if (!simd) finished = block;
    options.onBlock?.(end - start);
  }
}
