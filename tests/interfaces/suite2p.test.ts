import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { Suite2pConverter, Suite2pSegmentationInterface } from "../../src/index.js";
import { nwbcheck, nwbcheckAvailable, python } from "../helpers/nwbcheck.js";
import { hasTestdata, testdata } from "../helpers/testdata.js";

const HAVE = hasTestdata() && nwbcheckAvailable();
const FOLDER = testdata("suite2p/fissa_example/suite2p");
const dir = mkdtempSync(join(tmpdir(), "neuroconv-suite2p-"));

/**
 * numpy's reading of the folder (np.load with allow_pickle) against the written file (h5py), and the
 * written ROIs, traces and acceptance against NeuroConv's file.
 */
const ORACLE = `
import sys, json, h5py, numpy as np
nwb, folder, ref = sys.argv[1], sys.argv[2] + "/plane0/", sys.argv[3]
stat = np.load(folder + "stat.npy", allow_pickle=True)
ops = np.load(folder + "ops.npy", allow_pickle=True).item()
iscell = np.load(folder + "iscell.npy")
out = {}
with h5py.File(nwb, "r") as f, h5py.File(ref, "r") as r:
    ps = f["processing/ophys/ImageSegmentation/PlaneSegmentation"]
    ends = ps["pixel_mask_index"][()]
    pm = ps["pixel_mask"][()]
    masks_ok = True
    dense = np.zeros((len(stat), ops["Lx"], ops["Ly"]))
    for i, s in enumerate(stat):
        rows = pm[(ends[i - 1] if i else 0):ends[i]]
        masks_ok &= np.array_equal(rows["x"], s["xpix"]) and np.array_equal(rows["y"], s["ypix"]) \\
            and np.array_equal(rows["weight"], s["lam"].astype(np.float32))
        dense[i, rows["x"], rows["y"]] = rows["weight"]
    out["masks"] = bool(masks_ok)
    out["masksEqualReference"] = bool(np.allclose(dense, r["processing/ophys/ImageSegmentation/PlaneSegmentation/image_mask"][()], atol=1e-7))
    out["accepted"] = bool(np.array_equal(ps["Accepted"][()], iscell[:, 0].astype(int)))
    out["acceptedEqualReference"] = bool(np.array_equal(ps["Accepted"][()], r["processing/ophys/ImageSegmentation/PlaneSegmentation/Accepted"][()]))
    for name, file in [("RoiResponseSeries", "F"), ("Neuropil", "Fneu"), ("Deconvolved", "spks")]:
        d = f["processing/ophys/Fluorescence/" + name + "/data"][()]
        out[name] = bool(np.array_equal(d, np.load(folder + file + ".npy").T)) and \\
            bool(np.array_equal(d, r["processing/ophys/Fluorescence/" + name + "/data"][()]))
    out["rate"] = float(f["processing/ophys/Fluorescence/RoiResponseSeries/starting_time"].attrs["rate"])
    imgs = f["processing/ophys/SegmentationImages"]
    out["mean"] = bool(np.allclose(imgs["mean"][()], ops["meanImg"].T))
    full = np.zeros((ops["Ly"], ops["Lx"]), np.float32)
    full[ops["yrange"][0]:ops["yrange"][-1], ops["xrange"][0]:ops["xrange"][-1]] = ops["Vcorr"]
    out["correlation"] = bool(np.allclose(imgs["correlation"][()], full.T))
    out["correlationEqualReference"] = bool(np.allclose(imgs["correlation"][()], r["processing/ophys/SegmentationImages/correlation"][()]))
print(json.dumps(out))
`;

describe.skipIf(!HAVE)("Suite2p on the FISSA example", () => {
  it("converts with the CLI; masks, acceptance, traces and images equal numpy's reading and NeuroConv's file", async () => {
    const out = join(dir, "suite2p.nwb");
    const metadata = join(dir, "m.yaml");
    writeFileSync(metadata, "NWBFile:\n  session_start_time: '2024-01-01T12:00:00-05:00'\n");
    const quiet = { out: () => {}, err: (t: string) => console.error(t), progress: false };
    expect(await runCli(["convert", "suite2p", FOLDER, "-o", out, "--metadata", metadata], quiet)).toBe(0);
    const result = JSON.parse(
      python(ORACLE, out, FOLDER, testdata("suite2p/reference_neuroconv/fissa_example.nwb")),
    );
    expect(result).toEqual({
      masks: true,
      masksEqualReference: true,
      accepted: true,
      acceptedEqualReference: true,
      RoiResponseSeries: true,
      Neuropil: true,
      Deconvolved: true,
      rate: 1,
      mean: true,
      correlation: true,
      correlationEqualReference: true,
    });
    expect(nwbcheck(out).passed).toBe(true);
  });

  it("reads the pickled stat.npy and ops.npy values numpy reads", () => {
    const s2p = new Suite2pSegmentationInterface({ folderPath: FOLDER });
    const truth = JSON.parse(
      python(
        `
import sys, json, numpy as np
stat = np.load(sys.argv[1] + "/plane0/stat.npy", allow_pickle=True)
ops = np.load(sys.argv[1] + "/plane0/ops.npy", allow_pickle=True).item()
print(json.dumps({"fs": ops["fs"], "Lx": ops["Lx"], "Ly": ops["Ly"], "n": len(stat), "med": [list(map(int, s["med"])) for s in stat],
                  "npix": [len(s["xpix"]) for s in stat]}))
`,
        FOLDER,
      ),
    );
    expect([s2p.plane.samplingRate, s2p.plane.width, s2p.plane.height, s2p.numRois]).toEqual([
      truth.fs,
      truth.Lx,
      truth.Ly,
      truth.n,
    ]);
    expect(s2p.plane.rois.map((r) => r.median)).toEqual(truth.med);
    expect(s2p.plane.rois.map((r) => r.x.length)).toEqual(truth.npix);
    expect(Object.keys(new Suite2pConverter({ folderPath: FOLDER }).dataInterfaceObjects)).toHaveLength(1);
    expect(() => new Suite2pSegmentationInterface({ folderPath: FOLDER, planeName: "plane3" })).toThrow(
      /plane0/,
    );
    expect(() => new Suite2pSegmentationInterface({ folderPath: FOLDER, channelName: "chan2" })).toThrow(
      /_chan2/,
    );
  });
});
