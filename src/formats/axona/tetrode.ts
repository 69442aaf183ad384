/**
 * Axona tetrode files (`.1` … `.N`: the threshold crossings of tetrode N, per Axona's "DacqUSB file
 * formats" document): a header (`num_chans`, `timebase` "96000 hz", `samples_per_spike`,
 * `bytes_per_sample` 1, `bytes_per_timestamp` 4, `num_spikes`), then per spike and channel a big-endian
 * 4-byte timestamp (in timebase ticks; the same for the channels of one spike) and the channel's signed
 * 8-bit samples.
 */
import type { ChunkSource } from "../../data/lazy.js";
import { SourceDataError } from "../../errors.js";
import { checkRange, openSourceFile, readFully, readFullySync, withOpenFile } from "../binary.js";
import { type AxonaHeader, numberField, optionalNumberField, readAxonaHeader } from "./header.js";

/** The spikes of one tetrode file. */
export interface AxonaTetrode {
  readonly header: AxonaHeader;
  /** N of the `.N` file. */
  readonly tetrode: number;
  readonly numChannels: number;
  readonly samplesPerSpike: number;
  /** Waveform sampling rate in Hz (`sample_rate`). */
  readonly samplingRate: number;
  /** Timestamp ticks per second (`timebase`). */
  readonly timebase: number;
  readonly numSpikes: number;
  /** Spike times in timebase ticks. */
  readonly timestamps: Float64Array;
  /** Waveforms, shape (spikes, channels, samples), int8, read lazily. */
  readonly waveforms: ChunkSource;
}

/** Reads a tetrode file's header and spike times; waveforms stay on disk. */
export function openAxonaTetrode(path: string): AxonaTetrode {
  const suffix = /\.(\d+)$/.exec(path);
  if (!suffix) throw new SourceDataError(path, "is not an Axona tetrode file (.1, .2, …)");
  const header = readAxonaHeader(path, true);
  const numChannels = numberField(header, "num_chans");
  const samplesPerSpike = numberField(header, "samples_per_spike");
  const bytesPerSample = optionalNumberField(header, "bytes_per_sample") ?? 1;
  const timestampBytes = optionalNumberField(header, "bytes_per_timestamp") ?? 4;
  if (bytesPerSample !== 1 || timestampBytes !== 4) {
    throw new SourceDataError(
      path,
      `states bytes_per_sample ${bytesPerSample} and bytes_per_timestamp ${timestampBytes}; DacqUSB tetrode files have 1 and 4`,
    );
  }
  const channelBytes = timestampBytes + samplesPerSpike;
  const spikeBytes = numChannels * channelBytes;
  const available = Math.floor((header.dataEnd - header.dataStart) / spikeBytes);
  const stated = numberField(header, "num_spikes");
  const numSpikes = Math.min(available, stated);
  // the first channel's timestamp of every spike, read in blocks
  const timestamps = new Float64Array(numSpikes);
  const block = Buffer.alloc(Math.min(numSpikes, 4096) * spikeBytes);
  withOpenFile(path, (fd) => {
    for (let first = 0; first < numSpikes; first += 4096) {
      const count = Math.min(4096, numSpikes - first);
      const bytes = block.subarray(0, count * spikeBytes);
      readFullySync(fd, bytes, header.dataStart + first * spikeBytes, path);
      for (let i = 0; i < count; i++) timestamps[first + i] = bytes.readUInt32BE(i * spikeBytes);
    }
  });
  const start = header.dataStart;
  return {
    header,
    tetrode: Number(suffix[1]),
    numChannels,
    samplesPerSpike,
    samplingRate: numberField(header, "sample_rate"),
    timebase: numberField(header, "timebase"),
    numSpikes,
    timestamps,
    waveforms: {
      dtype: "int8",
      shape: [numSpikes, numChannels, samplesPerSpike],
      async readRows(begin, end) {
        checkRange(begin, end, numSpikes, "spikes", path);
        const out = new Int8Array((end - begin) * numChannels * samplesPerSpike);
        if (end <= begin) return out;
        const bytes = new Uint8Array((end - begin) * spikeBytes);
        const handle = await openSourceFile(path);
        try {
          await readFully(handle, bytes, start + begin * spikeBytes, path);
        } finally {
          await handle.close();
        }
        const signed = new Int8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        for (let s = 0; s < end - begin; s++) {
          for (let c = 0; c < numChannels; c++) {
            const from = s * spikeBytes + c * channelBytes + timestampBytes;
            out.set(signed.subarray(from, from + samplesPerSpike), (s * numChannels + c) * samplesPerSpike);
          }
        }
        return out;
      },
    },
  };
}
