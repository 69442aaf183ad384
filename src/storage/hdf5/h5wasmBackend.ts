/**
 * HDF5 through h5wasm (HDF5 compiled to WebAssembly, Node build with direct file-system access): the reader
 * of every HDF5 file (tests, `describe`), and a reference writer.
 *
 * We drive h5wasm's low-level `Module` functions with buffers we pack ourselves (see `dtypes.ts`): this
 * gives variable-length strings and object references inside compounds, scalar dataspaces everywhere and a
 * single heap copy per chunk. Everything HDF5 needs in memory lives in the wasm heap, which is
 * capped at 2 GiB and never shrinks, so each call allocates one buffer and frees it before returning.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { Metadata } from "h5wasm/node";
import { type Dtype, elementCount, isTypedArray, type TypedArray } from "../../data/dtype.js";
import { StorageError } from "../../errors.js";
import { chunkExtent, cropChunk } from "../chunks.js";
import { checkFileOutput, type TemporaryFile, temporaryFileFor } from "../output.js";
import {
  type ChunkedDatasetRequest,
  type ChunkedDatasetWriter,
  type CreateOptions,
  type FilterSpec,
  type InMemoryDatasetRequest,
  isObjectReference,
  type StorageEngine,
  type StorageReader,
  type StorageWriter,
  type StoredObjectKind,
  type StoredValue,
} from "../types.js";
import {
  type DecodedElements,
  dtypeOfMetadata,
  type ElementLayout,
  H5T_CLASS,
  hasVariableLength,
  layoutOf,
  mallocOrThrow,
  OBJECT_REFERENCE_SIZE,
  packToHeap,
  type TypeMetadata,
  unpackFromHeap,
} from "./dtypes.js";
import { filterSpecOf, hdf5ChunkingProblem } from "./filters.js";

type H5Module = typeof import("h5wasm/node")["Module"];
type WriteMetadata = Parameters<H5Module["create_dataset"]>[3];

/** `H5S_UNLIMITED` (`(hsize_t)-1`), beyond what embind exports as a constant. */
const H5S_UNLIMITED = 2n ** 64n - 1n;

let modulePromise: Promise<H5Module> | undefined;

/**
 * Loads the h5wasm Node build on first use, so that importing this package does not instantiate a 4 MB
 * wasm module. HDF5 errors are switched to JS exceptions (the default handler only prints them).
 */
function loadH5wasm(): Promise<H5Module> {
  modulePromise ??= (async () => {
    const h5wasm = await import("h5wasm/node");
    const module = await h5wasm.ready;
    module.activate_throwing_error_handler();
    if (module.SIZEOF_OBJ_REF !== OBJECT_REFERENCE_SIZE) {
      throw new Error(`unexpected hobj_ref_t size ${module.SIZEOF_OBJ_REF} in h5wasm`);
    }
    return module;
  })().catch((error: unknown) => {
    modulePromise = undefined;
    throw error;
  });
  return modulePromise;
}

/**
 * Condenses HDF5's error-stack dump (one `#NNN: file line N in func(): message` line per frame) into its
 * outermost and innermost frames, which say what failed and why.
 */
function summarizeHdf5Error(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const frames = [...text.matchAll(/#\d+: .* in (\w+)\(\): (.*)$/gm)].map((m) => `${m[2]} (${m[1]})`);
  if (frames.length === 0) return text.split("\n")[0] ?? text;
  if (frames.length === 1) return frames[0]!;
  return `${frames[0]}: ${frames[frames.length - 1]}`;
}

/** Runs an HDF5 call and turns a thrown HDF5 error or a negative status into an Error naming file and path. */
function hdf5Call<T>(file: string, action: string, path: string, call: () => T): T {
  let result: T;
  try {
    result = call();
  } catch (error) {
    throw new Error(`HDF5 error while ${action} "${path}" in ${file}: ${summarizeHdf5Error(error)}`, {
      cause: error,
    });
  }
  if ((typeof result === "number" || typeof result === "bigint") && result < 0) {
    throw new Error(`HDF5 error while ${action} "${path}" in ${file}: status ${result}`);
  }
  return result;
}

function checkPath(path: string): void {
  if (!path.startsWith("/")) throw new Error(`HDF5 paths must be absolute, got "${path}"`);
}

function bigints(values: readonly number[]): bigint[] {
  return values.map((v) => BigInt(v));
}

function checkShape(shape: readonly number[], what: string): void {
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) throw new RangeError(`invalid ${what} ${JSON.stringify(shape)}`);
  }
}

/** Returns the elements of a value as an indexable sequence (a scalar becomes one element). */
/** Returns the elements of a value as an indexable sequence (a scalar becomes one element). */
function elementsOf(value: StoredValue): TypedArray | readonly unknown[] {
  if (isTypedArray(value) || Array.isArray(value)) return value as TypedArray | readonly unknown[];
  return [value];
}

function containsReference(value: StoredValue): boolean {
  if (isObjectReference(value)) return true;
  if (!Array.isArray(value)) return false;
  return (value as readonly unknown[]).some(
    (v) =>
      isObjectReference(v) ||
      (typeof v === "object" && v !== null && Object.values(v as object).some(isObjectReference)),
  );
}

interface DatasetCreation {
  readonly shape: readonly number[];
  readonly maxshape: readonly (number | null)[];
  readonly chunks: readonly number[] | null;
}

function writeMetadata(type: TypeMetadata, creation: DatasetCreation): WriteMetadata {
  const metadata = {
    ...type,
    shape: bigints(creation.shape),
    maxshape: creation.maxshape.map((d) => (d === null ? H5S_UNLIMITED : BigInt(d))),
    chunks: creation.chunks ? bigints(creation.chunks) : null,
    // this engine stores chunks unfiltered (h5wasm cannot take encoded chunks)
    compression: 0,
    compression_opts: [],
  };
  // h5wasm's typing demands read-side fields (total_size, ...) that its writer never looks at.
  return metadata as unknown as WriteMetadata;
}

/** An open HDF5 file: the module, its id, and closing once. */
abstract class OpenH5File {
  private closed = false;

  constructor(
    protected readonly module: H5Module,
    protected readonly fileId: bigint,
    protected readonly file: string,
  ) {}

  /** The module, or an error when the file was closed. */
  protected live(): H5Module {
    if (this.closed) throw new Error(`HDF5 file ${this.file} is already closed`);
    return this.module;
  }

  /** Closes the file; closing twice is harmless. */
  protected closeFile(): void {
    if (this.closed) return;
    this.closed = true;
    hdf5Call(this.file, "closing", "/", () => this.module.close_file(this.fileId));
  }
}

/** Flush after about this many chunk bytes, so HDF5's metadata cache does not grow without bound. */
const FLUSH_EVERY_BYTES = 256 * 1024 * 1024;

/**
 * A file open for writing. Object references need their targets to exist in HDF5 when they are written,
 * so datasets and attributes holding references (and attributes of such datasets) wait until close.
 */
class H5Writer extends OpenH5File implements StorageWriter {
  /** Object references by target path: an object's address does not change while the file is open. */
  private readonly references = new Map<string, Uint8Array>();
  private readonly deferredDatasets: [string, InMemoryDatasetRequest][] = [];
  private readonly deferredAttributes: Parameters<H5Writer["setAttribute"]>[] = [];
  private sinceFlush = 0;
  private finished = false;

  constructor(
    module: H5Module,
    fileId: bigint,
    private readonly output: TemporaryFile,
    readonly path: string,
  ) {
    super(module, fileId, output.destination);
  }

  /** Old-style (`hobj_ref_t`) reference to an existing object. */
  readonly encodeReference = (path: string): Uint8Array => {
    checkPath(path);
    let ref = this.references.get(path);
    if (ref === undefined) {
      const module = this.live();
      ref = Uint8Array.from(
        hdf5Call(this.file, "creating an object reference to", path, () =>
          module.create_object_reference(this.fileId, path),
        ),
      );
      this.references.set(path, ref);
    }
    return ref;
  };

  createGroup(path: string): void {
    checkPath(path);
    const module = this.live();
    if (path === "/") return; // the root group always exists
    hdf5Call(this.file, "creating group", path, () => module.create_group(this.fileId, path, false));
  }

  /** Creates a dataset whose current extent is `creation.shape`, filling it from `ptr`. */
  private create(path: string, layout: ElementLayout, creation: DatasetCreation, ptr: number): void {
    const module = this.live();
    const metadata = writeMetadata(layout.metadata, creation);
    hdf5Call(this.file, "creating dataset", path, () =>
      module.create_dataset(this.fileId, path, BigInt(ptr), metadata),
    );
  }

  createDataset(path: string, request: InMemoryDatasetRequest): void {
    checkPath(path);
    if (!this.finished && containsReference(request.value)) {
      this.deferredDatasets.push([path, request]);
      return;
    }
    const module = this.live();
    const { shape } = request;
    checkShape(shape, "shape");
    const layout = layoutOf(request.dtype);
    const values = elementsOf(request.value);
    if (values.length !== elementCount(shape)) {
      throw new RangeError(`dataset "${path}": ${values.length} values for shape ${JSON.stringify(shape)}`);
    }
    const ptr = packToHeap(module, layout, values, this.encodeReference);
    try {
      this.create(path, layout, { shape, maxshape: shape, chunks: null }, ptr);
    } finally {
      module._free(ptr);
    }
  }

  createChunkedDataset(path: string, request: ChunkedDatasetRequest): ChunkedDatasetWriter {
    checkPath(path);
    const module = this.live();
    const { shape, chunks } = request;
    checkShape(shape, "shape");
    if (request.filters.length > 0) {
      throw new StorageError(this.path, path, "the h5wasm engine stores chunks unfiltered; give no filters");
    }
    const layout = layoutOf(request.dtype);
    // h5wasm's create_dataset writes the full extent from a buffer: create it empty with room to grow,
    // then set the extent (unwritten chunks are never allocated).
    const ptr = mallocOrThrow(module, 0);
    try {
      const empty = [0, ...shape.slice(1)];
      this.create(path, layout, { shape: empty, maxshape: [null, ...shape.slice(1)], chunks }, ptr);
    } finally {
      module._free(ptr);
    }
    hdf5Call(this.file, "resizing dataset", path, () =>
      module.resize_dataset(this.fileId, path, bigints(shape)),
    );
    return {
      writeChunk: async (index, encoded) => {
        const count = chunkExtent(shape, chunks, index);
        const full = new Uint8Array(encoded);
        const itemSize = encoded.length / elementCount(chunks);
        const cropped = cropChunk(
          full,
          chunks.map((c, i) => (i === chunks.length - 1 ? c * itemSize : c)),
          [...count.slice(0, -1), count.at(-1)! * itemSize],
        );
        const chunkPtr = mallocOrThrow(module, cropped.length);
        try {
          module.HEAPU8.set(cropped, chunkPtr);
          const offset = index.map((i, axis) => BigInt(i * chunks[axis]!));
          hdf5Call(this.file, "writing a chunk of", path, () =>
            module.set_dataset_data(
              this.fileId,
              path,
              bigints(count),
              offset,
              count.map(() => 1n),
              BigInt(chunkPtr),
            ),
          );
        } finally {
          module._free(chunkPtr);
        }
        this.sinceFlush += cropped.length;
        if (this.sinceFlush >= FLUSH_EVERY_BYTES) {
          this.sinceFlush = 0;
          hdf5Call(this.file, "flushing", "/", () => module.flush(this.fileId));
        }
      },
    };
  }

  setAttribute(path: string, name: string, dtype: Dtype, shape: readonly number[], value: StoredValue): void {
    checkPath(path);
    const waits = containsReference(value) || this.deferredDatasets.some(([deferred]) => deferred === path);
    if (!this.finished && waits) {
      this.deferredAttributes.push([path, name, dtype, shape, value]);
      return;
    }
    const module = this.live();
    checkShape(shape, "attribute shape");
    const layout = layoutOf(dtype);
    const values = elementsOf(value);
    if (values.length !== elementCount(shape)) {
      throw new RangeError(
        `attribute "${name}" on "${path}": ${values.length} values for shape ${JSON.stringify(shape)}`,
      );
    }
    const where = `${path}@${name}`;
    const existing = hdf5Call(this.file, "listing attributes of", path, () =>
      module.get_attribute_names(this.fileId, path),
    );
    if (existing.includes(name)) {
      hdf5Call(this.file, "replacing attribute", where, () =>
        module.delete_attribute(this.fileId, path, name),
      );
    }
    const metadata = writeMetadata(layout.metadata, { shape, maxshape: shape, chunks: null });
    const ptr = packToHeap(module, layout, values, this.encodeReference);
    try {
      hdf5Call(this.file, "writing attribute", where, () =>
        module.create_attribute(this.fileId, path, name, BigInt(ptr), metadata),
      );
    } finally {
      module._free(ptr);
    }
  }

  createSoftLink(path: string, target: string): void {
    checkPath(path);
    checkPath(target);
    const module = this.live();
    hdf5Call(this.file, "creating soft link", path, () => module.create_soft_link(this.fileId, target, path));
  }

  createExternalLink(path: string, file: string, target: string): void {
    checkPath(path);
    checkPath(target);
    const module = this.live();
    hdf5Call(this.file, "creating external link", path, () =>
      module.create_external_link(this.fileId, file, target, path),
    );
  }

  async close(): Promise<void> {
    this.finished = true;
    for (const [path, request] of this.deferredDatasets.splice(0)) this.createDataset(path, request);
    for (const args of this.deferredAttributes.splice(0)) this.setAttribute(...args);
    this.closeFile();
    await this.output.commit();
  }

  async abort(): Promise<void> {
    try {
      this.closeFile();
    } catch {
      // the file is removed anyway
    }
    await this.output.discard();
  }
}

/** A file open read-only. Rows are read as hyperslabs, so only the requested rows pass through the heap. */
class H5Reader extends OpenH5File implements StorageReader {
  close(): void {
    this.closeFile();
  }

  private readonly decodeReference = (ref: Uint8Array): string => {
    const module = this.live();
    return hdf5Call(this.file, "resolving an object reference in", "/", () =>
      module.get_referenced_name(this.fileId, ref, true),
    );
  };

  kind(path: string): StoredObjectKind | undefined {
    checkPath(path);
    const module = this.live();
    let type: number;
    try {
      // Follows links; -1 when nothing is there. Paths through datasets or dangling external links throw.
      type = module.get_type(this.fileId, path);
    } catch {
      return undefined;
    }
    if (type < 0) return undefined;
    if (path !== "/") {
      if (module.get_symbolic_link(this.fileId, path) !== null) return "softlink";
      if (module.get_external_link(this.fileId, path).filename !== undefined) return "externallink";
    }
    if (type === module.H5G_GROUP) return "group";
    if (type === module.H5G_DATASET) return "dataset";
    return undefined; // named datatypes are not part of our model
  }

  children(path: string): string[] {
    checkPath(path);
    const module = this.live();
    return hdf5Call(this.file, "listing group", path, () =>
      module.get_names(this.fileId, path, false),
    ).sort();
  }

  attributeNames(path: string): string[] {
    checkPath(path);
    const module = this.live();
    return hdf5Call(this.file, "listing attributes of", path, () =>
      module.get_attribute_names(this.fileId, path),
    ).sort();
  }

  getAttribute(path: string, name: string): StoredValue | undefined {
    if (!this.attributeNames(path).includes(name)) return undefined;
    const module = this.live();
    const where = `${path}@${name}`;
    const metadata = hdf5Call(this.file, "reading attribute", where, () =>
      module.get_attribute_metadata(this.fileId, path, name),
    );
    if (metadata.shape === null) return undefined; // null dataspace: an attribute without a value
    const count = metadata.total_size;
    const ptr = mallocOrThrow(module, count * metadata.size);
    let values: DecodedElements;
    try {
      hdf5Call(this.file, "reading attribute", where, () =>
        module.get_attribute_data(this.fileId, path, name, BigInt(ptr)),
      );
      try {
        values = unpackFromHeap(module, metadata, ptr, count, this.decodeReference);
      } finally {
        if (hasVariableLength(metadata)) module.reclaim_vlen_memory(this.fileId, path, name, BigInt(ptr));
      }
    } finally {
      module._free(ptr);
    }
    return metadata.shape.length === 0 ? scalarOf(values, metadata) : values;
  }

  private metadata(path: string): Metadata {
    checkPath(path);
    const module = this.live();
    return hdf5Call(this.file, "reading dataset", path, () => module.get_dataset_metadata(this.fileId, path));
  }

  datasetInfo(path: string): {
    dtype: Dtype;
    shape: number[];
    chunks: number[] | null;
    filters: FilterSpec[];
  } {
    const metadata = this.metadata(path);
    const module = this.live();
    const filters = hdf5Call(this.file, "reading filters of", path, () =>
      module.get_dataset_filters(this.fileId, path),
    );
    return {
      dtype: dtypeOfMetadata(metadata),
      shape: metadata.shape ? [...metadata.shape] : [],
      chunks: metadata.chunks ? [...metadata.chunks] : null,
      filters: filters.map((f) => filterSpecOf(f.id, f.cd_values)),
    };
  }

  readDataset(path: string, rows?: readonly [number, number]): StoredValue {
    if (rows === undefined) return this.readSelection(path);
    const shape = this.metadata(path).shape ?? [];
    if (shape.length === 0) throw new RangeError(`dataset "${path}" is scalar; it has no rows`);
    return this.readSelection(
      path,
      [rows[0], ...shape.slice(1).map(() => 0)],
      [rows[1] - rows[0], ...shape.slice(1)],
    );
  }

  readBlock(path: string, start: readonly number[], count: readonly number[]): StoredValue {
    return this.readSelection(path, start, count);
  }

  /** The whole dataset, or the block of `count` elements per axis from `start` (one hyperslab). */
  private readSelection(path: string, start?: readonly number[], counts?: readonly number[]): StoredValue {
    const metadata = this.metadata(path);
    const module = this.live();
    const shape = metadata.shape;
    if (shape === null) throw new Error(`dataset "${path}" in ${this.file} has a null dataspace`);
    if (metadata.type === H5T_CLASS.VLEN || metadata.type === H5T_CLASS.ARRAY) {
      throw new TypeError(
        `dataset "${path}" in ${this.file}: HDF5 datatype class ${metadata.type} is not supported`,
      );
    }
    let selection: { count: bigint[]; offset: bigint[]; stride: bigint[] } | null = null;
    let count = metadata.total_size;
    if (start !== undefined && counts !== undefined) {
      const inside = (axis: number) => {
        const [from, n, extent] = [start[axis]!, counts[axis]!, shape[axis]!];
        return (
          Number.isSafeInteger(from) && Number.isSafeInteger(n) && 0 <= from && 0 <= n && from + n <= extent
        );
      };
      if (
        start.length !== shape.length ||
        counts.length !== shape.length ||
        !shape.every((_, a) => inside(a))
      ) {
        const block = start.map((from, a) => `[${from}, ${from + (counts[a] ?? 0)})`).join(" × ");
        throw new RangeError(`dataset "${path}": block ${block} outside its shape (${shape.join(", ")})`);
      }
      count = elementCount(counts);
      selection = { count: bigints(counts), offset: bigints(start), stride: counts.map(() => 1n) };
    }
    // Nothing to read: skip HDF5, whose hyperslab selection rejects zero-sized counts.
    if (count === 0) return unpackFromHeap(module, metadata, 0, 0, this.decodeReference) as StoredValue;
    const ptr = mallocOrThrow(module, count * metadata.size);
    let values: DecodedElements;
    try {
      hdf5Call(this.file, "reading dataset", path, () =>
        module.get_dataset_data(
          this.fileId,
          path,
          selection?.count ?? null,
          selection?.offset ?? null,
          selection?.stride ?? null,
          BigInt(ptr),
        ),
      );
      try {
        values = unpackFromHeap(module, metadata, ptr, count, this.decodeReference);
      } finally {
        if (hasVariableLength(metadata)) {
          if (selection)
            module.reclaim_vlen_memory_count(this.fileId, path, "", BigInt(ptr), selection.count);
          else module.reclaim_vlen_memory(this.fileId, path, "", BigInt(ptr));
        }
      }
    } finally {
      module._free(ptr);
    }
    return shape.length === 0 ? scalarOf(values, metadata) : (values as StoredValue);
  }

  softLinkTarget(path: string): string | undefined {
    if (this.kind(path) !== "softlink") return undefined;
    return this.live().get_symbolic_link(this.fileId, path) ?? undefined;
  }
}

/**
 * A scalar dataspace holds one element: return it bare (64-bit integers as bigint). A scalar compound stays
 * a one-record array, since a lone record is not a {@link StoredValue}.
 */
function scalarOf(values: DecodedElements, metadata: Metadata): StoredValue {
  if (values.length !== 1) throw new Error(`expected one element in a scalar, got ${values.length}`);
  if (metadata.type === H5T_CLASS.COMPOUND) return values as StoredValue;
  return values[0] as StoredValue;
}

/** Opens an HDF5 file read-only through h5wasm. */
export async function openWithH5wasm(filePath: string): Promise<StorageReader> {
  const file = resolve(filePath);
  if (!existsSync(file)) throw new Error(`cannot open HDF5 file ${file}: no such file`);
  const module = await loadH5wasm();
  const fileId = hdf5Call(file, "opening file", "/", () =>
    module.open(file, module.H5F_ACC_RDONLY, false, -1, -1),
  );
  return new H5Reader(module, fileId, file);
}

/**
 * A reference writer through h5wasm (HDF5 compiled to WebAssembly): chunks stored unfiltered, one
 * hyperslab at a time. Slow and without compression; kept to compare our own HDF5 writer's output
 * against the HDF5 library's. Files use library-version bounds [earliest, v1.10] (HDF5 1.10 readers).
 */
export const h5wasmEngine: StorageEngine = {
  name: "h5wasm",
  codecs: [],
  chunkingProblem: (request) =>
    request.filters.length > 0
      ? "the h5wasm engine stores chunks unfiltered; give no filters"
      : hdf5ChunkingProblem(request),
  checkOutput: (path, options) => checkFileOutput(path, options?.overwrite ?? false),

  async create(filePath: string, options?: CreateOptions): Promise<StorageWriter> {
    const output = await temporaryFileFor(filePath, options?.overwrite ?? false);
    const module = await loadH5wasm();
    const fileId = hdf5Call(output.destination, "creating file", "/", () =>
      module.open(
        output.temporary,
        module.H5F_ACC_TRUNC,
        false,
        module.H5F_LIBVER_EARLIEST,
        module.H5F_LIBVER_V110,
      ),
    );
    return new H5Writer(module, fileId, output, filePath);
  },

  open: openWithH5wasm,
};
