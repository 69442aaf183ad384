/**
 * CellExplorer / buzcode session metadata: `<basename>.session.mat` (CellExplorer's `session` struct:
 * `extracellular.sr`, `srLfp`, `nChannels`, `precision`, `leastSignificantBit`, `electrodeGroups.channels`
 * (1-based), `chanCoords`, `brainRegions.<acronym>.channels`, `general.date`/`time`, `animal`) or the older
 * buzcode `<basename>.sessionInfo.mat` (`sessionInfo`: `rates.wideband`, `lfpSampleRate`, `nChannels`,
 * `nBits`, `VoltageRange`, `Amplification`, `AnatGrps(k).Channels` (0-based), `region` per channel).
 * Layouts from CellExplorer's documentation of the session struct ("Session metadata") and buzcode's
 * `bz_getSessionInfo`. Probe coordinates may also come from `<basename>.chanCoords.channelInfo.mat`
 * (or any `*.channelInfo.mat` holding `chanCoords`) and brain coordinates from `<basename>.ccf.channelInfo.mat`.
 */
import { existsSync, readdirSync } from "node:fs";
import { basename, join } from "node:path";
import type { NumericDtype } from "../../data/dtype.js";
import { SourceDataError } from "../../errors.js";
import { isMatStruct, MatArray, type MatStruct, type MatValue, openMatFileSync } from "../matlab/index.js";

/** One channel of the session (column `index` of the binary files). */
export interface CellExplorerChannel {
  /** 0-based column in the `.dat` / `.lfp` files. */
  readonly index: number;
  /** CellExplorer's 1-based channel number, as text. */
  readonly name: string;
  /** Electrode group (shank) the channel belongs to: "Group 1", ... ("Group 0" when in none). */
  readonly group: string;
  /** Probe coordinates (µm), when chanCoords gives them. */
  readonly x?: number;
  readonly y?: number;
  /** Brain region of the channel, when the session assigns one. */
  readonly location?: string;
  /** Allen CCF coordinates from `*.ccf.channelInfo.mat`, when present. */
  readonly ccf?: readonly [number, number, number];
}

/** What a session file states. */
export interface CellExplorerSession {
  /** The session file read. */
  readonly sessionFile: string;
  readonly basename: string;
  readonly samplingRate: number;
  readonly lfpSamplingRate: number | undefined;
  readonly numChannels: number;
  /** Sample type of the `.dat`/`.lfp` files. */
  readonly dtype: NumericDtype;
  /** Microvolts per stored unit. */
  readonly microvoltsPerBit: number;
  readonly channels: readonly CellExplorerChannel[];
  /** Local date and time the session started (`general.date` + `general.time`), without a zone. */
  readonly startTime: string | undefined;
  readonly subject: {
    readonly id?: string;
    readonly sex?: string;
    readonly species?: string;
    readonly strain?: string;
  };
  readonly experimenters: readonly string[];
  readonly description: string | undefined;
}

const PRECISIONS: Record<string, NumericDtype> = {
  int16: "int16",
  uint16: "uint16",
  int32: "int32",
  single: "float32",
  float32: "float32",
  double: "float64",
};

function field(struct: MatValue | undefined, name: string): MatValue | undefined {
  return isMatStruct(struct) ? struct[name] : undefined;
}

function text(value: MatValue | undefined): string | undefined {
  if (typeof value === "string") return value.length > 0 ? value : undefined;
  if (Array.isArray(value) && value.length === 1 && typeof value[0] === "string")
    return value[0] || undefined;
  return undefined;
}

function numberOf(value: MatValue | undefined): number | undefined {
  return value instanceof MatArray && value.length >= 1 ? Number(value.data[0]) : undefined;
}

/** Numbers of a numeric array, or of a cell of numeric arrays, flattened. */
function numberList(value: MatValue | undefined): number[] {
  if (value instanceof MatArray) return Array.from(value.data as ArrayLike<number | bigint>, Number);
  if (Array.isArray(value)) return value.flatMap((item) => numberList(item as MatValue));
  return [];
}

/** Lists of channels per group: a cell of arrays, or a struct array with a `Channels` field. */
function groupLists(value: MatValue | undefined, channelsField: string): number[][] {
  if (Array.isArray(value)) {
    return value.map((item) =>
      isMatStruct(item as MatValue)
        ? numberList((item as MatStruct)[channelsField])
        : numberList(item as MatValue),
    );
  }
  if (isMatStruct(value)) return [numberList(value[channelsField])];
  return [];
}

/** The session file of a folder: `<name>.session.mat`, else buzcode's `<name>.sessionInfo.mat`. */
export function findSessionFile(folderPath: string): string {
  if (!existsSync(folderPath)) throw new SourceDataError(folderPath, "the session folder does not exist");
  const names = readdirSync(folderPath);
  const found =
    names.find((name) => name.endsWith(".session.mat")) ??
    names.find((name) => name.endsWith(".sessionInfo.mat"));
  if (!found) {
    throw new SourceDataError(
      folderPath,
      "no <basename>.session.mat (CellExplorer) or <basename>.sessionInfo.mat (buzcode) in the folder",
    );
  }
  return join(folderPath, found);
}

function readVariable(path: string, name: string): MatValue {
  const mat = openMatFileSync(path);
  try {
    const value = mat.read(name);
    if (value === undefined) {
      throw new SourceDataError(
        path,
        `holds no '${name}' variable (variables: ${mat.variableNames.join(", ")})`,
      );
    }
    return value;
  } finally {
    mat.close();
  }
}

/** Probe coordinates from a `*.channelInfo.mat` holding `chanCoords`, when the session has none. */
function chanCoordsFile(folderPath: string, base: string): MatValue | undefined {
  const preferred = join(folderPath, `${base}.chanCoords.channelInfo.mat`);
  const candidates = [
    preferred,
    ...readdirSync(folderPath)
      .filter((name) => name.endsWith(".channelInfo.mat") && !name.endsWith(".ccf.channelInfo.mat"))
      .map((name) => join(folderPath, name)),
  ];
  for (const path of candidates) {
    if (!existsSync(path)) continue;
    const mat = openMatFileSync(path);
    try {
      if (mat.variableNames.includes("chanCoords")) return mat.read("chanCoords");
    } finally {
      mat.close();
    }
  }
  return undefined;
}

function ccfFile(folderPath: string, base: string): MatValue | undefined {
  const path = join(folderPath, `${base}.ccf.channelInfo.mat`);
  if (!existsSync(path)) return undefined;
  const mat = openMatFileSync(path);
  try {
    return mat.read("ccf");
  } finally {
    mat.close();
  }
}

/**
 * Reads the session of a CellExplorer (or buzcode) folder.
 *
 * @example
 * ```ts
 * const session = readCellExplorerSession("Peter_MS22_180629_110319_concat");
 * console.log(session.samplingRate, session.numChannels, session.channels[0].group);
 * ```
 */
export function readCellExplorerSession(
  folderPath: string,
  sessionFile = findSessionFile(folderPath),
): CellExplorerSession {
  const isBuzcode = sessionFile.endsWith(".sessionInfo.mat");
  const base = basename(sessionFile).replace(/\.(session|sessionInfo)\.mat$/, "");
  if (isBuzcode) {
    const info = readVariable(sessionFile, "sessionInfo");
    const numChannels = numberOf(field(info, "nChannels"));
    const rate = numberOf(field(field(info, "rates"), "wideband"));
    if (numChannels === undefined || rate === undefined) {
      throw new SourceDataError(sessionFile, "sessionInfo lacks nChannels or rates.wideband");
    }
    const groups = groupLists(field(info, "AnatGrps"), "Channels");
    const regions = field(info, "region");
    const bits = numberOf(field(info, "nBits")) ?? 16;
    const range = numberOf(field(info, "VoltageRange"));
    const amplification = numberOf(field(info, "Amplification"));
    const date = text(field(info, "Date"));
    return {
      sessionFile,
      basename: base,
      samplingRate: rate,
      lfpSamplingRate: numberOf(field(info, "lfpSampleRate")) ?? numberOf(field(field(info, "rates"), "lfp")),
      numChannels,
      dtype: bits === 16 ? "int16" : "int32",
      // NeuroScope's scaling: VoltageRange (V) over 2^nBits levels, divided by the amplification.
      microvoltsPerBit: range && amplification ? (range / 2 ** bits / amplification) * 1e6 : 0.195,
      channels: Array.from({ length: numChannels }, (_, index) => {
        const group = groups.findIndex((list) => list.includes(index));
        const location = Array.isArray(regions) ? text(regions[index] as MatValue) : undefined;
        return {
          index,
          name: String(index + 1),
          group: `Group ${group + 1}`,
          ...(location && { location }),
        };
      }),
      startTime: date && /^\d{4}-\d{2}-\d{2}$/.test(date) ? `${date}T00:00:00` : undefined,
      subject: {},
      experimenters: [],
      description: undefined,
    };
  }
  const session = readVariable(sessionFile, "session");
  const extracellular = field(session, "extracellular");
  if (!isMatStruct(extracellular)) throw new SourceDataError(sessionFile, "session.extracellular is missing");
  const numChannels = numberOf(extracellular.nChannels);
  const rate = numberOf(extracellular.sr);
  if (numChannels === undefined || rate === undefined) {
    throw new SourceDataError(sessionFile, "session.extracellular lacks nChannels or sr");
  }
  const precision = text(extracellular.precision) ?? "int16";
  const dtype = PRECISIONS[precision];
  if (!dtype)
    throw new SourceDataError(sessionFile, `session.extracellular.precision '${precision}' is not known`);
  const groups = groupLists(field(extracellular.electrodeGroups, "channels"), "channels");
  const folder = join(sessionFile, "..");
  const coords = isMatStruct(extracellular.chanCoords)
    ? extracellular.chanCoords
    : chanCoordsFile(folder, base);
  const xs = numberList(field(coords, "x"));
  const ys = numberList(field(coords, "y"));
  const ccf = ccfFile(folder, base);
  const ccfAxes = ["x", "y", "z"].map((axis) => numberList(field(ccf, axis)));
  const locations = new Map<number, string>();
  const brainRegions = field(session, "brainRegions");
  if (isMatStruct(brainRegions)) {
    for (const [acronym, region] of Object.entries(brainRegions)) {
      const name = text(field(region, "brainRegion")) ?? acronym;
      for (const channel of numberList(field(region, "channels"))) locations.set(channel, name);
    }
  }
  const general = field(session, "general");
  const animal = field(session, "animal");
  const date = text(field(general, "date"));
  const time = text(field(general, "time"));
  const experimenters = field(general, "experimenters");
  return {
    sessionFile,
    basename: base,
    samplingRate: rate,
    lfpSamplingRate: numberOf(extracellular.srLfp),
    numChannels,
    dtype,
    microvoltsPerBit: numberOf(extracellular.leastSignificantBit) ?? 0.195,
    channels: Array.from({ length: numChannels }, (_, index) => {
      const number = index + 1;
      const group = groups.findIndex((list) => list.includes(number));
      const location = locations.get(number);
      const point = ccfAxes.map((axis) => axis[index]);
      return {
        index,
        name: String(number),
        group: `Group ${group + 1}`,
        ...(xs.length === numChannels && { x: xs[index]!, y: ys[index]! }),
        ...(location && { location }),
        ...(point.every((v) => v !== undefined) && { ccf: point as [number, number, number] }),
      };
    }),
    startTime:
      date && /^\d{4}-\d{2}-\d{2}$/.test(date)
        ? `${date}T${time && /^\d{2}:\d{2}(:\d{2})?$/.test(time) ? time : "00:00:00"}`
        : undefined,
    subject: {
      ...(text(field(animal, "name")) && { id: text(field(animal, "name"))! }),
      ...(text(field(animal, "sex")) && { sex: text(field(animal, "sex"))! }),
      ...(text(field(animal, "species")) && { species: text(field(animal, "species"))! }),
      ...(text(field(animal, "strain")) && { strain: text(field(animal, "strain"))! }),
    },
    experimenters: Array.isArray(experimenters)
      ? experimenters.flatMap((e) => text(e as MatValue) ?? [])
      : text(experimenters)
        ? [text(experimenters)!]
        : [],
    description: text(field(general, "notes")) ?? text(field(general, "sessionType")),
  };
}
