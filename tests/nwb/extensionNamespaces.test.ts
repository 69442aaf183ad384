/**
 * The extensions neuroconv carries (ndx-pose, ndx-sound, ndx-events): a file using each one's types is
 * checked, written with the extension cached, and accepted by nwbcheck.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  Container,
  checkNwbfile,
  configureAndWriteNwbfile,
  createRegistry,
  DynamicTable,
  hdf5Backend,
  type Namespace,
  NWBFile,
  namespacesUsed,
  ndxEvents,
  ndxPose,
  ndxSound,
  registryFor,
  TimeSeries,
} from "../../src/index.js";
import { nwbcheck, nwbcheckAvailable } from "../helpers/nwbcheck.js";

const newFile = () =>
  new NWBFile({ session_description: "extension types", session_start_time: "2024-01-01T00:00:00Z" });

function poseFile(): NWBFile {
  const nwbfile = newFile();
  const behavior = nwbfile.createProcessingModule("behavior", "pose estimation");
  const pose = new Container("PoseEstimation", "PoseEstimation", "ndx-pose");
  pose.setDataset("description", "two body parts tracked by a test model");
  pose.setDataset("scorer", "test_model");
  pose.setDataset("source_software", "DeepLabCut")?.setAttribute("version", "2.3.0");
  pose.setDataset("nodes", ["snout", "tailbase"], "utf8");
  pose.setDataset("edges", [[0, 1]], "uint8");
  pose.setDataset("dimensions", [[640, 480]], "uint16");
  const timestamps = [0, 0.033, 0.066];
  for (const [part, xy] of [
    [
      "snout",
      [
        [10.5, 20.25],
        [11, 21],
        [12, 22],
      ],
    ],
    [
      "tailbase",
      [
        [50, 60],
        [51, 61],
        [52, 62.5],
      ],
    ],
  ] as const) {
    const series = new TimeSeries(
      { name: part, data: xy, unit: "pixels", timestamps, description: `position of the ${part}` },
      { neurodataType: "PoseEstimationSeries", namespace: "ndx-pose" },
    );
    series.setDataset("confidence", [0.9, 0.95, 0.5], "float64")?.setAttribute("definition", "likelihood");
    series.setDataset("reference_frame", "top left corner of the video frame");
    pose.add(series);
  }
  behavior.add(pose);
  return nwbfile;
}

function soundFile(): NWBFile {
  const nwbfile = newFile();
  nwbfile.addAcquisition(
    new TimeSeries(
      { name: "microphone", data: Int16Array.from([0, 120, -340, 5]), unit: "n.a.", rate: 250000.5 },
      { neurodataType: "AcousticWaveformSeries", namespace: "ndx-sound" },
    ),
  );
  return nwbfile;
}

function eventsFile(): NWBFile {
  const nwbfile = newFile();
  const behavior = nwbfile.createProcessingModule("behavior", "task events");
  const events = new DynamicTable(
    { name: "lever_presses", description: "rising edges of the lever line" },
    { neurodataType: "EventsTable", namespace: "ndx-events" },
  );
  events.addColumn({
    name: "timestamp",
    description: "time of each press",
    dtype: "float64",
    columnType: { neurodataType: "TimestampVectorData", namespace: "ndx-events" },
  });
  events.addColumn({
    name: "duration",
    description: "how long the lever stayed down",
    dtype: "float64",
    columnType: { neurodataType: "DurationVectorData", namespace: "ndx-events" },
  });
  events.addRow({ timestamp: 1.5, duration: 0.2 });
  events.addRow({ timestamp: 3.25, duration: Number.NaN });
  behavior.add(events);
  return nwbfile;
}

const cases: [string, Namespace, () => NWBFile, string][] = [
  ["ndx-pose", ndxPose, poseFile, "/processing/behavior/PoseEstimation/snout"],
  ["ndx-sound", ndxSound, soundFile, "/acquisition/microphone"],
  ["ndx-events", ndxEvents, eventsFile, "/processing/behavior/lever_presses"],
];

describe("extension namespaces neuroconv carries", () => {
  it("write files that cache the extension and pass nwbcheck", async () => {
    const dir = mkdtempSync(join(tmpdir(), "neuroconv-ndx-"));
    const written: string[] = [];
    for (const [name, namespace, build, typedPath] of cases) {
      const nwbfile = build();
      // the types are unknown to the built-in namespaces alone; the default registry adds the carried
      // extension the file uses, so nothing needs to be passed
      expect(() => checkNwbfile(nwbfile, createRegistry()), name).toThrow(
        "is not defined by any registered namespace",
      );
      expect(registryFor(namespacesUsed(nwbfile)).getNamespace(name)).toBe(namespace);
      const path = join(dir, `${name}.nwb`);
      await configureAndWriteNwbfile(nwbfile, { nwbfilePath: path });
      const file = await hdf5Backend.open(path);
      try {
        expect(file.children("/specifications")).toEqual(["core", "hdmf-common", "hdmf-experimental", name]);
        expect(file.getAttribute(typedPath, "namespace")).toBe(name);
      } finally {
        file.close();
      }
      written.push(path);
    }
    if (nwbcheckAvailable()) {
      const result = nwbcheck(...written);
      expect(result.passed, result.output).toBe(true);
    }
  });
});
