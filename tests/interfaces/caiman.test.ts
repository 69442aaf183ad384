import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { CaimanSegmentationInterface } from "../../src/index.js";
import { nwbcheck, nwbcheckAvailable, python } from "../helpers/nwbcheck.js";
import { hasTestdata, testdata } from "../helpers/testdata.js";

const HAVE = hasTestdata() && nwbcheckAvailable();
const SAMPLE = testdata("caiman/caiman_analysis.hdf5");
const REFERENCE = testdata("caiman/reference_neuroconv/caiman_analysis.nwb");
const dir = mkdtempSync(join(tmpdir(), "neuroconv-caiman-"));
const quiet = { out: () => {}, err: (t: string) => console.error(t), progress: false };

/**
 * h5py + scipy.sparse reading of the CaImAn file against the written file. CaImAn's pixel index is Fortran
 * order over dims (rows, columns), so a component as an image is A[:, k].reshape(dims, order="F"); we write
 * (x, y) = (column, row), i.e. that image transposed. Prints one verdict per check (or the value).
 */
const ORACLE = `
import sys, json, h5py, numpy as np, scipy.sparse as sp
nwb, src = sys.argv[1], sys.argv[2]
ref = sys.argv[3] if len(sys.argv) > 3 else None
out = {}
with h5py.File(src, "r") as c, h5py.File(nwb, "r") as f:
    e = c["estimates"]
    rows, cols = [int(v) for v in e["dims"][()]]
    a = e["A"]
    A = sp.csc_matrix(a[()]) if isinstance(a, h5py.Dataset) else \\
        sp.csc_matrix((a["data"][()], a["indices"][()], a["indptr"][()]), shape=tuple(a["shape"][()]))
    images = A.toarray().reshape((rows, cols, -1), order="F").transpose(2, 1, 0)
    ps = f["processing/ophys/ImageSegmentation/PlaneSegmentation"]
    ends, pm = ps["pixel_mask_index"][()], ps["pixel_mask"][()]
    dense = np.zeros((A.shape[1], cols, rows))
    for k in range(A.shape[1]):
        m = pm[(ends[k - 1] if k else 0):ends[k]]
        dense[k, m["x"], m["y"]] = m["weight"]
    # pixel-mask weights are float32 in NWB's schema (pynwb writes them so too)
    out["masks"] = bool(np.array_equal(dense, images.astype(np.float32)))
    out["weightDtype"] = str(pm.dtype["weight"])
    out["columns"] = sorted(ps.keys())
    if "idx_components" in e and e["idx_components"].shape != ():
        keep = set(int(i) for i in e["idx_components"][()])
        out["accepted"] = bool(np.array_equal(ps["Accepted"][()], [int(k in keep) for k in range(A.shape[1])])) \\
            and bool(np.array_equal(ps["Rejected"][()], [int(k not in keep) for k in range(A.shape[1])]))
    fl = f["processing/ophys/Fluorescence"]
    for name, key, group in [("Denoised", "C", fl), ("Deconvolved", "S", fl), ("Residuals", "YrA", fl),
                             ("DfOverF", "F_dff", f["processing/ophys"].get("DfOverF"))]:
        if key in e and e[key].shape != ():
            d = group[name]["data"]
            out[name] = bool(np.array_equal(d[()], e[key][()].T)) and d.dtype == e[key].dtype
    out["rate"] = float(fl["Denoised/starting_time"].attrs["rate"])
    if "b" in e and e["b"].shape != ():
        bg = f["processing/ophys/ImageSegmentation/BackgroundPlaneSegmentation/image_mask"][()]
        b = e["b"][()].reshape((rows, cols, -1), order="F").transpose(2, 1, 0)
        out["backgroundMasks"] = bool(np.array_equal(bg, b))
        out["backgroundTraces"] = bool(np.array_equal(fl["Background/data"][()], e["f"][()].T))
        out["backgroundRegion"] = f[fl["Background/rois"].attrs["table"]].name
    if "Cn" in e:
        out["correlation"] = bool(np.array_equal(f["processing/ophys/SegmentationImages/correlation"][()], e["Cn"][()].T))
    if ref:
        with h5py.File(ref, "r") as r:
            rp = r["processing/ophys"]
            out["masksEqualReference"] = bool(np.allclose(dense, rp["ImageSegmentation/PlaneSegmentation/image_mask"][()]))
            out["denoisedEqualReferenceNeuropil"] = bool(np.array_equal(fl["Denoised/data"][()], rp["Fluorescence/Neuropil/data"][()]))
            out["deconvolvedEqualReference"] = bool(np.array_equal(fl["Deconvolved/data"][()], rp["Fluorescence/Deconvolved/data"][()]))
            out["dffEqualReference"] = bool(np.array_equal(f["processing/ophys/DfOverF/DfOverF/data"][()], rp["DfOverF/RoiResponseSeries/data"][()]))
print(json.dumps(out))
`;

describe.skipIf(!HAVE)("CaImAn results", () => {
  it("converts the CNMF-E sample with the CLI: masks, traces and background equal h5py/scipy and NeuroConv's file", async () => {
    const out = join(dir, "caiman.nwb");
    const metadata = join(dir, "m.yaml");
    writeFileSync(metadata, "NWBFile:\n  session_start_time: '2024-01-01T12:00:00-05:00'\n");
    expect(await runCli(["convert", "caiman", SAMPLE, "-o", out, "--metadata", metadata], quiet)).toBe(0);
    const result = JSON.parse(python(ORACLE, out, SAMPLE, REFERENCE));
    expect(result).toEqual({
      masks: true,
      weightDtype: "float32",
      // idx_components is None (no component evaluation): no Accepted/Rejected columns (NeuroConv: all accepted)
      columns: ["id", "imaging_plane", "pixel_mask", "pixel_mask_index", "reference_images", "roi_name"],
      Denoised: true,
      Deconvolved: true,
      Residuals: true,
      DfOverF: true,
      rate: 30,
      backgroundMasks: true,
      backgroundTraces: true,
      backgroundRegion: "/processing/ophys/ImageSegmentation/BackgroundPlaneSegmentation",
      masksEqualReference: true,
      denoisedEqualReferenceNeuropil: true,
      deconvolvedEqualReference: true,
      dffEqualReference: true,
    });
    expect(nwbcheck(out).passed).toBe(true);
  });

  it("keeps rows and columns apart, reads idx_components, Cn, float32 traces and a dense A", async () => {
    const files = ["sparse", "dense"].map((layout) => {
      const source = join(dir, `${layout}.hdf5`);
      // CaImAn's save_dict_to_hdf5 layout: a sparse matrix as a group, None as the text "NoneType"
      python(
        `
import sys, h5py, numpy as np, scipy.sparse as sp
rng = np.random.default_rng(3)
rows, cols, k, t = 5, 3, 4, 12
A = sp.random(rows * cols, k, density=0.4, format="csc", random_state=4)
A[0, 3] = 0.75
A = sp.csc_matrix(A)
with h5py.File(sys.argv[1], "w") as f:
    e = f.create_group("estimates")
    if sys.argv[2] == "sparse":
        g = e.create_group("A")
        for name in ["data", "indices", "indptr"]: g[name] = getattr(A, name)
        g["shape"] = np.array(A.shape, np.int32)
    else:
        e["A"] = A.toarray()
    e["dims"] = np.array([rows, cols], np.int32)
    e["C"] = rng.normal(size=(k, t)).astype(np.float32)
    e["S"] = rng.random((k, t)).astype(np.float32)
    e["YrA"] = "NoneType"
    e["F_dff"] = "NoneType"
    e["b"] = "NoneType"
    e["f"] = "NoneType"
    e["idx_components"] = np.array([0, 2])
    e["idx_components_bad"] = np.array([1, 3])
    e["Cn"] = rng.random((rows, cols))
    f.create_group("params/data")["fr"] = 7.5
`,
        source,
        layout,
      );
      return source;
    });
    const outputs: string[] = [];
    for (const source of files) {
      const caiman = new CaimanSegmentationInterface({ filePath: source });
      const results = await caiman.load();
      expect([results.rows, results.columns, results.samplingRate]).toEqual([5, 3, 7.5]);
      expect(caiman.getMetadata().Ophys?.ImagingPlane?.[0]?.imaging_rate).toBe(7.5);
      expect(caiman.getTimestamps()[11]).toBeCloseTo(11 / 7.5, 12);
      const out = source.replace(/\.hdf5$/, ".nwb");
      await caiman.runConversion({
        nwbfilePath: out,
        metadata: { NWBFile: { session_start_time: "2024-01-01T12:00:00+01:00" } },
      });
      const result = JSON.parse(python(ORACLE, out, source));
      expect(result).toEqual({
        masks: true,
        weightDtype: "float32",
        columns: [
          "Accepted",
          "Rejected",
          "id",
          "imaging_plane",
          "pixel_mask",
          "pixel_mask_index",
          "reference_images",
          "roi_name",
        ],
        accepted: true,
        Denoised: true,
        Deconvolved: true,
        rate: 7.5,
        correlation: true,
      });
      outputs.push(out);
    }
    expect(nwbcheck(...outputs).passed).toBe(true);
  });

  it("names the file and the fix for files it cannot read", async () => {
    const notCaiman = join(dir, "other.hdf5");
    python(`import sys, h5py; h5py.File(sys.argv[1], "w")["x"] = 1`, notCaiman);
    await expect(new CaimanSegmentationInterface({ filePath: notCaiman }).load()).rejects.toThrow(
      /other\.hdf5: no estimates\/A/,
    );
    expect(() => new CaimanSegmentationInterface({ filePath: join(dir, "missing.hdf5") })).toThrow(
      /missing\.hdf5: file not found/,
    );
  });
});
