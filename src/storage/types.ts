/**
 * The storage interface: what a file engine (HDF5 today, Zarr later) must offer the writer.
 *
 * It speaks of groups, datasets, attributes and links addressed by absolute POSIX-style paths
 * (`/acquisition/ElectricalSeries/data`) and knows nothing of NWB.
 */
import type { Dtype, TypedArray } from "../data/dtype.js";

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

export type CompressionMethod = "gzip" | "none";

export interface Compression {
  readonly method: CompressionMethod;
  /** gzip: level 0-9. */
  readonly level?: number;
}

/** A dataset written whole from memory. */
export interface InMemoryDatasetRequest {
  readonly dtype: Dtype;
  /** `[]` for a scalar dataset. */
  readonly shape: readonly number[];
  readonly value: StoredValue;
  /** Chunk shape; omitted = contiguous. */
  readonly chunks?: readonly number[];
  readonly compression?: Compression;
}

/** A chunked dataset whose rows (first axis) are written block by block. */
export interface StreamedDatasetRequest {
  readonly dtype: Dtype;
  readonly shape: readonly number[];
  readonly chunks: readonly number[];
  readonly compression?: Compression;
  /** Allow the first axis to grow beyond `shape[0]` later. */
  readonly extendable?: boolean;
}

export interface StreamedDataset {
  /** Writes `rows` rows starting at row `start` of the first axis, row-major. */
  writeRows(start: number, rows: number, values: TypedArray | readonly string[]): void;
  /** Changes the extent of the first axis (only for `extendable` datasets). */
  resize(rows: number): void;
}

/** A file open for writing. Paths are absolute; parents must exist. */
export interface StorageWriter {
  createGroup(path: string): void;
  createDataset(path: string, request: InMemoryDatasetRequest): void;
  createStreamedDataset(path: string, request: StreamedDatasetRequest): StreamedDataset;
  setAttribute(path: string, name: string, dtype: Dtype, shape: readonly number[], value: StoredValue): void;
  createSoftLink(path: string, target: string): void;
  createExternalLink(path: string, file: string, target: string): void;
  flush(): void;
  close(): void;
}

/** What the writer needs from an engine to open a file. */
export interface StorageBackend {
  readonly name: string;
  /** Compression methods this engine can apply. */
  readonly compressionMethods: readonly CompressionMethod[];
  create(filePath: string): Promise<StorageWriter>;
  open(filePath: string): Promise<StorageReader>;
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
    compression: Compression;
  };
  /** Whole dataset, or rows `[start, end)` of the first axis; scalars come back as a single value. */
  readDataset(path: string, rows?: readonly [number, number]): StoredValue;
  softLinkTarget(path: string): string | undefined;
  close(): void;
}
