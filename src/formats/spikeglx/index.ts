/**
 * SpikeGLX reader: metadata, Neuropixels probe geometry, imec and NI-DAQ streams, run-folder discovery.
 * Knows nothing of NWB.
 */
export { getSpikeGLXStreams, type SpikeGLXStreamFile } from "./discover.js";
export { type MetaTable, parseChannelList, SpikeGLXMeta } from "./meta.js";
export {
  type DigitalEvents,
  type NidqAnalogChannel,
  type NidqChannel,
  type NidqChannelKind,
  type NidqDigitalChannel,
  type NidqLayout,
  readNidqLayout,
} from "./nidq.js";
export {
  type ImecBand,
  type ImecChannel,
  type ImecNeuralChannel,
  type ImecProbe,
  type ImecProbeInfo,
  type ImecSyncChannel,
  readImecProbe,
} from "./probe.js";
export {
  type ImecStream,
  type NidqStream,
  type OpenSpikeGLXStreamOptions,
  openSpikeGLXStream,
  type SpikeGLXStream,
  type SpikeGLXStreamKind,
} from "./recording.js";
