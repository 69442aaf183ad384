import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import {
  ScanImageConverter,
  ScanImageImagingInterface,
  ScanImageLegacyImagingInterface,
} from "../../src/index.js";
import { nwbcheckShortMovies, tiffOracleAvailable } from "../formats/tiff/oracle.js";
import { nwbcheckAvailable, python } from "../helpers/nwbcheck.js";
import { hasTestdata, testdata } from "../helpers/testdata.js";

const HAVE = hasTestdata() && nwbcheckAvailable() && tiffOracleAvailable();
const SI = (path: string) => testdata("scanimage", path);
const SLOW_STACK = SI("scanimage_20220923_noroi/scanimage_20220923_noroi.tif");
const MULTI_FILE = SI(
  "volumetric_single_channel_multi_file_first3of10/vol_one_ch_multi_files_00001_00001.tif",
);
const NO_FLYBACK = SI("volumetric_single_channel_single_file_no_flyback/vol_no_flyback_00001_00001.tif");
const LEGACY = SI("v3.8_sample/sample_scanimage_version_3_8.tiff");
const dir = mkdtempSync(join(tmpdir(), "neuroconv-scanimage-"));
const start = { NWBFile: { session_start_time: "2024-01-01T12:00:00-05:00" } };

/**
 * tifffile's view: the ScanImage metadata (FrameData) and pages, with the page of each sample computed from
 * the documented order (volume, slice, frame of slice, channel; flyback frames closing each volume). For
 * every [series, channel, plane or null], the written data must equal those pages (transposed to x, y) and
 * the timestamps the pages' frameTimestamps_sec.
 */
function checkAgainstTifffile(
  nwb: string,
  files: string[],
  series: [string, number, number | null][],
): unknown {
  return JSON.parse(
    python(
      `
import sys, json, h5py, numpy as np, tifffile, tifffile.tifffile
nwb, files, series = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
tfs = [tifffile.TiffFile(f) for f in files]
md = tfs[0].scanimage_metadata["FrameData"]
save = md["SI.hChannels.channelSave"]; save = save if isinstance(save, list) else [save]
nch = len(save)
stack = bool(md["SI.hStackManager.enable"])
nz = md["SI.hStackManager.actualNumSlices"] if stack else 1
fps = md["SI.hStackManager.framesPerSlice"] if stack else 1
fpv = md["SI.hStackManager.numFramesPerVolumeWithFlyback"] if stack else 1
pages = [p for t in tfs for p in t.pages]
nvol = len(pages) // nch // fpv
def page(sample, ch, z):
    v, r = divmod(sample, fps)
    return (v * fpv + z * fps + r) * nch + ch
def stamp(i):
    return float(tifffile.tifffile.scanimage_description_metadata(pages[i].description)["frameTimestamps_sec"])
out = {}
with h5py.File(nwb, "r") as f:
    for name, ch, z in series:
        d = f["acquisition/" + name + "/data"][()]
        n = nvol * fps
        if z is None:
            want = np.stack([np.stack([pages[page(s, ch, k)].asarray().T for k in range(nz)], -1) for s in range(n)])
        else:
            want = np.stack([pages[page(s, ch, z)].asarray().T for s in range(n)])
        times = f["acquisition/" + name + "/timestamps"][()]
        out[name] = {"shape": list(d.shape), "equal": bool(np.array_equal(d, want)),
                     "times": bool(np.allclose(times, [stamp(page(s, ch, z or 0)) for s in range(n)], rtol=0, atol=1e-12)),
                     "plane": f["acquisition/" + name].get("imaging_plane", getlink=True).path}
    out["start"] = f["session_start_time"][()].decode()
print(json.dumps(out))
`,
      nwb,
      JSON.stringify(files),
      JSON.stringify(series),
    ),
  );
}

describe.skipIf(!HAVE)("ScanImage on the real samples", () => {
  it("writes every channel × plane of the 2023 slow z-stack with the CLI", async () => {
    const out = join(dir, "slow.nwb");
    const quiet = { out: () => {}, err: (t: string) => console.error(t), progress: false };
    expect(
      await runCli(["convert", "scanimage-all", SLOW_STACK, "-o", out, "--timezone", "UTC"], quiet),
    ).toBe(0);
    const names = ["Channel1Plane0", "Channel1Plane1", "Channel4Plane0", "Channel4Plane1"];
    const result = checkAgainstTifffile(
      out,
      [SLOW_STACK],
      names.map((n, i) => [`TwoPhotonSeries${n}`, i >> 1, i & 1]),
    ) as Record<string, { shape: number[]; equal: boolean; times: boolean; plane: string }> & {
      start: string;
    };
    for (const [i, n] of names.entries()) {
      // 3 volumes × 2 frames per slice of 256 × 256 pixels
      expect(result[`TwoPhotonSeries${n}`], n).toEqual({
        shape: [6, 256, 256],
        equal: true,
        times: true,
        plane: `/general/optophysiology/ImagingPlane${names[i]}`,
      });
    }
    expect(result.start).toBe("2023-09-22T12:46:09.383+00:00");
    expect(nwbcheckShortMovies(out).passed).toBe(true);
  });

  it("reads a multi-file Fast-Z acquisition as volumes without the flyback frames, and one plane of another", async () => {
    const volume = new ScanImageImagingInterface({ filePath: MULTI_FILE });
    expect(volume.acquisition.files).toHaveLength(3);
    expect(volume.data.shape).toEqual([30, 20, 20, 9]);
    const plane = new ScanImageImagingInterface({ filePath: NO_FLYBACK, planeIndex: 4 });
    expect(plane.data.shape).toEqual([10, 20, 20]);
    const out1 = join(dir, "multi.nwb");
    const out2 = join(dir, "plane.nwb");
    await volume.runConversion({ nwbfilePath: out1, metadata: start });
    await plane.runConversion({ nwbfilePath: out2, metadata: start });
    const files = [1, 2, 3].map((i) => MULTI_FILE.replace("00001.tif", `0000${i}.tif`));
    expect(checkAgainstTifffile(out1, files, [["TwoPhotonSeries", 0, null]])).toMatchObject({
      TwoPhotonSeries: { shape: [30, 20, 20, 9], equal: true, times: true },
    });
    expect(checkAgainstTifffile(out2, [NO_FLYBACK], [["TwoPhotonSeriesPlane4", 0, 4]])).toMatchObject({
      TwoPhotonSeriesPlane4: { shape: [10, 20, 20], equal: true, times: true },
    });
    expect(nwbcheckShortMovies(out1, out2).passed).toBe(true);
    // header values as tifffile reads them
    const header = JSON.parse(
      python(
        `
import sys, json, tifffile
md = tifffile.TiffFile(sys.argv[1]).scanimage_metadata["FrameData"]
print(json.dumps([md["SI.hRoiManager.scanVolumeRate"], md["SI.hRoiManager.scanFrameRate"], md["SI.hStackManager.actualNumSlices"]]))
`,
        MULTI_FILE,
      ),
    );
    expect([
      volume.acquisition.volumeRate,
      volume.acquisition.frameRate,
      volume.acquisition.numPlanes,
    ]).toEqual(header);
  });

  it("reads ScanImage 3.8: rate and start time from the state.* header, pages equal tifffile's", async () => {
    const legacy = new ScanImageLegacyImagingInterface({ filePath: LEGACY });
    expect(legacy.getMetadata().NWBFile.session_start_time).toBe("2017-10-09T16:57:07.967");
    const out = join(dir, "legacy.nwb");
    await legacy.runConversion({
      nwbfilePath: out,
      metadata: { NWBFile: { session_start_time: "2017-10-09T16:57:07.967-04:00" } },
    });
    const truth = JSON.parse(
      python(
        `
import sys, json, h5py, numpy as np, tifffile, tifffile.tifffile
t = tifffile.TiffFile(sys.argv[2])
rate = float([l for l in t.pages[0].description.replace("\\r", "\\n").split("\\n") if l.startswith("state.acq.frameRate=")][0].split("=")[1])
with h5py.File(sys.argv[1], "r") as f:
    d = f["acquisition/TwoPhotonSeries/data"][()]
    print(json.dumps({"equal": bool(np.array_equal(d, t.asarray().transpose(0, 2, 1))),
                      "rate": rate, "written": float(f["acquisition/TwoPhotonSeries/starting_time"].attrs["rate"])}))
`,
        out,
        LEGACY,
      ),
    );
    expect(truth).toEqual({ equal: true, rate: 3.90625, written: 3.90625 });
    expect(nwbcheckShortMovies(out).passed).toBe(true);
    expect(() => new ScanImageLegacyImagingInterface({ filePath: NO_FLYBACK })).toThrow(/not 3\.x/);
  });

  it("names the saved channels and planes when a selection does not exist", () => {
    expect(() => new ScanImageImagingInterface({ filePath: SLOW_STACK, channelName: "Channel 2" })).toThrow(
      /"Channel 1", "Channel 4"/,
    );
    expect(() => new ScanImageImagingInterface({ filePath: SLOW_STACK, planeIndex: 2 })).toThrow(/2 plane/);
    expect(Object.keys(new ScanImageConverter({ filePath: NO_FLYBACK }).dataInterfaceObjects)).toHaveLength(
      9,
    );
    expect(() => new ScanImageImagingInterface({ filePath: testdata("tiff/fissa_AVG_A01.tif") })).toThrow(
      /TiffImagingInterface/,
    );
  });
});
