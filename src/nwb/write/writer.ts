/**
 * Writes a checked write plan to a storage engine: structure first, then object references, then the
 * cached specification. Bulk data is pulled block by block (one buffer at a time), so memory stays bounded.
 */
import {
  type Dtype,
  elementCount,
  isNumericDtype,
  isTypedArray,
  type NumericDtype,
  type TypedArray,
  toTypedArray,
  typedArrayFor,
} from "../../data/dtype.js";
import {
  type CompoundRecord,
  objectReference,
  type StorageWriter,
  type StoredValue,
} from "../../storage/types.js";
import { DatasetNode, GroupNode, type NodeData } from "../containers/node.js";
import type { SchemaRegistry } from "../schema/registry.js";
import type { BackendConfiguration, DatasetIOConfiguration } from "./backendConfiguration.js";
import { type PlannedAttribute, type PlannedDataset, plannedBytes, type WritePlan } from "./plan.js";

/** Progress of a write, reported after every block of bulk data and at the end. */
export interface WriteProgress {
  /** Dataset being written (absolute path). */
  readonly dataset: string;
  readonly bytesWritten: number;
  readonly totalBytes: number;
}

export type ProgressCallback = (progress: WriteProgress) => void;

/** Flush the file after about this many bytes, so HDF5's metadata cache does not grow without bound. */
const FLUSH_EVERY_BYTES = 256 * 1024 * 1024;

function containsReferences(data: NodeData): boolean {
  const isRef = (v: unknown) => v instanceof GroupNode || v instanceof DatasetNode;
  switch (data.kind) {
    case "scalar":
      return isRef(data.value);
    case "array":
      return !isTypedArray(data.values) && data.values.some(isRef);
    case "compound":
      return data.rows.some((row) => Object.values(row).some(isRef));
    case "lazy":
      return false;
  }
}

function toStored(value: unknown): unknown {
  return value instanceof GroupNode || value instanceof DatasetNode ? objectReference(value.path) : value;
}

/** In-memory values as the storage layer takes them (references resolved to paths, numbers typed). */
function storedValue(data: NodeData, dtype: Dtype): StoredValue {
  switch (data.kind) {
    case "scalar":
      return toStored(data.value) as StoredValue;
    case "array": {
      if (isTypedArray(data.values)) return data.values;
      if (isNumericDtype(dtype)) return toTypedArray(data.values, dtype);
      return data.values.map(toStored) as StoredValue;
    }
    case "compound":
      return data.rows.map(
        (row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, toStored(v)])) as CompoundRecord,
      );
    case "lazy":
      throw new Error("a lazy source cannot be written in one piece");
  }
}

/** Converts a block to the dtype the file stores (only needed when the user overrides it). */
function castBlock(block: TypedArray, dtype: NumericDtype): TypedArray {
  return block instanceof typedArrayFor(dtype) ? block : toTypedArray(block, dtype);
}

export interface WriteOptions {
  readonly configuration: BackendConfiguration;
  readonly registry: SchemaRegistry;
  readonly onProgress?: ProgressCallback;
}

/** Writes every object of the plan, then the cached specification, to an open storage file. */
export async function writePlan(
  storage: StorageWriter,
  plan: WritePlan,
  options: WriteOptions,
): Promise<void> {
  const totalBytes = plan.objects.reduce((sum, o) => sum + (o.kind === "dataset" ? plannedBytes(o) : 0), 0);
  let bytesWritten = 0;
  let sinceFlush = 0;
  const advance = (dataset: string, bytes: number) => {
    bytesWritten += bytes;
    sinceFlush += bytes;
    if (sinceFlush >= FLUSH_EVERY_BYTES) {
      storage.flush();
      sinceFlush = 0;
    }
    options.onProgress?.({ dataset, bytesWritten, totalBytes });
  };

  const deferred: PlannedDataset[] = [];
  const attributes: [string, readonly PlannedAttribute[]][] = [];
  for (const object of plan.objects) {
    switch (object.kind) {
      case "group":
        if (object.path !== "/") storage.createGroup(object.path);
        attributes.push([object.path, object.attributes]);
        break;
      case "dataset": {
        attributes.push([object.path, object.attributes]);
        if (containsReferences(object.data)) {
          deferred.push(object);
          break;
        }
        const configuration = options.configuration.datasetConfigurations[object.path.slice(1)];
        if (configuration) await writeChunked(storage, object, configuration, advance);
        else {
          storage.createDataset(object.path, {
            dtype: object.dtype,
            shape: object.shape,
            value: await wholeValue(object),
          });
          advance(object.path, plannedBytes(object));
        }
        break;
      }
      case "link":
        storage.createSoftLink(object.path, object.target);
        break;
      case "externallink":
        storage.createExternalLink(object.path, object.file, object.objectPath);
        break;
    }
  }
  // object references need their targets to exist: written once every object is in place
  for (const dataset of deferred) {
    storage.createDataset(dataset.path, {
      dtype: dataset.dtype,
      shape: dataset.shape,
      value: storedValue(dataset.data, dataset.dtype),
    });
  }
  for (const [path, list] of attributes) {
    for (const a of list) storage.setAttribute(path, a.name, a.dtype, a.shape, storedValue(a.data, a.dtype));
  }
  writeCachedSpecification(storage, options.registry);
  options.onProgress?.({ dataset: "", bytesWritten, totalBytes });
}

/** A small dataset that is not chunked: lazy sources are read in one go (they are small or empty here). */
async function wholeValue(dataset: PlannedDataset): Promise<StoredValue> {
  if (dataset.data.kind !== "lazy") return storedValue(dataset.data, dataset.dtype);
  return dataset.data.source.readRows(0, dataset.shape[0] ?? 0);
}

async function writeChunked(
  storage: StorageWriter,
  dataset: PlannedDataset,
  configuration: DatasetIOConfiguration,
  advance: (dataset: string, bytes: number) => void,
): Promise<void> {
  const target = storage.createStreamedDataset(dataset.path, {
    dtype: dataset.dtype,
    shape: dataset.shape,
    chunks: configuration.chunkShape,
    compression:
      configuration.compressionMethod === "none"
        ? { method: "none" }
        : { method: configuration.compressionMethod, ...configuration.compressionOptions },
  });
  const rows = dataset.shape[0]!;
  const rowElements = elementCount(dataset.shape.slice(1));
  const rowBytes = plannedBytes(dataset) / Math.max(rows, 1);
  const step = configuration.bufferShape[0]!;
  const dtype = configuration.dtype;
  const data = dataset.data;
  const whole = data.kind === "lazy" ? undefined : (storedValue(data, dataset.dtype) as TypedArray);
  for (let start = 0; start < rows; start += step) {
    const end = Math.min(rows, start + step);
    const block =
      data.kind === "lazy"
        ? await data.source.readRows(start, end)
        : whole!.subarray(start * rowElements, end * rowElements);
    if (block.length !== (end - start) * rowElements) {
      throw new RangeError(
        `${dataset.path}: the data source returned ${block.length} values for rows ${start}-${end}, expected ${
          (end - start) * rowElements
        }`,
      );
    }
    target.writeRows(start, end - start, castBlock(block, dtype));
    advance(dataset.path, (end - start) * rowBytes);
  }
}

/** `/specifications/<namespace>/<version>/<source>` JSON documents and the root `.specloc` reference. */
function writeCachedSpecification(storage: StorageWriter, registry: SchemaRegistry): void {
  storage.createGroup("/specifications");
  for (const namespace of registry.listNamespaces()) {
    const name = namespace.declaration.name;
    const { version, documents } = registry.cachedSpecDocuments(name);
    storage.createGroup(`/specifications/${name}`);
    storage.createGroup(`/specifications/${name}/${version}`);
    for (const [source, json] of documents) {
      storage.createDataset(`/specifications/${name}/${version}/${source}`, {
        dtype: "utf8",
        shape: [],
        value: json,
      });
    }
  }
  storage.setAttribute("/", ".specloc", "objectref", [], objectReference("/specifications"));
}
