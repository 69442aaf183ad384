import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { LightningPoseDataInterface } from "../../src/index.js";
import { checkDataInterface } from "../../src/testing/index.js";
import { ffmpegAvailable, ffprobeFrames } from "../helpers/ffmpeg.js";
import { nwbcheck, nwbcheckAvailable, python } from "../helpers/nwbcheck.js";
import { poseSeries, poseSkeleton } from "../helpers/pose.js";
import { pandasAvailable } from "../helpers/python.js";
import { hasTestdata, testdata } from "../helpers/testdata.js";

const HAVE = hasTestdata() && nwbcheckAvailable() && ffmpegAvailable() && pandasAvailable();
const dir = mkdtempSync(join(tmpdir(), "neuroconv-lightningpose-"));
const metadata = { NWBFile: { session_start_time: "2023-11-09T10:14:37-05:00" } };
const PREDICTIONS = testdata("lightningpose/outputs/2023-11-09/10-14-37/video_preds/test_vid.csv");
const VIDEO = testdata("lightningpose/outputs/2023-11-09/10-14-37/video_preds/test_vid.mp4");
const REFERENCE = testdata("lightningpose/reference_neuroconv/test_vid.nwb");

describe.skipIf(!HAVE)("LightningPoseDataInterface on the real test_vid predictions", () => {
  const written: string[] = [];

  it("writes the csv's poses (as pandas reads them, equal to NeuroConv's) on the video's frame times", async () => {
    const path = join(dir, "lp.nwb");
    await new LightningPoseDataInterface({
      filePath: PREDICTIONS,
      originalVideoFilePath: VIDEO,
    }).runConversion({
      nwbfilePath: path,
      metadata,
    });
    written.push(path);
    const ours = poseSeries(path, "/processing/behavior/PoseEstimation");
    const reference = poseSeries(REFERENCE, "/processing/behavior/PoseEstimation");
    const pandas = JSON.parse(
      python(
        `
import json, sys, pandas as pd
df = pd.read_csv(sys.argv[1], header=[0, 1, 2], index_col=0, float_precision="round_trip").droplevel(0, axis=1)
parts = df.columns.get_level_values(0).unique()
print(json.dumps({bp: {"xy": df[bp][["x", "y"]].to_numpy().tolist(), "likelihood": df[bp]["likelihood"].tolist()} for bp in parts}))
`,
        PREDICTIONS,
      ),
    ) as Record<string, { xy: number[][]; likelihood: number[] }>;
    const frameTimes = ffprobeFrames(VIDEO).timestamps;
    expect(Object.keys(ours).sort()).toEqual(Object.keys(pandas).sort());
    // ndx-pose 0.3: the body parts are the nodes of the skeleton the PoseEstimation links (no edges in the csv)
    expect(poseSkeleton(path, "/processing/behavior/PoseEstimation")).toEqual({
      path: "/processing/behavior/Skeletons/SkeletonPoseEstimation",
      nodes: Object.keys(pandas),
      edges: [],
      subject: null,
    });
    expect(Object.keys(ours)).toHaveLength(17);
    for (const [part, truth] of Object.entries(pandas)) {
      expect(ours[part]!.data).toEqual(truth.xy);
      expect(ours[part]!.confidence).toEqual(truth.likelihood);
      // NeuroConv parsed the csv with pandas' default (fast, not round-trip) float parser: it is off by up to
      // one unit in the last place where the text is exact
      const theirs = reference[`PoseEstimationSeries${part}`]!.data.flat();
      ours[part]!.data.flat().forEach((v, i) => {
        expect(Math.abs(v - theirs[i]!)).toBeLessThanOrEqual(Math.abs(v) * 2 ** -51);
      });
      ours[part]!.timestamps.forEach((t, i) => {
        expect(Math.abs(t - frameTimes[i]!)).toBeLessThan(1e-9);
      });
    }
  });

  it("passes the interface check and converts from the command line (video found beside the csv)", async () => {
    await checkDataInterface(new LightningPoseDataInterface({ filePath: PREDICTIONS }), {
      outputDir: dir,
      metadata,
    });
    written.push(join(dir, "LightningPoseDataInterface.nwb"));
    const output = join(dir, "cli.nwb");
    const metadataPath = join(dir, "metadata.yaml");
    writeFileSync(metadataPath, "NWBFile:\n  session_start_time: '2023-11-09T10:14:37-05:00'\n");
    const err: string[] = [];
    const io = { out: () => {}, err: (t: string) => err.push(t), terminal: false };
    expect(
      await runCli(["convert", "lightningpose", PREDICTIONS, "-o", output, "--metadata", metadataPath], io),
    ).toBe(0);
    expect(err.filter((line) => !line.startsWith("writing:"))).toEqual([]);
    written.push(output);
  });

  it("the files pass nwbcheck with the cached ndx-pose", () => {
    const result = nwbcheck(...written);
    expect(result.passed, result.output).toBe(true);
  });
});
