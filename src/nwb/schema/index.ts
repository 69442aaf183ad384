/**
 * The schema layer: our definition of NWB core 2.7.0, hdmf-common 1.8.0 and hdmf-experimental 0.5.0,
 * and the registry that resolves it. Extensions are registered the same way as the built-in namespaces.
 */
import { builtinNamespaces } from "./namespaces/index.js";
import { SchemaRegistry } from "./registry.js";
import type { Namespace } from "./spec.js";

let shared: SchemaRegistry | undefined;

/** The registry of the built-in namespaces (shared; do not add extensions to it, make your own). */
export function defaultRegistry(): SchemaRegistry {
  shared ??= new SchemaRegistry(builtinNamespaces);
  return shared;
}

/**
 * A registry holding the built-in namespaces plus extensions (added in order, dependencies first).
 *
 * @example
 * ```ts
 * const registry = createRegistry([ndxPose]);
 * await configureAndWriteNwbfile(nwbfile, { nwbfilePath: "out.nwb", registry });
 * ```
 */
export function createRegistry(extensions: readonly Namespace[] = []): SchemaRegistry {
  return new SchemaRegistry([...builtinNamespaces, ...extensions]);
}

export { extensionNamespaces, ndxEvents, ndxPose, ndxSound } from "./extensions/index.js";
export { SchemaRegistry } from "./registry.js";
export type * from "./spec.js";
export { builtinNamespaces };
