import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { hdf5Backend } from "../../src/index.js";

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t), progress: false },
    out,
    err,
  };
}

const dir = mkdtempSync(join(tmpdir(), "neuroconv-cli-"));

describe("neuroconv command line", () => {
  it("lists interfaces with their aliases", async () => {
    const { io, out } = capture();
    expect(await runCli(["list"], io)).toBe(0);
    expect(out.join("\n")).toMatch(/MockRecordingInterface\s+mock-recording/);
  });

  it("converts with metadata from a YAML file and compression options, and prints a summary", async () => {
    const metadataPath = join(dir, "m.yaml");
    writeFileSync(
      metadataPath,
      "NWBFile:\n  session_start_time: '2024-01-01T12:00:00-05:00'\nSubject:\n  subject_id: M7\n",
    );
    const output = join(dir, "out.nwb");
    const { io, out, err } = capture();
    const code = await runCli(
      [
        "convert",
        "mock-recording",
        "-",
        "-o",
        output,
        "--metadata",
        metadataPath,
        "--compression-level",
        "6",
      ],
      io,
    );
    expect(err).toEqual([]);
    expect(code).toBe(0);
    expect(out.join("\n")).toContain(
      "/acquisition/ElectricalSeries (ElectricalSeries): 30000 x 4 int16, 30000 Hz",
    );
    const file = await hdf5Backend.open(output);
    expect(file.readDataset("/general/subject/subject_id")).toBe("M7");
    expect(file.datasetInfo("/acquisition/ElectricalSeries/data").filters).toEqual([
      { codec: "shuffle" },
      { codec: "gzip", options: { level: 6 } },
    ]);
    file.close();
  });

  it("fails with one line and exit code 1 on bad input", async () => {
    const output = join(dir, "exists.nwb");
    writeFileSync(output, "");
    for (const argv of [
      ["convert", "nope", "x", "-o", join(dir, "a.nwb")],
      ["convert", "mock-recording", "x", "-o", output],
      ["convert", "mock-recording", "x", "-o", join(dir, "b.nwb"), "--compression", "lzf"],
      ["convert", "mock-recording", "x", "-o", join(dir, "c.nwb"), "--compression-level", "11"],
      ["convert", "mock-recording", "x", "-o", join(dir, "d.nwb"), "--jobs", "0"],
    ]) {
      const { io, err } = capture();
      expect(await runCli(argv, io)).toBe(1);
      expect(err).toHaveLength(1);
      expect(err[0]).not.toContain("    at ");
    }
    expect(existsSync(join(dir, "b.nwb"))).toBe(false);
  });

  it("prints the stack trace only with --verbose", async () => {
    const { io, err } = capture();
    expect(await runCli(["--verbose", "convert", "nope", "x", "-o", join(dir, "v.nwb")], io)).toBe(1);
    expect(err.join("\n")).toContain("    at ");
  });
});
