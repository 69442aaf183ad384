/**
 * The destination check every entry point runs before any work: the storage engine says what it can
 * write to (a file for HDF5). Writing safely (hidden temporary output, moved into place at the end,
 * removed on failure) is the engine's job.
 */
import { resolveStorageEngine } from "../../storage/engines.js";
import type { StorageEngine } from "../../storage/types.js";

/** Throws an `OutputPathError` when `path` cannot receive the output; returns it absolute. */
export function checkOutputPath(
  path: string,
  overwrite: boolean,
  backend?: string | StorageEngine,
): Promise<string> {
  return resolveStorageEngine(backend).checkOutput(path, { overwrite });
}
