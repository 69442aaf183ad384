/**
 * Opening one SpikeGLX stream: a `.bin` of interleaved int16 samples and the `.meta` beside it.
 * The sample count comes from the size of the `.bin` on disk (a copied or clipped file can be shorter
 * than its meta's `fileSizeBytes`), and that size must be a whole number of time points.
 */
import { statSync } from "node:fs";
import { basename } from "node:path";
import type { ChunkSource } from "../../data/lazy.js";
import { SourceDataError } from "../../errors.js";
import { InterleavedFile } from "../interleaved.js";
import { SpikeGLXMeta } from "./meta.js";
import {
  type DigitalEvents,
  decodeDigitalEdges,
  findDigitalLine,
  type NidqChannel,
  readNidqLayout,
} from "./nidq.js";
import { type ImecChannel, type ImecProbeInfo, readImecProbe } from "./probe.js";

/** `ap` and `lf`: the two bands of an imec probe; `nidq`: the NI-DAQ stream. */
export type SpikeGLXStreamKind = "ap" | "lf" | "nidq";

interface StreamCommon {
  readonly binPath: string;
  readonly metaPath: string;
  readonly meta: SpikeGLXMeta;
  /** `imec0.ap`, `imec1.lf` or `nidq`. */
  readonly streamId: string;
  /** Samples per second per channel (`imSampRate` / `niSampRate`, calibrated when calibration was run). */
  readonly samplingRate: number;
  /** Time points in the `.bin`, from its size on disk. */
  readonly numSamples: number;
  /** Channels per time point (`nSavedChans`). */
  readonly numSavedChannels: number;
  /** Index of the file's first sample among all samples of the run (`firstSample`). */
  readonly firstSample: number;
  /** firstSample / samplingRate: start of the file on the run's clock, in seconds. */
  readonly startTime: number;
  /**
   * `fileCreateTime` as written: local date and time of the recording machine, ISO 8601 without a time
   * zone (SpikeGLX records none; attach one from the session's metadata if needed).
   */
  readonly sessionStartTime: string | undefined;
  /** Size the meta file expected (`fileSizeBytes`); differs from the real size for clipped copies. */
  readonly expectedFileSizeBytes: number | undefined;
  /** Header fields that change timing or scale but are missing; each message names the file, the field and the value used. */
  readonly fallbacks: readonly string[];
}

/** An AP or LF stream of one imec probe. */
export interface ImecStream extends StreamCommon {
  readonly kind: "ap" | "lf";
  /** N of `imecN` (0 when the file name has no index, as for Phase 3A). */
  readonly probeIndex: number;
  readonly probe: ImecProbeInfo;
  /** Every saved channel, in file order (the sync word(s) last). */
  readonly channels: readonly ImecChannel[];
  /**
   * int16 samples, shape (numSamples, channels), of the given saved-channel indices
   * (default: every channel that is not a sync word).
   */
  data(channels?: readonly number[]): ChunkSource;
  /** The `which`-th sync word alone (NP2020 quad-base probes have one per shank), shape (numSamples). */
  syncData(which?: number): ChunkSource;
}

/** The NI-DAQ stream. */
export interface NidqStream extends StreamCommon {
  readonly kind: "nidq";
  readonly probeIndex: undefined;
  readonly channels: readonly NidqChannel[];
  /** Digital line numbers saved in the file. */
  readonly digitalLines: readonly number[];
  /** int16 samples of the given saved-channel indices (default: the analog channels), (numSamples, channels). */
  data(channels?: readonly number[]): ChunkSource;
  /** Rising and falling edge times of a digital line, in seconds on the run's clock (see startTime). */
  digitalEvents(line: number): Promise<DigitalEvents>;
}

export type SpikeGLXStream = ImecStream | NidqStream;

export interface OpenSpikeGLXStreamOptions {
  /** Largest single read in bytes (default 8 MiB); a smaller value only splits reads. */
  readonly blockBytes?: number;
}

const BIN_NAME = /\.(?:imec(\d*)\.(ap|lf)|(nidq))\.bin$/i;

/**
 * Opens a SpikeGLX `.bin` and its `.meta`: validates the file size, reads the channel table, and offers
 * lazy sources that read only the rows asked for.
 */
export function openSpikeGLXStream(binPath: string, options: OpenSpikeGLXStreamOptions = {}): SpikeGLXStream {
  if (!/\.bin$/i.test(binPath)) {
    throw new SourceDataError(
      binPath,
      "expected a SpikeGLX binary file ending in .bin (pass the .bin, not the .meta)",
    );
  }
  const metaPath = binPath.replace(/\.bin$/i, (ext) => (ext === ".BIN" ? ".META" : ".meta"));
  let size: number;
  try {
    const info = statSync(binPath);
    if (!info.isFile()) throw new SourceDataError(binPath, "is not a file");
    size = info.size;
  } catch (error) {
    if (error instanceof SourceDataError) throw error;
    throw new SourceDataError(binPath, `cannot read the binary file (${(error as Error).message})`);
  }
  try {
    statSync(metaPath);
  } catch {
    throw new SourceDataError(
      binPath,
      `no metadata file beside it (expected ${basename(metaPath)}); SpikeGLX writes a .meta with every .bin: copy it into the same folder`,
    );
  }
  const meta = SpikeGLXMeta.read(metaPath);

  const nameMatch = BIN_NAME.exec(basename(binPath));
  const typeThis = meta.optionalString("typeThis");
  const kind = streamKind(meta, nameMatch, typeThis);

  const numSavedChannels = meta.integer("nSavedChans");
  if (numSavedChannels <= 0) {
    throw new SourceDataError(
      metaPath,
      `nSavedChans is ${numSavedChannels}; a stream needs at least one channel`,
    );
  }
  const rowBytes = numSavedChannels * 2;
  if (size % rowBytes !== 0) {
    throw new SourceDataError(
      binPath,
      `size ${size} bytes is not a whole number of samples (${numSavedChannels} saved channels x 2 bytes = ${rowBytes} bytes each; ${size % rowBytes} bytes left over): truncated? Use the complete file, or cut it to a multiple of ${rowBytes} bytes`,
    );
  }
  const numSamples = size / rowBytes;
  if (numSamples === 0)
    throw new SourceDataError(binPath, "holds no samples (the file is empty); there is nothing to convert");
  const samplingRate = meta.number(kind === "nidq" ? "niSampRate" : "imSampRate");
  if (samplingRate <= 0) {
    throw new SourceDataError(metaPath, `sampling rate is ${samplingRate}; it must be positive`);
  }
  const fallbacks: string[] = [];
  const firstSample = meta.optionalInteger("firstSample") ?? 0;
  if (!meta.has("firstSample"))
    fallbacks.push(
      `${metaPath}: firstSample is missing, so the file's start on the run's clock is unknown; starting_time 0 s is used`,
    );
  if (kind === "nidq" && !meta.has("niMaxInt"))
    fallbacks.push(
      `${metaPath}: niMaxInt is missing; 32768 (SpikeGLX's default) is used to scale samples to volts`,
    );
  const createTime = meta.optionalString("fileCreateTime");
  const file = new InterleavedFile({
    path: binPath,
    dtype: "int16",
    numChannels: numSavedChannels,
    records: { kind: "contiguous", offset: 0, rows: numSamples },
    ...(options.blockBytes !== undefined && { blockBytes: options.blockBytes }),
  });

  const common = {
    binPath,
    metaPath,
    meta,
    samplingRate,
    numSamples,
    numSavedChannels,
    firstSample,
    startTime: firstSample / samplingRate,
    sessionStartTime:
      createTime !== undefined && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(createTime)
        ? createTime
        : undefined,
    expectedFileSizeBytes: meta.optionalNumber("fileSizeBytes"),
    fallbacks,
  };

  if (kind === "nidq") {
    const layout = readNidqLayout(meta);
    checkChannelCount(metaPath, layout.channels.length, numSavedChannels);
    const analog = layout.channels.filter((c) => c.kind !== "XD").map((c) => c.index);
    const stream: NidqStream = {
      ...common,
      kind,
      streamId: "nidq",
      probeIndex: undefined,
      channels: layout.channels,
      digitalLines: layout.digitalLines,
      data: (channels) => file.source(channels ?? analog),
      digitalEvents: async (line) => {
        const source = findDigitalLine(layout, line);
        if (!source) {
          throw new SourceDataError(
            binPath,
            `digital line ${line} was not saved; saved lines: ${layout.digitalLines.join(", ") || "none"}`,
          );
        }
        const [events] = await decodeDigitalEdges(file, [source], samplingRate, firstSample);
        return events!;
      },
    };
    return stream;
  }

  const probe = readImecProbe(meta);
  checkChannelCount(metaPath, probe.channels.length, numSavedChannels);
  const neural = probe.channels.filter((c) => !c.isSync).map((c) => c.index);
  const sync = probe.channels.filter((c) => c.isSync).map((c) => c.index);
  const probeIndex = nameMatch?.[1] ? Number(nameMatch[1]) : 0;
  const stream: ImecStream = {
    ...common,
    kind,
    streamId: `imec${probeIndex}.${kind}`,
    probeIndex,
    probe: probe.info,
    channels: probe.channels,
    data: (channels) => file.source(channels ?? neural),
    syncData: (which = 0) => {
      const column = sync[which];
      if (column === undefined) {
        throw new SourceDataError(
          binPath,
          `has ${sync.length} sync channel(s) saved; sync channel ${which} does not exist`,
        );
      }
      return file.columnSource(column);
    },
  };
  return stream;
}

function streamKind(meta: SpikeGLXMeta, nameMatch: RegExpExecArray | null, typeThis: string | undefined) {
  if (typeThis === "obx") {
    throw new SourceDataError(meta.path, "OneBox (obx) streams are not supported by this reader");
  }
  const named = nameMatch?.[3] ? "nidq" : nameMatch?.[2] ? "imec" : undefined;
  if (named !== undefined && typeThis !== undefined && named !== typeThis) {
    throw new SourceDataError(
      meta.path,
      `the file name says ${named} but the meta says typeThis=${typeThis}; was the file renamed? Restore its SpikeGLX name`,
    );
  }
  if (named === "nidq" || typeThis === "nidq") return "nidq" as const;
  if (nameMatch?.[2]) return nameMatch[2].toLowerCase() as "ap" | "lf";
  if (typeThis !== "imec") {
    throw new SourceDataError(
      meta.path,
      `cannot tell the stream type: typeThis is '${typeThis ?? "missing"}' and the file name does not end in .imecN.ap.bin, .imecN.lf.bin or .nidq.bin`,
    );
  }
  // An imec file renamed beyond recognition: the band with channels saved decides.
  const [ap] = meta.integers("snsApLfSy", 3);
  return ap! > 0 ? ("ap" as const) : ("lf" as const);
}

function checkChannelCount(metaPath: string, described: number, saved: number): void {
  if (described !== saved) {
    throw new SourceDataError(metaPath, `describes ${described} saved channels but nSavedChans is ${saved}`);
  }
}
