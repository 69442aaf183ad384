/**
 * WAV (RIFF WAVE) files: the `fmt ` chunk (WAVE_FORMAT_PCM 1, WAVE_FORMAT_IEEE_FLOAT 3, or
 * WAVE_FORMAT_EXTENSIBLE 0xFFFE whose sub-format GUID starts with one of those) and the samples of the
 * `data` chunk, read lazily. PCM of 8 bits is unsigned (offset 128) and stays uint8; 16 and 32 bits are
 * signed; 24-bit samples are sign-extended into int32 (their own values, not shifted). Per Microsoft's
 * RIFF/WAVE and WAVEFORMATEXTENSIBLE documentation.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import type { NumericDtype, TypedArray } from "../../data/dtype.js";
import type { ChunkSource } from "../../data/lazy.js";
import { SourceDataError } from "../../errors.js";

export interface WavHeader {
  readonly filePath: string;
  readonly sampleRate: number;
  readonly channels: number;
  readonly bitsPerSample: number;
  readonly encoding: "pcm" | "float";
  /** Element type of the samples as returned by {@link wavSamples}. */
  readonly dtype: NumericDtype;
  readonly frameCount: number;
  /** Byte offset of the first sample. */
  readonly dataOffset: number;
}

const FORMAT_PCM = 1;
const FORMAT_FLOAT = 3;
const FORMAT_EXTENSIBLE = 0xfffe;

function dtypeOf(path: string, encoding: "pcm" | "float", bits: number): NumericDtype {
  if (encoding === "float" && (bits === 32 || bits === 64)) return bits === 32 ? "float32" : "float64";
  if (encoding === "pcm") {
    const dtype = ({ 8: "uint8", 16: "int16", 24: "int32", 32: "int32" } as Record<number, NumericDtype>)[
      bits
    ];
    if (dtype) return dtype;
  }
  throw new SourceDataError(
    path,
    `${bits}-bit ${encoding} samples are not a WAV encoding this package reads`,
  );
}

/**
 * The format and sample layout of a WAV file (no samples are read).
 *
 * @example
 * ```ts
 * const header = readWavHeader("usv_250kHz/02.wav"); // { sampleRate: 250000, channels: 1, dtype: "int16", ... }
 * ```
 */
export function readWavHeader(filePath: string): WavHeader {
  let fd: number;
  try {
    fd = openSync(filePath, "r");
  } catch (error) {
    throw new SourceDataError(filePath, `cannot open the WAV file (${(error as Error).message})`);
  }
  try {
    const size = fstatSync(fd).size;
    const read = (offset: number, length: number) => {
      const buffer = Buffer.alloc(length);
      return buffer.subarray(0, readSync(fd, buffer, 0, length, offset));
    };
    const riff = read(0, 12);
    if (
      riff.length < 12 ||
      riff.toString("latin1", 0, 4) !== "RIFF" ||
      riff.toString("latin1", 8, 12) !== "WAVE"
    ) {
      throw new SourceDataError(filePath, "not a WAV file (no 'RIFF....WAVE' header)");
    }
    let format: { code: number; channels: number; rate: number; bits: number } | undefined;
    for (let offset = 12; offset + 8 <= size; ) {
      const header = read(offset, 8);
      const id = header.toString("latin1", 0, 4);
      const length = header.readUInt32LE(4);
      if (id === "fmt ") {
        const fmt = read(offset + 8, Math.min(length, 40));
        let code = fmt.readUInt16LE(0);
        if (code === FORMAT_EXTENSIBLE && fmt.length >= 26) code = fmt.readUInt16LE(24);
        format = {
          code,
          channels: fmt.readUInt16LE(2),
          rate: fmt.readUInt32LE(4),
          bits: fmt.readUInt16LE(14),
        };
      } else if (id === "data") {
        if (!format) throw new SourceDataError(filePath, "the 'data' chunk comes before the 'fmt ' chunk");
        if (format.code !== FORMAT_PCM && format.code !== FORMAT_FLOAT) {
          throw new SourceDataError(
            filePath,
            `WAV format code ${format.code} is compressed; only PCM and float are read`,
          );
        }
        const encoding = format.code === FORMAT_FLOAT ? "float" : "pcm";
        const frameBytes = (format.bits / 8) * format.channels;
        // a recorder that stopped early leaves a size larger than the file: keep the samples that are there
        const available = Math.min(length, size - offset - 8);
        return {
          filePath,
          sampleRate: format.rate,
          channels: format.channels,
          bitsPerSample: format.bits,
          encoding,
          dtype: dtypeOf(filePath, encoding, format.bits),
          frameCount: Math.floor(available / frameBytes),
          dataOffset: offset + 8,
        };
      }
      offset += 8 + length + (length & 1);
    }
    throw new SourceDataError(filePath, "the WAV file has no 'data' chunk");
  } finally {
    closeSync(fd);
  }
}

/** Sign-extends packed little-endian 24-bit samples into int32. */
function unpack24(bytes: Buffer): Int32Array {
  const out = new Int32Array(bytes.length / 3);
  for (let i = 0; i < out.length; i++) out[i] = bytes.readIntLE(i * 3, 3);
  return out;
}

/**
 * The samples as a lazy source of shape (frames,) for mono or (frames, channels).
 *
 * @example
 * ```ts
 * const samples = wavSamples(readWavHeader("call.wav"));
 * const first = samples.readRows(0, 1000);
 * ```
 */
export function wavSamples(header: WavHeader): ChunkSource {
  const bytesPerSample = header.bitsPerSample / 8;
  const frameBytes = bytesPerSample * header.channels;
  return {
    dtype: header.dtype,
    shape: header.channels === 1 ? [header.frameCount] : [header.frameCount, header.channels],
    readRows(start, end): TypedArray {
      const bytes = Buffer.alloc((end - start) * frameBytes);
      const fd = openSync(header.filePath, "r");
      try {
        const got = readSync(fd, bytes, 0, bytes.length, header.dataOffset + start * frameBytes);
        if (got !== bytes.length)
          throw new SourceDataError(header.filePath, "the file is shorter than when it was opened");
      } finally {
        closeSync(fd);
      }
      if (header.bitsPerSample === 24) return unpack24(bytes);
      const copy = new Uint8Array(bytes).buffer;
      switch (header.dtype) {
        case "uint8":
          return new Uint8Array(copy);
        case "int16":
          return new Int16Array(copy);
        case "int32":
          return new Int32Array(copy);
        case "float32":
          return new Float32Array(copy);
        default:
          return new Float64Array(copy);
      }
    },
  };
}
