/**
 * The two headerless layouts, where `info.rhd` / `info.rhs` holds only the header and the samples are in
 * `.dat` files beside it ("RHD2000/RHS2000 Application Note: Data File Formats", sections "One File Per
 * Signal Type Format" and "One File Per Channel Format"; file names and encodings as written by Intan-RHX
 * `FilePerSignalTypeSaveManager` / `FilePerChannelSaveManager` and the RHD2000 GUI):
 *
 * - `time.dat`: int32 timestamps, one per sample (both layouts).
 * - one file per signal type, rows of all channels of the type: `amplifier.dat` (int16: Intan subtracts
 *   32768 before saving), `auxiliary.dat`, `supply.dat`, `analogin.dat`, `digitalin.dat`, `digitalout.dat`,
 *   and for RHS `dcamplifier.dat`, `stim.dat`, `analogout.dat` (uint16 codes as in the traditional file;
 *   the digital files hold the 16-line word).
 * - one file per channel: `amp-<name>.dat` (int16), `aux-<name>.dat`, `vdd-<name>.dat`, `board-<name>.dat`
 *   (board ADC, DAC and digital lines; a digital line file holds 0/1 per sample), RHS `dc-<name>.dat` and
 *   `stim-<name>.dat` (only for channels with stimulation enabled), where `<name>` is the native name.
 *
 * Unlike the traditional file, auxiliary inputs and supply voltages are stored at the full sampling rate
 * (each value repeated until the next conversion) and temperature is not saved. RHX can also store the
 * auxiliary inputs as extra columns of amplifier.dat (signed, like the amplifier data); that is detected
 * from the file size.
 */
import { existsSync, statSync } from "node:fs";
import { open } from "node:fs/promises";
import { join } from "node:path";
import { allocate, type TypedArray } from "../../data/dtype.js";
import { SourceDataError } from "../../errors.js";
import { checkRange, LITTLE_ENDIAN_HOST, readFully, Scratch } from "../binary.js";
import type { IntanChannelInfo } from "./header.js";
import { columnsOf, type IntanBackend, type ReadRequest } from "./io.js";
import type { IntanStreamKind } from "./layout.js";

/** File of each stream in the one-file-per-signal-type layout. */
export const SIGNAL_TYPE_FILES: Record<Exclude<IntanStreamKind, "temperature">, string> = {
  amplifier: "amplifier.dat",
  auxiliary: "auxiliary.dat",
  supplyVoltage: "supply.dat",
  boardAdc: "analogin.dat",
  boardDigitalIn: "digitalin.dat",
  boardDigitalOut: "digitalout.dat",
  dcAmplifier: "dcamplifier.dat",
  stimulation: "stim.dat",
  boardDac: "analogout.dat",
};

/** File-name prefix of each stream in the one-file-per-channel layout (`<prefix>-<native name>.dat`). */
export const CHANNEL_FILE_PREFIXES: Record<Exclude<IntanStreamKind, "temperature">, string> = {
  amplifier: "amp",
  auxiliary: "aux",
  supplyVoltage: "vdd",
  boardAdc: "board",
  boardDigitalIn: "board",
  boardDigitalOut: "board",
  dcAmplifier: "dc",
  stimulation: "stim",
  boardDac: "board",
};

const TIME_FILE = "time.dat";

/** Size of an existing file, or undefined. */
function sizeOf(path: string): number | undefined {
  try {
    const info = statSync(path);
    return info.isFile() ? info.size : undefined;
  } catch {
    return undefined;
  }
}

/** Reads time.dat's size and checks it holds whole int32 values. */
function timeRows(dir: string): number {
  const path = join(dir, TIME_FILE);
  const size = sizeOf(path);
  if (size === undefined) {
    throw new SourceDataError(
      path,
      "does not exist: the one-file-per-signal-type and one-file-per-channel layouts keep the timestamps in time.dat beside info.rhd/info.rhs; copy the whole recording folder",
    );
  }
  if (size % 4 !== 0) {
    throw new SourceDataError(
      path,
      `size ${size} bytes is not a whole number of int32 timestamps (4 bytes each; ${size % 4} bytes left over): truncated?`,
    );
  }
  return size / 4;
}

/** One interleaved data file: rows of `width` values of `bytes` each. */
interface DataFile {
  readonly path: string;
  readonly width: number;
  readonly bytes: 2 | 4;
  readonly rows: number;
}

/** Where a stream's columns are: a file, the first column, and whether the words are stored signed. */
interface Columns {
  readonly file: DataFile;
  readonly firstColumn: number;
  readonly storedSigned: boolean;
}

/** Common part of both split layouts: sample count, warnings, streams found. */
abstract class SplitFiles implements IntanBackend {
  readonly streams = new Map<IntanStreamKind, IntanChannelInfo[]>();
  readonly warnings: string[] = [];
  readonly time: DataFile;
  /** Samples of every stream: the fewest rows among time.dat and the data files. */
  numSamples = 0;
  /** @internal */
  protected readonly scratch = new Scratch();

  constructor(
    readonly dir: string,
    readonly blockBytes: number,
  ) {
    const rows = timeRows(dir);
    this.time = { path: join(dir, TIME_FILE), width: 1, bytes: 4, rows };
  }

  private used: readonly DataFile[] = [];

  /** time.dat and every data file read. */
  dataFiles(): string[] {
    return [this.time.path, ...new Set(this.used.map((f) => f.path))];
  }

  /** Sets numSamples to the shortest file and says so when the files disagree. */
  protected settleRowCount(files: readonly DataFile[]): void {
    this.used = files;
    const rows = [this.time, ...files].map((f) => f.rows);
    this.numSamples = Math.min(...rows);
    for (const file of [this.time, ...files]) {
      if (file.rows !== this.numSamples) {
        this.warnings.push(
          `${file.path} holds ${file.rows} samples but the shortest file holds ${this.numSamples}: only the first ${this.numSamples} samples of every file are used (was the recording interrupted?)`,
        );
      }
    }
  }

  rows(content: IntanStreamKind | "timestamps"): number {
    return content === "timestamps" || this.streams.has(content) ? this.numSamples : 0;
  }

  abstract read(requests: readonly ReadRequest[], start: number, end: number): Promise<TypedArray[]>;

  /** Reads rows of some columns of an interleaved file into row-major `out`. */
  protected async readColumns(
    file: DataFile,
    columns: Int32Array,
    xor: number,
    start: number,
    end: number,
    out: TypedArray,
  ): Promise<void> {
    const rowBytes = file.width * file.bytes;
    const rows = end - start;
    if (rows === 0) return;
    const rowsPerRead = Math.max(1, Math.floor(this.blockBytes / rowBytes));
    const handle = await open(file.path, "r");
    try {
      const direct = xor === 0 && isIdentity(columns, file.width);
      if (direct) {
        // The rows are exactly the output: read straight into it.
        const bytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
        for (let r = 0; r < rows; r += rowsPerRead) {
          const n = Math.min(rowsPerRead, rows - r);
          const part = bytes.subarray(r * rowBytes, (r + n) * rowBytes);
          await readFully(handle, part, (start + r) * rowBytes, file.path);
          if (!LITTLE_ENDIAN_HOST)
            swap(Buffer.from(part.buffer, part.byteOffset, part.byteLength), file.bytes);
        }
        return;
      }
      const scratch = this.scratch.take(Math.min(rows, rowsPerRead) * rowBytes);
      try {
        const target = new Uint16Array(out.buffer, out.byteOffset, out.length);
        const width = columns.length;
        for (let r = 0; r < rows; r += rowsPerRead) {
          const n = Math.min(rowsPerRead, rows - r);
          const block = scratch.subarray(0, n * rowBytes);
          await readFully(handle, block, (start + r) * rowBytes, file.path);
          if (!LITTLE_ENDIAN_HOST) block.swap16();
          const words = new Uint16Array(block.buffer, block.byteOffset, n * file.width);
          for (let k = 0; k < width; k++) {
            let src = columns[k]!;
            let dst = r * width + k;
            for (let i = 0; i < n; i++, src += file.width, dst += width) target[dst] = words[src]! ^ xor;
          }
        }
      } finally {
        this.scratch.release(scratch);
      }
    } finally {
      await handle.close();
    }
  }
}

/** The one-file-per-signal-type layout. */
export class PerSignalTypeFiles extends SplitFiles {
  private readonly columns = new Map<IntanStreamKind, Columns>();

  constructor(dir: string, announced: Map<IntanStreamKind, IntanChannelInfo[]>, blockBytes: number) {
    super(dir, blockBytes);
    const files: DataFile[] = [];
    const amplifiers = announced.get("amplifier")?.length ?? 0;
    const auxiliaries = announced.get("auxiliary")?.length ?? 0;
    for (const [kind, channels] of announced) {
      if (kind === "temperature") {
        this.warnings.push(
          "the header lists temperature sensors, but this layout does not save temperature data",
        );
        continue;
      }
      const path = join(dir, SIGNAL_TYPE_FILES[kind]);
      const digital = kind === "boardDigitalIn" || kind === "boardDigitalOut";
      let width = digital ? 1 : channels.length;
      const size = sizeOf(path);
      if (size === undefined) {
        if (kind !== "auxiliary") {
          this.warnings.push(
            `the header lists ${channels.length} ${kind} channel(s) but ${SIGNAL_TYPE_FILES[kind]} is missing: that stream is left out`,
          );
        }
        continue;
      }
      if (
        kind === "amplifier" &&
        auxiliaries > 0 &&
        sizeOf(join(dir, SIGNAL_TYPE_FILES.auxiliary)) === undefined
      ) {
        // RHX "save auxiliary inputs with amplifier waveforms": aux columns follow the amplifier columns.
        if (size === this.time.rows * 2 * (amplifiers + auxiliaries)) width = amplifiers + auxiliaries;
      }
      if (size % (2 * width) !== 0) {
        throw new SourceDataError(
          path,
          `size ${size} bytes is not a whole number of samples (${width} column${width === 1 ? "" : "s"} x 2 bytes = ${2 * width} bytes each; ${size % (2 * width)} bytes left over): truncated?`,
        );
      }
      const file: DataFile = { path, width, bytes: 2, rows: size / (2 * width) };
      files.push(file);
      // amplifier.dat holds int16 (Intan subtracted 32768), every other file the traditional codes.
      this.columns.set(kind, { file, firstColumn: 0, storedSigned: kind === "amplifier" });
      this.streams.set(kind, channels);
      if (kind === "amplifier" && width > amplifiers) {
        this.columns.set("auxiliary", { file, firstColumn: amplifiers, storedSigned: true });
        this.streams.set("auxiliary", announced.get("auxiliary")!);
      }
    }
    if (auxiliaries > 0 && !this.streams.has("auxiliary")) {
      this.warnings.push(
        `the header lists ${auxiliaries} auxiliary channel(s) but auxiliary.dat is missing (and amplifier.dat does not hold them): that stream is left out`,
      );
    }
    this.settleRowCount(files);
  }

  async read(requests: readonly ReadRequest[], start: number, end: number): Promise<TypedArray[]> {
    return Promise.all(
      requests.map(async (request) => {
        checkRange(start, end, this.rows(request.content), request.content, this.dir);
        const out = allocate(request.dtype, (end - start) * columnsOf(request));
        if (request.content === "timestamps") {
          await this.readColumns(this.time, SINGLE, 0, start, end, out);
          return out;
        }
        const where = this.columns.get(request.content);
        if (where === undefined) throw new RangeError(`${this.dir} holds no ${request.content} data`);
        const picked =
          request.content === "boardDigitalIn" || request.content === "boardDigitalOut"
            ? SINGLE
            : request.channels.map((c) => c + where.firstColumn);
        const xor = (where.storedSigned ? 0x8000 : 0) ^ (request.signed ? 0x8000 : 0);
        await this.readColumns(where.file, picked, xor, start, end, out);
        return out;
      }),
    );
  }
}

/** The one-file-per-channel layout. */
export class PerChannelFiles extends SplitFiles {
  /** Per stream, one file per channel of `streams.get(kind)`. */
  private readonly files = new Map<IntanStreamKind, DataFile[]>();

  constructor(dir: string, announced: Map<IntanStreamKind, IntanChannelInfo[]>, blockBytes: number) {
    super(dir, blockBytes);
    const all: DataFile[] = [];
    for (const [kind, channels] of announced) {
      if (kind === "temperature") {
        this.warnings.push(
          "the header lists temperature sensors, but this layout does not save temperature data",
        );
        continue;
      }
      const present: IntanChannelInfo[] = [];
      const files: DataFile[] = [];
      const missing: string[] = [];
      for (const channel of channels) {
        const name = `${CHANNEL_FILE_PREFIXES[kind]}-${channel.nativeName}.dat`;
        const path = join(dir, name);
        const size = sizeOf(path);
        if (size === undefined) {
          missing.push(name);
          continue;
        }
        if (size % 2 !== 0) {
          throw new SourceDataError(
            path,
            `size ${size} bytes is not a whole number of 16-bit samples: truncated?`,
          );
        }
        present.push(channel);
        files.push({ path, width: 1, bytes: 2, rows: size / 2 });
      }
      if (present.length === 0) {
        this.warnings.push(
          `the header lists ${channels.length} ${kind} channel(s) but none of their files (e.g. ${missing[0]}) exists: that stream is left out`,
        );
        continue;
      }
      // Intan writes stim-<name>.dat only for channels with stimulation enabled; any other gap is damage.
      if (missing.length > 0 && kind !== "stimulation") {
        throw new SourceDataError(
          join(dir, missing[0]!),
          `does not exist, but the header lists this ${kind} channel and its neighbours' files exist (${missing.length} of ${channels.length} missing): copy the whole recording folder`,
        );
      }
      this.streams.set(kind, present);
      this.files.set(kind, files);
      all.push(...files);
    }
    this.settleRowCount(all);
  }

  async read(requests: readonly ReadRequest[], start: number, end: number): Promise<TypedArray[]> {
    return Promise.all(
      requests.map(async (request) => {
        checkRange(start, end, this.rows(request.content), request.content, this.dir);
        const out = allocate(request.dtype, (end - start) * columnsOf(request));
        if (request.content === "timestamps") {
          await this.readColumns(this.time, SINGLE, 0, start, end, out);
          return out;
        }
        const files = this.files.get(request.content);
        const channels = this.streams.get(request.content);
        if (files === undefined || channels === undefined) {
          throw new RangeError(`${this.dir} holds no ${request.content} data`);
        }
        if (request.content === "boardDigitalIn" || request.content === "boardDigitalOut") {
          await this.readDigitalWords(files, channels, start, end, out);
          return out;
        }
        const width = request.channels.length;
        const xor = (request.content === "amplifier" ? 0x8000 : 0) ^ (request.signed ? 0x8000 : 0);
        const column = allocate("uint16", end - start) as Uint16Array;
        const target = new Uint16Array(out.buffer, out.byteOffset, out.length);
        for (let k = 0; k < width; k++) {
          await this.readColumns(files[request.channels[k]!]!, SINGLE, 0, start, end, column);
          for (let i = 0, dst = k; i < column.length; i++, dst += width) target[dst] = column[i]! ^ xor;
        }
        return out;
      }),
    );
  }

  /** Rebuilds the 16-line word from the per-line 0/1 files: bit b is the line whose native order is b. */
  private async readDigitalWords(
    files: readonly DataFile[],
    channels: readonly IntanChannelInfo[],
    start: number,
    end: number,
    out: TypedArray,
  ): Promise<void> {
    const words = out as Uint16Array;
    const line = allocate("uint16", end - start) as Uint16Array;
    for (let k = 0; k < files.length; k++) {
      await this.readColumns(files[k]!, SINGLE, 0, start, end, line);
      const bit = 1 << channels[k]!.nativeOrder;
      for (let i = 0; i < line.length; i++) if (line[i] !== 0) words[i] = words[i]! | bit;
    }
  }
}

const SINGLE = Int32Array.of(0);

function isIdentity(columns: Int32Array, width: number): boolean {
  if (columns.length !== width) return false;
  for (let i = 0; i < width; i++) if (columns[i] !== i) return false;
  return true;
}

function swap(buffer: Buffer, bytes: 2 | 4): void {
  if (bytes === 2) buffer.swap16();
  else buffer.swap32();
}

/** Which split layout a header-only info file belongs to, or undefined when time.dat is absent. */
export function detectSplitLayout(
  dir: string,
): "one-file-per-signal-type" | "one-file-per-channel" | undefined {
  if (!existsSync(join(dir, TIME_FILE))) return undefined;
  const perType = Object.values(SIGNAL_TYPE_FILES).some((name) => existsSync(join(dir, name)));
  return perType ? "one-file-per-signal-type" : "one-file-per-channel";
}
