/**
 * Open Ephys reader: the binary format (structure.oebin, continuous.dat, .npy files; GUI >= 0.5, with the
 * 0.5 file names) and the legacy "Open Ephys format" (.continuous/.events files, format versions 0.4 to
 * 0.6). Knows nothing of NWB. Headers are parsed synchronously; samples, sample numbers and timestamps are
 * `ChunkSource`s read on demand; TTL events are read on request.
 *
 * Choices, and where they come from:
 * - Stream names are neo's and NeuroConv's: `<Record Node>#<folder_name>` (binary), `Signals CH` etc.
 *   (legacy); see {@link getOpenEphysStreamNames}.
 * - A block is one (record node, experiment, recording); `blockIndex` is its position in the ordered list.
 *   neo and NeuroConv number blocks by experiment and treat recordings as segments: the two agree when every
 *   experiment has one recording.
 * - `bit_volts` is µV per bit for headstage channels and V per bit for ADC channels (gui-docs); how a
 *   channel is classified is in `channels.ts`. neo 0.11.1 and NeuroConv 0.4.7 take every binary-format
 *   bit_volts as µV, which makes NI-DAQ inputs 10^6 too small.
 * - `startTime` is first sample number / rate (neo, NeuroConv); GUI >= 0.6 also gives synchronized
 *   timestamps (`firstTimestamp`, `timestamps()`), on the Record Node's main-stream clock, as are TTL
 *   event `timestamp`s.
 * - TTL lines are numbered from 1 as the GUI numbers them; `state` is +1 (rising) or -1 (falling).
 * - Neuropixels geometry comes from settings.xml (`settings.ts` lists the elements).
 */
import { getOpenEphysBinaryStreamNames } from "./binary.js";
import { detectOpenEphysFormat, discoverOpenEphysRecordings } from "./discover.js";
import { discoverOpenEphysLegacyRecordings, legacyStreamNames } from "./legacy.js";

export {
  getOpenEphysBinaryStreamNames,
  type OpenEphysBinaryStream,
  type OpenEphysStreamCommon,
  type OpenOpenEphysStreamOptions,
  openOpenEphysBinaryStream,
} from "./binary.js";
export {
  classifyChannel,
  type OpenEphysBitUnit,
  type OpenEphysChannel,
  type OpenEphysChannelKind,
} from "./channels.js";
export {
  detectOpenEphysFormat,
  discoverOpenEphysRecordings,
  type OpenEphysBinaryStreamEntry,
  type OpenEphysEventStreamEntry,
  type OpenEphysFormat,
  type OpenEphysRecordingBlock,
} from "./discover.js";
export { type OpenEphysTtlEvents, type OpenEphysTtlLine, readBinaryTtlEvents } from "./events.js";
export {
  discoverOpenEphysLegacyRecordings,
  LEGACY_RECORD_BYTES,
  LEGACY_RECORD_MARKER,
  LEGACY_SAMPLES_PER_RECORD,
  type OpenEphysLegacyBlock,
  type OpenEphysLegacyStream,
  type OpenEphysLegacyStreamEntry,
  openOpenEphysLegacyStream,
  readLegacyTtlEvents,
} from "./legacy.js";
export { type LegacyHeader, parseLegacyHeader, SUPPORTED_LEGACY_VERSIONS } from "./legacyHeader.js";
export {
  type OpenEphysElectrode,
  type OpenEphysProbe,
  type OpenEphysSettings,
  parseOpenEphysDate,
  readOpenEphysSettings,
} from "./settings.js";

/**
 * The distinct continuous stream names of an Open Ephys folder of either format, sorted by code point.
 *
 * Binary format: `<Record Node folder>#<folder_name>`, e.g. `Record Node 101#Neuropix-PXI-100.ProbeB`,
 * exactly as neo (`OpenEphysBinaryRawIO`) and NeuroConv name them; `folder_name` alone (e.g.
 * `Neuropix-PXI-100.ProbeB`) when the recording has no Record Node level (GUI < 0.5). The stream
 * functions also accept the bare folder name when only one Record Node has it.
 *
 * Legacy format: `Signals CH`, `Signals AUX`, `Signals ADC` as neo (`OpenEphysRawIO`) names them, with
 * ` (<processor id>[ <stream>])` appended when several processors recorded.
 */
export function getOpenEphysStreamNames(folderPath: string): string[] {
  return detectOpenEphysFormat(folderPath) === "binary"
    ? getOpenEphysBinaryStreamNames(folderPath)
    : legacyStreamNames(discoverOpenEphysLegacyRecordings(folderPath));
}

/** One recording (block) that holds a stream. */
export interface OpenEphysBlockOfStream {
  readonly blockIndex: number;
  readonly experiment: number;
  readonly recording: number;
}

/**
 * Every block (experiment, recording) of a folder that holds the stream `streamName` (its full name), in
 * order: the `blockIndex` values it can be opened with.
 */
export function getOpenEphysBlocksOfStream(folderPath: string, streamName: string): OpenEphysBlockOfStream[] {
  const blocks =
    detectOpenEphysFormat(folderPath) === "binary"
      ? discoverOpenEphysRecordings(folderPath)
      : discoverOpenEphysLegacyRecordings(folderPath);
  return blocks
    .filter((b) => b.streams.some((s) => s.name === streamName))
    .map(({ blockIndex, experiment, recording }) => ({ blockIndex, experiment, recording }));
}
