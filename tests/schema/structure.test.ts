/**
 * Our TypeScript definition of the NWB schema must have exactly the structure of the official YAML, while
 * every doc string is our own wording. Reads the official YAML from ../shared/nwb-schema (a sibling of the
 * repository); skipped with a warning when it is absent, unless CI is set.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { renderSchema, SCHEMA_INPUTS } from "../../scripts/generateSchema.js";
import { extensionNamespaces } from "../../src/nwb/schema/extensions/index.js";
import { builtinNamespaces } from "../../src/nwb/schema/namespaces/index.js";
import type { Namespace } from "../../src/nwb/schema/spec.js";

const schemaDir = fileURLToPath(new URL("../../../shared/nwb-schema", import.meta.url));
const haveSchema = fs.existsSync(schemaDir);

if (!haveSchema) {
  const message = `!!! official NWB schema not found at ${schemaDir}: schema structure tests cannot run !!!`;
  if (process.env.CI) throw new Error(message);
  console.warn(`\n${"!".repeat(100)}\n${message}\n${"!".repeat(100)}\n`);
}

/** Where each built-in namespace's declaration lives, relative to the schema folder. */
function namespaceFile(ns: Namespace): string {
  const { name, version } = ns.declaration;
  if (name === "core") return path.join("core", version, "nwb.namespace.yaml");
  if (name === "hdmf-common") return path.join("hdmf-common", version, "namespace.yaml");
  // hdmf-experimental is declared in the hdmf-common namespace file, next to the hdmf-common version.
  const common = builtinNamespaces.find((n) => n.declaration.name === "hdmf-common")!;
  return path.join("hdmf-common", common.declaration.version, "namespace.yaml");
}

/** Where each extension we carry comes from: its namespace file in the release folder `SCHEMA_INPUTS` names. */
const extensionOrigins: Record<string, string> = Object.fromEntries(
  (haveSchema ? SCHEMA_INPUTS : [])
    .filter((entry) => entry.out === "src/nwb/schema/extensions")
    .flatMap((entry) =>
      fs
        .readdirSync(path.join(schemaDir, "..", entry.input))
        .filter((file) => file.endsWith(".namespace.yaml"))
        .map((file) => [
          file.replace(/\.namespace\.yaml$/, ""),
          path.join(schemaDir, "..", entry.input, file),
        ]),
    ),
);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const stripYaml = (s: string) => s.replace(/\.ya?ml$/, "");
/** `$.a` for identifier keys, `$["nwb.base"]` otherwise. */
const child = (at: string, key: string) =>
  /^[A-Za-z_$][\w$]*$/.test(key) ? `${at}.${key}` : `${at}[${JSON.stringify(key)}]`;

interface Official {
  declaration: Obj;
  sources: Record<string, unknown>;
}

/** The namespace declared in a YAML namespace file, in our layout (source names without `.yaml`). */
function loadYaml(file: string, name: string): Official {
  const namespaces = (parse(fs.readFileSync(file, "utf8")) as { namespaces: Obj[] }).namespaces;
  const decl = namespaces.find((n) => n.name === name);
  if (decl === undefined) throw new Error(`${file} does not declare ${name}`);
  const sources: Record<string, unknown> = {};
  const schema = (decl.schema as Obj[]).map((entry) => {
    if (typeof entry.source !== "string") return entry;
    sources[stripYaml(entry.source)] = parse(
      fs.readFileSync(path.join(path.dirname(file), entry.source), "utf8"),
    );
    return { ...entry, source: stripYaml(entry.source) };
  });
  return { declaration: { ...decl, schema }, sources };
}

/** The official namespace in our layout: declaration (source names without `.yaml`) and sources. */
function loadOfficial(ns: Namespace): Official {
  const { name } = ns.declaration;
  return loadYaml(extensionOrigins[name] ?? path.join(schemaDir, namespaceFile(ns)), name);
}

/** Deep copy without `doc` / `title` properties. */
function stripDocs(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripDocs);
  if (!isObj(v)) return v;
  return Object.fromEntries(
    Object.entries(v)
      .filter(([k]) => k !== "doc" && k !== "title")
      .map(([k, x]) => [k, stripDocs(x)]),
  );
}

/** The first path at which `ours` and `official` differ, with both values; undefined when deep-equal. */
function firstDifference(ours: unknown, official: unknown, at = "$"): string | undefined {
  const show = (v: unknown) => JSON.stringify(v)?.slice(0, 200);
  if (Array.isArray(ours) && Array.isArray(official)) {
    for (let i = 0; i < Math.max(ours.length, official.length); i++) {
      if (i >= ours.length) return `${at}[${i}]: missing in ours, official has ${show(official[i])}`;
      if (i >= official.length) return `${at}[${i}]: extra in ours: ${show(ours[i])}`;
      const d = firstDifference(ours[i], official[i], `${at}[${i}]`);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  if (isObj(ours) && isObj(official)) {
    for (const k of new Set([...Object.keys(official), ...Object.keys(ours)])) {
      if (!(k in ours)) return `${child(at, k)}: missing in ours, official has ${show(official[k])}`;
      if (!(k in official)) return `${child(at, k)}: extra in ours: ${show(ours[k])}`;
      const d = firstDifference(ours[k], official[k], child(at, k));
      if (d !== undefined) return d;
    }
    return undefined;
  }
  return Object.is(ours, official) ? undefined : `${at}: ours ${show(ours)} != official ${show(official)}`;
}

/** Every `doc` / `title` string under `v`, keyed by its JSON path. */
function collectDocs(v: unknown, at = "$", out = new Map<string, unknown>()): Map<string, unknown> {
  if (Array.isArray(v)) {
    for (const [i, x] of v.entries()) collectDocs(x, `${at}[${i}]`, out);
  } else if (isObj(v)) {
    for (const [k, x] of Object.entries(v)) {
      if ((k === "doc" || k === "title") && !isObj(x) && !Array.isArray(x)) out.set(child(at, k), x);
      else collectDocs(x, child(at, k), out);
    }
  }
  return out;
}

const normalize = (s: string) => s.replace(/\s+/g, " ").trim().toLowerCase();
const words = (s: string) =>
  s
    .trim()
    .split(/\s+/)
    .filter((w) => w.length > 0).length;

describe.skipIf(!haveSchema)("NWB schema definitions", () => {
  it("lists the built-in namespaces in dependency order", () => {
    expect(builtinNamespaces.map((n) => n.declaration.name)).toEqual([
      "hdmf-common",
      "hdmf-experimental",
      "core",
    ]);
  });

  it("is what the generator makes of the official schema today (regenerate and compare)", async () => {
    const root = fileURLToPath(new URL("../..", import.meta.url));
    const stale: string[] = [];
    for (const entry of SCHEMA_INPUTS) {
      const { files, todo } = await renderSchema(
        path.join(schemaDir, "..", entry.input),
        path.join(root, entry.out),
        root,
        entry.only ? { only: entry.only } : {},
      );
      expect(todo, `${entry.input}: doc strings missing`).toBe(0);
      for (const [file, text] of files) if (fs.readFileSync(file, "utf8") !== text) stale.push(file);
    }
    expect(stale, "run npx tsx scripts/generateSchema.ts --all").toEqual([]);
  }, 60_000);

  it("carries one origin per extension", () => {
    expect(Object.keys(extensionNamespaces).sort()).toEqual(Object.keys(extensionOrigins).sort());
  });

  for (const ns of [...builtinNamespaces, ...Object.values(extensionNamespaces)]) {
    const name = ns.declaration.name;

    it(`${name}: has the official structure`, async () => {
      const official = await loadOfficial(ns);
      const difference = firstDifference(stripDocs(ns), stripDocs(official));
      if (difference !== undefined)
        expect.fail(`first difference from the official ${name} schema: ${difference}`);
    });

    it(`${name}: has our own, non-empty doc strings`, async () => {
      const ours = collectDocs(ns);
      const official = collectDocs(await loadOfficial(ns));
      const problems: string[] = [];
      for (const [at, doc] of official) {
        const mine = ours.get(at);
        if (typeof mine !== "string" || mine.trim() === "") problems.push(`${at}: missing or empty doc`);
        else if (/^\s*TODO\b/i.test(mine)) problems.push(`${at}: still a TODO marker: ${mine}`);
        else if (typeof doc === "string" && words(doc) >= 4 && normalize(doc) === normalize(mine)) {
          problems.push(`${at}: copies the official doc: ${mine}`);
        }
      }
      for (const at of ours.keys())
        if (!official.has(at)) problems.push(`${at}: doc where the official has none`);
      expect(problems, `${problems.length} doc problems in ${name}`).toEqual([]);
    });
  }
});
