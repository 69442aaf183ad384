import { mkdtempSync, readdirSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { MinianSegmentationInterface } from "../../src/index.js";
import { caught, nwbcheck, nwbcheckAvailable, python } from "../helpers/nwbcheck.js";
import { hasTestdata, testdata } from "../helpers/testdata.js";

/** Debian's python3-zarr is the independent reader of Minian's Zarr output. */
function zarrAvailable(): boolean {
  const ok = (() => {
    try {
      python("import zarr, h5py, numpy");
      return true;
    } catch {
      return false;
    }
  })();
  if (!ok && process.env.CI) throw new Error("python3-zarr is required in CI (apt-get install python3-zarr)");
  if (!ok) console.warn("\n!!! SKIPPING Minian comparisons: /usr/bin/python3 cannot import zarr !!!\n");
  return ok;
}

const HAVE = hasTestdata() && nwbcheckAvailable() && zarrAvailable();
const FOLDER = testdata("minian/segmented_data_3units_100frames");
const dir = mkdtempSync(join(tmpdir(), "neuroconv-minian-"));

/**
 * zarr's reading of every variable against h5py's reading of the file: masks and images transposed to (x, y),
 * traces to (time, units), the times the csv rows of the kept frames (zarr's `frame` coordinate).
 */
const ORACLE = `
import sys, os, csv, json, h5py, zarr, numpy as np
nwb, folder, csv_path = sys.argv[1:4]
var = lambda name: zarr.open(os.path.join(folder, name + ".zarr"), "r")
out = {}
with h5py.File(nwb, "r") as f:
    o = f["processing/ophys"]
    ps = o["ImageSegmentation/PlaneSegmentation"]
    out["masks"] = bool(np.array_equal(ps["image_mask"][()], var("A")["A"][()].transpose(0, 2, 1)))
    out["roi_names"] = [s.decode() for s in ps["roi_name"][()]]
    out["unit_ids"] = [str(u) for u in var("A")["unit_id"][()]]
    for series, name in [("Denoised", "C"), ("Deconvolved", "S"), ("Baseline", "b0"), ("InitialCalcium", "c0")]:
        out[series] = bool(np.array_equal(o["Fluorescence/" + series + "/data"][()], var(name)[name][()].T))
    out["Background"] = bool(np.array_equal(o["Fluorescence/Background/data"][()][:, 0], var("f")["f"][()]))
    out["background_mask"] = bool(np.array_equal(o["ImageSegmentation/BackgroundPlaneSegmentation/image_mask"][()][0], var("b")["b"][()].T))
    out["max_proj"] = bool(np.array_equal(o["SegmentationImages/MaximumProjection"][()], var("max_proj")["max_proj"][()].T))
    frames = var("C")["frame"][()]
    if csv_path:
        with open(csv_path) as c:
            ms = np.array([float(r["Time Stamp (ms)"]) for r in csv.DictReader(c)])
        out["times"] = bool(np.array_equal(o["Fluorescence/Denoised/timestamps"][()], ms[frames] / 1000))
    else:
        d = o["Fluorescence/Denoised"]
        out["rate"] = float(d["starting_time"].attrs["rate"])
    out["imaging_rate"] = float(f["general/optophysiology/ImagingPlane/imaging_rate"][()])
print(json.dumps(out))
`;

const SAME = {
  masks: true,
  roi_names: ["0", "1", "2"],
  unit_ids: ["0", "1", "2"],
  Denoised: true,
  Deconvolved: true,
  Baseline: true,
  InitialCalcium: true,
  Background: true,
  background_mask: true,
  max_proj: true,
};

describe.skipIf(!HAVE)("Minian on segmented_data_3units_100frames", () => {
  it("writes footprints, traces, background and max projection with the CLI, equal to zarr's values", async () => {
    const out = join(dir, "minian.nwb");
    const quiet = { out: () => {}, err: (t: string) => console.error(t), progress: false };
    const args = [
      "convert",
      "minian",
      FOLDER,
      "-o",
      out,
      "--session-start-time",
      "2022-01-01T00:00:00+00:00",
    ];
    expect(await runCli(args, quiet)).toBe(0);
    const csv = join(FOLDER, "timeStamps.csv");
    const result = JSON.parse(python(ORACLE, out, FOLDER, csv));
    // the kept frames are 10, 12, ..., 208 (zarr's frame coordinate): each is timed by its own csv row, and
    // the imaging plane's rate is the recording's (400 intervals of timeStamps.csv)
    expect(result).toEqual({ ...SAME, times: true, imaging_rate: 400 / 13.428 });
    expect(nwbcheck(out).passed).toBe(true);
  });

  it("without a timeStamps.csv needs samplingFrequency, and then writes a regular rate", async () => {
    const copy = mkdtempSync(join(dir, "no-csv-"));
    for (const entry of readdirSync(FOLDER).filter((e) => e.endsWith(".zarr"))) {
      symlinkSync(join(FOLDER, entry), join(copy, entry));
    }
    const error = caught(() => new MinianSegmentationInterface({ folderPath: copy }));
    expect(error?.name).toBe("SourceArgumentsError");
    expect(error?.message).toMatch(/no timeStamps.csv: give samplingFrequency/);
    const minian = new MinianSegmentationInterface({ folderPath: copy, samplingFrequency: 15 });
    const out = join(dir, "regular.nwb");
    await minian.runConversion({
      nwbfilePath: out,
      metadata: { ...minian.getMetadata(), NWBFile: { session_start_time: "2022-01-01T00:00:00+00:00" } },
    });
    expect(JSON.parse(python(ORACLE, out, copy, ""))).toEqual({ ...SAME, rate: 15, imaging_rate: 15 });
    expect(nwbcheck(out).passed).toBe(true);
  });

  it("names the folder when it is not Minian output", () => {
    expect(() => new MinianSegmentationInterface({ folderPath: dir, samplingFrequency: 1 })).toThrow(
      /no A.zarr\/A: not a Minian output folder/,
    );
  });
});
