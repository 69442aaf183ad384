/**
 * Writing a multichannel recording: devices, electrode groups, electrode rows and the ElectricalSeries,
 * from what a format reader provides (a {@link Recording}) and the `Ecephys` metadata.
 *
 * Every recording interface goes through here, so the electrodes table is built one way for all formats:
 * rows are identified by (group_name, channel_name), which lets the AP and LF streams of one probe share
 * their rows.
 */
import { type ChunkSource, firstRows } from "../../data/lazy.js";
import {
  Device,
  ElectricalSeries,
  ElectrodeGroup,
  type ElectrodesTable,
  LFP,
} from "../../nwb/containers/ecephys.js";
import type { NWBFile } from "../../nwb/containers/file.js";
import { GroupNode } from "../../nwb/containers/node.js";
import { PLACEHOLDER_DESCRIPTION } from "../metadata/nwbfile.js";
import type { ColumnMetadata, Metadata, SeriesMetadata } from "../metadata/schema.js";
import { seriesTiming, type Timing, truncateTiming } from "../timing.js";

/** Value of a per-channel property, stored as a column of the electrodes table. */
export type ChannelProperty = string | number | boolean;

/** One channel of a recording: its name, electrode group and electrode properties. */
export interface RecordingChannel {
  /** Name of the channel in the source (e.g. "AP12"); stored as `channel_name`. */
  readonly name: string;
  /** ElectrodeGroup the channel belongs to (a probe, or a shank of it). */
  readonly groupName: string;
  /**
   * Identity of the physical electrode within its group, when several streams record from it (a probe's
   * AP and LF bands); streams that share it share one electrodes-table row. Default: the channel name.
   */
  readonly electrodeKey?: string;
  /** Extra electrode columns: rel_x, rel_y (µm), location, contact_ids, inter_sample_shift, ... */
  readonly properties?: Readonly<Record<string, ChannelProperty>>;
}

/** What a format reader offers for one stream of continuous voltage data. */
export interface Recording {
  readonly samplingRate: number;
  readonly numSamples: number;
  readonly channels: readonly RecordingChannel[];
  /** Samples, (time, channels), in the stored integer or float type. */
  readonly data: ChunkSource;
  /** Factor from stored values to volts: one for all channels, or one per channel. */
  readonly gainToVolts: number | readonly number[];
  /** Offset in volts added after the gain (default 0). */
  readonly offsetToVolts?: number;
  /** Filtering applied before the data were saved, in words (the series' `filtering`). */
  readonly filtering?: string;
}

/** Where a recording goes: raw data in /acquisition, LFP or processed data in the "ecephys" module. */
export type WriteAs = "raw" | "lfp" | "processed";

export interface AddRecordingOptions {
  /** Metadata key of the series (e.g. "ElectricalSeriesAP"); also its default name. */
  readonly seriesKey: string;
  readonly writeAs?: WriteAs;
  readonly timing: Timing;
  /**
   * Write only the first `stubSamples` samples; default max(100, 2 x channels), so that time stays the
   * longest axis (readers and the NWB Inspector take the longest axis of a series to be time).
   */
  readonly stubTest?: boolean;
  readonly stubSamples?: number;
}

/** Descriptions of the electrode columns recording interfaces commonly add. */
export const KNOWN_ELECTRODE_COLUMNS: Readonly<Record<string, string>> = {
  channel_name: "name of the channel in the acquisition system",
  rel_x: "x position of the contact on the probe, in µm",
  rel_y: "y position of the contact on the probe, in µm",
  contact_ids: "identifier of the contact on the probe",
  contact_shapes: "shape of the contact",
  shank_ids: "identifier of the probe shank",
  shank_electrode_number: "index of the electrode on its shank",
  inter_sample_shift: "delay of the channel's sample within one sampling period, as a fraction of the period",
  gain_to_uV: "factor from stored values to microvolts",
  offset_to_uV: "offset in microvolts",
  port: "port or headstage the channel is connected to",
  impedance: "electrode impedance, in ohms",
};

function seriesMetadata(metadata: Metadata, key: string): SeriesMetadata {
  const entry = metadata.Ecephys?.[key];
  return entry && !Array.isArray(entry) ? (entry as SeriesMetadata) : { name: key };
}

/** Adds the devices listed in metadata (once) and returns the device for a group. */
function ensureDevice(nwbfile: NWBFile, metadata: Metadata, name: string | undefined): Device {
  const devices = metadata.Ecephys?.Device ?? [];
  const wanted = name ?? devices[0]?.name ?? "DeviceEcephys";
  const existing = nwbfile.getDevice(wanted);
  if (existing) return existing;
  const entry = devices.find((d) => d.name === wanted) ?? { name: wanted };
  return nwbfile.addDevice(
    new Device({
      name: wanted,
      description: entry.description ?? PLACEHOLDER_DESCRIPTION,
      ...(entry.manufacturer !== undefined && { manufacturer: entry.manufacturer }),
    }),
  );
}

function ensureGroup(nwbfile: NWBFile, metadata: Metadata, name: string): ElectrodeGroup {
  const existing = nwbfile.getElectrodeGroup(name);
  if (existing) return existing;
  const entry = metadata.Ecephys?.ElectrodeGroup?.find((g) => g.name === name);
  return nwbfile.addElectrodeGroup(
    new ElectrodeGroup({
      name,
      description: entry?.description ?? PLACEHOLDER_DESCRIPTION,
      location: entry?.location ?? "unknown",
      device: ensureDevice(nwbfile, metadata, entry?.device),
    }),
  );
}

/** The value of a column for a row that lacks it: NaN, "" or false by the column's dtype. */
function filler(dtype: unknown): ChannelProperty {
  return dtype === "utf8" ? "" : dtype === "bool" ? false : Number.NaN;
}

function ensureColumns(
  table: ElectrodesTable,
  channels: readonly RecordingChannel[],
  described: readonly ColumnMetadata[],
) {
  const samples = new Map<string, ChannelProperty>([["channel_name", ""]]);
  for (const channel of channels) {
    for (const [key, value] of Object.entries(channel.properties ?? {}))
      if (!samples.has(key)) samples.set(key, value);
  }
  for (const [name, sample] of samples) {
    if (table.columns.has(name)) continue;
    const description =
      described.find((c) => c.name === name)?.description ??
      KNOWN_ELECTRODE_COLUMNS[name] ??
      PLACEHOLDER_DESCRIPTION;
    const dtype = typeof sample === "string" ? "utf8" : typeof sample === "boolean" ? "bool" : "float64";
    table.addColumn(
      { name, description, dtype },
      Array.from({ length: table.length }, () => filler(sample)),
    );
  }
}

/** Rows added by {@link addElectrodes}, by (group, electrode key), per table. */
const electrodeRows = new WeakMap<ElectrodesTable, Map<string, number>>();

/** Row indices of the recording's channels in the electrodes table, adding rows that are not there yet. */
export function addElectrodes(
  nwbfile: NWBFile,
  recording: Pick<Recording, "channels">,
  metadata: Metadata,
): number[] {
  const table = nwbfile.electrodes;
  ensureColumns(table, recording.channels, metadata.Ecephys?.Electrodes ?? []);
  let existing = electrodeRows.get(table);
  if (!existing) {
    existing = new Map();
    electrodeRows.set(table, existing);
  }
  const known = existing;
  return recording.channels.map((channel) => {
    const key = `${channel.groupName}\u0000${channel.electrodeKey ?? channel.name}`;
    const found = known.get(key);
    if (found !== undefined) return found;
    const group = ensureGroup(nwbfile, metadata, channel.groupName);
    const row: Record<string, unknown> = { group, channel_name: channel.name };
    for (const column of table.columns.values()) {
      if (!(column.name in row) && column.name !== "location" && column.name !== "group_name") {
        const value = channel.properties?.[column.name];
        row[column.name] = value ?? filler(column.spec.dtype);
      }
    }
    if (channel.properties?.location !== undefined) row.location = channel.properties.location;
    table.addElectrode(row as Parameters<ElectrodesTable["addElectrode"]>[0]);
    known.set(key, table.length - 1);
    return table.length - 1;
  });
}

/** Adds a recording as an ElectricalSeries (with its devices, groups and electrode rows). */
export function addRecordingToNwbfile(
  nwbfile: NWBFile,
  recording: Recording,
  metadata: Metadata,
  options: AddRecordingOptions,
): ElectricalSeries {
  const rows = addElectrodes(nwbfile, recording, metadata);
  const series = seriesMetadata(metadata, options.seriesKey);
  const stubSamples = options.stubTest
    ? (options.stubSamples ?? Math.max(100, 2 * recording.channels.length))
    : undefined;
  const data = stubSamples === undefined ? recording.data : firstRows(recording.data, stubSamples);
  const timing = stubSamples === undefined ? options.timing : truncateTiming(options.timing, stubSamples);
  const gains = recording.gainToVolts;
  const uniform = typeof gains === "number" || gains.every((g) => g === gains[0]);
  const electricalSeries = new ElectricalSeries({
    name: series.name ?? options.seriesKey,
    description: series.description ?? PLACEHOLDER_DESCRIPTION,
    data,
    electrodes: nwbfile.createElectrodeRegion(rows, `electrodes of ${series.name ?? options.seriesKey}`),
    conversion: uniform ? (typeof gains === "number" ? gains : (gains[0] ?? 1)) : 1,
    ...(!uniform && { channel_conversion: Float64Array.from(gains as readonly number[]) }),
    ...(recording.offsetToVolts !== undefined && { offset: recording.offsetToVolts }),
    ...((series.filtering ?? recording.filtering) !== undefined && {
      filtering: series.filtering ?? recording.filtering,
    }),
    ...(series.comments !== undefined && { comments: series.comments }),
    ...seriesTiming(timing),
  });
  const writeAs = options.writeAs ?? "raw";
  if (writeAs === "raw") return nwbfile.addAcquisition(electricalSeries);
  const ecephys = nwbfile.createProcessingModule("ecephys", "processed extracellular electrophysiology data");
  const containerName = writeAs === "lfp" ? "LFP" : "Processed";
  let container = ecephys.get(containerName);
  if (!(container instanceof GroupNode)) {
    container = ecephys.add(
      writeAs === "lfp"
        ? new LFP("LFP", [])
        : new GroupNode(containerName, { neurodataType: "FilteredEphys", namespace: "core" }),
    );
  }
  return (container as GroupNode).add(electricalSeries);
}

/** The regular timing of a recording whose first sample is at `startingTime` seconds. */
export function regularTiming(
  recording: Pick<Recording, "samplingRate" | "numSamples">,
  startingTime = 0,
): Timing {
  return { kind: "regular", rate: recording.samplingRate, startingTime, count: recording.numSamples };
}
