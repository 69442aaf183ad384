import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { readBrukerTSeries } from "../../src/formats/bruker/index.js";
import { BrukerTiffConverter, BrukerTiffImagingInterface } from "../../src/index.js";
import { nwbcheckShortMovies, tiffOracleAvailable } from "../formats/tiff/oracle.js";
import { nwbcheckAvailable, python, SERIES_TIMES_PY } from "../helpers/nwbcheck.js";
import { hasTestdata, testdata } from "../helpers/testdata.js";

const HAVE = hasTestdata() && nwbcheckAvailable() && tiffOracleAvailable();
const FOLDER = testdata("bruker/NCCR32_2022_11_03_IntoTheVoid_t_series-005");
const dir = mkdtempSync(join(tmpdir(), "neuroconv-bruker-"));

/**
 * Python's ElementTree reading of the XML and tifffile's reading of the files: per series [name, plane or
 * null], the data must equal the pages (transposed to x, y) and the timestamps the frames' absoluteTime.
 */
const ORACLE = `
import sys, json, os, logging, h5py, numpy as np, tifffile, xml.etree.ElementTree as ET
${SERIES_TIMES_PY}
logging.getLogger("tifffile").setLevel(logging.ERROR)
nwb, folder, series = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
root = ET.parse(os.path.join(folder, os.path.basename(folder) + ".xml")).getroot()
cycles = [[f for f in s.findall("Frame")] for s in root.findall("Sequence")]
page = lambda frame: tifffile.TiffFile(os.path.join(folder, frame.find("File").get("filename"))).pages[0].asarray().T
out = {}
with h5py.File(nwb, "r") as f:
    for name, z in series:
        d = f["acquisition/" + name + "/data"][()]
        want = np.stack([page(c[z]) for c in cycles]) if z is not None else np.stack([np.stack([page(fr) for fr in c], -1) for c in cycles])
        t = np.array([float(c[z or 0].get("absoluteTime")) for c in cycles])
        out[name] = {"shape": list(d.shape), "equal": bool(np.array_equal(d, want)),
                     "times": bool(np.allclose(series_times(f["acquisition/" + name]), t - t[0], atol=1e-9))}
print(json.dumps(out))
`;

describe.skipIf(!HAVE)("Bruker PrairieView on the NCCR32 T-series", () => {
  it("writes the volumes with the CLI; frames and times equal tifffile/ElementTree and NeuroConv's multi-plane data", async () => {
    const out = join(dir, "volume.nwb");
    const quiet = { out: () => {}, err: (t: string) => console.error(t), progress: false };
    expect(await runCli(["convert", "bruker", FOLDER, "-o", out, "--timezone", "UTC"], quiet)).toBe(0);
    const result = JSON.parse(python(ORACLE, out, FOLDER, JSON.stringify([["TwoPhotonSeries", null]])));
    expect(result.TwoPhotonSeries).toEqual({ shape: [5, 512, 512, 2], equal: true, times: true });
    const same = python(
      `
import sys, h5py, numpy as np
a = h5py.File(sys.argv[1], "r")["acquisition/TwoPhotonSeries/data"][()]
b = h5py.File(sys.argv[2], "r")["acquisition/TwoPhotonSeries/data"][()]
print(np.array_equal(a, b))
`,
      out,
      testdata("bruker/reference_neuroconv/NCCR32_t_series-005.multiplane.nwb"),
    );
    expect(same.trim()).toBe("True");
    expect(nwbcheckShortMovies(out).passed).toBe(true);
  });

  it("writes each plane as its own series with the converter, at the volume rate", async () => {
    const converter = new BrukerTiffConverter({ folderPath: FOLDER });
    const out = join(dir, "planes.nwb");
    await converter.runConversion({
      nwbfilePath: out,
      metadata: { NWBFile: { session_start_time: "2022-11-03T11:20:34-05:00" } },
    });
    const result = JSON.parse(
      python(
        ORACLE,
        out,
        FOLDER,
        JSON.stringify([
          ["TwoPhotonSeriesPlane0", 0],
          ["TwoPhotonSeriesPlane1", 1],
        ]),
      ),
    );
    expect(result).toEqual({
      TwoPhotonSeriesPlane0: { shape: [5, 512, 512], equal: true, times: true },
      TwoPhotonSeriesPlane1: { shape: [5, 512, 512], equal: true, times: true },
    });
    const plane = new BrukerTiffImagingInterface({ folderPath: FOLDER, planeIndex: 1 });
    // frames 0.048474 s apart, two planes per volume: 10.31 volumes per second (NeuroConv writes 20.63)
    expect(plane.getMetadata().Ophys?.ImagingPlane?.[0]?.imaging_rate).toBeCloseTo(10.31, 2);
    expect(plane.getMetadata().NWBFile.session_start_time).toBe("2022-11-03T11:20:34");
    expect(nwbcheckShortMovies(out).passed).toBe(true);
    expect(() => new BrukerTiffImagingInterface({ folderPath: FOLDER, channelName: "Ch1" })).toThrow(/Ch2/);
  });

  it("parses PrairieView 5.5 single-plane and volumetric XML (metadata-only samples) like ElementTree", () => {
    for (const sample of ["sp_small", "vol_small"]) {
      const folder = testdata("bruker/metadata_only_pv5.5", sample);
      const series = readBrukerTSeries(folder);
      const truth = JSON.parse(
        python(
          `
import sys, glob, json, xml.etree.ElementTree as ET
root = ET.parse(glob.glob(sys.argv[1] + "/*.xml")[0]).getroot()
seqs = root.findall("Sequence")
vol = all("ZSeries" in s.get("type") for s in seqs)
frames = [s.findall("Frame") for s in seqs]
names = sorted({f.get("channelName") for s in frames for fr in s for f in fr.findall("File")})
print(json.dumps({"planes": len(frames[0]) if vol else 1, "samples": len(frames) if vol else sum(map(len, frames)), "channels": names}))
`,
          folder,
        ),
      );
      expect({
        planes: series.numPlanes,
        samples: series.samples.length,
        channels: [...series.channelNames].sort(),
      }).toEqual(truth);
    }
  });
});
