/**
 * Mock interfaces with realistic shapes and deterministic data, for tests and examples. They exercise the
 * same framework paths as real formats (recording, sorting, imaging, segmentation).
 */
import { type Static, type TObject, Type } from "@sinclair/typebox";
import type { Recording } from "../conversion/ecephys/recording.js";
import { BaseRecordingInterface, type RecordingMetadata } from "../conversion/ecephys/recordingInterface.js";
import { BaseSortingInterface, type Sorting } from "../conversion/ecephys/sorting.js";
import type { Metadata, OphysMetadata } from "../conversion/metadata/schema.js";
import {
  addImagingToNwbfile,
  addSegmentationToNwbfile,
  type Imaging,
  type Segmentation,
} from "../conversion/ophys/ophys.js";
import { BaseTemporalInterface } from "../conversion/temporal.js";
import type { Timing } from "../conversion/timing.js";
import type { ChunkSource } from "../data/lazy.js";
import type { NWBFile } from "../nwb/containers/file.js";

/** A small hash: deterministic pseudo-random values without state. */
function noise(a: number, b: number): number {
  let x = (Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 1, 0x85ebca6b)) >>> 0;
  x ^= x >>> 15;
  x = Math.imul(x, 0x2c1b3c6d) >>> 0;
  return ((x ^ (x >>> 13)) >>> 0) / 2 ** 32;
}

/** Value (frame, channel) of the mock recording: a 10 Hz oscillation plus noise, in int16 units. */
export function mockRecordingSample(frame: number, channel: number, samplingRate: number): number {
  return Math.round(
    300 * Math.sin((2 * Math.PI * 10 * frame) / samplingRate + channel) + 100 * (noise(frame, channel) - 0.5),
  );
}

const MOCK_SESSION_START = "2024-01-01T12:00:00";

function mockSessionMetadata<M extends Metadata>(metadata: M): M {
  metadata.NWBFile.session_start_time = MOCK_SESSION_START;
  metadata.NWBFile.session_description = "mock session";
  return metadata;
}

function lazy(
  shape: number[],
  dtype: ChunkSource["dtype"],
  value: (row: number, column: number) => number,
): ChunkSource {
  const perRow = shape.slice(1).reduce((a, b) => a * b, 1);
  return {
    dtype,
    shape,
    readRows(start, end) {
      const out =
        dtype === "int16" ? new Int16Array((end - start) * perRow) : new Float32Array((end - start) * perRow);
      for (let r = start; r < end; r++)
        for (let c = 0; c < perRow; c++) out[(r - start) * perRow + c] = value(r, c);
      return out;
    },
  };
}

/** Source arguments the ecephys mocks share. */
const ELECTROPHYSIOLOGY_CLOCK = {
  samplingRate: Type.Optional(
    Type.Number({ exclusiveMinimum: 0, description: "Sampling rate in Hz (default 30000)." }),
  ),
  durationSeconds: Type.Optional(
    Type.Number({ exclusiveMinimum: 0, description: "Duration in seconds (default 1)." }),
  ),
};

export const MockRecordingSourceSchema = Type.Object(
  {
    numChannels: Type.Optional(Type.Integer({ minimum: 1, description: "Number of channels (default 4)." })),
    ...ELECTROPHYSIOLOGY_CLOCK,
  },
  { additionalProperties: false },
);

export type MockRecordingSource = Static<typeof MockRecordingSourceSchema>;

/**
 * A recording of `numChannels` int16 channels on two shanks with probe positions, scaled to volts by
 * 0.195 µV per unit (an Intan-like gain).
 *
 * @example
 * ```ts
 * const iface = new MockRecordingInterface({ numChannels: 8, durationSeconds: 2 });
 * await iface.runConversion({ nwbfilePath: "mock.nwb", metadata: { Subject: { subject_id: "m1" } } });
 * ```
 */
export class MockRecordingInterface extends BaseRecordingInterface<MockRecordingSource> {
  static override displayName = "Mock recording";
  static override info = "Generated multichannel voltage recording, for tests.";
  static override sourceSchema: TObject = MockRecordingSourceSchema;
  static readonly gainToVolts = 0.195e-6;

  protected readonly recording: Recording;

  constructor(sourceData: MockRecordingSource = {}) {
    super(sourceData);
    const channels = sourceData.numChannels ?? 4;
    const rate = sourceData.samplingRate ?? 30000;
    const frames = Math.round(rate * (sourceData.durationSeconds ?? 1));
    this.recording = {
      samplingRate: rate,
      numSamples: frames,
      gainToVolts: MockRecordingInterface.gainToVolts,
      channels: Array.from({ length: channels }, (_, c) => ({
        name: `CH${c}`,
        groupName: `shank${c % 2}`,
        properties: { rel_x: (c % 2) * 200, rel_y: 20 * Math.floor(c / 2) },
      })),
      data: lazy([frames, channels], "int16", (t, c) => mockRecordingSample(t, c, rate)),
    };
  }

  override getMetadata(): RecordingMetadata {
    return mockSessionMetadata(super.getMetadata());
  }
}

export const MockSortingSourceSchema = Type.Object(
  {
    numUnits: Type.Optional(Type.Integer({ minimum: 1, description: "Number of units (default 3)." })),
    ...ELECTROPHYSIOLOGY_CLOCK,
  },
  { additionalProperties: false },
);

export type MockSortingSource = Static<typeof MockSortingSourceSchema>;

/**
 * A sorting of `numUnits` units with regular spike trains and a `quality` label.
 */
export class MockSortingInterface extends BaseSortingInterface<MockSortingSource> {
  static override displayName = "Mock sorting";
  static override info = "Generated spike trains, for tests.";
  static override sourceSchema: TObject = MockSortingSourceSchema;

  protected readonly sorting: Sorting;

  constructor(sourceData: MockSortingSource = {}) {
    super(sourceData);
    const rate = sourceData.samplingRate ?? 30000;
    const frames = Math.round(rate * (sourceData.durationSeconds ?? 1));
    this.sorting = {
      samplingRate: rate,
      units: Array.from({ length: sourceData.numUnits ?? 3 }, (_, u) => {
        const interval = Math.round(rate / (5 * (u + 1)));
        return {
          id: u,
          spikeFrames: Array.from(
            { length: Math.floor((frames - 1) / interval) },
            (_, i) => (i + 1) * interval,
          ),
          properties: { quality: u === 0 ? "good" : "mua" },
        };
      }),
      propertyDescriptions: { quality: "curation label" },
    };
  }

  override getMetadata(): Metadata {
    return mockSessionMetadata(super.getMetadata());
  }
}

const OPHYS_METADATA: OphysMetadata = {
  Device: [{ name: "Microscope", description: "mock two-photon microscope" }],
  ImagingPlane: [
    {
      name: "ImagingPlane",
      description: "mock plane",
      device: "Microscope",
      excitation_lambda: 920,
      indicator: "GCaMP6f",
      location: "V1",
      imaging_rate: 30,
      optical_channel: [{ name: "Green", description: "GCaMP emission", emission_lambda: 510 }],
    },
  ],
  TwoPhotonSeries: [
    { name: "TwoPhotonSeries", description: "mock movie", imaging_plane: "ImagingPlane", unit: "n.a." },
  ],
};

export const MockImagingSourceSchema = Type.Object(
  {
    numFrames: Type.Optional(Type.Integer({ minimum: 1, description: "Number of frames (default 30)." })),
    numRows: Type.Optional(Type.Integer({ minimum: 1, description: "Rows per frame (default 10)." })),
    numColumns: Type.Optional(Type.Integer({ minimum: 1, description: "Columns per frame (default 12)." })),
    samplingRate: Type.Optional(
      Type.Number({ exclusiveMinimum: 0, description: "Frame rate in Hz (default 30)." }),
    ),
  },
  { additionalProperties: false },
);

export type MockImagingSource = Static<typeof MockImagingSourceSchema>;

export const MockSegmentationSourceSchema = Type.Composite([
  MockImagingSourceSchema,
  Type.Object({
    numRois: Type.Optional(Type.Integer({ minimum: 1, description: "Number of ROIs (default 3)." })),
  }),
]);

export type MockSegmentationSource = Static<typeof MockSegmentationSourceSchema>;

/** What the ophys mocks share: a frame clock and the Ophys metadata. */
abstract class MockOphysInterface<S extends MockImagingSource> extends BaseTemporalInterface<S> {
  protected override getOriginalTiming(): Timing {
    return {
      kind: "regular",
      rate: this.sourceData.samplingRate ?? 30,
      startingTime: 0,
      count: this.sourceData.numFrames ?? 30,
    };
  }

  override getMetadata(): Metadata {
    const metadata = mockSessionMetadata(super.getMetadata());
    metadata.Ophys = structuredClone(OPHYS_METADATA);
    return metadata;
  }
}

/** A two-photon movie of `numFrames` int16 frames. */
export class MockImagingInterface extends MockOphysInterface<MockImagingSource> {
  static override displayName = "Mock imaging";
  static override info = "Generated two-photon movie, for tests.";
  static override sourceSchema: TObject = MockImagingSourceSchema;

  readonly imaging: Imaging;

  constructor(sourceData: MockImagingSource = {}) {
    super(sourceData);
    const rows = sourceData.numRows ?? 10;
    const columns = sourceData.numColumns ?? 12;
    this.imaging = {
      samplingRate: sourceData.samplingRate ?? 30,
      data: lazy([sourceData.numFrames ?? 30, rows, columns], "int16", (t, p) =>
        Math.round(1000 * noise(t, p)),
      ),
    };
  }

  override addToNwbfile(nwbfile: NWBFile, metadata: Metadata, options: { stubTest?: boolean } = {}): void {
    addImagingToNwbfile(nwbfile, this.imaging, metadata, {
      timing: this.getTiming(),
      ...(options.stubTest !== undefined && { stubTest: options.stubTest }),
    });
  }
}

/** `numRois` square ROIs with raw and ΔF/F traces. */
export class MockSegmentationInterface extends MockOphysInterface<MockSegmentationSource> {
  static override displayName = "Mock segmentation";
  static override info = "Generated ROIs and traces, for tests.";
  static override sourceSchema: TObject = MockSegmentationSourceSchema;

  readonly segmentation: Segmentation;

  constructor(sourceData: MockSegmentationSource = {}) {
    super(sourceData);
    const rows = sourceData.numRows ?? 10;
    const columns = sourceData.numColumns ?? 12;
    const rois = sourceData.numRois ?? 3;
    const frames = sourceData.numFrames ?? 30;
    this.segmentation = {
      samplingRate: sourceData.samplingRate ?? 30,
      imageShape: [rows, columns],
      roiIds: Array.from({ length: rois }, (_, i) => i),
      imageMasks: Array.from({ length: rois }, (_, i) => {
        const mask = new Float32Array(rows * columns);
        for (let r = 0; r < 2; r++)
          for (let c = 0; c < 2; c++) mask[((2 * i + r) % rows) * columns + ((2 * i + c) % columns)] = 1;
        return mask;
      }),
      traces: {
        raw: lazy([frames, rois], "float32", (t, r) => 100 + 10 * noise(t, r)),
        dff: lazy([frames, rois], "float32", (t, r) => noise(t, r + 1000) - 0.5),
      },
    };
  }

  override addToNwbfile(nwbfile: NWBFile, metadata: Metadata, options: { stubTest?: boolean } = {}): void {
    addSegmentationToNwbfile(nwbfile, this.segmentation, metadata, {
      timing: this.getTiming(),
      ...(options.stubTest !== undefined && { stubTest: options.stubTest }),
    });
  }
}
