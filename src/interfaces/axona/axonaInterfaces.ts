/**
 * Axona DacqUSB trials: the raw `.bin` (with its `.set`), the `.eeg`/`.egf` field potentials, the `.pos`
 * tracked positions and the tetrode spike files `.1` … `.N`.
 */
import { existsSync } from "node:fs";
import { basename, dirname, extname, join } from "node:path";
import { type Static, type TObject, Type } from "@sinclair/typebox";
import {
  addElectrodes,
  type Recording,
  type RecordingChannel,
  type WriteAs,
} from "../../conversion/ecephys/recording.js";
import {
  BaseRecordingInterface,
  type RecordingMetadata,
} from "../../conversion/ecephys/recordingInterface.js";
import { BaseDataInterface } from "../../conversion/interface.js";
import type { Metadata } from "../../conversion/metadata/schema.js";
import { BaseTemporalInterface } from "../../conversion/temporal.js";
import { seriesTiming, type Timing, truncateTiming } from "../../conversion/timing.js";
import { emitNeuroconvWarning } from "../../conversion/warnings.js";
import { firstRows } from "../../data/lazy.js";
import { SourceDataError } from "../../errors.js";
import {
  type AxonaContinuous,
  type AxonaPosition,
  type AxonaSet,
  type AxonaTetrode,
  axonaGainToVolts,
  numberField,
  openAxonaBin,
  openAxonaContinuous,
  openAxonaTetrode,
  readAxonaPosition,
  readAxonaSet,
  trialStart,
  UNTRACKED,
} from "../../formats/axona/index.js";
import { ElectricalSeries } from "../../nwb/containers/ecephys.js";
import type { NWBFile } from "../../nwb/containers/file.js";
import { GroupNode, ndarray } from "../../nwb/containers/node.js";
import { coreTypes } from "../../nwb/types/index.js";

const ELECTRODES_PER_TETRODE = 4;
const LETTERS = "abcd";
/** DacqUSB samples the raw stream at 48 kHz; `.set` files of some versions do not say it. */
const DEFAULT_RAW_RATE = 48000;

/** The electrode of Axona channel `channel` (0-based): tetrode `channel / 4 + 1`, electrode a-d. */
function axonaChannel(channel: number): RecordingChannel {
  const tetrode = Math.floor(channel / ELECTRODES_PER_TETRODE) + 1;
  return {
    name: `${tetrode}${LETTERS[channel % ELECTRODES_PER_TETRODE]}`,
    groupName: `Tetrode${tetrode}`,
    properties: { axona_channel: channel, tetrode_id: tetrode },
  };
}

/** The trial's `.set` beside a data file (same stem); missing is an error saying what it is needed for. */
function setBeside(filePath: string, neededFor: string): AxonaSet {
  if (!existsSync(filePath)) throw new SourceDataError(filePath, "does not exist");
  const stem = basename(filePath).replace(/\.[^.]+$/, "");
  const setPath = join(dirname(filePath), `${stem}.set`);
  if (!existsSync(setPath)) {
    throw new SourceDataError(
      filePath,
      `has no ${stem}.set beside it; the trial's .set file is needed for ${neededFor}`,
    );
  }
  return readAxonaSet(setPath);
}

/** NWBFile and device metadata a `.set` states. */
function trialMetadata<M extends Metadata>(metadata: M, set: AxonaSet, tetrodes: readonly number[]): M {
  if (set.experimenter) metadata.NWBFile.experimenter = [set.experimenter];
  if (set.comments) metadata.NWBFile.session_description = set.comments;
  metadata.Ecephys = {
    ...metadata.Ecephys,
    Device: [
      {
        name: "Axona",
        description: `Axona DacqUSB${set.swVersion ? ` ${set.swVersion}` : ""} acquisition system`,
        manufacturer: "Axona",
      },
    ],
    ElectrodeGroup: tetrodes.map((tetrode) => ({
      name: `Tetrode${tetrode}`,
      description: `tetrode ${tetrode} (Axona channels ${(tetrode - 1) * ELECTRODES_PER_TETRODE}-${tetrode * ELECTRODES_PER_TETRODE - 1})`,
      location: "unknown",
      device: "Axona",
    })),
    Electrodes: [
      { name: "axona_channel", description: "Axona channel number (0-based; gain_ch_N of the .set)" },
      { name: "tetrode_id", description: "tetrode the electrode belongs to (1-based)" },
    ],
  };
  return metadata;
}

const filePathSchema = (description: string) =>
  Type.Object({ filePath: Type.String({ description }) }, { additionalProperties: false });

/** The source arguments of {@link AxonaRecordingInterface}, as a JSON schema. */
export const AxonaRecordingSourceSchema = filePathSchema("The raw .bin file (its .set beside it).");
/** The source arguments of {@link AxonaRecordingInterface}. */
export type AxonaRecordingSource = Static<typeof AxonaRecordingSourceSchema>;

/**
 * The raw `.bin` of an Axona trial as an ElectricalSeries: the channels of the tetrodes the `.set` collects
 * (`collectMask_N`), reordered from the packets' hardware order, int16 with per-channel
 * `channel_conversion` = ADC_fullscale_mv / (gain_ch_N × 32768) to volts; tetrodes as electrode groups;
 * trial date/time, experimenter and comments from the `.set`. A `.bin` cut mid-packet converts its whole
 * packets, with a warning.
 *
 * @example
 * ```ts
 * const raw = new AxonaRecordingInterface({ filePath: "trial.bin" });
 * await raw.runConversion({ nwbfilePath: "trial.nwb" });
 * ```
 */
export class AxonaRecordingInterface extends BaseRecordingInterface<AxonaRecordingSource> {
  static override displayName = "Axona Recording";
  static override keywords = ["Axona", "DacqUSB", "tetrode", "raw", "ecephys"];
  static override associatedSuffixes = [".bin", ".set"];
  static override info = "Raw .bin recording of an Axona DacqUSB trial, with its .set.";
  static override sourceSchema: TObject = AxonaRecordingSourceSchema;

  /** The trial's settings. */
  readonly set: AxonaSet;
  protected readonly recording: Recording;

  constructor(sourceData: AxonaRecordingSource) {
    super(sourceData);
    this.set = setBeside(sourceData.filePath, "the channel gains and the sampling rate");
    const bin = openAxonaBin(sourceData.filePath);
    const name = basename(sourceData.filePath);
    if (this.set.activeTetrodes.length === 0) {
      throw new SourceDataError(this.set.header.path, "collects no tetrode (no 'collectMask_N 1' line)");
    }
    const channels = this.set.activeTetrodes.flatMap((t) =>
      Array.from({ length: ELECTRODES_PER_TETRODE }, (_, e) => (t - 1) * ELECTRODES_PER_TETRODE + e),
    );
    const rate = this.set.rawRate ?? DEFAULT_RAW_RATE;
    if (this.set.rawRate === undefined) {
      emitNeuroconvWarning(
        `${basename(this.set.header.path)}: no rawRate line; DacqUSB's raw rate ${DEFAULT_RAW_RATE} Hz is used`,
      );
    }
    if (bin.trailingBytes > 0) {
      emitNeuroconvWarning(
        `${name}: the last ${bin.trailingBytes} bytes are less than one 432-byte packet (the file was cut short); they are left out`,
      );
    }
    const duration = Number(this.set.header.fields.get("duration"));
    if (Number.isFinite(duration) && bin.numSamples < Math.floor(duration * rate) - 3) {
      emitNeuroconvWarning(
        `${name}: holds ${bin.numSamples} samples (${(bin.numSamples / rate).toFixed(3)} s) but the .set states a ${duration} s trial; the .bin seems cut short`,
      );
    }
    this.recording = {
      samplingRate: rate,
      numSamples: bin.numSamples,
      data: bin.source(channels),
      gainToVolts: channels.map((c) => axonaGainToVolts(this.set, c, 16)),
      channels: channels.map(axonaChannel),
    };
  }

  protected override get sourceSessionStartTime(): string | undefined {
    return this.set.startTime;
  }

  override getMetadata(): RecordingMetadata {
    return trialMetadata(super.getMetadata(), this.set, this.set.activeTetrodes);
  }
}

/** The source arguments of {@link AxonaLFPDataInterface}, as a JSON schema. */
export const AxonaLFPDataSourceSchema = filePathSchema(
  "The .eeg/.eegN (250 Hz) or .egf/.egfN (4.8 kHz) file (its .set beside it).",
);
/** The source arguments of {@link AxonaLFPDataInterface}. */
export type AxonaLFPDataSource = Static<typeof AxonaLFPDataSourceSchema>;

/**
 * An Axona `.eeg`/`.egf` field-potential file as an ElectricalSeries in processing/ecephys/LFP: the stored
 * int8 (`.eeg`) or int16 (`.egf`) samples at the header's rate, `conversion` = ADC_fullscale_mv /
 * (gain × 2^(bits-1)) in volts with the gain of the channel the `.set`'s `EEG_ch_N` names; the electrode is
 * that channel's (tetrode group, name `<tetrode><a-d>`), so it shares its row with the raw recording.
 *
 * @example
 * ```ts
 * const lfp = new AxonaLFPDataInterface({ filePath: "trial.eeg" });
 * await lfp.runConversion({ nwbfilePath: "trial-lfp.nwb" });
 * ```
 */
export class AxonaLFPDataInterface extends BaseRecordingInterface<AxonaLFPDataSource> {
  static override displayName = "Axona LFP";
  static override keywords = ["Axona", "DacqUSB", "eeg", "egf", "lfp", "ecephys"];
  static override associatedSuffixes = [".eeg", ".egf", ".set"];
  static override info = "Field potentials (.eeg/.egf) of an Axona DacqUSB trial.";
  static override sourceSchema: TObject = AxonaLFPDataSourceSchema;

  /** The trial's settings and the file. */
  readonly set: AxonaSet;
  readonly eeg: AxonaContinuous;
  protected readonly recording: Recording;

  constructor(sourceData: AxonaLFPDataSource) {
    super(sourceData);
    this.set = setBeside(sourceData.filePath, "the gain of the recorded channel");
    this.eeg = openAxonaContinuous(sourceData.filePath);
    const key = `EEG_ch_${this.eeg.eegIndex}`;
    const channel = numberField(this.set.header, key) - 1;
    if (channel < 0) {
      throw new SourceDataError(
        this.set.header.path,
        `'${key}' names no channel, so ${basename(sourceData.filePath)} has no gain`,
      );
    }
    if (this.eeg.statedSamples !== undefined && this.eeg.numSamples < this.eeg.statedSamples) {
      emitNeuroconvWarning(
        `${basename(sourceData.filePath)}: holds ${this.eeg.numSamples} of the ${this.eeg.statedSamples} samples its header states (the file was cut short)`,
      );
    }
    this.recording = {
      samplingRate: this.eeg.samplingRate,
      numSamples: this.eeg.numSamples,
      data: this.eeg.data,
      gainToVolts: axonaGainToVolts(this.set, channel, this.eeg.bits),
      channels: [axonaChannel(channel)],
    };
  }

  override get seriesKey(): string {
    return "ElectricalSeriesLFP";
  }

  protected override get sourceSessionStartTime(): string | undefined {
    return trialStart(this.eeg.header);
  }

  override getMetadata(): RecordingMetadata {
    const metadata = trialMetadata(super.getMetadata(), this.set, [
      this.recording.channels[0]!.properties!.tetrode_id as number,
    ]);
    metadata.Ecephys[this.seriesKey] = {
      name: this.seriesKey,
      description: `field potential of Axona channel ${this.recording.channels[0]!.properties!.axona_channel} (${basename(this.eeg.header.path)}), as DacqUSB filtered and downsampled it`,
    };
    return metadata;
  }

  protected override get defaultWriteAs(): WriteAs {
    return "lfp";
  }
}

/** The source arguments of {@link AxonaPositionDataInterface}, as a JSON schema. */
export const AxonaPositionDataSourceSchema = filePathSchema("The .pos file.");
/** The source arguments of {@link AxonaPositionDataInterface}. */
export type AxonaPositionDataSource = Static<typeof AxonaPositionDataSourceSchema>;

/**
 * The tracked LED positions of an Axona `.pos` file as a Position in processing/behavior: one SpatialSeries
 * per tracked spot (`SpatialSeriesLED1`, `SpatialSeriesLED2`), (x, y) in camera pixels with `conversion`
 * 1 / pixels_per_metre to meters, untracked frames (1023) as NaN, at the header's sample rate (timestamps
 * once aligned). A spot never tracked is left out, and the pixel counts are not written (both named in a
 * warning).
 *
 * @example
 * ```ts
 * const position = new AxonaPositionDataInterface({ filePath: "trial.pos" });
 * await position.runConversion({ nwbfilePath: "trial-position.nwb" });
 * ```
 */
export class AxonaPositionDataInterface extends BaseTemporalInterface<AxonaPositionDataSource> {
  static override displayName = "Axona Position";
  static override keywords = ["Axona", "DacqUSB", "pos", "position", "tracking", "behavior"];
  static override associatedSuffixes = [".pos"];
  static override info = "Tracked LED positions (.pos) of an Axona DacqUSB trial.";
  static override sourceSchema: TObject = AxonaPositionDataSourceSchema;

  /** The decoded `.pos` file. */
  readonly position: AxonaPosition;

  constructor(sourceData: AxonaPositionDataSource) {
    super(sourceData);
    if (!existsSync(sourceData.filePath)) throw new SourceDataError(sourceData.filePath, "does not exist");
    if (extname(sourceData.filePath).toLowerCase() !== ".pos") {
      throw new SourceDataError(sourceData.filePath, "is not an Axona .pos file");
    }
    this.position = readAxonaPosition(sourceData.filePath);
    if (this.position.numSamples === 0)
      throw new SourceDataError(sourceData.filePath, "holds no position samples");
  }

  protected override getOriginalTiming(): Timing {
    return {
      kind: "regular",
      rate: this.position.samplingRate,
      startingTime: 0,
      count: this.position.numSamples,
    };
  }

  protected override get sourceSessionStartTime(): string | undefined {
    return trialStart(this.position.header);
  }

  override getMetadata(): Metadata {
    const metadata = super.getMetadata();
    const experimenter = this.position.header.fields.get("experimenter")?.trim();
    if (experimenter) metadata.NWBFile.experimenter = [experimenter];
    return metadata;
  }

  /** (x, y) of spot `spot` (1-based) in pixels, NaN where untracked; undefined when never tracked. */
  spotPixels(spot: number): Float32Array | undefined {
    const { columns, words, numSamples } = this.position;
    const x = columns.indexOf(`x${spot}`);
    const y = columns.indexOf(`y${spot}`);
    if (x === -1 || y === -1) return undefined;
    const out = new Float32Array(numSamples * 2);
    let tracked = false;
    for (let i = 0; i < numSamples; i++) {
      const vx = words[i * 8 + x]!;
      const vy = words[i * 8 + y]!;
      const lost = vx === UNTRACKED && vy === UNTRACKED;
      tracked ||= !lost;
      out[2 * i] = lost ? Number.NaN : vx;
      out[2 * i + 1] = lost ? Number.NaN : vy;
    }
    return tracked ? out : undefined;
  }

  override addToNwbfile(nwbfile: NWBFile, _metadata: Metadata, options: { stubTest?: boolean } = {}): void {
    const name = basename(this.position.header.path);
    const perMetre = this.position.pixelsPerMetre;
    const count = options.stubTest ? Math.min(100, this.position.numSamples) : this.position.numSamples;
    const timing = truncateTiming(this.getTiming(), count);
    const series: GroupNode[] = [];
    const untracked: string[] = [];
    for (const spot of [1, 2]) {
      const pixels = this.spotPixels(spot);
      if (!this.position.columns.includes(`x${spot}`)) continue;
      if (!pixels) {
        untracked.push(`spot ${spot}`);
        continue;
      }
      series.push(
        new coreTypes.SpatialSeries({
          name: `SpatialSeriesLED${spot}`,
          description: `position of tracked LED spot ${spot} (x${spot}, y${spot} of ${name}) in camera pixels${perMetre ? `; ${perMetre} pixels per metre` : ""}`,
          data: ndarray(pixels.subarray(0, 2 * count), [count, 2]),
          unit: perMetre ? "meters" : "pixels",
          conversion: perMetre ? 1 / perMetre : 1,
          reference_frame:
            "(0, 0) is the top-left corner of the camera image, x to the right, y downwards; frames where the spot was not tracked (1023) are NaN",
          ...seriesTiming(timing),
        }),
      );
    }
    if (series.length === 0)
      throw new SourceDataError(this.position.header.path, "tracks no LED spot in any frame");
    const others = this.position.columns.filter((c) => !/^[xy][12]$/.test(c));
    if (untracked.length > 0 || others.length > 0) {
      emitNeuroconvWarning(
        `${name}: ${[...(untracked.length > 0 ? [`${untracked.join(" and ")} (never tracked)`] : []), ...(others.length > 0 ? [`the columns ${others.join(", ")}`] : [])].join(" and ")} not written`,
      );
    }
    nwbfile
      .createProcessingModule("behavior", "processed behavioral data")
      .add(new coreTypes.Position({ name: "Position", spatial_series: series }));
  }
}

/** The source arguments of {@link AxonaUnitRecordingInterface}, as a JSON schema. */
export const AxonaUnitRecordingSourceSchema = filePathSchema(
  "The trial's .set file; the tetrode files <stem>.1, <stem>.2, … beside it are read.",
);
/** The source arguments of {@link AxonaUnitRecordingInterface}. */
export type AxonaUnitRecordingSource = Static<typeof AxonaUnitRecordingSourceSchema>;

const MAX_TETRODES = 32;

/**
 * The tetrode spike files of an Axona trial (`<stem>.1` … `<stem>.N`) as one SpikeEventSeries per tetrode
 * (`SpikeEventSeriesTetrode<N>`, in processing/ecephys/EventWaveform): every threshold crossing's 4 × 50
 * int8 snippet, data (spikes, channels, samples), `channel_conversion` = ADC_fullscale_mv / (gain_ch × 128)
 * to volts, timestamps = timestamp / timebase, linked to the tetrode's electrodes. These spikes are not
 * sorted (sorting lives in Tint's `.cut`/`.clu` files), so they are events with waveforms, not units.
 *
 * @example
 * ```ts
 * const spikes = new AxonaUnitRecordingInterface({ filePath: "trial.set" });
 * await spikes.runConversion({ nwbfilePath: "trial-spikes.nwb" });
 * ```
 */
export class AxonaUnitRecordingInterface extends BaseDataInterface<AxonaUnitRecordingSource> {
  static override displayName = "Axona Tetrode Spikes";
  static override keywords = ["Axona", "DacqUSB", "tetrode", "spikes", "waveforms", "ecephys"];
  static override associatedSuffixes = [".set", ".1", ".2", ".3", ".4"];
  static override info =
    "Tetrode spike files (.1 … .N: spike times and waveforms) of an Axona DacqUSB trial.";
  static override sourceSchema: TObject = AxonaUnitRecordingSourceSchema;

  /** The trial's settings and its tetrode files. */
  readonly set: AxonaSet;
  readonly tetrodes: readonly AxonaTetrode[];

  constructor(sourceData: AxonaUnitRecordingSource) {
    super(sourceData);
    const path = sourceData.filePath;
    if (extname(path).toLowerCase() !== ".set") {
      throw new SourceDataError(
        path,
        "is not a .set file; pass the trial's .set (its tetrode files .1 … .N are found beside it)",
      );
    }
    if (!existsSync(path)) throw new SourceDataError(path, "does not exist");
    this.set = readAxonaSet(path);
    const stem = path.slice(0, -".set".length);
    const found = Array.from({ length: MAX_TETRODES }, (_, i) => `${stem}.${i + 1}`).filter((p) =>
      existsSync(p),
    );
    if (found.length === 0) {
      throw new SourceDataError(
        path,
        `has no tetrode spike files beside it (${basename(stem)}.1 … .${MAX_TETRODES})`,
      );
    }
    this.tetrodes = found.map(openAxonaTetrode);
    for (const t of this.tetrodes) {
      if (t.numChannels !== ELECTRODES_PER_TETRODE) {
        throw new SourceDataError(
          t.header.path,
          `has ${t.numChannels} channels per spike; tetrode files have 4`,
        );
      }
      const stated = numberField(t.header, "num_spikes");
      if (t.numSpikes < stated) {
        emitNeuroconvWarning(
          `${basename(t.header.path)}: holds ${t.numSpikes} of the ${stated} spikes its header states (the file was cut short)`,
        );
      }
    }
  }

  protected override get sourceSessionStartTime(): string | undefined {
    return this.set.startTime;
  }

  override getMetadata(): Metadata {
    return trialMetadata(
      super.getMetadata(),
      this.set,
      this.tetrodes.map((t) => t.tetrode),
    );
  }

  override addToNwbfile(nwbfile: NWBFile, metadata: Metadata, options: { stubTest?: boolean } = {}): void {
    const ecephys = nwbfile.createProcessingModule(
      "ecephys",
      "processed extracellular electrophysiology data",
    );
    let container = ecephys.get("EventWaveform");
    if (!(container instanceof GroupNode))
      container = ecephys.add(new coreTypes.EventWaveform({ spike_event_series: [] }));
    for (const tetrode of this.tetrodes) {
      const first = (tetrode.tetrode - 1) * ELECTRODES_PER_TETRODE;
      const channels = Array.from({ length: ELECTRODES_PER_TETRODE }, (_, e) => first + e);
      const rows = addElectrodes(nwbfile, { channels: channels.map(axonaChannel) }, metadata);
      const count = options.stubTest ? Math.min(100, tetrode.numSpikes) : tetrode.numSpikes;
      const name = `SpikeEventSeriesTetrode${tetrode.tetrode}`;
      (container as GroupNode).add(
        new ElectricalSeries(
          {
            name,
            description: `threshold crossings on tetrode ${tetrode.tetrode} (${basename(tetrode.header.path)}): ${tetrode.samplesPerSpike} samples at ${tetrode.samplingRate} Hz per channel, as DacqUSB detected them (unsorted)`,
            data: count === tetrode.numSpikes ? tetrode.waveforms : firstRows(tetrode.waveforms, count),
            electrodes: nwbfile.createElectrodeRegion(rows, `electrodes of tetrode ${tetrode.tetrode}`),
            conversion: 1,
            channel_conversion: Float64Array.from(channels, (c) => axonaGainToVolts(this.set, c, 8)),
            timestamps: Float64Array.from(tetrode.timestamps.subarray(0, count), (t) => t / tetrode.timebase),
          },
          "SpikeEventSeries",
        ),
      );
    }
  }
}
