/**
 * Axona `.pos` files (tracked LED positions, per Axona's "DacqUSB file formats" document): a header
 * (`sample_rate`, `pixels_per_metre`, `pos_format`, `num_pos_samples`, `bytes_per_timestamp` 4,
 * `bytes_per_coord` 2), then 20-byte samples: a big-endian 4-byte frame counter and 8 big-endian 16-bit
 * words, in two-spot mode x1, y1, x2, y2, pixels of spot 1, of spot 2, total tracked pixels, unused.
 * A coordinate of 1023 (0x3ff) means the spot was not tracked in that frame.
 */
import { SourceDataError } from "../../errors.js";
import { readFullySync, withOpenFile } from "../binary.js";
import { type AxonaHeader, numberField, optionalNumberField, readAxonaHeader } from "./header.js";

/** Coordinate value of an untracked spot. */
export const UNTRACKED = 1023;
const WORDS = 8;

/** The samples of a `.pos` file. */
export interface AxonaPosition {
  readonly header: AxonaHeader;
  readonly samplingRate: number;
  readonly pixelsPerMetre: number | undefined;
  /** `pos_format` column names after `t` (e.g. x1, y1, x2, y2, numpix1, numpix2). */
  readonly columns: readonly string[];
  readonly numSamples: number;
  /** Frame counter of each sample. */
  readonly frameCounters: Uint32Array;
  /** The 8 words of each sample, (samples, 8) row-major. */
  readonly words: Uint16Array;
}

/** Reads a `.pos` file (positions are small: 20 bytes per frame at 50 Hz). */
export function readAxonaPosition(path: string): AxonaPosition {
  const header = readAxonaHeader(path, true);
  const timestampBytes = optionalNumberField(header, "bytes_per_timestamp") ?? 4;
  const coordBytes = optionalNumberField(header, "bytes_per_coord") ?? 2;
  if (timestampBytes !== 4 || coordBytes !== 2) {
    throw new SourceDataError(
      path,
      `states bytes_per_timestamp ${timestampBytes} and bytes_per_coord ${coordBytes}; DacqUSB position files have 4 and 2`,
    );
  }
  const recordBytes = timestampBytes + WORDS * coordBytes;
  const available = Math.floor((header.dataEnd - header.dataStart) / recordBytes);
  const stated = optionalNumberField(header, "num_pos_samples");
  const numSamples = Math.min(available, stated ?? available);
  const bytes = Buffer.alloc(numSamples * recordBytes);
  withOpenFile(path, (fd) => readFullySync(fd, bytes, header.dataStart, path));
  const frameCounters = new Uint32Array(numSamples);
  const words = new Uint16Array(numSamples * WORDS);
  for (let i = 0; i < numSamples; i++) {
    frameCounters[i] = bytes.readUInt32BE(i * recordBytes);
    for (let w = 0; w < WORDS; w++) words[i * WORDS + w] = bytes.readUInt16BE(i * recordBytes + 4 + 2 * w);
  }
  const format = header.fields.get("pos_format") ?? "t,x1,y1,x2,y2,numpix1,numpix2";
  return {
    header,
    samplingRate: numberField(header, "sample_rate"),
    pixelsPerMetre: optionalNumberField(header, "pixels_per_metre"),
    columns: format
      .split(",")
      .map((c) => c.trim())
      .filter((c) => c !== "t"),
    numSamples,
    frameCounters,
    words,
  };
}
