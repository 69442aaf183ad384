/**
 * The public write entry points: default backend configuration, and configure-and-write.
 */
import { dirname, resolve } from "node:path";
import { NWBValidationError } from "../../errors.js";
import { hdf5Backend } from "../../storage/hdf5/index.js";
import type { StorageBackend } from "../../storage/types.js";
import { ImageSeries } from "../containers/image.js";
import { type GroupNode, namespacesUsed } from "../containers/node.js";
import { registryFor } from "../schema/index.js";
import type { SchemaRegistry } from "../schema/registry.js";
import {
  type BackendConfiguration,
  type BackendName,
  checkBackendConfiguration,
  defaultConfigurationFromPlan,
} from "./backendConfiguration.js";
import { writeAtomically } from "./output.js";
import { planWrite, type WritePlan } from "./plan.js";
import { type ProgressCallback, writePlan } from "./writer.js";

const BACKENDS: Record<BackendName, StorageBackend> = { hdf5: hdf5Backend };

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
 * The default chunking, buffering and compression of every numeric dataset of the file, ready to edit
 * and pass to {@link configureAndWriteNwbfile}. Print it with `formatBackendConfiguration`.
 *
 * @example
 * ```ts
 * const configuration = getDefaultBackendConfiguration(nwbfile, "hdf5");
 * configuration.datasetConfigurations["acquisition/ElectricalSeries/data"].compressionOptions.level = 6;
 * await configureAndWriteNwbfile(nwbfile, { nwbfilePath: "out.nwb", backendConfiguration: configuration });
 * ```
 */
export function getDefaultBackendConfiguration(
  nwbfile: GroupNode,
  backend: BackendName = "hdf5",
  registry: SchemaRegistry = registryFor(namespacesUsed(nwbfile)),
): BackendConfiguration {
  return defaultConfigurationFromPlan(checkNwbfile(nwbfile, registry), registry, backend);
}

export interface WriteNwbfileOptions {
  readonly nwbfilePath: string;
  readonly backend?: BackendName;
  /** Per-dataset settings; default: {@link getDefaultBackendConfiguration}. */
  readonly backendConfiguration?: BackendConfiguration;
  /** Replace an existing file (default false: an existing file is an error). */
  readonly overwrite?: boolean;
  readonly onProgress?: ProgressCallback;
  /** Registry with extension namespaces; default: the built-in namespaces and the carried extensions used. */
  readonly registry?: SchemaRegistry;
}

/**
 * Checks the file against the schema, applies the backend configuration and writes it.
 * The destination is checked before any work; the file is written next to it and moved into place at the end.
 *
 * @example
 * ```ts
 * await configureAndWriteNwbfile(nwbfile, { nwbfilePath: "session.nwb", backend: "hdf5" });
 * ```
 */
export async function configureAndWriteNwbfile(
  nwbfile: GroupNode,
  options: WriteNwbfileOptions,
): Promise<void> {
  const backendName = options.backend ?? "hdf5";
  const backend = BACKENDS[backendName];
  if (!backend) throw new TypeError(`unknown backend '${backendName}'; use "hdf5"`);
  const registry = options.registry ?? registryFor(namespacesUsed(nwbfile));
  const folder = dirname(resolve(options.nwbfilePath));
  for (const node of nwbfile.walk()) if (node instanceof ImageSeries) node.relativizeExternalFiles(folder);
  await writeAtomically(options.nwbfilePath, options.overwrite ?? false, async (temporaryPath) => {
    const plan = checkNwbfile(nwbfile, registry);
    const configuration =
      options.backendConfiguration ?? defaultConfigurationFromPlan(plan, registry, backendName);
    checkBackendConfiguration(configuration, plan);
    const storage = await backend.create(temporaryPath);
    try {
      await writePlan(storage, plan, {
        configuration,
        registry,
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      });
    } finally {
      storage.close();
    }
  });
}
