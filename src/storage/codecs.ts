/**
 * The codec registry: filters that encode one chunk's bytes, shared by every storage engine.
 *
 * Built in: `shuffle` (byte transposition, which groups the similar high bytes of neighbouring samples) and
 * `gzip` (zlib deflate with a level). Engines record which codecs were applied in their own terms (HDF5
 * filter ids 2 and 1). Deflate runs through node:zlib's asynchronous API, i.e. on libuv's thread pool,
 * so chunks in flight compress on several cores while the main thread cuts the next chunks.
 */
import { promisify } from "node:util";
import { constants, deflate, inflate } from "node:zlib";
import type { FilterSpec } from "./types.js";

/** A codec's options by name (e.g. `{ level: 4 }` for gzip). */
export type CodecOptions = Readonly<Record<string, number>>;

/** A filter that encodes (and decodes) one chunk's bytes; register it with {@link registerCodec}. */
export interface Codec {
  readonly name: string;
  /** One line for help texts and printed configurations. */
  readonly description: string;
  /** Why these options cannot be used, or undefined. */
  optionsProblem(options: CodecOptions): string | undefined;
  encode(bytes: Uint8Array, elementSize: number, options: CodecOptions): Promise<Uint8Array>;
  decode(bytes: Uint8Array, elementSize: number, options: CodecOptions): Promise<Uint8Array>;
}

export const DEFAULT_GZIP_LEVEL = 4;

/** Byte `b` of element `i` goes to position `b * count + i` (HDF5's shuffle filter, H5Zshuffle.c's layout). */
export function shuffleBytes(bytes: Uint8Array, elementSize: number): Uint8Array {
  const count = Math.floor(bytes.length / elementSize);
  const out = new Uint8Array(bytes.length);
  if (elementSize === 2 && bytes.byteOffset % 2 === 0) {
    const words = new Uint16Array(bytes.buffer, bytes.byteOffset, count);
    for (let i = 0; i < count; i++) {
      const w = words[i]!;
      out[i] = w & 0xff; // little-endian: low byte first
      out[count + i] = w >>> 8;
    }
  } else {
    for (let b = 0; b < elementSize; b++) {
      const base = b * count;
      for (let i = 0; i < count; i++) out[base + i] = bytes[i * elementSize + b]!;
    }
  }
  // bytes beyond whole elements are copied unchanged, as HDF5 does
  out.set(bytes.subarray(count * elementSize), count * elementSize);
  return out;
}

export function unshuffleBytes(bytes: Uint8Array, elementSize: number): Uint8Array {
  const count = Math.floor(bytes.length / elementSize);
  const out = new Uint8Array(bytes.length);
  for (let b = 0; b < elementSize; b++) {
    const base = b * count;
    for (let i = 0; i < count; i++) out[i * elementSize + b] = bytes[base + i]!;
  }
  out.set(bytes.subarray(count * elementSize), count * elementSize);
  return out;
}

const deflateAsync = promisify(deflate);
const inflateAsync = promisify(inflate);

const shuffle: Codec = {
  name: "shuffle",
  description: "byte shuffle (lossless; helps deflate on multi-byte samples)",
  optionsProblem: (options) => (Object.keys(options).length > 0 ? "shuffle takes no options" : undefined),
  encode: async (bytes, elementSize) => (elementSize > 1 ? shuffleBytes(bytes, elementSize) : bytes),
  decode: async (bytes, elementSize) => (elementSize > 1 ? unshuffleBytes(bytes, elementSize) : bytes),
};

/** Compressed size / input size of the last chunk deflated. */
let lastDeflateShare = 1;

/**
 * Output room for deflating `length` bytes: the last chunk's share plus a margin, at most zlib's worst
 * case. Room is allocated whether used or not, and V8 counts it as external memory, whose growth triggers
 * full garbage collections; when the output does not fit, zlib continues into more buffers (slower, same
 * bytes).
 */
function deflateRoom(length: number): number {
  const worst = length + (length >> 6) + 1024;
  return Math.max(64 * 1024, Math.min(worst, Math.ceil(length * lastDeflateShare * 1.125) + 4096));
}

const gzip: Codec = {
  name: "gzip",
  description: "deflate (zlib) with a level 0-9; every HDF5 reader decodes it",
  optionsProblem(options) {
    const unknown = Object.keys(options).filter((key) => key !== "level");
    if (unknown.length > 0) return `gzip takes only a level, not ${unknown.join(", ")}`;
    const level = options.level;
    if (level !== undefined && !(Number.isInteger(level) && level >= 0 && level <= 9)) {
      return `gzip level must be an integer from 0 to 9, got ${level}`;
    }
    return undefined;
  },
  // Z_FINISH from the start and an output buffer that holds the whole result: one pass on the thread pool,
  // one output buffer (by default the input is deflated with Z_NO_FLUSH, then Z_FINISH in a second pass
  // whose output is concatenated to the first: a copy and an allocation per chunk).
  async encode(bytes, _size, options) {
    const out = await deflateAsync(bytes, {
      level: options.level ?? DEFAULT_GZIP_LEVEL,
      chunkSize: deflateRoom(bytes.length),
      flush: constants.Z_FINISH,
    });
    lastDeflateShare = out.length / Math.max(1, bytes.length);
    return out;
  },
  decode: (bytes) => inflateAsync(bytes),
};

const registry = new Map<string, Codec>([
  [shuffle.name, shuffle],
  [gzip.name, gzip],
]);

/**
 * Adds a codec (e.g. zstd). Engines must also know how to record it; a codec outside HDF5's built-in
 * filters makes files that readers open only with a plugin (hdf5plugin), so keep such codecs opt-in.
 *
 * @example
 * ```ts
 * registerCodec({
 *   name: "invert",
 *   description: "flips every bit (a toy)",
 *   optionsProblem: () => undefined,
 *   encode: async (bytes) => bytes.map((b) => 255 - b),
 *   decode: async (bytes) => bytes.map((b) => 255 - b),
 * });
 * ```
 */
export function registerCodec(codec: Codec): void {
  if (registry.has(codec.name)) throw new Error(`a codec named '${codec.name}' is already registered`);
  registry.set(codec.name, codec);
}

export function getCodec(name: string): Codec | undefined {
  return registry.get(name);
}

/** Names of the registered codecs (`["shuffle", "gzip"]` unless more were registered). */
export function codecNames(): string[] {
  return [...registry.keys()];
}

/** The default for bulk numeric data: shuffle, then gzip level 4 (no reader needs a plugin). */
export function defaultFilters(): FilterSpec[] {
  return [{ codec: "shuffle" }, { codec: "gzip", options: { level: DEFAULT_GZIP_LEVEL } }];
}

/** `shuffle → gzip(level=4)`, or `none`. */
export function formatFilters(filters: readonly FilterSpec[]): string {
  if (filters.length === 0) return "none";
  return filters
    .map((f) => {
      const options = Object.entries(f.options ?? {}).map(([k, v]) => `${k}=${v}`);
      return options.length > 0 ? `${f.codec}(${options.join(", ")})` : f.codec;
    })
    .join(" → ");
}

/** Why a filter pipeline cannot be used (unknown codec, bad options), or undefined. */
export function filtersProblem(filters: readonly FilterSpec[]): string | undefined {
  for (const filter of filters) {
    const codec = registry.get(filter.codec);
    if (!codec) return `unknown codec '${filter.codec}'; registered: ${codecNames().join(", ")}`;
    const problem = codec.optionsProblem(filter.options ?? {});
    if (problem) return problem;
  }
  return undefined;
}

function codecOf(filter: FilterSpec): Codec {
  const codec = registry.get(filter.codec);
  if (!codec) throw new Error(`unknown codec '${filter.codec}'`);
  return codec;
}

/** Applies the filters in order to one chunk's bytes. */
export async function encodeChunk(
  bytes: Uint8Array,
  elementSize: number,
  filters: readonly FilterSpec[],
): Promise<Uint8Array> {
  let out = bytes;
  for (const filter of filters) out = await codecOf(filter).encode(out, elementSize, filter.options ?? {});
  return out;
}

/** Undoes {@link encodeChunk} (for readers and tests). */
export async function decodeChunk(
  bytes: Uint8Array,
  elementSize: number,
  filters: readonly FilterSpec[],
): Promise<Uint8Array> {
  let out = bytes;
  for (const filter of [...filters].reverse()) {
    out = await codecOf(filter).decode(out, elementSize, filter.options ?? {});
  }
  return out;
}
