/**
 * File names of the legacy "Open Ephys format" (gui-docs, "Open Ephys format"; plugin-GUI
 * `OriginalRecording.cpp` and the open-ephys-data-format plugin for GUI 0.6):
 *
 * - GUI 0.4/0.5: `<nodeId>_<channel>[_<experiment>].continuous`, events of every processor in
 *   `all_channels[_<experiment>].events`;
 * - GUI >= 0.6 plugin: `<nodeId>_<stream>_<channel>[_<experiment>].continuous` and
 *   `<nodeId>_<stream>[_<experiment>].events` (underscores inside stream and channel names become '-').
 *
 * The first experiment has no suffix, the N-th has `_N`. All files of a Record Node lie in one flat folder.
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/** What a `.continuous` file name says. */
export interface LegacyContinuousName {
  readonly fileName: string;
  readonly nodeId: number;
  /** Stream name (GUI >= 0.6 names), undefined for 0.4/0.5 names. */
  readonly stream: string | undefined;
  /** Channel name, e.g. `CH1`, `AUX3`, `ADC1`. */
  readonly channel: string;
  /** Letters before the channel number (`CH`, `AUX`, `ADC`); the whole name when it has no number. */
  readonly channelType: string;
  /** The channel number, NaN when the name has none. */
  readonly channelNumber: number;
  readonly experiment: number;
}

/** What a `.events` file name says. */
export interface LegacyEventsName {
  readonly fileName: string;
  /** undefined for `all_channels` files (every processor). */
  readonly nodeId: number | undefined;
  readonly stream: string | undefined;
  readonly experiment: number;
}

/** Parses a `.continuous` file name; undefined when it does not follow the GUI's pattern. */
export function parseContinuousName(fileName: string): LegacyContinuousName | undefined {
  const m = /^(\d+)_(.+)\.continuous$/.exec(fileName);
  if (!m) return undefined;
  const parts = m[2]!.split("_");
  let experiment = 1;
  if (parts.length >= 2 && /^\d+$/.test(parts[parts.length - 1]!)) experiment = Number(parts.pop());
  if (parts.length > 2 || parts.some((p) => p === "")) return undefined;
  const channel = parts[parts.length - 1]!;
  const stream = parts.length === 2 ? parts[0] : undefined;
  const typed = /^(.*?)(\d+)$/.exec(channel);
  return {
    fileName,
    nodeId: Number(m[1]),
    stream,
    channel,
    channelType: typed && typed[1] !== "" ? typed[1]! : channel,
    channelNumber: typed && typed[1] !== "" ? Number(typed[2]) : Number.NaN,
    experiment,
  };
}

/** Parses a `.events` file name (`messages*.events`, which hold text, give undefined). */
export function parseEventsName(fileName: string): LegacyEventsName | undefined {
  let m = /^all_channels(?:_(\d+))?\.events$/.exec(fileName);
  if (m) return { fileName, nodeId: undefined, stream: undefined, experiment: m[1] ? Number(m[1]) : 1 };
  m = /^(\d+)_([^_]+)(?:_(\d+))?\.events$/.exec(fileName);
  if (m) return { fileName, nodeId: Number(m[1]), stream: m[2], experiment: m[3] ? Number(m[3]) : 1 };
  return undefined;
}

function hasContinuousFiles(folder: string): boolean {
  try {
    return readdirSync(folder).some((name) => name.endsWith(".continuous"));
  } catch {
    return false;
  }
}

/**
 * Folders holding legacy `.continuous` files: the folder itself, else its sub-folders (a session folder
 * with Record Node folders inside).
 */
export function findLegacyFolders(folderPath: string): string[] {
  if (hasContinuousFiles(folderPath)) return [folderPath];
  let names: string[];
  try {
    names = readdirSync(folderPath);
  } catch {
    return [];
  }
  return names
    .filter((name) => !name.startsWith("."))
    .map((name) => join(folderPath, name))
    .filter((path) => {
      try {
        return statSync(path).isDirectory() && hasContinuousFiles(path);
      } catch {
        return false;
      }
    })
    .sort();
}

/** The first folder holding legacy files, if any. */
export function findLegacyFolder(folderPath: string): string | undefined {
  return findLegacyFolders(folderPath)[0];
}
