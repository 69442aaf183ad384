import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { ExtractSegmentationInterface } from "../../src/index.js";
import { matOracleAvailable } from "../formats/matlab/oracle.js";
import { nwbcheck, nwbcheckAvailable, python } from "../helpers/nwbcheck.js";
import { hasTestdata, testdata } from "../helpers/testdata.js";

const HAVE = hasTestdata() && nwbcheckAvailable() && matOracleAvailable();
const dir = mkdtempSync(join(tmpdir(), "neuroconv-extract-"));
const quiet = { out: () => {}, err: () => {}, progress: false };

/**
 * h5py's reading of the .mat (HDF5 holds MATLAB's H×W×K as (K, W, H) and T×K as (K, T)) against our file,
 * and our file against NeuroConv's.
 */
const ORACLE = `
import sys, json, h5py, numpy as np
ours, mat, ref, struct, masks, traces, images = sys.argv[1:8]
images = json.loads(images)
with h5py.File(ours, "r") as f, h5py.File(mat, "r") as m, h5py.File(ref, "r") as r:
    g = m[struct]
    ps = f["processing/ophys/ImageSegmentation/PlaneSegmentation"]
    rps = r["processing/ophys/ImageSegmentation/PlaneSegmentation"]
    mask = ps["image_mask"][()]
    t = g[traces][()]
    data = f["processing/ophys/Fluorescence/RoiResponseSeries/data"][()]
    trace_kind = [k for k in ("DfOverF", "Fluorescence") if k in r["processing/ophys"]][0]
    rdata = r["processing/ophys/" + trace_kind + "/RoiResponseSeries/data"][()]
    out = {
        "masks": bool(np.array_equal(mask, g[masks][()])),
        "masksVsReference": "equal" if np.array_equal(mask, rps["image_mask"][()]) else
            "transposed" if np.array_equal(mask, rps["image_mask"][()].transpose(0, 2, 1)) else "different",
        "traces": bool(np.array_equal(data, t.T if t.shape[0] == mask.shape[0] else t)),
        "tracesEqualReference": bool(np.array_equal(data, rdata)),
        "rate": float(f["processing/ophys/Fluorescence/RoiResponseSeries/starting_time"].attrs["rate"]),
        "images": {k: bool(np.allclose(f["processing/ophys/SegmentationImages/" + k][()], g["info"][k][()].astype(np.float32))) for k in images},
        "description": ps.attrs["description"] if isinstance(ps.attrs["description"], str) else ps.attrs["description"].decode(),
    }
print(json.dumps(out))
`;

describe.skipIf(!HAVE)("EXTRACT outputs (current and older layout)", () => {
  const out = (name: string) => join(dir, `${name}.nwb`);
  beforeAll(async () => {
    for (const name of ["extract_public_output", "2014_04_01_p203_m19_check01_extractAnalysis"]) {
      const args = ["convert", "extract", testdata(`extract/${name}.mat`), "--sampling-frequency", "15"];
      expect(
        await runCli([...args, "-o", out(name), "--session-start-time", "2020-01-01T00:00:00+00:00"], quiet),
      ).toBe(0);
    }
  }, 300_000);

  it("converts both with the CLI into files nwbcheck accepts", () => {
    const result = nwbcheck(out("extract_public_output"), out("2014_04_01_p203_m19_check01_extractAnalysis"));
    expect(result.passed, result.output).toBe(true);
  });

  it("current layout: masks, traces and info images equal h5py's and NeuroConv's", () => {
    const name = "extract_public_output";
    const result = JSON.parse(
      python(
        ORACLE,
        out(name),
        testdata(`extract/${name}.mat`),
        testdata(`extract/reference_neuroconv/${name}.nwb`),
        "output",
        "spatial_weights",
        "temporal_weights",
        JSON.stringify(["max_image", "summary_image", "F_per_pixel"]),
      ),
    );
    expect(result).toMatchObject({
      masks: true,
      masksVsReference: "equal",
      traces: true,
      // NeuroConv files these traces under DfOverF; EXTRACT's temporal weights are not dF/F (see docs/formats.md)
      tracesEqualReference: true,
      rate: 15,
      images: { max_image: true, summary_image: true, F_per_pixel: true },
    });
    expect(result.description).toMatch(/EXTRACT 1\.1\.0.*avg_cell_radius=/);
  });

  it("older layout: K×T traces turned to (time, cells); the user's rate, not NeuroConv's 4.23 Hz", () => {
    const name = "2014_04_01_p203_m19_check01_extractAnalysis";
    const result = JSON.parse(
      python(
        ORACLE,
        out(name),
        testdata(`extract/${name}.mat`),
        testdata(`extract/reference_neuroconv/${name}.nwb`),
        "extractAnalysisOutput",
        "filters",
        "traces",
        JSON.stringify(["max_image", "summary_image"]),
      ),
    );
    expect(result).toMatchObject({
      masks: true,
      // NeuroConv writes this layout's masks and images as (y, x); both layouts are (x, y) here
      masksVsReference: "transposed",
      traces: true,
      tracesEqualReference: true,
      rate: 15,
      images: { max_image: true, summary_image: true },
    });
  });

  it("reads traces lazily and names the fault for a wrong struct or a level-5 file", async () => {
    const path = testdata("extract/extract_public_output.mat");
    const rois = new ExtractSegmentationInterface({ filePath: path, samplingFrequency: 15 });
    expect([rois.numRois, rois.numFrames]).toEqual([20, 2000]);
    expect(
      () =>
        new ExtractSegmentationInterface({ filePath: path, samplingFrequency: 15, outputStructName: "nope" }),
    ).toThrow(/no EXTRACT output struct 'nope'/);
    const level5 = testdata("cellexplorer/dataset_1/20170311_684um_2088um_170311_134350.spikes.cellinfo.mat");
    expect(() => new ExtractSegmentationInterface({ filePath: level5, samplingFrequency: 15 })).toThrow(
      /-v7\.3/,
    );
  });
});
