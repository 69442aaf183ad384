/**
 * Open Ephys recordings (binary and legacy formats): electrode channels as an ElectricalSeries, auxiliary
 * and ADC / NI-DAQ channels as TimeSeries in volts, TTL lines as event series, and a converter for every
 * stream of a recording.
 *
 * Every recording (block: experiment and recording number) that holds the stream is written, each in its own
 * series numbered as NeuroConv numbers segments ("ElectricalSeries0", "ElectricalSeries1"), unless
 * `blockIndex` selects one; then a warning names the blocks left out.
 */
import { type Static, type TObject, Type } from "@sinclair/typebox";
import type { StandardConversionOptions } from "../../conversion/conversion.js";
import { ConverterPipe, checkSourceArguments } from "../../conversion/converter.js";
import { addRecordingToNwbfile, type Recording } from "../../conversion/ecephys/recording.js";
import {
  BaseRecordingInterface,
  type RecordingConversionOptions,
  type RecordingMetadata,
} from "../../conversion/ecephys/recordingInterface.js";
import type { BaseDataInterface } from "../../conversion/interface.js";
import type { Metadata } from "../../conversion/metadata/schema.js";
import { addAnalogChannelsToNwbfile, addTtlLineToNwbfile } from "../../conversion/signals.js";
import { BaseTemporalInterface } from "../../conversion/temporal.js";
import { type Timing, timeAt, timingFromSource } from "../../conversion/timing.js";
import { emitNeuroconvWarning, warnFallbacks } from "../../conversion/warnings.js";
import { SourceDataError } from "../../errors.js";
import { lastIndexWhere } from "../../formats/binary.js";
import {
  detectOpenEphysFormat,
  getOpenEphysBlocksOfStream,
  getOpenEphysStreamNames,
  type OpenEphysChannel,
  type OpenEphysFormat,
  type OpenEphysStreamCommon,
  openOpenEphysBinaryStream,
  openOpenEphysLegacyStream,
} from "../../formats/openephys/index.js";
import type { NWBFile } from "../../nwb/containers/file.js";

/** The source arguments, as a JSON schema (the TypeScript type below is derived from it). */
export const OpenEphysSourceSchema = Type.Object(
  {
    folderPath: Type.String({
      description: "Folder of the Open Ephys recording (session, Record Node, experiment or recording).",
    }),
    streamName: Type.Optional(
      Type.String({ description: "Stream to read, e.g. 'Record Node 101#Neuropix-PXI-100.ProbeA-AP'." }),
    ),
    blockIndex: Type.Optional(
      Type.Integer({
        minimum: 0,
        description: "Which recording (block) to read, in order; default: every recording of the stream.",
      }),
    ),
  },
  { additionalProperties: false },
);

/** The source arguments of OpenEphys interfaces (from OpenEphysSourceSchema). */
export type OpenEphysSource = Static<typeof OpenEphysSourceSchema>;

function openStream(source: OpenEphysSource, format: OpenEphysFormat): OpenEphysStreamCommon {
  const options = {
    ...(source.streamName !== undefined && { streamName: source.streamName }),
    ...(source.blockIndex !== undefined && { blockIndex: source.blockIndex }),
  };
  return format === "binary"
    ? openOpenEphysBinaryStream(source.folderPath, options)
    : openOpenEphysLegacyStream(source.folderPath, options);
}

const describeBlock = (s: OpenEphysStreamCommon) =>
  `block ${s.blockIndex} (experiment ${s.experiment}, recording ${s.recording})`;

/**
 * The recordings of a stream to write: the one `blockIndex` selects (a warning names the others), or every
 * block holding the stream. Empty recordings are left out with a warning; none at all is an error.
 */
function openSegments(
  source: OpenEphysSource,
  format: OpenEphysFormat,
  first: OpenEphysStreamCommon,
): OpenEphysStreamCommon[] {
  const blocks = getOpenEphysBlocksOfStream(source.folderPath, first.name);
  let segments: OpenEphysStreamCommon[];
  if (source.blockIndex !== undefined) {
    const others = blocks.filter((b) => b.blockIndex !== first.blockIndex);
    if (others.length > 0) {
      emitNeuroconvWarning(
        `${source.folderPath}: only ${describeBlock(first)} of stream '${first.name}' is converted; left out: ${others
          .map((b) => `block ${b.blockIndex} (experiment ${b.experiment}, recording ${b.recording})`)
          .join(", ")}. Leave out blockIndex to convert every recording`,
        "NeuroconvSourceWarning",
      );
    }
    segments = [first];
  } else {
    segments = blocks.map((b) =>
      b.blockIndex === first.blockIndex
        ? first
        : openStream({ ...source, streamName: first.name, blockIndex: b.blockIndex }, format),
    );
  }
  for (const segment of segments) warnFallbacks(segment.fallbacks);
  const empty = segments.filter((s) => s.numSamples === 0);
  const kept = segments.filter((s) => s.numSamples > 0);
  if (kept.length === 0) {
    throw new SourceDataError(
      source.folderPath,
      `stream '${first.name}' holds no samples in ${segments.map(describeBlock).join(", ")}; there is nothing to convert`,
    );
  }
  if (empty.length > 0) {
    emitNeuroconvWarning(
      `${source.folderPath}: stream '${first.name}' holds no samples in ${empty.map(describeBlock).join(", ")}; left out`,
      "NeuroconvSourceWarning",
    );
  }
  return kept;
}

/** "base" for one recording; "base0", "base1", ... for several (as NeuroConv names segments). */
function segmentNames(base: string, segments: readonly unknown[]): string[] {
  return segments.length > 1 ? segments.map((_, i) => `${base}${i}`) : [base];
}

/** A short, NWB-friendly name for a stream: "Record Node 101#Neuropix-PXI-100.ProbeA-AP" -> "ProbeAAP". */
export function streamLabel(streamName: string): string {
  const last = streamName.split("#").at(-1)!.split(".").at(-1)!;
  return last.replace(/[^A-Za-z0-9]+/g, "");
}

/**
 * The clock of a stream's samples: regular from its first sample number, or, when samples were dropped
 * (the last sample number is not first + count - 1), each sample's own sample number / rate.
 */
function streamTiming(stream: OpenEphysStreamCommon): Timing {
  const { samplingRate, startTime, numSamples, firstSampleNumber, lastSampleNumber } = stream;
  if (numSamples === 0 || lastSampleNumber === firstSampleNumber + numSamples - 1) {
    return { kind: "regular", rate: samplingRate, startingTime: startTime, count: numSamples };
  }
  return timingFromSource(stream.sampleNumbers(), (sampleNumber) => sampleNumber / samplingRate);
}

/** Index of the sample with (or just before) a sample number; a binary search when samples were dropped. */
function sampleIndex(stream: OpenEphysStreamCommon, sampleNumber: number): number {
  const { firstSampleNumber, lastSampleNumber, numSamples } = stream;
  if (lastSampleNumber === firstSampleNumber + numSamples - 1) return sampleNumber - firstSampleNumber;
  const numbers = stream.sampleNumbers();
  const at = (i: number) => {
    const row = numbers.readRows(i, i + 1);
    if (row instanceof Promise) throw new TypeError("sample numbers must read synchronously");
    return Number(row[0]);
  };
  return Math.max(
    0,
    lastIndexWhere(0, numSamples - 1, (i) => at(i) <= sampleNumber),
  );
}

/**
 * Name of the event series of one TTL line of an event stream recorded with a continuous stream; `segment`
 * ("0", "1", ...) tells the recordings apart when several are written.
 */
function ttlLineName(events: { name: string }, line: number, segment: string): string {
  return `EventsOpenEphys${streamLabel(events.name)}${segment}Line${line}`;
}

/** Writes the TTL lines recorded with a stream, mapped through a clock of the stream's samples. */
async function addStreamTtl(
  nwbfile: NWBFile,
  stream: OpenEphysStreamCommon,
  timing: Timing,
  stubTest: boolean | undefined,
  segment: string,
) {
  // the stream's clock (aligned or not) is indexed by sample; event sample numbers are mapped to an index
  const toTime = (sampleNumber: number) => timeAt(timing, sampleIndex(stream, sampleNumber));
  for (const events of await stream.ttlEvents()) {
    for (const line of linesOf(events)) {
      addTtlLineToNwbfile(
        nwbfile,
        {
          name: ttlLineName(events, line.line, segment),
          description: `TTL line ${line.line} of Open Ephys event stream '${events.name}' (stream ${stream.name}, ${describeBlock(stream)}).`,
          rising: line.rising.map(toTime),
          falling: line.falling.map(toTime),
        },
        stubTest,
      );
    }
  }
}

/** Rising and falling sample numbers per line. */
function linesOf(events: Awaited<ReturnType<OpenEphysStreamCommon["ttlEvents"]>>[number]) {
  const byLine = new Map<number, { line: number; rising: number[]; falling: number[] }>();
  for (let i = 0; i < events.line.length; i++) {
    const line = events.line[i]!;
    const entry = byLine.get(line) ?? { line, rising: [], falling: [] };
    (events.state[i]! > 0 ? entry.rising : entry.falling).push(events.sampleNumber[i]!);
    byLine.set(line, entry);
  }
  return [...byLine.values()].sort((a, b) => a.line - b.line);
}

function electrodeChannels(stream: OpenEphysStreamCommon): OpenEphysChannel[] {
  return stream.channels.filter((c) => c.kind === "electrode");
}

function analogChannels(stream: OpenEphysStreamCommon): OpenEphysChannel[] {
  return stream.channels.filter((c) => c.kind === "aux" || c.kind === "adc");
}

/** The electrode channels of one recording of a stream, with Neuropixels positions from settings.xml. */
function electrodeRecording(stream: OpenEphysStreamCommon): Recording {
  const channels = electrodeChannels(stream);
  const probe = stream.probe;
  const group = probe?.name ?? streamLabel(stream.name);
  const position = new Map(probe?.electrodes.map((e) => [e.channel, e]));
  return {
    samplingRate: stream.samplingRate,
    numSamples: stream.numSamples,
    data: stream.data(channels.map((c) => c.index)),
    gainToVolts: channels.map((c) => c.conversionToVolts ?? 1e-6 * c.bitVolts),
    channels: channels.map((c) => {
      const electrode = position.get(c.index);
      return {
        name: c.name,
        groupName: group,
        ...(electrode && {
          properties: {
            rel_x: electrode.x,
            rel_y: electrode.y,
            ...(electrode.shank !== undefined && { shank_ids: String(electrode.shank) }),
          },
        }),
      };
    }),
  };
}

/**
 * The electrode channels of one Open Ephys stream as an ElectricalSeries (volts), with Neuropixels probe
 * positions from settings.xml, plus the stream's TTL lines. Picks the binary or legacy reader from what the
 * folder holds. Every recording of the stream is written ("ElectricalSeries0", "ElectricalSeries1", ...)
 * unless `blockIndex` selects one. The timing API (`setAlignedStartingTime`, ...) applies to the first
 * recording; the others keep their own clocks (select one with `blockIndex` to align it).
 *
 * @example
 * ```ts
 * console.log(OpenEphysRecordingInterface.getStreamNames("2023-08-30_23-41-36"));
 * const oe = new OpenEphysRecordingInterface({ folderPath: "2023-08-30_23-41-36", streamName: "Record Node 104#Neuropix-PXI-100.ProbeA-AP" });
 * ```
 */
export class OpenEphysRecordingInterface extends BaseRecordingInterface<OpenEphysSource> {
  static override displayName = "Open Ephys Recording";
  static override keywords = ["Open Ephys", "Neuropixels", "ecephys"];
  static override associatedSuffixes = [".oebin", ".dat", ".npy", ".continuous", ".events", ".openephys"];
  static override info = "Electrode channels of an Open Ephys recording (binary or legacy format).";
  static override sourceSchema = OpenEphysSourceSchema;

  /** The continuous streams of a recording folder. */
  static getStreamNames(folderPath: string): string[] {
    return getOpenEphysStreamNames(folderPath);
  }

  /** The first recording written. */
  readonly stream: OpenEphysStreamCommon;
  /** Every recording written, in block order. */
  readonly segments: readonly OpenEphysStreamCommon[];
  protected readonly recording: Recording;
  private readonly keySuffix: string;

  constructor(
    sourceData: OpenEphysSource,
    options: { format?: OpenEphysFormat; seriesKeySuffix?: string } = {},
  ) {
    super(sourceData);
    const format = options.format ?? detectOpenEphysFormat(sourceData.folderPath);
    const first = openStream(sourceData, format);
    if (electrodeChannels(first).length === 0) {
      throw new SourceDataError(
        sourceData.folderPath,
        `stream '${first.name}' has no electrode channels; use OpenEphysAnalogInterface for its inputs`,
      );
    }
    this.segments = openSegments(sourceData, format, first);
    this.stream = this.segments[0]!;
    this.keySuffix = options.seriesKeySuffix ?? "";
    this.recording = electrodeRecording(this.stream);
  }

  /** Metadata key (and default name) of each recording's series, in the order of {@link segments}. */
  get seriesKeys(): string[] {
    return segmentNames(`ElectricalSeries${this.keySuffix}`, this.segments);
  }

  override get seriesKey(): string {
    return this.seriesKeys[0]!;
  }

  protected override getOriginalTiming(): Timing {
    return streamTiming(this.stream);
  }

  protected override get sourceSessionStartTime(): string | undefined {
    return this.stream.sessionStartTime;
  }

  override getMetadata(): RecordingMetadata {
    const metadata = super.getMetadata();
    const probe = this.stream.probe;
    if (probe) {
      metadata.Ecephys.Device = [
        {
          name: probe.name,
          description: JSON.stringify({
            ...(probe.model && { model: probe.model }),
            ...(probe.partNumber && { part_number: probe.partNumber }),
            ...(probe.serialNumber && { serial_number: probe.serialNumber }),
          }),
          manufacturer: "Imec",
        },
      ];
      for (const group of metadata.Ecephys.ElectrodeGroup) group.device = probe.name;
    }
    this.seriesKeys.forEach((key, i) => {
      const segment = this.segments[i]!;
      metadata.Ecephys[key] = {
        name: key,
        description: `Open Ephys stream '${segment.name}' (experiment ${segment.experiment}, recording ${segment.recording}).`,
      };
    });
    return metadata;
  }

  override async addToNwbfile(
    nwbfile: NWBFile,
    metadata: Metadata,
    options: RecordingConversionOptions = {},
  ): Promise<void> {
    const names = segmentNames("", this.segments);
    super.addToNwbfile(nwbfile, metadata, options);
    await addStreamTtl(nwbfile, this.stream, this.getTiming(), options.stubTest, names[0]!);
    for (let i = 1; i < this.segments.length; i++) {
      const segment = this.segments[i]!;
      const timing = streamTiming(segment);
      addRecordingToNwbfile(nwbfile, electrodeRecording(segment), metadata, {
        seriesKey: this.seriesKeys[i]!,
        timing,
        ...(options.writeAs && { writeAs: options.writeAs }),
        ...(options.stubTest !== undefined && { stubTest: options.stubTest }),
      });
      await addStreamTtl(nwbfile, segment, timing, options.stubTest, names[i]!);
    }
  }
}

/** The binary format only (structure.oebin). */
export class OpenEphysBinaryRecordingInterface extends OpenEphysRecordingInterface {
  static override displayName = "Open Ephys Binary Recording";
  static override info = "Electrode channels of an Open Ephys binary-format recording (structure.oebin).";
  constructor(sourceData: OpenEphysSource, options: { seriesKeySuffix?: string } = {}) {
    super(sourceData, { ...options, format: "binary" });
  }
}

/** The legacy "Open Ephys format" only (.continuous files). */
export class OpenEphysLegacyRecordingInterface extends OpenEphysRecordingInterface {
  static override displayName = "Open Ephys Legacy Recording";
  static override info = "Electrode channels of a legacy Open Ephys recording (.continuous files).";
  constructor(sourceData: OpenEphysSource, options: { seriesKeySuffix?: string } = {}) {
    super(sourceData, { ...options, format: "legacy" });
  }
}

/**
 * The auxiliary and ADC channels of a stream (NI-DAQ boards, headstage accelerometers, analog inputs) as
 * TimeSeries in volts, one per factor to volts, plus the stream's TTL lines when it has no electrode channels.
 */
export class OpenEphysAnalogInterface extends BaseTemporalInterface<OpenEphysSource> {
  static override displayName = "Open Ephys Analog";
  static override keywords = ["Open Ephys", "NI-DAQ", "ADC", "auxiliary"];
  static override associatedSuffixes = OpenEphysRecordingInterface.associatedSuffixes;
  static override info = "Auxiliary, ADC and NI-DAQ channels of an Open Ephys recording.";
  static override sourceSchema = OpenEphysSourceSchema;

  /** The first recording written. */
  readonly stream: OpenEphysStreamCommon;
  /** Every recording written, in block order. */
  readonly segments: readonly OpenEphysStreamCommon[];

  constructor(sourceData: OpenEphysSource, options: { format?: OpenEphysFormat } = {}) {
    super(sourceData);
    const format = options.format ?? detectOpenEphysFormat(sourceData.folderPath);
    const first = openStream(sourceData, format);
    if (analogChannels(first).length === 0) {
      throw new SourceDataError(
        sourceData.folderPath,
        `stream '${first.name}' has no auxiliary or ADC channels`,
      );
    }
    this.segments = openSegments(sourceData, format, first);
    this.stream = this.segments[0]!;
  }

  protected override getOriginalTiming(): Timing {
    return streamTiming(this.stream);
  }

  protected override get sourceSessionStartTime(): string | undefined {
    return this.stream.sessionStartTime;
  }

  override async addToNwbfile(
    nwbfile: NWBFile,
    _metadata: Metadata,
    options: StandardConversionOptions = {},
  ): Promise<void> {
    const names = segmentNames("", this.segments);
    for (const [i, segment] of this.segments.entries()) {
      const timing = i === 0 ? this.getTiming() : streamTiming(segment);
      addAnalogChannelsToNwbfile(
        nwbfile,
        {
          baseName: `TimeSeries${streamLabel(segment.name)}${names[i]}`,
          describe: (channels) =>
            `Open Ephys stream '${segment.name}', ${describeBlock(segment)}: ${channels.map((c) => c.name).join(", ")}.`,
          channels: analogChannels(segment).map((c) => ({
            index: c.index,
            name: c.name,
            conversion: c.conversionToVolts ?? c.bitVolts,
          })),
          data: (indices) => segment.data(indices),
          timing,
        },
        options.stubTest,
      );
      if (electrodeChannels(segment).length === 0)
        await addStreamTtl(nwbfile, segment, timing, options.stubTest, names[i]!);
    }
  }
}

/** The analog channels of a binary-format recording only (structure.oebin). */
export class OpenEphysBinaryAnalogInterface extends OpenEphysAnalogInterface {
  static override displayName = "Open Ephys Binary Analog";
  constructor(sourceData: OpenEphysSource) {
    super(sourceData, { format: "binary" });
  }
}

/** The source arguments of the interface, as a JSON schema (the TypeScript type below is derived from it). */
export const OpenEphysFolderSourceSchema = Type.Object(
  {
    folderPath: Type.String({ description: "Folder of the Open Ephys recording." }),
    blockIndex: Type.Optional(
      Type.Integer({
        minimum: 0,
        description: "Which recording (block) to convert, in order; default: every recording.",
      }),
    ),
    excludeStreams: Type.Optional(Type.Array(Type.String(), { description: "Stream names to leave out." })),
  },
  { additionalProperties: false },
);

/** The source arguments of OpenEphysFolder interfaces (from OpenEphysFolderSourceSchema). */
export type OpenEphysFolderSource = Static<typeof OpenEphysFolderSourceSchema>;

/**
 * Every stream of an Open Ephys folder, in every recording (or the one `blockIndex` selects): electrode streams as ElectricalSeries (named after the stream
 * when there are several), auxiliary/ADC/NI-DAQ channels as TimeSeries, and the TTL lines.
 *
 * @example
 * ```ts
 * await new OpenEphysConverter({ folderPath: "2022-05-03_10-52-24", blockIndex: 1 }).runConversion({ nwbfilePath, metadata });
 * ```
 */
export class OpenEphysConverter extends ConverterPipe {
  static displayName = "Open Ephys (all streams)";
  static info = "Every stream of an Open Ephys recording (binary or legacy).";
  static sourceSchema: TObject = OpenEphysFolderSourceSchema;

  static override getSourceSchema(): TObject {
    return OpenEphysConverter.sourceSchema;
  }

  constructor(sourceData: OpenEphysFolderSource, requiredFormat?: OpenEphysFormat) {
    const { folderPath, blockIndex, excludeStreams } = checkSourceArguments(OpenEphysConverter, sourceData);
    const format = detectOpenEphysFormat(folderPath);
    if (requiredFormat && format !== requiredFormat) {
      throw new SourceDataError(
        folderPath,
        `holds a ${format}-format recording; use OpenEphysConverter, which reads both formats`,
      );
    }
    const names = getOpenEphysStreamNames(folderPath);
    const unknown = (excludeStreams ?? []).filter((n) => !names.includes(n));
    if (unknown.length > 0) {
      throw new SourceDataError(
        folderPath,
        `no stream ${unknown.join(", ")} here (streams: ${names.join(", ")})`,
      );
    }
    const kept = names.filter((n) => !(excludeStreams ?? []).includes(n));
    const sources = kept.map((streamName) => ({
      folderPath,
      streamName,
      ...(blockIndex !== undefined && { blockIndex }),
    }));
    const streams = sources.map((source) => openStream(source, format));
    const electrodeCount = streams.filter((s) => electrodeChannels(s).length > 0).length;
    const interfaces: Record<string, BaseDataInterface> = {};
    sources.forEach((source, i) => {
      const stream = streams[i]!;
      if (electrodeChannels(stream).length > 0) {
        const suffix = electrodeCount > 1 ? streamLabel(source.streamName) : "";
        interfaces[source.streamName] = new OpenEphysRecordingInterface(source, {
          format,
          seriesKeySuffix: suffix,
        });
      }
      if (analogChannels(stream).length > 0) {
        interfaces[`${source.streamName} (analog)`] = new OpenEphysAnalogInterface(source, { format });
      }
    });
    if (Object.keys(interfaces).length === 0) throw new SourceDataError(folderPath, "no stream to convert");
    super(interfaces);
  }
}

/** Every stream of a binary-format recording (structure.oebin). */
export class OpenEphysBinaryConverter extends OpenEphysConverter {
  static override displayName = "Open Ephys binary (all streams)";
  constructor(sourceData: OpenEphysFolderSource) {
    super(sourceData, "binary");
  }
}
