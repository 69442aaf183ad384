import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = join(import.meta.dirname, "../../src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith(".ts")
        ? [join(dir, entry.name)]
        : [],
  );
}

describe("warnings", () => {
  it("all go through emitNeuroconvWarning, so the CLI prints each as one 'warning:' line", () => {
    const bypassing = sourceFiles(SRC)
      .filter((file) => readFileSync(file, "utf8").includes("process.emitWarning("))
      .map((file) => relative(SRC, file));
    expect(bypassing).toEqual(["conversion/warnings.ts"]);
  });
});
