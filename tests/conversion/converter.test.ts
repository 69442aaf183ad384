import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConverterPipe, hdf5Backend, type Metadata, NWBConverter } from "../../src/index.js";
import { MockRecordingInterface, MockSortingInterface } from "../../src/testing/index.js";
import { nwbcheck, nwbcheckAvailable } from "../helpers/nwbcheck.js";

const dir = mkdtempSync(join(tmpdir(), "neuroconv-converter-"));
const start = { NWBFile: { session_start_time: "2024-01-01T12:00:00-05:00" } };

class SessionConverter extends NWBConverter {
  static override dataInterfaceClasses = { Recording: MockRecordingInterface, Sorting: MockSortingInterface };

  override temporallyAlignDataInterfaces(_metadata: Metadata): void {
    // the sorting's clock started 1.5 s after the recording's
    (this.dataInterfaceObjects.Sorting as MockSortingInterface).setAlignedStartingTime(1.5);
  }
}

describe("NWBConverter", () => {
  it("builds its interfaces from source data and merges their schemas and metadata", () => {
    const converter = new SessionConverter({ Recording: { numChannels: 3 }, Sorting: { numUnits: 2 } });
    const schema = SessionConverter.getSourceSchema();
    expect(Object.keys(schema.properties)).toEqual(["Recording", "Sorting"]);
    const metadata = converter.getMetadata();
    expect(metadata.Ecephys?.ElectrodeGroup?.map((g) => g.name)).toEqual(["shank0", "shank1"]);
    expect(metadata.NWBFile.session_start_time).toBe("2024-01-01T12:00:00");
    expect(Object.keys(converter.getConversionOptionsSchema().properties)).toEqual(["Recording", "Sorting"]);
    expect(() => new SessionConverter({ Video: {} })).toThrow(/Video is not an interface of this converter/);
  });

  it("writes every interface with its own options and the alignment hook", async () => {
    const converter = new SessionConverter({ Recording: { numChannels: 3 }, Sorting: { numUnits: 2 } });
    const path = join(dir, "session.nwb");
    await converter.runConversion({
      nwbfilePath: path,
      metadata: start,
      conversionOptions: { Recording: { stubTest: true } },
    });
    if (nwbcheckAvailable()) expect(nwbcheck(path).passed).toBe(true);
    const file = await hdf5Backend.open(path);
    try {
      expect(file.datasetInfo("/acquisition/ElectricalSeries/data").shape).toEqual([100, 3]); // max(100, 2 x 3 channels)
      const times = file.readDataset("/units/spike_times") as Float64Array;
      expect(times[0]).toBeCloseTo(1.5 + 0.2, 12);
      expect((file.readDataset("/units/spike_times_index") as Uint32Array)[0]).toBe(4);
    } finally {
      file.close();
    }
  });

  it("ConverterPipe takes ready interfaces, and reports progress", async () => {
    const pipe = new ConverterPipe([new MockRecordingInterface({ numChannels: 2, durationSeconds: 0.1 })]);
    const path = join(dir, "pipe.nwb");
    const progress: { bytesWritten: number; totalBytes: number }[] = [];
    await pipe.runConversion({ nwbfilePath: path, metadata: start, onProgress: (p) => progress.push(p) });
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)!.bytesWritten).toBe(progress.at(-1)!.totalBytes);
    expect(progress.at(-1)!.totalBytes).toBeGreaterThanOrEqual(3000 * 2 * 2);
    const file = await hdf5Backend.open(path);
    expect(file.datasetInfo("/acquisition/ElectricalSeries/data").shape).toEqual([3000, 2]);
    file.close();
  });
});

describe("timing API", () => {
  it("keeps a shifted regular clock regular, and writes interpolated clocks as timestamps", async () => {
    const shifted = new MockRecordingInterface({ numChannels: 2, durationSeconds: 0.1 });
    expect(shifted.getOriginalTimestamps()[1]).toBeCloseTo(1 / 30000, 15);
    shifted.setAlignedStartingTime(2.5);
    expect(shifted.getTiming()).toMatchObject({ kind: "regular", startingTime: 2.5, rate: 30000 });

    const warped = new MockRecordingInterface({ numChannels: 2, durationSeconds: 0.1 });
    // the recording's clock runs 1% fast against the session clock (which starts 10 s earlier) for its
    // first 50 ms, then at the session clock's pace
    const knee = 10 + 0.05 / 1.01;
    warped.alignByInterpolation([0, 0.05, 1], [10, knee, knee + 0.95]);
    const expected = (i: number) => (i <= 1500 ? 10 + i / 30000 / 1.01 : knee + (i - 1500) / 30000);
    expect(warped.getTimestamps()[2999]).toBeCloseTo(expected(2999), 12);
    expect(() => warped.setAlignedTimestamps([1, 2, 3])).toThrow("one value per sample: 3000, got 3");

    const path = join(dir, "timing.nwb");
    await new ConverterPipe({ a: warped }).runConversion({ nwbfilePath: path, metadata: start });
    if (nwbcheckAvailable()) expect(nwbcheck(path).passed).toBe(true);
    const file = await hdf5Backend.open(path);
    try {
      const timestamps = file.readDataset("/acquisition/ElectricalSeries/timestamps") as Float64Array;
      expect(timestamps.length).toBe(3000);
      expect(timestamps[1234]).toBeCloseTo(expected(1234), 12);
      expect(timestamps[2345]).toBeCloseTo(expected(2345), 12);
      expect(file.kind("/acquisition/ElectricalSeries/starting_time")).toBeUndefined();
    } finally {
      file.close();
    }
  });

  it("writes times that lie on a regular clock (to 1 ns) as starting_time and rate", async () => {
    const linear = new MockRecordingInterface({ numChannels: 2, durationSeconds: 0.1 });
    linear.alignByInterpolation([0, 1], [10, 10 + 1 / 1.01]);
    expect(linear.getTiming().kind).toBe("irregular");
    const path = join(dir, "linear.nwb");
    await new ConverterPipe({ a: linear }).runConversion({ nwbfilePath: path, metadata: start });
    const file = await hdf5Backend.open(path);
    try {
      expect(file.kind("/acquisition/ElectricalSeries/timestamps")).toBeUndefined();
      expect(file.readDataset("/acquisition/ElectricalSeries/starting_time")).toBeCloseTo(10, 12);
      const rate = file.getAttribute("/acquisition/ElectricalSeries/starting_time", "rate") as number;
      expect(rate).toBeCloseTo(30000 * 1.01, 6);
    } finally {
      file.close();
    }
  });
});
