import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { decodedFrames, findFfmpeg, readVideoIndex } from "../../../src/formats/video/index.js";
import { isNeuroconvError } from "../../../src/index.js";
import { ffmpeg, ffmpegAvailable } from "../../helpers/ffmpeg.js";
import { hasTestdata, testdata } from "../../helpers/testdata.js";

const HAVE_FFMPEG = ffmpegAvailable();
const HAVE_DATA = hasTestdata();
const dir = mkdtempSync(join(tmpdir(), "neuroconv-decoder-"));
const PATTERN = ["-f", "lavfi", "-i", "testsrc=size=64x48:rate=30", "-frames:v", "12"];

describe.skipIf(!HAVE_FFMPEG)("the ffmpeg decoder", () => {
  it("yields the pixels of a losslessly encoded video, in order and after going back", async () => {
    // FFV1 is lossless: the decoded frames must equal the test pattern itself, written raw
    const video = join(dir, "pattern.avi");
    const raw = join(dir, "pattern.rgb");
    ffmpeg(...PATTERN, "-c:v", "ffv1", video);
    ffmpeg(...PATTERN, "-f", "rawvideo", "-pix_fmt", "rgb24", raw);
    const truth = new Uint8Array(readFileSync(raw));
    const index = readVideoIndex(video);
    const frames = decodedFrames(video, index);
    expect(frames.shape).toEqual([12, 48, 64, 3]);
    const frameBytes = 48 * 64 * 3;
    const head = await frames.readRows(0, 5);
    const tail = await frames.readRows(5, 12);
    expect(Buffer.from(head.buffer).equals(Buffer.from(truth.subarray(0, 5 * frameBytes)))).toBe(true);
    expect(Buffer.from(tail.buffer).equals(Buffer.from(truth.subarray(5 * frameBytes)))).toBe(true);
    const again = await frames.readRows(3, 4);
    expect(
      Buffer.from(again.buffer).equals(Buffer.from(truth.subarray(3 * frameBytes, 4 * frameBytes))),
    ).toBe(true);
    frames.close();
  });

  it("decodes one frame per index entry of an AVI with dropped (empty) chunks", async () => {
    const video = join(dir, "dropped.avi");
    ffmpeg(
      "-f",
      "lavfi",
      "-i",
      "testsrc=size=64x48:rate=30",
      "-vf",
      "select='not(between(n,5,7))'",
      "-fps_mode",
      "passthrough",
      "-frames:v",
      "10",
      "-c:v",
      "mjpeg",
      video,
    );
    const index = readVideoIndex(video);
    expect(index.frameCount).toBe(10);
    const frames = decodedFrames(video, { ...index, pixelFormat: "gray" });
    expect(await frames.readRows(0, 10)).toHaveLength(10 * 64 * 48);
  });

  it.skipIf(!HAVE_DATA)(
    "decodes as many frames as the container index lists (a real H.264 video, grey)",
    async () => {
      const path = testdata("sleap/tracks/clip.mp4");
      const index = readVideoIndex(path);
      const frames = decodedFrames(path, { ...index, pixelFormat: "gray" });
      const last = await frames.readRows(index.frameCount - 2, index.frameCount);
      expect(last).toHaveLength(2 * 1024 * 1024);
      await expect(Promise.resolve(frames.readRows(0, 1))).resolves.toHaveLength(1024 * 1024);
      frames.close();
    },
  );
});

describe("without ffmpeg", () => {
  const saved = process.env.NEUROCONV_FFMPEG;
  afterEach(() => {
    if (saved === undefined) delete process.env.NEUROCONV_FFMPEG;
    else process.env.NEUROCONV_FFMPEG = saved;
  });

  it("says how to install it", () => {
    process.env.NEUROCONV_FFMPEG = join(dir, "no-such-ffmpeg");
    let error: unknown;
    try {
      findFfmpeg();
    } catch (e) {
      error = e;
    }
    expect(isNeuroconvError(error, "MissingDependencyError")).toBe(true);
    expect((error as Error).message).toMatch(/apt-get install ffmpeg.*NEUROCONV_FFMPEG/s);
  });
});
