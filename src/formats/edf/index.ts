/**
 * European Data Format readers: EDF, EDF+ (C and D), BioSemi BDF and BDF+, per the specification at
 * https://www.edfplus.info/specs/ (edf.html, edfplus.html) and BioSemi's BDF notes. A file is a 256-byte
 * header, 256 bytes per signal (each field stored for all signals in turn), then data records: in each
 * record every signal's `samplesPerRecord` samples one after another (16-bit little-endian two's complement
 * in EDF, 24-bit in BDF). Signals of one record may have different sample counts, hence different rates.
 * EDF+ `EDF Annotations` signals hold time-stamped annotation lists (TALs); the first TAL of each record
 * gives the record's onset, which carries the sub-second start and the gaps of EDF+D files.
 */
import type { TypedArray } from "../../data/dtype.js";
import type { ChunkSource } from "../../data/lazy.js";
import { SourceDataError } from "../../errors.js";
import { readFullySync, withOpenFile } from "../binary.js";
import { InterleavedFile, stackColumns } from "../interleaved.js";

export interface EdfSignal {
  /** Position of the signal in the header (0-based). */
  readonly index: number;
  readonly label: string;
  readonly transducer: string;
  readonly physicalDimension: string;
  readonly physicalMin: number;
  readonly physicalMax: number;
  readonly digitalMin: number;
  readonly digitalMax: number;
  readonly prefiltering: string;
  readonly samplesPerRecord: number;
  /** Samples per second (samplesPerRecord / record duration). */
  readonly samplingRate: number;
  /** physical = digital × gain + offset (in `physicalDimension`); negative when a range is inverted. */
  readonly gain: number;
  readonly offset: number;
  /** An EDF+ / BDF+ `EDF Annotations` (or `BDF Annotations`) signal. */
  readonly isAnnotations: boolean;
}

export interface EdfAnnotation {
  /** Seconds from the file's start (the header start time, without the sub-second offset). */
  readonly onset: number;
  /** Seconds; undefined when the TAL gives none. */
  readonly duration: number | undefined;
  readonly text: string;
}

export interface EdfHeader {
  readonly path: string;
  /** "EDF" or "BDF" (24-bit samples). */
  readonly format: "EDF" | "BDF";
  /** "EDF+C" / "EDF+D" / "BDF+C" / "BDF+D", or "" for plain EDF/BDF (whose reserved field is free). */
  readonly variant: string;
  readonly patient: string;
  readonly recording: string;
  /** Start from the header's date and time fields, `YYYY-MM-DDTHH:MM:SS` (local time, no zone). */
  readonly startDateTime: string;
  readonly headerBytes: number;
  readonly numRecords: number;
  readonly recordDuration: number;
  readonly signals: readonly EdfSignal[];
  /** Bytes of one data record. */
  readonly recordBytes: number;
}

const FIELD = (bytes: Buffer, start: number, length: number): string =>
  bytes.toString("latin1", start, start + length).trim();

function number(path: string, value: string, field: string): number {
  const n = Number(value);
  if (value === "" || !Number.isFinite(n)) {
    throw new SourceDataError(path, `header field '${field}' is '${value}', not a number`);
  }
  return n;
}

/** The header's dd.mm.yy date and hh.mm.ss time; years 85-99 are 19xx, 00-84 20xx (the EDF clipping date). */
function startOf(path: string, date: string, time: string): string {
  const d = /^(\d\d)\.(\d\d)\.(\d\d)$/.exec(date);
  const t = /^(\d\d)\.(\d\d)\.(\d\d)$/.exec(time);
  if (!d || !t)
    throw new SourceDataError(path, `header start date/time '${date} ${time}' is not dd.mm.yy hh.mm.ss`);
  const year = Number(d[3]) >= 85 ? 1900 + Number(d[3]) : 2000 + Number(d[3]);
  return `${year}-${d[2]}-${d[1]}T${t[1]}:${t[2]}:${t[3]}`;
}

/** Parses the fixed and per-signal header; checks the file holds every record the header announces. */
export function readEdfHeader(path: string): EdfHeader {
  return withOpenFile(path, (fd, _, size) => {
    if (size < 256)
      throw new SourceDataError(
        path,
        `is ${size} bytes, shorter than the 256-byte EDF header: the file is truncated`,
      );
    const fixed = Buffer.alloc(256);
    readFullySync(fd, fixed, 0, path);
    const bdf = fixed[0] === 0xff;
    const version = bdf ? fixed.toString("latin1", 1, 8) : FIELD(fixed, 0, 8);
    if (!bdf && version !== "0") {
      throw new SourceDataError(
        path,
        `does not start with an EDF version '0' or the BDF marker 0xFF: not an EDF/BDF file`,
      );
    }
    const headerBytes = number(path, FIELD(fixed, 184, 8), "number of bytes in header record");
    const ns = number(path, FIELD(fixed, 252, 4), "number of signals");
    if (headerBytes !== 256 * (ns + 1)) {
      throw new SourceDataError(
        path,
        `header size ${headerBytes} does not match ${ns} signals (expected ${256 * (ns + 1)})`,
      );
    }
    if (size < headerBytes) {
      throw new SourceDataError(
        path,
        `is ${size} bytes, shorter than its ${headerBytes}-byte header: the file is truncated`,
      );
    }
    const block = Buffer.alloc(256 * ns);
    readFullySync(fd, block, 256, path);
    let at = 0;
    const column = (width: number): string[] => {
      const out = Array.from({ length: ns }, (_, i) => FIELD(block, at + i * width, width));
      at += ns * width;
      return out;
    };
    const labels = column(16);
    const transducers = column(80);
    const dimensions = column(8);
    const pmin = column(8);
    const pmax = column(8);
    const dmin = column(8);
    const dmax = column(8);
    const filters = column(80);
    const counts = column(8);
    const recordDuration = number(path, FIELD(fixed, 244, 8), "duration of a data record");
    const bytesPerSample = bdf ? 3 : 2;
    const signals = labels.map((label, index): EdfSignal => {
      const field = (name: string, value: string) =>
        number(path, value, `${name} of signal ${index + 1} '${label}'`);
      const physicalMin = field("physical minimum", pmin[index]!);
      const physicalMax = field("physical maximum", pmax[index]!);
      const digitalMin = field("digital minimum", dmin[index]!);
      const digitalMax = field("digital maximum", dmax[index]!);
      const samplesPerRecord = field("number of samples in each data record", counts[index]!);
      if (digitalMax === digitalMin) {
        throw new SourceDataError(
          path,
          `signal ${index + 1} '${label}' has equal digital minimum and maximum (${digitalMin}); its scaling is undefined`,
        );
      }
      const gain = (physicalMax - physicalMin) / (digitalMax - digitalMin);
      return {
        index,
        label,
        transducer: transducers[index]!,
        physicalDimension: dimensions[index]!,
        physicalMin,
        physicalMax,
        digitalMin,
        digitalMax,
        prefiltering: filters[index]!,
        samplesPerRecord,
        samplingRate: recordDuration > 0 ? samplesPerRecord / recordDuration : 0,
        gain,
        offset: physicalMin - digitalMin * gain,
        isAnnotations: label === "EDF Annotations" || label === "BDF Annotations",
      };
    });
    const recordBytes = signals.reduce((sum, s) => sum + s.samplesPerRecord * bytesPerSample, 0);
    const declared = number(path, FIELD(fixed, 236, 8), "number of data records");
    const available = recordBytes > 0 ? Math.floor((size - headerBytes) / recordBytes) : 0;
    // -1 means "unknown" (a recording still being written); every record that is complete counts then.
    if (declared !== -1 && declared > available) {
      throw new SourceDataError(
        path,
        `the header announces ${declared} data records of ${recordBytes} bytes but the file holds ${available} complete records (${size} bytes): the file is truncated`,
      );
    }
    return {
      path,
      format: bdf ? "BDF" : "EDF",
      variant: /^(EDF|BDF)\+[CD]$/.exec(FIELD(fixed, 192, 44).split(/\s/)[0] ?? "")?.[0] ?? "",
      patient: FIELD(fixed, 8, 80),
      recording: FIELD(fixed, 88, 80),
      startDateTime: startOf(path, FIELD(fixed, 168, 8), FIELD(fixed, 176, 8)),
      headerBytes,
      numRecords: declared === -1 ? available : declared,
      recordDuration,
      signals,
      recordBytes,
    };
  });
}

/** Byte offset of each signal's samples within a record. */
function signalOffsets(header: EdfHeader): number[] {
  const bytesPerSample = header.format === "BDF" ? 3 : 2;
  let at = 0;
  return header.signals.map((s) => {
    const offset = at;
    at += s.samplesPerRecord * bytesPerSample;
    return offset;
  });
}

/** One signal as a lazy column: 16-bit samples as stored, 24-bit BDF samples widened to int32. */
function columnOf(header: EdfHeader, signal: EdfSignal, offset: number) {
  const bdf = header.format === "BDF";
  const file = new InterleavedFile({
    path: header.path,
    dtype: bdf ? "uint8" : "int16",
    numChannels: bdf ? 3 : 1,
    records: {
      kind: "strided",
      offset: header.headerBytes + offset,
      rowsPerRecord: signal.samplesPerRecord,
      recordBytes: header.recordBytes,
      numRecords: header.numRecords,
    },
  });
  if (!bdf) return file;
  return {
    dtype: "int32" as const,
    numSamples: file.numSamples,
    async readRows(start: number, end: number): Promise<TypedArray> {
      const bytes = (await file.readRows(start, end)) as Uint8Array;
      const out = new Int32Array(end - start);
      // little-endian 24-bit two's complement: shift into the top of an int32 and back to sign-extend
      for (let i = 0; i < out.length; i++) {
        out[i] = ((bytes[3 * i]! | (bytes[3 * i + 1]! << 8) | (bytes[3 * i + 2]! << 16)) << 8) >> 8;
      }
      return out;
    },
  };
}

/**
 * Splits one annotation signal's bytes into TALs: `+onset[\x15duration]\x14text\x14...\x14\x00`. The first
 * TAL of a record (no text) is its time-keeping onset.
 */
function parseTals(
  path: string,
  bytes: Buffer,
): { recordOnset: number | undefined; annotations: EdfAnnotation[] } {
  const annotations: EdfAnnotation[] = [];
  let recordOnset: number | undefined;
  for (const tal of bytes.toString("utf8").split("\x00")) {
    if (tal === "") continue;
    const [stamp = "", ...texts] = tal.split("\x14");
    const [onsetText = "", durationText] = stamp.split("\x15");
    if (!/^[+-]\d+(\.\d*)?$/.test(onsetText)) {
      throw new SourceDataError(
        path,
        `annotation onset '${onsetText}' is not +seconds or -seconds (EDF+ TAL)`,
      );
    }
    const onset = Number(onsetText);
    const duration = durationText ? Number(durationText) : undefined;
    const named = texts.filter((t) => t !== "");
    if (recordOnset === undefined && annotations.length === 0 && named.length === 0) recordOnset = onset;
    for (const text of named) annotations.push({ onset, duration, text });
  }
  return { recordOnset, annotations };
}

/** An open EDF/BDF file: its header, lazy signals, and (EDF+/BDF+) record onsets and annotations. */
export class EdfFile {
  readonly header: EdfHeader;
  /** Onset of each record in seconds from the header start time (from the time-keeping TALs, else regular). */
  readonly recordOnsets: Float64Array;
  readonly annotations: readonly EdfAnnotation[];
  private readonly offsets: number[];

  constructor(path: string) {
    this.header = readEdfHeader(path);
    this.offsets = signalOffsets(this.header);
    const { numRecords, recordDuration } = this.header;
    this.recordOnsets = Float64Array.from({ length: numRecords }, (_, r) => r * recordDuration);
    const annotations: EdfAnnotation[] = [];
    const annotationSignals = this.header.signals.filter((s) => s.isAnnotations);
    if (annotationSignals.length > 0) {
      withOpenFile(path, (fd) => {
        for (let r = 0; r < numRecords; r++) {
          for (const [k, signal] of annotationSignals.entries()) {
            const bytes = Buffer.alloc(signal.samplesPerRecord * (this.header.format === "BDF" ? 3 : 2));
            const position =
              this.header.headerBytes + r * this.header.recordBytes + this.offsets[signal.index]!;
            readFullySync(fd, bytes, position, path);
            const parsed = parseTals(path, bytes);
            if (k === 0 && parsed.recordOnset !== undefined) this.recordOnsets[r] = parsed.recordOnset;
            annotations.push(...parsed.annotations);
          }
        }
      });
    }
    this.annotations = annotations;
  }

  /** The data signals (every signal but annotation signals). */
  get dataSignals(): EdfSignal[] {
    return this.header.signals.filter((s) => !s.isAnnotations);
  }

  /** Seconds the first record starts after the header's start time (EDF+: sub-second start; 0 otherwise). */
  get startOffset(): number {
    return this.recordOnsets[0] ?? 0;
  }

  /** Whether records follow each other without gaps. */
  get continuous(): boolean {
    const { recordDuration } = this.header;
    return this.recordOnsets.every((t, r) => Math.abs(t - this.startOffset - r * recordDuration) < 1e-9);
  }

  /** Samples of one signal. */
  numSamples(signal: EdfSignal): number {
    return signal.samplesPerRecord * this.header.numRecords;
  }

  /** Lazy (time, channels) digital samples of signals of one rate (header indices), int16 or int32 (BDF). */
  source(indices: readonly number[]): ChunkSource {
    const signals = indices.map((i) => {
      const s = this.header.signals[i];
      if (s === undefined)
        throw new RangeError(
          `signal index ${i} is outside [0, ${this.header.signals.length}) of ${this.header.path}`,
        );
      return s;
    });
    const counts = new Set(signals.map((s) => s.samplesPerRecord));
    if (counts.size > 1)
      throw new RangeError(`signals ${indices.join(", ")} of ${this.header.path} have different rates`);
    return stackColumns(signals.map((s) => columnOf(this.header, s, this.offsets[s.index]!)));
  }
}

/** Opens an EDF, EDF+, BDF or BDF+ file (header and annotations; samples stay on disk). */
export function openEdfFile(path: string): EdfFile {
  return new EdfFile(path);
}
