/**
 * ScanImage TIFF acquisitions: ScanImage 2016 and later (`SI.*` metadata in a header after the BigTIFF
 * header, or in the first page's Software/ImageDescription tag; per-frame times in each page's description)
 * and ScanImage 3.x (`state.*` in the ImageDescription).
 *
 * Pages follow acquisition order: for each volume, for each slice, for each frame of the slice, one page
 * per saved channel; each volume may end with flyback frames that are logged but show no plane. Layout per
 * the ScanImage documentation ("ScanImage BigTiff Specification", "Frame and volume acquisition").
 */
import { readdirSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { SourceDataError } from "../../errors.js";
import { PageSequence, type PageStackOptions } from "../tiff/stack.js";
import { Tag, type TiffFile } from "../tiff/tiff.js";
import { type MatlabValue, parseMatlabAssignments } from "./matlab.js";

/** First word of ScanImage's own header after the BigTIFF header (ScanImage BigTiff specification). */
const SCANIMAGE_MAGIC = 117637889;

export interface ScanImageAcquisition {
  /** The files in acquisition order. */
  readonly files: readonly string[];
  /** "2016+" (SI.* keys) or "3.x" (state.* keys). */
  readonly generation: "2016+" | "3.x";
  /** Every header value, keys as written (`SI.hRoiManager.scanFrameRate`, `state.acq.frameRate`). */
  readonly metadata: ReadonlyMap<string, MatlabValue>;
  /** Names of the saved channels, in page order. */
  readonly channelNames: readonly string[];
  readonly numPlanes: number;
  /** Frames logged per slice (after averaging). */
  readonly framesPerSlice: number;
  /** Frames logged per volume, flyback frames included. */
  readonly framesPerVolumeWithFlyback: number;
  /** Complete volumes (or, without a stack, frames) in the files. */
  readonly numVolumes: number;
  /** Frames per second of one plane's frames (after averaging). */
  readonly frameRate: number;
  /** Volumes per second; equals `frameRate` without a stack. */
  readonly volumeRate: number;
  /** Pixel size in micrometers (x, y), when the header states the field of view. */
  readonly pixelSizeUm?: readonly [number, number];
  /** Local start time (ISO 8601 without zone), when stated. */
  readonly startTime?: string;
  readonly pages: PageSequence;
  /** Pages beyond the last complete volume, left out. */
  readonly leftOverPages: number;
}

function num(metadata: ReadonlyMap<string, MatlabValue>, ...keys: string[]): number | undefined {
  for (const key of keys) {
    const value = metadata.get(key);
    if (typeof value === "number" && Number.isFinite(value)) return value;
    if (typeof value === "boolean") return value ? 1 : 0;
  }
  return undefined;
}

function list(value: MatlabValue | undefined): MatlabValue[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value.flat(2) : [value];
}

/** The files of a multi-file acquisition: `<stem>_<acquisition>_<file>.tif` siblings, in file order. */
export function findScanImageFiles(filePath: string): string[] {
  const match = /^(.*_\d{5})_(\d{5})(\.tiff?)$/i.exec(basename(filePath));
  if (!match) return [filePath];
  const [, stem, , suffix] = match;
  const folder = dirname(filePath);
  const pattern = new RegExp(
    `^${stem!.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}_(\\d{5})${suffix!.replace(".", "\\.")}$`,
  );
  return readdirSync(folder)
    .filter((name) => pattern.test(name))
    .sort()
    .map((name) => join(folder, name));
}

/** The `SI.*` text of a ScanImage 2016+ file: its own header, else the Software or ImageDescription tag. */
function readHeaderText(tiff: TiffFile): { text: string; generation: "2016+" | "3.x" } {
  if (tiff.bigTiff && tiff.littleEndian) {
    const head = Buffer.from(tiff.readBytes(16, 16));
    if (head.length === 16 && head.readUInt32LE(0) === SCANIMAGE_MAGIC) {
      const size = head.readUInt32LE(8);
      const text = new TextDecoder().decode(tiff.readBytes(32, size)).replace(/\0+$/, "");
      return { text, generation: "2016+" };
    }
  }
  const software = tiff.readText(0, Tag.Software) ?? "";
  if (software.includes("SI.")) return { text: software, generation: "2016+" };
  const description = tiff.readText(0, Tag.ImageDescription) ?? "";
  if (description.includes("SI.")) return { text: description, generation: "2016+" };
  if (description.includes("state.")) return { text: description, generation: "3.x" };
  throw new SourceDataError(
    tiff.path,
    "no ScanImage metadata (SI.* or state.* values) in this TIFF; for other TIFF stacks use TiffImagingInterface",
  );
}

/** `[2023 9 22 12 46 9.383]` -> "2023-09-22T12:46:09.383". */
function isoFromEpoch(parts: readonly number[]): string | undefined {
  if (parts.length < 6 || parts.some((p) => !Number.isFinite(p)) || parts[0]! < 1900) return undefined;
  const [y, mo, d, h, mi, s] = parts as [number, number, number, number, number, number];
  const pad = (n: number, w = 2) => String(Math.floor(n)).padStart(w, "0");
  const ms = Math.round((s - Math.floor(s)) * 1000);
  return `${pad(y, 4)}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(s)}${ms ? `.${String(ms).padStart(3, "0")}` : ""}`;
}

/** ScanImage 3.x trigger time `10/9/2017 16:57:07.967` (month/day/year) -> ISO. */
function isoFromTriggerString(text: string): string | undefined {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(text.trim());
  if (!m) return undefined;
  return isoFromEpoch([Number(m[3]), Number(m[1]), Number(m[2]), Number(m[4]), Number(m[5]), Number(m[6])]);
}

/** Pixel size from the corners of the imaged field (µm) and the pixels per line and lines per frame. */
function pixelSize(
  corners: MatlabValue | undefined,
  pixels: number,
  lines: number,
): [number, number] | undefined {
  if (!Array.isArray(corners)) return undefined;
  const points = corners.filter(
    (c): c is number[] => Array.isArray(c) && c.length === 2 && c.every(Number.isFinite),
  );
  if (points.length < 3) return undefined;
  const xs = points.map((p) => p[0]!);
  const ys = points.map((p) => p[1]!);
  const width = Math.max(...xs) - Math.min(...xs);
  const height = Math.max(...ys) - Math.min(...ys);
  return width > 0 && height > 0 ? [width / pixels, height / lines] : undefined;
}

/**
 * Opens an acquisition from one of its files; with `findFiles` (default) the other files of a multi-file
 * acquisition (`name_00001_00002.tif`, ...) are found from the name.
 *
 * @example
 * ```ts
 * const acquisition = openScanImage("vol_00001_00001.tif");
 * console.log(acquisition.channelNames, acquisition.numPlanes, acquisition.volumeRate);
 * const plane2 = scanImagePageLayout(acquisition, { channel: 0, plane: 2 });
 * ```
 */
export function openScanImage(filePath: string, options: { findFiles?: boolean } = {}): ScanImageAcquisition {
  const files = options.findFiles === false ? [filePath] : findScanImageFiles(filePath);
  const pages = PageSequence.open(files);
  const first = pages.files[0]!;
  const { text, generation } = readHeaderText(first);
  const metadata = parseMatlabAssignments(text);
  return generation === "3.x" ? legacy(files, first, metadata, pages) : modern(files, first, metadata, pages);
}

function modern(
  files: readonly string[],
  first: TiffFile,
  metadata: Map<string, MatlabValue>,
  pages: PageSequence,
): ScanImageAcquisition {
  const saved = list(metadata.get("SI.hChannels.channelSave")).filter(
    (c): c is number => typeof c === "number",
  );
  if (saved.length === 0) {
    throw new SourceDataError(
      first.path,
      "SI.hChannels.channelSave names no saved channel; the header is incomplete",
    );
  }
  const allNames = list(metadata.get("SI.hChannels.channelName"));
  const channelNames = saved.map((c) =>
    typeof allNames[c - 1] === "string" ? (allNames[c - 1] as string) : `Channel ${c}`,
  );
  const averaging = Math.max(1, num(metadata, "SI.hScan2D.logAverageFactor") ?? 1);
  const scanFrameRate = num(metadata, "SI.hRoiManager.scanFrameRate");
  if (scanFrameRate === undefined || scanFrameRate <= 0) {
    throw new SourceDataError(first.path, "SI.hRoiManager.scanFrameRate is missing or not a positive number");
  }
  const stack = (num(metadata, "SI.hStackManager.enable") ?? num(metadata, "SI.hFastZ.enable") ?? 0) === 1;
  const numPlanes = stack
    ? Math.max(1, num(metadata, "SI.hStackManager.actualNumSlices", "SI.hStackManager.numSlices") ?? 1)
    : 1;
  const framesPerSlice = stack
    ? Math.max(1, Math.floor((num(metadata, "SI.hStackManager.framesPerSlice") ?? 1) / averaging))
    : 1;
  const flyback =
    stack && (num(metadata, "SI.hFastZ.discardFlybackFrames") ?? 0) === 1
      ? (num(metadata, "SI.hFastZ.numDiscardFlybackFrames") ?? 0)
      : 0;
  const framesPerVolumeWithFlyback = stack
    ? (num(metadata, "SI.hStackManager.numFramesPerVolumeWithFlyback") ??
      numPlanes * framesPerSlice + flyback)
    : 1;
  const frameRate = scanFrameRate / averaging;
  const volumeRate = stack
    ? (num(metadata, "SI.hRoiManager.scanVolumeRate") ?? frameRate / framesPerVolumeWithFlyback)
    : frameRate;
  const description = first.readText(0, Tag.ImageDescription, 4096) ?? "";
  const epoch = list(parseMatlabAssignments(description).get("epoch")).filter(
    (v): v is number => typeof v === "number",
  );
  const pixels = num(metadata, "SI.hRoiManager.pixelsPerLine") ?? first.pages[0]!.width;
  const lines = num(metadata, "SI.hRoiManager.linesPerFrame") ?? first.pages[0]!.height;
  return complete({
    files,
    generation: "2016+",
    metadata,
    channelNames,
    numPlanes,
    framesPerSlice,
    framesPerVolumeWithFlyback,
    frameRate,
    volumeRate,
    pixelSizeUm: pixelSize(metadata.get("SI.hRoiManager.imagingFovUm"), pixels, lines),
    startTime: isoFromEpoch(epoch),
    pages,
  });
}

function legacy(
  files: readonly string[],
  first: TiffFile,
  metadata: Map<string, MatlabValue>,
  pages: PageSequence,
): ScanImageAcquisition {
  const channelNames: string[] = [];
  for (let c = 1; c <= 4; c++) {
    if (
      num(metadata, `state.acq.savingChannel${c}`) === 1 &&
      num(metadata, `state.acq.acquiringChannel${c}`) !== 0
    ) {
      channelNames.push(`Channel ${c}`);
    }
  }
  if (channelNames.length === 0) channelNames.push("Channel 1");
  const frameRate = num(metadata, "state.acq.frameRate");
  if (frameRate === undefined || frameRate <= 0) {
    throw new SourceDataError(first.path, "state.acq.frameRate is missing or not a positive number");
  }
  const numPlanes = Math.max(1, num(metadata, "state.acq.numberOfZSlices") ?? 1);
  // 3.x acquires slices one after another: every frame of slice 1, then of slice 2, ... (a slow stack)
  const framesPerSlice = numPlanes > 1 ? Math.max(1, num(metadata, "state.acq.numberOfFrames") ?? 1) : 1;
  const trigger = metadata.get("state.internal.triggerTimeString");
  return complete({
    files,
    generation: "3.x",
    metadata,
    channelNames,
    numPlanes,
    framesPerSlice,
    framesPerVolumeWithFlyback: numPlanes * framesPerSlice,
    frameRate,
    volumeRate: numPlanes > 1 ? frameRate / (numPlanes * framesPerSlice) : frameRate,
    startTime: typeof trigger === "string" ? isoFromTriggerString(trigger) : undefined,
    pages,
  });
}

function complete(
  partial: Omit<ScanImageAcquisition, "numVolumes" | "leftOverPages" | "pixelSizeUm" | "startTime"> & {
    pixelSizeUm?: readonly [number, number] | undefined;
    startTime?: string | undefined;
  },
): ScanImageAcquisition {
  const channels = partial.channelNames.length;
  const frames = Math.floor(partial.pages.length / channels);
  const perVolume = partial.framesPerVolumeWithFlyback;
  const imaged = partial.numPlanes * partial.framesPerSlice;
  // a last volume whose flyback frames were not logged is complete all the same
  const numVolumes = Math.floor(frames / perVolume) + (frames % perVolume >= imaged ? 1 : 0);
  if (numVolumes === 0) {
    throw new SourceDataError(
      partial.files[0]!,
      `${partial.pages.length} page(s) do not hold one volume of ${imaged} frame(s) × ${channels} channel(s)`,
    );
  }
  const lastVolumeEnd = Math.min(numVolumes * perVolume * channels, partial.pages.length);
  const { pixelSizeUm, startTime, ...rest } = partial;
  return {
    ...rest,
    ...(pixelSizeUm && { pixelSizeUm }),
    ...(startTime && { startTime }),
    numVolumes,
    leftOverPages: partial.pages.length - lastVolumeEnd,
  };
}

/**
 * The pages of one channel: one plane (`plane` given: one frame per sample) or every plane (a volume per
 * sample, planes along the last axis). Samples are the plane's frames in time order.
 */
export function scanImagePageLayout(
  acquisition: ScanImageAcquisition,
  options: { channel: number; plane?: number },
): PageStackOptions & { pageOf(sample: number): number } {
  const { channel, plane } = options;
  const channels = acquisition.channelNames.length;
  const where = acquisition.files[0]!;
  if (!Number.isInteger(channel) || channel < 0 || channel >= channels) {
    throw new SourceDataError(where, `channel ${channel} is not saved: the file has ${channels} channel(s)`);
  }
  if (plane !== undefined && (!Number.isInteger(plane) || plane < 0 || plane >= acquisition.numPlanes)) {
    throw new SourceDataError(
      where,
      `plane ${plane} does not exist: the acquisition has ${acquisition.numPlanes} plane(s)`,
    );
  }
  const { framesPerSlice, framesPerVolumeWithFlyback } = acquisition;
  const pageOf = (sample: number, z = plane ?? 0): number => {
    const volume = Math.floor(sample / framesPerSlice);
    const repeat = sample % framesPerSlice;
    return (volume * framesPerVolumeWithFlyback + z * framesPerSlice + repeat) * channels + channel;
  };
  return {
    numFrames: acquisition.numVolumes * framesPerSlice,
    numPlanes: plane === undefined ? acquisition.numPlanes : 1,
    pageAt: (t, z) => acquisition.pages.at(pageOf(t, plane ?? z)),
    pageOf: (sample) => pageOf(sample),
  };
}

/**
 * Per-frame acquisition times (`frameTimestamps_sec`) of the given acquisition pages, read from the start
 * of each page's description; undefined when the pages do not state them (ScanImage 3.x).
 */
export function scanImageFrameTimes(
  acquisition: ScanImageAcquisition,
  pageIndices: readonly number[],
): Float64Array | undefined {
  if (acquisition.generation === "3.x") return undefined;
  const times = new Float64Array(pageIndices.length);
  for (const [i, index] of pageIndices.entries()) {
    const ref = acquisition.pages.at(index);
    const text = ref.file.readText(ref.page, Tag.ImageDescription, 1024) ?? "";
    const match = /frameTimestamps_sec\s*=\s*([-+\d.eE]+)/.exec(text);
    if (!match) return undefined;
    times[i] = Number(match[1]);
  }
  return times;
}
