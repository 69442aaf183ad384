/**
 * The quick-start demo: writes a small generated SpikeGLX run (two Neuropixels 1.0 probes with AP and LF
 * bands, and a NI-DAQ stream, 2 s) to demo-output/, converts the whole folder with the command line, and
 * prints where the NWB file is and what it holds.
 *
 *   npm run demo
 */
import { resolve } from "node:path";
import { runCli } from "../src/cli/main.js";
import { saveMetadata } from "../src/index.js";
import { writeSpikeGLXRun } from "../src/testing/index.js";

const outputDir = resolve("demo-output");
const run = writeSpikeGLXRun(outputDir, { runName: "demo", probes: 2, seconds: 2 });
const nwbfile = resolve(outputDir, "demo.nwb");
// what the user adds to what the recording states (DANDI needs the subject fields)
const metadataPath = resolve(outputDir, "metadata.yaml");
await saveMetadata(
  {
    NWBFile: {
      session_description: "Generated demo session: two Neuropixels 1.0 probes and a NI-DAQ board, 2 s.",
      experimenter: ["Doe, Jane"],
      institution: "Demo Institute",
      lab: "Demo Lab",
      experiment_description: "A generated recording that shows the conversion from end to end.",
      keywords: ["demo", "Neuropixels"],
    },
    Subject: { subject_id: "demo-mouse", sex: "U", age: "P60D", species: "Mus musculus" },
  },
  metadataPath,
);
console.log(`Generated SpikeGLX run folder: ${run.folder} (${Object.keys(run.files).join(", ")})`);
console.log(
  `$ neuroconv convert spikeglx-folder ${run.folder} -o ${nwbfile} --timezone US/Pacific --overwrite`,
);
process.exitCode = await runCli([
  "convert",
  "spikeglx-folder",
  run.folder,
  "-o",
  nwbfile,
  "--metadata",
  metadataPath,
  "--timezone",
  "US/Pacific",
  "--overwrite",
]);
if (process.exitCode === 0) console.log(`\nNWB file: ${nwbfile}`);
