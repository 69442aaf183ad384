/**
 * HDF5 storage engine on h5wasm (HDF5 compiled to WebAssembly, Node build with direct file-system access).
 *
 * We drive h5wasm's low-level `Module` functions with buffers we pack ourselves (see `dtypes.ts`): this
 * gives variable-length strings and object references inside compounds, scalar dataspaces everywhere and a
 * single heap copy per streamed block. Everything HDF5 needs in memory lives in the wasm heap, which is
 * capped at 2 GiB and never shrinks, so each call allocates one buffer and frees it before returning.
 */
import { existsSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { Metadata } from "h5wasm/node";
import {
  type Dtype,
  dtypeOfTypedArray,
  elementCount,
  isTypedArray,
  type TypedArray,
} from "../../data/dtype.js";
import type {
  Compression,
  InMemoryDatasetRequest,
  StorageBackend,
  StorageReader,
  StorageWriter,
  StoredObjectKind,
  StoredValue,
  StreamedDataset,
  StreamedDatasetRequest,
} from "../types.js";
import {
  type DecodedElements,
  dtypeOfMetadata,
  type ElementLayout,
  H5T_CLASS,
  hasVariableLength,
  isPlainNumeric,
  layoutOf,
  mallocOrThrow,
  OBJECT_REFERENCE_SIZE,
  packToHeap,
  storageArrayDtype,
  type TypeMetadata,
  unpackFromHeap,
} from "./dtypes.js";

type H5Module = typeof import("h5wasm/node")["Module"];
type WriteMetadata = Parameters<H5Module["create_dataset"]>[3];

/** `H5S_UNLIMITED` (`(hsize_t)-1`), beyond what embind exports as a constant. */
const H5S_UNLIMITED = 2n ** 64n - 1n;
/** Filter id of deflate (gzip) in HDF5. */
const H5Z_FILTER_DEFLATE = 1;
const DEFAULT_GZIP_LEVEL = 4;

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
function elementsOf(value: StoredValue): TypedArray | readonly unknown[] {
  if (isTypedArray(value) || Array.isArray(value)) return value as TypedArray | readonly unknown[];
  return [value];
}

function gzipLevel(compression: Compression | undefined): number | undefined {
  if (compression === undefined || compression.method === "none") return undefined;
  if (compression.method !== "gzip") {
    throw new Error(`unsupported compression "${String(compression.method)}" (h5wasm offers gzip or none)`);
  }
  const level = compression.level ?? DEFAULT_GZIP_LEVEL;
  if (!Number.isInteger(level) || level < 0 || level > 9)
    throw new RangeError(`gzip level ${level} not in 0-9`);
  return level;
}

interface DatasetCreation {
  readonly shape: readonly number[];
  readonly maxshape: readonly (number | null)[];
  readonly chunks: readonly number[] | null;
  readonly gzip: number | undefined;
}

function writeMetadata(type: TypeMetadata, creation: DatasetCreation): WriteMetadata {
  const metadata = {
    ...type,
    shape: bigints(creation.shape),
    maxshape: creation.maxshape.map((d) => (d === null ? H5S_UNLIMITED : BigInt(d))),
    chunks: creation.chunks ? bigints(creation.chunks) : null,
    // h5wasm applies exactly one filter: deflate with [level], or none.
    compression: creation.gzip === undefined ? 0 : H5Z_FILTER_DEFLATE,
    compression_opts: creation.gzip === undefined ? [] : [creation.gzip],
  };
  // h5wasm's typing demands read-side fields (total_size, ...) that its writer never looks at.
  return metadata as unknown as WriteMetadata;
}

/** HDF5 refuses chunks larger than a fixed dimension; shrink them to fit (never below 1). */
function fitChunks(chunks: readonly number[], maxshape: readonly (number | null)[]): number[] {
  if (chunks.length !== maxshape.length) {
    throw new RangeError(`chunk rank ${chunks.length} differs from dataset rank ${maxshape.length}`);
  }
  return chunks.map((c, i) => {
    if (!Number.isSafeInteger(c) || c < 1)
      throw new RangeError(`invalid chunk shape ${JSON.stringify(chunks)}`);
    const max = maxshape[i];
    return max === null || max === undefined ? c : Math.max(1, Math.min(c, max));
  });
}

/**
 * A file open for writing. Requested chunk shapes are shrunk to fit fixed dimensions (HDF5 refuses larger
 * ones); object-reference targets must exist when the reference is written.
 */
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
  close(): void {
    if (this.closed) return;
    this.closed = true;
    hdf5Call(this.file, "closing", "/", () => this.module.close_file(this.fileId));
  }
}

class H5Writer extends OpenH5File implements StorageWriter {
  /** Object references by target path: an object's address does not change while the file is open. */
  private readonly references = new Map<string, Uint8Array>();

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
    const module = this.live();
    const { shape } = request;
    checkShape(shape, "shape");
    const layout = layoutOf(request.dtype);
    const values = elementsOf(request.value);
    const count = elementCount(shape);
    if (values.length !== count) {
      throw new RangeError(`dataset "${path}": ${values.length} values for shape ${JSON.stringify(shape)}`);
    }
    let gzip = gzipLevel(request.compression);
    let maxshape: (number | null)[] = [...shape];
    let chunks: number[] | null = null;
    if (request.chunks) {
      if (shape.length === 0) throw new RangeError(`dataset "${path}": a scalar dataset cannot be chunked`);
      // An empty fixed axis admits no chunk size: make the first axis unlimited and keep the chunking.
      if (shape[0] === 0) maxshape[0] = null;
      if (maxshape.slice(1).includes(0)) {
        maxshape = [...shape]; // no chunk fits: contiguous, and there is nothing to compress
        gzip = undefined;
      } else {
        chunks = fitChunks(request.chunks, maxshape);
      }
    }
    if (gzip !== undefined && chunks === null) {
      throw new Error(`dataset "${path}": compression needs a chunked layout (give chunks)`);
    }
    const ptr = packToHeap(module, layout, values, this.encodeReference);
    try {
      this.create(path, layout, { shape, maxshape, chunks, gzip }, ptr);
    } finally {
      module._free(ptr);
    }
  }

  createStreamedDataset(path: string, request: StreamedDatasetRequest): StreamedDataset {
    checkPath(path);
    const module = this.live();
    const { shape } = request;
    checkShape(shape, "shape");
    if (shape.length === 0) throw new RangeError(`streamed dataset "${path}" needs at least one axis`);
    const layout = layoutOf(request.dtype);
    if (layout.fields !== null)
      throw new TypeError(`streamed dataset "${path}": compound dtypes are not streamed`);
    const extendable = request.extendable === true;
    // A fixed first axis of 0 rows admits no chunk size, so that one is made unlimited regardless.
    const maxshape = [extendable || shape[0] === 0 ? null : shape[0]!, ...shape.slice(1)];
    const chunks = fitChunks(request.chunks, maxshape);
    // h5wasm's create_dataset always writes the full extent from a buffer. Creating it with 0 rows writes
    // nothing; growing it afterwards leaves the rows to writeRows (unwritten chunks are never allocated).
    const ptr = mallocOrThrow(module, 0);
    try {
      this.create(
        path,
        layout,
        { shape: [0, ...shape.slice(1)], maxshape, chunks, gzip: gzipLevel(request.compression) },
        ptr,
      );
    } finally {
      module._free(ptr);
    }
    const dataset = new H5StreamedDataset(this, module, path, layout, shape, extendable, chunks);
    if (shape[0]! > 0) dataset.extendTo(shape[0]!);
    return dataset;
  }

  /** Throws if the file is closed; lets streamed datasets share the writer's state. */
  assertOpen(): void {
    this.live();
  }

  get fileName(): string {
    return this.file;
  }

  get id(): bigint {
    return this.fileId;
  }

  setAttribute(path: string, name: string, dtype: Dtype, shape: readonly number[], value: StoredValue): void {
    checkPath(path);
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
    const metadata = writeMetadata(layout.metadata, {
      shape,
      maxshape: shape,
      chunks: null,
      gzip: undefined,
    });
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

  flush(): void {
    const module = this.live();
    hdf5Call(this.file, "flushing", "/", () => module.flush(this.fileId));
  }
}

/** A chunked dataset filled row block by row block. */
class H5StreamedDataset implements StreamedDataset {
  private rows: number;
  private readonly rowElements: number;
  private readonly tail: bigint[];

  constructor(
    private readonly writer: H5Writer,
    private readonly module: H5Module,
    private readonly path: string,
    private readonly layout: ElementLayout,
    shape: readonly number[],
    private readonly extendable: boolean,
    private readonly chunks: readonly number[] | null,
  ) {
    this.rows = 0;
    this.rowElements = elementCount(shape.slice(1));
    this.tail = bigints(shape.slice(1));
  }

  /** Sets the first-axis extent (within maxshape). */
  extendTo(rows: number): void {
    this.writer.assertOpen();
    const extent = [BigInt(rows), ...this.tail];
    hdf5Call(this.writer.fileName, "resizing dataset", this.path, () =>
      this.module.resize_dataset(this.writer.id, this.path, extent),
    );
    this.rows = rows;
  }

  /**
   * Writes whole rows as one hyperslab. The block is copied once into the wasm heap and freed at once.
   * Blocks that start and end on chunk boundaries (multiples of `chunks[0]`) are fastest: h5wasm keeps
   * HDF5's default 1 MiB chunk cache, so a chunk written in two parts is compressed, re-read and rewritten.
   * Typed arrays must already have the dataset's element type (int8 or uint8 for bool).
   */
  writeRows(start: number, rows: number, values: TypedArray | readonly string[]): void {
    this.writer.assertOpen();
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(rows) || start < 0 || rows < 0) {
      throw new RangeError(`dataset "${this.path}": invalid row range start=${start} rows=${rows}`);
    }
    if (start + rows > this.rows) {
      throw new RangeError(
        `dataset "${this.path}": rows [${start}, ${start + rows}) exceed its extent of ${this.rows} rows (resize first)`,
      );
    }
    if (values.length !== rows * this.rowElements) {
      throw new RangeError(
        `dataset "${this.path}": ${values.length} values for ${rows} rows of ${this.rowElements} elements`,
      );
    }
    if (rows === 0) return;
    this.checkElementType(values);
    const columns = this.tail.length === 1 ? Number(this.tail[0]) : 0;
    const chunkColumns = this.chunks?.[1];
    if (isPlainNumeric(this.layout) && chunkColumns !== undefined && chunkColumns < columns) {
      this.writeColumnStripes(start, rows, values as TypedArray, columns, chunkColumns);
      return;
    }
    const ptr = packToHeap(this.module, this.layout, values, this.writer.encodeReference);
    try {
      const count = [BigInt(rows), ...this.tail];
      const offset = [BigInt(start), ...this.tail.map(() => 0n)];
      const stride = count.map(() => 1n);
      hdf5Call(this.writer.fileName, "writing rows to dataset", this.path, () =>
        this.module.set_dataset_data(this.writer.id, this.path, count, offset, stride, BigInt(ptr)),
      );
    } finally {
      this.module._free(ptr);
    }
  }

  /**
   * Writes a (rows, columns) block one stripe of chunk columns at a time. Each stripe covers whole chunks,
   * so nothing is compressed twice, and only one stripe (not the whole block) passes through the wasm heap,
   * whose high-water mark never shrinks: for a 48 MB block of 384 channels in chunks of 64, 8 MB instead.
   */
  private writeColumnStripes(
    start: number,
    rows: number,
    values: TypedArray,
    columns: number,
    stripe: number,
  ): void {
    const bytes = values.BYTES_PER_ELEMENT;
    const ptr = mallocOrThrow(this.module, rows * stripe * bytes);
    try {
      const Ctor = values.constructor as new (
        buffer: ArrayBufferLike,
        offset: number,
        length: number,
      ) => TypedArray;
      for (let c0 = 0; c0 < columns; c0 += stripe) {
        const width = Math.min(stripe, columns - c0);
        // the heap's buffer can be replaced when it grows: take the view after the allocation
        const target = new Ctor(this.module.HEAPU8.buffer, ptr, rows * width);
        for (let r = 0; r < rows; r++) {
          (target as Int16Array).set(
            (values as Int16Array).subarray(r * columns + c0, r * columns + c0 + width),
            r * width,
          );
        }
        const count = [BigInt(rows), BigInt(width)];
        const offset = [BigInt(start), BigInt(c0)];
        hdf5Call(this.writer.fileName, "writing rows to dataset", this.path, () =>
          this.module.set_dataset_data(this.writer.id, this.path, count, offset, [1n, 1n], BigInt(ptr)),
        );
      }
    } finally {
      this.module._free(ptr);
    }
  }

  /** Refuses implicit conversions in the hot path: they would cost a full extra copy of the block. */
  private checkElementType(values: TypedArray | readonly string[]): void {
    const { layout } = this;
    if (isPlainNumeric(layout)) {
      const expected = storageArrayDtype(layout.dtype);
      const actual = isTypedArray(values) ? dtypeOfTypedArray(values) : undefined;
      if (actual !== expected && !(layout.dtype === "bool" && actual === "uint8")) {
        throw new TypeError(
          `dataset "${this.path}" (${layout.dtype}): expected a typed array of ${expected}, got ${actual ?? "an array"}`,
        );
      }
    } else if (isTypedArray(values)) {
      throw new TypeError(`dataset "${this.path}" (${String(layout.dtype)}) needs an array of values`);
    }
  }

  resize(rows: number): void {
    if (!this.extendable) throw new Error(`dataset "${this.path}" was not created extendable`);
    if (!Number.isSafeInteger(rows) || rows < 0) throw new RangeError(`invalid row count ${rows}`);
    this.extendTo(rows);
  }
}

/** A file open read-only. Rows are read as hyperslabs, so only the requested rows pass through the heap. */
class H5Reader extends OpenH5File implements StorageReader {
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
    compression: Compression;
  } {
    const metadata = this.metadata(path);
    const module = this.live();
    const filters = hdf5Call(this.file, "reading filters of", path, () =>
      module.get_dataset_filters(this.fileId, path),
    );
    const deflate = filters.find((f) => f.id === H5Z_FILTER_DEFLATE);
    return {
      dtype: dtypeOfMetadata(metadata),
      shape: metadata.shape ? [...metadata.shape] : [],
      chunks: metadata.chunks ? [...metadata.chunks] : null,
      compression: deflate
        ? { method: "gzip", level: deflate.cd_values[0] ?? DEFAULT_GZIP_LEVEL }
        : { method: "none" },
    };
  }

  readDataset(path: string, rows?: readonly [number, number]): StoredValue {
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
    if (rows !== undefined) {
      const [start, end] = rows;
      const extent = shape[0];
      if (extent === undefined) throw new RangeError(`dataset "${path}" is scalar; it has no rows`);
      if (
        !(
          Number.isSafeInteger(start) &&
          Number.isSafeInteger(end) &&
          0 <= start &&
          start <= end &&
          end <= extent
        )
      ) {
        throw new RangeError(`dataset "${path}": rows [${start}, ${end}) outside [0, ${extent})`);
      }
      const counts = [end - start, ...shape.slice(1)];
      count = elementCount(counts);
      selection = {
        count: bigints(counts),
        offset: bigints([start, ...shape.slice(1).map(() => 0)]),
        stride: counts.map(() => 1n),
      };
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

/**
 * The HDF5 engine. Files are created with library-version bounds [earliest, v1.10] so that HDF5 1.10
 * readers (h5py 3.x on HDF5 1.10, MATLAB, h5dump 1.10) can open them.
 */
export const h5wasmBackend: StorageBackend = {
  name: "hdf5",
  compressionMethods: ["gzip", "none"],

  async create(filePath: string): Promise<StorageWriter> {
    const file = resolve(filePath);
    const parent = dirname(file);
    if (!existsSync(parent) || !statSync(parent).isDirectory()) {
      throw new Error(`cannot create HDF5 file ${file}: directory ${parent} does not exist`);
    }
    const module = await loadH5wasm();
    const fileId = hdf5Call(file, "creating file", "/", () =>
      module.open(file, module.H5F_ACC_TRUNC, false, module.H5F_LIBVER_EARLIEST, module.H5F_LIBVER_V110),
    );
    return new H5Writer(module, fileId, file);
  },

  async open(filePath: string): Promise<StorageReader> {
    const file = resolve(filePath);
    if (!existsSync(file)) throw new Error(`cannot open HDF5 file ${file}: no such file`);
    const module = await loadH5wasm();
    const fileId = hdf5Call(file, "opening file", "/", () =>
      module.open(file, module.H5F_ACC_RDONLY, false, -1, -1),
    );
    return new H5Reader(module, fileId, file);
  },
};
