/**
 * Axona `.eeg`/`.egf` files (one field-potential channel, per Axona's "DacqUSB file formats" document):
 * a header (`sample_rate`, `bytes_per_sample` 1 for `.eeg`, 2 for `.egf`, `num_EEG_samples` or
 * `num_EGF_samples`), then signed samples (int8, or little-endian int16). File `.eegN`/`.egfN` holds the
 * channel of the `.set`'s `EEG_ch_N` (1-based channel number; `.eeg` is N = 1).
 */
import type { NumericDtype } from "../../data/dtype.js";
import type { ChunkSource } from "../../data/lazy.js";
import { SourceDataError } from "../../errors.js";
import { InterleavedFile } from "../interleaved.js";
import { type AxonaHeader, numberField, optionalNumberField, readAxonaHeader } from "./header.js";

/** An `.eeg`/`.egf` file. */
export interface AxonaContinuous {
  readonly header: AxonaHeader;
  readonly samplingRate: number;
  readonly dtype: NumericDtype;
  readonly bits: number;
  readonly numSamples: number;
  /** Samples the header states; more than `numSamples` when the file was cut short. */
  readonly statedSamples: number | undefined;
  /** N of `.eegN`/`.egfN` (1 for `.eeg`/`.egf`): the `.set`'s `EEG_ch_N` names its channel. */
  readonly eegIndex: number;
  readonly data: ChunkSource;
}

/** Opens an Axona `.eeg`, `.eegN`, `.egf` or `.egfN` file. */
export function openAxonaContinuous(path: string): AxonaContinuous {
  const suffix = /\.(eeg|egf)(\d*)$/i.exec(path);
  if (!suffix) throw new SourceDataError(path, "is not an Axona .eeg/.egf file (by its extension)");
  const header = readAxonaHeader(path, true);
  const bytes = numberField(header, "bytes_per_sample");
  const dtype: NumericDtype | undefined = bytes === 1 ? "int8" : bytes === 2 ? "int16" : undefined;
  if (dtype === undefined) {
    throw new SourceDataError(path, `states bytes_per_sample ${bytes}; Axona field potentials have 1 or 2`);
  }
  const available = Math.floor((header.dataEnd - header.dataStart) / bytes);
  const stated =
    optionalNumberField(header, "num_EEG_samples") ?? optionalNumberField(header, "num_EGF_samples");
  const numSamples = Math.min(available, stated ?? available);
  if (numSamples === 0) throw new SourceDataError(path, "holds no samples after its header");
  const file = new InterleavedFile({
    path,
    dtype,
    numChannels: 1,
    records: { kind: "contiguous", offset: header.dataStart, rows: numSamples },
  });
  return {
    header,
    samplingRate: numberField(header, "sample_rate"),
    dtype,
    bits: bytes * 8,
    numSamples,
    statedSamples: stated,
    eegIndex: suffix[2] === "" ? 1 : Number(suffix[2]),
    data: file.source(),
  };
}
