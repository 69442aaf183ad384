/**
 * The storage engines by name. A backend configuration names its engine; `hdf5` is the default.
 * Register another engine (e.g. Zarr) with {@link registerStorageEngine}: the NWB layer needs no change.
 */
import { h5wasmEngine, hdf5Backend } from "./hdf5/index.js";
import type { StorageEngine } from "./types.js";

export const DEFAULT_ENGINE = "hdf5";

const engines = new Map<string, StorageEngine>([
  [hdf5Backend.name, hdf5Backend],
  [h5wasmEngine.name, h5wasmEngine],
]);

/**
 * Makes an engine available by name (`backend: "zarr"` in write options and backend configurations).
 *
 * @example
 * ```ts
 * registerStorageEngine(myZarrEngine);
 * await configureAndWriteNwbfile(nwbfile, { nwbfilePath: "session.zarr", backend: "zarr" });
 * ```
 */
export function registerStorageEngine(engine: StorageEngine): void {
  if (engines.has(engine.name))
    throw new Error(`a storage engine named '${engine.name}' is already registered`);
  engines.set(engine.name, engine);
}

/** Names of the registered storage engines (`["hdf5", "h5wasm"]` unless more were registered). */
export function storageEngineNames(): string[] {
  return [...engines.keys()];
}

/** The engine of that name, or the engine given; throws naming the registered engines. */
export function resolveStorageEngine(engine: string | StorageEngine = DEFAULT_ENGINE): StorageEngine {
  if (typeof engine !== "string") return engine;
  const found = engines.get(engine);
  if (!found) {
    throw new TypeError(`unknown storage backend '${engine}'; use ${storageEngineNames().join(" or ")}`);
  }
  return found;
}
