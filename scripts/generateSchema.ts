/**
 * Development-time generator for our TypeScript definition of NWB schema namespaces.
 *
 *   npx tsx scripts/generateSchema.ts <schema-dir> [--out <dir>] [--only <namespace>[,...]]
 *                                     [--name <exportName>]
 *
 * Reads every namespace declared by a `namespace.yaml` / `*.namespace.yaml` file found (recursively) under
 * `<schema-dir>`, together with the source files each namespace lists, and writes one TypeScript module per
 * namespace to `<out>` (default `src/nwb/schema/namespaces`): `<camelName>.ts` exporting
 * `export const <camelName>: Namespace`, e.g. `hdmf-common` -> `hdmfCommon.ts` / `hdmfCommon`. Namespaces
 * with more than {@link SPLIT_THRESHOLD} sources get one extra module per source in `<out>/<camelName>/`.
 * `--name` replaces `<camelName>` (one namespace only), e.g. to keep two versions of one extension apart.
 *
 * The STRUCTURE (types, names, dtypes, shapes, quantities, values, order of entries, ...) is copied from the
 * YAML. The DOC STRINGS are not: every `doc` / `title` is taken from the definition that is already
 * committed at the same location path (see {@link forEachDoc}), so regenerating never brings back the
 * official wording. A node without an existing doc gets `"TODO: describe <path>"`, which
 * `tests/schema/structure.test.ts` rejects; replace those markers with a description in our own words.
 *
 * To add an extension (its YAML in ../shared/nwb-schema/extensions/<name>/<release>/): append one line to
 * {@link SCHEMA_INPUTS}, run `--all`, replace the `TODO: describe` docs with our own words, append the
 * namespace to src/nwb/schema/extensions/index.ts and its types to src/nwb/types/index.ts, then run
 * scripts/generateTypes.ts. `--all` regenerates every namespace listed in {@link SCHEMA_INPUTS}.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parse } from "yaml";

/** Namespaces with more sources than this are split into one module per source. */
const SPLIT_THRESHOLD = 3;
const TODO_PREFIX = "TODO: describe";

type Obj = Record<string, unknown>;

interface LoadedNamespace {
  /** Namespace declaration, with source names stripped of `.yaml`. */
  readonly declaration: Obj;
  /** Source name (without `.yaml`) -> parsed source. */
  readonly sources: Record<string, Obj>;
}

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const asList = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : []);

/** Source name as used in our definitions: the YAML file name without its extension. */
export function sourceKey(source: string): string {
  return source.replace(/\.ya?ml$/, "");
}

/** `hdmf-common` -> `hdmfCommon`, `nwb.base` -> `nwbBase`. */
export function camelName(name: string): string {
  const parts = name.split(/[^A-Za-z0-9]+/).filter((p) => p.length > 0);
  return parts.map((p, i) => (i === 0 ? p : p[0]!.toUpperCase() + p.slice(1))).join("");
}

// ---------------------------------------------------------------------------------------------------------
// Location paths of doc strings
// ---------------------------------------------------------------------------------------------------------

/** The key under which a node appears in its parent's path: its type, its name, or `<IncludedType>`. */
function nodeKey(node: Obj): string {
  const def = node.neurodata_type_def ?? node.data_type_def;
  if (typeof def === "string") return def;
  if (typeof node.name === "string") return node.name;
  const inc = node.neurodata_type_inc ?? node.data_type_inc ?? node.target_type;
  return `<${String(inc)}>`;
}

/**
 * Calls `visit` for every `doc` (and schema-entry `title`) of a namespace, with its location path:
 *
 * - `core` - the namespace doc; `core:schema/nwb.base` / `core:schema/nwb.base#title` - schema list entries
 * - `core/nwb.base/TimeSeries` - a type; `.../TimeSeries/data` - a named child; `.../<VectorData>` - an
 *   unnamed child of an included type (a second sibling with the same key gets `[2]`, and so on)
 * - `.../data@unit` - an attribute; `.../TimeSeriesReferenceVectorData#idx_start` - a compound dtype field
 *
 * Works on both parsed YAML and our definitions, since they share the layout.
 */
export function forEachDoc(
  nsName: string,
  ns: LoadedNamespace,
  visit: (location: string, holder: Obj, key: "doc" | "title") => void,
): void {
  visit(nsName, ns.declaration, "doc");
  for (const entry of asList(ns.declaration.schema)) {
    if (typeof entry.source !== "string") continue;
    const p = `${nsName}:schema/${sourceKey(entry.source)}`;
    if ("doc" in entry) visit(p, entry, "doc");
    if ("title" in entry) visit(`${p}#title`, entry, "title");
  }
  const visitDtype = (p: string, node: Obj) => {
    if (!Array.isArray(node.dtype)) return;
    for (const field of asList(node.dtype)) visit(`${p}#${String(field.name)}`, field, "doc");
  };
  const visitChildren = (parentPath: string, parent: Obj) => {
    const seen = new Map<string, number>();
    const childPath = (child: Obj) => {
      const key = nodeKey(child);
      const n = (seen.get(key) ?? 0) + 1;
      seen.set(key, n);
      return `${parentPath}/${key}${n > 1 ? `[${n}]` : ""}`;
    };
    for (const list of ["groups", "datasets", "links"] as const) {
      for (const child of asList(parent[list])) visitNode(childPath(child), child);
    }
  };
  const visitNode = (p: string, node: Obj) => {
    visit(p, node, "doc");
    visitDtype(p, node);
    for (const attr of asList(node.attributes)) {
      const ap = `${p}@${String(attr.name)}`;
      visit(ap, attr, "doc");
      visitDtype(ap, attr);
    }
    visitChildren(p, node);
  };
  for (const [name, source] of Object.entries(ns.sources)) visitChildren(`${nsName}/${name}`, source);
}

// ---------------------------------------------------------------------------------------------------------
// Reading the YAML
// ---------------------------------------------------------------------------------------------------------

function findNamespaceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...findNamespaceFiles(full));
    else if (/(^|\.)namespace\.ya?ml$/.test(entry.name)) out.push(full);
  }
  return out.sort();
}

function readYaml(file: string): Obj {
  const parsed: unknown = parse(fs.readFileSync(file, "utf8"));
  if (!isObj(parsed)) throw new Error(`${file}: expected a YAML mapping`);
  return parsed;
}

/** All namespaces declared under `schemaDir`, keyed by namespace name. */
export function loadNamespaces(schemaDir: string): Map<string, LoadedNamespace> {
  const result = new Map<string, LoadedNamespace>();
  for (const file of findNamespaceFiles(schemaDir)) {
    for (const decl of asList(readYaml(file).namespaces)) {
      const name = String(decl.name);
      if (result.has(name)) throw new Error(`namespace ${name} is declared twice under ${schemaDir}`);
      const sources: Record<string, Obj> = {};
      const schema = asList(decl.schema).map((entry) => {
        if (typeof entry.source !== "string") return entry;
        sources[sourceKey(entry.source)] = readYaml(path.join(path.dirname(file), entry.source));
        return { ...entry, source: sourceKey(entry.source) };
      });
      result.set(name, { declaration: { ...decl, schema }, sources });
    }
  }
  return result;
}

// ---------------------------------------------------------------------------------------------------------
// Existing docs
// ---------------------------------------------------------------------------------------------------------

async function loadExistingDocs(
  nsName: string,
  exportName: string,
  file: string,
): Promise<Map<string, string>> {
  const docs = new Map<string, string>();
  if (!fs.existsSync(file)) return docs;
  const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const ns = mod[exportName];
  if (!isObj(ns) || !isObj(ns.declaration) || !isObj(ns.sources)) {
    throw new Error(`${file} does not export ${exportName}: Namespace`);
  }
  const loaded: LoadedNamespace = { declaration: ns.declaration, sources: ns.sources as Record<string, Obj> };
  forEachDoc(nsName, loaded, (location, holder, key) => {
    const doc = holder[key];
    if (typeof doc === "string") docs.set(location, doc);
  });
  return docs;
}

// ---------------------------------------------------------------------------------------------------------
// Emitting TypeScript
// ---------------------------------------------------------------------------------------------------------

/** Key order in the emitted objects; keys not listed follow in their YAML order. */
const KEY_ORDER = [
  "name",
  "version",
  "neurodata_type_def",
  "data_type_def",
  "neurodata_type_inc",
  "data_type_inc",
  "source",
  "namespace",
  "neurodata_types",
  "title",
  "default_name",
  "doc",
  "author",
  "contact",
  "full_name",
  "target_type",
  "dtype",
  "dims",
  "shape",
  "value",
  "default_value",
  "required",
  "quantity",
  "linkable",
  "schema",
  "attributes",
  "datasets",
  "groups",
  "links",
];
/** Lists whose entries are written one key per line (everything else is written inline). */
const EXPANDED_LISTS = new Set(["schema", "attributes", "datasets", "groups", "links"]);

function orderedEntries(o: Obj): [string, unknown][] {
  const keys = Object.keys(o);
  const known = KEY_ORDER.filter((k) => keys.includes(k));
  return [...known, ...keys.filter((k) => !KEY_ORDER.includes(k))].map((k) => [k, o[k]]);
}

const propName = (k: string) => (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k) ? k : JSON.stringify(k));

function inline(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(inline).join(", ")}]`;
  if (isObj(v)) {
    const body = orderedEntries(v).map(([k, x]) => `${propName(k)}: ${inline(x)}`);
    return body.length === 0 ? "{}" : `{ ${body.join(", ")} }`;
  }
  return JSON.stringify(v);
}

/** An object with one property per line; lists of nodes are expanded recursively. */
function expanded(o: Obj, indent: string): string {
  const inner = `${indent}  `;
  const lines = orderedEntries(o).map(([k, v]) => {
    if (EXPANDED_LISTS.has(k) && Array.isArray(v)) {
      if (v.length === 0) return `${inner}${propName(k)}: [],`;
      const items = v.map((x) => `${inner}  ${isObj(x) ? expanded(x, `${inner}  `) : inline(x)},`);
      return `${inner}${propName(k)}: [\n${items.join("\n")}\n${inner}],`;
    }
    return `${inner}${propName(k)}: ${inline(v)},`;
  });
  return `{\n${lines.join("\n")}\n${indent}}`;
}

function header(what: string): string {
  return [
    "/**",
    ` * ${what}`,
    " *",
    " * Generated by scripts/generateSchema.ts from the official schema. The structure mirrors the",
    " * standard exactly (checked by tests/schema/structure.test.ts); the doc strings are our own wording and",
    " * are kept when the file is regenerated. Edit docs here; regenerate to change structure.",
    " */",
  ].join("\n");
}

function importPath(fromFile: string, toTsFile: string): string {
  let rel = path.relative(path.dirname(fromFile), toTsFile).split(path.sep).join("/");
  if (!rel.startsWith(".")) rel = `./${rel}`;
  return rel.replace(/\.ts$/, ".js");
}

/** The module(s) of one namespace: file path -> text (not yet formatted). */
function renderNamespace(
  nsName: string,
  camel: string,
  ns: LoadedNamespace,
  outDir: string,
  specFile: string,
): Map<string, string> {
  const mainFile = path.join(outDir, `${camel}.ts`);
  const sourceNames = Object.keys(ns.sources);
  const split = sourceNames.length > SPLIT_THRESHOLD;
  const files = new Map<string, string>();
  const version = String(ns.declaration.version);
  const imports: string[] = [];
  let sourcesText: string;

  if (split) {
    const subDir = path.join(outDir, camel);
    const entries: string[] = [];
    for (const source of sourceNames) {
      const file = path.join(subDir, `${camelName(source)}.ts`);
      const text = [
        header(`Source \`${source}\` of the \`${nsName}\` ${version} namespace.`),
        "",
        `import type { SchemaSource } from "${importPath(file, specFile)}";`,
        "",
        `export const ${camelName(source)}: SchemaSource = ${expanded(ns.sources[source]!, "")};`,
        "",
      ].join("\n");
      files.set(file, text);
      imports.push(`import { ${camelName(source)} } from "${importPath(mainFile, file)}";`);
      entries.push(`  ${propName(source)}: ${camelName(source)},`);
    }
    sourcesText = `{\n${entries.join("\n")}\n  }`;
  } else {
    const entries = sourceNames.map((s) => `    ${propName(s)}: ${expanded(ns.sources[s]!, "    ")},`);
    sourcesText = `{\n${entries.join("\n")}\n  }`;
  }

  const text = [
    header(`The \`${nsName}\` ${version} namespace: its declaration and every source it lists.`),
    "",
    `import type { Namespace } from "${importPath(mainFile, specFile)}";`,
    ...imports.sort(),
    "",
    `export const ${camel}: Namespace = {`,
    `  declaration: ${expanded(ns.declaration, "  ")},`,
    `  sources: ${sourcesText},`,
    "};",
    "",
  ].join("\n");
  files.set(mainFile, text);
  return files;
}

/** Formats TypeScript files as the project's biome settings say, through stdin (nothing is written). */
export function formatWithBiome(files: ReadonlyMap<string, string>, repoRoot: string): Map<string, string> {
  const biome = path.join(repoRoot, "node_modules/.bin/biome");
  return new Map(
    [...files].map(([file, text]) => [
      file,
      execFileSync(biome, ["check", "--write", `--stdin-file-path=${path.relative(repoRoot, file)}`], {
        cwd: repoRoot,
        input: text,
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
      }),
    ]),
  );
}

/**
 * Every namespace we carry and where it comes from, relative to the shared folder beside the repository
 * (`../shared`): `--all` regenerates them all, and the staleness test compares the result with what is committed.
 */
export const SCHEMA_INPUTS: readonly { input: string; only?: readonly string[]; out: string }[] = [
  { input: "nwb-schema/hdmf-common/1.8.0", out: "src/nwb/schema/namespaces" },
  { input: "nwb-schema/core/2.7.0", out: "src/nwb/schema/namespaces" },
  { input: "nwb-schema/extensions/ndx-pose/0.3.0", out: "src/nwb/schema/extensions" },
  { input: "nwb-schema/extensions/ndx-sound/0.2.3", out: "src/nwb/schema/extensions" },
  { input: "nwb-schema/extensions/ndx-events/0.4.0", out: "src/nwb/schema/extensions" },
];

/**
 * The formatted modules of the namespaces under `input` (a schema folder), with the doc strings
 * carried over from the modules already in `outDir`; plus the number of docs still missing.
 */
export async function renderSchema(
  input: string,
  outDir: string,
  repoRoot: string,
  options: { only?: readonly string[]; exportName?: string } = {},
): Promise<{ files: Map<string, string>; todo: number }> {
  const specFile = path.join(repoRoot, "src/nwb/schema/spec.ts");
  const namespaces = loadNamespaces(input);
  const selected = options.only ?? [...namespaces.keys()];
  if (options.exportName !== undefined && selected.length !== 1) {
    throw new Error("--name needs exactly one namespace");
  }
  const files = new Map<string, string>();
  let todo = 0;
  for (const nsName of selected) {
    const ns = namespaces.get(nsName);
    if (ns === undefined) throw new Error(`namespace ${nsName} not found in ${input}`);
    const camel = options.exportName ?? camelName(nsName);
    const existing = await loadExistingDocs(nsName, camel, path.join(outDir, `${camel}.ts`));
    const used = new Set<string>();
    forEachDoc(nsName, ns, (location, holder, key) => {
      const doc = existing.get(location);
      if (doc !== undefined) used.add(location);
      else todo++;
      holder[key] = doc ?? `${TODO_PREFIX} ${location}`;
    });
    for (const location of existing.keys()) {
      if (!used.has(location))
        console.warn(`[${nsName}] dropped doc of a location no longer in the schema: ${location}`);
    }
    for (const [file, text] of renderNamespace(nsName, camel, ns, outDir, specFile)) files.set(file, text);
  }
  return { files: formatWithBiome(files, repoRoot), todo };
}

// ---------------------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------------------

async function main(argv: string[]): Promise<void> {
  const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
  let schemaDir: string | undefined;
  let outDir = path.join(repoRoot, "src/nwb/schema/namespaces");
  let only: string[] | undefined;
  let exportName: string | undefined;
  let all = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--out") outDir = path.resolve(argv[++i] ?? "");
    else if (arg === "--only") only = (argv[++i] ?? "").split(",").filter((s) => s.length > 0);
    else if (arg === "--name") exportName = argv[++i];
    else if (arg === "--all") all = true;
    else if (!arg.startsWith("--") && schemaDir === undefined) schemaDir = path.resolve(arg);
    else throw new Error(`unexpected argument ${arg}`);
  }
  const jobs = all
    ? SCHEMA_INPUTS.map((entry) => ({
        input: path.resolve(repoRoot, "..", "shared", entry.input),
        out: path.join(repoRoot, entry.out),
        options: entry.only ? { only: entry.only } : {},
      }))
    : schemaDir === undefined
      ? undefined
      : [
          {
            input: schemaDir,
            out: outDir,
            options: { ...(only ? { only } : {}), ...(exportName ? { exportName } : {}) },
          },
        ];
  if (jobs === undefined) {
    throw new Error(
      "usage: npx tsx scripts/generateSchema.ts (--all | <schema-dir> [--out <dir>] [--only ns1,ns2] [--name id])",
    );
  }
  let count = 0;
  let todo = 0;
  for (const job of jobs) {
    const rendered = await renderSchema(job.input, job.out, repoRoot, job.options);
    for (const [file, text] of rendered.files) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text);
    }
    count += rendered.files.size;
    todo += rendered.todo;
  }
  console.log(`wrote ${count} files`);
  if (todo > 0) console.warn(`${todo} doc strings still need a description (search for "${TODO_PREFIX}")`);
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
