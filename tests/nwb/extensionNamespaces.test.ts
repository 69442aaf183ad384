/**
 * The extensions neuroconv carries (ndx-pose, ndx-sound, ndx-events): a file using each one's types, built
 * only from the generated classes, is checked, written with the extension cached, and accepted by nwbcheck.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  checkNwbfile,
  configureAndWriteNwbfile,
  createRegistry,
  hdf5Backend,
  type Namespace,
  NWBFile,
  namespacesUsed,
  ndarray,
  ndxEvents,
  ndxEventsTypes,
  ndxPose,
  ndxPoseTypes,
  ndxSound,
  ndxSoundTypes,
  registryFor,
  Subject,
} from "../../src/index.js";
import { nwbcheck, nwbcheckAvailable } from "../helpers/nwbcheck.js";

const newFile = () =>
  new NWBFile({ session_description: "extension types", session_start_time: "2024-01-01T00:00:00Z" });

function poseFile(): NWBFile {
  const nwbfile = newFile();
  nwbfile.subject = new Subject({ subject_id: "mouse1", species: "Mus musculus" });

  const timestamps = [0, 0.033, 0.066];
  const series = (
    [
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
    ] as const
  ).map(
    ([part, xy]) =>
      new ndxPoseTypes.PoseEstimationSeries({
        name: part,
        description: `position of the ${part}`,
        data: xy,
        unit: "pixels",
        timestamps,
        confidence: [0.9, 0.95, 0.5],
        confidence__definition: "likelihood",
        reference_frame: "top left corner of the video frame",
      }),
  );
  const skeleton = new ndxPoseTypes.Skeleton({
    name: "mouse_skeleton",
    nodes: ["snout", "tailbase"],
    edges: ndarray(Uint8Array.from([0, 1]), [1, 2]),
    subject: nwbfile.subject!,
  });
  const pose = new ndxPoseTypes.PoseEstimation({
    description: "two body parts tracked by a test model",
    scorer: "test_model",
    source_software: "DeepLabCut",
    source_software__version: "2.3.0",
    dimensions: ndarray(Uint16Array.from([640, 480]), [1, 2]),
    skeleton,
    pose_estimation_series: series,
  });
  // hand labels the model was trained on: one frame with one instance of the skeleton
  const instance = new ndxPoseTypes.SkeletonInstance({
    id: 0,
    node_locations: [
      [10, 20],
      [50, 60],
    ],
    node_visibility: [true, false],
    skeleton,
  });
  const frame = new ndxPoseTypes.TrainingFrame({
    name: "frame_0",
    annotator: "tester",
    skeleton_instances: new ndxPoseTypes.SkeletonInstances({ skeleton_instance: [instance] }),
  });
  const training = new ndxPoseTypes.PoseTraining({
    training_frames: new ndxPoseTypes.TrainingFrames({ training_frame: [frame] }),
  });
  const behavior = nwbfile.createProcessingModule("behavior", "pose estimation");
  behavior.add(new ndxPoseTypes.Skeletons({ skeleton: [skeleton] }));
  behavior.add(pose);
  behavior.add(training);
  return nwbfile;
}

function soundFile(): NWBFile {
  const nwbfile = newFile();
  nwbfile.addAcquisition(
    new ndxSoundTypes.AcousticWaveformSeries({
      name: "microphone",
      data: Int16Array.from([0, 120, -340, 5]),
      rate: 250000.5,
    }),
  );
  return nwbfile;
}

function eventsFile(): NWBFile {
  const nwbfile = newFile();
  const events = new ndxEventsTypes.EventsTable({
    name: "lever_presses",
    description: "rising edges of the lever line",
  });
  events.addRow({ timestamp: 1.5, duration: 0.2 });
  events.addRow({ timestamp: 3.25, duration: Number.NaN });
  nwbfile.createProcessingModule("behavior", "task events").add(events);
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
