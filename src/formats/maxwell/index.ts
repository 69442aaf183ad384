/**
 * MaxWell Biosystems MaxOne and MaxTwo recordings (`data.raw.h5`, HDF5), in both layouts MaxLab has
 * written (as documented by MaxWell and read by neo's MaxwellRawIO):
 *
 * - **legacy** (`/version` 20160704, MaxOne only): `/sig` holds every amplifier channel (channels, frames) at
 *   20 kHz, `/mapping` the routed channels (channel, electrode, x, y in µm), `/settings/lsb` (V per bit) or
 *   `/settings/gain`; detected spikes, when present, in `/proc0/spikeTimes`.
 * - **wells** (later versions, MaxOne and MaxTwo): `/wells/<well>/<recording>` links to a group with
 *   `groups/routed/raw` (routed channels, frames), `groups/routed/channels` (channel of each raw row),
 *   `groups/routed/frame_nos` (frame number of each sample), `settings/{sampling, lsb, gain, hpf, mapping}`,
 *   `spikes` (frameno, channel, amplitude) and `start_time` (ms since 1970).
 *
 * The raw traces are usually compressed with MaxWell's proprietary HDF5 filter (id 401), which no open
 * reader decodes: everything else is read, and reading the traces then raises an
 * {@link UnsupportedCompressionError}.
 */
import type { TypedArray } from "../../data/dtype.js";
import type { ChunkSource } from "../../data/lazy.js";
import { SourceDataError, UnsupportedCompressionError } from "../../errors.js";
import type { StorageReader } from "../../storage/types.js";
import { checkRange } from "../binary.js";
import { exists, fieldNumber, numberAt, recordsAt, textAt, withHdf5File } from "../hdf5.js";

/** The version string of the first (legacy, MaxOne-only) layout. */
const LEGACY_VERSION = 20160704;
/** Sampling rate of the legacy layout, which does not store it. */
const LEGACY_SAMPLING_RATE = 20000;

/** One routed channel: amplifier channel, electrode on the array and its position (µm). */
export interface MaxwellChannel {
  readonly channel: number;
  readonly electrode: number;
  readonly x: number;
  readonly y: number;
}

/** Spikes MaxLab detected while recording: frame number, amplifier channel and amplitude, one per spike. */
export interface MaxwellSpikes {
  readonly frames: Float64Array;
  readonly channels: Int32Array;
  readonly amplitudes: Float64Array;
}

/** Why the raw traces cannot be read, when they cannot. */
export interface MaxwellTraceProblem {
  readonly dataset: string;
  readonly filterId: number;
}

/** One recording of one well of a MaxWell file. */
export interface MaxwellFile {
  readonly path: string;
  readonly layout: "legacy" | "wells";
  /** `/version` (e.g. "20190530") and `/mxw_version` (MaxLab's version), when stored. */
  readonly version: string;
  readonly mxwVersion: string | undefined;
  /** Wells and their recordings in the file (legacy: well000/rec0000). */
  readonly wells: Readonly<Record<string, readonly string[]>>;
  readonly well: string;
  readonly recording: string;
  /** The plate ("MaxOne Single Well MEA", ...), when stored. */
  readonly plate: string | undefined;
  readonly samplingRate: number;
  /** Volts per bit. */
  readonly lsb: number;
  readonly gain: number | undefined;
  /** High-pass corner in Hz, when stored. */
  readonly highPassHz: number | undefined;
  readonly channels: readonly MaxwellChannel[];
  readonly numFrames: number;
  /** Frame number of the first sample (wells layout), for aligning the detected spikes. */
  readonly firstFrame: number | undefined;
  /** Whether frame numbers run without gaps (first to last is one per sample). */
  readonly contiguousFrames: boolean;
  /** Recording start in ms since 1970 (UTC), when stored. */
  readonly startTimeMs: number | undefined;
  /** Why the traces cannot be decoded (a proprietary filter), or undefined. */
  readonly traceProblem: MaxwellTraceProblem | undefined;
  /** Samples (frames, routed channels), uint16; reading raises {@link UnsupportedCompressionError} when compressed. */
  readonly data: ChunkSource;
  /** Where the detected spikes are, when the file has them. */
  readonly spikesDataset: string | undefined;
}

/** What the user can do when the traces use MaxWell's filter. */
export const MAXWELL_FILTER_ADVICE =
  "it is MaxWell's proprietary compression, which no open reader decodes (and nothing is downloaded at run time). Save or export the recording without compression from MaxWell's software, or, where MaxWell's HDF5 plugin is installed, write an uncompressed copy (h5repack -f NONE with HDF5_PLUGIN_PATH pointing to the plugin), then convert that file";

function versionOf(file: StorageReader, path: string): string {
  if (!exists(file, "/version"))
    throw new SourceDataError(path, "no /version dataset: not a MaxWell data.raw.h5 file");
  return textAt(file, "/version", path);
}

function channelsOf(file: StorageReader, mappingPath: string, path: string): MaxwellChannel[] {
  return recordsAt(file, mappingPath, path).map((record, i) => ({
    channel: fieldNumber(record, "channel", `${mappingPath}[${i}]`, path),
    electrode: fieldNumber(record, "electrode", `${mappingPath}[${i}]`, path),
    x: fieldNumber(record, "x", `${mappingPath}[${i}]`, path),
    y: fieldNumber(record, "y", `${mappingPath}[${i}]`, path),
  }));
}

function lsbOf(
  file: StorageReader,
  settings: string,
  path: string,
): { lsb: number; gain: number | undefined } {
  const gain = exists(file, `${settings}/gain`) ? numberAt(file, `${settings}/gain`, path) : undefined;
  if (exists(file, `${settings}/lsb`)) return { lsb: numberAt(file, `${settings}/lsb`, path), gain };
  if (gain === undefined)
    throw new SourceDataError(path, `${settings} holds neither lsb nor gain: the scaling is unknown`);
  // MaxOne's ADC: 10 bits over 3.3 V, divided by the amplifier gain
  return { lsb: 3.3 / (1024 * gain), gain };
}

/** The first proprietary (non-deflate, non-shuffle) filter of a dataset's pipeline. */
function traceProblemOf(file: StorageReader, dataset: string): MaxwellTraceProblem | undefined {
  for (const filter of file.datasetInfo(dataset).filters) {
    const id = /^hdf5-filter-(\d+)$/.exec(filter.codec)?.[1];
    if (id !== undefined) return { dataset, filterId: Number(id) };
  }
  return undefined;
}

/**
 * Reads a MaxWell file's header: the wells and recordings it holds, and for the chosen one (`well`,
 * `recording`; default the first of each) the settings, channel map, frame numbers and where the traces
 * and detected spikes are.
 */
export function openMaxwellFile(path: string, well?: string, recording?: string): MaxwellFile {
  return withHdf5File(path, "a MaxWell file", (file) => {
    const version = versionOf(file, path);
    const mxwVersion = exists(file, "/mxw_version") ? textAt(file, "/mxw_version", path) : undefined;
    const plate = exists(file, "/wellplate/version") ? textAt(file, "/wellplate/version", path) : undefined;
    if (Number(version) === LEGACY_VERSION)
      return readLegacy(file, path, version, mxwVersion, plate, well, recording);
    if (!(Number(version) > LEGACY_VERSION) || !exists(file, "/wells")) {
      throw new SourceDataError(
        path,
        `MaxWell file version ${version} is not one this reader knows (20160704 or later with /wells)`,
      );
    }
    return readWells(file, path, version, mxwVersion, plate, well, recording);
  });
}

function readLegacy(
  file: StorageReader,
  path: string,
  version: string,
  mxwVersion: string | undefined,
  plate: string | undefined,
  well: string | undefined,
  recording: string | undefined,
): MaxwellFile {
  if ((well ?? "well000") !== "well000" || (recording ?? "rec0000") !== "rec0000") {
    throw new SourceDataError(
      path,
      "a legacy MaxOne file (version 20160704) holds one recording: well000, rec0000",
    );
  }
  const channels = channelsOf(file, "/mapping", path).filter((c) => c.channel >= 0);
  const { lsb, gain } = lsbOf(file, "/settings", path);
  const [rows, frames] = file.datasetInfo("/sig").shape as [number, number];
  const beyond = channels.find((c) => c.channel >= rows);
  if (beyond)
    throw new SourceDataError(path, `/mapping names channel ${beyond.channel}, but /sig has ${rows} rows`);
  return {
    path,
    layout: "legacy",
    version,
    mxwVersion,
    wells: { well000: ["rec0000"] },
    well: "well000",
    recording: "rec0000",
    plate,
    samplingRate: LEGACY_SAMPLING_RATE,
    lsb,
    gain,
    highPassHz: undefined,
    channels,
    numFrames: frames,
    firstFrame: undefined,
    contiguousFrames: true,
    startTimeMs: undefined,
    traceProblem: traceProblemOf(file, "/sig"),
    data: traceSource(
      path,
      "/sig",
      frames,
      channels.map((c) => c.channel),
    ),
    spikesDataset: exists(file, "/proc0/spikeTimes") ? "/proc0/spikeTimes" : undefined,
  };
}

function readWells(
  file: StorageReader,
  path: string,
  version: string,
  mxwVersion: string | undefined,
  plate: string | undefined,
  wantedWell: string | undefined,
  wantedRecording: string | undefined,
): MaxwellFile {
  const wells = Object.fromEntries(file.children("/wells").map((w) => [w, file.children(`/wells/${w}`)]));
  const well = wantedWell ?? Object.keys(wells)[0];
  if (well === undefined || !(well in wells)) {
    throw new SourceDataError(
      path,
      `no well '${wantedWell}'; the file has ${Object.keys(wells).join(", ") || "none"}`,
    );
  }
  const recordings = wells[well]!;
  const recording = wantedRecording ?? recordings[0];
  if (recording === undefined || !recordings.includes(recording)) {
    throw new SourceDataError(
      path,
      `${well} has no recording '${wantedRecording}'; it has ${recordings.join(", ") || "none"}`,
    );
  }
  const base = `/wells/${well}/${recording}`;
  const routed = `${base}/groups/routed`;
  const mapping = new Map(channelsOf(file, `${base}/settings/mapping`, path).map((c) => [c.channel, c]));
  const rowChannels = Array.from(file.readDataset(`${routed}/channels`) as ArrayLike<number>);
  const channels = rowChannels.map(
    (channel) => mapping.get(channel) ?? { channel, electrode: -1, x: Number.NaN, y: Number.NaN },
  );
  const raw = `${routed}/raw`;
  const [rows, frames] = file.datasetInfo(raw).shape as [number, number];
  if (rows !== channels.length) {
    throw new SourceDataError(
      path,
      `${raw} has ${rows} rows but ${routed}/channels lists ${channels.length}`,
    );
  }
  const { lsb, gain } = lsbOf(file, `${base}/settings`, path);
  const frameNos = `${routed}/frame_nos`;
  let firstFrame: number | undefined;
  let contiguousFrames = true;
  if (exists(file, frameNos) && frames > 0) {
    firstFrame = Number((file.readDataset(frameNos, [0, 1]) as ArrayLike<number | bigint>)[0]);
    const last = Number((file.readDataset(frameNos, [frames - 1, frames]) as ArrayLike<number | bigint>)[0]);
    contiguousFrames = last - firstFrame === frames - 1;
  }
  return {
    path,
    layout: "wells",
    version,
    mxwVersion,
    wells,
    well,
    recording,
    plate,
    samplingRate: numberAt(file, `${base}/settings/sampling`, path),
    lsb,
    gain,
    highPassHz: exists(file, `${base}/settings/hpf`)
      ? numberAt(file, `${base}/settings/hpf`, path)
      : undefined,
    channels,
    numFrames: frames,
    firstFrame,
    contiguousFrames,
    startTimeMs: exists(file, `${base}/start_time`) ? numberAt(file, `${base}/start_time`, path) : undefined,
    traceProblem: traceProblemOf(file, raw),
    data: traceSource(
      path,
      raw,
      frames,
      rowChannels.map((_, i) => i),
    ),
    spikesDataset: exists(file, `${base}/spikes`) ? `${base}/spikes` : undefined,
  };
}

/** Frame numbers of samples `[start, end)` (wells layout). */
export function readMaxwellFrameNumbers(maxwell: MaxwellFile, start: number, end: number): Float64Array {
  checkRange(start, end, maxwell.numFrames, "frames", maxwell.path);
  return withHdf5File(maxwell.path, "a MaxWell file", (file) =>
    Float64Array.from(
      file.readDataset(`/wells/${maxwell.well}/${maxwell.recording}/groups/routed/frame_nos`, [
        start,
        end,
      ]) as ArrayLike<number | bigint>,
      Number,
    ),
  );
}

/** The spikes MaxLab detected during the recording (empty when the file has none). */
export function readMaxwellSpikes(maxwell: MaxwellFile): MaxwellSpikes {
  const dataset = maxwell.spikesDataset;
  if (dataset === undefined)
    return { frames: new Float64Array(), channels: new Int32Array(), amplitudes: new Float64Array() };
  return withHdf5File(maxwell.path, "a MaxWell file", (file) => {
    const records = recordsAt(file, dataset, maxwell.path);
    return {
      frames: Float64Array.from(records, (r, i) =>
        fieldNumber(r, "frameno", `${dataset}[${i}]`, maxwell.path),
      ),
      channels: Int32Array.from(records, (r, i) =>
        fieldNumber(r, "channel", `${dataset}[${i}]`, maxwell.path),
      ),
      amplitudes: Float64Array.from(records, (r, i) =>
        fieldNumber(r, "amplitude", `${dataset}[${i}]`, maxwell.path),
      ),
    };
  });
}

/**
 * The routed channels' samples as (frames, channels): each block is one hyperslab of the stored
 * (channels, frames) array, transposed; `rows` picks the stored rows (the routed channels of `/sig`).
 */
function traceSource(path: string, dataset: string, frames: number, rows: readonly number[]): ChunkSource {
  const channels = rows.length;
  const firstRow = Math.min(...rows);
  const lastRow = Math.max(...rows);
  return {
    dtype: "uint16",
    shape: [frames, channels],
    readRows(start: number, end: number): TypedArray {
      checkRange(start, end, frames, "frames", path);
      return withHdf5File(path, "a MaxWell file", (file) => {
        const problem = traceProblemOf(file, dataset);
        if (problem)
          throw new UnsupportedCompressionError(path, dataset, problem.filterId, MAXWELL_FILTER_ADVICE);
        const block = file.readBlock(dataset, [firstRow, start], [lastRow + 1 - firstRow, end - start]);
        if (!(block instanceof Uint16Array))
          throw new SourceDataError(path, `${dataset} is not stored as uint16`);
        const width = end - start;
        const out = new Uint16Array(width * channels);
        rows.forEach((row, c) => {
          const from = (row - firstRow) * width;
          for (let t = 0; t < width; t++) out[t * channels + c] = block[from + t]!;
        });
        return out;
      });
    },
  };
}
