/**
 * CED Spike2 reader: 32-bit SON `.smr` files (waveform, event, marker channels). Knows nothing of NWB.
 */
export {
  openSonFile,
  type SonChannelKind,
  type SonEventChannel,
  type SonFile,
  type SonSegment,
  type SonStream,
  type SonWaveChannel,
} from "./son.js";
