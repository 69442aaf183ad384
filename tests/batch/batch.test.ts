import { spawn } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { runConversionFromYaml, shardOf } from "../../src/batch/runner.js";
import { planSessions } from "../../src/batch/sessions.js";
import { loadSpecification, specificationSchemaJson } from "../../src/batch/specification.js";
import { runCli } from "../../src/cli/main.js";
import { isNeuroconvError } from "../../src/errors.js";
import { nwbcheck, nwbcheckAvailable, python } from "../helpers/nwbcheck.js";
import { hasTestdata, skipTest, TESTDATA, testdata } from "../helpers/testdata.js";

const HAVE = hasTestdata();
const EXAMPLE = resolve(import.meta.dirname, "example_specification.yml");
const CLI = resolve(import.meta.dirname, "../../src/cli/main.ts");

function temporary(): string {
  return mkdtempSync(join(tmpdir(), "batch-"));
}

function specificationFile(text: string): string {
  const path = join(temporary(), "spec.yml");
  writeFileSync(path, text);
  return path;
}

/** The SpecificationError message of loading and planning `text` over the sample data. */
async function problemsOf(text: string, dataFolder = TESTDATA): Promise<string> {
  try {
    const loaded = await loadSpecification(specificationFile(text));
    planSessions(loaded, { dataFolder, outputFolder: temporary() });
  } catch (error) {
    expect(isNeuroconvError(error, "SpecificationError")).toBe(true);
    return (error as Error).message;
  }
  throw new Error("the specification was accepted");
}

/** A study folder: subjects m1, m2 with two dated sessions each, every recording a link to the Intan sample. */
function studyTree(): string {
  const root = temporary();
  for (const subject of ["m1", "m2"]) {
    for (const session of ["20240301", "20240302"]) {
      const folder = join(root, "study", subject, session);
      mkdirSync(folder, { recursive: true });
      symlinkSync(testdata("intan/sampledata.rhd"), join(folder, "recording.rhd"));
    }
  }
  return root;
}

const TEMPLATED = `
metadata:
  Subject: { species: Mus musculus, sex: U, age: P90D }
conversion_options: { stub_test: true }
data_interfaces: { intan: IntanRecordingInterface }
experiments:
  study:
    metadata:
      NWBFile: { session_description: templated }
    expand:
      source_data:
        intan: { file_path: "study/{subject_id}/{session_start_time}/recording.rhd" }
      nwbfile_name: "sub-{subject_id}_ses-{session_start_time}"
`;

describe("conversion specification errors name the line, key path and fix", () => {
  it("unknown key", async () => {
    const message = await problemsOf("data_interfaces: {}\nexperiments:\n  a:\n    sesions: []\n");
    expect(message).toContain(
      "spec.yml:4 (experiments.a.sesions): unknown key 'sesions'; allowed here: metadata, sessions, expand",
    );
  });

  it("unknown interface", async () => {
    const message = await problemsOf(
      "data_interfaces:\n  ap: SpikeGLXRecordingInterfaceX\nexperiments: {}\n",
    );
    expect(message).toMatch(
      /spec\.yml:2 \(data_interfaces\.ap\): unknown interface 'SpikeGLXRecordingInterfaceX'; the closest: SpikeGLXRecordingInterface/,
    );
  });

  it.skipIf(!HAVE)("missing source path and unknown source argument", async () => {
    const message = await problemsOf(
      [
        "data_interfaces: { intan: IntanRecordingInterface }",
        "experiments:",
        "  e:",
        "    sessions:",
        "      - source_data:",
        "          intan:",
        "            file_path: intan/nothing.rhd",
        "            colour: red",
      ].join("\n"),
    );
    expect(message).toContain(
      `spec.yml:7 (experiments.e.sessions.0.source_data.intan.file_path): '${testdata("intan/nothing.rhd")}' does not exist`,
    );
    expect(message).toContain("--data-folder-path");
    expect(message).toContain(
      "spec.yml:8 (experiments.e.sessions.0.source_data.intan.colour): IntanRecordingInterface has no source argument 'colour'",
    );
  });

  it.skipIf(!HAVE)("a template that matches nothing", async () => {
    const message = await problemsOf(TEMPLATED, temporary());
    expect(message).toMatch(
      /spec\.yml:12 \(experiments\.study\.expand\.source_data\.intan\.file_path\): the template 'study\/\{subject_id\}\/\{session_start_time\}\/recording\.rhd' matches nothing/,
    );
  });
});

describe.skipIf(!HAVE)("batch conversion of real samples", () => {
  it("NeuroConv's example specification converts unchanged, files valid with the merged metadata", async () => {
    const output = temporary();
    const lines: string[] = [];
    const code = await runCli(
      [EXAMPLE, "--data-folder-path", TESTDATA, "--output-folder-path", output, "--jobs", "2"],
      { out: (t) => lines.push(t), err: () => {} },
    );
    expect(code, lines.join("\n")).toBe(0);
    const files = [
      "example_converter_spec_1.nwb",
      "example_converter_spec_2.nwb",
      "example_converter_spec_3.nwb",
    ];
    expect(readdirSync(output).sort()).toEqual(files);
    expect(lines.join("\n")).toMatch(/example_converter_spec_3\s+converted/);
    if (!nwbcheckAvailable()) skipTest("nwbcheck cannot run here");
    const checked = nwbcheck(...files.map((f) => join(output, f)));
    expect(checked.passed, checked.output).toBe(true);
    const read = python(
      `import h5py, json, sys
out = []
for p in sys.argv[1:]:
    with h5py.File(p, "r") as f:
        t = lambda k: f[k][()].decode() if k in f else None
        out.append([t("general/lab"), t("general/institution"), t("session_description"), t("general/subject/subject_id"), t("session_start_time"), sorted(f["acquisition"].keys()), "units" in f])
print(json.dumps(out))`,
      ...files.map((f) => join(output, f)),
    );
    const [one, two, three] = JSON.parse(read) as unknown[][];
    expect(one!.slice(0, 5)).toEqual([
      "My Lab",
      "My Institution",
      "Subject navigating a Y-shaped maze.",
      "1",
      "2020-10-09T21:19:09+00:00",
    ]);
    // NeuroConv's SpikeGLX form (folder_path + stream_id) finds the same stream
    expect(two!.slice(3, 6)).toEqual(["002", "2020-10-10T21:19:09+00:00", one![5]]);
    expect(three![3]).toBe("Subject Name");
    expect(three![6]).toBe(true);
  }, 180_000);

  it("a templated experiment: every session found, fields in metadata and names; a broken one fails alone; re-run resumes", async () => {
    const data = studyTree();
    // a fifth session whose recording is truncated
    mkdirSync(join(data, "study", "m3", "20240303"), { recursive: true });
    writeFileSync(join(data, "study", "m3", "20240303", "recording.rhd"), Buffer.alloc(100));
    const spec = specificationFile(TEMPLATED);
    const output = join(temporary(), "out");
    const dry = await runConversionFromYaml({
      specificationPath: spec,
      dataFolderPath: data,
      outputFolderPath: output,
      dryRun: true,
    });
    expect(dry.map((r) => r.session)).toEqual([
      "sub-m1_ses-20240301",
      "sub-m1_ses-20240302",
      "sub-m2_ses-20240301",
      "sub-m2_ses-20240302",
      "sub-m3_ses-20240303",
    ]);
    // a start time captured from a folder name has no time zone: DANDI would reject every file
    expect(dry.slice(0, 4).map((r) => [r.status, r.dandiMissing])).toEqual(
      Array(4).fill([
        "planned",
        [`NWBFile.session_start_time needs a time zone (use withTimeZone(value, "US/Pacific"))`],
      ]),
    );
    expect(dry[4]!.status).toBe("failed");
    expect(existsSync(output)).toBe(false);

    const results = await runConversionFromYaml({
      specificationPath: spec,
      dataFolderPath: data,
      outputFolderPath: output,
      jobs: 2,
    });
    expect(results.map((r) => r.status)).toEqual([
      "converted",
      "converted",
      "converted",
      "converted",
      "failed",
    ]);
    expect(results[4]!.error).toMatch(/recording\.rhd/);
    expect(readdirSync(output).sort()).toEqual(results.slice(0, 4).map((r) => `${r.session}.nwb`));
    const read = python(
      `import h5py, sys
with h5py.File(sys.argv[1], "r") as f:
    print(f["general/subject/subject_id"][()].decode(), f["session_start_time"][()].decode(), f["session_description"][()].decode())`,
      join(output, "sub-m2_ses-20240302.nwb"),
    );
    // a start time without a zone is written as UTC (with a warning), as for single conversions
    expect(read.trim()).toBe("m2 2024-03-02T00:00:00+00:00 templated");

    // the dry run's datasets are the ones written, shapes as h5py reads them
    const shapes = python(
      `import h5py, json, sys
with h5py.File(sys.argv[1], "r") as f:
    print(json.dumps({k: list(f[k].shape) for k in sys.argv[2:]}))`,
      join(output, "sub-m1_ses-20240301.nwb"),
      ...dry[0]!.datasets!.map((d) => d.location),
    );
    expect(dry[0]!.datasets!.length).toBeGreaterThan(0);
    expect(JSON.parse(shapes)).toEqual(
      Object.fromEntries(dry[0]!.datasets!.map((d) => [d.location, d.shape])),
    );

    const modified = statSync(join(output, "sub-m1_ses-20240301.nwb")).mtimeMs;
    const again = await runConversionFromYaml({
      specificationPath: spec,
      dataFolderPath: data,
      outputFolderPath: output,
      jobs: 2,
    });
    expect(again.map((r) => r.status)).toEqual(["skipped", "skipped", "skipped", "skipped", "failed"]);
    expect(statSync(join(output, "sub-m1_ses-20240301.nwb")).mtimeMs).toBe(modified);
  }, 240_000);

  it("a batch stopped mid-way (SIGTERM) leaves no partial file and its re-run redoes only unfinished sessions", async () => {
    const data = studyTree();
    const spec = specificationFile(TEMPLATED);
    const output = join(temporary(), "out");
    const args = [
      "--import",
      "tsx",
      CLI,
      "run",
      spec,
      "--data-folder-path",
      data,
      "--output-folder-path",
      output,
      "--jobs",
      "1",
    ];
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      // stop while the second session is being converted
      if (/sub-m1_ses-20240302: started/.test(stderr)) child.kill("SIGTERM");
    });
    expect(await exited, stderr).toBe(143);
    expect(readdirSync(output)).toEqual(["sub-m1_ses-20240301.nwb"]);
    const finished = statSync(join(output, "sub-m1_ses-20240301.nwb")).mtimeMs;
    const again = await runConversionFromYaml({
      specificationPath: spec,
      dataFolderPath: data,
      outputFolderPath: output,
      jobs: 2,
    });
    expect(again.map((r) => r.status)).toEqual(["skipped", "converted", "converted", "converted"]);
    expect(statSync(join(output, "sub-m1_ses-20240301.nwb")).mtimeMs).toBe(finished);
  }, 240_000);

  it("shards are disjoint and cover every session", async () => {
    const data = studyTree();
    const spec = specificationFile(TEMPLATED);
    const all = planSessions(await loadSpecification(spec), { dataFolder: data, outputFolder: temporary() });
    const names = all.map((s) => s.name);
    const shards = [0, 1, 2].map((index) => shardOf(names, { index, count: 3 }));
    expect(shards.flat().sort()).toEqual([...names].sort());
    expect(new Set(shards.flat()).size).toBe(names.length);
    const dry = await runConversionFromYaml({
      specificationPath: spec,
      dataFolderPath: data,
      outputFolderPath: temporary(),
      dryRun: true,
      shard: { index: 1, count: 3 },
    });
    expect(dry.map((r) => r.session)).toEqual(shards[1]);
  });
});

describe("the published JSON schema", () => {
  it("is the schema the loader checks with", () => {
    const published = readFileSync(
      resolve(import.meta.dirname, "../../schemas/conversion-specification.schema.json"),
      "utf8",
    );
    expect(published).toBe(specificationSchemaJson());
    expect(JSON.parse(published).required).toEqual(["data_interfaces", "experiments"]);
  });
});
