/**
 * MEArec interface through the command line. The real sample (probe and parameters only) is refused with an
 * error that says so; recordings written at test time in MEArec's layout (see tests/formats/mearec/oracle.ts)
 * convert with the traces, scaling (float µV → conversion 1e-6, int16 with gain_to_uV), rate, probe
 * positions, device and parameters read back by h5py equal to h5py's reading of the source; nwbcheck passes.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { readMearecIndependently, writeMearecFixtures } from "../formats/mearec/oracle.js";
import { neoAvailable, nwbcheckAsync, nwbcheckAvailable, python } from "../helpers/nwbcheck.js";
import { hasTestdata, skipTest, testdata } from "../helpers/testdata.js";

const HAVE = hasTestdata();
const SAMPLE = testdata("mearec", "mearec_smaller_data.h5");
const dir = mkdtempSync(join(tmpdir(), "mearec-cli-"));
const VARIANTS = ["current", "legacy", "integer"] as const;

const READ_BACK = `
import json, sys, h5py
f = h5py.File(sys.argv[1], "r")
s = f["acquisition/ElectricalSeries"]
e = f["general/extracellular_ephys/electrodes"]
print(json.dumps({"data": s["data"][:].tolist(), "dtype": str(s["data"].dtype), "conversion": float(s["data"].attrs["conversion"]),
    "rate": float(s["starting_time"].attrs["rate"]), "start": float(s["starting_time"][()]),
    "description": s.attrs["description"], "rel_x": e["rel_x"][:].tolist(), "rel_y": e["rel_y"][:].tolist(),
    "names": [x.decode() for x in e["channel_name"][:]], "shapes": [x.decode() for x in e["contact_shapes"][:]],
    "devices": {k: v.attrs["description"] for k, v in f["general/devices"].items()}}))
`;

describe.skipIf(!HAVE)("MEArec interface (CLI)", () => {
  const codes = new Map<string, number>();
  const errors: string[] = [];
  const warnings: string[] = [];
  let fixtures: string[] = [];
  beforeAll(async () => {
    const metadata = join(dir, "m.yaml");
    writeFileSync(
      metadata,
      "NWBFile:\n  session_description: MEArec test\n  session_start_time: 2020-01-01T00:00:00+00:00\n",
    );
    codes.set(
      "sample",
      await runCli(["convert", "MEArecRecordingInterface", SAMPLE, "-o", join(dir, "sample.nwb")], {
        out: () => {},
        err: (text) => errors.push(text),
        terminal: false,
      }),
    );
    if (!neoAvailable()) return;
    fixtures = writeMearecFixtures(SAMPLE, dir);
    for (const [i, variant] of VARIANTS.entries()) {
      const args = [
        "convert",
        "mearec",
        fixtures[i]!,
        "-o",
        join(dir, `${variant}.nwb`),
        "--metadata",
        metadata,
      ];
      const io = {
        out: (t: string) => warnings.push(t),
        err: (t: string) => warnings.push(t),
        terminal: false,
      };
      codes.set(variant, await runCli(args, io));
    }
  }, 300_000);

  it("refuses the probe-only real sample, naming the file and what it holds", () => {
    expect(codes.get("sample")).toBe(1);
    const message = errors.join("\n");
    expect(message).toContain("mearec_smaller_data.h5");
    expect(message).toMatch(
      /no 'recordings' dataset: the file holds only probe information \(Neuronexus-32, 32 channels\)/,
    );
  });

  it.each(VARIANTS)("writes the %s file's traces, scaling and probe like h5py reads them", (variant) => {
    if (!neoAvailable()) skipTest("h5py/numpy");
    expect(codes.get(variant)).toBe(0);
    const source = readMearecIndependently(fixtures[VARIANTS.indexOf(variant)]!);
    const written = JSON.parse(python(READ_BACK, join(dir, `${variant}.nwb`)));
    expect(written.dtype).toBe(variant === "integer" ? "int16" : "float32");
    expect(written.data).toEqual(source.traces);
    expect(written.conversion).toBeCloseTo((source.gainToUv ?? 1) * 1e-6, 15);
    expect(written.rate).toBe(source.fs);
    expect(written.start).toBe(source.firstTimestamp);
    expect(written.rel_x).toEqual(source.planar.map((p) => p[0]));
    expect(written.rel_y).toEqual(source.planar.map((p) => p[1]));
    expect(written.names).toEqual(["1", "2", "3", "4"]);
    expect(written.shapes).toEqual(Array(4).fill(source.shape));
    expect(written.devices).toEqual({
      DeviceEcephys: `MEArec simulated probe ${source.electrodeName}: ${source.description}`,
    });
    const { fs: _fs, dtype: _dtype, ...parameters } = source.info.recordings!;
    expect(JSON.parse(written.description.replace(/^[^{]*/, ""))).toEqual(parameters);
  });

  it("names the ground-truth spike trains it leaves out", () => {
    if (!neoAvailable()) skipTest("h5py/numpy");
    expect(warnings.join("\n")).toMatch(
      /ground-truth spike times of 2 simulated units; they are not written/,
    );
  });

  it("passes nwbcheck", async () => {
    if (!nwbcheckAvailable() || !neoAvailable()) skipTest("nwbcheck or h5py cannot run here");
    const result = await nwbcheckAsync(...VARIANTS.map((v) => join(dir, `${v}.nwb`)));
    expect(result.passed, result.output).toBe(true);
  }, 300_000);
});
