/**
 * ABF data: each sweep of each channel as a lazy source of raw samples (int16 or float32, interleaved in the
 * file channel after channel), and the command waveform each DAC played, rebuilt from the protocol's epoch
 * table. Nothing is read before a source is asked for rows, and a read covers a bounded block of rows.
 */
import { open } from "node:fs/promises";
import type { ChunkSource } from "../../data/lazy.js";
import { SourceDataError } from "../../errors.js";
import { type AbfDacChannel, type AbfEpoch, type AbfHeader, readAbfHeader } from "./header.js";

/** Largest single read, in bytes (bounded memory whatever the sweep length). */
const BLOCK_BYTES = 8 * 1024 * 1024;

/** Epoch types whose waveform is rebuilt: step, ramp and (ABF2) rectangular pulse train. */
const SUPPORTED_EPOCH_TYPES = new Set([1, 2, 3]);
const EPOCH_TYPE_NAMES: Record<number, string> = {
  1: "step",
  2: "ramp",
  3: "pulse train",
  4: "triangle train",
  5: "cosine train",
  7: "biphasic train",
};

/** Why a DAC's command cannot be rebuilt, or undefined when it can. */
export function commandUnavailableReason(header: AbfHeader, dac: AbfDacChannel): string | undefined {
  if (header.operationMode !== "episodic") return `the file is not episodic (${header.operationMode})`;
  if (dac.waveformSource === "none") return `DAC ${dac.dacNumber} (${dac.name}) plays no waveform`;
  if (dac.waveformSource === "file") {
    return `DAC ${dac.dacNumber} (${dac.name}) plays a stimulus file, which the ABF file does not contain`;
  }
  const unsupported = dac.epochs.find(
    (e) => !SUPPORTED_EPOCH_TYPES.has(e.type) || (e.type === 3 && !(e.pulsePeriod > 0)),
  );
  if (unsupported) {
    return `epoch ${String.fromCharCode(65 + unsupported.number)} of DAC ${dac.dacNumber} is a ${EPOCH_TYPE_NAMES[unsupported.type] ?? `type-${unsupported.type}`} epoch, which is not rebuilt`;
  }
  return undefined;
}

interface Segment {
  readonly start: number;
  readonly end: number;
  /** Level before the segment (ramps start there, pulses return there). */
  readonly from: number;
  readonly epoch: AbfEpoch | undefined;
  readonly level: number;
}

/** Level of an epoch in sweep `sweep` (0-based). */
function epochLevel(epoch: AbfEpoch, sweep: number): number {
  return epoch.initLevel + epoch.levelIncrement * sweep;
}

/** The level a DAC holds after sweep `sweep`'s epochs. */
function levelAfter(dac: AbfDacChannel, sweep: number): number {
  const last = dac.epochs.at(-1);
  return dac.interEpisodeLevel === "last" && last && sweep >= 0 ? epochLevel(last, sweep) : dac.holdingLevel;
}

/**
 * Pieces of one sweep's command: the first 1/64 of the sweep holds (Clampex's pre-sweep holding period), the
 * epochs follow one after another with their level and duration incremented per sweep, then the DAC holds
 * again until the sweep ends.
 */
function commandSegments(dac: AbfDacChannel, sweep: number, rows: number): Segment[] {
  const before = levelAfter(dac, sweep - 1);
  const segments: Segment[] = [];
  let at = Math.min(rows, Math.floor(rows / 64));
  segments.push({ start: 0, end: at, from: before, epoch: undefined, level: before });
  let previous = before;
  for (const epoch of dac.epochs) {
    const duration = Math.max(0, epoch.initDuration + epoch.durationIncrement * sweep);
    const end = Math.min(rows, at + duration);
    const level = epochLevel(epoch, sweep);
    segments.push({ start: at, end, from: previous, epoch, level });
    previous = level;
    at = end;
  }
  const after = levelAfter(dac, sweep);
  segments.push({ start: at, end: rows, from: previous, epoch: undefined, level: after });
  return segments;
}

function fillSegment(segment: Segment, out: Float64Array, first: number, last: number, offset: number): void {
  const { epoch, level, from } = segment;
  for (let i = Math.max(first, segment.start); i < Math.min(last, segment.end); i++) {
    const k = i - segment.start;
    let value = level;
    if (epoch?.type === 2) value = from + ((level - from) * k) / (segment.end - segment.start);
    else if (epoch?.type === 3) value = k % epoch.pulsePeriod < epoch.pulseWidth ? level : from;
    out[i - first + offset] = value;
  }
}

export interface AbfRecording {
  readonly header: AbfHeader;
  /** Raw samples of one sweep of one channel (index into `header.channels`); shape (rows,). */
  sweepData(sweep: number, channel: number): ChunkSource;
  /**
   * The command a DAC (index into `header.dacs`) played during a sweep, in the DAC's units, rebuilt from the
   * epoch table; undefined when {@link commandUnavailableReason} gives a reason.
   */
  command(sweep: number, dac: number): ChunkSource | undefined;
}

/**
 * Opens an ABF file: reads its header (synchronously) and gives lazy per-sweep, per-channel sources.
 *
 * @example
 * ```ts
 * const abf = openAbfFile("cell1_0003.abf");
 * const first = await abf.sweepData(0, 0).readRows(0, 100); // raw int16; * channels[0].gain + offset
 * ```
 */
export function openAbfFile(path: string): AbfRecording {
  const header = readAbfHeader(path);
  const n = header.channels.length;
  const bytesPerSample = header.dataFormat === "int16" ? 2 : 4;
  const rowBytes = n * bytesPerSample;

  const checkSweep = (sweep: number) => {
    if (!Number.isInteger(sweep) || sweep < 0 || sweep >= header.sweeps.length) {
      throw new RangeError(`sweep ${sweep} is outside [0, ${header.sweeps.length}) of ${path}`);
    }
    return header.sweeps[sweep]!;
  };

  async function readColumn(firstSample: number, channel: number, start: number, end: number) {
    const out = header.dataFormat === "int16" ? new Int16Array(end - start) : new Float32Array(end - start);
    if (end === start) return out;
    const rowsPerRead = Math.max(1, Math.floor(BLOCK_BYTES / rowBytes));
    const block = Buffer.allocUnsafeSlow(Math.min(end - start, rowsPerRead) * rowBytes);
    const handle = await open(path, "r");
    try {
      for (let row = start; row < end; row += rowsPerRead) {
        const rows = Math.min(rowsPerRead, end - row);
        const position = header.dataOffset + (firstSample + row * n) * bytesPerSample;
        const target = block.subarray(0, rows * rowBytes);
        let done = 0;
        while (done < target.length) {
          const { bytesRead } = await handle.read(target, done, target.length - done, position + done);
          if (bytesRead === 0) {
            throw new SourceDataError(
              path,
              `the file ended at byte ${position + done} while reading data; it is shorter than when it was opened (was it truncated or replaced?)`,
            );
          }
          done += bytesRead;
        }
        for (let r = 0; r < rows; r++) {
          const at = (r * n + channel) * bytesPerSample;
          out[row - start + r] = bytesPerSample === 2 ? target.readInt16LE(at) : target.readFloatLE(at);
        }
      }
    } finally {
      await handle.close();
    }
    return out;
  }

  return {
    header,
    sweepData(sweep, channel) {
      const s = checkSweep(sweep);
      if (!Number.isInteger(channel) || channel < 0 || channel >= n) {
        throw new RangeError(`channel ${channel} is outside [0, ${n}) of ${path}`);
      }
      return {
        dtype: header.dataFormat,
        shape: [s.rows],
        readRows: (start, end) => {
          if (
            !(Number.isInteger(start) && Number.isInteger(end) && 0 <= start && start <= end && end <= s.rows)
          ) {
            throw new RangeError(
              `rows [${start}, ${end}) are outside [0, ${s.rows}) of sweep ${sweep} of ${path}`,
            );
          }
          return readColumn(s.firstSample, channel, start, end);
        },
      };
    },
    command(sweep, dacIndex) {
      const s = checkSweep(sweep);
      const dac = header.dacs[dacIndex];
      if (!dac) throw new RangeError(`DAC ${dacIndex} is outside [0, ${header.dacs.length}) of ${path}`);
      if (commandUnavailableReason(header, dac) !== undefined) return undefined;
      const segments = commandSegments(dac, sweep, s.rows);
      return {
        dtype: "float64",
        shape: [s.rows],
        readRows: (start, end) => {
          const out = new Float64Array(end - start);
          for (const segment of segments) fillSegment(segment, out, start, end, 0);
          return out;
        },
      };
    },
  };
}
