/**
 * Neuralynx video tracker files (`.nvt`, Cheetah "VT" records): the 16 kB text header, then fixed 1828-byte
 * little-endian records (Neuralynx data file format document, "Video Tracker Record"):
 *   u16 swstx (0x800) | u16 swid | u16 swdata_size | u64 timestamp (µs) | u32 points[400] | i16 sncrc |
 *   i32 extracted x | i32 extracted y | i32 extracted angle (degrees) | i32 targets[50]
 * The points (raw pixels over threshold) and targets (bit-packed colour blobs) are the tracker's inputs to
 * the extracted x, y and angle.
 */
import { SourceDataError } from "../../errors.js";
import { type NeuralynxHeader, readNeuralynxHeader } from "./header.js";
import { forEachRecord } from "./records.js";

/** Bytes of one video tracker record. */
export const NVT_RECORD_BYTES = 1828;
/** Offsets in the record (2 + 2 + 2 + 8 + 400 × 4 + 2 bytes before the extracted values). */
const TIMESTAMP_AT = 6;
const EXTRACTED_X_AT = 1616;
const EXTRACTED_Y_AT = 1620;
const EXTRACTED_ANGLE_AT = 1624;

/** The extracted position and head angle of every record of a `.nvt` file. */
export interface NeuralynxVideoTracking {
  readonly path: string;
  readonly header: NeuralynxHeader;
  /** Record times, µs on the acquisition system's clock. */
  readonly micros: Float64Array;
  /** Extracted x and y in pixels (0 where the tracker found nothing). */
  readonly x: Int32Array;
  readonly y: Int32Array;
  /** Extracted head angle in degrees (0 where none was computed). */
  readonly angle: Int32Array;
  /** Frame size in pixels from the header's `-Resolution`, when stated. */
  readonly resolution?: readonly [number, number];
}

/**
 * Reads the extracted x, y, angle and time of every record of a Neuralynx `.nvt` file, a few MB at a time.
 *
 * @example
 * ```ts
 * const vt = readNeuralynxVideoTracking("VT1.nvt");
 * vt.x[0]; vt.y[0]; vt.micros[0];
 * ```
 */
export function readNeuralynxVideoTracking(path: string): NeuralynxVideoTracking {
  const header = readNeuralynxHeader(path);
  if (header.fileType !== undefined && header.fileType.toLowerCase() !== "video") {
    throw new SourceDataError(
      path,
      `-FileType is '${header.fileType}', not 'Video': not a video tracker file`,
    );
  }
  if (header.recordSize !== undefined && header.recordSize !== NVT_RECORD_BYTES) {
    throw new SourceDataError(
      path,
      `-RecordSize is ${header.recordSize}; video tracker records are ${NVT_RECORD_BYTES} bytes`,
    );
  }
  const micros: number[] = [];
  const x: number[] = [];
  const y: number[] = [];
  const angle: number[] = [];
  forEachRecord(path, NVT_RECORD_BYTES, (block, at) => {
    micros.push(Number(block.readBigUInt64LE(at + TIMESTAMP_AT)));
    x.push(block.readInt32LE(at + EXTRACTED_X_AT));
    y.push(block.readInt32LE(at + EXTRACTED_Y_AT));
    angle.push(block.readInt32LE(at + EXTRACTED_ANGLE_AT));
  });
  const size = (header.entries.get("Resolution") ?? "").split(/\s+/).map(Number);
  return {
    path,
    header,
    micros: Float64Array.from(micros),
    x: Int32Array.from(x),
    y: Int32Array.from(y),
    angle: Int32Array.from(angle),
    ...(size.length === 2 && size.every((v) => v > 0) && { resolution: [size[0]!, size[1]!] as const }),
  };
}
