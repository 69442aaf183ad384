/**
 * Finding Open Ephys binary-format recordings. The GUI writes (gui-docs, "Binary format"):
 *
 *     <session>/Record Node <id>/experiment<N>/recording<M>/structure.oebin
 *                                                          /continuous/<processor>-<id>.<stream>/continuous.dat
 *                                                          /events/<processor>-<id>.<stream>/TTL/...
 *
 * A new experiment starts whenever acquisition restarts (sample numbers reset), a new recording whenever
 * recording restarts within an experiment. Numbers need not be contiguous (experiment1, experiment3, ...).
 * GUI versions before 0.5 had no Record Node level. Any level can be given: the session, a Record Node,
 * an experiment or a recording folder.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { SourceDataError } from "../../errors.js";
import { findLegacyFolder } from "./legacyFiles.js";
import { type OebinContinuous, type OebinEvents, readOebin, trimFolderName } from "./oebin.js";
import { settingsPathFor } from "./settings.js";

/** A continuous stream of one recording. */
export interface OpenEphysBinaryStreamEntry {
  /**
   * The stream name as neo and NeuroConv spell it: `<Record Node folder>#<folder_name>`, e.g.
   * `Record Node 101#Neuropix-PXI-100.ProbeB`; just the folder name when there is no Record Node level.
   */
  readonly name: string;
  /** `folder_name` without its trailing slash, e.g. `Neuropix-PXI-100.ProbeB`. */
  readonly folderName: string;
  /** The folder holding `continuous.dat`. */
  readonly folderPath: string;
  readonly sourceProcessorName: string | undefined;
  readonly sourceProcessorId: number | undefined;
  /** `stream_name` (GUI >= 0.6), else the processor sub-index as text. */
  readonly streamName: string | undefined;
  readonly samplingRate: number;
  readonly numChannels: number;
  /** The oebin entry as written. */
  readonly info: OebinContinuous;
}

/** An event stream of one recording (TTL lines, text messages, ...). */
export interface OpenEphysEventStreamEntry {
  /** `folder_name` without its trailing slash, e.g. `Neuropix-PXI-100.ProbeB/TTL`. */
  readonly folderName: string;
  readonly folderPath: string;
  /** Whether the folder holds TTL states (`states.npy`, or `channel_states.npy` before GUI 0.6). */
  readonly isTtl: boolean;
  readonly info: OebinEvents;
}

/** One recording: a (record node, experiment, recording) triple. */
export interface OpenEphysRecordingBlock {
  /** Position in the list returned by {@link discoverOpenEphysRecordings}. */
  readonly blockIndex: number;
  /** The Record Node folder name (e.g. `Record Node 101`), undefined for GUI < 0.5 layouts. */
  readonly recordNode: string | undefined;
  /** The folder holding the experiment folders (and settings.xml). */
  readonly recordNodePath: string;
  /** N of `experimentN`. */
  readonly experiment: number;
  /** M of `recordingM`. */
  readonly recording: number;
  /** The `recordingM` folder. */
  readonly folderPath: string;
  readonly oebinPath: string;
  /** "GUI version" of structure.oebin. */
  readonly guiVersion: string;
  /** settings.xml of the experiment (settings_N.xml for N > 1), when present. */
  readonly settingsPath: string | undefined;
  readonly streams: readonly OpenEphysBinaryStreamEntry[];
  readonly eventStreams: readonly OpenEphysEventStreamEntry[];
}

/** Levels below the given folder that are searched (session > node > experiment > recording). */
const MAX_DEPTH = 5;
/** Folders inside a recording that never hold another recording. */
const DATA_FOLDERS = new Set(["continuous", "events", "spikes"]);

function checkFolder(folderPath: string): void {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(folderPath).isDirectory();
  } catch (error) {
    throw new SourceDataError(folderPath, `cannot open the folder (${(error as Error).message})`);
  }
  if (!isDirectory) {
    throw new SourceDataError(
      folderPath,
      "is not a folder; pass the Open Ephys session, Record Node, experiment or recording folder",
    );
  }
}

function findOebins(folder: string, depth: number, found: string[]): void {
  const oebin = join(folder, "structure.oebin");
  if (existsSync(oebin)) {
    found.push(oebin);
    return;
  }
  if (depth >= MAX_DEPTH) return;
  let entries: import("node:fs").Dirent[];
  try {
    entries = readdirSync(folder, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    if (!entry.isDirectory() || entry.name.startsWith(".") || DATA_FOLDERS.has(entry.name)) continue;
    findOebins(join(folder, entry.name), depth + 1, found);
  }
}

/** Number in a folder name for natural ordering ("Record Node 101" -> 101). */
function trailingNumber(name: string | undefined): number {
  const m = /(\d+)\s*$/.exec(name ?? "");
  return m ? Number(m[1]) : -1;
}

/**
 * Every binary-format recording under `folderPath`, ordered by record node, experiment number and recording
 * number. Throws a SourceDataError when there is none.
 */
export function discoverOpenEphysRecordings(folderPath: string): OpenEphysRecordingBlock[] {
  checkFolder(folderPath);
  const oebins: string[] = [];
  findOebins(folderPath, 0, oebins);
  if (oebins.length === 0) {
    const legacy = findLegacyFolder(folderPath);
    throw new SourceDataError(
      folderPath,
      legacy
        ? `holds Open Ephys legacy-format files (.continuous), not the binary format; use openOpenEphysLegacyStream`
        : "no Open Ephys recording found: expected structure.oebin in a recording<N> folder below it (binary format). Pass the session, Record Node, experiment or recording folder",
    );
  }
  const blocks = oebins.map((oebinPath) => describeRecording(oebinPath));
  blocks.sort(
    (a, b) =>
      trailingNumber(a.recordNode) - trailingNumber(b.recordNode) ||
      (a.recordNode ?? "").localeCompare(b.recordNode ?? "") ||
      a.recordNodePath.localeCompare(b.recordNodePath) ||
      a.experiment - b.experiment ||
      a.recording - b.recording,
  );
  return blocks.map((block, blockIndex) => ({ ...block, blockIndex }));
}

function describeRecording(oebinPath: string): OpenEphysRecordingBlock {
  const folderPath = dirname(oebinPath);
  const experimentPath = dirname(folderPath);
  const recordingMatch = /^recording(\d+)$/.exec(basename(folderPath));
  const experimentMatch = /^experiment(\d+)$/.exec(basename(experimentPath));
  if (!recordingMatch || !experimentMatch) {
    throw new SourceDataError(
      folderPath,
      "holds structure.oebin but is not a 'recording<M>' folder inside an 'experiment<N>' folder; the GUI names them so and the numbers order the recordings: restore the original folder names",
    );
  }
  const recordNodePath = dirname(experimentPath);
  const nodeFolder = basename(recordNodePath);
  // As neo does: a node level exists when the folder is named "Record Node ..." (GUI >= 0.5).
  const recordNode = nodeFolder.startsWith("Record") ? nodeFolder : undefined;
  const experiment = Number(experimentMatch[1]);
  const oebin = readOebin(oebinPath);
  const streams = oebin.continuous.map((info): OpenEphysBinaryStreamEntry => {
    const folderName = trimFolderName(info.folder_name);
    return {
      name: recordNode ? `${recordNode}#${folderName}` : folderName,
      folderName,
      folderPath: join(folderPath, "continuous", folderName),
      sourceProcessorName: info.source_processor_name,
      sourceProcessorId: info.source_processor_id,
      streamName:
        info.stream_name ??
        (info.source_processor_sub_idx === undefined ? undefined : String(info.source_processor_sub_idx)),
      samplingRate: info.sample_rate,
      numChannels: info.num_channels,
      info,
    };
  });
  const eventStreams = oebin.events.map((info): OpenEphysEventStreamEntry => {
    const folderName = trimFolderName(info.folder_name);
    const path = join(folderPath, "events", folderName);
    return {
      folderName,
      folderPath: path,
      isTtl: existsSync(join(path, "states.npy")) || existsSync(join(path, "channel_states.npy")),
      info,
    };
  });
  return {
    blockIndex: -1,
    recordNode,
    recordNodePath,
    experiment,
    recording: Number(recordingMatch[1]),
    folderPath,
    oebinPath,
    guiVersion: oebin.guiVersion,
    settingsPath: settingsPathFor(recordNodePath, experiment),
    streams,
    eventStreams,
  };
}

/** Distinct stream names of the blocks, sorted by code point (as neo and NeuroConv list them). */
export function binaryStreamNames(blocks: readonly OpenEphysRecordingBlock[]): string[] {
  const names = new Set(blocks.flatMap((b) => b.streams.map((s) => s.name)));
  return [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Binary (structure.oebin below the folder) or legacy (.continuous files in it or a Record Node below). */
export type OpenEphysFormat = "binary" | "legacy";

/**
 * Which Open Ephys format a folder holds. Throws a SourceDataError naming the folder when it holds no
 * recording of either format.
 */
export function detectOpenEphysFormat(folderPath: string): OpenEphysFormat {
  checkFolder(folderPath);
  const oebins: string[] = [];
  findOebins(folderPath, 0, oebins);
  if (oebins.length > 0) return "binary";
  if (findLegacyFolder(folderPath)) return "legacy";
  throw new SourceDataError(
    folderPath,
    "no Open Ephys recording found: expected structure.oebin below it (binary format) or .continuous files in it or in a Record Node folder inside it (legacy format)",
  );
}
