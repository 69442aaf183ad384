/**
 * High-density MEA interfaces through the command line: 3Brain BioCAM (both real BRW samples; samples, volts
 * scaling and positions against neo / h5py and NeuroConv's reference files) and MaxWell (the real MaxOne and
 * MaxTwo samples refuse their filter-401 traces with the typed error and convert without them; an
 * h5py-written uncompressed MaxTwo-like file converts with traces, dropped frames and detected spikes).
 * Every written file passes nwbcheck.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { isNeuroconvError } from "../../src/errors.js";
import { MaxOneRecordingInterface } from "../../src/interfaces/maxwell/maxwellInterface.js";
import { readBiocamIndependently } from "../formats/biocam/oracle.js";
import { neoMaxwell, writeMaxwellFixtures } from "../formats/maxwell/fixtures.js";
import { neoAvailable, nwbcheckAsync, nwbcheckAvailable, python } from "../helpers/nwbcheck.js";
import { hasTestdata, skipTest, testdata } from "../helpers/testdata.js";

const HAVE = hasTestdata();
const dir = mkdtempSync(join(tmpdir(), "hdmea-cli-"));
const out = (name: string) => join(dir, `${name}.nwb`);
const BIOCAM = ["biocam_hw3.0_fw1.6.brw", "biocam_hw3.0_fw1.7.0.12_raw.brw"];
const MAXWELL = {
  maxone: "maxwell/MaxOne_data/Activity_Scan/000008/data.raw.h5",
  maxtwo: "maxwell/MaxTwo_data/Activity_Scan/000021/data.raw.h5",
};
const FIXTURE = join(dir, "fixture.raw.h5");
const messages: string[] = [];
const io = { out: () => {}, err: (text: string) => messages.push(text), progress: false };

const READ_BACK = `
import base64, json, sys, h5py, numpy as np
f = h5py.File(sys.argv[1], "r")
e = f["general/extracellular_ephys/electrodes"]
out = {"start": f["session_start_time"][()].decode(), "columns": {k: [x.decode() if isinstance(x, bytes) else float(x) for x in e[k][:]]
  for k in e.attrs["colnames"] if k != "group"}}
if "ElectricalSeries" in f["acquisition"]:
  s = f["acquisition/ElectricalSeries"]; d = s["data"]
  out["series"] = {"shape": list(d.shape), "conversion": float(d.attrs["conversion"]), "offset": float(d.attrs.get("offset", 0.0)),
    "samples": base64.b64encode(np.ascontiguousarray(d[:], dtype="<u2").tobytes()).decode(),
    "rate": float(s["starting_time"].attrs["rate"]) if "starting_time" in s else None,
    "timestamps": s["timestamps"][:].tolist() if "timestamps" in s else None}
if "MaxWellDetectedSpikes" in f.get("processing/ecephys", {}):
  t = f["processing/ecephys/MaxWellDetectedSpikes"]
  out["spikes"] = {k: t[k][:].tolist() for k in ("timestamp", "channel", "amplitude", "frame_number")}
print(json.dumps(out))
`;
const readBack = (file: string) => JSON.parse(python(READ_BACK, file));
const samplesOf = (base64: string) => {
  const bytes = Buffer.from(base64, "base64");
  return new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2);
};
const bytesOf = (a: Uint16Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe.skipIf(!HAVE)("HD-MEA interfaces (CLI)", () => {
  const codes = new Map<string, number>();
  beforeAll(async () => {
    const metadata = join(dir, "m.yaml");
    writeFileSync(
      metadata,
      "NWBFile:\n  session_description: HD-MEA test\n  session_start_time: '2021-03-18T10:00:00+00:00'\n",
    );
    const convert = async (name: string, args: string[]) => {
      codes.set(name, await runCli(["convert", ...args, "-o", out(name), "--metadata", metadata], io));
    };
    await convert("biocam-v3", ["BiocamRecordingInterface", testdata("biocam", BIOCAM[0]!)]);
    await convert("biocam-v4", ["biocam", testdata("biocam", BIOCAM[1]!)]);
    await convert("maxone-traces", ["maxwell", testdata(MAXWELL.maxone)]);
    await convert("maxone", ["MaxOneRecordingInterface", testdata(MAXWELL.maxone), "--no-write-traces"]);
    await convert("maxtwo", [
      "maxtwo",
      testdata(MAXWELL.maxtwo),
      "--well-name",
      "well001",
      "--recording-name",
      "rec0001",
      "--no-write-traces",
    ]);
    if (neoAvailable()) {
      writeMaxwellFixtures(FIXTURE, join(dir, "legacy.raw.h5"));
      await convert("fixture", ["maxwell", FIXTURE]);
      await convert("fixture-gap", [
        "maxwell",
        FIXTURE,
        "--well-name",
        "well001",
        "--recording-name",
        "rec0001",
      ]);
    }
  }, 300_000);

  it("converts the BioCAM samples with neo's / h5py's samples, NeuroConv's scaling and chip positions", () => {
    if (!neoAvailable()) skipTest("neo/h5py");
    for (const [i, name] of ["biocam-v3", "biocam-v4"].entries()) {
      expect(codes.get(name), name).toBe(0);
      const written = readBack(out(name));
      const oracle = readBiocamIndependently(testdata("biocam", BIOCAM[i]!));
      expect(written.series.shape).toEqual([oracle.numFrames, oracle.names.length]);
      expect(bytesOf(samplesOf(written.series.samples)).equals(bytesOf(oracle.samples))).toBe(true);
      expect(written.series.rate).toBe(oracle.samplingRate);
      expect(written.series.conversion).toBeCloseTo(oracle.gainUv * 1e-6, 18);
      expect(written.series.offset).toBeCloseTo(oracle.offsetUv * 1e-6, 15);
      expect(written.columns.channel_name).toEqual(oracle.names);
      // scaling as NeuroConv wrote it (its reference file, read with h5py); positions too for v3. For v4,
      // NeuroConv (neo 0.13) lays the 100 stored channels on a 10 x 10 grid (the square root of the channel
      // count); the chip is 64 x 64 and StoredChIdxs counts row by row, so index 64 is row 1, column 0.
      const reference = readBack(testdata("biocam/reference_neuroconv", BIOCAM[i]!.replace(".brw", ".nwb")));
      if (name === "biocam-v3") {
        for (const column of ["row", "col", "rel_x", "rel_y"]) {
          expect(written.columns[column], column).toEqual(reference.columns[column]);
        }
      } else {
        expect(written.columns.row.slice(63, 66)).toEqual([0, 1, 1]);
        expect(written.columns.col.slice(63, 66)).toEqual([63, 0, 1]);
        expect(written.columns.rel_y[63]).toBe(63 * 42);
        expect(reference.columns.row.slice(63, 66)).toEqual([6, 6, 6]);
      }
      expect(written.series.conversion).toBeCloseTo(reference.series.conversion, 15);
      expect(written.series.offset).toBeCloseTo(reference.series.offset, 15);
    }
  });

  it("refuses MaxWell traces under filter 401 with the typed error, on the CLI and in the API", () => {
    expect(codes.get("maxone-traces")).not.toBe(0);
    expect(messages.join("\n")).toMatch(/routed\/raw is compressed with HDF5 filter 401/);
    expect(messages.join("\n")).toContain("writeTraces (--no-write-traces) set to false");
    const maxwell = new MaxOneRecordingInterface({ filePath: testdata(MAXWELL.maxone) });
    return maxwell
      .createNwbfile({ metadata: { NWBFile: { session_start_time: "2021-03-18T10:00:00Z" } } })
      .then(
        () => expect.unreachable(),
        (error: unknown) => {
          expect(isNeuroconvError(error, "UnsupportedCompressionError")).toBe(true);
          expect((error as { filterId: number }).filterId).toBe(401);
        },
      );
  }, 60_000);

  it("writes the MaxWell samples' electrodes and detected spikes without traces", () => {
    if (!neoAvailable()) skipTest("h5py");
    expect(codes.get("maxone")).toBe(0);
    expect(codes.get("maxtwo")).toBe(0);
    const expected = JSON.parse(
      python(
        `import json, sys, h5py
f = h5py.File(sys.argv[1], "r"); g = f["wells/well001/rec0001"]
m = g["settings/mapping"][:]; sp = g["spikes"][:]; first = int(g["groups/routed/frame_nos"][0]); rate = float(g["settings/sampling"][0])
print(json.dumps({"electrode": [float(x) for x in m["electrode"]], "x": [float(x) for x in m["x"]],
  "times": [(int(s) - first) / rate for s in sp["frameno"]], "channel": [int(c) for c in sp["channel"]], "amplitude": [float(a) for a in sp["amplitude"]]}))`,
        testdata(MAXWELL.maxtwo),
      ),
    );
    const written = readBack(out("maxtwo"));
    expect(written.series).toBeUndefined();
    expect(written.columns.electrode).toEqual(expected.electrode);
    expect(written.columns.rel_x).toEqual(expected.x);
    expect(written.spikes.channel).toEqual(expected.channel);
    expect(written.spikes.amplitude).toEqual(expected.amplitude);
    written.spikes.timestamp.forEach((t: number, i: number) => {
      expect(t).toBeCloseTo(expected.times[i], 12);
    });
  });

  it("converts an uncompressed MaxWell file with neo's samples, lsb, and timestamps over dropped frames", () => {
    if (!neoAvailable()) skipTest("neo/h5py");
    expect(codes.get("fixture")).toBe(0);
    expect(codes.get("fixture-gap")).toBe(0);
    const [stream] = neoMaxwell(FIXTURE);
    const written = readBack(out("fixture"));
    expect(bytesOf(samplesOf(written.series.samples)).equals(bytesOf(stream!.samples))).toBe(true);
    expect(written.series.conversion).toBeCloseTo(stream!.gainUv * 1e-6, 18);
    expect(written.columns.channel_name).toEqual(stream!.names);
    expect(written.spikes.timestamp).toEqual([-3, 10, 20, 250].map((f) => f / 20000));
    const gap = readBack(out("fixture-gap"));
    expect(gap.series.rate).toBeNull();
    expect(gap.series.timestamps[199]).toBeCloseTo(199 / 10000, 12);
    expect(gap.series.timestamps[200]).toBeCloseTo(205 / 10000, 12);
  });

  it("passes nwbcheck", async () => {
    if (!nwbcheckAvailable()) skipTest("nwbcheck cannot run here");
    const names = ["biocam-v3", "biocam-v4", "maxone", "maxtwo", "fixture", "fixture-gap"];
    const files = names.filter((name) => codes.get(name) === 0);
    expect(files.length).toBe(neoAvailable() ? 6 : 4);
    const result = await nwbcheckAsync(...files.map(out));
    expect(result.passed, result.output).toBe(true);
  }, 600_000);
});
