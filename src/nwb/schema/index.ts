/**
 * The schema layer: our definition of NWB core 2.7.0, hdmf-common 1.8.0 and hdmf-experimental 0.5.0,
 * and the registry that resolves it. Extensions are registered the same way as the built-in namespaces.
 */
import { extensionNamespaces } from "./extensions/index.js";
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

export { ndxEvents, ndxMiniscope, ndxPose, ndxSound } from "./extensions/index.js";
export { extensionNamespaces };

const byExtensions = new Map<string, SchemaRegistry>();

/**
 * The registry for a file whose objects use these namespaces: the built-in ones plus every extension
 * neuroconv carries among them (ndx-pose, ndx-sound, ndx-events), so such objects are checked and cached
 * without passing a registry. Namespaces neuroconv does not carry need {@link createRegistry}.
 */
export function registryFor(namespaces: Iterable<string>): SchemaRegistry {
  const wanted = new Set<string>();
  const visit = (name: string) => {
    const extension = extensionNamespaces[name];
    if (extension === undefined || wanted.has(name)) return;
    // an extension's own includes come first
    for (const entry of extension.declaration.schema) if ("namespace" in entry) visit(entry.namespace);
    wanted.add(name);
  };
  for (const name of [...namespaces].sort()) visit(name);
  if (wanted.size === 0) return defaultRegistry();
  const key = [...wanted].join(",");
  let registry = byExtensions.get(key);
  if (registry === undefined) {
    registry = createRegistry([...wanted].map((name) => extensionNamespaces[name]!));
    byExtensions.set(key, registry);
  }
  return registry;
}

export { SchemaRegistry } from "./registry.js";
export type * from "./spec.js";
export { builtinNamespaces };
