/**
 * The runtime bases of the generated classes: a typed group, a TimeSeries subtype, a DynamicTable subtype and
 * a typed dataset, each filled from its generated definition by {@link applyFields}. What the schema cannot
 * say (a TimeSeries' rate-or-timestamps rule, a table's rows) comes from the hand-written helpers they extend.
 */
import { TIME_SERIES_KEYS, TimeSeries, type TimeSeriesOptions } from "../containers/base.js";
import { type DataInput, DatasetNode, GroupNode } from "../containers/node.js";
import { DynamicTable } from "../containers/table.js";
import { applyFields, columnSpec, columnsOf, fieldsOf, type TypeDefinition } from "./definition.js";

/** The hand-written TimeSeries options, which the generated TimeSeries subtypes extend. */
export type BaseTimeSeriesOptions = TimeSeriesOptions;

/** Options every generated group type takes besides its fields. */
export interface GroupTypeOptions {
  /** Name of the object in the file. */
  readonly name: string;
}

/** Options every generated dataset type takes besides its attributes. */
export interface DatasetTypeOptions {
  /** Name of the dataset in the file. */
  readonly name: string;
  /** The values; a lazy ChunkSource is read only when the file is written. */
  readonly data: DataInput;
}

const identity = (definition: TypeDefinition) => ({
  neurodataType: definition.neurodataType,
  namespace: definition.namespace,
});

/** The name given, else the type's default name. */
function nameOf(definition: TypeDefinition, options: { readonly name?: string }): string {
  const name = options.name ?? definition.defaultName;
  if (name === undefined) throw new TypeError(`${definition.neurodataType}: give a name`);
  return name;
}

type Options = Readonly<Record<string, unknown>> & { readonly name?: string };

/** A group of any generated type that is neither a TimeSeries nor a table. */
export class TypedGroup extends GroupNode {
  constructor(definition: TypeDefinition, options: object) {
    super(nameOf(definition, options as Options), identity(definition));
    applyFields(this, fieldsOf(definition), options as Options);
  }
}

/** A TimeSeries subtype: timing and data as TimeSeries does, then the fields the subtype adds. */
export class TypedTimeSeries extends TimeSeries {
  constructor(definition: TypeDefinition, options: TimeSeriesOptions | object) {
    const given = options as TimeSeriesOptions;
    const fields = fieldsOf(definition);
    const fixedUnit = fields.find((f) => f.key === "data__unit")?.value as string | undefined;
    super({ ...given, unit: given.unit ?? fixedUnit! }, identity(definition));
    applyFields(
      this,
      fields.filter((f) => !TIME_SERIES_KEYS.has(f.key)),
      options as Options,
    );
  }
}

/**
 * A DynamicTable subtype: its predefined columns declared (required ones created; region columns into a table
 * type the schema fixes point to that table of the file, others take theirs from `setRegionTable`), then its
 * other fields.
 */
export class TypedTable extends DynamicTable {
  constructor(definition: TypeDefinition, options: object) {
    const given = options as Options & { readonly description?: string };
    // every predefined column is declared; a region column whose table the schema does not fix takes it from
    // setRegionTable
    const columns = columnsOf(definition);
    const fixedDescription = fieldsOf(definition).find((f) => f.key === "description")?.value;
    super(
      {
        name: nameOf(definition, given),
        description: (fixedDescription as string | undefined) ?? given.description ?? "",
        columns: columns.map((c) => columnSpec(c)),
      },
      identity(definition),
    );
    for (const column of columns) {
      if (column.required && (!column.region || column.tableType !== undefined))
        this.addColumn(columnSpec(column));
    }
    applyFields(
      this,
      fieldsOf(definition).filter((f) => f.key !== "description"),
      given,
    );
  }
}

/** A dataset of a generated type, with its attributes. */
export class TypedDataset extends DatasetNode {
  constructor(definition: TypeDefinition, options: object) {
    const given = options as DatasetTypeOptions & Options;
    super(given.name, given.data, { type: identity(definition) });
    for (const field of fieldsOf(definition)) {
      const value = given[field.key];
      if (field.kind === "attribute" && field.value === undefined && value !== undefined) {
        this.setAttribute(field.attribute!, value as DataInput);
      }
    }
  }
}
