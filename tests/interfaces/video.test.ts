import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { runCli } from "../../src/cli/main.js";
import {
  ExternalVideoInterface,
  getDefaultBackendConfiguration,
  hdf5Backend,
  InternalVideoInterface,
} from "../../src/index.js";
import { checkDataInterface } from "../../src/testing/index.js";
import { ffmpegAvailable, ffprobeFrames, videoFixture } from "../helpers/ffmpeg.js";
import { nwbcheck, nwbcheckAvailable } from "../helpers/nwbcheck.js";
import { hasTestdata, testdata } from "../helpers/testdata.js";

const HAVE = ffmpegAvailable() && hasTestdata() && nwbcheckAvailable();
const dir = mkdtempSync(join(tmpdir(), "neuroconv-video-interfaces-"));
const metadata = { NWBFile: { session_start_time: "2024-01-01T12:00:00-05:00" } };
const DLC_VIDEO = testdata("deeplabcut/m3v1mp4.mp4");
const BEHAV_CAM = testdata("miniscope/C6-J588_Disc5/15_03_28/BehavCam_2/0.avi");
const written: string[] = [];

async function read<T>(
  path: string,
  inside: (file: Awaited<ReturnType<typeof hdf5Backend.open>>) => T,
): Promise<T> {
  const file = await hdf5Backend.open(path);
  try {
    return inside(file);
  } finally {
    file.close();
  }
}

/** A 30 Hz test pattern video in the `videos` folder beside the NWB files. */
function fixture(name: string, select?: string, frames?: number): string {
  mkdirSync(join(dir, "videos"), { recursive: true });
  return videoFixture(join(dir, "videos", name), { ...(select && { select }), ...(frames && { frames }) });
}

describe.skipIf(!HAVE)("ExternalVideoInterface", () => {
  it("points at a real video relative to the NWB file, at the container's rate", async () => {
    const path = join(dir, "dlc_video.nwb");
    await new ExternalVideoInterface({ filePaths: [DLC_VIDEO], videoName: "OpenFieldCamera" }).runConversion({
      nwbfilePath: path,
      metadata,
    });
    written.push(path);
    const probed = ffprobeFrames(DLC_VIDEO);
    await read(path, (file) => {
      const series = "/acquisition/OpenFieldCamera";
      const external = file.readDataset(`${series}/external_file`) as string[];
      expect(external).toHaveLength(1);
      expect(external[0]).not.toMatch(/^\//);
      expect(join(dir, external[0]!)).toBe(DLC_VIDEO);
      expect(
        [...(file.getAttribute(`${series}/external_file`, "starting_frame") as BigInt64Array)].map(Number),
      ).toEqual([0]);
      expect(file.readDataset(`${series}/format`)).toBe("external");
      // regular: 2330 frames every 33333 µs (the rate is stored as float64: float32 would drift by 1.4 µs)
      expect(file.kind(`${series}/timestamps`)).toBeUndefined();
      const rate = file.getAttribute(`${series}/starting_time`, "rate") as number;
      expect(rate).toBe(1e6 / 33333);
      expect(probed.timestamps).toHaveLength(2330);
      probed.timestamps.forEach((t, i) => {
        expect(Math.abs(t - i / rate)).toBeLessThan(1e-9);
      });
    });
  });

  it("writes the exact timestamps of a variable-rate video and of several files, with their first frames", async () => {
    const steady = fixture("steady.mp4");
    const variable = fixture("variable.mp4", "eq(mod(n,40),0)+eq(mod(n,40),30)");
    const path = join(dir, "two_files.nwb");
    const video = new ExternalVideoInterface({ filePaths: [steady, variable] });
    await video.runConversion({ nwbfilePath: path, metadata });
    written.push(path);
    const first = ffprobeFrames(steady).timestamps;
    const second = ffprobeFrames(variable).timestamps;
    // the second file follows one frame period after the first one's last frame
    const expected = [...first, ...second.map((t) => t - second[0]! + first.at(-1)! + 1 / 30)];
    await read(path, (file) => {
      const series = "/acquisition/ExternalVideo";
      expect(file.readDataset(`${series}/external_file`)).toEqual([
        "videos/steady.mp4",
        "videos/variable.mp4",
      ]);
      expect(
        [...(file.getAttribute(`${series}/external_file`, "starting_frame") as BigInt64Array)].map(Number),
      ).toEqual([0, 30]);
      const timestamps = file.readDataset(`${series}/timestamps`) as Float64Array;
      expect(timestamps).toHaveLength(60);
      timestamps.forEach((t, i) => {
        expect(Math.abs(t - expected[i]!)).toBeLessThan(1e-9);
      });
    });
  });

  it("places files at the starting times the user gives and passes the interface check", async () => {
    const video = new ExternalVideoInterface({
      filePaths: [fixture("a.mp4"), fixture("b.mp4")],
      videoName: "Cam",
    });
    video.setAlignedSegmentStartingTimes([10, 100]);
    const timestamps = video.getTimestamps();
    expect([timestamps[0], timestamps[29], timestamps[30], timestamps[59]]).toEqual([
      10,
      10 + 29 / 30,
      100,
      100 + 29 / 30,
    ]);
    await checkDataInterface(video, { outputDir: dir, metadata, validate: nwbcheck });
  });

  it("converts from the command line under its alias (the path is the one file)", async () => {
    const output = join(dir, "cli_video.nwb");
    const metadataPath = join(dir, "metadata.yaml");
    writeFileSync(metadataPath, "NWBFile:\n  session_start_time: '2024-01-01T12:00:00-05:00'\n");
    const err: string[] = [];
    const io = { out: () => {}, err: (t: string) => err.push(t), terminal: false };
    expect(await runCli(["convert", "video", BEHAV_CAM, "-o", output, "--metadata", metadataPath], io)).toBe(
      0,
    );
    expect(err.filter((line) => !line.startsWith("writing:"))).toEqual([]);
    written.push(output);
  });

  it("warns about frames missing in a file", () => {
    const emitWarning = vi.spyOn(process, "emitWarning").mockImplementation(() => undefined);
    try {
      new ExternalVideoInterface({
        filePaths: [fixture("dropped.mp4", "not(mod(n,20))*not(between(n,201,279))")],
      });
      expect(String(emitWarning.mock.calls[0]?.[0])).toMatch(
        /dropped\.mp4: about 3 frame\(s\) missing before frame 11/,
      );
    } finally {
      emitWarning.mockRestore();
    }
  });
});

describe.skipIf(!HAVE)("InternalVideoInterface", () => {
  it("stores the decoded frames of a real AVI one frame per chunk, equal to ffmpeg's own decoding", async () => {
    const video = new InternalVideoInterface({ filePath: BEHAV_CAM, videoName: "BehavCam" });
    const nwbfile = await video.createNwbfile({ metadata });
    const configuration = getDefaultBackendConfiguration(nwbfile);
    expect(configuration.datasetConfigurations["acquisition/BehavCam/data"]?.chunkShape).toEqual([
      1, 720, 1280, 3,
    ]);
    const path = join(dir, "behavcam.nwb");
    await video.runConversion({ nwbfilePath: path, metadata });
    written.push(path);
    const truth = execFileSync(
      "ffmpeg",
      ["-v", "error", "-i", BEHAV_CAM, "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"],
      {
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    await read(path, (file) => {
      expect(file.datasetInfo("/acquisition/BehavCam/data").shape).toEqual([5, 720, 1280, 3]);
      const data = file.readDataset("/acquisition/BehavCam/data") as Uint8Array;
      expect(Buffer.from(data.buffer, data.byteOffset, data.byteLength).equals(truth)).toBe(true);
      expect(file.getAttribute("/acquisition/BehavCam/starting_time", "rate")).toBe(60);
    });
  });

  it("stores a video with more frames than pixels per side (the inspector's orientation check applies)", async () => {
    const path = join(dir, "internal.nwb");
    await new InternalVideoInterface({ filePath: fixture("internal.mp4", undefined, 80) }).runConversion({
      nwbfilePath: path,
      metadata,
    });
    written.push(path);
    await read(path, (file) => {
      expect(file.datasetInfo("/acquisition/InternalVideo/data").shape).toEqual([80, 48, 64, 3]);
    });
  });

  it("writes only a few frames in a stub conversion", async () => {
    const path = join(dir, "stub.nwb");
    await new InternalVideoInterface({ filePath: fixture("stub.mp4") }).runConversion({
      nwbfilePath: path,
      metadata,
      stubTest: true,
    });
    await read(path, (file) => {
      expect(file.datasetInfo("/acquisition/InternalVideo/data").shape).toEqual([10, 48, 64, 3]);
    });
  });

  it("the files pass nwbcheck", () => {
    const result = nwbcheck(...written);
    // 5 frames of 1280 x 720 (BehavCam) is valid NWB, but the inspector's "time is the longest axis"
    // heuristic flags it; nothing else may fail
    const failures = result.output.split("\n").filter((line) => line.trimStart().startsWith("FAIL"));
    expect(failures, result.output).toHaveLength(1);
    expect(failures[0]).toMatch(/check_data_orientation.*\/acquisition\/BehavCam/);
  });
});
