/**
 * The storage contract (v2): what a file engine (HDF5 today, Zarr later) offers the writer above it.
 *
 * It speaks of groups, datasets, attributes and links addressed by absolute POSIX-style paths
 * (`/acquisition/ElectricalSeries/data`) and knows nothing of NWB. Bulk data arrive as chunks that the
 * shared codec pipeline (`codecs.ts`, `pipeline.ts`) has already encoded: an engine only records which
 * filters were applied and stores bytes. Everything format-specific stays below this line: limits on chunk
 * sizes, flushing, when object references can be resolved, how bool is represented, whether the output is
 * a file or a folder, and how a failed write is cleaned up.
 */
import type { Dtype, NumericDtype, TypedArray } from "../data/dtype.js";

/** A reference to another object in the same file, by its absolute path. */
export interface ObjectReference {
  readonly kind: "objectref";
  readonly path: string;
}

export function objectReference(path: string): ObjectReference {
  return { kind: "objectref", path };
}

export function isObjectReference(value: unknown): value is ObjectReference {
  return typeof value === "object" && value !== null && (value as ObjectReference).kind === "objectref";
}

/** One element of a compound dataset: field name -> value. */
export type CompoundRecord = Readonly<
  Record<string, number | bigint | string | ObjectReference | TypedArray>
>;

/**
 * In-memory values for an attribute or a whole dataset.
 * Scalars are written with a scalar dataspace; arrays with the shape given beside them.
 */
export type StoredValue =
  | string
  | number
  | bigint
  | boolean
  | ObjectReference
  | TypedArray
  | readonly string[]
  | readonly number[]
  | readonly boolean[]
  | readonly ObjectReference[]
  | readonly CompoundRecord[];

/**
 * One step of a chunk's filter pipeline: a codec registered in `codecs.ts`, by name, with its options.
 * Steps apply in order when writing (`[{ codec: "shuffle" }, { codec: "gzip", options: { level: 4 } }]`).
 */
export interface FilterSpec {
  readonly codec: string;
  readonly options?: Readonly<Record<string, number>>;
}

/**
 * What a write needs of an `AbortSignal` (any AbortSignal fits); declared here so that the published types
 * need neither DOM nor Node typings.
 */
export interface StopSignal {
  readonly aborted: boolean;
  /** Throws the reason when aborted. */
  throwIfAborted(): void;
}

/** A dataset written whole from memory (small values: attributes-like data, strings, references, compounds). */
export interface InMemoryDatasetRequest {
  readonly dtype: Dtype;
  /** `[]` for a scalar dataset. */
  readonly shape: readonly number[];
  /** Object references may point at objects created later: the engine resolves them when it can. */
  readonly value: StoredValue;
}

/** Element types that can be stored chunk by chunk: numbers, and bool as one byte 0/1 per element. */
export type ChunkedDtype = NumericDtype | "bool";

/** A chunked dataset whose chunks arrive encoded. */
export interface ChunkedDatasetRequest {
  readonly dtype: ChunkedDtype;
  readonly shape: readonly number[];
  /** Chunk shape; each axis between 1 and the dataset's extent on that axis. */
  readonly chunks: readonly number[];
  /** Filters already applied to every chunk's bytes, in the order they were applied. */
  readonly filters: readonly FilterSpec[];
}

export interface ChunkedDatasetWriter {
  /**
   * Stores one chunk. `chunkIndex` = chunk grid coordinates (element offset / chunk shape). Before
   * encoding, every chunk (edge chunks included, padded with zeros) held the full chunk shape of elements in
   * C order, little-endian. Calls may come in any order and overlap. `encoded` belongs to the caller again
   * once the promise settles (the pipeline reuses chunk buffers): copy it to keep it longer.
   */
  writeChunk(chunkIndex: readonly number[], encoded: Uint8Array): Promise<void>;
}

/** A file open for writing. Paths are absolute; parents must exist. */
export interface StorageWriter {
  /** The output as the user named it (for messages). */
  readonly path: string;
  /** Creates a group (the root `/` always exists). */
  createGroup(path: string): void;
  createDataset(path: string, request: InMemoryDatasetRequest): void;
  createChunkedDataset(path: string, request: ChunkedDatasetRequest): ChunkedDatasetWriter;
  setAttribute(path: string, name: string, dtype: Dtype, shape: readonly number[], value: StoredValue): void;
  createSoftLink(path: string, target: string): void;
  createExternalLink(path: string, file: string, target: string): void;
  /** Finishes the output and moves it into place; only now does it appear at `path`. */
  close(): Promise<void>;
  /** Gives up: removes whatever was written; nothing is left at `path`. Harmless after close or twice. */
  abort(): Promise<void>;
}

export interface CreateOptions {
  /** Replace an existing output (default: an existing output is an error). */
  readonly overwrite?: boolean;
}

/** A storage engine: creates outputs, states what it can store, reads files back. */
export interface StorageEngine {
  /** Name used in backend configurations (`"hdf5"`). */
  readonly name: string;
  /** Codecs whose output this engine can record (by codec name). */
  readonly codecs: readonly string[];
  /** Why this chunked dataset cannot be stored (e.g. a chunk too large for the format), or undefined. */
  chunkingProblem(request: ChunkedDatasetRequest): string | undefined;
  /**
   * Throws an `OutputPathError` when `path` cannot receive an output (missing parent folder, wrong kind of
   * object there, exists without `overwrite`). Returns the absolute path.
   */
  checkOutput(path: string, options?: CreateOptions): Promise<string>;
  /** Creates an output; it stays hidden until {@link StorageWriter.close}. */
  create(path: string, options?: CreateOptions): Promise<StorageWriter>;
  open(path: string): Promise<StorageReader>;
}

/** Kind of object found at a path when reading a file back. */
export type StoredObjectKind = "group" | "dataset" | "softlink" | "externallink";

/** Read access, for tests, inspection and reading existing NWB files. */
export interface StorageReader {
  kind(path: string): StoredObjectKind | undefined;
  /** Names of the children of a group, sorted. */
  children(path: string): string[];
  attributeNames(path: string): string[];
  /** Attribute value; object references come back as {@link ObjectReference} with the target's path. */
  getAttribute(path: string, name: string): StoredValue | undefined;
  datasetInfo(path: string): {
    dtype: Dtype;
    shape: number[];
    chunks: number[] | null;
    /** The filter pipeline, in the order filters were applied. */
    filters: FilterSpec[];
  };
  /** Whole dataset, or rows `[start, end)` of the first axis; scalars come back as a single value. */
  readDataset(path: string, rows?: readonly [number, number]): StoredValue;
  /** The block of `count[axis]` elements from `start[axis]` on every axis (e.g. some columns of a matrix). */
  readBlock(path: string, start: readonly number[], count: readonly number[]): StoredValue;
  softLinkTarget(path: string): string | undefined;
  close(): void;
}
