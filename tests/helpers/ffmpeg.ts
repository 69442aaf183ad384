/**
 * ffprobe (Debian `ffmpeg`) as the independent reader of video timing, and ffmpeg to make video fixtures.
 * Outside CI a machine without them skips loudly; in CI they must be installed.
 */
import { execFileSync, spawnSync } from "node:child_process";

let state: boolean | undefined;

/** Whether ffmpeg and ffprobe run here; throws in CI when they do not. */
export function ffmpegAvailable(): boolean {
  if (state !== undefined) return state;
  const runs = (program: string) => spawnSync(program, ["-version"], { stdio: "ignore" }).status === 0;
  state = runs("ffmpeg") && runs("ffprobe");
  if (!state && process.env.CI)
    throw new Error("ffmpeg and ffprobe are required in CI (apt-get install ffmpeg)");
  if (!state)
    console.warn("\n!!! SKIPPING video tests: ffmpeg/ffprobe not found (apt-get install ffmpeg) !!!\n");
  return state;
}

/** Runs ffmpeg quietly, overwriting outputs (fixtures in a temporary folder). */
export function ffmpeg(...args: string[]): void {
  execFileSync("ffmpeg", ["-nostdin", "-v", "error", "-y", ...args]);
}

export interface ProbedFrames {
  readonly width: number;
  readonly height: number;
  /** Presentation time of every packet of the first video stream (pts × time_base), ascending. */
  readonly timestamps: number[];
}

/** What ffprobe reads from the container, without decoding. */
export function ffprobeFrames(path: string): ProbedFrames {
  const output = execFileSync(
    "ffprobe",
    [
      "-v",
      "error",
      "-select_streams",
      "v:0",
      "-show_entries",
      "stream=width,height,time_base:packet=pts",
      "-of",
      "json",
      path,
    ],
    { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
  );
  const parsed = JSON.parse(output) as {
    streams: { width: number; height: number; time_base: string }[];
    packets: { pts: number }[];
  };
  const stream = parsed.streams[0]!;
  const [num, den] = stream.time_base.split("/").map(Number) as [number, number];
  const timestamps = parsed.packets.map((p) => (p.pts * num) / den).sort((a, b) => a - b);
  return { width: stream.width, height: stream.height, timestamps };
}

/** Constant 30 Hz: every 20th frame of the 600 Hz source. */
export const EVERY_30HZ_FRAME = "not(mod(n,20))";

/**
 * Writes a 64 x 48 test pattern video whose frames are picked by the ffmpeg `select` expression from a
 * 600 Hz source, so frame times are exact ticks of 1/600 s that ffmpeg passes through unchanged.
 */
export function videoFixture(
  path: string,
  options: { select?: string; frames?: number; codec?: readonly string[] } = {},
): string {
  const codec = options.codec ?? ["-c:v", "libx264", "-pix_fmt", "yuv420p"];
  ffmpeg(
    ...[
      "-f",
      "lavfi",
      "-i",
      "testsrc=size=64x48:rate=600",
      "-vf",
      `select='${options.select ?? EVERY_30HZ_FRAME}'`,
    ],
    ...["-fps_mode", "passthrough", "-frames:v", String(options.frames ?? 30), ...codec, path],
  );
  return path;
}
