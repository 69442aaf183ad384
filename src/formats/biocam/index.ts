/**
 * 3Brain BioCAM recordings (`.brw`, HDF5), both layouts of 3Brain's "BRW file format" documents:
 *
 * - **v3** (BrainWave 3/4): `3BRecInfo/3BRecVars` holds `SamplingRate`, `NRecFrames`, `BitDepth`, `MinVolt`
 *   and `MaxVolt` (µV) and `SignalInversion` (±1); `3BRecInfo/3BMeaStreams/Raw/Chs` lists the stored
 *   electrodes as (Row, Col), 1-based; `3BData/Raw` holds the samples frame after frame (all stored
 *   channels of frame 0, then frame 1, ...), flat, or (frames, channels) in data format 100.
 *   µV = SignalInversion × (MinVolt + sample × (MaxVolt − MinVolt) / 2^BitDepth).
 * - **v4** (BrainWave 5): a JSON `ExperimentSettings` string (`TimeConverter.FrameRate`,
 *   `ValueConverter.Min/MaxAnalogValue` (µV) and `Min/MaxDigitalValue`, `MeaPlate.Model`,
 *   `ExperimentDateTime`); per well a group `Well_<row letter><column>` with `StoredChIdxs` (electrode index
 *   = row × columns + column, 0-based) and either `Raw` (frame-major like v3, in chunks listed by the root
 *   `TOC` (frame ranges) and the well's `RawTOC`) or event-based compressed data, which is not decoded here.
 *   µV = MinAnalog + (sample − MinDigital) × (MaxAnalog − MinAnalog) / (MaxDigital − MinDigital).
 */
import type { TypedArray } from "../../data/dtype.js";
import type { ChunkSource } from "../../data/lazy.js";
import { SourceDataError } from "../../errors.js";
import type { StorageReader } from "../../storage/types.js";
import { checkRange } from "../binary.js";
import { exists, fieldNumber, numberAt, recordsAt, textAt, withHdf5File } from "../hdf5.js";

/** One stored electrode: its place on the chip (0-based row and column). */
export interface BiocamChannel {
  readonly row: number;
  readonly col: number;
}

/** The header of a BRW file and where its samples are. */
export interface BiocamFile {
  readonly path: string;
  /** 3 (BrainWave 3/4, `3BRecInfo`) or 4 (BrainWave 5, `ExperimentSettings`). */
  readonly brwVersion: 3 | 4;
  /** The well read (v4), e.g. "Well_A1"; undefined for v3. */
  readonly well: string | undefined;
  readonly samplingRate: number;
  readonly numFrames: number;
  readonly channels: readonly BiocamChannel[];
  /** Rows and columns of the chip's electrode grid. */
  readonly chipRows: number;
  readonly chipCols: number;
  /** µV = sample × gainUv + offsetUv. */
  readonly gainUv: number;
  readonly offsetUv: number;
  /** The chip or plate model, when stated (v4 `MeaPlate.Model`). */
  readonly model: string | undefined;
  /** When the recording started, as the file states it (v4, ISO 8601). */
  readonly startTime: string | undefined;
  /** Samples (frames, channels), uint16. */
  readonly data: ChunkSource;
}

/** Electrode grid of the BioCAM chips when the file does not state it. */
const DEFAULT_CHIP_SIZE = 64;

function wellsOf(file: StorageReader): string[] {
  return file.children("/").filter((name) => /^Well_[A-Z]+\d+$/.test(name));
}

/** Reads the header of a `.brw` file (v3 or v4); `well` picks one well of a multi-well v4 file. */
export function openBiocamFile(path: string, well?: string): BiocamFile {
  return withHdf5File(path, "a 3Brain BRW file", (file) =>
    exists(file, "/3BRecInfo") ? readV3(file, path) : readV4(file, path, well),
  );
}

function readV3(file: StorageReader, path: string): BiocamFile {
  const vars = "/3BRecInfo/3BRecVars";
  const bitDepth = numberAt(file, `${vars}/BitDepth`, path);
  const minUv = numberAt(file, `${vars}/MinVolt`, path);
  const maxUv = numberAt(file, `${vars}/MaxVolt`, path);
  const inversion = exists(file, `${vars}/SignalInversion`)
    ? numberAt(file, `${vars}/SignalInversion`, path)
    : 1;
  if (inversion !== 1 && inversion !== -1) {
    throw new SourceDataError(path, `${vars}/SignalInversion is ${inversion}; the format allows 1 or -1`);
  }
  const numFrames = numberAt(file, `${vars}/NRecFrames`, path);
  const channels = recordsAt(file, "/3BRecInfo/3BMeaStreams/Raw/Chs", path).map((record, i) => ({
    row: fieldNumber(record, "Row", `Chs[${i}]`, path) - 1,
    col: fieldNumber(record, "Col", `Chs[${i}]`, path) - 1,
  }));
  const chip = "/3BRecInfo/3BMeaChip";
  const raw = "/3BData/Raw";
  if (!exists(file, raw)) throw new SourceDataError(path, `no ${raw} dataset: the file holds no raw samples`);
  const { shape } = file.datasetInfo(raw);
  const twoDimensional = shape.length === 2;
  const stored = twoDimensional ? shape[0]! * shape[1]! : shape[0]!;
  if (twoDimensional ? shape[1] !== channels.length : stored !== numFrames * channels.length) {
    throw new SourceDataError(
      path,
      `${raw} holds ${stored} samples, not ${numFrames} frames × ${channels.length} channels (NRecFrames, Chs)`,
    );
  }
  const gainUv = (maxUv - minUv) / 2 ** bitDepth;
  return {
    path,
    brwVersion: 3,
    well: undefined,
    samplingRate: numberAt(file, `${vars}/SamplingRate`, path),
    numFrames: twoDimensional ? shape[0]! : numFrames,
    channels,
    chipRows: exists(file, `${chip}/NRows`) ? numberAt(file, `${chip}/NRows`, path) : DEFAULT_CHIP_SIZE,
    chipCols: exists(file, `${chip}/NCols`) ? numberAt(file, `${chip}/NCols`, path) : DEFAULT_CHIP_SIZE,
    gainUv: inversion * gainUv,
    offsetUv: inversion * minUv,
    model: undefined,
    startTime: undefined,
    data: frameMajorSource(
      path,
      raw,
      twoDimensional ? shape[0]! : numFrames,
      channels.length,
      twoDimensional,
    ),
  };
}

interface ExperimentSettings {
  readonly TimeConverter?: { readonly FrameRate?: number };
  readonly ValueConverter?: {
    readonly MinAnalogValue?: number;
    readonly MaxAnalogValue?: number;
    readonly MinDigitalValue?: number;
    readonly MaxDigitalValue?: number;
  };
  readonly MeaPlate?: { readonly Model?: string };
  readonly ExperimentDateTime?: string;
}

function settingsNumber(value: number | undefined, name: string, path: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new SourceDataError(path, `ExperimentSettings has no ${name}`);
  }
  return value;
}

function readV4(file: StorageReader, path: string, wanted: string | undefined): BiocamFile {
  if (!exists(file, "/ExperimentSettings")) {
    throw new SourceDataError(
      path,
      "neither 3BRecInfo (BRW v3) nor ExperimentSettings (BRW v4): not a 3Brain BRW file",
    );
  }
  let settings: ExperimentSettings;
  try {
    settings = JSON.parse(textAt(file, "/ExperimentSettings", path)) as ExperimentSettings;
  } catch (error) {
    if (error instanceof SourceDataError) throw error;
    throw new SourceDataError(path, `ExperimentSettings is not JSON (${(error as Error).message})`);
  }
  const wells = wellsOf(file);
  const well = wanted ?? wells[0];
  if (well === undefined || !wells.includes(well)) {
    throw new SourceDataError(
      path,
      wanted === undefined
        ? "no Well_* group: the file holds no recording"
        : `no well '${wanted}'; the file has ${wells.join(", ")}`,
    );
  }
  const values = settings.ValueConverter ?? {};
  const minAnalog = settingsNumber(values.MinAnalogValue, "ValueConverter.MinAnalogValue", path);
  const maxAnalog = settingsNumber(values.MaxAnalogValue, "ValueConverter.MaxAnalogValue", path);
  const minDigital = settingsNumber(values.MinDigitalValue ?? 0, "ValueConverter.MinDigitalValue", path);
  const maxDigital = settingsNumber(values.MaxDigitalValue, "ValueConverter.MaxDigitalValue", path);
  const samplingRate = settingsNumber(settings.TimeConverter?.FrameRate, "TimeConverter.FrameRate", path);
  const indices = file.readDataset(`/${well}/StoredChIdxs`) as ArrayLike<number>;
  const raw = `/${well}/Raw`;
  if (!exists(file, raw)) {
    const stored = file.children(`/${well}`).filter((name) => !/^(StoredChIdxs|Noise)/.test(name));
    throw new SourceDataError(
      path,
      `${well} holds no Raw dataset (it has ${stored.join(", ") || "nothing else"}): BrainWave's event-based compressed data cannot be read here; export the recording from BrainWave 5 as raw data ("Raw" in the well)`,
    );
  }
  const numFrames = v4FrameCount(file, path, well);
  const chipSize = DEFAULT_CHIP_SIZE;
  const [stored] = file.datasetInfo(raw).shape;
  if (stored !== numFrames * indices.length) {
    throw new SourceDataError(
      path,
      `${raw} holds ${stored} samples, not ${numFrames} frames (TOC) × ${indices.length} channels (StoredChIdxs)`,
    );
  }
  const gainUv = (maxAnalog - minAnalog) / (maxDigital - minDigital);
  return {
    path,
    brwVersion: 4,
    well,
    samplingRate,
    numFrames,
    channels: Array.from(indices, (index) => ({ row: Math.floor(index / chipSize), col: index % chipSize })),
    chipRows: chipSize,
    chipCols: chipSize,
    gainUv,
    offsetUv: minAnalog - minDigital * gainUv,
    model: settings.MeaPlate?.Model ?? undefined,
    startTime: settings.ExperimentDateTime ?? undefined,
    data: frameMajorSource(path, raw, numFrames, indices.length, false),
  };
}

/**
 * Frames stored in a v4 well: the root TOC lists each chunk's [first, end) frame. Chunks must follow each
 * other without gaps, since the series is written at a fixed rate.
 */
function v4FrameCount(file: StorageReader, path: string, well: string): number {
  if (!exists(file, "/TOC")) throw new SourceDataError(path, "no TOC dataset (frame ranges of the chunks)");
  const toc = Array.from(file.readDataset("/TOC") as ArrayLike<number | bigint>, Number);
  let frames = 0;
  for (let k = 0; k < toc.length; k += 2) {
    const [first, end] = [toc[k]!, toc[k + 1]!];
    if (first !== toc[0]! + frames) {
      throw new SourceDataError(
        path,
        `${well}: the chunks in TOC are not contiguous (chunk ${k / 2} starts at frame ${first}, expected ${toc[0]! + frames}); recordings with pauses are not supported`,
      );
    }
    frames += end - first;
  }
  return frames;
}

/** Samples stored frame after frame: rows of the source are frames, read as one hyperslab each block. */
function frameMajorSource(
  path: string,
  dataset: string,
  frames: number,
  channels: number,
  twoDimensional: boolean,
): ChunkSource {
  return {
    dtype: "uint16",
    shape: [frames, channels],
    readRows(start: number, end: number): TypedArray {
      checkRange(start, end, frames, "frames", path);
      return withHdf5File(path, "a 3Brain BRW file", (file) => {
        const range: [number, number] = twoDimensional ? [start, end] : [start * channels, end * channels];
        const values = file.readDataset(dataset, range);
        if (!(values instanceof Uint16Array)) {
          throw new SourceDataError(path, `${dataset} is not stored as uint16 samples`);
        }
        return values;
      });
    },
  };
}
