/**
 * UCLA Miniscope DAQ software recordings (software v1.x, the layout of Miniscope V3/V4 and its cameras).
 *
 * A recording folder (one per press of "record", named by its start time such as `15_03_28`) holds a
 * `metaData.json` with `recordingStartTime` (local date fields and `msecSinceEpoch`) and the names of the
 * devices it recorded (`miniscopes`, `cameras`). Each device has a folder named after it with spaces as
 * underscores (`BehavCam 2` -> `BehavCam_2`) holding its own `metaData.json` (settings), `timeStamps.csv`
 * (`Frame Number,Time Stamp (ms),Buffer Index`: milliseconds from the recording start, the first often
 * negative) and the frames in numbered video files `0.avi`, `1.avi`, ... of `framesPerFile` frames each.
 * Layout from the Miniscope DAQ software's documentation (github.com/Aharoni-Lab/Miniscope-DAQ-QT-Software).
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { SourceDataError } from "../../errors.js";

/** The start of a recording as `recordingStartTime` states it. */
export interface MiniscopeStartTime {
  /** Milliseconds since the Unix epoch (UTC). */
  readonly epochMs: number;
  /**
   * Local start time in ISO 8601 with milliseconds, with the UTC offset that the local fields and
   * `msecSinceEpoch` imply (without one when they do not agree on a whole quarter hour).
   */
  readonly iso: string;
}

/** One device (a miniscope or a camera) of a recording. */
export interface MiniscopeDeviceFolder {
  /** Device name as the recording's metaData.json lists it ("Miniscope", "BehavCam 2"). */
  readonly name: string;
  readonly kind: "miniscope" | "camera";
  readonly folderPath: string;
  /** The device's metaData.json (deviceType, frameRate, gain, led0, compression, ROI, ...). */
  readonly settings: Readonly<Record<string, unknown>>;
  /** Frame times in milliseconds from the recording start, one per frame, as timeStamps.csv lists them. */
  readonly timestampsMs: Float64Array;
  /** The numbered video files, in frame order. */
  readonly videoFiles: readonly string[];
}

/** One recording folder. */
export interface MiniscopeRecording {
  readonly folderPath: string;
  readonly startTime: MiniscopeStartTime;
  readonly devices: readonly MiniscopeDeviceFolder[];
}

type Json = Record<string, unknown>;

function readJson(path: string): Json {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new SourceDataError(path, `cannot read the file (${(error as Error).message})`);
  }
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Json;
  } catch (error) {
    throw new SourceDataError(path, `not valid JSON (${(error as Error).message})`);
  }
  throw new SourceDataError(path, "expected a JSON object of settings");
}

const pad = (n: number, width = 2) => String(Math.abs(n)).padStart(width, "0");

/** `recordingStartTime` of a recording's metaData.json. */
export function parseStartTime(start: unknown, file: string): MiniscopeStartTime {
  const fields = (start ?? {}) as Record<string, unknown>;
  const num = (key: string) => {
    const v = fields[key];
    if (typeof v !== "number" || !Number.isFinite(v)) {
      throw new SourceDataError(file, `recordingStartTime.${key} is missing or not a number`);
    }
    return v;
  };
  const [year, month, day, hour, minute, second, msec] = [
    "year",
    "month",
    "day",
    "hour",
    "minute",
    "second",
    "msec",
  ].map(num) as [number, number, number, number, number, number, number];
  const local = `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}:${pad(second)}.${pad(msec, 3)}`;
  const epoch = fields.msecSinceEpoch;
  if (typeof epoch !== "number") {
    // without the epoch time the local fields are all there is: the time zone stays unknown
    return { epochMs: Date.UTC(year, month - 1, day, hour, minute, second, msec), iso: local };
  }
  // the local fields and the epoch time are the same instant: their difference is the UTC offset
  const offsetMinutes = (Date.UTC(year, month - 1, day, hour, minute, second, msec) - epoch) / 60000;
  const quarterHours = Math.round(offsetMinutes / 15);
  if (Math.abs(offsetMinutes - quarterHours * 15) > 0.05 || Math.abs(quarterHours) > 14 * 4) {
    return { epochMs: epoch, iso: local };
  }
  const offset = quarterHours * 15;
  const sign = offset < 0 ? "-" : "+";
  return { epochMs: epoch, iso: `${local}${sign}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}` };
}

/** The "Time Stamp (ms)" column of a timeStamps.csv. */
export function readTimestampsCsv(path: string): Float64Array {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new SourceDataError(path, `cannot read the frame times (${(error as Error).message})`);
  }
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== "");
  const header = (lines[0] ?? "").split(",").map((h) => h.trim());
  const column = header.findIndex((h) => /^time ?stamp/i.test(h));
  if (column < 0) {
    throw new SourceDataError(path, `no "Time Stamp (ms)" column in the header "${lines[0] ?? ""}"`);
  }
  const times = new Float64Array(lines.length - 1);
  for (let i = 1; i < lines.length; i++) {
    const value = Number(lines[i]!.split(",")[column]);
    if (!Number.isFinite(value)) {
      throw new SourceDataError(path, `line ${i + 1}: the time stamp is not a number ("${lines[i]}")`);
    }
    times[i - 1] = value;
  }
  return times;
}

/** The numbered video files of a device folder (`0.avi`, `1.avi`, ..., in number order). */
function videoFilesOf(folder: string): string[] {
  return readdirSync(folder)
    .filter((name) => /^\d+\.(avi|mp4|mkv)$/i.test(name))
    .sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10))
    .map((name) => join(folder, name));
}

/** The folder of a device: its name with spaces as underscores (the DAQ software's rule), or as written. */
function deviceFolderOf(recordingFolder: string, name: string): string | undefined {
  return [name.replace(/ /g, "_"), name]
    .map((candidate) => join(recordingFolder, candidate))
    .find((path) => existsSync(join(path, "timeStamps.csv")));
}

/** A recording folder: its start time and every device listed in its metaData.json that has a folder. */
export function readMiniscopeRecording(folderPath: string): MiniscopeRecording {
  const metadataPath = join(folderPath, "metaData.json");
  const metadata = readJson(metadataPath);
  if (metadata.recordingStartTime === undefined) {
    throw new SourceDataError(
      metadataPath,
      "no recordingStartTime: this is not the metaData.json of a Miniscope DAQ recording folder",
    );
  }
  const startTime = parseStartTime(metadata.recordingStartTime, metadataPath);
  const listed = (key: string) =>
    Array.isArray(metadata[key]) ? (metadata[key] as unknown[]).map(String) : undefined;
  let miniscopes = listed("miniscopes");
  let cameras = listed("cameras");
  if (miniscopes === undefined && cameras === undefined) {
    // without the lists, every folder with frame times is a device; cameras are named so (BehavCam 1, ...)
    const found = readdirSync(folderPath).filter((name) =>
      existsSync(join(folderPath, name, "timeStamps.csv")),
    );
    cameras = found.filter((name) => /cam/i.test(name) && !/miniscope/i.test(name));
    miniscopes = found.filter((name) => !cameras!.includes(name));
  }
  const devices: MiniscopeDeviceFolder[] = [];
  for (const [kind, names] of [
    ["miniscope", miniscopes ?? []],
    ["camera", cameras ?? []],
  ] as const) {
    for (const name of names) {
      const folder = deviceFolderOf(folderPath, name);
      if (!folder) continue;
      const settingsPath = join(folder, "metaData.json");
      devices.push({
        name,
        kind,
        folderPath: folder,
        settings: existsSync(settingsPath) ? readJson(settingsPath) : {},
        timestampsMs: readTimestampsCsv(join(folder, "timeStamps.csv")),
        videoFiles: videoFilesOf(folder),
      });
    }
  }
  return { folderPath, startTime, devices };
}

function hasRecordingMetadata(folder: string): boolean {
  const path = join(folder, "metaData.json");
  if (!existsSync(path)) return false;
  try {
    return readJson(path).recordingStartTime !== undefined;
  } catch {
    return false;
  }
}

/** Deepest folder level searched below a session folder (session / date / animal / time). */
const SEARCH_DEPTH = 4;

/**
 * The recording folders of a session, earliest first: `folderPath` itself when it is a recording folder
 * (or a device folder inside one), else every recording folder below it.
 */
export function findMiniscopeRecordings(folderPath: string): MiniscopeRecording[] {
  if (!existsSync(folderPath) || !statSync(folderPath).isDirectory()) {
    throw new SourceDataError(folderPath, "not a folder: give the Miniscope session or recording folder");
  }
  const folders: string[] = [];
  if (hasRecordingMetadata(folderPath)) folders.push(folderPath);
  else if (existsSync(join(folderPath, "timeStamps.csv")) && hasRecordingMetadata(dirname(folderPath))) {
    folders.push(dirname(folderPath));
  } else {
    const walk = (folder: string, depth: number) => {
      for (const entry of readdirSync(folder, { withFileTypes: true })) {
        if (!entry.isDirectory()) continue;
        const sub = join(folder, entry.name);
        if (hasRecordingMetadata(sub)) folders.push(sub);
        else if (depth < SEARCH_DEPTH) walk(sub, depth + 1);
      }
    };
    walk(folderPath, 1);
  }
  if (folders.length === 0) {
    throw new SourceDataError(
      folderPath,
      "no Miniscope DAQ recording found (a folder with a metaData.json holding recordingStartTime, " +
        "beside device folders such as Miniscope/ with timeStamps.csv and 0.avi); recordings of the older " +
        "DAQ software (timestamp.dat, msCam1.avi) are not read",
    );
  }
  return folders
    .map(readMiniscopeRecording)
    .sort((a, b) => a.startTime.epochMs - b.startTime.epochMs || a.folderPath.localeCompare(b.folderPath));
}

/** A device's folder in one recording, by name; a clear error lists the devices there are. */
export function deviceOf(recording: MiniscopeRecording, name: string): MiniscopeDeviceFolder {
  const folder = name.replace(/ /g, "_");
  const device = recording.devices.find((d) => d.name === name || basename(d.folderPath) === folder);
  if (!device) {
    throw new SourceDataError(
      recording.folderPath,
      `no device '${name}' in this recording (it has: ${recording.devices.map((d) => d.name).join(", ") || "none"})`,
    );
  }
  return device;
}

/** The frame rate a device's settings state ("30FPS", "15 FPS", 20), if any. */
export function statedFrameRate(settings: Readonly<Record<string, unknown>>): number | undefined {
  const value = settings.frameRate;
  const rate = typeof value === "number" ? value : Number.parseFloat(String(value ?? ""));
  return Number.isFinite(rate) && rate > 0 ? rate : undefined;
}

/**
 * A device's frame times in seconds from the start of the first recording, every recording in turn: each
 * recording's times are milliseconds from its own start, placed by the difference of the start times.
 */
export function sessionFrameTimes(
  recordings: readonly MiniscopeRecording[],
  deviceName: string,
): Float64Array[] {
  const origin = recordings[0]?.startTime.epochMs ?? 0;
  return recordings.map((recording) => {
    const shift = recording.startTime.epochMs - origin;
    return deviceOf(recording, deviceName).timestampsMs.map((ms) => (shift + ms) / 1000);
  });
}
