/**
 * `settings.xml` (one per experiment: `settings.xml` for experiment 1, `settings_N.xml` for experiment N,
 * in the Record Node folder): GUI version, creation date and the Neuropixels probe layout.
 *
 * Probe geometry comes from the Neuropix-PXI plugin's elements (plugin >= 0.3.3):
 * `SIGNALCHAIN/PROCESSOR[@nodeId]/EDITOR//NP_PROBE` (under `EDITOR/CUSTOM_PARAMETERS` from GUI 0.9), whose
 * children `CHANNELS`, `ELECTRODE_XPOS` and `ELECTRODE_YPOS` have one attribute `CH<i>` per recorded
 * channel i (0-based, the stream's channel order): the bank (or `bank:shank`), and the x and y position in
 * µm as the plugin wrote them (x includes 250 µm per shank on multi-shank probes). Which NP_PROBE belongs to
 * which stream follows probeinterface's `read_openephys`: the processor's `STREAM` names with `-AP`/`-LFP`
 * removed, in order of first appearance, name the enabled NP_PROBE elements in order, unless an NP_PROBE
 * has a `custom_probe_name` other than its serial number.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { childNamed, childrenNamed, descendantsNamed, readXmlFile, type XmlElement } from "../xml.js";

/** What `settings.xml` says that a conversion can use. */
export interface OpenEphysSettings {
  readonly path: string;
  /** `INFO/VERSION`, e.g. "0.6.0". */
  readonly version: string | undefined;
  /** `INFO/DATE` as written, e.g. "3 May 2022 10:52:24" (local time of the recording machine). */
  readonly date: string | undefined;
  /** The date as ISO 8601 local time without a zone ("2022-05-03T10:52:24"), when it parses. */
  readonly sessionStartTime: string | undefined;
  readonly root: XmlElement;
}

/** One recording site of a Neuropixels probe. */
export interface OpenEphysElectrode {
  /** Channel index in the stream (the `i` of `CH<i>`). */
  readonly channel: number;
  /** x and y positions in µm as written in settings.xml. */
  readonly x: number;
  readonly y: number;
  /** Bank selected for the channel (`CHANNELS`), when written. */
  readonly bank: number | undefined;
  /** Shank (from a `bank:shank` value), when written. */
  readonly shank: number | undefined;
}

/** A Neuropixels probe described in settings.xml. */
export interface OpenEphysProbe {
  /** Probe name as the streams use it, e.g. "ProbeA". */
  readonly name: string;
  readonly settingsPath: string;
  /** `probe_name` attribute, e.g. "Neuropixels 2.0 - Single Shank". */
  readonly model: string | undefined;
  readonly partNumber: string | undefined;
  readonly serialNumber: string | undefined;
  readonly slot: number | undefined;
  readonly port: number | undefined;
  readonly dock: number | undefined;
  /** One entry per channel with a position, in channel order. */
  readonly electrodes: readonly OpenEphysElectrode[];
}

const MONTHS: Record<string, string> = {
  jan: "01",
  feb: "02",
  mar: "03",
  apr: "04",
  may: "05",
  jun: "06",
  jul: "07",
  aug: "08",
  sep: "09",
  oct: "10",
  nov: "11",
  dec: "12",
};

/** "3 May 2022 10:52:24" (settings.xml) or "15-Jun-2016 145216" (legacy headers) to ISO local time. */
export function parseOpenEphysDate(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const pad = (v: string) => v.padStart(2, "0");
  let m = /^\s*(\d{1,2})[ -]([A-Za-z]{3})[A-Za-z]*[ -](\d{4})\s+(\d{1,2}):(\d{2}):(\d{2})\s*$/.exec(text);
  if (!m) m = /^\s*(\d{1,2})-([A-Za-z]{3})-(\d{4})\s+(\d{2})(\d{2})(\d{2})\s*$/.exec(text);
  if (!m) return undefined;
  const month = MONTHS[m[2]!.toLowerCase()];
  if (!month) return undefined;
  return `${m[3]}-${month}-${pad(m[1]!)}T${pad(m[4]!)}:${m[5]}:${m[6]}`;
}

/** Reads a settings file. */
export function readOpenEphysSettings(path: string): OpenEphysSettings {
  const root = readXmlFile(path);
  const info = childNamed(root, "INFO");
  const version = info && childNamed(info, "VERSION")?.text.trim();
  const date = info && childNamed(info, "DATE")?.text.trim();
  return { path, version, date, sessionStartTime: parseOpenEphysDate(date), root };
}

/** The settings file of an experiment in a Record Node folder, if it exists. */
export function settingsPathFor(recordNodePath: string, experiment: number): string | undefined {
  const path = join(recordNodePath, experiment === 1 ? "settings.xml" : `settings_${experiment}.xml`);
  return existsSync(path) ? path : undefined;
}

function integerAttribute(element: XmlElement, name: string): number | undefined {
  const value = element.attributes[name];
  return value !== undefined && /^-?\d+$/.test(value.trim()) ? Number(value) : undefined;
}

function channelAttributes(element: XmlElement | undefined): Map<number, string> {
  const values = new Map<number, string>();
  if (!element) return values;
  for (const [key, value] of Object.entries(element.attributes)) {
    const m = /^CH(\d+)$/.exec(key);
    if (m) values.set(Number(m[1]), value);
  }
  return values;
}

/**
 * The Neuropixels probe recorded by a stream: the stream's source processor (`nodeId`) and its stream
 * name (`ProbeA-AP`, `ProbeB`, ...). Undefined when the processor has no NP_PROBE or none matches.
 */
export function findNeuropixelsProbe(
  settings: OpenEphysSettings,
  sourceProcessorId: number | undefined,
  streamName: string | undefined,
): OpenEphysProbe | undefined {
  if (sourceProcessorId === undefined) return undefined;
  const processor = descendantsNamed(settings.root, "PROCESSOR").find(
    (p) => Number(p.attributes.nodeId ?? p.attributes.NodeId) === sourceProcessorId,
  );
  if (!processor) return undefined;
  const editor = childNamed(processor, "EDITOR");
  if (!editor) return undefined;
  const probes = descendantsNamed(editor, "NP_PROBE").filter((p) => p.attributes.isEnabled !== "0");
  if (probes.length === 0) return undefined;

  // Probe names from the processor's streams, as probeinterface derives them.
  const names: string[] = [];
  for (const stream of childrenNamed(processor, "STREAM")) {
    const name = (stream.attributes.name ?? "").replace("-AP", "").replace("-LFP", "");
    if (name.includes("ADC") || name === "" || names.includes(name)) continue;
    names.push(name);
  }
  const probeName = (streamName ?? "").replace(/-(AP|LFP)$/, "");
  let index = probes.findIndex((p) => {
    const custom = p.attributes.custom_probe_name;
    return custom !== undefined && custom !== p.attributes.probe_serial_number && custom === probeName;
  });
  if (index === -1) index = names.indexOf(probeName);
  // GUI < 0.6 has no STREAM elements: a processor with a single probe is unambiguous.
  if (index === -1 && names.length === 0 && probes.length === 1) index = 0;
  const probe = probes[index];
  if (!probe) return undefined;

  const banks = channelAttributes(childNamed(probe, "CHANNELS"));
  const xs = channelAttributes(childNamed(probe, "ELECTRODE_XPOS"));
  const ys = channelAttributes(childNamed(probe, "ELECTRODE_YPOS"));
  const electrodes: OpenEphysElectrode[] = [];
  for (const channel of [...xs.keys()].sort((a, b) => a - b)) {
    const x = Number(xs.get(channel));
    const y = Number(ys.get(channel));
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    const [bank, shank] = (banks.get(channel) ?? "").split(":");
    electrodes.push({
      channel,
      x,
      y,
      bank: bank !== undefined && /^\d+$/.test(bank) ? Number(bank) : undefined,
      shank: shank !== undefined && /^\d+$/.test(shank) ? Number(shank) : undefined,
    });
  }
  const a = probe.attributes;
  return {
    name: probeName || names[index] || `probe${index}`,
    settingsPath: settings.path,
    model: a.probe_name,
    partNumber: a.probe_part_number ?? a.probePartNumber,
    serialNumber: a.probe_serial_number ?? a.probeSerialNumber,
    slot: integerAttribute(probe, "slot"),
    port: integerAttribute(probe, "port"),
    dock: integerAttribute(probe, "dock"),
    electrodes,
  };
}
