/**
 * A Neuralynx session folder: `.ncs` channels grouped into streams by sampling rate, `Events.nev`, and
 * `.nse`/`.ntt` spike files, with one time reference for all of them (the earliest timestamp of any file),
 * so that every stream, event and spike of the folder is on one clock.
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { ChunkSource } from "../../data/lazy.js";
import { SourceDataError } from "../../errors.js";
import { stackColumns } from "../interleaved.js";
import { NEURALYNX_HEADER_BYTES } from "./header.js";
import {
  type NcsFile,
  type NcsSegment,
  type NeuralynxEvents,
  type NeuralynxSpikeFile,
  openNcsFile,
  readNeuralynxEvents,
  readNeuralynxSpikes,
} from "./records.js";

export interface NeuralynxStream {
  /** e.g. "32000Hz". */
  readonly name: string;
  readonly samplingRate: number;
  readonly channels: readonly NcsFile[];
  readonly numSamples: number;
  readonly segments: readonly NcsSegment[];
  /** Samples of every channel, (time, channels), int16. */
  readonly data: ChunkSource;
}

export interface NeuralynxFolder {
  readonly folderPath: string;
  readonly streams: readonly NeuralynxStream[];
  readonly events: readonly NeuralynxEvents[];
  readonly spikeFiles: readonly NeuralynxSpikeFile[];
  /** Earliest timestamp (µs) of any file: time 0 of everything written. */
  readonly referenceMicros: number;
}

const natural = new Intl.Collator(undefined, { numeric: true }).compare;

function filesWith(folderPath: string, pattern: RegExp): string[] {
  return readdirSync(folderPath)
    .filter((name) => pattern.test(name))
    .sort(natural)
    .map((name) => join(folderPath, name));
}

function sameSegments(a: readonly NcsSegment[], b: readonly NcsSegment[]): boolean {
  return (
    a.length === b.length &&
    a.every((s, i) => s.firstSample === b[i]!.firstSample && s.startMicros === b[i]!.startMicros)
  );
}

/** Opens the streams, events and spike files of a folder. */
export function openNeuralynxFolder(folderPath: string): NeuralynxFolder {
  let isFolder = false;
  try {
    isFolder = statSync(folderPath).isDirectory();
  } catch (error) {
    throw new SourceDataError(folderPath, `cannot read the folder (${(error as Error).message})`);
  }
  if (!isFolder) throw new SourceDataError(folderPath, "is not a folder; pass the Neuralynx session folder");
  const ncsPaths = filesWith(folderPath, /\.ncs$/i);
  const spikePaths = filesWith(folderPath, /\.(nse|ntt)$/i);
  const nevPaths = filesWith(folderPath, /\.nev$/i);
  if (ncsPaths.length + spikePaths.length + nevPaths.length === 0) {
    throw new SourceDataError(folderPath, "holds no Neuralynx data file (.ncs, .nse, .ntt or .nev)");
  }
  // every file is opened: the earliest timestamp of any of them is the time reference
  const ncs = ncsPaths.map((p) => openNcsFile(p)).filter((f) => f.numSamples > 0);
  const events = nevPaths.filter((p) => statSync(p).size > NEURALYNX_HEADER_BYTES).map(readNeuralynxEvents);
  const spikeFiles = spikePaths.map(readNeuralynxSpikes);
  const starts = [
    ...ncs.map((f) => f.firstMicros!),
    ...events.flatMap((e) => (e.micros.length ? [Math.min(...e.micros)] : [])),
    ...spikeFiles.flatMap((f) => (f.firstMicros === undefined ? [] : [f.firstMicros])),
  ];
  const byRate = new Map<number, NcsFile[]>();
  for (const file of ncs) byRate.set(file.samplingRate, [...(byRate.get(file.samplingRate) ?? []), file]);
  const streams = [...byRate.entries()]
    .sort(([a], [b]) => b - a)
    .map(([rate, channels]): NeuralynxStream => {
      const first = channels[0]!;
      for (const other of channels.slice(1)) {
        if (other.numSamples !== first.numSamples || !sameSegments(other.segments, first.segments)) {
          throw new SourceDataError(
            other.path,
            `has ${other.numSamples} samples in ${other.segments.length} segments, but ${first.path} (same ${rate} Hz rate) has ${first.numSamples} in ${first.segments.length}: the channels of one stream must be recorded together; convert the files separately`,
          );
        }
      }
      return {
        name: `${rate}Hz`,
        samplingRate: rate,
        channels,
        numSamples: first.numSamples,
        segments: first.segments,
        data: stackColumns(channels.map((c) => c.file)),
      };
    });
  return {
    folderPath,
    streams,
    events,
    spikeFiles,
    referenceMicros: starts.length > 0 ? Math.min(...starts) : 0,
  };
}
