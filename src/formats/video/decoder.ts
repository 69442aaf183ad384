/**
 * Video frames decoded by the system's ffmpeg program, streamed as raw pixels through a pipe: ffmpeg decodes
 * every codec labs record with (H.264, MJPEG, FFV1, ...), and no native Node addon is needed. The program is
 * looked up on first use only, so reading container indexes never needs it.
 */
import { type ChildProcessByStdio, spawn, spawnSync } from "node:child_process";
import type { Readable } from "node:stream";
import type { ChunkSource } from "../../data/lazy.js";
import { MissingDependencyError, SourceDataError } from "../../errors.js";

/** Pixel layouts the decoder outputs: 8-bit RGB (3 channels), 8-bit or 16-bit grey (1 channel). */
export type DecodedPixelFormat = "rgb24" | "gray" | "gray16le";

const CHANNELS: Record<DecodedPixelFormat, number> = { rgb24: 3, gray: 1, gray16le: 1 };

const runnable = new Set<string>();

/**
 * The ffmpeg program: `NEUROCONV_FFMPEG` if set, else `ffmpeg` on the PATH. Throws a
 * {@link MissingDependencyError} saying how to install it when it cannot run.
 */
export function findFfmpeg(): string {
  const candidate = process.env.NEUROCONV_FFMPEG || "ffmpeg";
  if (runnable.has(candidate)) return candidate;
  const probe = spawnSync(candidate, ["-hide_banner", "-version"], { stdio: "ignore" });
  if (probe.error || probe.status !== 0) {
    throw new MissingDependencyError(
      "ffmpeg",
      `cannot run '${candidate}' to decode video frames. Install ffmpeg (Debian/Ubuntu: apt-get install ffmpeg; ` +
        "macOS: brew install ffmpeg; Windows: winget install ffmpeg) or set NEUROCONV_FFMPEG to its path. " +
        "Videos kept as external files (ExternalVideoInterface) need no decoder.",
    );
  }
  runnable.add(candidate);
  return candidate;
}

export interface DecodedFramesOptions {
  readonly frameCount: number;
  readonly width: number;
  readonly height: number;
  /** Output pixels (default "rgb24"). */
  readonly pixelFormat?: DecodedPixelFormat;
}

/** One running ffmpeg process and the bytes it has produced but nobody has taken yet. */
class FramePipe {
  private readonly process: ChildProcessByStdio<null, Readable, Readable>;
  private readonly chunks: AsyncIterator<Buffer>;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private stderr = "";
  /** Index of the next frame this pipe yields. */
  position: number;

  constructor(filePath: string, firstFrame: number, pixelFormat: DecodedPixelFormat) {
    const select = firstFrame > 0 ? ["-vf", `select=gte(n\\,${firstFrame})`] : [];
    this.process = spawn(
      findFfmpeg(),
      [
        "-nostdin",
        "-v",
        "error",
        "-i",
        filePath,
        "-map",
        "0:v:0",
        ...select,
        "-fps_mode",
        "passthrough",
        "-f",
        "rawvideo",
        "-pix_fmt",
        pixelFormat,
        "pipe:1",
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    this.process.stderr.on("data", (text: Buffer) => {
      this.stderr = (this.stderr + text.toString()).slice(-2000);
    });
    this.chunks = this.process.stdout[Symbol.asyncIterator]();
    this.position = firstFrame;
  }

  /** The next `bytes` bytes; fewer when ffmpeg ends early. */
  async take(bytes: number): Promise<Buffer> {
    while (this.pendingBytes < bytes) {
      const next = await this.chunks.next();
      if (next.done) break;
      this.pending.push(next.value);
      this.pendingBytes += next.value.length;
    }
    const all = Buffer.concat(this.pending);
    const taken = all.subarray(0, Math.min(bytes, all.length));
    const rest = all.subarray(taken.length);
    this.pending = rest.length ? [rest] : [];
    this.pendingBytes = rest.length;
    return taken;
  }

  get errorText(): string {
    return this.stderr.trim();
  }

  close(): void {
    this.process.stdout.destroy();
    this.process.kill();
  }
}

/**
 * The frames of a video as a lazy uint8 (or uint16 for "gray16le") source of shape (frames, height, width)
 * or (frames, height, width, 3). Reading rows in order streams one ffmpeg process; reading backwards
 * restarts decoding at the asked frame. Frame count and size come from the container index.
 *
 * @example
 * ```ts
 * const index = readVideoIndex("behavior.avi");
 * const frames = decodedFrames(index.filePath, index);
 * const firstTen = await frames.readRows(0, 10);
 * ```
 */
export function decodedFrames(
  filePath: string,
  options: DecodedFramesOptions,
): ChunkSource & { close(): void } {
  const pixelFormat = options.pixelFormat ?? "rgb24";
  const channels = CHANNELS[pixelFormat];
  const itemBytes = pixelFormat === "gray16le" ? 2 : 1;
  const frameBytes = options.width * options.height * channels * itemBytes;
  const shape = [options.frameCount, options.height, options.width, ...(channels > 1 ? [channels] : [])];
  let pipe: FramePipe | undefined;
  const close = () => {
    pipe?.close();
    pipe = undefined;
  };
  return {
    dtype: itemBytes === 2 ? "uint16" : "uint8",
    shape,
    close,
    async readRows(start, end) {
      if (!pipe || pipe.position > start) {
        close();
        pipe = new FramePipe(filePath, start, pixelFormat);
      }
      if (pipe.position < start) await pipe.take((start - pipe.position) * frameBytes);
      pipe.position = start;
      const bytes = await pipe.take((end - start) * frameBytes);
      if (bytes.length < (end - start) * frameBytes) {
        const got = start + Math.floor(bytes.length / frameBytes);
        const detail = pipe.errorText;
        close();
        throw new SourceDataError(
          filePath,
          `ffmpeg decoded ${got} frames where the container index lists ${options.frameCount}` +
            (detail ? `: ${detail}` : ""),
        );
      }
      pipe.position = end;
      if (end >= options.frameCount) close();
      const copy = new Uint8Array(bytes.length);
      copy.set(bytes);
      return itemBytes === 2 ? new Uint16Array(copy.buffer) : copy;
    },
  };
}
