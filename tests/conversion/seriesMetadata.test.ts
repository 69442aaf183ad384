/**
 * The Ophys and Ecephys series blocks of the metadata are built from the generated type definitions: the
 * fields the schema gives ImagingPlane, TwoPhotonSeries and ElectricalSeries are accepted under pynwb's keyword
 * names (NeuroConv's metadata layout), checked by type, and written where the schema puts them (h5py reads
 * them back, at pynwb's precision).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type Metadata, mergeMetadata } from "../../src/index.js";
import { MockImagingInterface, MockRecordingInterface } from "../../src/testing/index.js";
import { nwbcheck, nwbcheckAvailable, python } from "../helpers/nwbcheck.js";

const dir = mkdtempSync(join(tmpdir(), "neuroconv-series-metadata-"));

/** h5py's reading of datasets and attributes (`path` or `path@attribute`): value and dtype. */
function h5values(path: string, ...items: string[]): Record<string, [unknown, string]> {
  return JSON.parse(
    python(
      `
import json, sys, h5py, numpy as np
out = {}
with h5py.File(sys.argv[1], "r") as f:
    for item in sys.argv[2:]:
        obj, _, attr = item.partition("@")
        v = f[obj].attrs[attr] if attr else f[obj][()]
        dtype = "text" if isinstance(v, (str, bytes)) else str(np.asarray(v).dtype)
        v = v.decode() if isinstance(v, bytes) else v.tolist() if hasattr(v, "tolist") else v
        out[item] = [v, dtype]
print(json.dumps(out))
`,
      path,
      ...items,
    ),
  );
}

describe.skipIf(!nwbcheckAvailable())("series metadata blocks from the generated definitions", () => {
  it("writes the ImagingPlane and TwoPhotonSeries fields the metadata give", async () => {
    const imaging = new MockImagingInterface({ numFrames: 16 });
    const metadata = mergeMetadata(imaging.getMetadata(), {
      NWBFile: { session_start_time: "2024-01-01T00:00:00Z" },
      Ophys: {
        ImagingPlane: [
          {
            name: "ImagingPlane",
            device: "Microscope",
            excitation_lambda: 920.5,
            indicator: "GCaMP6f",
            location: "V1",
            grid_spacing: [1.1e-6, 1.3e-6],
            grid_spacing_unit: "meters",
            origin_coords: [0.0011, 0.0025],
            origin_coords_unit: "meters",
            reference_frame: "bregma",
            optical_channel: [{ name: "Green", description: "GCaMP emission", emission_lambda: 510 }],
          },
        ],
        TwoPhotonSeries: [
          {
            name: "TwoPhotonSeries",
            imaging_plane: "ImagingPlane",
            pmt_gain: 0.7,
            scan_line_rate: 15873.015873,
            field_of_view: [0.0005, 0.0006],
          },
        ],
      },
    });
    expect(imaging.checkMetadata(metadata).problems).toEqual([]);
    const path = join(dir, "ophys.nwb");
    await imaging.runConversion({ nwbfilePath: path, metadata });
    const plane = "general/optophysiology/ImagingPlane";
    expect(
      h5values(
        path,
        `${plane}/grid_spacing`,
        `${plane}/grid_spacing@unit`,
        `${plane}/origin_coords`,
        `${plane}/excitation_lambda`,
        "acquisition/TwoPhotonSeries@pmt_gain",
        "acquisition/TwoPhotonSeries@scan_line_rate",
        "acquisition/TwoPhotonSeries/field_of_view",
      ),
    ).toEqual({
      // JS numbers are float64, as pynwb writes Python floats (the schema's float32 is a minimum)
      [`${plane}/grid_spacing`]: [[1.1e-6, 1.3e-6], "float64"],
      [`${plane}/grid_spacing@unit`]: ["meters", "text"],
      [`${plane}/origin_coords`]: [[0.0011, 0.0025], "float64"],
      [`${plane}/excitation_lambda`]: [920.5, "float64"],
      "acquisition/TwoPhotonSeries@pmt_gain": [0.7, "float64"],
      "acquisition/TwoPhotonSeries@scan_line_rate": [15873.015873, "float64"],
      "acquisition/TwoPhotonSeries/field_of_view": [[0.0005, 0.0006], "float64"],
    });
    const result = nwbcheck(path);
    expect(result.passed, result.output).toBe(true);
  });

  it("names a field of the wrong type, and writes an ElectricalSeries' filtering and comments", async () => {
    const imaging = new MockImagingInterface({ numFrames: 4 });
    const bad = mergeMetadata(imaging.getMetadata(), {
      Ophys: {
        TwoPhotonSeries: [{ name: "TwoPhotonSeries", imaging_plane: "ImagingPlane", pmt_gain: "high" }],
      },
    } as unknown as Partial<Metadata>);
    expect(
      imaging
        .checkMetadata(bad)
        .problems.map((p) => p.message)
        .join("\n"),
    ).toMatch(/pmt_gain/);

    const recording = new MockRecordingInterface({ numChannels: 2, durationSeconds: 0.01 });
    const metadata = mergeMetadata(recording.getMetadata(), {
      NWBFile: { session_start_time: "2024-01-01T00:00:00Z" },
      Ecephys: {
        ElectricalSeries: {
          name: "ElectricalSeries",
          filtering: "300 Hz high-pass (4th order Butterworth)",
          comments: "mock channels",
        },
      },
    });
    expect(recording.checkMetadata(metadata).problems).toEqual([]);
    const path = join(dir, "ecephys.nwb");
    await recording.runConversion({ nwbfilePath: path, metadata });
    expect(
      h5values(path, "acquisition/ElectricalSeries@filtering", "acquisition/ElectricalSeries@comments"),
    ).toEqual({
      "acquisition/ElectricalSeries@filtering": ["300 Hz high-pass (4th order Butterworth)", "text"],
      "acquisition/ElectricalSeries@comments": ["mock channels", "text"],
    });
  });
});
