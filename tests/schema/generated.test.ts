/**
 * The generated type definitions and classes (src/nwb/types) are current (regenerating changes nothing) and
 * agree with the resolved schema: every type has a class and a definition whose fields, required flags, minimum
 * dtypes and shapes are the schema's.
 */

import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { allNamespaces, generateAll } from "../../scripts/generateTypes.js";
import { createRegistry, extensionNamespaces } from "../../src/index.js";
import { isOptional } from "../../src/nwb/schema/registry.js";
import { type DatasetSpec, typeDefOf, typeIncOf } from "../../src/nwb/schema/spec.js";
import { columnsOf, fieldsOf, type TypeDefinition } from "../../src/nwb/types/definition.js";
import { storageDtypeOf } from "../../src/nwb/write/dtypes.js";

/** `hdmf-common` -> `hdmfCommon`: the generated modules of a namespace are `<camel>.ts` and `<camel>Definitions.ts`. */
const camel = (name: string) => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
/** Each namespace's generated classes and definitions, so an added extension is checked without listing it here. */
const modules = Object.fromEntries(
  await Promise.all(
    allNamespaces.map(async (namespace) => {
      const name = namespace.declaration.name;
      const dir = "../../src/nwb/types";
      return [
        name,
        [
          (await import(`${dir}/${camel(name)}.js`)) as Record<string, unknown>,
          (await import(`${dir}/${camel(name)}Definitions.js`)) as Record<string, TypeDefinition>,
        ],
      ] as const;
    }),
  ),
);

const registry = createRegistry(Object.values(extensionNamespaces));
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

describe("generated types", () => {
  it("are up to date with the schema (regenerating changes nothing)", () => {
    const root = path.resolve(import.meta.dirname, "../..");
    const stale = [...generateAll()].filter(
      ([rel, text]) => fs.readFileSync(path.join(root, rel), "utf8") !== text,
    );
    expect(
      stale.map(([rel]) => rel),
      "run npx tsx scripts/generateTypes.ts",
    ).toEqual([]);
  });

  for (const namespace of allNamespaces) {
    const name = namespace.declaration.name;
    it(`${name}: every type has a class and a definition that agree with the resolved schema`, () => {
      const [classes, definitions] = modules[name]!;
      const problems: string[] = [];
      const specs = new Map(
        Object.values(namespace.sources).flatMap((s) =>
          [...(s.groups ?? []), ...(s.datasets ?? [])].map((spec) => [typeDefOf(spec)!, spec] as const),
        ),
      );
      const types = [...specs.keys()];
      expect(Object.keys(definitions).sort()).toEqual([...types].sort());
      for (const type of types) {
        const definition = definitions[type]!;
        const resolved = registry.resolve(type);
        const at = (what: string) => `${type}.${what}`;
        if ((classes[type] as { definition?: unknown } | undefined)?.definition !== definition)
          problems.push(`${type}: no class with this definition`);
        if (definition.namespace !== registry.namespaceOf(type)) problems.push(at("namespace"));
        if (definition.kind !== resolved.kind) problems.push(at("kind"));
        if (definition.base?.neurodataType !== typeIncOf(specs.get(type)!)) problems.push(at("base"));
        const fields = new Map(fieldsOf(definition).map((f) => [f.key, f]));
        const table = resolved.lineage.includes("DynamicTable");
        // the object's own attributes
        for (const attribute of resolved.attributes.values()) {
          if (table && attribute.name === "colnames") continue;
          const field = fields.get(attribute.name);
          if (field?.kind !== "attribute") {
            problems.push(at(`@${attribute.name} missing`));
            continue;
          }
          if (field.required !== (attribute.required !== false))
            problems.push(at(`@${attribute.name} required`));
          if (!same(field.dtype, storageDtypeOf(attribute.dtype)))
            problems.push(at(`@${attribute.name} dtype`));
          if (!same(field.shape, attribute.shape)) problems.push(at(`@${attribute.name} shape`));
        }
        // named children that are not table columns
        const columns = new Map((table ? columnsOf(definition) : []).map((c) => [c.name, c]));
        for (const [childName, spec] of resolved.namedDatasets) {
          const inc = typeIncOf(spec);
          if (table && inc && registry.isA(inc, "Data")) {
            if (!registry.isA(inc, "VectorData") || registry.isA(inc, "VectorIndex")) continue;
            const column = columns.get(childName);
            if (!column) problems.push(at(`column ${childName} missing`));
            else if (column.required !== !isOptional(spec.quantity))
              problems.push(at(`column ${childName} required`));
            else if (column.ragged !== resolved.namedDatasets.has(`${childName}_index`))
              problems.push(at(`column ${childName} ragged`));
            continue;
          }
          const field = fields.get(childName);
          const slot = inc ? (registry.resolveSlot(spec, "dataset").spec as DatasetSpec) : spec;
          if (field?.kind !== "dataset") problems.push(at(`${childName} missing`));
          else if (field.required !== !isOptional(spec.quantity)) problems.push(at(`${childName} required`));
          else if (!same(field.dtype, storageDtypeOf(slot.dtype))) problems.push(at(`${childName} dtype`));
          else if (!same(field.shape, slot.shape)) problems.push(at(`${childName} shape`));
        }
        for (const [childName, spec] of resolved.namedGroups) {
          const field = typeIncOf(spec)
            ? fields.get(childName)
            : [...fields.values()].find((f) => f.path[0] === childName);
          if (typeIncOf(spec) && (field?.kind !== "group" || field.required !== !isOptional(spec.quantity)))
            problems.push(at(`${childName} group`));
        }
        for (const [childName, spec] of resolved.namedLinks) {
          const field = fields.get(childName);
          if (field?.kind !== "link" || field.targetType !== spec.target_type)
            problems.push(at(`${childName} link`));
        }
        // nothing more than the schema: every direct field names something the resolved type has
        for (const field of fields.values()) {
          if (field.path.length > 0 || field.name === undefined) continue;
          const known =
            field.kind === "attribute" && field.attribute !== undefined && field.name === undefined;
          const child =
            resolved.namedDatasets.has(field.name) ||
            resolved.namedGroups.has(field.name) ||
            resolved.namedLinks.has(field.name);
          if (!known && !child) problems.push(at(`${field.key} is not in the schema`));
        }
        if (resolved.kind === "dataset") {
          const spec = resolved.spec as DatasetSpec;
          if (!same(definition.dtype, storageDtypeOf(spec.dtype)) || !same(definition.shape, spec.shape))
            problems.push(at("data dtype/shape"));
        }
      }
      expect(problems).toEqual([]);
    });
  }
});
