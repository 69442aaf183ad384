/**
 * NWB extensions neuroconv carries, generated like the built-in namespaces from the YAML in
 * ../shared/nwb-schema/extensions (scripts/generateSchema.ts). A file caches only those its objects use: the
 * default registry adds them (`registryFor`). To add one, append it here and to `SCHEMA_INPUTS`.
 *
 * - `ndxPose`: ndx-pose 0.3.0 (`Skeleton`, `Skeletons`, `PoseEstimation` linking a skeleton,
 *   `PoseEstimationSeries`, `PoseTraining` and the training-frame types).
 * - `ndxSound`: ndx-sound 0.1.0 (`AcousticWaveformSeries`), the namespace of the ndx-sound 0.2.3 release.
 * - `ndxEvents`: ndx-events 0.4.0 (`EventsTable`, `MeaningsTable`, `TimestampVectorData`, ...).
 */
import type { Namespace } from "../spec.js";
import { ndxEvents } from "./ndxEvents.js";
import { ndxPose } from "./ndxPose.js";
import { ndxSound } from "./ndxSound.js";

export { ndxEvents, ndxPose, ndxSound };

/** Every extension namespace neuroconv carries, by namespace name. */
export const extensionNamespaces: Readonly<Record<string, Namespace>> = {
  "ndx-pose": ndxPose,
  "ndx-sound": ndxSound,
  "ndx-events": ndxEvents,
};
