/**
 * SpikeGadgets Trodes `.rec` files: an XML header (up to `</Configuration>` and its line end) followed by
 * fixed-size packets. Knows nothing of NWB.
 *
 * Packet layout (Trodes' configuration documentation; the same facts neo's SpikeGadgetsRawIO and Trodes'
 * export tools use): a sync byte 0x55; then, in the order of the `<Device>` elements of
 * `<HardwareConfiguration>`, each device's `numBytes` (digital inputs as bits, analog inputs as int16 at
 * `startByte`, headstage sensors multiplexed, a `SysClock` int64); a uint32 sample counter; 8 bytes of
 * system time when `sysTimeIncluded` is set; then one int16 per recorded neural channel. Neural samples come
 * in hardware order: channel k of every amplifier chip, then channel k + 1 (so with 32 channels per chip
 * and 128 channels: hwChan 0, 32, 64, 96, 1, 33, ...), channels not recorded skipped
 * (python-neo issues 1215 and 1592 verified this against Trodes' own export).
 */
import type { TypedArray } from "../../data/dtype.js";
import type { ChunkSource } from "../../data/lazy.js";
import { SourceDataError } from "../../errors.js";
import { LITTLE_ENDIAN_HOST, readBytesSync, readFullySync, withOpenFile } from "../binary.js";
import { BitEdgeTracker } from "../edges.js";
import { InterleavedFile } from "../interleaved.js";
import { parseXml, type XmlElement } from "../xml.js";

const SYNC_BYTE = 0x55;
const END_TAG = "</Configuration>";
/** Intan amplifiers' step, the scale Trodes assumes when the header states none. */
export const DEFAULT_MICROVOLTS_PER_BIT = 0.195;
/** Header bytes scanned at most for `</Configuration>` (headers of 768-channel probes are ~0.5 MB). */
const MAX_HEADER_BYTES = 16 * 1024 * 1024;

/** One neural channel: where it sits in the packet, which hardware channel and nTrode it is. */
export interface RecChannel {
  /** Hardware channel (`hwChan`). */
  readonly hwChan: number;
  /** The nTrode (`SpikeNTrode` id) it belongs to. */
  readonly nTrodeId: string;
  /** Microvolts per stored value (`rawScalingToUv`, else `spikeScalingToUv`; undefined when neither). */
  readonly microvoltsPerBit: number | undefined;
  /** Position of the channel's samples among the packet's neural samples. */
  readonly packetIndex: number;
  /** Probe coordinates the header states (`coord_ap`, `coord_ml`, `coord_dv`, µm), when it does. */
  readonly coordinates?: { readonly ap: number; readonly ml: number; readonly dv: number };
}

/** A device block of the packet (digital/analog inputs, headstage sensors, clocks). */
export interface RecDevice {
  readonly name: string;
  readonly byteOffset: number;
  readonly numBytes: number;
  /** Channel ids the header lists for it, with their data type. */
  readonly channels: readonly RecDeviceChannel[];
}

/** A channel of a device block as the header describes it. */
export interface RecDeviceChannel {
  readonly id: string;
  readonly dataType: string;
  /** Byte within the device block, and bit for digital channels. */
  readonly startByte: number;
  readonly bit: number;
  /** Multiplexed channels (headstage sensors) share bytes, told apart by an ID bit in each packet. */
  readonly interleaved: boolean;
}

/** Edges of one digital input line, as packet indices. */
export interface RecDigitalLine {
  readonly device: string;
  readonly id: string;
  readonly rising: number[];
  readonly falling: number[];
}

/** A `.rec` file: header facts and the neural samples as a lazy source. */
export interface RecFile {
  readonly path: string;
  readonly samplingRate: number;
  /** Trodes version and other `GlobalConfiguration` attributes as written. */
  readonly global: Readonly<Record<string, string>>;
  /** Unix time in milliseconds when the file was created, when the header states it. */
  readonly systemTimeAtCreation: number | undefined;
  /** Sample counter at creation, when the header states it. */
  readonly timestampAtCreation: number | undefined;
  /** The neural channels in SpikeConfiguration order (nTrode by nTrode). */
  readonly channels: readonly RecChannel[];
  /** `device` attribute of `<SpikeConfiguration>` (e.g. "neuropixels1"), when present. */
  readonly probeDevice: string | undefined;
  readonly devices: readonly RecDevice[];
  readonly headerBytes: number;
  readonly packetBytes: number;
  readonly numPackets: number;
  /** Byte of the uint32 sample counter within a packet. */
  readonly timestampByte: number;
  /** What the file lacks (a cut last packet), naming the file. */
  readonly problems: readonly string[];
  /** Neural samples, (packets, channels) int16, columns in {@link RecFile.channels} order. */
  neuralData(): ChunkSource;
  /** Sample counter of packet `index` (one small read). */
  timestampAt(index: number): number;
  /**
   * Runs of packets whose sample counter advances by one per packet: the first packet of each run and its
   * counter. More than one run means packets were dropped. Found by bisection on the counters, so a file
   * without gaps costs two reads.
   */
  clockRuns(): { readonly firstIndex: number; readonly timestamp: number }[];
  /** The digital input lines (not multiplexed) whose state changes, read in one streamed pass. */
  digitalEdges(): Promise<RecDigitalLine[]>;
}

function numberAttribute(element: XmlElement, name: string, path: string): number {
  const value = Number(element.attributes[name]);
  if (element.attributes[name] === undefined || !Number.isFinite(value)) {
    throw new SourceDataError(path, `<${element.tag}> has no numeric '${name}' attribute in its XML header`);
  }
  return value;
}

/** Byte length of the header: through `</Configuration>` and the line end after it. */
function headerLength(path: string): number {
  return withOpenFile(path, (_fd, _path, size) => {
    const length = Math.min(size, MAX_HEADER_BYTES);
    const text = readBytesSync(path, 0, length, "the XML header").toString("latin1");
    const end = text.indexOf(END_TAG);
    if (end === -1) {
      throw new SourceDataError(
        path,
        `has no '${END_TAG}' in its first ${length} bytes: not a SpikeGadgets .rec file, or its header is cut`,
      );
    }
    let at = end + END_TAG.length;
    if (text[at] === "\r") at++;
    if (text[at] === "\n") at++;
    return at;
  });
}

/** Packet positions of hardware channels: chip-interleaved order, channels not recorded skipped. */
function packetOrder(
  recorded: readonly number[],
  totalChannels: number,
  perChip: number,
): Map<number, number> {
  const wanted = new Set(recorded);
  const order: number[] = [];
  const chips = Math.ceil(totalChannels / perChip);
  for (let k = 0; k < perChip; k++) {
    for (let chip = 0; chip < chips; chip++) {
      const hw = k + chip * perChip;
      if (wanted.has(hw)) order.push(hw);
    }
  }
  // hardware channels beyond numChannels (inconsistent headers) keep their ascending order at the end
  for (const hw of [...wanted].sort((a, b) => a - b)) if (!order.includes(hw)) order.push(hw);
  return new Map(order.map((hw, i) => [hw, i]));
}

/** Opens a `.rec` file: parses its XML header, checks the first packet's sync byte, counts packets. */
export function openRecFile(path: string): RecFile {
  const headerBytes = headerLength(path);
  const root = parseXml(readBytesSync(path, 0, headerBytes, "the XML header").toString("utf8"), path);
  const child = (element: XmlElement, tag: string) => element.children.find((c) => c.tag === tag);
  const global = child(root, "GlobalConfiguration")?.attributes ?? {};
  const hardware = child(root, "HardwareConfiguration");
  if (!hardware) throw new SourceDataError(path, "its XML header has no <HardwareConfiguration>");
  const samplingRate = numberAttribute(hardware, "samplingRate", path);
  const totalChannels = numberAttribute(hardware, "numChannels", path);
  const spikes = child(root, "SpikeConfiguration");

  let offset = 1; // the sync byte
  const devices: RecDevice[] = [];
  for (const device of hardware.children.filter((c) => c.tag === "Device")) {
    const numBytes = numberAttribute(device, "numBytes", path);
    devices.push({
      name: device.attributes.name ?? `Device${devices.length}`,
      byteOffset: offset,
      numBytes,
      channels: device.children
        .filter((c) => c.tag === "Channel")
        .map((c) => ({
          id: c.attributes.id ?? "",
          dataType: c.attributes.dataType ?? "",
          startByte: Number(c.attributes.startByte ?? 0),
          bit: Number(c.attributes.bit ?? 0),
          interleaved: c.attributes.interleavedDataIDByte !== undefined,
        })),
    });
    offset += numBytes;
  }
  const timestampByte = offset;
  offset += 4;
  if (hardware.attributes.sysTimeIncluded === "1") offset += 8;
  const neuralByte = offset;

  const nTrodes = spikes?.children.filter((c) => c.tag === "SpikeNTrode") ?? [];
  const listed = nTrodes.flatMap((trode) =>
    trode.children.filter((c) => c.tag === "SpikeChannel").map((channel) => ({ trode, channel })),
  );
  if (listed.length > totalChannels) {
    throw new SourceDataError(
      path,
      `its SpikeConfiguration lists ${listed.length} channels but HardwareConfiguration numChannels is ${totalChannels}`,
    );
  }
  const perChip = Number(spikes?.attributes.chanPerChip ?? 32) || 32;
  const hwChans = listed.map(({ channel }) => numberAttribute(channel, "hwChan", path));
  const positions = packetOrder(hwChans, totalChannels, perChip);
  const scale = (trode: XmlElement) => {
    const value = Number(trode.attributes.rawScalingToUv ?? trode.attributes.spikeScalingToUv);
    return Number.isFinite(value) && value > 0 ? value : undefined;
  };
  const channels: RecChannel[] = listed.map(({ trode, channel }, i) => {
    const { coord_ap: ap, coord_ml: ml, coord_dv: dv } = channel.attributes;
    return {
      hwChan: hwChans[i]!,
      nTrodeId: trode.attributes.id ?? String(i),
      microvoltsPerBit: scale(trode),
      packetIndex: positions.get(hwChans[i]!)!,
      ...(ap !== undefined &&
        ml !== undefined &&
        dv !== undefined && {
          coordinates: { ap: Number(ap), ml: Number(ml), dv: Number(dv) },
        }),
    };
  });
  // a file that records only some channels stores only those
  const numNeural = listed.length > 0 ? listed.length : totalChannels;
  const packetBytes = neuralByte + 2 * numNeural;

  const problems: string[] = [];
  const { numPackets, firstByte } = withOpenFile(path, (fd, _p, size) => {
    const dataBytes = size - headerBytes;
    const whole = Math.floor(dataBytes / packetBytes);
    const rest = dataBytes - whole * packetBytes;
    if (rest > 0) {
      problems.push(
        `${path}: the last packet is cut short (${rest} of ${packetBytes} bytes, after ${whole} whole packets); it is left out`,
      );
    }
    const first = new Uint8Array(1);
    if (whole > 0) readFullySync(fd, first, headerBytes, path);
    return { numPackets: whole, firstByte: whole > 0 ? first[0] : undefined };
  });
  if (firstByte !== undefined && firstByte !== SYNC_BYTE) {
    throw new SourceDataError(
      path,
      `the first packet (byte ${headerBytes}) starts with 0x${firstByte.toString(16)}, not the sync byte 0x55: the header's device list does not describe this file`,
    );
  }
  const packets = new InterleavedFile({
    path,
    dtype: "uint8",
    numChannels: packetBytes,
    records: { kind: "contiguous", offset: headerBytes, rows: numPackets },
  });
  const byteColumns = channels.flatMap((c) => [
    neuralByte + 2 * c.packetIndex,
    neuralByte + 2 * c.packetIndex + 1,
  ]);
  const optionalNumber = (value: string | undefined) =>
    value !== undefined && value.trim() !== "" && Number.isFinite(Number(value)) ? Number(value) : undefined;

  return {
    path,
    samplingRate,
    global,
    systemTimeAtCreation: optionalNumber(global.systemTimeAtCreation),
    timestampAtCreation: optionalNumber(global.timestampAtCreation),
    channels,
    probeDevice: spikes?.attributes.device,
    devices,
    headerBytes,
    packetBytes,
    numPackets,
    timestampByte,
    problems,
    neuralData: () => {
      const bytes = packets.source(byteColumns);
      return {
        dtype: "int16",
        shape: [numPackets, channels.length],
        async readRows(start, end) {
          const picked = (await bytes.readRows(start, end)) as Uint8Array;
          return int16Of(picked) as TypedArray;
        },
      };
    },
    clockRuns: () => clockRuns(numPackets, timestampAt),
    digitalEdges: () => digitalEdges(packets, devices),
    timestampAt,
  };
  function timestampAt(index: number): number {
    return readBytesSync(path, headerBytes + index * packetBytes + timestampByte, 4, "a packet").readUInt32LE(
      0,
    );
  }
}

function clockRuns(
  count: number,
  timestampAt: (index: number) => number,
): { firstIndex: number; timestamp: number }[] {
  if (count === 0) return [];
  const cache = new Map<number, number>();
  const at = (i: number) => {
    const t = cache.get(i) ?? timestampAt(i);
    cache.set(i, t);
    return t;
  };
  const runs = [{ firstIndex: 0, timestamp: at(0) }];
  const search = (lo: number, hi: number): void => {
    if (hi <= lo || at(hi) - at(lo) === hi - lo) return;
    if (hi === lo + 1) {
      runs.push({ firstIndex: hi, timestamp: at(hi) });
      return;
    }
    const mid = (lo + hi) >>> 1;
    search(lo, mid);
    search(mid, hi);
  };
  search(0, count - 1);
  return runs;
}

/** Packets read per pass when following digital lines. */
const EDGE_BLOCK_PACKETS = 1 << 16;

async function digitalEdges(
  packets: InterleavedFile,
  devices: readonly RecDevice[],
): Promise<RecDigitalLine[]> {
  const lines = devices.flatMap((device) =>
    device.channels
      .filter((c) => c.dataType === "digital" && !c.interleaved)
      .map((channel) => ({ device, channel, byte: device.byteOffset + channel.startByte })),
  );
  const bytes = [...new Set(lines.map((l) => l.byte))];
  if (bytes.length === 0) return [];
  const trackers = bytes.map(
    (byte) => new BitEdgeTracker(lines.filter((l) => l.byte === byte).map((l) => l.channel.bit)),
  );
  const source = packets.source(bytes);
  for (let start = 0; start < packets.numSamples; start += EDGE_BLOCK_PACKETS) {
    const end = Math.min(packets.numSamples, start + EDGE_BLOCK_PACKETS);
    const block = await source.readRows(start, end);
    for (const [k, tracker] of trackers.entries()) {
      tracker.push(block as Uint8Array, start, end - start, bytes.length, k);
    }
  }
  return lines
    .map(({ device, channel, byte }) => {
      const edges = trackers[bytes.indexOf(byte)]!.lines.find((l) => l.bit === channel.bit)!;
      return { device: device.name, id: channel.id, rising: edges.rising, falling: edges.falling };
    })
    .filter((line) => line.rising.length + line.falling.length > 0);
}

/** Little-endian int16 pairs as an Int16Array (a view on little-endian hosts). */
function int16Of(bytes: Uint8Array): Int16Array {
  if (LITTLE_ENDIAN_HOST && bytes.byteOffset % 2 === 0) {
    return new Int16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Int16Array.from({ length: bytes.byteLength / 2 }, (_, i) => view.getInt16(2 * i, true));
}
