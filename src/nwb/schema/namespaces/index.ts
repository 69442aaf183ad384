/** The schema namespaces built into neuroconv, written into every file's `/specifications`. */
import type { Namespace } from "../spec.js";
import { core } from "./core.js";
import { hdmfCommon } from "./hdmfCommon.js";
import { hdmfExperimental } from "./hdmfExperimental.js";

export { core, hdmfCommon, hdmfExperimental };

/** Built-in namespaces in dependency order: each one only includes namespaces listed before it. */
export const builtinNamespaces: readonly Namespace[] = [hdmfCommon, hdmfExperimental, core];
