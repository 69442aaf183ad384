/**
 * SpikeGLX NI-DAQ stream: analog inputs as TimeSeries in volts, digital lines as event times.
 */
import { type Static, type TObject, Type } from "@sinclair/typebox";
import type { StandardConversionOptions } from "../../conversion/conversion.js";
import type { Metadata } from "../../conversion/metadata/schema.js";
import { addAnalogChannelsToNwbfile, addTtlLineToNwbfile } from "../../conversion/signals.js";
import { BaseTemporalInterface } from "../../conversion/temporal.js";
import { type Timing, timeAt } from "../../conversion/timing.js";
import { warnFallbacks } from "../../conversion/warnings.js";
import { SourceDataError } from "../../errors.js";
import { risingCrossings } from "../../formats/edges.js";
import { type NidqAnalogChannel, type NidqStream, openSpikeGLXStream } from "../../formats/spikeglx/index.js";
import type { NWBFile } from "../../nwb/containers/file.js";

/** The source arguments of the interface, as a JSON schema (the TypeScript type below is derived from it). */
export const SpikeGLXNIDQSourceSchema = Type.Object(
  { filePath: Type.String({ description: "Path of the .nidq.bin file (its .meta must be beside it)." }) },
  { additionalProperties: false },
);

/** The source arguments of SpikeGLXNIDQ interfaces (from SpikeGLXNIDQSourceSchema). */
export type SpikeGLXNIDQSource = Static<typeof SpikeGLXNIDQSourceSchema>;

/**
 * The NI-DAQ stream of a SpikeGLX run. Analog channels (MN, MA, XA) become a TimeSeries in volts
 * ("TimeSeriesNIDQ"); every digital line with transitions becomes a TimeSeries of its edges
 * ("EventsNIDQDigitalLine<n>": timestamps of the edges, data 1 for rising and 0 for falling), which any
 * NWB 2.7 reader understands without extensions.
 *
 * @example
 * ```ts
 * const nidq = new SpikeGLXNIDQInterface({ filePath: "run_g0/run_g0_t0.nidq.bin" });
 * const pulses = await nidq.getEventTimesFromTtl(0); // rising edges of digital line 0, in seconds
 * ```
 */
export class SpikeGLXNIDQInterface extends BaseTemporalInterface<SpikeGLXNIDQSource> {
  static override displayName = "SpikeGLX NIDQ";
  static override keywords = ["SpikeGLX", "NI-DAQ", "TTL", "analog", "digital"];
  static override associatedSuffixes = [".nidq.bin", ".nidq.meta"];
  static override info = "NI-DAQ analog and digital inputs recorded with SpikeGLX (.nidq.bin + .meta).";
  static override sourceSchema: TObject = SpikeGLXNIDQSourceSchema;

  readonly stream: NidqStream;

  constructor(sourceData: SpikeGLXNIDQSource) {
    super(sourceData);
    const stream = openSpikeGLXStream(sourceData.filePath);
    if (stream.kind !== "nidq") {
      throw new SourceDataError(
        sourceData.filePath,
        "is an imec stream; use SpikeGLXRecordingInterface (alias spikeglx)",
      );
    }
    warnFallbacks(stream.fallbacks);
    this.stream = stream;
  }

  protected override getOriginalTiming(): Timing {
    const { samplingRate, startTime, numSamples } = this.stream;
    return { kind: "regular", rate: samplingRate, startingTime: startTime, count: numSamples };
  }

  get analogChannels(): NidqAnalogChannel[] {
    return this.stream.channels.filter((c): c is NidqAnalogChannel => c.kind !== "XD");
  }

  /**
   * Times (seconds, on this interface's current clock) of the rising edges of a digital line (a number) or
   * of an analog channel (its name, e.g. "XA0") crossing half way between its lowest and highest value.
   */
  async getEventTimesFromTtl(channel: number | string): Promise<Float64Array> {
    const toTime = (sample: number) => timeAt(this.getTiming(), sample);
    if (typeof channel === "number") {
      if (!this.stream.digitalLines.includes(channel)) {
        throw new SourceDataError(
          this.sourceData.filePath,
          `digital line ${channel} was not saved (saved lines: ${this.stream.digitalLines.join(", ") || "none"})`,
        );
      }
      const { rising } = await this.stream.digitalEvents(channel);
      return Float64Array.from(rising, (t) =>
        toTime(Math.round((t - this.stream.startTime) * this.stream.samplingRate)),
      );
    }
    const analog = this.analogChannels.find((c) => c.name === channel);
    if (!analog) {
      throw new SourceDataError(
        this.sourceData.filePath,
        `no analog channel '${channel}' (channels: ${this.analogChannels.map((c) => c.name).join(", ")})`,
      );
    }
    return Float64Array.from(await risingCrossings(this.stream.data([analog.index])), toTime);
  }

  protected override get sourceSessionStartTime(): string | undefined {
    return this.stream.sessionStartTime;
  }

  override async addToNwbfile(
    nwbfile: NWBFile,
    _metadata: Metadata,
    options: StandardConversionOptions = {},
  ): Promise<void> {
    const timing = this.getTiming();
    addAnalogChannelsToNwbfile(
      nwbfile,
      {
        baseName: "TimeSeriesNIDQ",
        describe: (channels) =>
          `NI-DAQ analog channels ${channels.map((c) => c.name).join(", ")}, recorded with SpikeGLX.`,
        channels: this.analogChannels,
        data: (indices) => this.stream.data(indices),
        timing,
      },
      options.stubTest,
    );
    // edge times are on the run's clock (firstSample-based); map them through this interface's clock
    const toTime = (t: number) =>
      timeAt(timing, Math.round((t - this.stream.startTime) * this.stream.samplingRate));
    for (const line of this.stream.digitalLines) {
      const { rising, falling } = await this.stream.digitalEvents(line);
      addTtlLineToNwbfile(
        nwbfile,
        {
          name: `EventsNIDQDigitalLine${line}`,
          description: `TTL edges of NI-DAQ digital line ${line}, recorded with SpikeGLX.`,
          rising: Array.from(rising, toTime),
          falling: Array.from(falling, toTime),
        },
        options.stubTest,
      );
    }
  }
}
