/**
 * What the published package holds: the build's declaration files compile in a project without
 * @types/node, source maps carry their sources, LICENSE ships, and every public export is documented.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const TSC = join(ROOT, "node_modules/typescript/bin/tsc");
// inside the repository, so that the build's imports of its dependencies resolve as an installed package's do
mkdirSync(join(ROOT, ".tmp"), { recursive: true });
const out = mkdtempSync(join(ROOT, ".tmp", "build-"));

function files(dir: string, suffix: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(suffix))
    .map((f) => join(dir, f));
}

describe("the published package", () => {
  beforeAll(() => {
    execFileSync(process.execPath, [TSC, "-p", join(ROOT, "tsconfig.build.json"), "--outDir", out], {
      cwd: ROOT,
    });
  }, 300_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it("ships LICENSE (BSD-3-Clause) and README, and builds in prepack, not on every install", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    expect(pkg.license).toBe("BSD-3-Clause");
    expect(readFileSync(join(ROOT, "LICENSE"), "utf8")).toMatch(/^BSD 3-Clause License/);
    expect(pkg.scripts.prepack).toBe("npm run build");
    expect(pkg.scripts.prepare).toBeUndefined();
    expect(pkg.scripts.postinstall).toBeUndefined();
    const pack = spawnSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
      cwd: ROOT,
      encoding: "utf8",
    });
    const listed = (JSON.parse(pack.stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    expect(listed).toEqual(expect.arrayContaining(["LICENSE", "README.md", "package.json"]));
  });

  it("has source maps that carry their sources (no map points at an unshipped file)", () => {
    const maps = files(out, ".js.map");
    expect(maps.length).toBeGreaterThan(50);
    for (const path of maps) {
      const map = JSON.parse(readFileSync(path, "utf8")) as { sources: string[]; sourcesContent?: string[] };
      expect(map.sourcesContent?.length, path).toBe(map.sources.length);
    }
    expect(files(out, ".d.ts.map")).toEqual([]);
  });

  it("has declaration files that compile without @types/node (lib ES2022 + DOM)", () => {
    const consumer = mkdtempSync(join(ROOT, ".tmp", "consumer-"));
    writeFileSync(
      join(consumer, "use.ts"),
      `import * as neuroconv from "${join(out, "index.js")}";\nimport * as testing from "${join(out, "testing/index.js")}";\nexport const used = [neuroconv.NWBFile, testing.MockRecordingInterface];\n`,
    );
    const compilerOptions = {
      strict: true,
      noEmit: true,
      skipLibCheck: false,
      types: [],
      // AbortSignal (the write API's `signal`, a web standard type) comes from lib DOM when @types/node is absent
      lib: ["ES2022", "DOM"],
      module: "NodeNext",
      moduleResolution: "NodeNext",
      target: "ES2022",
    };
    writeFileSync(join(consumer, "tsconfig.json"), JSON.stringify({ compilerOptions, files: ["use.ts"] }));
    const result = spawnSync(process.execPath, [TSC, "-p", join(consumer, "tsconfig.json")], {
      encoding: "utf8",
    });
    expect(result.stdout + result.stderr).toBe("");
    expect(result.status).toBe(0);
    rmSync(consumer, { recursive: true, force: true });
  });
});

describe("the public API (src/index.ts)", () => {
  const program = ts.createProgram([join(ROOT, "src/index.ts")], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
  });
  const checker = program.getTypeChecker();
  const index = checker.getSymbolAtLocation(program.getSourceFile(join(ROOT, "src/index.ts"))!)!;
  const exported = checker.getExportsOfModule(index).map((symbol) => ({
    name: symbol.name,
    target: symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol,
    alias: symbol,
  }));

  it("exports by name, each export documented", () => {
    const source = readFileSync(join(ROOT, "src/index.ts"), "utf8");
    expect(source).not.toMatch(/export \* from/);
    // documented at its definition, or by a /** ... */ comment on the index's export statement that names it
    const indexFile = program.getSourceFile(join(ROOT, "src/index.ts"))!;
    const documentedHere = new Set<string>();
    for (const statement of indexFile.statements) {
      const comments = ts.getLeadingCommentRanges(indexFile.text, statement.pos) ?? [];
      const doc = comments.map((c) => indexFile.text.slice(c.pos, c.end)).find((c) => c.startsWith("/**"));
      if (!doc || !ts.isExportDeclaration(statement) || !statement.exportClause) continue;
      if (!ts.isNamedExports(statement.exportClause)) continue;
      for (const element of statement.exportClause.elements) {
        if (doc.includes(element.name.text)) documentedHere.add(element.name.text);
      }
    }
    const undocumented = exported
      .filter(
        ({ name, target, alias }) =>
          !documentedHere.has(name) &&
          ts.displayPartsToString(target.getDocumentationComment(checker)) === "" &&
          ts.displayPartsToString(alias.getDocumentationComment(checker)) === "",
      )
      .map((e) => e.name);
    expect(undocumented).toEqual([]);
  });

  it("leaves the test mocks to neuroconv/testing", () => {
    expect(exported.map((e) => e.name).filter((n) => n.startsWith("Mock"))).toEqual([]);
    const registry = readFileSync(join(ROOT, "src/interfaces/registry.ts"), "utf8");
    expect(registry).not.toContain("testing/");
  });
});
