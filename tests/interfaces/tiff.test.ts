import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { TiffImagingInterface } from "../../src/index.js";
import { checkDataInterface } from "../../src/testing/index.js";
import { tiffOracleAvailable } from "../formats/tiff/oracle.js";
import { nwbcheck, nwbcheckAvailable, python, validateIfAvailable } from "../helpers/nwbcheck.js";
import { hasTestdata, testdata } from "../helpers/testdata.js";

const HAVE = hasTestdata() && nwbcheckAvailable() && tiffOracleAvailable();
const FISSA = testdata("tiff/fissa_AVG_A01.tif");
const dir = mkdtempSync(join(tmpdir(), "neuroconv-tiff-if-"));
const start = { NWBFile: { session_start_time: "2024-01-01T12:00:00-05:00" } };
const quiet = { out: () => {}, err: (t: string) => console.error(t), progress: false };

/** h5py's series data (transposed back to pages) equals tifffile's pages; returns the series attributes. */
function compareWithTifffile(nwb: string, series: string, tiffs: string[], pageIndex: string): string {
  return python(
    `
import sys, json, h5py, numpy as np, tifffile
nwb, series, tiffs, expr = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), sys.argv[4]
pages = np.concatenate([tifffile.imread(t).reshape(-1, *tifffile.TiffFile(t).pages[0].shape) for t in tiffs])
with h5py.File(nwb, "r") as f:
    d = f[series + "/data"][()]
    rate = float(f[series + "/starting_time"].attrs["rate"])
expected = eval(expr)
assert d.dtype == expected.dtype, (d.dtype, expected.dtype)
assert np.array_equal(d, expected), "frames differ"
print(json.dumps({"shape": list(d.shape), "rate": rate}))
`,
    nwb,
    series,
    JSON.stringify(tiffs),
    pageIndex,
  );
}

describe.skipIf(!HAVE)("TiffImagingInterface on the FISSA stack", () => {
  it("converts with the CLI (source flags) and the frames equal tifffile's pages, as (time, x, y)", async () => {
    const out = join(dir, "fissa.nwb");
    const metadata = join(dir, "start.yaml");
    writeFileSync(metadata, "NWBFile:\n  session_start_time: '2024-01-01T12:00:00-05:00'\n");
    const argv = ["convert", "tiff", FISSA, "-o", out, "--metadata", metadata, "--sampling-frequency", "30"];
    const code = await runCli(argv, quiet);
    expect(code).toBe(0);
    const result = JSON.parse(
      compareWithTifffile(out, "acquisition/TwoPhotonSeries", [FISSA], "pages.transpose(0, 2, 1)"),
    );
    expect(result).toEqual({ shape: [29, 14, 21], rate: 30 });
    // NeuroConv's file holds the same frames in the same (time, x, y) layout
    const same = python(
      `
import sys, h5py, numpy as np
a = h5py.File(sys.argv[1], "r")["acquisition/TwoPhotonSeries/data"][()]
b = h5py.File(sys.argv[2], "r")["acquisition/TwoPhotonSeries/data"][()]
print(a.shape == b.shape and np.array_equal(a, b))
`,
      out,
      testdata("tiff/reference_neuroconv/fissa_AVG_A01.nwb"),
    );
    expect(same.trim()).toBe("True");
    expect(nwbcheck(out).passed).toBe(true);
  });

  it("reads two files as one stack, with two interleaved planes as a volumetric series", async () => {
    const tiff = new TiffImagingInterface({ filePaths: [FISSA, FISSA], samplingFrequency: 5, numPlanes: 2 });
    expect(tiff.data.shape).toEqual([29, 14, 21, 2]);
    const out = join(dir, "volume.nwb");
    await tiff.runConversion({ nwbfilePath: out, metadata: start });
    const result = JSON.parse(
      compareWithTifffile(
        out,
        "acquisition/TwoPhotonSeries",
        [FISSA, FISSA],
        "pages.reshape(29, 2, 21, 14).transpose(0, 3, 2, 1)",
      ),
    );
    expect(result.shape).toEqual([29, 14, 21, 2]);
    expect(validateIfAvailable(out).passed).toBe(true);
  });

  it("passes the reusable interface check and explains bad channel arguments", async () => {
    await checkDataInterface(new TiffImagingInterface({ filePath: FISSA, samplingFrequency: 30 }), {
      outputDir: dir,
      metadata: start,
      validate: validateIfAvailable,
    });
    expect(
      () =>
        new TiffImagingInterface({
          filePath: FISSA,
          samplingFrequency: 30,
          numChannels: 2,
          channelName: "2",
        }),
    ).toThrow(/channelName|channel index/);
    expect(() => new TiffImagingInterface({ samplingFrequency: 30 })).toThrow(/filePath or filePaths/);
  });
});
