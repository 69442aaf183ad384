import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { configureAndWriteNwbfile, hdf5Backend, withTimeZone } from "../../src/index.js";
import {
  checkDataInterface,
  MockImagingInterface,
  MockRecordingInterface,
  MockSegmentationInterface,
  MockSortingInterface,
  mockRecordingSample,
} from "../../src/testing/index.js";
import { validateIfAvailable } from "../helpers/nwbcheck.js";

const dir = mkdtempSync(join(tmpdir(), "neuroconv-workflow-"));
const validate = validateIfAvailable;

describe("the NeuroConv workflow, as the issue writes it", () => {
  it("runs getMetadata -> edit -> runConversion", async () => {
    const iface = new MockRecordingInterface({ numChannels: 6, durationSeconds: 0.5 });
    const metadata = iface.getMetadata();
    metadata.Subject = { subject_id: "M001", sex: "M", age: "P30D", species: "Mus musculus" };
    metadata.NWBFile.session_start_time = withTimeZone(metadata.NWBFile.session_start_time, "US/Pacific");
    metadata.Ecephys.ElectrodeGroup[0].location = "V1";
    const path = join(dir, "out.nwb");
    await iface.runConversion({ nwbfilePath: path, metadata });

    expect(validate(path).passed).toBe(true);
    const file = await hdf5Backend.open(path);
    try {
      expect(file.readDataset("/session_start_time")).toBe("2024-01-01T12:00:00-08:00");
      expect(file.readDataset("/general/subject/species")).toBe("Mus musculus");
      expect(file.getAttribute("/general/extracellular_ephys/shank0", "location")).toBe("V1");
      expect(file.getAttribute("/general/extracellular_ephys/shank1", "location")).toBe("unknown");
      const data = file.readDataset("/acquisition/ElectricalSeries/data") as Int16Array;
      expect(data.length).toBe(15000 * 6);
      expect(data[1234 * 6 + 5]).toBe(mockRecordingSample(1234, 5, 30000));
      expect(file.getAttribute("/acquisition/ElectricalSeries/data", "conversion")).toBeCloseTo(0.195e-6, 12);
      expect(file.readDataset("/general/extracellular_ephys/electrodes/location")).toEqual([
        "V1",
        "unknown",
        "V1",
        "unknown",
        "V1",
        "unknown",
      ]);
    } finally {
      file.close();
    }
  });

  it("creates an in-memory file to extend, then writes it", async () => {
    const iface = new MockRecordingInterface();
    const nwbfile = await iface.createNwbfile({
      metadata: { NWBFile: { session_start_time: "2024-01-01T12:00:00+01:00" } },
    });
    nwbfile.addTrial({ start_time: 0, stop_time: 0.5 });
    const path = join(dir, "extended.nwb");
    await configureAndWriteNwbfile(nwbfile, { nwbfilePath: path, backend: "hdf5" });
    expect(validate(path).passed).toBe(true);
    const file = await hdf5Backend.open(path);
    expect([...(file.readDataset("/intervals/trials/stop_time") as Float64Array)]).toEqual([0.5]);
    file.close();
  });
});

describe("the mock interfaces pass the reusable interface check (with nwbcheck)", () => {
  const metadata = { NWBFile: { session_start_time: "2024-01-01T12:00:00-05:00" } };
  it("MockRecordingInterface", async () => {
    await checkDataInterface(new MockRecordingInterface({ numChannels: 4, durationSeconds: 0.2 }), {
      outputDir: dir,
      metadata,
      validate,
      checkReadBack(file) {
        const data = file.readDataset("/acquisition/ElectricalSeries/data", [100, 101]) as Int16Array;
        expect([...data]).toEqual([0, 1, 2, 3].map((c) => mockRecordingSample(100, c, 30000)));
      },
    });
  });
  it("MockSortingInterface", async () => {
    await checkDataInterface(new MockSortingInterface({ numUnits: 3 }), {
      outputDir: dir,
      metadata,
      validate,
      checkReadBack(file) {
        const index = file.readDataset("/units/spike_times_index") as Uint32Array;
        // unit u fires every 30000 / (5 (u + 1)) samples over one second
        expect([...index]).toEqual([4, 4 + 9, 4 + 9 + 14]);
        const times = file.readDataset("/units/spike_times") as Float64Array;
        expect(times[0]).toBeCloseTo(0.2, 12);
        expect(file.readDataset("/units/quality")).toEqual(["good", "mua", "mua"]);
      },
    });
  });
  it("MockImagingInterface", async () => {
    await checkDataInterface(new MockImagingInterface({ numFrames: 40 }), {
      outputDir: dir,
      metadata,
      validate,
      checkReadBack(file) {
        expect(file.datasetInfo("/acquisition/TwoPhotonSeries/data").shape).toEqual([40, 10, 12]);
        expect(file.readDataset("/general/optophysiology/ImagingPlane/indicator")).toBe("GCaMP6f");
      },
    });
  });
  it("MockSegmentationInterface", async () => {
    await checkDataInterface(new MockSegmentationInterface({ numRois: 4 }), {
      outputDir: dir,
      metadata,
      validate,
      checkReadBack(file) {
        const base = "/processing/ophys/ImageSegmentation/PlaneSegmentation";
        expect(file.datasetInfo(`${base}/image_mask`).shape).toEqual([4, 10, 12]);
        expect(file.datasetInfo("/processing/ophys/Fluorescence/RoiResponseSeries/data").shape).toEqual([
          30, 4,
        ]);
        expect(file.datasetInfo("/processing/ophys/DfOverF/DfOverF/data").shape).toEqual([30, 4]);
      },
    });
  });
});
