/**
 * The write plan: one walk of the in-memory NWB tree along the schema that yields every group, dataset,
 * attribute and link to write (with its final dtype and shape) and every problem found on the way.
 *
 * The pre-write checks, the backend configuration and the writer all read this one plan.
 */
import { bytesPerElement, type Dtype, elementCount, isNumericDtype } from "../../data/dtype.js";
import type { NWBProblem } from "../../errors.js";
import {
  type ChildNode,
  DatasetNode,
  ExternalLinkNode,
  GroupNode,
  LinkNode,
  type NodeData,
  type NWBNode,
  normalizeData,
  shapeOf,
} from "../containers/node.js";
import { isMany, isOptional, type ResolvedType, type SchemaRegistry } from "../schema/registry.js";
import {
  type AttributeSpec,
  type DatasetSpec,
  type GroupSpec,
  type LinkSpec,
  type SpecShape,
  typeDefOf,
  typeIncOf,
} from "../schema/spec.js";
import { effectiveDtype, isCompatible, storageDtypeOf } from "./dtypes.js";

export interface PlannedAttribute {
  readonly name: string;
  readonly dtype: Dtype;
  readonly shape: readonly number[];
  readonly data: NodeData;
}

export interface PlannedGroup {
  readonly kind: "group";
  readonly path: string;
  readonly attributes: readonly PlannedAttribute[];
}

export interface PlannedDataset {
  readonly kind: "dataset";
  readonly path: string;
  /** neurodata type of the dataset itself or of the group that holds it (for chunking defaults). */
  readonly neurodataType: string | undefined;
  readonly parentType: string | undefined;
  readonly dtype: Dtype;
  readonly shape: readonly number[];
  readonly data: NodeData;
  readonly attributes: readonly PlannedAttribute[];
}

export interface PlannedLink {
  readonly kind: "link";
  readonly path: string;
  readonly target: string;
}

export interface PlannedExternalLink {
  readonly kind: "externallink";
  readonly path: string;
  readonly file: string;
  readonly objectPath: string;
}

export type PlannedObject = PlannedGroup | PlannedDataset | PlannedLink | PlannedExternalLink;

export interface WritePlan {
  /** Parents come before children. */
  readonly objects: readonly PlannedObject[];
  readonly problems: readonly NWBProblem[];
}

interface Preparable {
  prepareForWrite(): void;
}

function isPreparable(node: unknown): node is Preparable {
  return typeof (node as Preparable).prepareForWrite === "function";
}

/** Whether a node hangs under `root` (references and links must point inside the file). */
function isInside(node: NWBNode, root: GroupNode): boolean {
  let current: NWBNode | undefined = node;
  while (current) {
    if (current === root) return true;
    current = current.parent;
  }
  return false;
}

function shapeMatches(shape: readonly number[], spec: SpecShape | undefined): boolean {
  if (spec === undefined) return true;
  const options =
    spec.length > 0 && Array.isArray(spec[0]) ? (spec as (number | null)[][]) : [spec as (number | null)[]];
  if (spec.length === 0) return shape.length === 0;
  return options.some(
    (option) => option.length === shape.length && option.every((d, i) => d === null || d === shape[i]),
  );
}

function describeShape(spec: SpecShape): string {
  return JSON.stringify(spec).replaceAll("null", "any");
}

/** Walks the tree along the schema. Call `prepareForWrite` hooks (tables build their datasets) first. */
export function planWrite(root: GroupNode, registry: SchemaRegistry): WritePlan {
  for (const node of root.walk()) if (isPreparable(node)) node.prepareForWrite();
  const objects: PlannedObject[] = [];
  const problems: NWBProblem[] = [];
  const problem = (objectPath: string, field: string, message: string) =>
    problems.push({ objectPath, field, message });

  const typeOf = (node: NWBNode): ResolvedType | undefined => {
    const type = node.neurodataType;
    if (!type) return undefined;
    if (!registry.hasType(type)) {
      problem(node.path, "neurodata_type", `type '${type}' is not defined by any registered namespace`);
      return undefined;
    }
    return registry.resolve(type);
  };

  const planAttributes = (
    node: NWBNode,
    specs: ReadonlyMap<string, AttributeSpec> | undefined,
  ): PlannedAttribute[] => {
    const planned: PlannedAttribute[] = [];
    const add = (name: string, data: NodeData, dtype: Dtype) =>
      planned.push({ name, dtype, shape: shapeOf(data), data });
    if (node.type && node.objectId) {
      add("neurodata_type", normalizeData(node.type.neurodataType), "utf8");
      add("namespace", normalizeData(node.type.namespace), "utf8");
      add("object_id", normalizeData(node.objectId), "utf8");
    }
    for (const [name, entry] of node.attributes) {
      const spec = specs?.get(name);
      if (specs && !spec) {
        problem(node.path, `@${name}`, "attribute is not defined by the schema for this object; remove it");
        continue;
      }
      const dtype = effectiveDtype(entry.data, entry.dtype, spec?.dtype);
      checkValue(node.path, `@${name}`, entry.data, dtype, spec);
      add(name, entry.data, dtype);
    }
    for (const spec of specs?.values() ?? []) {
      if (node.attributes.has(spec.name)) continue;
      // fixed values are always written (the validator insists, even when the schema marks them optional);
      // defaults only for required attributes, since readers apply the others' defaults themselves
      const fill = spec.value ?? (spec.required === false ? undefined : spec.default_value);
      if (fill === undefined && spec.required === false) continue;
      if (fill !== undefined) {
        const data = normalizeData(fill as string | number);
        add(spec.name, data, effectiveDtype(data, undefined, spec.dtype));
      } else {
        problem(node.path, `@${spec.name}`, "required attribute is missing; set it");
      }
    }
    return planned;
  };

  const checkValue = (
    path: string,
    field: string,
    data: NodeData,
    dtype: Dtype,
    spec: AttributeSpec | DatasetSpec | undefined,
  ) => {
    if (!spec) return;
    const expected = storageDtypeOf(spec.dtype);
    if (!isCompatible(dtype, expected)) {
      const wanted = typeof expected === "object" ? "a compound" : expected;
      problem(
        path,
        field,
        `dtype ${typeof dtype === "object" ? "compound" : dtype} does not match the schema's ${wanted}`,
      );
    }
    const shape = shapeOf(data);
    if (!shapeMatches(shape, spec.shape)) {
      problem(path, field, `shape [${shape}] does not match the schema's ${describeShape(spec.shape!)}`);
    }
    if (spec.value !== undefined && data.kind === "scalar" && data.value !== spec.value) {
      problem(path, field, `value must be ${JSON.stringify(spec.value)}, got ${JSON.stringify(data.value)}`);
    }
    checkReferences(path, field, data);
  };

  const checkReferences = (path: string, field: string, data: NodeData) => {
    const values = data.kind === "scalar" ? [data.value] : data.kind === "array" ? data.values : [];
    for (const value of values as unknown[]) {
      if ((value instanceof GroupNode || value instanceof DatasetNode) && !isInside(value, root)) {
        problem(
          path,
          field,
          `refers to '${value.name}', which is not part of this file; add it to the file first`,
        );
        return;
      }
    }
  };

  const slotFor = <S extends GroupSpec | DatasetSpec>(
    child: NWBNode,
    named: ReadonlyMap<string, S>,
    typed: readonly S[],
  ): S | undefined => {
    const byName = named.get(child.name);
    if (byName) return byName;
    const type = child.neurodataType;
    if (!type || !registry.hasType(type)) return undefined;
    return typed.find((slot) => {
      const slotType = typeIncOf(slot) ?? typeDefOf(slot);
      return slotType !== undefined && registry.isA(type, slotType);
    });
  };

  const checkSlotType = (child: NWBNode, slot: GroupSpec | DatasetSpec) => {
    const required = typeIncOf(slot) ?? typeDefOf(slot);
    if (!required) return;
    if (!child.neurodataType) {
      problem(child.path, "neurodata_type", `must be a ${required} (a typed object), found an untyped one`);
    } else if (registry.hasType(child.neurodataType) && !registry.isA(child.neurodataType, required)) {
      problem(
        child.path,
        "neurodata_type",
        `a ${child.neurodataType} cannot stand here; the schema expects a ${required}`,
      );
    }
  };

  const visitDataset = (
    node: DatasetNode,
    resolved: ResolvedType | undefined,
    parentType: string | undefined,
  ) => {
    const spec = resolved?.spec as DatasetSpec | undefined;
    const dtype = effectiveDtype(node.data, node.dtype, spec?.dtype);
    checkValue(node.path, "data", node.data, dtype, spec);
    objects.push({
      kind: "dataset",
      path: node.path,
      neurodataType: node.neurodataType,
      parentType,
      dtype,
      shape: node.shape,
      data: node.data,
      attributes: planAttributes(node, resolved?.attributes),
    });
  };

  const visitLink = (link: LinkNode, spec: LinkSpec | undefined, parent: GroupNode) => {
    const path = `${parent.path === "/" ? "" : parent.path}/${link.name}`;
    if (!isInside(link.target, root)) {
      problem(
        path,
        "link",
        `points to '${link.target.name}', which is not part of this file; add it to the file first`,
      );
      return;
    }
    const targetType = link.target.neurodataType;
    if (
      spec &&
      (!targetType || !registry.hasType(targetType) || !registry.isA(targetType, spec.target_type))
    ) {
      problem(
        path,
        "link",
        `must point to a ${spec.target_type}, points to a ${targetType ?? "untyped object"}`,
      );
    }
    objects.push({ kind: "link", path, target: link.target.path });
  };

  const visitGroup = (node: GroupNode, resolved: ResolvedType | undefined) => {
    objects.push({ kind: "group", path: node.path, attributes: planAttributes(node, resolved?.attributes) });
    const counts = new Map<object, number>();
    for (const child of node.children.values()) visitChild(child, node, resolved, counts);
    if (!resolved) return;
    const missing = (kind: string, name: string, quantity: GroupSpec["quantity"]) => {
      if (!isOptional(quantity) && !node.children.has(name)) {
        problem(node.path, name, `required ${kind} is missing; add it`);
      }
    };
    for (const [name, spec] of resolved.namedGroups) missing("group", name, spec.quantity);
    for (const [name, spec] of resolved.namedDatasets) missing("dataset", name, spec.quantity);
    for (const [name, spec] of resolved.namedLinks) missing("link", name, spec.quantity);
    for (const slot of [...resolved.typedGroups, ...resolved.typedDatasets]) {
      const count = counts.get(slot) ?? 0;
      const type = typeIncOf(slot) ?? typeDefOf(slot);
      if (!isOptional(slot.quantity) && count === 0)
        problem(node.path, type ?? "?", `at least one ${type} is required`);
      if (!isMany(slot.quantity) && count > 1)
        problem(node.path, type ?? "?", `at most one ${type} is allowed here`);
    }
  };

  const visitChild = (
    child: ChildNode,
    parent: GroupNode,
    resolved: ResolvedType | undefined,
    counts: Map<object, number>,
  ) => {
    if (child instanceof LinkNode) {
      const spec = resolved ? slotForLink(child, resolved) : undefined;
      if (resolved && !spec)
        problem(parent.path, child.name, "link is not defined by the schema here; remove it");
      visitLink(child, spec, parent);
      return;
    }
    if (child instanceof ExternalLinkNode) {
      const path = `${parent.path === "/" ? "" : parent.path}/${child.name}`;
      objects.push({ kind: "externallink", path, file: child.file, objectPath: child.objectPath });
      return;
    }
    const isGroup = child instanceof GroupNode;
    const slot = resolved
      ? isGroup
        ? slotFor<GroupSpec>(child, resolved.namedGroups, resolved.typedGroups)
        : slotFor<DatasetSpec>(child, resolved.namedDatasets, resolved.typedDatasets)
      : undefined;
    if (resolved && !slot) {
      problem(
        child.path,
        child.neurodataType ?? child.name,
        `${isGroup ? "group" : "dataset"} is not allowed here by the schema of ${resolved.name || "its parent"}`,
      );
    }
    if (slot) {
      checkSlotType(child, slot);
      if (!slot.name) counts.set(slot, (counts.get(slot) ?? 0) + 1);
    }
    const childType = typeOf(child);
    const childResolved = slot
      ? registry.resolveSlot(slot, isGroup ? "group" : "dataset", childType?.name)
      : childType;
    if (isGroup) visitGroup(child, childResolved);
    else visitDataset(child as DatasetNode, childResolved, resolved?.name || undefined);
  };

  const slotForLink = (link: LinkNode, resolved: ResolvedType): LinkSpec | undefined => {
    const byName = resolved.namedLinks.get(link.name);
    if (byName) return byName;
    const type = link.target.neurodataType;
    return resolved.typedLinks.find(
      (s) => type !== undefined && registry.hasType(type) && registry.isA(type, s.target_type),
    );
  };

  visitGroup(root, typeOf(root));
  return { objects, problems };
}

/** Bytes of numeric data a planned dataset holds (0 for text, references and compounds). */
export function plannedBytes(dataset: PlannedDataset): number {
  if (!isNumericDtype(dataset.dtype)) return 0;
  return elementCount(dataset.shape) * bytesPerElement(dataset.dtype);
}
