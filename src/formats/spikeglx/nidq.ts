/**
 * The NI-DAQ stream of SpikeGLX (`.nidq.bin/.meta`): analog channels (MN and MA multiplexed inputs, XA
 * extra analog inputs) followed by digital words (XD) whose bits are digital input lines.
 *
 * Facts from SpikeGLX `Markdown/Metadata_Help.md` ("Nidq"): stored order MN, MA, XA, XD (`snsMnMaXaDw`,
 * acquired counts `acqMnMaXaDw`); volts = i * niAiRangeMax / niMaxInt (32768) / gain with gain niMNGain
 * (MN), niMAGain (MA) or 1 (XA); digital words are 16 lines each. From `Src-params/CniCfg.cpp`: bit b of
 * the digital words is NI line b of device 1 (niXDBytes1 = bytes up to its highest line); device 2 lines
 * start at bit 8 * niXDBytes1.
 */
import { SourceDataError } from "../../errors.js";
import { BitEdgeTracker } from "../edges.js";
import type { InterleavedFile } from "../interleaved.js";
import { parseChannelList, type SpikeGLXMeta } from "./meta.js";

/** MN/MA: multiplexed analog inputs (e.g. Whisper), XA: extra analog inputs, XD: digital words. */
export type NidqChannelKind = "MN" | "MA" | "XA" | "XD";

interface NidqChannelBase {
  /** Position among the saved channels, i.e. the column in the `.bin` file. */
  readonly index: number;
  /** SpikeGLX acquired-channel index. */
  readonly acquiredIndex: number;
  /** Name as SpikeGLX shows it, e.g. `MN0C2`, `XA0`, `XD0`. */
  readonly name: string;
}

/** An analog NI-DAQ channel. */
export interface NidqAnalogChannel extends NidqChannelBase {
  readonly kind: "MN" | "MA" | "XA";
  readonly gain: number;
  /** Volts per stored integer: niAiRangeMax / niMaxInt / gain. */
  readonly conversion: number;
}

/** A 16-bit digital word; bit b holds digital line `firstLine + b`. */
export interface NidqDigitalChannel extends NidqChannelBase {
  readonly kind: "XD";
  readonly firstLine: number;
}

export type NidqChannel = NidqAnalogChannel | NidqDigitalChannel;

/** The saved channels of a NI-DAQ stream and the digital lines it acquired. */
export interface NidqLayout {
  readonly channels: readonly NidqChannel[];
  /** Digital line numbers acquired and saved (bit positions across the digital words), ascending. */
  readonly digitalLines: readonly number[];
}

/** Reads the NI-DAQ channel layout from its meta file (`typeThis=nidq`). */
export function readNidqLayout(meta: SpikeGLXMeta): NidqLayout {
  const [mn, ma, xa, dw] = meta.integers("acqMnMaXaDw", 4) as [number, number, number, number];
  const acquired = mn + ma + xa + dw;
  const saved = parseChannelList(meta, "snsSaveChanSubset", acquired);
  const nSaved = meta.integer("nSavedChans");
  if (saved.length !== nSaved) {
    throw new SourceDataError(
      meta.path,
      `snsSaveChanSubset lists ${saved.length} channels but nSavedChans is ${nSaved}; the .meta file is damaged`,
    );
  }
  const maxInt = meta.optionalNumber("niMaxInt") ?? 32768;
  const rangeMax = meta.number("niAiRangeMax");
  const muxFactor = meta.optionalInteger("niMuxFactor") ?? 1;
  const names = chanMapNames(meta);

  const channels: NidqChannel[] = [];
  for (const [index, acquiredIndex] of saved.entries()) {
    if (acquiredIndex >= acquired) {
      throw new SourceDataError(
        meta.path,
        `snsSaveChanSubset lists channel ${acquiredIndex} but only ${acquired} channels were acquired (acqMnMaXaDw)`,
      );
    }
    let kind: NidqChannelKind;
    let k: number;
    if (acquiredIndex < mn) [kind, k] = ["MN", acquiredIndex];
    else if (acquiredIndex < mn + ma) [kind, k] = ["MA", acquiredIndex - mn];
    else if (acquiredIndex < mn + ma + xa) [kind, k] = ["XA", acquiredIndex - mn - ma];
    else [kind, k] = ["XD", acquiredIndex - mn - ma - xa];
    // Multiplexed inputs are named by NI input and mux slot, e.g. MN1C5.
    const fallback =
      kind === "MN" || kind === "MA" ? `${kind}${Math.floor(k / muxFactor)}C${k % muxFactor}` : `${kind}${k}`;
    const name = names.get(acquiredIndex) ?? fallback;
    if (kind === "XD") {
      channels.push({ index, acquiredIndex, name, kind, firstLine: 16 * k });
    } else {
      const gain = kind === "MN" ? meta.number("niMNGain") : kind === "MA" ? meta.number("niMAGain") : 1;
      channels.push({ index, acquiredIndex, name, kind, gain, conversion: rangeMax / maxInt / gain });
    }
  }
  // Lines whose word was not saved (snsSaveChanSubset) are not in the file.
  const words = channels.filter((c): c is NidqDigitalChannel => c.kind === "XD");
  const lines = acquiredLines(meta).filter((line) =>
    words.some((w) => line - w.firstLine >= 0 && line - w.firstLine < 16),
  );
  return { channels, digitalLines: lines };
}

/** Where a saved digital line is stored, or undefined when it was not saved. */
export function findDigitalLine(layout: NidqLayout, line: number): DigitalLineSource | undefined {
  if (!layout.digitalLines.includes(line)) return undefined;
  for (const channel of layout.channels) {
    if (channel.kind === "XD" && line >= channel.firstLine && line < channel.firstLine + 16) {
      return { line, column: channel.index, bit: line - channel.firstLine };
    }
  }
  return undefined;
}

/** Channel names by acquired index, from `~snsChanMap` entries like `XA0;0:0` (name;acquired:order). */
function chanMapNames(meta: SpikeGLXMeta): Map<number, string> {
  const names = new Map<number, string>();
  for (const entry of meta.optionalTable("snsChanMap")?.entries ?? []) {
    const match = /^([^;]+);(\d+):\d+$/.exec(entry.trim());
    if (match) names.set(Number(match[2]), match[1]!);
  }
  return names;
}

function acquiredLines(meta: SpikeGLXMeta): number[] {
  const lines: number[] = [];
  const add = (key: string, offset: number) => {
    if (meta.optionalString(key) === undefined) return;
    for (const line of parseChannelList(meta, key, 0)) lines.push(line + offset);
  };
  add("niXDChans1", 0);
  add("niXDChans2", 8 * (meta.optionalInteger("niXDBytes1") ?? 0));
  return lines.sort((a, b) => a - b);
}

/** Rising and falling edge times of one digital line, in seconds on the stream's clock. */
export interface DigitalEvents {
  readonly line: number;
  /** Times (s) of the first sample at which the line reads 1 after reading 0. */
  readonly rising: Float64Array;
  /** Times (s) of the first sample at which the line reads 0 after reading 1. */
  readonly falling: Float64Array;
}

/** Where one digital line is stored. */
export interface DigitalLineSource {
  readonly line: number;
  /** Saved-channel index (column) of the digital word holding the line. */
  readonly column: number;
  readonly bit: number;
}

/**
 * Streams through the file once, in blocks of `blockRows` samples (bounded memory), and collects the edges
 * of each line. Times are (firstSample + i) / samplingRate: the same clock as the stream's start time.
 * A line already high at the first sample has no rising edge there (its earlier state is unknown).
 */
export async function decodeDigitalEdges(
  file: InterleavedFile,
  lines: readonly DigitalLineSource[],
  samplingRate: number,
  firstSample: number,
  blockRows = 1 << 16,
): Promise<DigitalEvents[]> {
  const columns = [...new Set(lines.map((l) => l.column))];
  const picked = file.checkChannels(columns);
  const trackers = columns.map(
    (column) => new BitEdgeTracker(lines.filter((l) => l.column === column).map((l) => l.bit)),
  );
  for (let start = 0; start < file.numSamples; start += blockRows) {
    const end = Math.min(file.numSamples, start + blockRows);
    const words = await file.readRows(start, end, picked);
    // int16 words: the unsigned view keeps bit 15 a plain bit
    const unsigned = new Uint16Array(words.buffer, words.byteOffset, words.length);
    trackers.forEach((tracker, k) => {
      tracker.push(unsigned, firstSample + start, end - start, columns.length, k);
    });
  }
  const seconds = (samples: number[]) => Float64Array.from(samples, (s) => s / samplingRate);
  return lines.map((l) => {
    const edges = trackers[columns.indexOf(l.column)]!.lines.find((e) => e.bit === l.bit)!;
    return { line: l.line, rising: seconds(edges.rising), falling: seconds(edges.falling) };
  });
}
