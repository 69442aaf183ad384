import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { DeepLabCutInterface, isNeuroconvError } from "../../src/index.js";
import { checkDataInterface } from "../../src/testing/index.js";
import { ffmpegAvailable, ffprobeFrames } from "../helpers/ffmpeg.js";
import { caught, nwbcheck, nwbcheckAvailable, python } from "../helpers/nwbcheck.js";
import { poseSeries, poseSkeleton } from "../helpers/pose.js";
import { hasTestdata, testdata } from "../helpers/testdata.js";

const HAVE = hasTestdata() && nwbcheckAvailable() && ffmpegAvailable();
const dir = mkdtempSync(join(tmpdir(), "neuroconv-dlc-interface-"));
const metadata = { NWBFile: { session_start_time: "2024-01-01T12:00:00-05:00" } };
const H5 = testdata("deeplabcut/m3v1mp4DLC_resnet50_openfieldAug20shuffle1_30000.h5");
const CONFIG = testdata("deeplabcut/openfield-Pranav-2018-10-30_config.yaml");
const VIDEO = testdata("deeplabcut/m3v1mp4.mp4");
const REFERENCE = testdata(
  "deeplabcut/reference_neuroconv/m3v1mp4DLC_resnet50_openfieldAug20shuffle1_30000.nwb",
);
const BODYPARTS = ["snout", "leftear", "rightear", "tailbase"];

describe.skipIf(!HAVE)("DeepLabCutInterface on the real openfield sample", () => {
  const written: string[] = [];

  it("writes the poses NeuroConv writes, on the video's frame times (not frame numbers as seconds)", async () => {
    const path = join(dir, "dlc.nwb");
    await new DeepLabCutInterface({ filePath: H5, configFilePath: CONFIG }).runConversion({
      nwbfilePath: path,
      metadata: { ...metadata, Subject: { subject_id: "ind1", species: "Mus musculus" } },
    });
    written.push(path);
    const ours = poseSeries(path, "/processing/behavior/PoseEstimation");
    const reference = poseSeries(REFERENCE, "/processing/behavior/PoseEstimation");
    expect(Object.keys(ours).sort()).toEqual([...BODYPARTS].sort());
    const frameTimes = ffprobeFrames(VIDEO).timestamps;
    for (const part of BODYPARTS) {
      const theirs = reference[`ind1_${part}`]!;
      expect(ours[part]!.data).toEqual(theirs.data);
      expect(ours[part]!.confidence).toEqual(theirs.confidence);
      expect(theirs.timestamps.slice(0, 3)).toEqual([0, 1, 2]); // NeuroConv's frame numbers as seconds
      ours[part]!.timestamps.forEach((t, i) => {
        expect(Math.abs(t - frameTimes[i]!)).toBeLessThan(1e-9);
      });
    }
    // NeuroConv's reference caches ndx-pose 0.1.1 (nodes in the PoseEstimation, named after its series); ours
    // is 0.3.0 (nodes in a Skeleton the PoseEstimation links): compare the values
    const referenceNodes = python(
      `import h5py, sys; f = h5py.File(sys.argv[1], "r"); print(" ".join(x.decode() for x in f["/processing/behavior/PoseEstimation/nodes"][()]))`,
      REFERENCE,
    ).trim();
    expect(referenceNodes).toBe(BODYPARTS.map((part) => `ind1_${part}`).join(" "));
    expect(poseSkeleton(path, "/processing/behavior/PoseEstimation")).toEqual({
      path: "/processing/behavior/Skeletons/SkeletonPoseEstimation",
      nodes: BODYPARTS,
      edges: [], // the project's config.yaml has `skeleton: []`
      subject: "/general/subject",
    });
    const fields = python(
      `import h5py, sys; f = h5py.File(sys.argv[1], "r"); g = f["/processing/behavior/PoseEstimation"]; print(g["scorer"][()].decode(), g["source_software"][()].decode(), g["dimensions"][()].tolist())`,
      path,
    ).trim();
    expect(fields).toBe("DLC_resnet50_openfieldAug20shuffle1_30000 DeepLabCut [[640, 480]]");
  });

  it("converts the .csv output (which NeuroConv refuses) and multi-animal files per individual", async () => {
    python(
      `
import sys, os, numpy as np, pandas as pd
d = sys.argv[1]
cols = pd.MultiIndex.from_product([["DLC_dlcrnetms5_testMay1shuffle1_5"], ["mus1", "mus2"], ["nose", "tail"], ["x", "y", "likelihood"]],
                                  names=["scorer", "individuals", "bodyparts", "coords"])
df = pd.DataFrame(np.random.default_rng(3).uniform(0, 1, size=(40, len(cols))), columns=cols)
df.to_csv(os.path.join(d, "camDLC_dlcrnetms5.csv"))
df.to_hdf(os.path.join(d, "camDLC_dlcrnetms5.h5"), key="df_with_missing", format="table", mode="w")
`,
      dir,
    );
    const config = join(dir, "config.yaml");
    writeFileSync(
      config,
      "multianimalproject: true\nmultianimalbodyparts: [nose, tail]\nindividuals: [mus1, mus2]\nskeleton:\n- [nose, tail]\n",
    );
    const csv = new DeepLabCutInterface({
      filePath: join(dir, "camDLC_dlcrnetms5.csv"),
      configFilePath: config,
      frameRate: 20,
    });
    const path = join(dir, "multi.nwb");
    await csv.runConversion({ nwbfilePath: path, metadata });
    written.push(path);
    const mus2 = poseSeries(path, "/processing/behavior/PoseEstimation_mus2");
    expect(Object.keys(mus2).sort()).toEqual(["nose", "tail"]);
    // one skeleton per animal; several animals: none of them is taken for the session's subject
    for (const animal of ["mus1", "mus2"]) {
      expect(poseSkeleton(path, `/processing/behavior/PoseEstimation_${animal}`)).toEqual({
        path: `/processing/behavior/Skeletons/SkeletonPoseEstimation_${animal}`,
        nodes: ["nose", "tail"],
        edges: [[0, 1]],
        subject: null,
      });
    }
    expect(mus2.tail!.timestamps.slice(0, 3)).toEqual([0, 1 / 20, 2 / 20]);
    const one = new DeepLabCutInterface({
      filePath: join(dir, "camDLC_dlcrnetms5.h5"),
      frameRate: 20,
      subjectName: "mus1",
    });
    await checkDataInterface(one, { outputDir: dir, metadata, validate: nwbcheck });
  });

  it("says what to give when frame times are unknown", () => {
    const error = caught(() => new DeepLabCutInterface({ filePath: join(dir, "camDLC_dlcrnetms5.csv") }));
    expect(isNeuroconvError(error, "SourceDataError")).toBe(true);
    expect(error.message).toMatch(/videoFilePath.*frameRate/);
  });

  it("converts from the command line under its alias", async () => {
    const output = join(dir, "cli.nwb");
    const metadataPath = join(dir, "metadata.yaml");
    writeFileSync(metadataPath, "NWBFile:\n  session_start_time: '2024-01-01T12:00:00-05:00'\n");
    const err: string[] = [];
    const code = await runCli(["convert", "dlc", H5, "-o", output, "--metadata", metadataPath], {
      out: () => {},
      err: (t) => err.push(t),
      terminal: false,
    });
    expect(err.filter((line) => !line.startsWith("writing:"))).toEqual([]);
    expect(code).toBe(0);
    written.push(output);
  });

  it("the files pass nwbcheck with the cached ndx-pose", () => {
    const result = nwbcheck(...written);
    expect(result.passed, result.output).toBe(true);
    expect(result.output).toContain("ndx-pose");
  });
});
