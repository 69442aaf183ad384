/**
 * Blackrock NEV event files: spikes (with unit classification and waveforms), digital and serial port
 * events, and comments.
 *
 * Layout (Blackrock "NEV and NSx File Specification"; field order cross-checked with neo's BlackrockRawIO):
 * a 336-byte basic header (`NEURALEV`, or `BREVENTS` from 3.0; version major/minor, uint16 flags (bit 0: every
 * waveform is int16), uint32 header bytes, uint32 bytes per data packet, uint32 timestamp resolution, uint32
 * waveform sample rate, SYSTEMTIME time origin, 32-byte application, 256-byte comment, uint32 extended header
 * count), 32-byte extended headers (8-byte id: NEUEVWAV per electrode with its digitization factor in nV per
 * bit, sorted-unit count, bytes per waveform sample and (2.3 on) spike width; NEUEVLBL electrode labels;
 * DIGLABEL port labels; ...), then fixed-size packets: timestamp (uint32; uint64 from 3.0), uint16 packet id,
 * then by id: 0 = digital/serial event (uint8 insertion reason: bit 0 digital port changed, bit 7 serial;
 * uint16 value), electrode ids = spike (uint8 unit class: 0 unsorted, 1-16 sorted units, 255 noise; then the
 * waveform), 0xFFFF = comment (uint8 char set, flag, uint32 data, text).
 */
import { SourceDataError } from "../../errors.js";
import { readFullySync, withOpenFile } from "../binary.js";
import { type BlackrockSpec, defaultLabel, systemTime } from "./nsx.js";

export interface NevElectrode {
  readonly electrodeId: number;
  readonly label: string;
  /** nV per waveform bit. */
  readonly digitizationFactor: number;
  readonly sortedUnits: number;
  readonly bytesPerSample: number;
  readonly spikeWidth: number;
}

export interface NevUnit {
  readonly electrodeId: number;
  /** 0 unsorted, 1-16 sorted units, 255 noise. */
  readonly unitClass: number;
  /** Spike timestamps, in ticks of the file's timestamp resolution, in file order. */
  readonly timestamps: number[];
  /** Mean and standard deviation of the unit's waveforms, in volts (one value per waveform sample). */
  readonly waveformMean: Float64Array;
  readonly waveformSd: Float64Array;
}

export interface NevEvents {
  readonly timestamps: number[];
  readonly values: number[];
}

export interface NevFile {
  readonly path: string;
  readonly spec: BlackrockSpec;
  readonly timestampResolution: number;
  readonly waveformRate: number;
  readonly timeOrigin?: string;
  readonly application: string;
  readonly comment: string;
  readonly electrodes: ReadonlyMap<number, NevElectrode>;
  readonly units: readonly NevUnit[];
  /** Samples per waveform (the longest over electrodes). */
  readonly waveformSamples: number;
  readonly digital: NevEvents;
  readonly serial: NevEvents;
  readonly comments: { readonly timestamps: number[]; readonly texts: string[] };
  readonly digitalPortLabels: readonly string[];
  /** Packets read but not converted (analog-input threshold and periodic events, video, tracking, ...). */
  readonly skippedPackets: number;
}

const BASIC_HEADER_BYTES = 336;
const EXTENDED_HEADER_BYTES = 32;

function text(bytes: Buffer, encoding: BufferEncoding = "latin1"): string {
  const end = encoding === "latin1" ? bytes.indexOf(0) : -1;
  return bytes
    .toString(encoding, 0, end < 0 ? bytes.length : end)
    .replace(/\0[\s\S]*$/, "")
    .trim();
}

/** Reads a NEV file: headers, then every packet in blocks of a few MB (spike statistics are accumulated). */
export function readNevFile(path: string): NevFile {
  return withOpenFile(path, parse);
}

function parse(fd: number, path: string, size: number): NevFile {
  if (size < BASIC_HEADER_BYTES) {
    throw new SourceDataError(
      path,
      `is ${size} bytes long, shorter than the 336-byte NEV basic header: truncated`,
    );
  }
  const basic = Buffer.alloc(BASIC_HEADER_BYTES);
  readFullySync(fd, basic, 0, path);
  const id = basic.toString("latin1", 0, 8);
  if (id !== "NEURALEV" && id !== "BREVENTS") {
    throw new SourceDataError(
      path,
      `starts with '${id.replace(/[^\x20-\x7e]/g, "?")}', not NEURALEV or BREVENTS: not a Blackrock NEV file`,
    );
  }
  const major = basic.readUInt8(8);
  const minor = basic.readUInt8(9);
  const version = `${major}.${minor}`;
  if (!["2.1", "2.2", "2.3"].includes(version) && major !== 3) {
    throw new SourceDataError(path, `is NEV file spec ${version}; supported specs are 2.1, 2.2, 2.3 and 3.x`);
  }
  const spec = (major === 3 ? "3.0" : version) as BlackrockSpec;
  const flags = basic.readUInt16LE(10);
  const headerBytes = basic.readUInt32LE(12);
  const packetBytes = basic.readUInt32LE(16);
  const timestampResolution = basic.readUInt32LE(20);
  const waveformRate = basic.readUInt32LE(24);
  const extendedCount = basic.readUInt32LE(332);
  if (headerBytes !== BASIC_HEADER_BYTES + extendedCount * EXTENDED_HEADER_BYTES || packetBytes < 12) {
    throw new SourceDataError(
      path,
      `inconsistent header: ${headerBytes} header bytes for ${extendedCount} extended headers, ${packetBytes}-byte packets`,
    );
  }
  if (size < headerBytes) {
    throw new SourceDataError(path, `ends at byte ${size}, inside its ${headerBytes}-byte header: truncated`);
  }
  const extended = Buffer.alloc(extendedCount * EXTENDED_HEADER_BYTES);
  readFullySync(fd, extended, BASIC_HEADER_BYTES, path);

  const labels = new Map<number, string>();
  const waveHeaders: Omit<NevElectrode, "label">[] = [];
  const digitalPortLabels: string[] = [];
  for (let k = 0; k < extendedCount; k++) {
    const h = extended.subarray(k * EXTENDED_HEADER_BYTES, (k + 1) * EXTENDED_HEADER_BYTES);
    const kind = h.toString("latin1", 0, 8);
    if (kind === "NEUEVWAV") {
      let digitizationFactor = h.readUInt16LE(12);
      // Cerebus firmware of that era overflowed this field; Blackrock's NPMK (openNEV) substitutes the true value
      if (digitizationFactor === 21516) digitizationFactor = 152592.547;
      const bytesPerSample = flags & 1 ? 2 : Math.max(1, h.readUInt8(21));
      const headBytes = major >= 3 ? 12 : 8;
      waveHeaders.push({
        electrodeId: h.readUInt16LE(8),
        digitizationFactor,
        sortedUnits: h.readUInt8(20),
        bytesPerSample,
        spikeWidth:
          spec === "2.1" || spec === "2.2" ? (packetBytes - headBytes) / bytesPerSample : h.readUInt16LE(22),
      });
    } else if (kind === "NEUEVLBL") {
      labels.set(h.readUInt16LE(8), text(h.subarray(10, 26)));
    } else if (kind === "DIGLABEL") {
      digitalPortLabels.push(text(h.subarray(8, 24)));
    }
  }
  const electrodes = new Map<number, NevElectrode>();
  for (const w of waveHeaders) {
    electrodes.set(w.electrodeId, { ...w, label: labels.get(w.electrodeId) ?? defaultLabel(w.electrodeId) });
  }

  const payload = size - headerBytes;
  if (payload % packetBytes !== 0) {
    throw new SourceDataError(
      path,
      `its ${payload} data bytes are not whole ${packetBytes}-byte packets (${payload % packetBytes} bytes left over): the file is truncated`,
    );
  }
  const tsBytes = major >= 3 ? 8 : 4;
  const maxSpikeId = spec === "2.1" || spec === "2.2" ? 255 : 2048;
  const units = new Map<number, NevUnit & { count: number }>();
  const digital: NevEvents = { timestamps: [], values: [] };
  const serial: NevEvents = { timestamps: [], values: [] };
  const comments = { timestamps: [] as number[], texts: [] as string[] };
  let skippedPackets = 0;
  const waveformSamples = Math.max(0, ...waveHeaders.map((w) => w.spikeWidth));
  const count = payload / packetBytes;
  const perRead = Math.max(1, Math.floor((4 << 20) / packetBytes));
  const block = Buffer.alloc(Math.min(count, perRead) * packetBytes);
  for (let first = 0; first < count; first += perRead) {
    const n = Math.min(perRead, count - first);
    const bytes = block.subarray(0, n * packetBytes);
    readFullySync(fd, bytes, headerBytes + first * packetBytes, path);
    for (let k = 0; k < n; k++) {
      const at = k * packetBytes;
      const timestamp = tsBytes === 8 ? Number(bytes.readBigUInt64LE(at)) : bytes.readUInt32LE(at);
      const packetId = bytes.readUInt16LE(at + tsBytes);
      const body = at + tsBytes + 2;
      if (packetId === 0) {
        const reason = bytes.readUInt8(body);
        const value = bytes.readUInt16LE(body + 2);
        if (reason & 1) {
          const target = reason & 128 ? serial : digital;
          target.timestamps.push(timestamp);
          target.values.push(value);
        } else skippedPackets++;
      } else if (packetId <= maxSpikeId) {
        const electrode = electrodes.get(packetId);
        if (!electrode) {
          skippedPackets++;
          continue;
        }
        const unitClass = bytes.readUInt8(body);
        const key = packetId * 256 + unitClass;
        let unit = units.get(key);
        if (!unit) {
          unit = {
            electrodeId: packetId,
            unitClass,
            timestamps: [],
            waveformMean: new Float64Array(waveformSamples),
            waveformSd: new Float64Array(waveformSamples),
            count: 0,
          };
          units.set(key, unit);
        }
        unit.timestamps.push(timestamp);
        unit.count++;
        // running sums (mean and sum of squares), turned into mean and sd at the end
        const wave = body + 2;
        const scale = electrode.digitizationFactor * 1e-9;
        for (let s = 0; s < electrode.spikeWidth; s++) {
          const p = wave + s * electrode.bytesPerSample;
          const raw =
            electrode.bytesPerSample === 1
              ? bytes.readInt8(p)
              : electrode.bytesPerSample === 2
                ? bytes.readInt16LE(p)
                : bytes.readInt32LE(p);
          const v = raw * scale;
          unit.waveformMean[s]! += v;
          unit.waveformSd[s]! += v * v;
        }
      } else if (packetId === 0xffff) {
        const charSet = bytes.readUInt8(body);
        const raw = bytes.subarray(body + 6, at + packetBytes);
        comments.timestamps.push(timestamp);
        comments.texts.push(text(raw, charSet === 1 ? "utf16le" : "latin1"));
      } else skippedPackets++;
    }
  }
  const sorted = [...units.values()].sort((a, b) =>
    a.electrodeId !== b.electrodeId ? a.electrodeId - b.electrodeId : a.unitClass - b.unitClass,
  );
  for (const unit of sorted) {
    for (let s = 0; s < waveformSamples; s++) {
      const mean = unit.waveformMean[s]! / unit.count;
      unit.waveformSd[s] = Math.sqrt(Math.max(0, unit.waveformSd[s]! / unit.count - mean * mean));
      unit.waveformMean[s] = mean;
    }
  }
  const timeOrigin = systemTime(basic, 28);
  return {
    path,
    spec,
    timestampResolution,
    waveformRate,
    ...(timeOrigin !== undefined && { timeOrigin }),
    application: text(basic.subarray(44, 76)),
    comment: text(basic.subarray(76, 332)),
    electrodes,
    units: sorted.map(({ count: _count, ...unit }) => unit),
    waveformSamples,
    digital,
    serial,
    comments,
    digitalPortLabels,
    skippedPackets,
  };
}
