/**
 * Per-dataset chunking, buffering and filters: defaults, printing, and checks of user edits.
 *
 * Every numeric array dataset gets a configuration. Defaults: chunks of about 10 MB; ElectricalSeries data
 * chunked as (frames, min(64, channels)) so that reading a few channels over a long time stays cheap;
 * image series as whole frames (camera movies, plain ImageSeries: one frame per chunk); filters shuffle + gzip level 4 (lossless; no reader needs a plugin).
 * The buffer is the block the writer pulls from a lazy source at once: whole rows, a multiple of the chunk
 * rows (every chunk is cut from one buffer), at most 48 MB; two buffers are in memory at a time (one being
 * cut into chunks, the next being read), so chunk rows are capped so that one stripe of chunks fits.
 * What a storage format cannot store (e.g. HDF5's 4 GiB chunk limit) is the engine's to say.
 */
import { bytesPerElement, elementCount, isNumericDtype, type NumericDtype } from "../../data/dtype.js";
import { BackendConfigurationError } from "../../errors.js";
import { defaultFilters, filtersProblem, formatFilters } from "../../storage/codecs.js";
import { DEFAULT_ENGINE, resolveStorageEngine } from "../../storage/engines.js";
import type { FilterSpec, StorageEngine } from "../../storage/types.js";
import type { SchemaRegistry } from "../schema/registry.js";
import type { PlannedDataset, WritePlan } from "./plan.js";

export interface DatasetIOConfiguration {
  /** Path of the dataset in the file, without the leading slash (e.g. `acquisition/ElectricalSeries/data`). */
  readonly location: string;
  readonly dtype: NumericDtype;
  readonly fullShape: readonly number[];
  /** Shape of one stored chunk; each axis between 1 and the full extent. */
  chunkShape: number[];
  /** Shape of the block read from the source and written at once: whole rows, a multiple of the chunk rows. */
  bufferShape: number[];
  /**
   * Codecs applied to every chunk, in order (`[]` = stored raw). Default
   * `[{ codec: "shuffle" }, { codec: "gzip", options: { level: 4 } }]`.
   */
  filters: FilterSpec[];
}

export interface BackendConfiguration {
  /** The storage engine's name (`"hdf5"`). */
  readonly backend: string;
  /** Keyed by location. Remove an entry to write that dataset contiguous and uncompressed. */
  readonly datasetConfigurations: Record<string, DatasetIOConfiguration>;
}

export const DEFAULT_CHUNK_BYTES = 10 * 1024 * 1024;
/** Upper bound of a buffer (two are in memory while writing: the one being cut and the next one). */
export const DEFAULT_BUFFER_BYTES = 48 * 1024 * 1024;

function clamp(value: number, low: number, high: number): number {
  return Math.max(low, Math.min(high, value));
}

/** Default chunk shape for a dataset, from its shape and what it holds. */
function defaultChunkShape(dataset: PlannedDataset, registry: SchemaRegistry): number[] {
  const { shape } = dataset;
  const itemBytes = bytesPerElement(dataset.dtype as NumericDtype);
  const isData = dataset.path.endsWith("/data");
  const parentIs = (type: string) =>
    dataset.parentType !== undefined &&
    registry.hasType(dataset.parentType) &&
    registry.isA(dataset.parentType, type);
  const rows = shape[0] ?? 1;

  // one stripe of chunk rows across the full width must fit in a buffer, so buffers stay chunk-aligned
  const fullRowBytes = elementCount(shape.slice(1)) * itemBytes;
  const maxRowsPerBuffer = Math.max(1, Math.floor(DEFAULT_BUFFER_BYTES / Math.max(fullRowBytes, 1)));
  if (isData && shape.length === 2 && parentIs("ElectricalSeries")) {
    const channels = Math.min(64, shape[1]!);
    const frames = Math.min(Math.floor(DEFAULT_CHUNK_BYTES / (channels * itemBytes)), maxRowsPerBuffer);
    return [clamp(frames, 1, rows), channels];
  }
  // movies of a camera (plain ImageSeries): one frame per chunk, so any frame reads alone
  if (isData && dataset.parentType === "ImageSeries" && shape.length >= 3) return [1, ...shape.slice(1)];
  // other arrays, imaging series included: whole trailing axes (whole frames), as many rows as fit in the target
  const trailing = [...shape.slice(1)];
  let rowBytes = elementCount(trailing) * itemBytes;
  const keepWholeFrames = isData && parentIs("ImageSeries");
  while (!keepWholeFrames && rowBytes > DEFAULT_CHUNK_BYTES) {
    const largest = trailing.indexOf(Math.max(...trailing));
    trailing[largest] = Math.ceil(trailing[largest]! / 2);
    rowBytes = elementCount(trailing) * itemBytes;
  }
  const frames = Math.min(Math.floor(DEFAULT_CHUNK_BYTES / Math.max(rowBytes, 1)), maxRowsPerBuffer);
  return [clamp(frames, 1, rows), ...trailing];
}

function defaultBufferShape(
  fullShape: readonly number[],
  chunkShape: readonly number[],
  itemBytes: number,
): number[] {
  const rowBytes = elementCount(fullShape.slice(1)) * itemBytes;
  const chunkRows = chunkShape[0]!;
  const stripes = Math.max(1, Math.floor(DEFAULT_BUFFER_BYTES / Math.max(rowBytes * chunkRows, 1)));
  return [Math.min(fullShape[0]!, stripes * chunkRows), ...fullShape.slice(1)];
}

/** Whether a planned dataset is chunked and compressed (numeric, at least 1-D, not empty). */
export function isConfigurable(dataset: PlannedDataset): boolean {
  return isNumericDtype(dataset.dtype) && dataset.shape.length > 0 && elementCount(dataset.shape) > 0;
}

/** Default configuration of every configurable dataset of a write plan. */
export function defaultConfigurationFromPlan(
  plan: WritePlan,
  registry: SchemaRegistry,
  backend: string | StorageEngine = DEFAULT_ENGINE,
): BackendConfiguration {
  const engine = resolveStorageEngine(backend);
  // the default filters this engine can record (an engine without codecs stores raw chunks)
  const filters = defaultFilters().filter((f) => engine.codecs.includes(f.codec));
  const datasetConfigurations: Record<string, DatasetIOConfiguration> = {};
  for (const object of plan.objects) {
    if (object.kind !== "dataset" || !isConfigurable(object)) continue;
    const dtype = object.dtype as NumericDtype;
    const chunkShape = defaultChunkShape(object, registry);
    const location = object.path.slice(1);
    datasetConfigurations[location] = {
      location,
      dtype,
      fullShape: [...object.shape],
      chunkShape,
      bufferShape: defaultBufferShape(object.shape, chunkShape, bytesPerElement(dtype)),
      filters: filters.map((f) => ({ ...f })),
    };
  }
  return { backend: engine.name, datasetConfigurations };
}

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(2)} MB`;
}

/** A readable summary of a configuration, one block per dataset. */
export function formatBackendConfiguration(configuration: BackendConfiguration): string {
  const lines = [`Backend configuration (${configuration.backend})`];
  for (const c of Object.values(configuration.datasetConfigurations)) {
    const item = bytesPerElement(c.dtype);
    lines.push(
      `  ${c.location}`,
      `    dtype ${c.dtype}, full shape [${c.fullShape.join(", ")}] (${mb(elementCount(c.fullShape) * item)})`,
      `    chunk shape [${c.chunkShape.join(", ")}] (${mb(elementCount(c.chunkShape) * item)})`,
      `    buffer shape [${c.bufferShape.join(", ")}] (${mb(elementCount(c.bufferShape) * item)})`,
      `    filters ${formatFilters(c.filters)}`,
    );
  }
  return lines.join("\n");
}

/**
 * Checks a (possibly user-edited) configuration against the write plan; throws a
 * {@link BackendConfigurationError} naming the dataset and the reason for the first impossible setting.
 */
export function checkBackendConfiguration(
  configuration: BackendConfiguration,
  plan: WritePlan,
  engine: StorageEngine = resolveEngineOf(configuration),
): void {
  if (configuration.backend !== engine.name) {
    throw new BackendConfigurationError(
      "*",
      `the configuration is for '${configuration.backend}' but the file is written with '${engine.name}'`,
    );
  }
  const planned = new Map(
    plan.objects.filter((o): o is PlannedDataset => o.kind === "dataset").map((d) => [d.path.slice(1), d]),
  );
  for (const [key, c] of Object.entries(configuration.datasetConfigurations)) {
    const fail = (reason: string): never => {
      throw new BackendConfigurationError(key, reason);
    };
    const dataset = planned.get(key);
    if (!dataset) fail("there is no such dataset in the file");
    if (!isConfigurable(dataset!)) fail("only non-empty numeric arrays can be chunked and compressed");
    const full = dataset!.shape;
    if (c.location !== key) fail(`location '${c.location}' differs from its key`);
    if (c.fullShape.length !== full.length || c.fullShape.some((d, i) => d !== full[i])) {
      fail(`full shape [${c.fullShape}] differs from the data's [${full}]; it cannot be changed`);
    }
    const rank = full.length;
    if (c.chunkShape.length !== rank) fail(`chunk shape [${c.chunkShape}] must have ${rank} axes`);
    c.chunkShape.forEach((size, axis) => {
      if (!Number.isInteger(size) || size < 1)
        fail(`chunk shape [${c.chunkShape}] must hold positive integers`);
      if (size > full[axis]!) {
        fail(`chunk shape [${c.chunkShape}] is larger than the data [${full}] on axis ${axis}`);
      }
    });
    if (c.bufferShape.length !== rank) fail(`buffer shape [${c.bufferShape}] must have ${rank} axes`);
    const rows = c.bufferShape[0]!;
    if (!Number.isInteger(rows) || rows < 1 || rows > full[0]!) {
      fail(`buffer shape [${c.bufferShape}] must have between 1 and ${full[0]} rows`);
    }
    if (rows % c.chunkShape[0]! !== 0 && rows !== full[0]) {
      fail(`buffer rows (${rows}) must be a multiple of the chunk rows (${c.chunkShape[0]}) or all rows`);
    }
    if (c.bufferShape.slice(1).some((d, i) => d !== full[i + 1])) {
      fail(`buffer shape [${c.bufferShape}] must span whole rows: [rows, ${full.slice(1).join(", ")}]`);
    }
    if (!Array.isArray(c.filters)) fail("filters must be a list (use [] to store chunks raw)");
    const codecProblem = filtersProblem(c.filters);
    if (codecProblem) fail(codecProblem);
    const unsupported = c.filters.find((f) => !engine.codecs.includes(f.codec));
    if (unsupported) {
      fail(
        `codec '${unsupported.codec}' cannot be recorded by the ${engine.name} engine; use ${
          engine.codecs.length > 0 ? engine.codecs.join(", ") : "no filters"
        }`,
      );
    }
    const engineProblem = engine.chunkingProblem({
      dtype: c.dtype,
      shape: full,
      chunks: c.chunkShape,
      filters: c.filters,
    });
    if (engineProblem) fail(engineProblem);
  }
}

function resolveEngineOf(configuration: BackendConfiguration): StorageEngine {
  try {
    return resolveStorageEngine(configuration.backend);
  } catch (error) {
    throw new BackendConfigurationError("*", (error as Error).message);
  }
}
