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
