/**
 * Intracellular electrophysiology built from the generated core classes alone: an electrode, a current-clamp
 * stimulus and response, and the icephys tables (recordings, simultaneous recordings). Checked by nwbcheck;
 * values read back with h5py.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { configureAndWriteNwbfile, coreTypes, Device, NWBFile } from "../../src/index.js";
import { nwbcheck, nwbcheckAvailable, python } from "../helpers/nwbcheck.js";

function icephysFile(): NWBFile {
  const nwbfile = new NWBFile({ session_description: "icephys", session_start_time: "2024-01-01T00:00:00Z" });
  const amplifier = nwbfile.addDevice(new Device({ name: "amplifier", manufacturer: "Molecular Devices" }));
  const electrode = new coreTypes.IntracellularElectrode({
    name: "electrode0",
    description: "patch pipette",
    device: amplifier,
  });
  nwbfile.generalSection("intracellular_ephys").add(electrode);
  const stimulus = nwbfile.addStimulus(
    new coreTypes.CurrentClampStimulusSeries({
      name: "stimulus0",
      data: Float32Array.from([0, 1e-10, 1e-10, 0]),
      rate: 20000.0123,
      electrode,
      stimulus_description: "step",
      sweep_number: 0,
      gain: 1,
    }),
  );
  const response = nwbfile.addAcquisition(
    new coreTypes.CurrentClampSeries({
      name: "response0",
      data: Float32Array.from([-0.07, -0.069, -0.068, -0.07]),
      rate: 20000.0123,
      electrode,
      stimulus_description: "step",
      sweep_number: 0,
      bias_current: 0,
      // optional in the schema, but pynwb 2.8's CurrentClampSeries cannot be read back without it
      gain: 1,
    }),
  );
  // the sub-tables' descriptions are fixed by the schema, so not options
  const electrodes = new coreTypes.IntracellularElectrodesTable({ name: "electrodes" });
  const stimuli = new coreTypes.IntracellularStimuliTable({ name: "stimuli" });
  const responses = new coreTypes.IntracellularResponsesTable({ name: "responses" });
  electrodes.addRow({ electrode });
  stimuli.addRow({ stimulus: { idx_start: 0, count: 4, timeseries: stimulus } });
  responses.addRow({ response: { idx_start: 0, count: 4, timeseries: response } });
  const recordings = new coreTypes.IntracellularRecordingsTable({
    name: "intracellular_recordings",
    categories: ["electrodes", "stimuli", "responses"],
    electrodes,
    stimuli,
    responses,
  });
  recordings.addRow({});
  const simultaneous = new coreTypes.SimultaneousRecordingsTable({
    name: "simultaneous_recordings",
    description: "recordings made at the same time",
  });
  // its `recordings` column is the schema's: a region into the file's IntracellularRecordingsTable
  simultaneous.addRow({ recordings: [0] });
  const section = nwbfile.generalSection("intracellular_ephys");
  section.add(recordings);
  section.add(simultaneous);
  return nwbfile;
}

describe("icephys from the generated classes", () => {
  it("writes a file nwbcheck accepts, with the values given", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "neuroconv-icephys-")), "icephys.nwb");
    await configureAndWriteNwbfile(icephysFile(), { nwbfilePath: path });
    if (!nwbcheckAvailable()) return;
    const result = nwbcheck(path);
    expect(result.passed, result.output).toBe(true);
    const read = JSON.parse(
      python(
        `import h5py, json, sys
f = h5py.File(sys.argv[1], "r")
r = f["general/intracellular_ephys/intracellular_recordings"]
resp = r["responses/response"][0]
print(json.dumps({
  "categories": [c.decode() if isinstance(c, bytes) else c for c in r.attrs["categories"]],
  "response": [int(resp["idx_start"]), int(resp["count"]), f[resp["timeseries"]].name],
  "electrode": f[r["electrodes/electrode"][0]].name,
  "rate": repr(float(f["acquisition/response0/starting_time"].attrs["rate"])),
  "unit": f["acquisition/response0/data"].attrs["unit"],
  "simultaneous": f[f["general/intracellular_ephys/simultaneous_recordings/recordings"].attrs["table"]].name,
}))`,
        path,
      ),
    );
    expect(read).toEqual({
      categories: ["electrodes", "stimuli", "responses"],
      response: [0, 4, "/acquisition/response0"],
      electrode: "/general/intracellular_ephys/electrode0",
      rate: "20000.0123",
      unit: "volts",
      simultaneous: "/general/intracellular_ephys/intracellular_recordings",
    });
  });
});
