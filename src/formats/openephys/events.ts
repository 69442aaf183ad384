/**
 * TTL events. Every format gives, per event, the TTL line, whether it went high or low, and the sample
 * number on the stream's clock; the binary format of GUI >= 0.6 also gives a synchronized timestamp.
 *
 * Lines are numbered as the GUI numbers them, from 1: the binary format stores `+line` for a rising and
 * `-line` for a falling edge (`states.npy`, `channel_states.npy` before 0.6, gui-docs "Binary format");
 * the legacy `.events` records store the 0-based channel and an event id (1 on, 0 off), so line = channel + 1
 * as open-ephys-python-tools reports it.
 */
import { access } from "node:fs/promises";
import { join } from "node:path";
import { SourceDataError } from "../../errors.js";
import { NpyFile, npyToFloat64 } from "../npy/index.js";
import type { OpenEphysEventStreamEntry } from "./discover.js";

/** The events of one TTL line. */
export interface OpenEphysTtlLine {
  /** Line number, from 1. */
  readonly line: number;
  /** +1 for a rising edge (line went high), -1 for a falling edge. */
  readonly state: Int8Array;
  readonly sampleNumber: Float64Array;
  /** Seconds (see {@link OpenEphysTtlEvents.timestampSource}). */
  readonly timestamp: Float64Array;
}

/** All TTL events of one event stream (binary: one `TTL` folder; legacy: one `.events` file). */
export interface OpenEphysTtlEvents {
  /** Binary: the event folder (`Neuropix-PXI-100.ProbeB/TTL`); legacy: the file name. */
  readonly name: string;
  readonly path: string;
  /** `channel_name` of the oebin entry (binary), e.g. "Neuropixels PXI Sync". */
  readonly channelName: string | undefined;
  readonly description: string | undefined;
  readonly sampleRate: number;
  /**
   * `file`: timestamps are the synchronized seconds the GUI wrote (binary, GUI >= 0.6);
   * `sampleNumbers`: sample number / sample rate (older binary files and the legacy format, as neo does).
   */
  readonly timestampSource: "file" | "sampleNumbers";
  /** Every event in file order. */
  readonly line: Int32Array;
  readonly state: Int8Array;
  readonly sampleNumber: Float64Array;
  readonly timestamp: Float64Array;
  /** The TTL word after each event (`full_words.npy`), when the file has a 1-D one. */
  readonly fullWord: Float64Array | undefined;
  /** Legacy only: the processor id of each event. */
  readonly processorId: Int32Array | undefined;
  /** The same events split by line, lines ascending. */
  readonly lines: readonly OpenEphysTtlLine[];
}

/** Splits flat event arrays by line. */
export function splitByLine(
  line: Int32Array,
  state: Int8Array,
  sampleNumber: Float64Array,
  timestamp: Float64Array,
): OpenEphysTtlLine[] {
  const counts = new Map<number, number>();
  for (const l of line) counts.set(l, (counts.get(l) ?? 0) + 1);
  const lines = [...counts.keys()].sort((a, b) => a - b);
  const out = new Map<
    number,
    { state: Int8Array; sampleNumber: Float64Array; timestamp: Float64Array; n: number }
  >();
  for (const l of lines) {
    const n = counts.get(l)!;
    out.set(l, {
      state: new Int8Array(n),
      sampleNumber: new Float64Array(n),
      timestamp: new Float64Array(n),
      n: 0,
    });
  }
  for (let i = 0; i < line.length; i++) {
    const target = out.get(line[i]!)!;
    target.state[target.n] = state[i]!;
    target.sampleNumber[target.n] = sampleNumber[i]!;
    target.timestamp[target.n] = timestamp[i]!;
    target.n++;
  }
  return lines.map((l) => {
    const { state: s, sampleNumber: sn, timestamp: ts } = out.get(l)!;
    return { line: l, state: s, sampleNumber: sn, timestamp: ts };
  });
}

function readNumbers(path: string, what: string): Float64Array {
  const file = NpyFile.open(path);
  if (file.shape.length !== 1) {
    throw new SourceDataError(
      path,
      `expected a 1-D array of ${what}, found shape (${file.shape.join(", ")})`,
    );
  }
  return npyToFloat64(file.read(), path, what);
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Reads one binary-format TTL folder. GUI >= 0.6: `states.npy`, `sample_numbers.npy`, `timestamps.npy`
 * (seconds), `full_words.npy`; GUI 0.5: `channel_states.npy`, `timestamps.npy` (sample numbers),
 * `full_words.npy`. `fallbackRate` is used when the oebin entry has no sample rate.
 */
export async function readBinaryTtlEvents(
  entry: OpenEphysEventStreamEntry,
  fallbackRate: number,
): Promise<OpenEphysTtlEvents> {
  const dir = entry.folderPath;
  const sampleRate = entry.info.sample_rate ?? fallbackRate;
  const modern = await exists(join(dir, "states.npy"));
  const statesPath = join(dir, modern ? "states.npy" : "channel_states.npy");
  if (!modern && !(await exists(statesPath))) {
    throw new SourceDataError(
      dir,
      "holds neither states.npy nor channel_states.npy; it is not a TTL event folder",
    );
  }
  const states = readNumbers(statesPath, "TTL states");
  const sampleNumber = modern
    ? readNumbers(join(dir, "sample_numbers.npy"), "sample numbers")
    : readNumbers(join(dir, "timestamps.npy"), "sample numbers");
  let timestamp: Float64Array;
  let timestampSource: "file" | "sampleNumbers";
  if (modern && (await exists(join(dir, "timestamps.npy")))) {
    timestamp = readNumbers(join(dir, "timestamps.npy"), "timestamps");
    timestampSource = "file";
  } else {
    timestamp = sampleNumber.map((s) => s / sampleRate);
    timestampSource = "sampleNumbers";
  }
  let fullWord: Float64Array | undefined;
  const wordsPath = join(dir, "full_words.npy");
  if (await exists(wordsPath)) {
    const words = NpyFile.open(wordsPath);
    if (words.shape.length === 1) fullWord = npyToFloat64(words.read(), wordsPath, "TTL words");
  }
  for (const [what, values] of [
    ["sample numbers", sampleNumber],
    ["timestamps", timestamp],
    ["full words", fullWord],
  ] as const) {
    if (values !== undefined && values.length !== states.length) {
      throw new SourceDataError(
        dir,
        `has ${states.length} TTL states but ${values.length} ${what}; the event files do not belong together (was a file replaced or truncated?)`,
      );
    }
  }
  const line = new Int32Array(states.length);
  const state = new Int8Array(states.length);
  for (let i = 0; i < states.length; i++) {
    const s = states[i]!;
    if (s === 0 || !Number.isInteger(s)) {
      throw new SourceDataError(
        statesPath,
        `event ${i} has state ${s}; TTL states are +line or -line (line >= 1)`,
      );
    }
    line[i] = Math.abs(s);
    state[i] = s > 0 ? 1 : -1;
  }
  return {
    name: entry.folderName,
    path: dir,
    channelName: entry.info.channel_name,
    description: entry.info.description,
    sampleRate,
    timestampSource,
    line,
    state,
    sampleNumber,
    timestamp,
    fullWord,
    processorId: undefined,
    lines: splitByLine(line, state, sampleNumber, timestamp),
  };
}
