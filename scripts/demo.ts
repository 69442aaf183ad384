/**
 * The quick-start demo: writes a small generated ecephys session to demo.nwb and prints what it holds.
 *
 *   npm run demo [-- --output path.nwb]
 */
import { parseArgs } from "node:util";
import { syntheticRecording } from "../bench/syntheticRecording.js";
import {
  configureAndWriteNwbfile,
  Device,
  ElectricalSeries,
  ElectrodeGroup,
  formatBackendConfiguration,
  getDefaultBackendConfiguration,
  NWBFile,
  Subject,
} from "../src/index.js";

const { values } = parseArgs({ options: { output: { type: "string", default: "demo.nwb" } } });
const channels = 32;
const seconds = 10;
const rate = 30000;

const nwbfile = new NWBFile({
  session_description: "generated demo recording (32 channels, 10 s, 30 kHz)",
  session_start_time: "2024-03-01T10:00:00-08:00",
  lab: "demo lab",
});
nwbfile.subject = new Subject({ subject_id: "demo-mouse", sex: "U", age: "P60D", species: "Mus musculus" });
const probe = nwbfile.addDevice(new Device({ name: "probe", description: "generated 32-channel probe" }));
const shank = nwbfile.addElectrodeGroup(
  new ElectrodeGroup({ name: "shank0", description: "shank 0", location: "CA1", device: probe }),
);
for (let c = 0; c < channels; c++) nwbfile.addElectrode({ group: shank, rel_x: 0, rel_y: 20 * c });
nwbfile.addAcquisition(
  new ElectricalSeries({
    name: "ElectricalSeries",
    data: syntheticRecording(seconds * rate, channels),
    electrodes: nwbfile.createElectrodeRegion([...Array(channels).keys()], "all channels"),
    rate,
    conversion: 0.195e-6,
  }),
);
nwbfile.addTrial({ start_time: 0, stop_time: 5 });
nwbfile.addTrial({ start_time: 5, stop_time: 10 });

console.log(formatBackendConfiguration(getDefaultBackendConfiguration(nwbfile)));
const started = performance.now();
await configureAndWriteNwbfile(nwbfile, { nwbfilePath: values.output, overwrite: true });
console.log(
  `\nWrote ${values.output} in ${((performance.now() - started) / 1000).toFixed(1)} s: ` +
    `ElectricalSeries ${seconds * rate} x ${channels} int16 at ${rate} Hz, ${channels} electrodes, 2 trials, subject demo-mouse.`,
);
