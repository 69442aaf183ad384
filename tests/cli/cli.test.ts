/**
 * The command line end to end on real sample files: flags from each interface's source schema, start time
 * and time zone rules, one-line warnings, progress, the DANDI summary, list, --version and unknown names.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { type CliIO, runCli } from "../../src/cli/main.js";
import { formatEta, progressReporter } from "../../src/cli/progress.js";
import { hdf5Backend } from "../../src/index.js";
import { hasTestdata, testdata } from "../helpers/testdata.js";

function capture(terminal = false) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { out: (t) => out.push(t), err: (t) => err.push(t), terminal };
  return { io, out, err };
}

async function run(argv: string[]) {
  const { io, out, err } = capture();
  const code = await runCli(argv, io);
  return { code, out: out.join("\n"), err };
}

const HAVE = hasTestdata();
const dir = mkdtempSync(join(tmpdir(), "neuroconv-cli-"));
const RHD = testdata("intan/sampledata.rhd");
const PHY = testdata("phy/template");
const MULTIEXP = testdata("openephys_binary/v0.6.x_neuropixels_multiexp_multistream");
const ROOT = resolve(import.meta.dirname, "../..");
const VERSION = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;
let outputs = 0;
const output = () => join(dir, `out${outputs++}.nwb`);

describe("neuroconv command line: without sample files", () => {
  it("prints the package version", async () => {
    const { io, out } = capture();
    expect(await runCli(["--version"], io)).toBe(0);
    expect(out).toEqual([VERSION]);
  });

  it("lists the registered interfaces under a header, in aligned columns, without test mocks", async () => {
    const { io, out } = capture();
    expect(await runCli(["list"], io)).toBe(0);
    expect(out[0]).toMatch(/^INTERFACE\s+ALIASES\s+PATH\s+CONVERTS$/);
    expect(out.join("\n")).not.toMatch(/mock/i);
    const aliasColumn = out[0]!.indexOf("ALIASES");
    const row = out.find((line) => line.startsWith("OpenEphysRecordingInterface "))!;
    expect(row.indexOf("openephys")).toBe(aliasColumn);
    expect(out.find((line) => line.startsWith("PhySortingInterface "))!.indexOf("phy")).toBe(aliasColumn);
  });

  it("answers a NeuroConv interface we do not have yet with 'not supported yet' and the closest ones", async () => {
    const { code, err } = await run(["convert", "MCSRawRecordingInterface", "x", "-o", output()]);
    expect(code).toBe(1);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(
      /^error: NeuroConv's MCSRawRecordingInterface is not supported yet; the closest interfaces we have: \w+RecordingInterface/,
    );
    const alias = await run(["convert", "mcsraw", "x", "-o", output()]);
    expect(alias.err[0]).toContain("NeuroConv's MCSRawRecordingInterface is not supported yet");
  });

  it("suggests the closest names for a misspelled interface", async () => {
    const { code, err } = await run(["convert", "spikglx", "x", "-o", output()]);
    expect(code).toBe(1);
    expect(err).toEqual([
      expect.stringMatching(/^error: unknown interface 'spikglx'; the closest: SpikeGLX/),
    ]);
  });

  it("lists an interface's source flags in convert <interface> --help", async () => {
    const { code, out } = await run(["convert", "openephys-all", "--help"]);
    expect(code).toBe(0);
    expect(out).toContain("OpenEphysConverter source arguments:");
    expect(out).toMatch(/--block-index <n>\s+Which recording/);
    expect(out).toMatch(/--exclude-streams <a,b,...>/);
    expect(out).not.toContain("--folder-path");
    expect((await run(["convert", "phy", "--help"])).out).toMatch(/--exclude-cluster-groups <a,b,...>/);
  });

  it("finds the interface after options and their values given before it", async () => {
    const { code, out } = await run([
      "convert",
      "--overwrite",
      "-o",
      "x.nwb",
      "--jobs",
      "1",
      "tiff",
      "--help",
    ]);
    expect(code).toBe(0);
    expect(out).toMatch(/TiffImagingInterface source arguments:[\s\S]*--sampling-frequency <n>/);
    expect((await run(["metadata", "--verbose", "phy", "--help"])).out).toMatch(/--exclude-cluster-groups/);
  });
});

describe("progress on the command line", () => {
  it("shows no ETA until it means something, and never Infinity or NaN", () => {
    expect(formatEta(Number.POSITIVE_INFINITY)).toBe("--");
    expect(formatEta(Number.NaN)).toBe("--");
    expect(formatEta(42.4)).toBe("42s");
    expect(formatEta(65)).toBe("1m05s");
  });

  it("prints one line per 10 % when not on a terminal, ending at 100 %", () => {
    const lines: string[] = [];
    const reporter = progressReporter("lines", (line) => lines.push(line));
    for (let written = 0; written <= 1000; written += 25) reporter.update(written, 1000);
    reporter.finish();
    expect(lines.map((l) => l.split(" ")[1])).toEqual([
      "10%",
      "20%",
      "30%",
      "40%",
      "50%",
      "60%",
      "70%",
      "80%",
      "90%",
      "100%",
    ]);
  });
});

describe.skipIf(!HAVE)("neuroconv command line on real files", () => {
  it("passes schema-derived source flags: a stream and block of a multi-experiment Open Ephys folder", async () => {
    const path = output();
    const { code, err } = await run([
      "convert",
      "openephys",
      MULTIEXP,
      "--stream-name",
      "Record Node 101#Neuropix-PXI-100.ProbeB",
      "--block-index",
      "1",
      "-o",
      path,
      "--stub-test",
      "--session-start-time",
      "2022-05-03T10:52:24-07:00",
    ]);
    expect(err.filter((line) => line.startsWith("error"))).toEqual([]);
    expect(code).toBe(0);
    const file = await hdf5Backend.open(path);
    try {
      expect(String(file.getAttribute("/acquisition/ElectricalSeries", "description"))).toContain(
        "(experiment 3, recording 1)",
      );
      expect(file.datasetInfo("/acquisition/ElectricalSeries/data").shape[1]).toBe(384);
    } finally {
      file.close();
    }
  });

  it("names the flag beside the source argument in an error: a folder of several streams", async () => {
    const { code, err } = await run(["convert", "openephys", MULTIEXP, "-o", output()]);
    expect(code).toBe(1);
    expect(err).toEqual([
      `error: ${MULTIEXP}: holds 3 streams; choose one with streamName (--stream-name): 'Record Node 101#NI-DAQmx-103.PXIe-6341', 'Record Node 101#Neuropix-PXI-100.ProbeB', 'Record Node 101#Neuropix-PXI-100.ProbeC'`,
    ]);
  });

  it("rejects a flag value of the wrong type, naming the flag", async () => {
    const { code, err } = await run([
      "convert",
      "openephys",
      MULTIEXP,
      "--block-index",
      "two",
      "-o",
      output(),
    ]);
    expect(code).toBe(1);
    expect(err).toEqual([
      "error: option '--block-index <n>' argument 'two' is invalid. --block-index needs an integer",
    ]);
  });

  it("passes a comma-separated list flag: Phy without the 'good' clusters", async () => {
    const path = output();
    const { code } = await run([
      "convert",
      "phy",
      PHY,
      "--exclude-cluster-groups",
      "good,noise",
      "--session-start-time",
      "2024-01-01T10:00:00+01:00",
      "--no-progress",
      "-o",
      path,
    ]);
    expect(code).toBe(0);
    // cluster_group.tsv labels one cluster of the 62 in spike_clusters.npy "good"
    const labels = readFileSync(join(PHY, "cluster_group.tsv"), "utf8").trim().split("\n").slice(1);
    expect(labels.filter((l) => l.endsWith("\tgood"))).toHaveLength(1);
    const file = await hdf5Backend.open(path);
    try {
      expect(file.datasetInfo("/units/id").shape).toEqual([61]);
    } finally {
      file.close();
    }
  });

  it("sets the start time of a source that records none, and attaches --timezone to a time without one", async () => {
    const path = output();
    const { code, out } = await run([
      "convert",
      "intan",
      RHD,
      "--stub-test",
      "--session-start-time",
      "2024-07-01T09:30:00",
      "--timezone",
      "US/Pacific",
      "-o",
      path,
    ]);
    expect(code).toBe(0);
    expect(out).toContain("session start 2024-07-01T09:30:00-07:00");
    const file = await hdf5Backend.open(path);
    expect(file.readDataset("/session_start_time")).toBe("2024-07-01T09:30:00-07:00");
    file.close();
  });

  it("refuses --timezone on a start time that already has another offset, and keeps one that matches", async () => {
    const refused = output();
    const { code, err } = await run([
      "convert",
      "intan",
      RHD,
      "--session-start-time",
      "2024-07-01T09:30:00+02:00",
      "--timezone",
      "US/Pacific",
      "-o",
      refused,
    ]);
    expect(code).toBe(1);
    expect(err).toEqual([
      "error: invalid metadata: NWBFile.session_start_time '2024-07-01T09:30:00+02:00' already has the offset +02:00, but US/Pacific is -07:00 at that time; drop the time zone option, or give the time without an offset",
    ]);
    expect(existsSync(refused)).toBe(false);
    const kept = await run([
      "convert",
      "intan",
      RHD,
      "--stub-test",
      "--session-start-time",
      "2024-07-01T09:30:00+02:00",
      "--timezone",
      "Europe/Berlin",
      "-o",
      output(),
    ]);
    expect(kept.code).toBe(0);
    expect(kept.out).toContain("session start 2024-07-01T09:30:00+02:00");
  });

  it("rejects a start time that is not ISO 8601", async () => {
    const { code, err } = await run([
      "convert",
      "intan",
      RHD,
      "--session-start-time",
      "July 1",
      "-o",
      output(),
    ]);
    expect(code).toBe(1);
    expect(err).toEqual([
      "error: option '--session-start-time <iso>' argument 'July 1' is invalid. must be an ISO 8601 date-time, e.g. 2024-03-01T10:00:00-08:00",
    ]);
  });

  it("prints warnings as one line each, progress per 10 % when not a terminal, and what DANDI still needs", async () => {
    const metadataPath = join(dir, "subject.yaml");
    writeFileSync(metadataPath, "Subject:\n  subject_id: M7\n  species: Mus musculus\n");
    const path = output();
    const { io, out, err } = capture(false);
    const code = await runCli(
      [
        "convert",
        "intan",
        RHD,
        "--session-start-time",
        "2024-07-01T09:30:00",
        "--metadata",
        metadataPath,
        "--compression-level",
        "6",
        "-o",
        path,
      ],
      io,
    );
    expect(code).toBe(0);
    const file = await hdf5Backend.open(path);
    expect(file.readDataset("/general/subject/subject_id")).toBe("M7");
    expect(file.datasetInfo("/acquisition/ElectricalSeries/data").filters).toContainEqual({
      codec: "gzip",
      options: { level: 6 },
    });
    file.close();
    const warnings = err.filter((line) => line.startsWith("warning: "));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^warning: NWBFile.session_start_time '2024-07-01T09:30:00' has no time zone/,
    );
    expect(err.join("\n")).not.toContain("(node:");
    const progress = err.filter((line) => line.startsWith("writing: "));
    expect(progress.at(-1)).toMatch(/^writing: 100% \(/);
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress.length).toBeLessThanOrEqual(10);
    expect(err.join("\n")).not.toMatch(/ETA|NaN|Infinity|null/i);
    const dandi = out.join("\n");
    expect(dandi).toContain("DANDI upload still needs: ");
    expect(dandi).toContain("Subject.sex (M, F, U or O)");
    expect(dandi).not.toContain("Subject.subject_id");
    expect(dandi).not.toContain("Subject.species");
  });

  it("prints no progress with --no-progress", async () => {
    const { io, err } = capture(false);
    const argv = ["convert", "intan", RHD, "--stub-test", "--session-start-time", "2024-07-01T09:30:00Z"];
    expect(await runCli([...argv, "--no-progress", "-o", output()], io)).toBe(0);
    expect(err).toEqual([]);
  });

  it("runs as a program: one-line warnings on stderr, no Node warning banner", () => {
    const result = spawnSync(
      process.execPath,
      [
        "--import",
        "tsx",
        join(ROOT, "src/cli/main.ts"),
        "convert",
        "intan",
        RHD,
        "--stub-test",
        "--session-start-time",
        "2024-07-01T09:30:00",
        "-o",
        output(),
      ],
      { cwd: ROOT, encoding: "utf8" },
    );
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(
      /^warning: NWBFile.session_start_time '2024-07-01T09:30:00' has no time zone/m,
    );
    expect(result.stderr).not.toContain("(node:");
    expect(result.stderr).not.toContain("--trace-warnings");
    expect(result.stdout).toContain("/acquisition/ElectricalSeries (ElectricalSeries): 100 x 32 int16");
  });

  it("fails with one line naming the problem, and does not overwrite", async () => {
    const existing = join(dir, "exists.nwb");
    writeFileSync(existing, "");
    const exists = await run(["convert", "intan", RHD, "-o", existing]);
    expect(exists.code).toBe(1);
    expect(exists.err).toEqual([
      expect.stringMatching(/^error: cannot write '.*exists\.nwb': .*--overwrite/),
    ]);
    const badChoice = await run(["convert", "intan", RHD, "-o", output(), "--compression", "lzf"]);
    expect(badChoice.err).toEqual([
      "error: option '--compression <method>' argument 'lzf' is invalid. Allowed choices are gzip, none.",
    ]);
    const badJobs = await run(["convert", "intan", RHD, "-o", output(), "--jobs", "0"]);
    expect(badJobs.err).toEqual([
      "error: option '--jobs <n>' argument '0' is invalid. must be a positive integer",
    ]);
    const badLevel = await run(["convert", "intan", RHD, "-o", output(), "--compression-level", "11"]);
    expect(badLevel.err).toEqual([
      "error: option '--compression-level <n>' argument '11' is invalid. must be an integer from 0 to 9",
    ]);
    const unknownFlag = await run(["convert", "intan", RHD, "-o", output(), "--stream-name", "x"]);
    expect(unknownFlag.err).toEqual(["error: unknown option '--stream-name'"]);
  });

  it("prints the errors its own checks raise (not only the parser's)", async () => {
    const noStart = await run(["convert", "phy", PHY, "-o", output(), "--timezone", "UTC"]);
    expect(noStart.code).toBe(1);
    expect(noStart.err).toEqual([
      "error: invalid metadata: --timezone: the source records no session start time; give one with --session-start-time",
    ]);
    const twoPaths = await run(["convert", "phy", PHY, PHY, "-o", output()]);
    expect(twoPaths.code).toBe(1);
    expect(twoPaths.err.join("\n")).toContain(
      `PhySortingInterface: invalid source arguments:\n  - takes one path; got 2`,
    );
  });

  it("prints the stack trace only with --verbose", async () => {
    const { io, err } = capture();
    expect(await runCli(["--verbose", "convert", "nope", "x", "-o", output()], io)).toBe(1);
    expect(err.join("\n")).toContain("    at ");
  });
});
