/**
 * Schema dtypes are minimums: plain JS numbers keep their float64 precision where the schema asks for at
 * least float32 (as pynwb writes Python floats); typed arrays keep their own dtype. Read back with h5py.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { configureAndWriteNwbfile, Device, ElectrodeGroup, NWBFile, TimeSeries } from "../../src/index.js";
import { nwbcheckAvailable, python } from "../helpers/nwbcheck.js";

describe("dtypes at least the schema's", () => {
  it("keep a calibrated rate, float attributes and float columns at float64", async () => {
    const nwbfile = new NWBFile({
      session_description: "dtypes",
      session_start_time: "2024-01-01T00:00:00Z",
    });
    nwbfile.addAcquisition(
      new TimeSeries({
        name: "signal",
        data: Int16Array.from([1, 2, 3]),
        unit: "V",
        rate: 30000.0913,
        conversion: 1.2345678901e-7,
      }),
    );
    const device = nwbfile.addDevice(new Device({ name: "probe" }));
    const group = nwbfile.addElectrodeGroup(
      new ElectrodeGroup({ name: "shank0", description: "shank", location: "CA1", device }),
    );
    nwbfile.addElectrode({ group, x: 1.000000001, rel_x: 16.5 });
    nwbfile.units.addUnit({ spike_times: [0.1], waveform_mean: Float32Array.from([0.5, 0.25]) });
    const path = join(mkdtempSync(join(tmpdir(), "neuroconv-dtypes-")), "dtypes.nwb");
    await configureAndWriteNwbfile(nwbfile, { nwbfilePath: path });
    if (!nwbcheckAvailable()) return;
    const read = JSON.parse(
      python(
        `import h5py, json, sys
f = h5py.File(sys.argv[1], "r")
st = f["acquisition/signal/starting_time"]
d = f["acquisition/signal/data"]
e = f["general/extracellular_ephys/electrodes"]
print(json.dumps({
  "rate": [repr(float(st.attrs["rate"])), str(st.attrs["rate"].dtype)],
  "conversion": [repr(float(d.attrs["conversion"])), str(d.attrs["conversion"].dtype)],
  "x": [repr(float(e["x"][0])), str(e["x"].dtype)],
  "rel_x": str(e["rel_x"].dtype),
  "waveform_mean": str(f["units/waveform_mean"].dtype),
}))`,
        path,
      ),
    );
    expect(read).toEqual({
      rate: ["30000.0913", "float64"],
      conversion: ["1.2345678901e-07", "float64"],
      x: ["1.000000001", "float64"],
      rel_x: "float64",
      waveform_mean: "float32",
    });
  });
});
