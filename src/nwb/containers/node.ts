/**
 * The in-memory tree of an NWB file: groups, datasets and links, each possibly typed (a container).
 *
 * A typed node carries `neurodata_type`, `namespace` and a UUID4 `object_id`. Bulk data stays lazy:
 * a dataset holds either small in-memory values or a {@link ChunkSource} read only when the file is written.
 * Helper classes (TimeSeries, ElectricalSeries, DynamicTable, ...) are subclasses that fill this tree.
 */
import { randomUUID } from "node:crypto";
import {
  type Dtype,
  dtypeOfTypedArray,
  elementCount,
  isTypedArray,
  type NumericDtype,
  type TypedArray,
} from "../../data/dtype.js";
import { type ChunkSource, isChunkSource } from "../../data/lazy.js";

/** A reference to another node of the same file, written as an HDF5 object reference. */
export type NodeReference = GroupNode | DatasetNode;

/** One element of a compound dataset; node values become object references. */
export type CompoundRow = Readonly<Record<string, number | bigint | string | NodeReference>>;

export type ScalarValue = string | number | bigint | boolean | Date | NodeReference;

/** Values accepted for an attribute or a dataset. Nested arrays give multi-dimensional data. */
export type DataInput =
  | ScalarValue
  | TypedArray
  | NDArray
  | ChunkSource
  | readonly ScalarValue[]
  | readonly (readonly number[])[]
  | readonly (readonly (readonly number[])[])[]
  | readonly CompoundRow[];

/** A typed array with an explicit row-major shape. */
export interface NDArray {
  readonly values: TypedArray;
  readonly shape: readonly number[];
}

/** Wraps a flat row-major typed array with its shape. */
export function ndarray(values: TypedArray, shape: readonly number[]): NDArray {
  if (elementCount(shape) !== values.length) {
    throw new RangeError(
      `shape [${shape}] holds ${elementCount(shape)} elements but ${values.length} were given`,
    );
  }
  return { values, shape };
}

/** Normalized content of a dataset or attribute. */
export type NodeData =
  | { readonly kind: "scalar"; readonly value: Exclude<ScalarValue, Date> | string }
  | {
      readonly kind: "array";
      readonly shape: readonly number[];
      readonly values: TypedArray | readonly (string | number | bigint | boolean | NodeReference)[];
    }
  | { readonly kind: "compound"; readonly rows: readonly CompoundRow[] }
  | { readonly kind: "lazy"; readonly source: ChunkSource };

function isNDArray(value: unknown): value is NDArray {
  return typeof value === "object" && value !== null && isTypedArray((value as NDArray).values);
}

function isNode(value: unknown): value is NodeReference {
  return value instanceof GroupNode || value instanceof DatasetNode;
}

function isCompoundRow(value: unknown): value is CompoundRow {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    !isNode(value) &&
    !(value instanceof Date) &&
    !isTypedArray(value)
  );
}

/** Dates are stored as ISO 8601 text, keeping the offset when the input string has one. */
function scalar(value: ScalarValue): Exclude<ScalarValue, Date> {
  return value instanceof Date ? value.toISOString() : value;
}

/** Turns any accepted input into {@link NodeData}, flattening nested arrays. */
export function normalizeData(input: DataInput): NodeData {
  if (isChunkSource(input)) return { kind: "lazy", source: input };
  if (isTypedArray(input)) return { kind: "array", shape: [input.length], values: input };
  if (isNDArray(input)) return { kind: "array", shape: [...input.shape], values: input.values };
  if (!Array.isArray(input)) return { kind: "scalar", value: scalar(input as ScalarValue) };
  if (input.length > 0 && isCompoundRow(input[0])) return { kind: "compound", rows: input as CompoundRow[] };
  const shape: number[] = [];
  let probe: unknown = input;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    probe = probe[0];
  }
  const values =
    shape.length === 1 ? (input as ScalarValue[]).map(scalar) : (input.flat(shape.length) as number[]);
  if (values.length !== elementCount(shape)) {
    throw new RangeError(
      `nested array is ragged: expected ${elementCount(shape)} elements for shape [${shape}]`,
    );
  }
  return { kind: "array", shape, values: values as (string | number | bigint | boolean | NodeReference)[] };
}

/** Full shape of normalized data (`[]` for a scalar). */
export function shapeOf(data: NodeData): readonly number[] {
  switch (data.kind) {
    case "scalar":
      return [];
    case "array":
      return data.shape;
    case "compound":
      return [data.rows.length];
    case "lazy":
      return data.source.shape;
  }
}

/** The dtype that data carries by itself, when it does (typed arrays and lazy sources). */
export function intrinsicDtype(data: NodeData): NumericDtype | undefined {
  if (data.kind === "lazy") return data.source.dtype;
  if (data.kind === "array" && isTypedArray(data.values)) return dtypeOfTypedArray(data.values);
  return undefined;
}

export interface AttributeEntry {
  readonly data: NodeData;
  /** Explicit dtype; otherwise taken from the schema, or inferred from the value. */
  readonly dtype?: Dtype;
}

/** Identity of a typed node. */
export interface TypeIdentity {
  readonly neurodataType: string;
  readonly namespace: string;
}

export abstract class NWBNode {
  parent: GroupNode | undefined;
  readonly attributes = new Map<string, AttributeEntry>();
  readonly objectId: string | undefined;

  constructor(
    readonly name: string,
    readonly type?: TypeIdentity,
    /** A typed node's object_id; a new UUID4 when not given (objects rebuilt for each write keep theirs). */
    objectId?: string,
  ) {
    if (!name || name.includes("/"))
      throw new TypeError(`invalid object name '${name}': it must be non-empty without '/'`);
    this.objectId = type ? (objectId ?? randomUUID()) : undefined;
  }

  get neurodataType(): string | undefined {
    return this.type?.neurodataType;
  }

  /** Absolute path in the file; only meaningful once the node is attached under the root. */
  get path(): string {
    if (!this.parent) return "/";
    const parentPath = this.parent.path;
    return parentPath === "/" ? `/${this.name}` : `${parentPath}/${this.name}`;
  }

  /** Sets an attribute; `undefined` leaves it unset (convenient for optional fields). */
  setAttribute(name: string, value: DataInput | undefined, dtype?: Dtype): this {
    if (value === undefined) return this;
    this.attributes.set(name, dtype ? { data: normalizeData(value), dtype } : { data: normalizeData(value) });
    return this;
  }

  /** The value of an attribute set on this node, or undefined. */
  getAttributeValue(name: string): unknown {
    const entry = this.attributes.get(name);
    if (!entry) return undefined;
    return entry.data.kind === "scalar" ? entry.data.value : entry.data;
  }
}

export class DatasetNode extends NWBNode {
  data: NodeData;
  /** Explicit dtype; otherwise taken from the schema, or inferred from the value. */
  dtype: Dtype | undefined;

  constructor(
    name: string,
    data: DataInput,
    options: { dtype?: Dtype; type?: TypeIdentity; objectId?: string } = {},
  ) {
    super(name, options.type, options.objectId);
    this.data = normalizeData(data);
    this.dtype = options.dtype;
  }

  get shape(): readonly number[] {
    return shapeOf(this.data);
  }
}

/** A soft link to another node of the same file. */
export class LinkNode {
  parent: GroupNode | undefined;
  constructor(
    readonly name: string,
    readonly target: NodeReference,
  ) {}
}

/** A link into another HDF5 file. */
export class ExternalLinkNode {
  parent: GroupNode | undefined;
  constructor(
    readonly name: string,
    readonly file: string,
    readonly objectPath: string,
  ) {}
}

export type ChildNode = GroupNode | DatasetNode | LinkNode | ExternalLinkNode;

export class GroupNode extends NWBNode {
  readonly children = new Map<string, ChildNode>();

  /** Adds a child; a second child of the same name is an error (names are unique within a group). */
  add<T extends ChildNode>(child: T): T {
    if (this.children.has(child.name)) {
      throw new Error(`'${this.path}' already has a child named '${child.name}'`);
    }
    if (child.parent && child.parent !== this) {
      throw new Error(`'${child.name}' already belongs to '${child.parent.path}'`);
    }
    child.parent = this;
    this.children.set(child.name, child);
    return child;
  }

  /** Adds a child, replacing any child of the same name. */
  put<T extends ChildNode>(child: T): T {
    const existing = this.children.get(child.name);
    if (existing) existing.parent = undefined;
    this.children.delete(child.name);
    return this.add(child);
  }

  get(name: string): ChildNode | undefined {
    return this.children.get(name);
  }

  /** The child group of that name, created untyped when missing. */
  subgroup(name: string): GroupNode {
    const existing = this.children.get(name);
    if (existing instanceof GroupNode) return existing;
    if (existing) throw new Error(`'${this.path}/${name}' exists and is not a group`);
    return this.add(new GroupNode(name));
  }

  /** Sets a named dataset child; `undefined` leaves it unset. */
  setDataset(name: string, value: DataInput | undefined, dtype?: Dtype): DatasetNode | undefined {
    if (value === undefined) return undefined;
    return this.put(new DatasetNode(name, value, dtype ? { dtype } : {}));
  }

  /** Sets a soft link child; `undefined` leaves it unset. */
  setLink(name: string, target: NodeReference | undefined): void {
    if (target) this.put(new LinkNode(name, target));
  }

  /** Namespaces of the types this group itself uses (its own type; tables add their column types). */
  typeNamespaces(): string[] {
    return this.type ? [this.type.namespace] : [];
  }

  /** Depth-first walk over this node and every descendant. */
  *walk(): Generator<ChildNode | GroupNode> {
    yield this;
    for (const child of this.children.values()) {
      if (child instanceof GroupNode) yield* child.walk();
      else yield child;
    }
  }
}

/** Every namespace whose types appear in the tree under `root` (to know which extensions a file needs). */
export function namespacesUsed(root: GroupNode): Set<string> {
  const used = new Set<string>();
  for (const node of root.walk()) {
    if (node instanceof GroupNode) for (const ns of node.typeNamespaces()) used.add(ns);
    else if (node instanceof DatasetNode && node.type) used.add(node.type.namespace);
  }
  return used;
}
