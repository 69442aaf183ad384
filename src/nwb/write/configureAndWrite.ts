/**
 * The public write entry points: default backend configuration, and configure-and-write.
 */
import { dirname, resolve } from "node:path";
import { NWBValidationError } from "../../errors.js";
import { resolveStorageEngine } from "../../storage/engines.js";
import type { StopSignal, StorageEngine } from "../../storage/types.js";
import { ImageSeries } from "../containers/image.js";
import { type GroupNode, namespacesUsed } from "../containers/node.js";
import { registryFor } from "../schema/index.js";
import type { SchemaRegistry } from "../schema/registry.js";
import {
  type BackendConfiguration,
  checkBackendConfiguration,
  defaultConfigurationFromPlan,
} from "./backendConfiguration.js";
import { planWrite, type WritePlan } from "./plan.js";
import { type ProgressCallback, writePlan } from "./writer.js";

/**
 * Plans the write and throws an {@link NWBValidationError} listing every problem, if any. The default
 * registry holds the built-in namespaces and the extensions neuroconv carries that the file uses.
 */
export function checkNwbfile(
  nwbfile: GroupNode,
  registry: SchemaRegistry = registryFor(namespacesUsed(nwbfile)),
): WritePlan {
  const plan = planWrite(nwbfile, registry);
  if (plan.problems.length > 0) throw new NWBValidationError(plan.problems);
  return plan;
}

/**
 * The default chunking, buffering and filters of every numeric dataset of the file, ready to edit
 * and pass to {@link configureAndWriteNwbfile}. Print it with `formatBackendConfiguration`.
 *
 * @example
 * ```ts
 * const configuration = getDefaultBackendConfiguration(nwbfile, "hdf5");
 * configuration.datasetConfigurations["acquisition/ElectricalSeries/data"].filters = [
 *   { codec: "shuffle" },
 *   { codec: "gzip", options: { level: 6 } },
 * ];
 * await configureAndWriteNwbfile(nwbfile, { nwbfilePath: "out.nwb", backendConfiguration: configuration });
 * ```
 */
export function getDefaultBackendConfiguration(
  nwbfile: GroupNode,
  backend: string | StorageEngine = "hdf5",
  registry: SchemaRegistry = registryFor(namespacesUsed(nwbfile)),
): BackendConfiguration {
  return defaultConfigurationFromPlan(checkNwbfile(nwbfile, registry), registry, backend);
}

export interface WriteNwbfileOptions {
  readonly nwbfilePath: string;
  /** Storage engine, by name or as an object (default `"hdf5"`, or the configuration's). */
  readonly backend?: string | StorageEngine;
  /** Per-dataset settings; default: {@link getDefaultBackendConfiguration}. */
  readonly backendConfiguration?: BackendConfiguration;
  /** Replace an existing file (default false: an existing file is an error). */
  readonly overwrite?: boolean;
  readonly onProgress?: ProgressCallback;
  /** Registry with extension namespaces; default: the built-in namespaces and the carried extensions used. */
  readonly registry?: SchemaRegistry;
  /** Chunks compressed at once; default: one per core (`os.availableParallelism()`). */
  readonly jobs?: number;
  /** Stops the write; the output is removed and the promise rejects with the signal's reason. */
  readonly signal?: StopSignal;
}

/**
 * Checks the file against the schema, applies the backend configuration and writes it.
 * The destination is checked before any work; the output appears at `nwbfilePath` only once complete:
 * after a failure (or an abort) nothing is left there.
 *
 * @example
 * ```ts
 * await configureAndWriteNwbfile(nwbfile, { nwbfilePath: "session.nwb", jobs: 4 });
 * ```
 */
export async function configureAndWriteNwbfile(
  nwbfile: GroupNode,
  options: WriteNwbfileOptions,
): Promise<void> {
  const engine = resolveStorageEngine(options.backend ?? options.backendConfiguration?.backend);
  const overwrite = options.overwrite ?? false;
  await engine.checkOutput(options.nwbfilePath, { overwrite });
  const registry = options.registry ?? registryFor(namespacesUsed(nwbfile));
  const folder = dirname(resolve(options.nwbfilePath));
  for (const node of nwbfile.walk()) if (node instanceof ImageSeries) node.relativizeExternalFiles(folder);
  const plan = checkNwbfile(nwbfile, registry);
  const configuration = options.backendConfiguration ?? defaultConfigurationFromPlan(plan, registry, engine);
  checkBackendConfiguration(configuration, plan, engine);
  const storage = await engine.create(options.nwbfilePath, { overwrite });
  try {
    await writePlan(storage, plan, {
      configuration,
      registry,
      ...(options.onProgress && { onProgress: options.onProgress }),
      ...(options.jobs !== undefined && { jobs: options.jobs }),
      ...(options.signal && { signal: options.signal }),
    });
    await storage.close();
  } catch (error) {
    await storage.abort();
    throw error;
  }
}
