/**
 * Intan reader: `.rhd` (RHD2000 recording systems) and `.rhs` (RHS2000 stimulation/recording) files in the
 * traditional, one-file-per-signal-type and one-file-per-channel layouts. Knows nothing of NWB.
 */
export {
  type IntanChannelInfo,
  type IntanFileType,
  type IntanFilterSettings,
  type IntanHeader,
  type IntanSignalGroup,
  type IntanSignalType,
  type IntanSpikeTrigger,
  type IntanStimulationSettings,
  isSupportedVersion,
  parseIntanHeader,
  RHD_MAGIC,
  RHS_MAGIC,
  readIntanHeader,
} from "./header.js";
export {
  blockLayout,
  type IntanBlockLayout,
  type IntanBlockRegion,
  type IntanScale,
  type IntanStreamKind,
  STREAM_LABELS,
  streamChannels,
  streamScale,
} from "./layout.js";
export {
  type IntanAnalogStream,
  type IntanDigitalEvents,
  type IntanDigitalStream,
  type IntanLayout,
  type IntanRecording,
  type IntanStimulationStream,
  type IntanStream,
  type IntanTimestampGap,
  type IntanTimestampReport,
  type OpenIntanFileOptions,
  openIntanFile,
} from "./recording.js";
export { CHANNEL_FILE_PREFIXES, SIGNAL_TYPE_FILES } from "./split.js";
