import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { isNeuroconvError, SLEAPInterface } from "../../src/index.js";
import { ffmpegAvailable, ffprobeFrames } from "../helpers/ffmpeg.js";
import { caught, nwbcheck, nwbcheckAvailable, python, SERIES_TIMES_PY } from "../helpers/nwbcheck.js";
import { poseSkeleton } from "../helpers/pose.js";
import { hasTestdata, testdata } from "../helpers/testdata.js";

const HAVE = hasTestdata() && nwbcheckAvailable() && ffmpegAvailable();
const dir = mkdtempSync(join(tmpdir(), "neuroconv-sleap-"));
const metadata = { NWBFile: { session_start_time: "2024-12-16T11:07:38-08:00" } };
const TRACKS = testdata("sleap/tracks/clip.predictions.slp");
const TRACKS_VIDEO = testdata("sleap/tracks/clip.mp4");
const FLIES = testdata("sleap/analysis_example/predictions.slp");
const FLIES_ANALYSIS = testdata("sleap/analysis_example/predictions.analysis.h5");
const FLIES_VIDEO = testdata("sleap/analysis_example/20190128_113421.120s.mp4");

type Nullable = (number | null)[];
interface Written {
  data: Nullable[];
  confidence: Nullable;
  timestamps: number[];
}

/** Every PoseEstimationSeries of the file's PoseEstimation groups (h5py), NaN as null, by group and node. */
function written(path: string): Record<string, Record<string, Written>> {
  return JSON.parse(
    python(
      `
import json, sys, h5py, math, numpy as np
${SERIES_TIMES_PY}
nan = lambda v: None if math.isnan(v) else v
out = {}
with h5py.File(sys.argv[1], "r") as f:
    b = f["processing/behavior"]
    for g in b:
        if b[g].attrs.get("neurodata_type") != "PoseEstimation": continue
        out[g] = {n: {"data": [[nan(v) for v in row] for row in s["data"][()].tolist()],
                      "confidence": [nan(v) for v in s["confidence"][()].tolist()],
                      "timestamps": series_times(s).tolist()}
                  for n, s in b[g].items() if s.attrs.get("neurodata_type") == "PoseEstimationSeries"}
print(json.dumps(out))`,
      path,
    ),
  );
}

/**
 * The .slp decoded independently with h5py: per track the frames with an instance and, per node (the
 * skeleton's own node order, ids into the metadata node list), x, y (null when not visible) and score.
 */
function decodedSlp(path: string): {
  nodes: string[];
  edges: number[][];
  tracks: Record<
    string,
    { frames: number[]; xy: Record<string, Nullable[]>; score: Record<string, Nullable> }
  >;
} {
  return JSON.parse(
    python(
      `
import json, sys, h5py, math, numpy as np
${SERIES_TIMES_PY}
nan = lambda v: None if math.isnan(v) else v
f = h5py.File(sys.argv[1], "r")
meta = json.loads(f["metadata"].attrs["json"])
sk = meta["skeletons"][0]
ids = [n["id"] for n in sk["nodes"]]
nodes = [meta["nodes"][i]["name"] for i in ids]
edges = [[ids.index(l["source"]), ids.index(l["target"])] for l in sk["links"]]
tracks = [json.loads(t)[1] for t in f["tracks_json"][()]]
frames = f["frames"][()]
pts = f["pred_points"][()]
out = {t: {"frames": [], "xy": {n: [] for n in nodes}, "score": {n: [] for n in nodes}} for t in tracks}
for inst in sorted(f["instances"][()], key=lambda i: int(frames[i["frame_id"]]["frame_idx"])):
    t = out[tracks[inst["track"]]]
    t["frames"].append(int(frames[inst["frame_id"]]["frame_idx"]))
    for k, p in enumerate(pts[inst["point_id_start"]:inst["point_id_end"]]):
        seen = bool(p["visible"])
        t["xy"][nodes[k]].append([nan(float(p["x"])), nan(float(p["y"]))] if seen else [None, None])
        t["score"][nodes[k]].append(nan(float(p["score"])) if seen else None)
print(json.dumps({"nodes": nodes, "edges": edges, "tracks": out}))`,
      path,
    ),
  );
}

describe.skipIf(!HAVE)("SLEAPInterface on the SLEAP samples", () => {
  const files: string[] = [];

  it("writes each track as h5py decodes the .slp, on the video's frame times, with the shared skeleton", async () => {
    const path = join(dir, "tracks.nwb");
    await new SLEAPInterface({ filePath: TRACKS }).runConversion({ nwbfilePath: path, metadata });
    files.push(path);
    const ours = written(path);
    const slp = decodedSlp(TRACKS);
    const frameTimes = ffprobeFrames(TRACKS_VIDEO).timestamps;
    expect(Object.keys(ours).sort()).toEqual(["PoseEstimation_female", "PoseEstimation_male"]);
    for (const [track, expected] of Object.entries(slp.tracks)) {
      const series = ours[`PoseEstimation_${track}`]!;
      expect(Object.keys(series).sort()).toEqual([...slp.nodes].sort());
      for (const node of slp.nodes) {
        expect(series[node]!.data, `${track} ${node}`).toEqual(expected.xy[node]);
        expect(series[node]!.confidence).toEqual(expected.score[node]);
        const times = expected.frames.map((frame) => frameTimes[frame]!);
        expect(Math.max(...series[node]!.timestamps.map((t, i) => Math.abs(t - times[i]!)))).toBeLessThan(
          1e-9,
        );
      }
    }
    expect(slp.tracks.male!.frames.length).toBeLessThan(1500); // frames without the male have no row
    const female = poseSkeleton(path, "/processing/behavior/PoseEstimation_female");
    const male = poseSkeleton(path, "/processing/behavior/PoseEstimation_male");
    expect(female).toEqual(male);
    expect(female.nodes).toEqual(slp.nodes);
    expect(female.edges).toEqual(slp.edges);
  });

  it("writes the 13-node flies from the .slp and from the analysis export equal to that export", async () => {
    const path = join(dir, "flies.nwb");
    await new SLEAPInterface({ filePath: FLIES, videoFilePath: FLIES_VIDEO }).runConversion({
      nwbfilePath: path,
      metadata,
    });
    files.push(path);
    const fromAnalysis = join(dir, "flies-analysis.nwb");
    await new SLEAPInterface({ filePath: FLIES_ANALYSIS, videoFilePath: FLIES_VIDEO }).runConversion({
      nwbfilePath: fromAnalysis,
      metadata,
    });
    files.push(fromAnalysis);
    for (const written of [path, fromAnalysis]) {
      // Compared in numpy (NaN equal to NaN): per track and node, whether our rows equal the export's occupied frames.
      const equal = JSON.parse(
        python(
          `
import json, sys, h5py, numpy as np
a = h5py.File(sys.argv[1], "r")
ours = h5py.File(sys.argv[2], "r")["processing/behavior"]
t = a["tracks"][()]   # (tracks, xy, nodes, frames)
occupied = a["track_occupancy"][()].astype(bool)
out = {}
for k, name in enumerate(n.decode() for n in a["track_names"][()]):
    for j, node in enumerate(n.decode() for n in a["node_names"][()]):
        expected = t[k, :, j, occupied[:, k]]
        mine = ours[f"PoseEstimation_{name}/{node}/data"][()]
        out[f"{name}/{node}"] = bool(mine.shape == expected.shape and np.array_equal(mine, expected, equal_nan=True))
print(json.dumps(out))`,
          FLIES_ANALYSIS,
          written,
        ),
      ) as Record<string, boolean>;
      expect(Object.keys(equal)).toHaveLength(26);
      expect(
        Object.entries(equal).filter(([, same]) => !same),
        written,
      ).toEqual([]);
    }
    expect(poseSkeleton(path, "/processing/behavior/PoseEstimation_track_0").nodes).toHaveLength(13);
  });

  it("asks for the video or a frame rate when the video is not beside the file", async () => {
    const lonely = join(dir, "clip.predictions.slp");
    copyFileSync(TRACKS, lonely);
    const sleap = new SLEAPInterface({ filePath: lonely });
    const error = await sleap.runConversion({ nwbfilePath: join(dir, "x.nwb"), metadata }).catch((e) => e);
    expect(isNeuroconvError(error, "SourceDataError")).toBe(true);
    expect(error.message).toMatch(/videoFilePath.*frameRate/);
    const path = join(dir, "rate.nwb");
    await new SLEAPInterface({ filePath: lonely, frameRate: 30 }).runConversion({
      nwbfilePath: path,
      metadata,
      stubTest: true,
    });
    files.push(path);
    const female = written(path).PoseEstimation_female!.head!;
    expect(female.timestamps.slice(0, 3)).toEqual([0, 1 / 30, 2 / 30]);
    expect(caught(() => new SLEAPInterface({ filePath: join(dir, "none.slp") })).message).toMatch(
      /file not found/,
    );
  });

  it("converts from the command line under its alias", async () => {
    const output = join(dir, "cli.nwb");
    const metadataPath = join(dir, "metadata.yaml");
    const { writeFileSync } = await import("node:fs");
    writeFileSync(metadataPath, "NWBFile:\n  session_start_time: '2024-12-16T11:07:38-08:00'\n");
    const err: string[] = [];
    const code = await runCli(["convert", "sleap", TRACKS, "-o", output, "--metadata", metadataPath], {
      out: () => {},
      err: (line) => err.push(line),
      terminal: false,
    });
    expect(code, err.join("\n")).toBe(0);
    files.push(output);
  });

  it("the files pass nwbcheck with the cached ndx-pose", () => {
    const result = nwbcheck(...files);
    expect(result.passed, result.output).toBe(true);
    expect(result.output).toContain("ndx-pose");
  });
});
