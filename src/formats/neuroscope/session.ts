/**
 * The NeuroScope / ndManager parameter file (`<session>.xml`), per the NeuroSuite format notes
 * (neurosuite.sourceforge.net/formats.html and the ndManager manual): the acquisition system (channel count,
 * bits per sample, sampling rate, voltage range in volts and amplification), the field-potential rate,
 * the anatomical channel groups (shanks; `skip="1"` marks channels the NeuroSuite tools leave out) and
 * the spike-detection groups (the channels behind each `.res.N`/`.clu.N`/`.spk.N` file).
 */
import { existsSync, readdirSync } from "node:fs";
import { basename, dirname, extname, join } from "node:path";
import type { NumericDtype } from "../../data/dtype.js";
import { SourceDataError } from "../../errors.js";
import { childNamed, childrenNamed, readXmlFile, type XmlElement } from "../xml.js";

/** One anatomical group (shank): its channels (0-based, in the file's order) and which are skipped. */
export interface NeuroScopeChannelGroup {
  readonly channels: readonly number[];
  /** `skip="1"` per channel: excluded by the NeuroSuite tools (bad or unused channels). */
  readonly skipped: readonly boolean[];
}

/** One spike-detection group: the channels of its `.spk.N` waveforms and their sample count. */
export interface NeuroScopeSpikeGroup {
  readonly channels: readonly number[];
  /** Samples per spike waveform in `.spk.N` (undefined when the XML omits it). */
  readonly nSamples: number | undefined;
  readonly peakSampleIndex: number | undefined;
}

/** What a NeuroScope parameter file says about a session. */
export interface NeuroScopeSession {
  readonly path: string;
  readonly nChannels: number;
  readonly nBits: number;
  /** Sample type of `.dat`, `.lfp`/`.eeg` and `.spk.N` files. */
  readonly dtype: NumericDtype;
  /** Wide-band (`.dat`) sampling rate in Hz. */
  readonly samplingRate: number;
  /** Field-potential (`.lfp`/`.eeg`) sampling rate in Hz, when the XML gives one. */
  readonly lfpSamplingRate: number | undefined;
  /** Full input range of the converter in volts and the amplifier gain. */
  readonly voltageRange: number;
  readonly amplification: number;
  /** Volts per stored unit at the electrode: voltageRange / 2^nBits / amplification. */
  readonly gainToVolts: number;
  readonly date: string | undefined;
  readonly experimenters: string | undefined;
  readonly description: string | undefined;
  readonly notes: string | undefined;
  /** Anatomical groups (shanks), in the XML's order. */
  readonly groups: readonly NeuroScopeChannelGroup[];
  readonly spikeGroups: readonly NeuroScopeSpikeGroup[];
  /** Sampling rate stated for a file extension in `<files>` (e.g. "lfp" → 1250). */
  readonly fileRates: ReadonlyMap<string, number>;
}

const textOf = (element: XmlElement | undefined) => {
  const text = element?.text.trim();
  return text === undefined || text === "" ? undefined : text;
};

function numberAt(root: XmlElement, path: readonly string[], file: string): number | undefined {
  let element: XmlElement | undefined = root;
  for (const tag of path) element = element && childNamed(element, tag);
  const text = textOf(element);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value)) {
    throw new SourceDataError(file, `<${path.join("/")}> is '${text}', not a number`);
  }
  return value;
}

function required(root: XmlElement, path: readonly string[], file: string): number {
  const value = numberAt(root, path, file);
  if (value === undefined || value <= 0) {
    throw new SourceDataError(
      file,
      `has no positive <${path.join("/")}>; a NeuroScope parameter file must state it (see the ndManager manual)`,
    );
  }
  return value;
}

function channelNumber(element: XmlElement, nChannels: number, file: string): number {
  const value = Number(element.text.trim());
  if (!Number.isInteger(value) || value < 0 || value >= nChannels) {
    throw new SourceDataError(
      file,
      `names channel '${element.text.trim()}' in a channel group; channels are 0 to ${nChannels - 1}`,
    );
  }
  return value;
}

const DTYPE_BY_BITS: Record<number, NumericDtype> = { 16: "int16", 32: "int32" };

/** Parses a NeuroScope/ndManager `.xml` parameter file. */
export function readNeuroScopeSession(path: string): NeuroScopeSession {
  if (!existsSync(path)) {
    throw new SourceDataError(path, "does not exist; give the session's NeuroScope .xml parameter file");
  }
  const root = readXmlFile(path);
  if (root.tag !== "parameters") {
    throw new SourceDataError(
      path,
      `is not a NeuroScope parameter file (root element <${root.tag}>, expected <parameters>)`,
    );
  }
  const acquisition = ["acquisitionSystem"];
  const nChannels = required(root, [...acquisition, "nChannels"], path);
  const nBits = required(root, [...acquisition, "nBits"], path);
  const dtype = DTYPE_BY_BITS[nBits];
  if (dtype === undefined) {
    throw new SourceDataError(path, `states nBits ${nBits}; NeuroScope files hold 16- or 32-bit samples`);
  }
  const voltageRange = required(root, [...acquisition, "voltageRange"], path);
  const amplification = required(root, [...acquisition, "amplification"], path);
  const fileRates = new Map<string, number>();
  const files = childNamed(root, "files");
  for (const file of files ? childrenNamed(files, "file") : []) {
    const extension = textOf(childNamed(file, "extension"));
    const rate = numberAt(file, ["samplingRate"], path);
    if (extension && rate) fileRates.set(extension, rate);
  }
  const general = childNamed(root, "generalInfo");
  const groupsOf = (section: string) => {
    const holder = childNamed(root, section);
    const list = holder && childNamed(holder, "channelGroups");
    return list ? childrenNamed(list, "group") : [];
  };
  const groups = groupsOf("anatomicalDescription").map((group) => {
    const channels = childrenNamed(group, "channel");
    return {
      channels: channels.map((c) => channelNumber(c, nChannels, path)),
      skipped: channels.map((c) => c.attributes.skip === "1"),
    };
  });
  const spikeGroups = groupsOf("spikeDetection").map((group) => {
    const holder = childNamed(group, "channels");
    return {
      channels: (holder ? childrenNamed(holder, "channel") : []).map((c) =>
        channelNumber(c, nChannels, path),
      ),
      nSamples: numberAt(group, ["nSamples"], path),
      peakSampleIndex: numberAt(group, ["peakSampleIndex"], path),
    };
  });
  return {
    path,
    nChannels,
    nBits,
    dtype,
    samplingRate: required(root, [...acquisition, "samplingRate"], path),
    lfpSamplingRate: numberAt(root, ["fieldPotentials", "lfpSamplingRate"], path),
    voltageRange,
    amplification,
    gainToVolts: voltageRange / 2 ** nBits / amplification,
    date: textOf(general && childNamed(general, "date")),
    experimenters: textOf(general && childNamed(general, "experimenters")),
    description: textOf(general && childNamed(general, "description")),
    notes: textOf(general && childNamed(general, "notes")),
    groups,
    spikeGroups,
    fileRates,
  };
}

/**
 * The parameter file of a data file or session folder: `<stem>.xml` beside a data file, else
 * `<folder name>.xml`, else the only `.xml` in the folder.
 */
export function findSessionXml(path: string, isFolder: boolean): string {
  const folder = isFolder ? path : dirname(path);
  const candidates = [
    ...(isFolder ? [] : [join(folder, `${basename(path, extname(path))}.xml`)]),
    join(folder, `${basename(folder)}.xml`),
  ];
  for (const candidate of candidates) if (existsSync(candidate)) return candidate;
  let xmls: string[] = [];
  try {
    xmls = readdirSync(folder).filter((name) => name.toLowerCase().endsWith(".xml"));
  } catch (error) {
    throw new SourceDataError(folder, `cannot be listed (${(error as Error).message})`);
  }
  if (xmls.length === 1) return join(folder, xmls[0]!);
  throw new SourceDataError(
    path,
    xmls.length === 0
      ? "has no NeuroScope .xml parameter file beside it; pass xmlFilePath"
      : `has several .xml files beside it (${xmls.join(", ")}); pass xmlFilePath to choose one`,
  );
}
