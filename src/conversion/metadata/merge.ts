/**
 * Merging metadata: later sources refine earlier ones. Objects merge key by key; lists of named entries
 * (Device, ElectrodeGroup, ...) merge entry by entry on `name`; anything else is replaced.
 */

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function isNamedList(value: unknown): value is { name: string }[] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((v) => isPlainObject(v) && typeof v.name === "string")
  );
}

function mergeNamed(base: { name: string }[], override: { name: string }[]): { name: string }[] {
  const merged = base.map((entry) => structuredClone(entry));
  for (const entry of override) {
    const index = merged.findIndex((e) => e.name === entry.name);
    if (index >= 0) merged[index] = mergeMetadata(merged[index]!, entry);
    else merged.push(structuredClone(entry));
  }
  return merged;
}

/** A new object: `base` refined by `override`. Neither input is modified. */
export function mergeMetadata<T>(base: T, override: unknown): T {
  if (override === undefined) return structuredClone(base);
  if (isPlainObject(base) && isPlainObject(override)) {
    const merged: Record<string, unknown> = structuredClone(base);
    for (const [key, value] of Object.entries(override)) {
      if (value === undefined) continue;
      merged[key] = key in merged ? mergeMetadata(merged[key], value) : structuredClone(value);
    }
    return merged as T;
  }
  if (isNamedList(base) && isNamedList(override)) return mergeNamed(base, override) as T;
  return structuredClone(override) as T;
}
