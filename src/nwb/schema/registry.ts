/**
 * The schema registry: every loaded namespace, its types, and their specs with inheritance resolved.
 *
 * It is the single place that answers "what does type X contain" for the pre-write checks and the
 * cached specification. Extensions are added with {@link SchemaRegistry.addNamespace}, exactly like the
 * built-in namespaces.
 */
import { SchemaError } from "../../errors.js";
import {
  type AttributeSpec,
  type DatasetSpec,
  type GroupSpec,
  type LinkSpec,
  type Namespace,
  type NamespaceSchemaEntry,
  type Quantity,
  typeDefOf,
  typeIncOf,
} from "./spec.js";

export type TypeKind = "group" | "dataset";

/** A type's spec with everything it inherits merged in. */
export interface ResolvedType {
  readonly name: string;
  readonly namespace: string;
  readonly kind: TypeKind;
  /** This type first, then its ancestors. */
  readonly lineage: readonly string[];
  readonly spec: GroupSpec | DatasetSpec;
  readonly attributes: ReadonlyMap<string, AttributeSpec>;
  /** Named child datasets, groups and links (children that have a fixed `name`). */
  readonly namedDatasets: ReadonlyMap<string, DatasetSpec>;
  readonly namedGroups: ReadonlyMap<string, GroupSpec>;
  readonly namedLinks: ReadonlyMap<string, LinkSpec>;
  /** Children allowed by type rather than by name (`neurodata_type_inc` without `name`). */
  readonly typedDatasets: readonly DatasetSpec[];
  readonly typedGroups: readonly GroupSpec[];
  readonly typedLinks: readonly LinkSpec[];
}

interface TypeEntry {
  readonly namespace: string;
  readonly kind: TypeKind;
  readonly spec: GroupSpec | DatasetSpec;
}

/** Whether a quantity allows zero occurrences. */
export function isOptional(quantity: Quantity | undefined): boolean {
  return quantity === "*" || quantity === "?" || quantity === "zero_or_many" || quantity === "zero_or_one";
}

/** Whether a quantity allows more than one occurrence. */
export function isMany(quantity: Quantity | undefined): boolean {
  if (typeof quantity === "number") return quantity > 1;
  return quantity === "*" || quantity === "+" || quantity === "zero_or_many" || quantity === "one_or_many";
}

function mergeAttributes(
  inherited: ReadonlyMap<string, AttributeSpec>,
  own: readonly AttributeSpec[] | undefined,
): Map<string, AttributeSpec> {
  const merged = new Map(inherited);
  for (const attribute of own ?? []) {
    const base = merged.get(attribute.name);
    merged.set(attribute.name, base ? { ...base, ...attribute } : attribute);
  }
  return merged;
}

/** Merges an overriding sub-spec into the one it overrides: own keys win, attributes merge by name. */
function mergeChild<T extends DatasetSpec | GroupSpec>(base: T | undefined, own: T): T {
  if (!base) return own;
  const attributes = [...mergeAttributes(attributeMap(base.attributes), own.attributes).values()];
  return { ...base, ...own, attributes };
}

function attributeMap(attributes: readonly AttributeSpec[] | undefined): Map<string, AttributeSpec> {
  return new Map((attributes ?? []).map((a) => [a.name, a]));
}

/** Applies a spec on top of what it inherits (its parent type's resolved spec). */
function applySpec(
  parent: ResolvedType | undefined,
  spec: GroupSpec | DatasetSpec,
  identity: { name: string; namespace: string; kind: TypeKind },
): ResolvedType {
  const group = identity.kind === "group" ? (spec as GroupSpec) : undefined;
  const namedDatasets = new Map(parent?.namedDatasets);
  const namedGroups = new Map(parent?.namedGroups);
  const namedLinks = new Map(parent?.namedLinks);
  const typedDatasets = [...(parent?.typedDatasets ?? [])];
  const typedGroups = [...(parent?.typedGroups ?? [])];
  const typedLinks = [...(parent?.typedLinks ?? [])];
  for (const child of group?.datasets ?? []) {
    if (child.name) namedDatasets.set(child.name, mergeChild(namedDatasets.get(child.name), child));
    else typedDatasets.push(child);
  }
  for (const child of group?.groups ?? []) {
    if (child.name) namedGroups.set(child.name, mergeChild(namedGroups.get(child.name), child));
    else typedGroups.push(child);
  }
  for (const link of group?.links ?? []) {
    if (link.name) namedLinks.set(link.name, link);
    else typedLinks.push(link);
  }
  const defined = Object.fromEntries(Object.entries(spec).filter(([, v]) => v !== undefined));
  return {
    ...identity,
    lineage:
      identity.name && identity.name !== parent?.name
        ? [identity.name, ...(parent?.lineage ?? [])]
        : [...(parent?.lineage ?? [])],
    spec: parent ? ({ ...parent.spec, ...defined } as GroupSpec | DatasetSpec) : spec,
    attributes: mergeAttributes(parent?.attributes ?? new Map(), spec.attributes),
    namedDatasets,
    namedGroups,
    namedLinks,
    typedDatasets,
    typedGroups,
    typedLinks,
  };
}

export class SchemaRegistry {
  private readonly namespaces = new Map<string, Namespace>();
  private readonly types = new Map<string, TypeEntry>();
  private readonly resolved = new Map<string, ResolvedType>();

  constructor(namespaces: readonly Namespace[] = []) {
    for (const namespace of namespaces) this.addNamespace(namespace);
  }

  /**
   * Registers a namespace (core, hdmf-common, or an extension such as ndx-pose). Namespaces it includes
   * must be registered first.
   */
  addNamespace(namespace: Namespace): void {
    const { name } = namespace.declaration;
    if (this.namespaces.has(name)) throw new SchemaError(`namespace '${name}' is already registered`);
    for (const entry of namespace.declaration.schema) {
      if ("namespace" in entry && !this.namespaces.has(entry.namespace)) {
        throw new SchemaError(
          `namespace '${name}' includes '${entry.namespace}', which is not registered; register it first`,
        );
      }
    }
    this.namespaces.set(name, namespace);
    for (const [sourceName, source] of Object.entries(namespace.sources)) {
      const declare = (spec: GroupSpec | DatasetSpec, kind: TypeKind) => {
        const typeName = typeDefOf(spec);
        if (!typeName) return;
        const existing = this.types.get(typeName);
        if (existing) {
          throw new SchemaError(
            `type '${typeName}' in ${name}/${sourceName} is already defined by namespace '${existing.namespace}'`,
          );
        }
        this.types.set(typeName, { namespace: name, kind, spec });
      };
      for (const group of source.groups ?? []) declare(group, "group");
      for (const dataset of source.datasets ?? []) declare(dataset, "dataset");
    }
    this.resolved.clear();
  }

  /** Registered namespaces, in registration order (dependencies first). */
  listNamespaces(): Namespace[] {
    return [...this.namespaces.values()];
  }

  getNamespace(name: string): Namespace {
    const namespace = this.namespaces.get(name);
    if (!namespace) throw new SchemaError(`namespace '${name}' is not registered`);
    return namespace;
  }

  hasType(typeName: string): boolean {
    return this.types.has(typeName);
  }

  /** The namespace that defines `typeName`. */
  namespaceOf(typeName: string): string {
    return this.entry(typeName).namespace;
  }

  /** Whether `typeName` is `ancestor` or inherits from it. */
  isA(typeName: string, ancestor: string): boolean {
    return this.resolve(typeName).lineage.includes(ancestor);
  }

  /** The type's spec with its whole inheritance chain merged in. */
  resolve(typeName: string): ResolvedType {
    const cached = this.resolved.get(typeName);
    if (cached) return cached;
    const { namespace, kind, spec } = this.entry(typeName);
    const inc = typeIncOf(spec);
    const parent = inc ? this.resolve(inc) : undefined;
    const resolved = applySpec(parent, spec, { name: typeName, namespace, kind });
    this.resolved.set(typeName, resolved);
    return resolved;
  }

  /**
   * The effective spec of an object in a slot of its parent: the slot's own spec (e.g. the `electrodes`
   * table inside NWBFile's `general/extracellular_ephys`) applied over the type actually stored there.
   */
  resolveSlot(slot: GroupSpec | DatasetSpec, kind: TypeKind, actualType?: string): ResolvedType {
    const typeName = actualType ?? typeDefOf(slot) ?? typeIncOf(slot);
    const base = typeName ? this.resolve(typeName) : undefined;
    if (!base) return applySpec(undefined, slot, { name: "", namespace: "", kind });
    const own = {
      ...slot,
      neurodata_type_def: undefined,
      neurodata_type_inc: undefined,
      data_type_def: undefined,
      data_type_inc: undefined,
    };
    return applySpec(base, own, { name: base.name, namespace: base.namespace, kind: base.kind });
  }

  /**
   * The documents cached in a file under `/specifications/<name>/<version>/`: one JSON string per source plus
   * `namespace`, as pynwb and MatNWB expect them. An include of selected types of another namespace
   * (`neurodata_types`, as ndx-sound declares for core's TimeSeries) is cached as an include of the whole
   * namespace, as hdmf writes it: readers resolve the file's root NWBFile through the extension's includes.
   */
  cachedSpecDocuments(namespaceName: string): { version: string; documents: Map<string, string> } {
    const { declaration, sources } = this.getNamespace(namespaceName);
    const documents = new Map<string, string>();
    const schema: NamespaceSchemaEntry[] = declaration.schema.map((entry) =>
      "namespace" in entry ? { namespace: entry.namespace } : { ...entry },
    );
    documents.set("namespace", JSON.stringify({ namespaces: [{ ...declaration, schema }] }));
    for (const [sourceName, source] of Object.entries(sources)) {
      documents.set(sourceName, JSON.stringify(source));
    }
    return { version: declaration.version, documents };
  }

  private entry(typeName: string): TypeEntry {
    const entry = this.types.get(typeName);
    if (!entry) {
      throw new SchemaError(
        `unknown neurodata type '${typeName}'; it is not defined by any registered namespace (${[
          ...this.namespaces.keys(),
        ].join(", ")})`,
      );
    }
    return entry;
  }
}
