/**
 * Video containers read without decoding: frame count, size and per-frame timestamps from the container's
 * own index (MP4/MOV sample tables, AVI headers and indexes, Matroska blocks), and a decoder for the frames.
 */
import { extname } from "node:path";
import { SourceDataError } from "../../errors.js";
import { readAviIndex } from "./avi.js";
import { readMatroskaIndex } from "./matroska.js";
import { readMp4Index } from "./mp4.js";
import { ByteSource } from "./source.js";
import type { VideoIndex } from "./types.js";

export * from "./avi.js";
export * from "./decoder.js";
export * from "./frameTiming.js";
export * from "./matroska.js";
export * from "./mp4.js";
export type * from "./types.js";

/** File suffixes whose containers can be indexed. */
export const VIDEO_SUFFIXES = [".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm"] as const;

/** The container a file holds, from its first bytes (the suffix can lie). */
function sniff(filePath: string): "mp4" | "avi" | "matroska" | undefined {
  const source = new ByteSource(filePath);
  try {
    const head = source.read(0, 12);
    if (head.length < 12) return undefined;
    if (head.toString("latin1", 0, 4) === "RIFF" && head.toString("latin1", 8, 12) === "AVI ") return "avi";
    if (head.readUInt32BE(0) === 0x1a45dfa3) return "matroska";
    if (["ftyp", "moov", "mdat", "wide", "free", "skip"].includes(head.toString("latin1", 4, 8)))
      return "mp4";
    return undefined;
  } finally {
    source.close();
  }
}

/**
 * Frame count, size and timestamps of a video file's first video stream, read from the container's index.
 *
 * @example
 * ```ts
 * const index = readVideoIndex("behavior.avi");
 * console.log(`${index.frameCount} frames of ${index.width}x${index.height}`);
 * ```
 */
export function readVideoIndex(filePath: string): VideoIndex {
  const container = sniff(filePath);
  if (container === "mp4") return readMp4Index(filePath);
  if (container === "avi") return readAviIndex(filePath);
  if (container === "matroska") return readMatroskaIndex(filePath);
  throw new SourceDataError(
    filePath,
    `not a video container this package reads (suffix '${extname(filePath)}'); supported: MP4/MOV, AVI, Matroska/WebM`,
  );
}
