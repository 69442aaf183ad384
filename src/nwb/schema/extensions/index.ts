/**
 * NWB extensions neuroconv carries, generated like the built-in namespaces (scripts/generateSchema.ts).
 * They are not cached in every file: pass the ones a file uses to {@link createRegistry}.
 *
 * - `ndxPose`: ndx-pose 0.1.1 (`PoseEstimation`, `PoseEstimationSeries`), the release NeuroConv's reference
 *   files cache; generated from the spec cached in `deeplabcut/reference_neuroconv`.
 * - `ndxSound`: ndx-sound 0.1.0 (`AcousticWaveformSeries`), the namespace of the ndx-sound 0.2.3 release.
 * - `ndxEvents`: ndx-events 0.4.0 (`EventsTable`, `MeaningsTable`, `TimestampVectorData`, ...).
 * - `ndxMiniscope`: ndx-miniscope 0.5.1 (`Miniscope`, a Device with the Miniscope DAQ settings), as NeuroConv writes it.
 */
import type { Namespace } from "../spec.js";
import { ndxEvents } from "./ndxEvents.js";
import { ndxMiniscope } from "./ndxMiniscope.js";
import { ndxPose } from "./ndxPose.js";
import { ndxSound } from "./ndxSound.js";

export { ndxEvents, ndxMiniscope, ndxPose, ndxSound };

/** Every extension namespace neuroconv carries, by namespace name. */
export const extensionNamespaces: Readonly<Record<string, Namespace>> = {
  "ndx-pose": ndxPose,
  "ndx-sound": ndxSound,
  "ndx-events": ndxEvents,
  "ndx-miniscope": ndxMiniscope,
};
