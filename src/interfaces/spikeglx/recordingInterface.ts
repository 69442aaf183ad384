/**
 * SpikeGLX imec streams (Neuropixels AP and LF bands) as ElectricalSeries.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { type Static, type TObject, Type } from "@sinclair/typebox";
import type { Recording } from "../../conversion/ecephys/recording.js";
import {
  BaseRecordingInterface,
  type RecordingMetadata,
} from "../../conversion/ecephys/recordingInterface.js";
import { warnFallbacks } from "../../conversion/warnings.js";
import type { ChunkSource } from "../../data/lazy.js";
import { SourceDataError } from "../../errors.js";
import { type ImecNeuralChannel, type ImecStream, openSpikeGLXStream } from "../../formats/spikeglx/index.js";

/** The source arguments of the interface, as a JSON schema (the TypeScript type below is derived from it). */
export const SpikeGLXRecordingSourceSchema = Type.Object(
  {
    filePath: Type.String({
      description: "Path of the .imecN.ap.bin or .imecN.lf.bin file (its .meta must be beside it).",
    }),
  },
  { additionalProperties: false },
);

/** The source arguments of SpikeGLXRecording interfaces (from SpikeGLXRecordingSourceSchema). */
export type SpikeGLXRecordingSource = Static<typeof SpikeGLXRecordingSourceSchema>;

/** Device name of a probe, as NeuroConv names it (e.g. "NeuropixelsImec0"). */
export function probeDeviceName(probeIndex: number): string {
  return `NeuropixelsImec${probeIndex}`;
}

/**
 * One SpikeGLX imec stream. Probe geometry, gains (to volts), inter-sample shifts and the session start
 * come from the `.meta`; the sample count from the `.bin`'s size. The sync channel is left out of the
 * ElectricalSeries and offered by {@link SpikeGLXRecordingInterface.syncData}.
 *
 * @example
 * ```ts
 * const iface = new SpikeGLXRecordingInterface({ filePath: "run_g0/run_g0_imec0/run_g0_t0.imec0.ap.bin" });
 * const metadata = iface.getMetadata();
 * metadata.NWBFile.session_start_time = withTimeZone(metadata.NWBFile.session_start_time, "US/Pacific");
 * await iface.runConversion({ nwbfilePath: "run.nwb", metadata });
 * ```
 */
export class SpikeGLXRecordingInterface extends BaseRecordingInterface<SpikeGLXRecordingSource> {
  static override displayName = "SpikeGLX Recording";
  static override keywords = ["Neuropixels", "SpikeGLX", "imec", "ecephys"];
  static override associatedSuffixes = [".imec0.ap.bin", ".imec0.lf.bin", ".ap.bin", ".lf.bin", ".meta"];
  static override info = "Neuropixels AP or LF stream recorded with SpikeGLX (.bin + .meta).";
  static override sourceSchema: TObject = SpikeGLXRecordingSourceSchema;

  /**
   * NeuroConv's form, `folder_path` (the folder holding the streams) + `stream_id` (e.g. "imec0.ap"), as
   * our `filePath`: the one `<run>_t<N>.<stream_id>.bin` in that folder or below it.
   */
  static fromNeuroconvSourceData(sourceData: Record<string, unknown>): Record<string, unknown> {
    const { folder_path, folderPath, stream_id, streamId, ...rest } = sourceData;
    const folder = folder_path ?? folderPath;
    const stream = stream_id ?? streamId;
    if (typeof folder !== "string" || typeof stream !== "string") return sourceData;
    const suffix = `.${stream}.bin`;
    const found = existsSync(folder)
      ? readdirSync(folder, { recursive: true, encoding: "utf8" }).filter((name) => name.endsWith(suffix))
      : [];
    if (found.length !== 1) {
      throw new SourceDataError(
        folder,
        `${found.length === 0 ? "no" : `${found.length}`} '*${suffix}' file${found.length === 1 ? "" : "s"} for stream_id '${stream}'${found.length > 1 ? `: ${found.join(", ")}; give file_path instead` : "; check the stream id (e.g. imec0.ap, imec0.lf)"}`,
      );
    }
    return { ...rest, filePath: join(folder, found[0]!) };
  }

  readonly stream: ImecStream;
  protected readonly recording: Recording;
  /** Whether the series key and names carry the probe (set by the folder converter for several probes). */
  private readonly probeInKey: boolean;

  constructor(sourceData: SpikeGLXRecordingSource, options: { probeInKey?: boolean } = {}) {
    super(sourceData);
    const stream = openSpikeGLXStream(sourceData.filePath);
    if (stream.kind === "nidq") {
      throw new SourceDataError(
        sourceData.filePath,
        "is a NI-DAQ stream; use SpikeGLXNIDQInterface (alias spikeglx-nidq)",
      );
    }
    warnFallbacks(stream.fallbacks);
    this.stream = stream;
    this.probeInKey = options.probeInKey ?? false;
    const neural = stream.channels.filter((c): c is ImecNeuralChannel => !c.isSync);
    const device = probeDeviceName(stream.probeIndex);
    const multiShank = stream.probe.numShanks > 1;
    this.recording = {
      samplingRate: stream.samplingRate,
      numSamples: stream.numSamples,
      gainToVolts: neural.map((c) => c.conversion),
      data: stream.data(),
      channels: neural.map((c) => ({
        name: c.name,
        groupName: multiShank ? `${device}Shank${c.shank}` : device,
        electrodeKey: c.contactId,
        properties: {
          contact_ids: c.contactId,
          contact_shapes: c.contactShape,
          rel_x: c.x,
          rel_y: c.y,
          shank_ids: String(c.shank),
          shank_electrode_number: c.electrode,
          ...(c.interSampleShift !== undefined && { inter_sample_shift: c.interSampleShift }),
        },
      })),
    };
  }

  /** "ElectricalSeriesAP" / "ElectricalSeriesLF", with the probe ("...Imec1") when several probes are written. */
  override get seriesKey(): string {
    const band = this.stream.kind.toUpperCase();
    return `ElectricalSeries${band}${this.probeInKey ? `Imec${this.stream.probeIndex}` : ""}`;
  }

  /** The first sample's time on the run's clock: firstSample / rate. */
  protected override get startingTime(): number {
    return this.stream.startTime;
  }

  /** The sync channel (SY0) alone, as int16 words; bit 6 carries the sync pulses. */
  syncData(): ChunkSource {
    return this.stream.syncData();
  }

  protected override get sourceSessionStartTime(): string | undefined {
    return this.stream.sessionStartTime;
  }

  override getMetadata(): RecordingMetadata {
    const metadata = super.getMetadata();
    const { probe, probeIndex } = this.stream;
    const device = probeDeviceName(probeIndex);
    metadata.Ecephys.Device = [
      {
        name: device,
        description: JSON.stringify({
          probe_type: probe.type,
          probe_type_description: probe.description,
          ...(probe.partNumber && { part_number: probe.partNumber }),
          ...(probe.serialNumber && { serial_number: probe.serialNumber }),
          ...(probe.flexPartNumber && { flex_part_number: probe.flexPartNumber }),
          ...(probe.headstagePartNumber && { headstage_part_number: probe.headstagePartNumber }),
          ...(probe.baseStationPartNumber && {
            connected_base_station_part_number: probe.baseStationPartNumber,
          }),
        }),
        manufacturer: "Imec",
      },
    ];
    for (const group of metadata.Ecephys.ElectrodeGroup) {
      group.device = device;
      group.description = `A group representing probe/shank '${group.name}'.`;
    }
    const band = this.stream.kind === "ap" ? "action-potential band (AP)" : "local field potential band (LF)";
    metadata.Ecephys[this.seriesKey] = {
      name: this.seriesKey,
      description: `Neuropixels ${band} of probe imec${probeIndex}, recorded with SpikeGLX.`,
    };
    return metadata;
  }
}
