import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyzeFrameTiming, readVideoIndex, type VideoIndex } from "../../../src/formats/video/index.js";
import { isNeuroconvError } from "../../../src/index.js";
import { ffmpegAvailable, ffprobeFrames, videoFixture } from "../../helpers/ffmpeg.js";
import { hasTestdata, testdata } from "../../helpers/testdata.js";

const HAVE_FFMPEG = ffmpegAvailable();
const HAVE_DATA = hasTestdata();
const dir = mkdtempSync(join(tmpdir(), "neuroconv-video-"));

/** Frame count, size and every timestamp equal ffprobe's (to a nanosecond: both divide ticks by the clock rate). */
function expectSameAsFfprobe(index: VideoIndex): void {
  const probed = ffprobeFrames(index.filePath);
  expect(index.width).toBe(probed.width);
  expect(index.height).toBe(probed.height);
  expect(index.frameCount).toBe(probed.timestamps.length);
  expect(index.timestamps).toHaveLength(probed.timestamps.length);
  const worst = Math.max(...probed.timestamps.map((t, i) => Math.abs(t - index.timestamps[i]!)));
  expect(worst).toBeLessThan(1e-9);
}

const REAL_VIDEOS = [
  "deeplabcut/m3v1mp4.mp4",
  "sleap/tracks/clip.mp4",
  "sleap/analysis_example/20190128_113421.120s.mp4",
  "lightningpose/outputs/2023-11-09/10-14-37/video_preds/test_vid.mp4",
  "miniscope/C6-J588_Disc5/15_03_28/BehavCam_2/0.avi",
  "miniscope/C6-J588_Disc5/15_03_28/Miniscope/0.avi",
];

describe.skipIf(!HAVE_FFMPEG || !HAVE_DATA)("container indexes of the real videos", () => {
  it.each(REAL_VIDEOS)("%s: frames and timestamps equal ffprobe's", (file) => {
    const index = readVideoIndex(testdata(file));
    expectSameAsFfprobe(index);
    expect(analyzeFrameTiming(index).regular).toBe(true);
  });

  it("states the rate the containers give", () => {
    const dlc = analyzeFrameTiming(readVideoIndex(testdata(REAL_VIDEOS[0]!)));
    expect(dlc.rate).toBeCloseTo(1e6 / 33333, 9); // 33333 ticks of 1 µs per frame
    expect(analyzeFrameTiming(readVideoIndex(testdata(REAL_VIDEOS[1]!))).rate).toBe(25);
    const avi = readVideoIndex(testdata(REAL_VIDEOS[5]!));
    expect([avi.container, avi.codec, avi.nominalRate, avi.frameCount]).toEqual(["avi", "FFV1", 60, 5]);
  });
});

/** A 30-frame test pattern video (see {@link videoFixture}). */
function fixture(name: string, select: string, ...codec: string[]): string {
  return videoFixture(join(dir, name), { select, ...(codec.length > 0 && { codec }) });
}

describe.skipIf(!HAVE_FFMPEG)("videos made by ffmpeg", () => {
  const H264 = ["-c:v", "libx264", "-pix_fmt", "yuv420p"];

  it.each([
    ["cfr.mp4", H264],
    ["cfr.mov", H264],
    ["cfr.mkv", H264],
    ["cfr.avi", ["-c:v", "mjpeg"]],
    ["fragmented.mp4", [...H264, "-movflags", "frag_keyframe+empty_moov", "-g", "7"]],
  ])("%s: a constant rate of 30 Hz", (name, codec) => {
    const index = readVideoIndex(fixture(name, "not(mod(n,20))", ...codec));
    expectSameAsFfprobe(index);
    expect(index.frameCount).toBe(30);
    const timing = analyzeFrameTiming(index);
    expect([timing.regular, timing.rate, timing.gaps]).toEqual([true, 30, []]);
  });

  // frame k at (k + 0.5 (k mod 2)) / 30 s: 0, 50 ms, 66.7 ms, 117 ms, ...: a variable rate, no frame missing
  const VARIABLE = "eq(mod(n,40),0)+eq(mod(n,40),30)";
  it.each([
    ["vfr.mp4", H264],
    ["vfr.mkv", H264],
  ])("%s: variable frame rate timestamps are exact", (name, codec) => {
    const index = readVideoIndex(fixture(name, VARIABLE, ...codec));
    expectSameAsFfprobe(index);
    const expected = Array.from({ length: 30 }, (_, n) => (n + 0.5 * (n % 2)) / 30);
    const digits = name.endsWith(".mkv") ? 3 : 9; // Matroska stores whole milliseconds
    index.timestamps.forEach((t, n) => {
      expect(t).toBeCloseTo(expected[n]!, digits);
    });
    expect(analyzeFrameTiming(index).regular).toBe(false);
  });

  it.each([
    ["gap.mp4", H264],
    ["gap.avi", ["-c:v", "mjpeg"]],
    ["gap.mkv", H264],
  ])("%s: three dropped frames after frame 10 are found", (name, codec) => {
    const index = readVideoIndex(fixture(name, "not(mod(n,20))*not(between(n,201,279))", ...codec));
    expectSameAsFfprobe(index);
    expect(index.frameCount).toBe(30);
    const timing = analyzeFrameTiming(index);
    expect(timing.regular).toBe(false);
    expect(timing.gaps).toEqual([{ frame: 11, missingFrames: 3 }]);
    expect(timing.rate).toBe(30);
  });

  it("names the file that is not a video", () => {
    const path = join(dir, "notes.mp4");
    writeFileSync(path, "these are notes, not a movie");
    const error = (() => {
      try {
        readVideoIndex(path);
      } catch (e) {
        return e;
      }
    })();
    expect(isNeuroconvError(error, "SourceDataError")).toBe(true);
    expect((error as Error).message).toContain(path);
  });
});
