/**
 * Neuralynx reader (Cheetah, Pegasus, ATLAS): `.ncs` continuous channels, `Events.nev`, `.nse`/`.ntt` spikes, `.nvt` video tracking.
 * Knows nothing of NWB.
 */
export { type NeuralynxFolder, type NeuralynxStream, openNeuralynxFolder } from "./folder.js";
export { type NeuralynxHeader, parseNeuralynxHeader, readNeuralynxHeader } from "./header.js";
export {
  type NcsFile,
  type NcsSegment,
  type NeuralynxEvents,
  type NeuralynxSpikeFile,
  type NeuralynxSpikeUnit,
  openNcsFile,
  readNeuralynxEvents,
  readNeuralynxSpikes,
} from "./records.js";
export {
  type NeuralynxVideoTracking,
  NVT_RECORD_BYTES,
  readNeuralynxVideoTracking,
} from "./video.js";
