import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { NeuralynxNvtInterface, withWarningHandler } from "../../src/index.js";
import { nwbcheck, nwbcheckAvailable, python } from "../helpers/nwbcheck.js";
import { hasTestdata, testdata } from "../helpers/testdata.js";

const HAVE = hasTestdata() && nwbcheckAvailable();
const dir = mkdtempSync(join(tmpdir(), "neuroconv-nvt-"));
const BEHAVIOR = testdata("neuralynx_extra/behavior_test.nvt");
const VT1 = testdata("neuralynx_extra/Cheetah_v5.6.3/VT1.nvt");
const REFERENCE = testdata("neuralynx_extra/reference_neuroconv/behavior_test.nvt.nwb");

/**
 * The records decoded with numpy per the Neuralynx "Video Tracker Record" layout (16384-byte header, then
 * packed little-endian 1828-byte records), next to what the NWB file holds (h5py).
 */
interface Decoded {
  readonly ts: number[];
  readonly x: number[];
  readonly y: number[];
  readonly angle: number[];
}

function compare(nvt: string, nwb: string): { numpy: Decoded; nwb: Record<string, unknown> } {
  return JSON.parse(
    python(
      `
import sys, json, h5py, numpy as np
record = np.dtype([("stx", "<u2"), ("id", "<u2"), ("size", "<u2"), ("ts", "<u8"), ("points", "<u4", 400),
                   ("crc", "<i2"), ("x", "<i4"), ("y", "<i4"), ("angle", "<i4"), ("targets", "<i4", 50)])
assert record.itemsize == 1828
r = np.fromfile(sys.argv[1], dtype=record, offset=16384)
f = h5py.File(sys.argv[2], "r")
nan = lambda a: [None if np.isnan(v) else float(v) for v in a]
out = {"numpy": {"ts": r["ts"].tolist(), "x": r["x"].tolist(), "y": r["y"].tolist(), "angle": r["angle"].tolist()},
       "nwb": {"xy": [nan(row) for row in f["acquisition/NvtPosition/NvtSpatialSeries/data"][()]],
               "t": f["acquisition/NvtPosition/NvtSpatialSeries/timestamps"][()].tolist(),
               "unit": f["acquisition/NvtPosition/NvtSpatialSeries/data"].attrs["unit"],
               "start": f["session_start_time"][()].decode()}}
if "NvtCompassDirection" in f["acquisition"]:
    d = f["acquisition/NvtCompassDirection/NvtHeadDirection/data"]
    out["nwb"]["angle"] = nan(d[()])
    out["nwb"]["angleUnit"] = d.attrs["unit"]
print(json.dumps(out))`,
      nvt,
      nwb,
    ),
  );
}

describe.skipIf(!HAVE)("NeuralynxNvtInterface on the Cheetah video tracker samples", () => {
  const files: string[] = [];

  it("writes Cheetah 6.4 positions as numpy decodes them (0, 0 as NaN), on record times, without angles", async () => {
    const path = join(dir, "behavior.nwb");
    const warnings: string[] = [];
    const nvt = new NeuralynxNvtInterface({ filePath: BEHAVIOR });
    await withWarningHandler(
      (m) => warnings.push(m),
      () =>
        nvt.runConversion({
          nwbfilePath: path,
          metadata: { NWBFile: { session_start_time: "2023-05-15T10:35:29-04:00" } },
        }),
    );
    files.push(path);
    expect(nvt.getMetadata().NWBFile.session_start_time).toBe("2023-05-15T10:35:29");
    expect(warnings.join("\n")).toMatch(/every extracted angle is 0/);
    const { numpy, nwb } = compare(BEHAVIOR, path);
    expect(numpy.ts).toHaveLength(100);
    const missing = numpy.x.flatMap((x, i) => (x === 0 && numpy.y[i] === 0 ? [i] : []));
    expect(missing.length).toBe(1);
    expect(nwb.xy).toEqual(numpy.x.map((x, i) => (missing.includes(i) ? [null, null] : [x, numpy.y[i]])));
    expect(nwb.t).toEqual(numpy.ts.map((t) => (t - numpy.ts[0]!) / 1e6));
    expect(nwb.unit).toBe("pixels");
    expect(nwb.angle).toBeUndefined();
    // NeuroConv's reference: the same positions (NaN there too) and times to 0.25 µs (it divides the 1.7e15 µs
    // by 1e6 before subtracting, which rounds; we subtract the integer microseconds first).
    const reference = JSON.parse(
      python(
        `import h5py, json, sys; s = h5py.File(sys.argv[1], "r")["acquisition/NvtPosition/NvtSpatialSeries"]; print(json.dumps([[[None if v != v else v for v in row] for row in s["data"][()].tolist()], s["timestamps"][()].tolist()]))`,
        REFERENCE,
      ),
    ) as [number[][], number[]];
    expect(reference[0]).toEqual(nwb.xy);
    expect(Math.max(...reference[1].map((t, i) => Math.abs(t - (nwb.t as number[])[i]!)))).toBeLessThan(3e-7);
  });

  it("writes the Cheetah 5.6.3 file NeuroConv cannot open, head direction included", async () => {
    const path = join(dir, "vt1.nwb");
    const nvt = new NeuralynxNvtInterface({ filePath: VT1 });
    expect(nvt.getMetadata().NWBFile.session_start_time).toBe("2016-11-28T21:50:33.372");
    expect(nvt.tracking.resolution).toEqual([720, 576]);
    await nvt.runConversion({
      nwbfilePath: path,
      metadata: { NWBFile: { session_start_time: "2016-11-28T21:50:33.372+01:00" } },
    });
    files.push(path);
    const { numpy, nwb } = compare(VT1, path);
    expect(nwb.xy).toEqual(numpy.x.map((x, i) => [x, numpy.y[i]]));
    expect(nwb.angle).toEqual(numpy.angle);
    expect(nwb.angleUnit).toBe("degrees");
    expect(nwb.start).toBe("2016-11-28T21:50:33.372+01:00");
  });

  it("converts from the command line under its alias", async () => {
    const output = join(dir, "cli.nwb");
    const err: string[] = [];
    const code = await runCli(["convert", "nvt", VT1, "-o", output], {
      out: () => {},
      err: (line) => err.push(line),
      terminal: false,
    });
    expect(code, err.join("\n")).toBe(0);
    files.push(output);
  });

  it("the files pass nwbcheck", () => {
    const result = nwbcheck(...files);
    expect(result.passed, result.output).toBe(true);
  });
});
