/**
 * Sound recorded or played during a session (WAV files) as ndx-sound AcousticWaveformSeries, streamed.
 */
import { basename } from "node:path";
import { type Static, type TObject, Type } from "@sinclair/typebox";
import type { StandardConversionOptions } from "../../conversion/conversion.js";
import { BaseDataInterface, StandardConversionOptionsSchema } from "../../conversion/interface.js";
import type { Metadata } from "../../conversion/metadata/schema.js";
import { firstRows } from "../../data/lazy.js";
import { SourceDataError } from "../../errors.js";
import { readWavHeader, type WavHeader, wavSamples } from "../../formats/wav/index.js";
import type { NWBFile } from "../../nwb/containers/file.js";
import { AcousticWaveformSeries } from "../../nwb/types/ndxSound.js";

/** The source arguments of the interface, as a JSON schema (the TypeScript type below is derived from it). */
export const AudioSourceSchema = Type.Object(
  {
    filePaths: Type.Array(Type.String(), {
      minItems: 1,
      description: "WAV files (PCM 8/16/24/32-bit or float), in the order they were recorded.",
    }),
  },
  { additionalProperties: false },
);

export type AudioSource = Static<typeof AudioSourceSchema>;

export interface AudioConversionOptions extends StandardConversionOptions {
  /** "stimulus" (sound played to the animal, the default as in NeuroConv) or "acquisition" (recorded). */
  readonly writeAs?: "stimulus" | "acquisition";
}

/** Samples written per file by a stub conversion. */
const STUB_SAMPLES = 10_000;

/**
 * WAV files as ndx-sound AcousticWaveformSeries (one per file, mono or stereo, samples as stored), in
 * /stimulus/presentation or /acquisition. Files follow one another: each starts where the previous one ends,
 * unless {@link AudioInterface.setAlignedSegmentStartingTimes} places them.
 *
 * @example
 * ```ts
 * const audio = new AudioInterface({ filePaths: ["usv_02.wav", "usv_03.wav"] });
 * await audio.runConversion({ nwbfilePath: "audio.nwb", metadata, writeAs: "acquisition" });
 * ```
 */
export class AudioInterface extends BaseDataInterface<AudioSource, AudioConversionOptions> {
  static override displayName = "Audio (WAV)";
  static override keywords = ["audio", "sound", "microphone", "ultrasonic vocalizations", "ndx-sound"];
  static override associatedSuffixes = [".wav"];
  static override info = "WAV audio files as ndx-sound AcousticWaveformSeries, streamed.";
  static override sourceSchema: TObject = AudioSourceSchema;
  static override conversionOptionsSchema: TObject = Type.Composite([
    StandardConversionOptionsSchema,
    Type.Object({
      writeAs: Type.Optional(
        Type.Union([Type.Literal("stimulus"), Type.Literal("acquisition")], {
          description:
            'Where the series go: "stimulus" (sound played, default) or "acquisition" (sound recorded).',
        }),
      ),
    }),
  ]);

  readonly headers: readonly WavHeader[];
  private startingTimes: readonly number[];

  constructor(sourceData: AudioSource) {
    super(sourceData);
    this.headers = sourceData.filePaths.map(readWavHeader);
    for (const header of this.headers) {
      if (header.channels > 2) {
        throw new SourceDataError(
          header.filePath,
          `${header.channels} channels: an AcousticWaveformSeries holds mono or stereo sound; split the channels first`,
        );
      }
    }
    let next = 0;
    this.startingTimes = this.headers.map((h) => {
      const start = next;
      next += h.frameCount / h.sampleRate;
      return start;
    });
  }

  /** Starting time of each file in seconds from the session start (default: one after the other from 0). */
  getSegmentStartingTimes(): readonly number[] {
    return this.startingTimes;
  }

  /** Places each file's first sample at the given time (seconds from the session start). */
  setAlignedSegmentStartingTimes(startingTimes: readonly number[]): void {
    if (startingTimes.length !== this.headers.length) {
      throw new RangeError(`one starting time per file: ${this.headers.length}, got ${startingTimes.length}`);
    }
    this.startingTimes = [...startingTimes];
  }

  /** Series names: "AcousticWaveformSeries", or numbered from 0 when there are several files (as NeuroConv). */
  get seriesNames(): string[] {
    return this.headers.map((_, k) =>
      this.headers.length === 1 ? "AcousticWaveformSeries" : `AcousticWaveformSeries${k}`,
    );
  }

  override addToNwbfile(nwbfile: NWBFile, _metadata: Metadata, options?: AudioConversionOptions): void {
    this.headers.forEach((header, k) => {
      const samples = wavSamples(header);
      const series = new AcousticWaveformSeries({
        name: this.seriesNames[k]!,
        description: `Sound from ${basename(header.filePath)} (${header.bitsPerSample}-bit ${header.encoding}, ${header.channels === 1 ? "mono" : "stereo"}).`,
        data: options?.stubTest ? firstRows(samples, STUB_SAMPLES) : samples,
        rate: header.sampleRate,
        starting_time: this.startingTimes[k]!,
      });
      if (options?.writeAs === "acquisition") nwbfile.addAcquisition(series);
      else nwbfile.addStimulus(series);
    });
  }
}
