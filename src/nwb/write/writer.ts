/**
 * Writes a checked write plan to a storage engine, object by object in plan order, then the cached
 * specification. Bulk data go through the shared chunk pipeline: pulled one buffer at a time, cut into
 * chunks, encoded on several cores, with at most `jobs` chunks in flight, so memory stays bounded.
 */
import {
  type Dtype,
  elementCount,
  isNumericDtype,
  isTypedArray,
  type TypedArray,
  toTypedArray,
} from "../../data/dtype.js";
import { defaultJobs, TaskPool, writeChunkedRows } from "../../storage/pipeline.js";
import {
  type CompoundRecord,
  objectReference,
  type StopSignal,
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

export interface WriteOptions {
  readonly configuration: BackendConfiguration;
  readonly registry: SchemaRegistry;
  readonly onProgress?: ProgressCallback;
  /** Chunks encoded at once (default: one per core). */
  readonly jobs?: number;
  /** Stops the write (the caller then aborts the output). */
  readonly signal?: StopSignal;
}

/** Writes every object of the plan, then the cached specification, to an open storage file. */
export async function writePlan(
  storage: StorageWriter,
  plan: WritePlan,
  options: WriteOptions,
): Promise<void> {
  const totalBytes = plan.objects.reduce((sum, o) => sum + (o.kind === "dataset" ? plannedBytes(o) : 0), 0);
  let bytesWritten = 0;
  const advance = (dataset: string, bytes: number) => {
    bytesWritten += bytes;
    options.onProgress?.({ dataset, bytesWritten, totalBytes });
  };
  const setAttributes = (path: string, list: readonly PlannedAttribute[]) => {
    for (const a of list) storage.setAttribute(path, a.name, a.dtype, a.shape, storedValue(a.data, a.dtype));
  };
  const pool = new TaskPool(options.jobs ?? defaultJobs());
  try {
    for (const object of plan.objects) {
      options.signal?.throwIfAborted();
      switch (object.kind) {
        case "group":
          if (object.path !== "/") storage.createGroup(object.path); // the root always exists
          setAttributes(object.path, object.attributes);
          break;
        case "dataset": {
          const configuration = options.configuration.datasetConfigurations[object.path.slice(1)];
          if (configuration)
            await writeChunked(storage, object, configuration, pool, advance, options.signal);
          else {
            storage.createDataset(object.path, {
              dtype: object.dtype,
              shape: object.shape,
              value: await wholeValue(object),
            });
            advance(object.path, plannedBytes(object));
          }
          setAttributes(object.path, object.attributes);
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
    writeCachedSpecification(storage, options.registry);
    await pool.drain();
  } catch (error) {
    await pool.settle(); // no chunk may still be landing when the caller removes the output
    throw error;
  }
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
  pool: TaskPool,
  advance: (dataset: string, bytes: number) => void,
  signal: StopSignal | undefined,
): Promise<void> {
  const request = {
    dtype: configuration.dtype,
    shape: dataset.shape,
    chunks: configuration.chunkShape,
    filters: configuration.filters,
  };
  const target = storage.createChunkedDataset(dataset.path, request);
  const data = dataset.data;
  const rowElements = elementCount(dataset.shape.slice(1));
  const whole = data.kind === "lazy" ? undefined : (storedValue(data, dataset.dtype) as TypedArray);
  const rowBytes = plannedBytes(dataset) / Math.max(dataset.shape[0]!, 1);
  await writeChunkedRows(
    target,
    request,
    (start, end, reuse) =>
      data.kind === "lazy"
        ? data.source.readRows(start, end, reuse)
        : whole!.subarray(start * rowElements, end * rowElements),
    {
      pool,
      blockRows: configuration.bufferShape[0]!,
      name: dataset.path,
      onBlock: (rows) => advance(dataset.path, rows * rowBytes),
      ...(signal && { signal }),
    },
  );
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
