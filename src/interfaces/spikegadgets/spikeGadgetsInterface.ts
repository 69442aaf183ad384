/**
 * SpikeGadgets Trodes `.rec` files: the neural channels as one ElectricalSeries, nTrodes as electrode groups.
 */
import { type Static, type TObject, Type } from "@sinclair/typebox";
import type { Recording } from "../../conversion/ecephys/recording.js";
import {
  BaseRecordingInterface,
  type RecordingConversionOptions,
  type RecordingMetadata,
} from "../../conversion/ecephys/recordingInterface.js";
import type { DeviceMetadata, Metadata } from "../../conversion/metadata/schema.js";
import { addTtlLineToNwbfile } from "../../conversion/signals.js";
import { segmentedTiming, type Timing, timeAt } from "../../conversion/timing.js";
import { emitNeuroconvWarning, warnFallbacks } from "../../conversion/warnings.js";
import { SourceDataError } from "../../errors.js";
import { DEFAULT_MICROVOLTS_PER_BIT, openRecFile, type RecFile } from "../../formats/spikegadgets/index.js";
import type { NWBFile } from "../../nwb/containers/file.js";

/** The source arguments of {@link SpikeGadgetsRecordingInterface}, as a JSON schema. */
export const SpikeGadgetsRecordingSourceSchema = Type.Object(
  {
    filePath: Type.String({ description: "The Trodes .rec file." }),
    streamId: Type.Optional(
      Type.String({
        description: 'The stream to write: "trodes" (the neural channels, the only one supported so far).',
      }),
    ),
    gain: Type.Optional(
      Type.Number({
        description:
          "Microvolts per stored value; default: the header's rawScalingToUv/spikeScalingToUv per nTrode, else 0.195.",
      }),
    ),
  },
  { additionalProperties: false },
);

/** The source arguments of {@link SpikeGadgetsRecordingInterface}. */
export type SpikeGadgetsRecordingSource = Static<typeof SpikeGadgetsRecordingSourceSchema>;

/**
 * The neural channels of a SpikeGadgets Trodes `.rec` file as one ElectricalSeries: samples in the order of
 * the header's SpikeConfiguration (nTrode by nTrode, named `hwChan<N>`), each nTrode an electrode group
 * (`nTrode<id>`), scale from the header (`rawScalingToUv`, else `spikeScalingToUv`, else Intan's 0.195 µV
 * with a warning) or `gain`. Time comes from the packets' sample counter: dropped packets start a new
 * clock segment. The start is the header's `systemTimeAtCreation` (UTC) when present. A last packet cut
 * short is left out with a warning. Digital inputs of the devices (MCU/ECU/controller) become TTL event
 * series (`Events<id>`, lines that change state); analog device inputs and multiplexed headstage sensors
 * are named in a warning, not written yet.
 *
 * @example
 * ```ts
 * const rec = new SpikeGadgetsRecordingInterface({ filePath: "session.rec" });
 * await rec.runConversion({ nwbfilePath: "session.nwb" });
 * ```
 */
export class SpikeGadgetsRecordingInterface extends BaseRecordingInterface<SpikeGadgetsRecordingSource> {
  static override displayName = "SpikeGadgets Recording";
  static override keywords = ["SpikeGadgets", "Trodes", "rec", "ecephys", "Frank lab"];
  static override associatedSuffixes = [".rec"];
  static override info = "Neural channels of a SpikeGadgets Trodes .rec file.";
  static override sourceSchema: TObject = SpikeGadgetsRecordingSourceSchema;

  readonly rec: RecFile;
  protected readonly recording: Recording;

  constructor(sourceData: SpikeGadgetsRecordingSource) {
    super(sourceData);
    if (sourceData.streamId !== undefined && sourceData.streamId !== "trodes") {
      throw new SourceDataError(
        sourceData.filePath,
        `has no stream '${sourceData.streamId}' this interface writes; the neural channels are stream "trodes"`,
      );
    }
    const rec = openRecFile(sourceData.filePath);
    this.rec = rec;
    if (rec.channels.length === 0) {
      throw new SourceDataError(
        rec.path,
        "its header's SpikeConfiguration lists no neural channel (SpikeChannel)",
      );
    }
    if (rec.numPackets === 0) {
      throw new SourceDataError(
        rec.path,
        `holds its XML header only (${rec.headerBytes} bytes), no data packet to convert`,
      );
    }
    warnFallbacks(rec.problems);
    if (sourceData.gain === undefined && rec.channels.some((c) => c.microvoltsPerBit === undefined)) {
      emitNeuroconvWarning(
        `${rec.path}: the header states no rawScalingToUv or spikeScalingToUv; written at ${DEFAULT_MICROVOLTS_PER_BIT} µV per value (Intan's step; pass gain to set it)`,
        "NeuroconvSourceWarning",
      );
    }
    if (rec.probeDevice?.toLowerCase().includes("neuropixels")) {
      emitNeuroconvWarning(
        `${rec.path}: ${rec.probeDevice} channels are taken to be stored chip-interleaved like Intan headstages (${rec.channels.length} channels); check one channel against Trodes' export`,
        "NeuroconvSourceWarning",
      );
    }
    const leftOut = rec.devices
      .map((d) => ({
        name: d.name,
        ids: d.channels.filter((c) => c.dataType !== "digital" || c.interleaved).map((c) => c.id),
      }))
      .filter((d) => d.ids.length > 0);
    if (leftOut.length > 0) {
      emitNeuroconvWarning(
        `${rec.path}: analog and multiplexed device channels not written (not supported yet): ${leftOut.map((d) => `${d.name} (${d.ids.join(", ")})`).join("; ")}`,
        "NeuroconvSourceWarning",
      );
    }
    const gains = rec.channels.map(
      (c) => (sourceData.gain ?? c.microvoltsPerBit ?? DEFAULT_MICROVOLTS_PER_BIT) * 1e-6,
    );
    this.recording = {
      samplingRate: rec.samplingRate,
      numSamples: rec.numPackets,
      data: rec.neuralData(),
      gainToVolts: gains.every((g) => g === gains[0]) ? gains[0]! : gains,
      channels: rec.channels.map((c) => ({
        name: `hwChan${c.hwChan}`,
        groupName: `nTrode${c.nTrodeId}`,
        properties: {
          hw_chan: c.hwChan,
          ntrode_id: c.nTrodeId,
          ...(c.coordinates && {
            coord_ap: c.coordinates.ap,
            coord_ml: c.coordinates.ml,
            coord_dv: c.coordinates.dv,
          }),
        },
      })),
    };
  }

  /** Seconds of a sample counter value after the file's creation (0 when the header has no creation count). */
  private secondsOf(counter: number): number {
    return (
      (counter - (this.rec.timestampAtCreation ?? this.rec.clockRuns()[0]?.timestamp ?? 0)) /
      this.rec.samplingRate
    );
  }

  protected override getOriginalTiming(): Timing {
    const runs = this.rec.clockRuns();
    if (runs.length > 1) {
      emitNeuroconvWarning(
        `${this.rec.path}: the sample counter jumps ${runs.length - 1} times (dropped packets); timestamps follow the counter`,
        "NeuroconvSourceWarning",
      );
    }
    return segmentedTiming(
      this.rec.samplingRate,
      runs.map((r) => ({ firstIndex: r.firstIndex, startingTime: this.secondsOf(r.timestamp) })),
      this.rec.numPackets,
    );
  }

  override async addToNwbfile(
    nwbfile: NWBFile,
    metadata: Metadata,
    options: RecordingConversionOptions = {},
  ): Promise<void> {
    super.addToNwbfile(nwbfile, metadata, options);
    const timing = this.getTiming();
    for (const line of await this.rec.digitalEdges()) {
      addTtlLineToNwbfile(
        nwbfile,
        {
          name: `Events${line.id.replace(/[^A-Za-z0-9_]+/g, "_")}`,
          description: `TTL edges of SpikeGadgets ${line.device} digital input ${line.id}.`,
          rising: line.rising.map((i) => timeAt(timing, i)),
          falling: line.falling.map((i) => timeAt(timing, i)),
        },
        options.stubTest,
      );
    }
  }

  protected override get sourceSessionStartTime(): string | undefined {
    const ms = this.rec.systemTimeAtCreation;
    return ms === undefined ? undefined : new Date(ms).toISOString();
  }

  protected override get device(): Omit<DeviceMetadata, "name"> {
    const version = this.rec.global.trodesVersion;
    return {
      description: `SpikeGadgets acquisition${version ? `, Trodes ${version}` : ""}${this.rec.probeDevice ? `, ${this.rec.probeDevice}` : ""}`,
      manufacturer: "SpikeGadgets",
    };
  }

  override getMetadata(): RecordingMetadata {
    const metadata = super.getMetadata();
    for (const group of metadata.Ecephys.ElectrodeGroup ?? [])
      group.description = `SpikeGadgets ${group.name}`;
    return metadata;
  }
}
