/**
 * The shape of the generated type definitions (`src/nwb/types/*Definitions.ts`, written by
 * scripts/generateTypes.ts from the resolved schema) and the one routine that fills a container from
 * options typed by them. Generated classes (`coreTypes.PoseEstimation`, ...) and the hand-written helpers
 * (NWBFile, Subject, Units, the electrodes table, ...) read field lists, columns and dtypes from here, so
 * none of them is written by hand.
 */
import type { Dtype } from "../../data/dtype.js";
import {
  type DataInput,
  DatasetNode,
  GroupNode,
  type NodeReference,
  type TypeIdentity,
} from "../containers/node.js";
import type { ColumnSpec } from "../containers/table.js";
import type { SpecDims, SpecShape } from "../schema/spec.js";

/** A spec dtype as stored: a concrete dtype (a minimum: wider is allowed), `numeric` (any number), or none. */
export type MinimumDtype = Dtype | "numeric";

/** One field of a type: an attribute, a named child dataset/group/link, or a kind of typed child. */
export interface FieldDefinition {
  /**
   * Option key: the attribute or child name; `<child>__<attribute>` for an attribute of a named child, and
   * `<group>__<child>` inside an untyped subgroup (NWBFile's `general__experimenter`); the snake_case type
   * name for unnamed typed children (`pose_estimation_series`).
   */
  readonly key: string;
  readonly kind: "attribute" | "dataset" | "group" | "link";
  /** Names of the untyped groups from the object down to the field's parent (empty for direct fields). */
  readonly path: readonly string[];
  /**
   * The child's name; undefined for unnamed typed children (any name). For attributes: the child that holds
   * the attribute, undefined when the attribute is on the object itself.
   */
  readonly name?: string;
  /** For attributes: the attribute name. */
  readonly attribute?: string;
  readonly required: boolean;
  /** Typed children allowed any number of times (quantity `*` or `+`). */
  readonly many?: boolean;
  /** Minimum dtype of an attribute or dataset; `objectref` for references (see `targetType`). */
  readonly dtype?: MinimumDtype;
  readonly shape?: SpecShape;
  readonly dims?: SpecDims;
  /** Type of a typed child, of a link's target, or of a reference's target. */
  readonly targetType?: string;
  /** Namespace of `targetType` (for typed children the generated code creates). */
  readonly targetNamespace?: string;
  /** An ISO 8601 date-time (text in the file); a `Date` is accepted. */
  readonly datetime?: boolean;
  /** Fixed value: the writer fills it, it is not an option. */
  readonly value?: unknown;
  readonly defaultValue?: unknown;
  /** Predefined columns of a DynamicTable in this slot (NWBFile's electrodes table). */
  readonly columns?: readonly ColumnDefinition[];
  readonly doc: string;
}

/** A predefined column of a DynamicTable type or slot. */
export interface ColumnDefinition {
  readonly name: string;
  readonly doc: string;
  readonly required: boolean;
  /** Minimum dtype of the values; undefined when the schema leaves it open. */
  readonly dtype?: MinimumDtype;
  /** Ragged: a `<name>_index` VectorIndex goes with it. */
  readonly ragged: boolean;
  /** A DynamicTableRegion: values are row indices into another table. */
  readonly region: boolean;
  /** For a region column: the type of table it points into, when the schema fixes it. */
  readonly tableType?: string;
  /** The column's type when it is a VectorData subtype (TimestampVectorData, ...). */
  readonly columnType?: TypeIdentity;
  readonly shape?: SpecShape;
}

/** A generated type: identity, doc, parent, own fields (inherited ones come from `base`), columns. */
export interface TypeDefinition {
  readonly neurodataType: string;
  readonly namespace: string;
  readonly kind: "group" | "dataset";
  readonly doc: string;
  readonly base?: TypeDefinition;
  readonly defaultName?: string;
  /** Fields this type adds or overrides (an override has the key of the field it replaces). */
  readonly ownFields: readonly FieldDefinition[];
  /** Predefined columns this type adds or overrides (DynamicTable subtypes). */
  readonly ownColumns?: readonly ColumnDefinition[];
  /** For dataset types: the data's minimum dtype and shape. */
  readonly dtype?: MinimumDtype;
  readonly shape?: SpecShape;
  readonly dims?: SpecDims;
}

/** Every field of a type, inherited ones first, overrides in place of what they override. */
export function fieldsOf(definition: TypeDefinition): FieldDefinition[] {
  const merged = new Map<string, FieldDefinition>();
  const chain: TypeDefinition[] = [];
  for (let d: TypeDefinition | undefined = definition; d; d = d.base) chain.unshift(d);
  for (const d of chain) for (const field of d.ownFields) merged.set(field.key, field);
  return [...merged.values()];
}

/** Every predefined column of a table type, inherited ones first. */
export function columnsOf(definition: TypeDefinition): ColumnDefinition[] {
  const merged = new Map<string, ColumnDefinition>();
  const chain: TypeDefinition[] = [];
  for (let d: TypeDefinition | undefined = definition; d; d = d.base) chain.unshift(d);
  for (const d of chain) for (const column of d.ownColumns ?? []) merged.set(column.name, column);
  return [...merged.values()];
}

/**
 * pynwb's keyword for a TimeSeries field: an attribute of `data` or `starting_time` by its own name
 * (`data__unit` is `unit`, `starting_time__rate` is `rate`); other fields keep their key.
 */
export const pynwbTimeSeriesKey = (key: string): string => key.replace(/^\w+?__/, "");

/** The field of a type with that key (throws when the schema has no such field: a generator/schema mismatch). */
export function fieldOf(definition: TypeDefinition, key: string): FieldDefinition {
  const field = fieldsOf(definition).find((f) => f.key === key);
  if (field === undefined) throw new Error(`${definition.neurodataType} has no field '${key}'`);
  return field;
}

/** Whether a type is `ancestor` or inherits from it. */
export function isA(definition: TypeDefinition, ancestor: string): boolean {
  for (let d: TypeDefinition | undefined = definition; d; d = d.base)
    if (d.neurodataType === ancestor) return true;
  return false;
}

/**
 * A column definition as the table helpers declare it; `description` is the schema's doc, a region column
 * gets the table it points into, or the table type the schema fixes (found in the file when written); other
 * region columns are marked `region` and take their table with `setRegionTable`.
 */
export function columnSpec(column: ColumnDefinition, table?: ColumnSpec["table"]): ColumnSpec {
  const dtype = column.dtype === "numeric" ? undefined : column.dtype;
  return {
    name: column.name,
    description: column.doc,
    ...(dtype !== undefined && !column.region ? { dtype } : {}),
    ...(column.ragged ? { index: true } : {}),
    ...(column.region && table ? { table } : {}),
    ...(column.region && !table && column.tableType ? { tableType: column.tableType } : {}),
    ...(column.region && !table && !column.tableType ? { region: true } : {}),
    ...(column.columnType ? { columnType: column.columnType } : {}),
  };
}

/** Whether every shape the field allows is one-dimensional (so a single value may stand for a list). */
export function isListOnly(shape: SpecShape | undefined): boolean {
  if (shape === undefined || shape.length === 0) return false;
  const options = Array.isArray(shape[0]) ? (shape as readonly (readonly unknown[])[]) : [shape];
  return options.every((s) => s.length === 1);
}

/** The group at `path` under `node`, made (untyped) where missing. */
function groupAt(node: GroupNode, path: readonly string[]): GroupNode {
  let group = node;
  for (const name of path) group = group.subgroup(name);
  return group;
}

/**
 * Sets every field given in `options` on `node`, where the schema places it. Dtypes are not chosen here: the
 * write plan applies the schema's minimum to each value (JS numbers keep float64). Fixed values are the
 * writer's. A typed child given as plain data becomes a dataset of the field's type.
 */
export function applyFields(
  node: GroupNode,
  fields: readonly FieldDefinition[],
  options: Readonly<Record<string, unknown>>,
): void {
  // children first, so that their attributes find them
  const ordered = [...fields].sort((a, b) => Number(a.kind === "attribute") - Number(b.kind === "attribute"));
  for (const field of ordered) {
    const value = options[field.key];
    if (value === undefined || field.value !== undefined) continue;
    const parent = groupAt(node, field.path);
    const { name } = field;
    switch (field.kind) {
      case "attribute": {
        const holder = name === undefined ? parent : parent.get(name);
        if (!(holder instanceof GroupNode || holder instanceof DatasetNode)) {
          throw new TypeError(`'${field.key}' needs '${[...field.path, name].join("/")}' to be given too`);
        }
        holder.setAttribute(field.attribute!, value as DataInput);
        break;
      }
      case "dataset":
        for (const item of field.many ? (value as readonly unknown[]) : [value]) {
          parent.put(datasetFor(field, item));
        }
        break;
      case "group":
        for (const child of field.many ? (value as readonly GroupNode[]) : [value as GroupNode]) {
          if (name !== undefined && child.name !== name) {
            throw new TypeError(`'${field.key}' must be named '${name}', got '${child.name}'`);
          }
          parent.put(child);
        }
        break;
      case "link":
        for (const target of field.many ? (value as readonly NodeReference[]) : [value as NodeReference]) {
          parent.setLink(name ?? target.name, target);
        }
        break;
    }
  }
}

/** A dataset field's value as a node: given as one, or plain data made into a dataset of the field's type. */
function datasetFor(field: FieldDefinition, value: unknown): DatasetNode {
  if (value instanceof DatasetNode) {
    if (field.name !== undefined && value.name !== field.name) {
      throw new TypeError(`'${field.key}' must be a dataset named '${field.name}', got '${value.name}'`);
    }
    return value;
  }
  if (field.name === undefined) throw new TypeError(`'${field.key}' takes datasets (their names are free)`);
  const data = typeof value === "string" && isListOnly(field.shape) ? [value] : (value as DataInput);
  const typed = field.targetType !== undefined && field.dtype !== "objectref";
  return new DatasetNode(
    field.name,
    data,
    typed ? { type: { neurodataType: field.targetType!, namespace: field.targetNamespace! } } : {},
  );
}
