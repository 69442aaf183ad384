/**
 * Bruker PrairieView T-series folders: the `<name>.xml` (PVScan) lists every frame with its time and one
 * File per channel; the pixels are OME-TIFF files (one page each, or several with a `page` attribute).
 * A "TSeries ZSeries Element" sequence is one volume whose frames are its planes; other T-series
 * sequences ("TSeries Timed Element") hold one frame per time point of a single plane.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { SourceDataError } from "../../errors.js";
import { childrenNamed, readXmlFile, type XmlElement } from "../xml.js";

/** Where one channel of one frame is. */
export interface BrukerFrameFile {
  readonly fileName: string;
  /** 0-based page in the file. */
  readonly page: number;
}

export interface BrukerFrame {
  /** Seconds (`absoluteTime`). */
  readonly time: number;
  /** By channel name. */
  readonly files: Readonly<Record<string, BrukerFrameFile>>;
}

export interface BrukerTSeries {
  readonly folder: string;
  readonly xmlPath: string;
  readonly version: string;
  /** Local start time (ISO 8601, no zone) from the PVScan date. */
  readonly startTime?: string;
  readonly channelNames: readonly string[];
  readonly numPlanes: number;
  /** samples[t][z]: the frame of plane z at time point (or volume) t. */
  readonly samples: readonly (readonly BrukerFrame[])[];
  /** Top-level PVStateValue entries: plain values and indexed ones as `key/index`. */
  readonly state: ReadonlyMap<string, string>;
  readonly micronsPerPixel?: { readonly x: number; readonly y: number; readonly z?: number };
}

/** `11/3/2022 11:20:34 AM` -> `2022-11-03T11:20:34`. */
function isoFromPrairieDate(text: string | undefined): string | undefined {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2}):(\d{2})(?: ?([AP]M))?$/i.exec(
    text?.trim() ?? "",
  );
  if (!m) return undefined;
  let hour = Number(m[4]);
  if (m[7]?.toUpperCase() === "PM" && hour < 12) hour += 12;
  if (m[7]?.toUpperCase() === "AM" && hour === 12) hour = 0;
  const pad = (n: number | string, w = 2) => String(n).padStart(w, "0");
  return `${m[3]}-${pad(m[1]!)}-${pad(m[2]!)}T${pad(hour)}:${m[5]}:${m[6]}`;
}

function stateOf(shard: XmlElement | undefined): Map<string, string> {
  const state = new Map<string, string>();
  for (const value of shard ? childrenNamed(shard, "PVStateValue") : []) {
    const key = value.attributes.key ?? "";
    if (value.attributes.value !== undefined) state.set(key, value.attributes.value);
    for (const indexed of childrenNamed(value, "IndexedValue")) {
      state.set(`${key}/${indexed.attributes.index}`, indexed.attributes.value ?? "");
    }
  }
  return state;
}

/** The T-series XML of a folder: the `.xml` whose root is PVScan (not the `.env` or voltage files). */
function findXml(folder: string): string {
  if (!existsSync(folder)) throw new SourceDataError(folder, "the Bruker folder does not exist");
  const named = join(
    folder,
    `${folder
      .replace(/[/\\]+$/, "")
      .split(/[/\\]/)
      .pop()}.xml`,
  );
  if (existsSync(named)) return named;
  const candidates = readdirSync(folder).filter(
    (n) => n.endsWith(".xml") && !/VoltageRecording|VoltageOutput/.test(n),
  );
  if (candidates.length === 0) throw new SourceDataError(folder, "no PrairieView .xml file in this folder");
  return join(folder, candidates[0]!);
}

/**
 * Parses a T-series folder's XML (the TIFF files are not opened).
 *
 * @example
 * ```ts
 * const series = readBrukerTSeries("TSeries-001");
 * console.log(series.channelNames, series.numPlanes, series.samples.length);
 * ```
 */
export function readBrukerTSeries(folder: string): BrukerTSeries {
  const xmlPath = findXml(folder);
  const root = readXmlFile(xmlPath);
  if (root.tag !== "PVScan")
    throw new SourceDataError(xmlPath, `expected a PVScan document, found <${root.tag}>`);
  const state = stateOf(childrenNamed(root, "PVStateShard")[0]);
  const sequences = childrenNamed(root, "Sequence");
  if (sequences.length === 0) throw new SourceDataError(xmlPath, "no <Sequence> (no frames) in the T-series");
  const volumetric = sequences.every((s) => /ZSeries/.test(s.attributes.type ?? ""));
  const channels = new Set<string>();
  const framesOf = (sequence: XmlElement): BrukerFrame[] =>
    childrenNamed(sequence, "Frame").map((frame) => {
      const files: Record<string, BrukerFrameFile> = {};
      for (const file of childrenNamed(frame, "File")) {
        const name = file.attributes.channelName ?? `Ch${file.attributes.channel}`;
        channels.add(name);
        files[name] = {
          fileName: file.attributes.filename ?? "",
          page: Math.max(0, Number(file.attributes.page ?? 1) - 1),
        };
      }
      return {
        time: Number(frame.attributes.absoluteTime ?? frame.attributes.relativeTime ?? Number.NaN),
        files,
      };
    });
  let samples: BrukerFrame[][];
  if (volumetric) {
    samples = sequences.map(framesOf).filter((frames) => frames.length > 0);
    const planes = samples[0]!.length;
    // an acquisition stopped mid-volume leaves a short last cycle
    samples = samples.filter((frames) => frames.length === planes);
  } else {
    samples = sequences.flatMap(framesOf).map((frame) => [frame]);
  }
  if (samples.length === 0) throw new SourceDataError(xmlPath, "no <Frame> with files in the T-series");
  const x = Number(state.get("micronsPerPixel/XAxis"));
  const y = Number(state.get("micronsPerPixel/YAxis"));
  const z = Number(state.get("micronsPerPixel/ZAxis"));
  const startTime = isoFromPrairieDate(root.attributes.date);
  return {
    folder,
    xmlPath,
    version: root.attributes.version ?? "unknown",
    ...(startTime && { startTime }),
    channelNames: [...channels],
    numPlanes: samples[0]!.length,
    samples,
    state,
    ...(x > 0 && y > 0 && { micronsPerPixel: { x, y, ...(z > 0 && { z }) } }),
  };
}
