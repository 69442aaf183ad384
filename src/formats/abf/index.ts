/**
 * Axon ABF reader (pCLAMP / Clampex / AxoScope files, ABF 1.x and 2.x): header, sweeps of each channel as lazy
 * raw sources with their physical scaling, and the command waveforms rebuilt from the protocol epochs.
 * Knows nothing of NWB.
 *
 * @example
 * ```ts
 * const abf = openAbfFile("cell1_0003.abf");
 * for (const [s, sweep] of abf.header.sweeps.entries()) console.log(s, sweep.startTime, sweep.rows);
 * ```
 */
export {
  ABF_BLOCK_BYTES,
  type AbfAdcChannel,
  type AbfDacChannel,
  type AbfEpoch,
  type AbfExperimentType,
  type AbfHeader,
  type AbfOperationMode,
  type AbfSweep,
  type AbfTag,
  type AbfTelegraph,
  type AbfTelegraphMode,
  type AbfWaveformSource,
  readAbfHeader,
} from "./header.js";
export { type AbfRecording, commandUnavailableReason, openAbfFile } from "./recording.js";
