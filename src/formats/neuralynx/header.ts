/**
 * The 16 kB text header every Neuralynx data file starts with (Neuralynx "Cheetah/Pegasus file formats"
 * documents): `-Key value` lines (values may be quoted, per-channel values space-separated) and, in older
 * Cheetah files, `## Time Opened (m/d/y): 11/29/2013  (h:m:s.ms) 17:5:16.785` comment lines.
 */
import { SourceDataError } from "../../errors.js";
import { readBytesSync } from "../binary.js";

export const NEURALYNX_HEADER_BYTES = 16384;

export interface NeuralynxHeader {
  readonly path: string;
  /** Every `-Key value` entry, value as written (quotes removed). */
  readonly entries: ReadonlyMap<string, string>;
  readonly fileType?: string;
  readonly samplingRate?: number;
  /** Volts per bit, one per AD channel. */
  readonly adBitVolts: readonly number[];
  readonly adChannels: readonly number[];
  /** Input range in µV, one per AD channel. */
  readonly inputRanges: readonly number[];
  /** The system inverted the input before storing it (stored value = -input). */
  readonly inputInverted: boolean;
  readonly acqEntName?: string;
  readonly recordSize?: number;
  readonly waveformLength?: number;
  /** Local time the file was opened, ISO 8601 without zone. */
  readonly timeOpened?: string;
  /** Recording software and version, e.g. "Pegasus 2.1.2" or "Cheetah 5.5.1". */
  readonly application?: string;
  readonly featureCount: number;
}

const unquote = (v: string) =>
  v
    .trim()
    .replace(/^"(.*)"$/, "$1")
    .trim();
const pad = (n: string | number, w = 2) => String(n).padStart(w, "0");

function numbers(value: string | undefined): number[] {
  return (value ?? "")
    .split(/\s+/)
    .filter(Boolean)
    .map(Number)
    .filter((v) => Number.isFinite(v));
}

/** `2024/07/17 12:09:45` (Pegasus, Cheetah 6) or the old `## Time Opened (m/d/y): ...` line. */
function timeOpened(text: string, entries: ReadonlyMap<string, string>): string | undefined {
  const created = entries.get("TimeCreated");
  const modern =
    created && /^(\d{4})\/(\d{1,2})\/(\d{1,2}) (\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d+))?/.exec(created);
  if (modern) {
    const [, y, mo, d, h, mi, s, frac] = modern;
    return `${y}-${pad(mo!)}-${pad(d!)}T${pad(h!)}:${pad(mi!)}:${pad(s!)}${frac ? `.${frac}` : ""}`;
  }
  const old =
    /## Time Opened \(m\/d\/y\): (\d{1,2})\/(\d{1,2})\/(\d{4})\s+\(h:m:s\.ms\) (\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d+))?/.exec(
      text,
    );
  if (!old) return undefined;
  const [, mo, d, y, h, mi, s, ms] = old;
  return `${y}-${pad(mo!)}-${pad(d!)}T${pad(h!)}:${pad(mi!)}:${pad(s!)}${ms ? `.${pad(ms, 3)}` : ""}`;
}

/** Parses the header text of a Neuralynx file. */
export function parseNeuralynxHeader(text: string, path: string): NeuralynxHeader {
  if (!text.startsWith("######## Neuralynx Data File Header")) {
    throw new SourceDataError(
      path,
      "does not start with '######## Neuralynx Data File Header': not a Neuralynx data file (or a header this reader does not know)",
    );
  }
  const entries = new Map<string, string>();
  let featureCount = 0;
  for (const line of text.split(/\r?\n|\r/)) {
    const match = /^\s*-(\S+)\s*(.*)$/.exec(line);
    if (!match) continue;
    const [, key, value] = match;
    if (key === "Feature") featureCount++;
    entries.set(key!, unquote(value ?? ""));
  }
  const number = (key: string) => {
    const value = entries.get(key);
    return value === undefined || value === "" ? undefined : Number(value);
  };
  const version =
    entries.get("ApplicationName") ?? (entries.get("CheetahRev") && `Cheetah ${entries.get("CheetahRev")}`);
  const opened = timeOpened(text, entries);
  return {
    path,
    entries,
    ...(entries.get("FileType") !== undefined && { fileType: entries.get("FileType")! }),
    ...(number("SamplingFrequency") !== undefined && { samplingRate: number("SamplingFrequency")! }),
    adBitVolts: numbers(entries.get("ADBitVolts")),
    adChannels: numbers(entries.get("ADChannel")),
    inputRanges: numbers(entries.get("InputRange")),
    inputInverted: (entries.get("InputInverted") ?? "").toLowerCase() === "true",
    ...(entries.get("AcqEntName") !== undefined && { acqEntName: entries.get("AcqEntName")! }),
    ...(number("RecordSize") !== undefined && { recordSize: number("RecordSize")! }),
    ...(number("WaveformLength") !== undefined && { waveformLength: number("WaveformLength")! }),
    ...(opened !== undefined && { timeOpened: opened }),
    ...(version && { application: unquote(version.replace(/"/g, " ").replace(/\s+/g, " ")) }),
    featureCount,
  };
}

/** Reads and parses the header of a Neuralynx file; a file shorter than the header is truncated. */
export function readNeuralynxHeader(path: string): NeuralynxHeader {
  const bytes = readBytesSync(path, 0, NEURALYNX_HEADER_BYTES, "the 16384-byte text header");
  const end = bytes.indexOf(0);
  return parseNeuralynxHeader(bytes.toString("latin1", 0, end < 0 ? bytes.length : end), path);
}
