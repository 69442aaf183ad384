/**
 * MEArec simulated recordings (`.h5`), as MEArec's `save_recording_generator` writes them and
 * `load_recordings` reads them back (MEArec documentation, https://mearec.readthedocs.io; neo's MEArecRawIO
 * and probeinterface's `read_mearec` read the same layout):
 *
 * - `recordings`: the traces in µV, float32 by default or an integer type with the µV per unit in its
 *   `gain_to_uV` attribute. Files from MEArec 1.5.0 on (root attribute `mearec_version`) store them as
 *   (samples, channels); older files, and files without the attribute, as (channels, samples).
 * - `channel_positions`: (channels, 3) contact positions in µm; `info/electrodes` describes the probe
 *   (`electrode_name`, `description`, `plane` (the two axes the probe lies in, default "yz"), `shape` and
 *   `size` of the contacts, `sortlist`: the channel each contact is wired to, or "null").
 * - `info/`: every simulation parameter (`info/recordings/fs` is the sampling rate in Hz), saved from
 *   Python dicts: groups for dicts, "null" for None, "[]" for an empty list.
 * - `timestamps` (seconds, one per sample) and `spiketrains/<unit>/times` (seconds), the ground truth.
 */
import type { NumericDtype, TypedArray } from "../../data/dtype.js";
import type { ChunkSource } from "../../data/lazy.js";
import { SourceDataError } from "../../errors.js";
import type { StorageReader } from "../../storage/types.js";
import { checkRange } from "../binary.js";
import { exists, numberAt, withHdf5File } from "../hdf5.js";

/** A simulation parameter as saved under `info/` ("null" read as null). */
export type MearecInfoValue = string | number | boolean | null | readonly (string | number | boolean)[];

/** A group of `info/`: parameters and nested groups. */
export interface MearecInfo {
  readonly [name: string]: MearecInfoValue | MearecInfo;
}

/** The simulated probe, as `info/electrodes` and `channel_positions` describe it. */
export interface MearecProbe {
  /** `info/electrodes/electrode_name`, the MEAutility probe model (e.g. "Neuronexus-32"). */
  readonly name: string;
  readonly description: string | undefined;
  /** The two axes the probe lies in: "xy", "xz" or "yz". */
  readonly plane: "xy" | "xz" | "yz";
  /** Contact shape ("circle", "square", "rect"), when stated. */
  readonly contactShape: string | undefined;
  /** Contact positions in µm, one [x, y, z] per recording channel. */
  readonly positions: readonly (readonly [number, number, number])[];
  /** Positions on the probe plane in µm, one [first axis, second axis] per recording channel. */
  readonly planarPositions: readonly (readonly [number, number])[];
}

/** The traces of a MEArec file. */
export interface MearecRecordings {
  readonly numSamples: number;
  /** µV per stored unit: 1 for float traces, `gain_to_uV` (default 1) for integer ones. */
  readonly gainToUv: number;
  /** How the file stores them. */
  readonly layout: "samples-by-channels" | "channels-by-samples";
  /** Traces as (samples, channels) in the stored type. */
  readonly data: ChunkSource;
}

/** The header of a MEArec file. */
export interface MearecFile {
  readonly path: string;
  /** The root `mearec_version` attribute, or undefined (MEArec then assumes 1.4.0). */
  readonly version: string | undefined;
  readonly samplingRate: number;
  /** Time of the first sample in seconds (`timestamps[0]`; 0 without timestamps). */
  readonly startingTime: number;
  readonly probe: MearecProbe;
  /** The whole `info/` tree. */
  readonly info: MearecInfo;
  /** The traces; undefined when the file holds only the probe and the simulation parameters. */
  readonly recordings: MearecRecordings | undefined;
  /** The simulated units under `spiketrains/`, in MEArec's (numeric) order. */
  readonly spiketrainUnits: readonly string[];
}

const PLANE_AXES = { xy: [0, 1], xz: [0, 2], yz: [1, 2] } as const;

/** Reads the header of a MEArec `.h5` file; the traces stay on disk. */
export function openMearecFile(path: string): MearecFile {
  return withHdf5File(path, "a MEArec file", (file) => {
    if (!exists(file, "/info/recordings/fs") || !exists(file, "/channel_positions")) {
      throw new SourceDataError(
        path,
        "no info/recordings/fs or channel_positions: not a MEArec recording file (MEArec templates files are not recordings)",
      );
    }
    const versionAttribute = file.getAttribute("/", "mearec_version");
    const version = typeof versionAttribute === "string" ? versionAttribute : undefined;
    const samplingRate = numberAt(file, "/info/recordings/fs", path);
    const info = readInfo(file, "/info");
    const probe = readProbe(file, path, info);
    return {
      path,
      version,
      samplingRate,
      startingTime: exists(file, "/timestamps") ? firstTimestamp(file, path) : 0,
      probe,
      info,
      recordings: exists(file, "/recordings")
        ? readRecordings(file, path, version, probe.positions.length)
        : undefined,
      spiketrainUnits: exists(file, "/spiketrains")
        ? file.children("/spiketrains").sort((a, b) => Number(a) - Number(b))
        : [],
    };
  });
}

function readInfo(file: StorageReader, group: string): MearecInfo {
  const info: Record<string, MearecInfoValue | MearecInfo> = {};
  for (const name of file.children(group)) {
    const path = `${group}/${name}`;
    info[name] = file.kind(path) === "group" ? readInfo(file, path) : infoValue(file.readDataset(path));
  }
  return info;
}

function infoValue(value: unknown): MearecInfoValue {
  if (value === "null") return null;
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
  if (value instanceof BigInt64Array || value instanceof BigUint64Array) return Array.from(value, Number);
  if (ArrayBuffer.isView(value) || Array.isArray(value)) {
    return Array.from(value as ArrayLike<string | number | boolean>);
  }
  return String(value);
}

function readProbe(file: StorageReader, path: string, info: MearecInfo): MearecProbe {
  const electrodes = (info.electrodes ?? {}) as MearecInfo;
  const text = (name: string): string | undefined => {
    const value = electrodes[name];
    return typeof value === "string" ? value : undefined;
  };
  const plane = text("plane") ?? "yz";
  if (!(plane in PLANE_AXES)) {
    throw new SourceDataError(path, `info/electrodes/plane is '${plane}'; MEArec uses xy, xz or yz`);
  }
  const axes = PLANE_AXES[plane as keyof typeof PLANE_AXES];
  const { shape } = file.datasetInfo("/channel_positions");
  if (shape.length !== 2 || shape[1] !== 3) {
    throw new SourceDataError(path, `channel_positions is ${shape.join("×")}, not (channels, 3)`);
  }
  const flat = Array.from(file.readDataset("/channel_positions") as ArrayLike<number>);
  const contacts = Array.from({ length: shape[0]! }, (_, i) => {
    const [x, y, z] = flat.slice(3 * i, 3 * i + 3) as [number, number, number];
    return [x, y, z] as const;
  });
  // sortlist[i] is the channel contact i is wired to (probeinterface's device channel indices)
  const sortlist = electrodes.sortlist;
  const positions = Array.isArray(sortlist) ? channelOrder(contacts, sortlist as number[], path) : contacts;
  return {
    name: text("electrode_name") ?? "MEArec probe",
    description: text("description"),
    plane: plane as MearecProbe["plane"],
    contactShape: text("shape"),
    positions,
    planarPositions: positions.map((p) => [p[axes[0]], p[axes[1]]] as const),
  };
}

function channelOrder(
  contacts: readonly (readonly [number, number, number])[],
  sortlist: readonly number[],
  path: string,
): (readonly [number, number, number])[] {
  const byChannel = new Array<readonly [number, number, number]>(contacts.length);
  sortlist.forEach((channel, contact) => {
    const position = contacts[contact];
    if (!Number.isInteger(channel) || channel < 0 || channel >= contacts.length || position === undefined) {
      throw new SourceDataError(
        path,
        `info/electrodes/sortlist does not wire each of the ${contacts.length} contacts to one channel`,
      );
    }
    byChannel[channel] = position;
  });
  if (sortlist.length !== contacts.length || byChannel.includes(undefined as never)) {
    throw new SourceDataError(
      path,
      `info/electrodes/sortlist does not wire each of the ${contacts.length} contacts to one channel`,
    );
  }
  return byChannel;
}

function firstTimestamp(file: StorageReader, path: string): number {
  const first = file.readDataset("/timestamps", [0, 1]) as ArrayLike<number>;
  const value = first[0];
  if (typeof value !== "number") throw new SourceDataError(path, "timestamps is empty or not numeric");
  return value;
}

/** Whether a version string is 1.5.0 or later, from which MEArec stores (samples, channels). */
function samplesFirst(version: string | undefined): boolean {
  if (version === undefined) return false;
  const [major = 0, minor = 0] = version.split(".").map((part) => Number.parseInt(part, 10));
  return major > 1 || (major === 1 && minor >= 5);
}

function readRecordings(
  file: StorageReader,
  path: string,
  version: string | undefined,
  channels: number,
): MearecRecordings {
  const { dtype, shape } = file.datasetInfo("/recordings");
  if (typeof dtype !== "string" || !/^(u?int(8|16|32)|float(32|64))$/.test(dtype)) {
    throw new SourceDataError(path, `recordings are stored as ${JSON.stringify(dtype)}, not numbers`);
  }
  const layout = samplesFirst(version) ? "samples-by-channels" : "channels-by-samples";
  const channelAxis = layout === "samples-by-channels" ? 1 : 0;
  if (shape.length !== 2 || shape[channelAxis] !== channels) {
    throw new SourceDataError(
      path,
      `recordings are ${shape.join("×")}; a file of MEArec ${version ?? "< 1.5 (no mearec_version)"} stores (${layout.replaceAll("-by-", ", ")}) with ${channels} channels (channel_positions)`,
    );
  }
  const gain = file.getAttribute("/recordings", "gain_to_uV");
  const integer = !dtype.startsWith("float");
  return {
    numSamples: shape[1 - channelAxis]!,
    gainToUv: integer && typeof gain === "number" ? gain : 1,
    layout,
    data: tracesSource(path, dtype as NumericDtype, shape[1 - channelAxis]!, channels, layout),
  };
}

/** Traces as (samples, channels): blocks of rows, or of columns transposed for the older layout. */
function tracesSource(
  path: string,
  dtype: NumericDtype,
  samples: number,
  channels: number,
  layout: MearecRecordings["layout"],
): ChunkSource {
  return {
    dtype,
    shape: [samples, channels],
    readRows(start: number, end: number): TypedArray {
      checkRange(start, end, samples, "samples", path);
      return withHdf5File(path, "a MEArec file", (file) => {
        const width = end - start;
        if (layout === "samples-by-channels") {
          return file.readBlock("/recordings", [start, 0], [width, channels]) as TypedArray;
        }
        const block = file.readBlock("/recordings", [0, start], [channels, width]) as TypedArray;
        const out = new (block.constructor as new (length: number) => TypedArray)(block.length);
        for (let c = 0; c < channels; c++) {
          for (let t = 0; t < width; t++) out[t * channels + c] = block[c * width + t]!;
        }
        return out;
      });
    },
  };
}
