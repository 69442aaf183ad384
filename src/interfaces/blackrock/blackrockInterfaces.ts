/**
 * Blackrock recordings (NSx) and sortings (NEV spikes, with the NEV's digital, serial and comment events).
 */

import { existsSync, readdirSync } from "node:fs";
import { basename, dirname, extname, join } from "node:path";
import { type Static, type TObject, Type } from "@sinclair/typebox";
import type { Recording } from "../../conversion/ecephys/recording.js";
import {
  BaseRecordingInterface,
  type RecordingMetadata,
} from "../../conversion/ecephys/recordingInterface.js";
import { BaseSortingInterface, type Sorting } from "../../conversion/ecephys/sorting.js";
import type { DeviceMetadata, Metadata } from "../../conversion/metadata/schema.js";
import { addEventsToNwbfile } from "../../conversion/signals.js";
import { segmentedTiming, type Timing, timeAt } from "../../conversion/timing.js";
import { emitNeuroconvWarning } from "../../conversion/warnings.js";
import { SourceDataError } from "../../errors.js";
import { type NevFile, type NsxFile, openNsxFile, readNevFile } from "../../formats/blackrock/index.js";
import type { NWBFile } from "../../nwb/containers/file.js";

const NSX_EXTENSION = /^\.ns[1-9]$/i;

/** The NSx files beside `path` that share its base name, highest number (highest rate) first. */
function siblingNsx(path: string): string[] {
  const base = basename(path, extname(path));
  const dir = dirname(path);
  return readdirSync(dir)
    .filter((name) => basename(name, extname(name)) === base && NSX_EXTENSION.test(extname(name)))
    .sort((a, b) => extname(b).localeCompare(extname(a)))
    .map((name) => join(dir, name));
}

/** Blackrock's time origin is UTC (the spec's SYSTEMTIME): stated with its zone. */
function utc(timeOrigin: string | undefined): string | undefined {
  return timeOrigin === undefined ? undefined : `${timeOrigin}+00:00`;
}

/** The source arguments of {@link BlackrockRecordingInterface}, as a JSON schema. */
export const BlackrockRecordingSourceSchema = Type.Object(
  {
    filePath: Type.String({
      description:
        "The .ns1-.ns6 file, or the .nev (then the highest-numbered .nsX of the same name is read).",
    }),
    nsxOverride: Type.Optional(
      Type.String({ description: "The .nsX file to read when it is not named like filePath." }),
    ),
  },
  { additionalProperties: false },
);

/** The source arguments of BlackrockRecording interfaces (from BlackrockRecordingSourceSchema). */
export type BlackrockRecordingSource = Static<typeof BlackrockRecordingSourceSchema>;

/**
 * A Blackrock NSx stream as an ElectricalSeries: every sample, pauses as segments of the clock (a paused
 * recording is written with timestamps), scaling to volts from the channel headers, electrode labels,
 * connector bank/pin and filter corners in the electrodes table. File spec 2.1 stores no scaling: its values
 * are written as stored (conversion 1, said in the description and a warning) unless the .nev beside it
 * gives the digitization factors.
 *
 * @example
 * ```ts
 * const blackrock = new BlackrockRecordingInterface({ filePath: "session.ns6" });
 * await blackrock.runConversion({ nwbfilePath: "session.nwb" });
 * ```
 */
export class BlackrockRecordingInterface extends BaseRecordingInterface<BlackrockRecordingSource> {
  static override displayName = "Blackrock Recording";
  static override keywords = ["Blackrock", "Cerebus", "NeuroPort", "NSx", "ecephys"];
  static override associatedSuffixes = [".ns1", ".ns2", ".ns3", ".ns4", ".ns5", ".ns6", ".nev"];
  static override info = "Continuous data of a Blackrock NSx file (specs 2.1 to 3.0).";
  static override sourceSchema: TObject = BlackrockRecordingSourceSchema;

  readonly nsx: NsxFile;
  protected readonly recording: Recording;
  /** Why the values are not in volts, when they are not. */
  readonly unscaledReason: string | undefined;

  constructor(sourceData: BlackrockRecordingSource) {
    super(sourceData);
    const { filePath, nsxOverride } = sourceData;
    const isNev = extname(filePath).toLowerCase() === ".nev";
    const nsxPath = nsxOverride ?? (isNev ? siblingNsx(filePath)[0] : filePath);
    if (nsxPath === undefined) {
      throw new SourceDataError(filePath, "no .ns1-.ns6 file of the same name beside it; pass nsxOverride");
    }
    this.nsx = openNsxFile(nsxPath);
    if (this.nsx.numSamples === 0) throw new SourceDataError(nsxPath, "holds no samples");
    const nevPath = isNev ? filePath : join(dirname(nsxPath), `${basename(nsxPath, extname(nsxPath))}.nev`);
    let gains = this.nsx.channels.map((c) => c.gainToVolts);
    if (gains.some((g) => g === undefined) && existsSync(nevPath)) {
      // spec 2.1: the NEV's digitization factor (nV per bit) of each electrode is the scale Blackrock uses
      const nev = readNevFile(nevPath);
      gains = this.nsx.channels.map((c) => {
        const factor = nev.electrodes.get(c.electrodeId)?.digitizationFactor;
        return factor === undefined ? undefined : factor * 1e-9;
      });
    }
    this.unscaledReason = gains.some((g) => g === undefined)
      ? `${basename(nsxPath)} is NSx file spec ${this.nsx.spec}, which stores no scaling, and no .nev with digitization factors is beside it: values are written as stored (conversion 1), not in volts`
      : undefined;
    if (this.unscaledReason) emitNeuroconvWarning(this.unscaledReason, "NeuroconvDataWarning");
    const offsets = new Set(this.nsx.channels.map((c) => c.offsetToVolts ?? 0));
    if (offsets.size > 1) {
      emitNeuroconvWarning(
        `${basename(nsxPath)}: channels have different offsets (${[...offsets].join(", ")} V); an ElectricalSeries has one, the first is written`,
        "NeuroconvDataWarning",
      );
    }
    this.recording = {
      samplingRate: this.nsx.samplingRate,
      numSamples: this.nsx.numSamples,
      data: this.nsx.file.source(),
      gainToVolts: gains.map((g) => g ?? 1),
      ...([...offsets][0] !== 0 && { offsetToVolts: [...offsets][0]! }),
      channels: this.nsx.channels.map((c) => ({
        name: c.label,
        groupName: "ElectrodeGroup",
        properties: {
          electrode_id: c.electrodeId,
          ...(c.connectorBank !== undefined && { connector_bank: c.connectorBank }),
          ...(c.connectorPin !== undefined && { connector_pin: c.connectorPin }),
          ...(c.highFreqCornerHz !== undefined && { high_freq_corner_hz: c.highFreqCornerHz }),
          ...(c.lowFreqCornerHz !== undefined && { low_freq_corner_hz: c.lowFreqCornerHz }),
        },
      })),
    };
  }

  protected override getOriginalTiming(): Timing {
    return segmentedTiming(
      this.nsx.samplingRate,
      this.nsx.segments.map((s) => ({ firstIndex: s.firstSample, startingTime: s.startTime })),
      this.nsx.numSamples,
    );
  }

  protected override get sourceSessionStartTime(): string | undefined {
    return utc(this.nsx.timeOrigin);
  }

  protected override get device(): Omit<DeviceMetadata, "name"> {
    return { description: "Blackrock", manufacturer: "Blackrock Microsystems" };
  }

  override getMetadata(): RecordingMetadata {
    const metadata = super.getMetadata();
    const pauses = this.nsx.segments.length - 1;
    metadata.Ecephys[this.seriesKey] = {
      name: this.seriesKey,
      description: [
        `${this.nsx.label || "continuous"} data of Blackrock NSx file spec ${this.nsx.spec}`,
        pauses > 0 ? `recorded in ${pauses + 1} segments (paused ${pauses} times; see the timestamps)` : "",
        this.unscaledReason ? `values as stored, not in volts: ${this.unscaledReason}` : "",
      ]
        .filter(Boolean)
        .join("; "),
    };
    return metadata;
  }
}

/** The source arguments of {@link BlackrockSortingInterface}, as a JSON schema. */
export const BlackrockSortingSourceSchema = Type.Object(
  {
    filePath: Type.String({ description: "The .nev file." }),
    samplingFrequency: Type.Optional(
      Type.Number({
        description:
          "Rate of the spike timestamps in Hz; default: the timestamp resolution the NEV header states.",
        exclusiveMinimum: 0,
      }),
    ),
  },
  { additionalProperties: false },
);

/** The source arguments of BlackrockSorting interfaces (from BlackrockSortingSourceSchema). */
export type BlackrockSortingSource = Static<typeof BlackrockSortingSourceSchema>;

const UNIT_CLASS = (unitClass: number) =>
  unitClass === 0 ? "unsorted" : unitClass === 255 ? "noise" : unitClass <= 16 ? "sorted" : "other";

/**
 * The spikes of a Blackrock NEV file as Units: one unit per (electrode, unit classification), with the
 * electrode id and label, the classification, and the mean and SD of its waveforms in volts. The NEV's
 * digital and serial port events become event series, its comments an AnnotationSeries.
 *
 * @example
 * ```ts
 * const spikes = new BlackrockSortingInterface({ filePath: "session.nev" });
 * await spikes.runConversion({ nwbfilePath: "spikes.nwb" });
 * ```
 */
export class BlackrockSortingInterface extends BaseSortingInterface<BlackrockSortingSource> {
  static override displayName = "Blackrock Sorting";
  static override keywords = ["Blackrock", "Cerebus", "NEV", "spikes", "units"];
  static override associatedSuffixes = [".nev"];
  static override info = "Spikes (units), digital/serial events and comments of a Blackrock NEV file.";
  static override sourceSchema: TObject = BlackrockSortingSourceSchema;

  readonly nev: NevFile;
  protected readonly sorting: Sorting;

  constructor(sourceData: BlackrockSortingSource) {
    super(sourceData);
    this.nev = readNevFile(sourceData.filePath);
    const nev = this.nev;
    if (nev.skippedPackets > 0) {
      emitNeuroconvWarning(
        `${basename(nev.path)}: ${nev.skippedPackets} packets of other kinds (analog-input or periodic events, video sync, tracking, button or configuration events) are not converted`,
        "NeuroconvDataWarning",
      );
    }
    const samplingRate = sourceData.samplingFrequency ?? nev.timestampResolution;
    const toFrame = (tick: number) => Math.round((tick / nev.timestampResolution) * samplingRate);
    this.sorting = {
      samplingRate,
      propertyDescriptions: {
        electrode_id: "Blackrock electrode id the spikes were detected on",
        electrode_label: "label of that electrode",
        unit_class: "Blackrock unit classification number (0 unsorted, 1-16 sorted units, 255 noise)",
        unit_classification: "unsorted, sorted or noise",
      },
      units: nev.units.map((unit) => ({
        id: `ch${unit.electrodeId}#${unit.unitClass}`,
        spikeFrames: unit.timestamps.map(toFrame),
        properties: {
          electrode_id: unit.electrodeId,
          electrode_label: nev.electrodes.get(unit.electrodeId)?.label ?? "",
          unit_class: unit.unitClass,
          unit_classification: UNIT_CLASS(unit.unitClass),
        },
        waveformMean: unit.waveformMean,
        waveformSd: unit.waveformSd,
      })),
    };
  }

  protected override get sourceSessionStartTime(): string | undefined {
    return utc(this.nev.timeOrigin);
  }

  override addToNwbfile(nwbfile: NWBFile, metadata: Metadata, options: { stubTest?: boolean } = {}): void {
    super.addToNwbfile(nwbfile, metadata, options);
    const nev = this.nev;
    // events are on the NEV clock, through this interface's (possibly aligned) clock like the spikes
    const timing = this.getTiming();
    const toTime = (tick: number) => timeAt(timing, (tick / nev.timestampResolution) * this.samplingRate);
    const source = `Blackrock NEV file ${basename(nev.path)}`;
    addEventsToNwbfile(
      nwbfile,
      {
        name: "EventsBlackrockDigitalInput",
        description: `Values of the 16-bit digital input port at each change, from the ${source}.`,
        times: nev.digital.timestamps.map(toTime),
        codes: nev.digital.values,
      },
      options.stubTest,
    );
    addEventsToNwbfile(
      nwbfile,
      {
        name: "EventsBlackrockSerialInput",
        description: `Values received on the serial input port, from the ${source}.`,
        times: nev.serial.timestamps.map(toTime),
        codes: nev.serial.values,
      },
      options.stubTest,
    );
    addEventsToNwbfile(
      nwbfile,
      {
        name: "CommentsBlackrock",
        description: `Comments stored in the ${source}.`,
        times: nev.comments.timestamps.map(toTime),
        labels: nev.comments.texts,
      },
      options.stubTest,
    );
  }
}
