/**
 * Tucker-Davis Technologies blocks: stream stores as ElectricalSeries (or TimeSeries for stores that are
 * not extracellular voltages), epoc stores as event series.
 */
import { type Static, type TObject, Type } from "@sinclair/typebox";
import {
  MultiStreamRecordingInterface,
  pickStreams,
  type RecordingStream,
} from "../../conversion/ecephys/multiStream.js";
import type { Recording } from "../../conversion/ecephys/recording.js";
import type { RecordingConversionOptions } from "../../conversion/ecephys/recordingInterface.js";
import { addSortingToNwbfile, type SortedUnit } from "../../conversion/ecephys/sorting.js";
import type { DeviceMetadata, Metadata } from "../../conversion/metadata/schema.js";
import { addAnalogToNwbfile, addEventsToNwbfile } from "../../conversion/signals.js";
import { segmentedTiming, type Timing } from "../../conversion/timing.js";
import { emitNeuroconvWarning, warnFallbacks } from "../../conversion/warnings.js";
import { SourceDataError } from "../../errors.js";
import { openTdtBlock, type TdtBlock, type TdtSnippets, type TdtStream } from "../../formats/tdt/index.js";
import type { NWBFile } from "../../nwb/containers/file.js";

/** The source arguments of {@link TdtRecordingInterface}, as a JSON schema. */
export const TdtRecordingSourceSchema = Type.Object(
  {
    folderPath: Type.String({
      description: "The TDT block folder (holding the .tsq and .tev), or any file of the block.",
    }),
    streamName: Type.Optional(
      Type.String({ description: 'One stream store to write, e.g. "Wav1"; default: every stream store.' }),
    ),
    gain: Type.Optional(
      Type.Number({
        description:
          "Microvolts per stored value, for every stream written; default 1e6 for float stores (TDT stores volts).",
      }),
    ),
    analogStreams: Type.Optional(
      Type.Array(Type.String(), {
        description:
          "Stream stores that are not extracellular voltages (fiber photometry, analog inputs): written as TimeSeries.",
      }),
    ),
  },
  { additionalProperties: false },
);

/** The source arguments of {@link TdtRecordingInterface}. */
export type TdtRecordingSource = Static<typeof TdtRecordingSourceSchema>;

const safeName = (store: string) => store.replace(/[^A-Za-z0-9_]+/g, "_");

const SNIPPET_UNIT_PROPERTIES = {
  tdt_store: "TDT snippet store the unit's snippets come from",
  tdt_channel: "channel of the snippet store (1-based, as TDT counts)",
  sort_code: "sort code TDT assigned online (0: unsorted threshold crossings)",
};

function timingOf(stream: TdtStream): Timing {
  return segmentedTiming(stream.samplingRate, stream.segments, stream.numSamples);
}

/**
 * The stream, epoc and other stores of one TDT block (`.tsq` index, `.tev` data, `.sev` per-channel stream
 * files, `.Tbk` store order). Every stream store (or the one named `streamName`) becomes an ElectricalSeries
 * (`ElectricalSeries<store>`, or `ElectricalSeries` when there is one) with its own rate and start; stores
 * listed in `analogStreams` become TimeSeries (`TimeSeries<store>`, volts) instead. Epoc (strobe) stores
 * become event series with their values (`Events<store>`, offsets as `Events<store>Offsets`). The session
 * start is the block's start (the index's Unix time, UTC). A `.tev` shorter than its index (a truncated
 * copy) converts what it holds, with a warning naming the file and the samples left out. Snippet stores
 * become Units, one per (store, channel, sort code) with the snippets' times and their waveform mean and
 * standard deviation in volts (sort code 0: unsorted threshold crossings); scalar stores are named in a
 * warning.
 *
 * @example
 * ```ts
 * const tdt = new TdtRecordingInterface({ folderPath: "Tank/Block-1", streamName: "Wav1" });
 * await tdt.runConversion({ nwbfilePath: "block1.nwb" });
 * ```
 */
export class TdtRecordingInterface extends MultiStreamRecordingInterface<TdtRecordingSource> {
  static override displayName = "TDT Recording";
  static override keywords = ["TDT", "Tucker-Davis", "tank", "Synapse", "OpenEx", "ecephys"];
  static override associatedSuffixes = [".tsq", ".tev", ".tbk", ".tdx", ".sev"];
  static override info = "Stream and epoc stores of a Tucker-Davis Technologies block.";
  static override sourceSchema: TObject = TdtRecordingSourceSchema;

  readonly block: TdtBlock;
  protected readonly streams: readonly RecordingStream[];
  /** Stream stores written as TimeSeries. */
  readonly analogStreams: readonly TdtStream[];

  constructor(sourceData: TdtRecordingSource) {
    super(sourceData);
    this.block = openTdtBlock(sourceData.folderPath);
    const block = this.block;
    if (block.streams.length === 0) {
      throw new SourceDataError(sourceData.folderPath, "holds no stream store (continuous data) to write");
    }
    const chosen = pickStreams(block.streams, sourceData.streamName, sourceData.folderPath);
    const analogNames = new Set(sourceData.analogStreams ?? []);
    for (const name of analogNames) {
      if (!block.streams.some((s) => s.name === name)) {
        throw new SourceDataError(
          sourceData.folderPath,
          `analogStreams names '${name}', which is not a stream store of the block (${block.streams.map((s) => s.name).join(", ")})`,
        );
      }
    }
    const voltage = chosen.filter((s) => !analogNames.has(s.name));
    this.analogStreams = chosen.filter((s) => analogNames.has(s.name));
    if (voltage.length === 0) {
      throw new SourceDataError(
        sourceData.folderPath,
        "no voltage stream is left to write as an ElectricalSeries: every chosen stream is in analogStreams",
      );
    }
    const leftOut = block.streams.filter((s) => !chosen.includes(s));
    if (leftOut.length > 0) {
      emitNeuroconvWarning(
        `${block.folderPath}: streamName '${sourceData.streamName}' writes one stream store; left out: ${leftOut.map((s) => `${s.name} (${s.channels.length} channels at ${s.samplingRate} Hz)`).join(", ")}`,
        "NeuroconvSourceWarning",
      );
    }
    for (const other of block.otherStores) {
      emitNeuroconvWarning(
        `${block.folderPath}: ${other.kind} store '${other.name}' (${other.count} records) is not written (not supported yet)`,
        "NeuroconvSourceWarning",
      );
    }
    warnFallbacks(block.problems);
    this.streams = voltage.map((stream) => ({
      key: voltage.length === 1 ? "ElectricalSeries" : `ElectricalSeries${safeName(stream.name)}`,
      recording: this.recordingOf(stream),
      timing: () => timingOf(stream),
      description: `TDT stream store '${stream.name}' (${stream.channels.length} channels at ${stream.samplingRate} Hz, ${stream.dtype}) of block ${block.stem}`,
    }));
  }

  /** Factor from stored values to volts: the `gain` given, or 1 for float stores (TDT stores volts). */
  private gainToVolts(stream: Pick<TdtStream, "name" | "dtype">): number {
    if (this.sourceData.gain !== undefined) return this.sourceData.gain * 1e-6;
    if (!stream.dtype.startsWith("float")) {
      emitNeuroconvWarning(
        `${this.block.folderPath}: stream '${stream.name}' is stored as ${stream.dtype} and the block states no scale; written at 1 V per stored value (pass gain, in µV per value)`,
        "NeuroconvSourceWarning",
      );
    }
    return 1;
  }

  private recordingOf(stream: TdtStream): Recording {
    return {
      samplingRate: stream.samplingRate,
      numSamples: stream.numSamples,
      data: stream.data(),
      gainToVolts: this.gainToVolts(stream),
      channels: stream.channels.map((channel) => ({
        name: `${stream.name} ${channel}`,
        groupName: "ElectrodeGroup",
        properties: { tdt_store: stream.name, tdt_channel: channel },
      })),
    };
  }

  /**
   * One unit per (channel, sort code) of a snippet store, channels and codes ascending: times in seconds after
   * the block start, waveform mean and standard deviation (volts) over its snippets, read once.
   */
  private unitsOf(store: TdtSnippets): SortedUnit[] {
    const toVolts = this.gainToVolts(store);
    const groups = new Map<string, { channel: number; sortCode: number; indices: number[] }>();
    store.times.forEach((_, i) => {
      const channel = store.channels[i]!;
      const sortCode = store.sortCodes[i]!;
      const key = `${channel}#${sortCode}`;
      const group = groups.get(key) ?? { channel, sortCode, indices: [] };
      group.indices.push(i);
      groups.set(key, group);
    });
    const ordered = [...groups.values()].sort((a, b) => a.channel - b.channel || a.sortCode - b.sortCode);
    return ordered.map(({ channel, sortCode, indices }) => {
      // Welford's running mean and squared deviations: stable where E[x²] − mean² cancels
      const n = store.samplesPerSnippet;
      const mean = new Float64Array(n);
      const squares = new Float64Array(n);
      let count = 0;
      store.forEachWaveform(indices, (waveform) => {
        count++;
        for (let t = 0; t < n; t++) {
          const volts = Number(waveform[t]) * toVolts;
          const delta = volts - mean[t]!;
          mean[t]! += delta / count;
          squares[t]! += delta * (volts - mean[t]!);
        }
      });
      const sd = squares.map((v) => Math.sqrt(v / count));
      return {
        // neo's unit naming, prefixed with the store
        id: `${store.name} ch${channel}#${sortCode}`,
        spikeFrames: Float64Array.from(indices, (i) => store.times[i]!),
        properties: { tdt_store: store.name, tdt_channel: channel, sort_code: sortCode },
        waveformMean: mean,
        waveformSd: sd,
      };
    });
  }

  /** Names of the block's stream stores, in the `.Tbk` order (details in `block.streams`). */
  getStreamNames(): string[] {
    return this.block.streams.map((s) => s.name);
  }

  protected override get sourceSessionStartTime(): string | undefined {
    return new Date(this.block.startTimestamp * 1000).toISOString();
  }

  protected override get device(): Omit<DeviceMetadata, "name"> {
    return {
      description: "Tucker-Davis Technologies acquisition",
      manufacturer: "Tucker-Davis Technologies",
    };
  }

  override addToNwbfile(
    nwbfile: NWBFile,
    metadata: Metadata,
    options: RecordingConversionOptions = {},
  ): void {
    super.addToNwbfile(nwbfile, metadata, options);
    const stem = this.block.stem;
    for (const stream of this.analogStreams) {
      addAnalogToNwbfile(
        nwbfile,
        {
          name: `TimeSeries${safeName(stream.name)}`,
          description: `TDT stream store '${stream.name}' (channels ${stream.channels.join(", ")}) of block ${stem}.`,
          data: stream.data(),
          conversion: this.gainToVolts(stream),
          unit: "volts",
          timing: timingOf(stream),
        },
        options.stubTest,
      );
    }
    const lengths = new Set(this.block.snippets.map((s) => s.samplesPerSnippet));
    let units = this.block.snippets.flatMap((store) => this.unitsOf(store));
    if (lengths.size > 1) {
      // one waveform_mean column holds one shape
      emitNeuroconvWarning(
        `${this.block.folderPath}: the snippet stores have snippets of ${[...lengths].join(" and ")} samples; the units' waveform means are not written`,
        "NeuroconvSourceWarning",
      );
      units = units.map(({ waveformMean: _mean, waveformSd: _sd, ...unit }) => unit);
    }
    if (units.length > 0) {
      addSortingToNwbfile(
        nwbfile,
        {
          samplingRate: 1,
          units,
          propertyDescriptions: SNIPPET_UNIT_PROPERTIES,
          waveformShape: [[...lengths][0]!, 1],
        },
        metadata,
        {
          // spike "frames" are seconds after the block start, like the epocs' times
          timing: { kind: "regular", rate: 1, startingTime: 0, count: 0 },
          ...(options.stubTest !== undefined && { stubTest: options.stubTest }),
        },
      );
    }
    for (const epocs of this.block.epocs) {
      addEventsToNwbfile(
        nwbfile,
        {
          name: `Events${safeName(epocs.name)}`,
          description: `TDT epoc store '${epocs.name}' of block ${stem}: onsets.`,
          times: epocs.times,
          codes: epocs.values,
        },
        options.stubTest,
      );
      addEventsToNwbfile(
        nwbfile,
        {
          name: `Events${safeName(epocs.name)}Offsets`,
          description: `TDT epoc store '${epocs.name}' of block ${stem}: offsets.`,
          times: epocs.offsets,
        },
        options.stubTest,
      );
    }
  }
}
