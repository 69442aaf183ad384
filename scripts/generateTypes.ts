/**
 * Development-time generator of the typed definitions and classes of every NWB type we carry.
 *
 *   npx tsx scripts/generateTypes.ts [--check]
 *
 * Reads our schema namespaces (core, hdmf-common, hdmf-experimental and the extensions in
 * src/nwb/schema/extensions), resolves every type with the schema registry, and writes per namespace:
 * - `src/nwb/types/<camelName>Definitions.ts`: one `TypeDefinition` per type (own fields and table columns,
 *   with names, required flags, minimum dtypes, shapes and docs; inherited ones come through `base`);
 * - `src/nwb/types/<camelName>.ts`: per type an options interface typed from the spec and a class.
 * `--check` writes nothing and exits with status 1 when a file differs (the staleness test runs the same
 * comparison). Regenerate after regenerating the schema (scripts/generateSchema.ts).
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { extensionNamespaces } from "../src/nwb/schema/extensions/index.js";
import { builtinNamespaces } from "../src/nwb/schema/namespaces/index.js";
import { isMany, isOptional, type ResolvedType, SchemaRegistry } from "../src/nwb/schema/registry.js";
import {
  type AttributeSpec,
  type DatasetSpec,
  type GroupSpec,
  type LinkSpec,
  type Namespace,
  type SpecDtype,
  typeDefOf,
  typeIncOf,
} from "../src/nwb/schema/spec.js";
import {
  type ColumnDefinition,
  type FieldDefinition,
  pynwbTimeSeriesKey,
  type TypeDefinition,
} from "../src/nwb/types/definition.js";
import { storageDtypeOf } from "../src/nwb/write/dtypes.js";
import { formatWithBiome } from "./generateSchema.js";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const OUT = path.join(REPO, "src/nwb/types");

/** Every namespace we carry, dependencies first. */
export const allNamespaces: readonly Namespace[] = [
  ...builtinNamespaces,
  ...Object.values(extensionNamespaces),
];

/** `hdmf-common` -> `hdmfCommon`. */
const camelName = (name: string) =>
  name
    .split(/[^A-Za-z0-9]+/)
    .filter((p) => p.length > 0)
    .map((p, i) => (i === 0 ? p : p[0]!.toUpperCase() + p.slice(1)))
    .join("");

/** `PoseEstimationSeries` -> `pose_estimation_series`, `NWBDataInterface` -> `nwb_data_interface`. */
export const snakeName = (typeName: string) =>
  typeName
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toLowerCase();

// ---------------------------------------------------------------------------------------------------------
// Definitions from the resolved schema
// ---------------------------------------------------------------------------------------------------------

/** Keys whose value is undefined are dropped, so definitions compare and print cleanly. */
function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function dtypeInfo(dtype: SpecDtype | undefined) {
  const stored = storageDtypeOf(dtype);
  return {
    dtype: stored,
    targetType: typeof dtype === "object" && !Array.isArray(dtype) ? dtype.target_type : undefined,
    datetime: dtype === "isodatetime" || dtype === "datetime" ? true : undefined,
  };
}

/** Builds the definitions of every type of every namespace. */
export function buildDefinitions(
  registry: SchemaRegistry,
): Map<string, Omit<TypeDefinition, "base"> & { baseName?: string }> {
  const result = new Map<string, Omit<TypeDefinition, "base"> & { baseName?: string }>();
  const isTable = (r: ResolvedType) => r.lineage.includes("DynamicTable");
  const namespaceOf = (type: string | undefined) => (type ? registry.namespaceOf(type) : undefined);

  const attributeField = (
    attribute: AttributeSpec,
    prefix: string,
    pathNames: readonly string[],
    holder: string | undefined,
  ): FieldDefinition =>
    compact({
      key: `${prefix}${holder === undefined ? "" : `${holder}__`}${attribute.name}`,
      kind: "attribute" as const,
      path: pathNames,
      name: holder,
      attribute: attribute.name,
      required: attribute.required !== false,
      ...dtypeInfo(attribute.dtype),
      shape: attribute.shape,
      dims: attribute.dims,
      value: attribute.value,
      defaultValue: attribute.default_value,
      doc: attribute.doc,
    });

  /** Columns of a table type or slot: its named VectorData children. */
  const columnsOf = (resolved: ResolvedType): ColumnDefinition[] => {
    const columns: ColumnDefinition[] = [];
    for (const [name, spec] of resolved.namedDatasets) {
      const type = typeIncOf(spec);
      if (!type || !registry.isA(type, "VectorData") || registry.isA(type, "VectorIndex")) continue;
      const slot = registry.resolveSlot(spec, "dataset");
      const plain = type === "VectorData" || type === "DynamicTableRegion";
      // a region column whose `table` attribute names a table type more specific than DynamicTable
      const tableDtype = slot.attributes.get("table")?.dtype;
      const tableType =
        registry.isA(type, "DynamicTableRegion") &&
        typeof tableDtype === "object" &&
        !Array.isArray(tableDtype)
          ? tableDtype.target_type
          : undefined;
      columns.push(
        compact({
          name,
          doc: spec.doc,
          required: !isOptional(spec.quantity),
          dtype: registry.isA(type, "DynamicTableRegion")
            ? undefined
            : storageDtypeOf((slot.spec as DatasetSpec).dtype),
          ragged: resolved.namedDatasets.has(`${name}_index`),
          region: registry.isA(type, "DynamicTableRegion"),
          tableType: tableType === "DynamicTable" ? undefined : tableType,
          columnType: plain ? undefined : { neurodataType: type, namespace: registry.namespaceOf(type) },
          shape: (slot.spec as DatasetSpec).shape,
        }),
      );
    }
    return columns;
  };

  /** Fields of the children of a group spec (a type's, or an untyped subgroup's). */
  const childFields = (
    datasets: Iterable<DatasetSpec>,
    groups: Iterable<GroupSpec>,
    links: Iterable<LinkSpec>,
    pathNames: readonly string[],
    table: boolean,
  ): FieldDefinition[] => {
    const prefix = pathNames.map((p) => `${p}__`).join("");
    const fields: FieldDefinition[] = [];
    const unnamedKey = (type: string) => `${prefix}${snakeName(type)}`;
    for (const spec of datasets) {
      const type = typeIncOf(spec);
      if (table && type && registry.isA(type, "Data")) continue; // columns, row ids and indexes
      const slot = type ? registry.resolveSlot(spec, "dataset") : undefined;
      const dataset = (slot?.spec ?? spec) as DatasetSpec;
      const info = dtypeInfo(dataset.dtype);
      fields.push(
        compact({
          key: spec.name ? `${prefix}${spec.name}` : unnamedKey(type!),
          kind: "dataset" as const,
          path: pathNames,
          name: spec.name,
          required: !isOptional(spec.quantity),
          many: spec.name ? undefined : isMany(spec.quantity) || undefined,
          ...info,
          targetType: type ?? info.targetType,
          targetNamespace: namespaceOf(type),
          shape: dataset.shape,
          dims: dataset.dims,
          value: spec.value,
          defaultValue: spec.default_value,
          doc: spec.doc,
        }),
      );
      if (spec.name) {
        const attributes = slot ? [...slot.attributes.values()] : (spec.attributes ?? []);
        for (const a of attributes) fields.push(attributeField(a, prefix, pathNames, spec.name));
      }
    }
    for (const spec of groups) {
      const type = typeIncOf(spec);
      if (type === undefined) {
        // an untyped subgroup (NWBFile's general, acquisition, ...): its contents, one level down
        const inner = [...pathNames, spec.name!];
        for (const a of spec.attributes ?? []) fields.push(attributeField(a, prefix, pathNames, spec.name));
        fields.push(...childFields(spec.datasets ?? [], spec.groups ?? [], spec.links ?? [], inner, false));
        continue;
      }
      const slot = registry.resolveSlot(spec, "group");
      const columns =
        spec.name && isTable(slot) && (spec.datasets?.length ?? 0) > 0 ? columnsOf(slot) : undefined;
      fields.push(
        compact({
          key: spec.name ? `${prefix}${spec.name}` : unnamedKey(type),
          kind: "group" as const,
          path: pathNames,
          name: spec.name,
          required: !isOptional(spec.quantity),
          many: spec.name ? undefined : isMany(spec.quantity) || undefined,
          targetType: type,
          targetNamespace: namespaceOf(type),
          columns,
          doc: spec.doc,
        }),
      );
    }
    for (const spec of links) {
      fields.push(
        compact({
          key: spec.name ? `${prefix}${spec.name}` : unnamedKey(spec.target_type),
          kind: "link" as const,
          path: pathNames,
          name: spec.name,
          required: !isOptional(spec.quantity),
          many: spec.name ? undefined : isMany(spec.quantity) || undefined,
          targetType: spec.target_type,
          targetNamespace: namespaceOf(spec.target_type),
          doc: spec.doc,
        }),
      );
    }
    return fields;
  };

  const allFields = (resolved: ResolvedType): FieldDefinition[] => {
    const table = isTable(resolved);
    const own = [...resolved.attributes.values()]
      .filter((a) => !(table && a.name === "colnames"))
      .map((a) => attributeField(a, "", [], undefined));
    return [
      ...own,
      ...childFields(
        [...resolved.namedDatasets.values(), ...resolved.typedDatasets],
        [...resolved.namedGroups.values(), ...resolved.typedGroups],
        [...resolved.namedLinks.values(), ...resolved.typedLinks],
        [],
        table,
      ),
    ];
  };

  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  for (const namespace of allNamespaces) {
    for (const source of Object.values(namespace.sources)) {
      for (const spec of [...(source.groups ?? []), ...(source.datasets ?? [])]) {
        const typeName = typeDefOf(spec)!;
        const resolved = registry.resolve(typeName);
        const baseName = typeIncOf(spec);
        const parent = baseName ? registry.resolve(baseName) : undefined;
        const fields = allFields(resolved);
        const parentFields = new Map(parent ? allFields(parent).map((f) => [f.key, f]) : []);
        const columns = isTable(resolved) ? columnsOf(resolved) : undefined;
        const parentColumns = new Map(
          parent && isTable(parent) ? columnsOf(parent).map((c) => [c.name, c]) : [],
        );
        const dataset = resolved.kind === "dataset" ? (resolved.spec as DatasetSpec) : undefined;
        result.set(
          typeName,
          compact({
            neurodataType: typeName,
            namespace: namespace.declaration.name,
            kind: resolved.kind,
            doc: spec.doc,
            baseName,
            defaultName:
              spec.default_name ??
              (parent?.spec.default_name === undefined ? undefined : resolved.spec.default_name),
            ownFields: fields.filter((f) => !same(f, parentFields.get(f.key))),
            ownColumns: columns?.filter((c) => !same(c, parentColumns.get(c.name))),
            dtype: dataset ? storageDtypeOf(dataset.dtype) : undefined,
            shape: dataset?.shape,
            dims: dataset?.dims,
          }),
        );
      }
    }
  }
  return result;
}

// ---------------------------------------------------------------------------------------------------------
// Emitting TypeScript
// ---------------------------------------------------------------------------------------------------------

const HEADER = (what: string) =>
  [
    "/**",
    ` * ${what}`,
    " *",
    " * Generated by scripts/generateTypes.ts from our schema definition (src/nwb/schema): do not edit; regenerate.",
    " */",
  ].join("\n");

/** One-line doc comment text: the doc, then shape and dtype notes. */
function docText(doc: string, notes: readonly string[] = []): string {
  const text = [doc.replace(/\s+/g, " ").trim(), ...notes].join(" ");
  return text.replace(/\*\//g, "*\\/");
}

function shapeNote(shape: unknown, dims: unknown): string | undefined {
  if (!Array.isArray(shape)) return undefined;
  const options = (Array.isArray(shape[0]) ? shape : [shape]) as (number | null)[][];
  const dimOptions = (Array.isArray(dims) && Array.isArray(dims[0]) ? dims : [dims]) as (
    | string[]
    | undefined
  )[];
  const axis = (name: string | undefined, n: number | null) => {
    const label = name === undefined ? "any" : /[ ,]/.test(name) ? `[${name}]` : name;
    return n === null ? label : `${label}=${n}`;
  };
  const show = options.map((s, i) => `(${s.map((n, j) => axis(dimOptions[i]?.[j], n)).join(", ")})`);
  return `Shape ${show.join(" or ")}.`;
}

function dtypeNote(field: { dtype?: unknown; datetime?: boolean; targetType?: string }): string | undefined {
  if (field.datetime) return "ISO 8601 date-time.";
  if (field.dtype === "objectref")
    return field.targetType ? `Reference to a ${field.targetType}.` : undefined;
  if (typeof field.dtype === "object") return "Compound rows.";
  if (field.dtype === undefined || field.dtype === "utf8" || field.dtype === "ascii") return undefined;
  return field.dtype === "numeric" ? "Any numeric dtype." : `Dtype at least ${String(field.dtype)}.`;
}

function isListOnly(shape: unknown): boolean {
  if (!Array.isArray(shape) || shape.length === 0) return false;
  const options = Array.isArray(shape[0]) ? (shape as unknown[][]) : [shape];
  return options.every((s) => s.length === 1);
}

/** The TypeScript type of a field's option. */
function tsType(field: FieldDefinition): string {
  const many = (t: string) => (field.many ? `readonly ${t}[]` : t);
  if (field.kind === "group") return many("GroupNode");
  if (field.kind === "link") return many("NodeReference");
  if (field.kind === "dataset" && field.targetType && field.dtype !== "objectref") {
    return field.many ? "readonly DatasetNode[]" : "DataInput | DatasetNode";
  }
  const scalar = field.shape === undefined;
  const list = isListOnly(field.shape);
  if (field.datetime) return scalar ? "string | Date" : "readonly (string | Date)[]";
  if (field.dtype === "utf8" || field.dtype === "ascii") {
    return scalar ? "string" : list ? "string | readonly string[]" : "DataInput";
  }
  if (field.dtype === "objectref") return scalar ? "NodeReference" : "readonly NodeReference[]";
  if (field.dtype === "bool") return scalar ? "boolean" : "DataInput";
  if (typeof field.dtype === "object") return "readonly CompoundRow[]";
  if (scalar && (field.dtype === "int64" || field.dtype === "uint64")) return "number | bigint";
  if (scalar && field.dtype !== undefined) return "number";
  return "DataInput";
}

const literal = (v: unknown) => JSON.stringify(v);

function emitDefinitions(
  namespace: string,
  typeNames: readonly string[],
  definitions: Map<string, Omit<TypeDefinition, "base"> & { baseName?: string }>,
  moduleOf: (type: string) => string,
): string {
  const own = camelName(namespace);
  const imports = new Map<string, Set<string>>();
  const ref = (type: string) => {
    const module = moduleOf(type);
    if (module === own) return type;
    if (!imports.has(module)) imports.set(module, new Set());
    return `${module}.${type}`;
  };
  const body: string[] = [];
  for (const typeName of typeNames) {
    const d = definitions.get(typeName)!;
    const lines = [
      `/** ${docText(d.doc)} */`,
      `export const ${typeName}: TypeDefinition = {`,
      `  neurodataType: ${literal(d.neurodataType)},`,
      `  namespace: ${literal(d.namespace)},`,
      `  kind: ${literal(d.kind)},`,
      `  doc: ${literal(d.doc)},`,
      ...(d.baseName ? [`  base: ${ref(d.baseName)},`] : []),
      ...(d.defaultName !== undefined ? [`  defaultName: ${literal(d.defaultName)},`] : []),
      ...(d.dtype !== undefined ? [`  dtype: ${literal(d.dtype)},`] : []),
      ...(d.shape !== undefined ? [`  shape: ${literal(d.shape)},`] : []),
      ...(d.dims !== undefined ? [`  dims: ${literal(d.dims)},`] : []),
      `  ownFields: [${d.ownFields.map((f) => `\n    ${literal(f)},`).join("")}${d.ownFields.length ? "\n  " : ""}],`,
      ...(d.ownColumns !== undefined
        ? [
            `  ownColumns: [${d.ownColumns.map((c) => `\n    ${literal(c)},`).join("")}${d.ownColumns.length ? "\n  " : ""}],`,
          ]
        : []),
      "};",
    ];
    body.push(lines.join("\n"));
  }
  return [
    HEADER(`Definitions of the ${namespace} types: own fields, table columns, minimum dtypes, shapes, docs.`),
    "",
    `import type { TypeDefinition } from "./definition.js";`,
    ...[...imports.keys()].sort().map((m) => `import * as ${m} from "./${m}Definitions.js";`),
    "",
    body.join("\n\n"),
    "",
  ].join("\n");
}

/**
 * Option names of the hand-written TimeSeries: its name and storage dtype, then core TimeSeries' fields under
 * pynwb's keywords (an attribute of `data` or `starting_time` by its own name: `unit`, `conversion`, `rate`).
 */
function timeSeriesOptions(
  definitions: Map<string, Omit<TypeDefinition, "base"> & { baseName?: string }>,
): string[] {
  const fields = definitions.get("TimeSeries")!.ownFields.filter((f) => f.value === undefined);
  return ["name", "dtype", ...fields.map((f) => pynwbTimeSeriesKey(f.key))];
}

/** Every option key a type's generated options interface has (through its bases). */
function optionKeysOf(
  typeName: string | undefined,
  definitions: Map<string, Omit<TypeDefinition, "base"> & { baseName?: string }>,
  lineage: readonly string[],
): Set<string> {
  const keys = new Set<string>(["name"]);
  if (lineage.includes("TimeSeries")) for (const k of timeSeriesOptions(definitions)) keys.add(k);
  for (let t = typeName; t !== undefined; t = definitions.get(t)?.baseName) {
    for (const f of definitions.get(t)?.ownFields ?? []) if (f.value === undefined) keys.add(f.key);
  }
  return keys;
}

/** Keys of core TimeSeries' fields, which the hand-written TimeSeries options cover under their own names. */
function timeSeriesKeys(
  definitions: Map<string, Omit<TypeDefinition, "base"> & { baseName?: string }>,
): Set<string> {
  return new Set(definitions.get("TimeSeries")!.ownFields.map((f) => f.key));
}

/**
 * Whether an option must be given: the schema requires the field, the writer has no default for it, and it is
 * not an attribute of an optional child (`origin_coords__unit` is needed only with `origin_coords`).
 */
function optionRequired(field: FieldDefinition, fieldsByKey: ReadonlyMap<string, FieldDefinition>): boolean {
  if (!field.required || field.defaultValue !== undefined) return false;
  if (field.kind !== "attribute" || field.name === undefined) return true;
  const holder = fieldsByKey.get([...field.path, field.name].join("__"));
  return holder?.required ?? true;
}

function emitClasses(
  namespace: string,
  typeNames: readonly string[],
  definitions: Map<string, Omit<TypeDefinition, "base"> & { baseName?: string }>,
  moduleOf: (type: string) => string,
  lineageOf: (type: string) => readonly string[],
): string {
  const own = camelName(namespace);
  const classImports = new Set<string>();
  const runtime = new Set<string>();
  const nodeTypes = new Set<string>();
  const tsKeys = timeSeriesKeys(definitions);
  const optionsName = (type: string) => {
    const module = moduleOf(type);
    if (module === own) return `${type}Options`;
    classImports.add(module);
    return `${module}.${type}Options`;
  };
  const body: string[] = [];
  for (const typeName of typeNames) {
    const d = definitions.get(typeName)!;
    const lineage = lineageOf(typeName);
    const timeSeries = lineage.includes("TimeSeries");
    const table = lineage.includes("DynamicTable");
    const baseClass =
      d.kind === "dataset"
        ? "TypedDataset"
        : timeSeries
          ? "TypedTimeSeries"
          : table
            ? "TypedTable"
            : "TypedGroup";
    runtime.add(baseClass);
    const fields = d.ownFields.filter(
      (f) => f.value === undefined && !(timeSeries && tsKeys.has(f.key) && f.key !== "data"),
    );
    let parentOptions: string;
    if (typeName === "TimeSeries") {
      parentOptions = "BaseTimeSeriesOptions";
    } else if (d.baseName) parentOptions = optionsName(d.baseName);
    else parentOptions = d.kind === "dataset" ? "DatasetTypeOptions" : "GroupTypeOptions";
    if (!d.baseName || typeName === "TimeSeries") runtime.add(parentOptions);
    const inherited = optionKeysOf(d.baseName, definitions, lineage);
    // overridden fields are declared again; fixed ones (the writer's) are left out
    const overridden = [...fields, ...d.ownFields.filter((f) => f.value !== undefined)]
      .map((f) => f.key)
      .filter((k) => inherited.has(k));
    const fixedUnit = timeSeries
      ? d.ownFields.find((f) => f.key === "data__unit" && f.value !== undefined)
      : undefined;
    if (fixedUnit) overridden.push("unit");
    if (d.defaultName !== undefined) overridden.push("name");
    const extendsClause =
      overridden.length > 0
        ? `Omit<${parentOptions}, ${overridden.map(literal).join(" | ")}>`
        : parentOptions;
    const members: string[] = [];
    if (d.defaultName !== undefined) {
      members.push(
        `  /** Name of the object; default ${literal(d.defaultName)}. */`,
        "  readonly name?: string;",
      );
    }
    if (fixedUnit) {
      members.push(
        `  /** Fixed to ${literal(fixedUnit.value)} by the schema (the default). */`,
        "  readonly unit?: string;",
      );
    }
    const allKeys = new Map<string, FieldDefinition>();
    for (let t: string | undefined = typeName; t !== undefined; t = definitions.get(t)?.baseName) {
      for (const f of definitions.get(t)?.ownFields ?? []) if (!allKeys.has(f.key)) allKeys.set(f.key, f);
    }
    const memberLines = (list: readonly FieldDefinition[]) =>
      list.flatMap((f) => {
        const type = tsType(f);
        for (const t of ["GroupNode", "NodeReference", "DatasetNode", "DataInput", "CompoundRow"]) {
          if (type.includes(t)) nodeTypes.add(t);
        }
        const notes = [shapeNote(f.shape, f.dims), dtypeNote(f)].filter((n): n is string => n !== undefined);
        if (f.kind !== "attribute" && f.targetType && f.kind !== "dataset")
          notes.unshift(`Type: ${f.targetType}.`);
        return [
          `  /** ${docText(f.doc, notes)} */`,
          `  readonly ${f.key}${optionRequired(f, allKeys) ? "" : "?"}: ${type};`,
        ];
      });
    members.push(...memberLines(fields));
    if (typeName === "TimeSeries") {
      // the hand-written TimeSeries takes these under pynwb's keywords (BaseTimeSeriesOptions)
      body.push(
        [
          "/** The fields of {@link TimeSeries} under their schema keys, from which the hand-written options are derived. */",
          "export interface TimeSeriesFields {",
          ...memberLines(d.ownFields.filter((f) => f.value === undefined)),
          "}",
        ].join("\n"),
      );
    }
    if (d.kind === "dataset" && d.ownFields.length === 0 && !d.baseName) nodeTypes.add("DataInput");
    body.push(
      [
        `/** Options of {@link ${typeName}}. */`,
        `export interface ${typeName}Options extends ${extendsClause} {`,
        ...members,
        "}",
        "",
        `/** ${docText(d.doc)} */`,
        `export class ${typeName} extends ${baseClass} {`,
        `  static readonly definition = definitions.${typeName};`,
        "",
        `  constructor(options: ${typeName}Options) {`,
        `    super(definitions.${typeName}, options);`,
        "  }",
        "}",
      ].join("\n"),
    );
  }
  const nodeImports = [...nodeTypes].sort().map((t) => `type ${t}`);
  return [
    HEADER(`Typed classes of the ${namespace} types, with options typed from the schema.`),
    "",
    `import * as definitions from "./${own}Definitions.js";`,
    ...[...classImports].sort().map((m) => `import type * as ${m} from "./${m}.js";`),
    ...(nodeImports.length ? [`import { ${nodeImports.join(", ")} } from "../containers/node.js";`] : []),
    `import { ${[...runtime]
      .sort()
      .map((r) => (r.endsWith("Options") ? `type ${r}` : r))
      .join(", ")} } from "./bases.js";`,
    "",
    body.join("\n\n"),
    "",
  ].join("\n");
}

/** The generated files, by path relative to the repository. */
export function generateAll(): Map<string, string> {
  const registry = new SchemaRegistry(allNamespaces);
  const definitions = buildDefinitions(registry);
  const moduleOf = (type: string) => camelName(registry.namespaceOf(type));
  const lineageOf = (type: string) => registry.resolve(type).lineage;
  const files = new Map<string, string>();
  for (const namespace of allNamespaces) {
    const name = namespace.declaration.name;
    // bases before the types that extend them (a const cannot be used before its declaration)
    const own = [...definitions.values()].filter((d) => d.namespace === name).map((d) => d.neurodataType);
    const ordered: string[] = [];
    const visit = (type: string) => {
      if (ordered.includes(type)) return;
      const base = definitions.get(type)!.baseName;
      if (base && own.includes(base)) visit(base);
      ordered.push(type);
    };
    for (const type of own) visit(type);
    const camel = camelName(name);
    files.set(`src/nwb/types/${camel}Definitions.ts`, emitDefinitions(name, ordered, definitions, moduleOf));
    files.set(`src/nwb/types/${camel}.ts`, emitClasses(name, ordered, definitions, moduleOf, lineageOf));
  }
  return new Map(
    [...formatWithBiome(new Map([...files].map(([rel, text]) => [path.join(REPO, rel), text])), REPO)].map(
      ([file, text]) => [path.relative(REPO, file), text],
    ),
  );
}

function main(argv: string[]): void {
  const check = argv.includes("--check");
  const files = generateAll();
  const stale: string[] = [];
  for (const [rel, text] of files) {
    const file = path.join(REPO, rel);
    const current = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined;
    if (current === text) continue;
    stale.push(rel);
    if (!check) fs.writeFileSync(file, text);
  }
  if (check && stale.length > 0) {
    console.error(`stale generated files (run npx tsx scripts/generateTypes.ts):\n  ${stale.join("\n  ")}`);
    process.exit(1);
  }
  console.log(
    check ? "generated types are up to date" : `wrote ${stale.length} of ${files.size} files to ${OUT}`,
  );
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2));
}
