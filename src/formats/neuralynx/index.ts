/**
 * Neuralynx reader (Cheetah, Pegasus, ATLAS): `.ncs` continuous channels, `Events.nev`, `.nse`/`.ntt` spikes.
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
