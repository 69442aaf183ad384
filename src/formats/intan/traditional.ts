/**
 * The traditional layout: header followed by data blocks (see layout.ts for the block record). A read of rows
 * `[start, end)` reads the whole blocks that hold them, in as few positioned reads as the size limit allows
 * (usually one), then transposes each wanted channel out of the block's channel-after-channel order.
 */
import { open } from "node:fs/promises";
import { allocate, type TypedArray } from "../../data/dtype.js";
import { SourceDataError } from "../../errors.js";
import { checkRange, LITTLE_ENDIAN_HOST, readFully, Scratch } from "../binary.js";
import type { IntanHeader } from "./header.js";
import { columnsOf, type IntanBackend, isWord, type ReadRequest } from "./io.js";
import { blockLayout, type IntanBlockLayout, type IntanBlockRegion, type IntanStreamKind } from "./layout.js";

/** Reads data blocks of a traditional `.rhd` / `.rhs` file. */
export class TraditionalFile implements IntanBackend {
  readonly layout: IntanBlockLayout;
  readonly numBlocks: number;
  private readonly regions = new Map<IntanStreamKind | "timestamps", IntanBlockRegion>();
  private readonly scratch = new Scratch();

  /** Checks that the data after the header is a whole number of blocks. */
  constructor(
    readonly path: string,
    readonly header: IntanHeader,
    fileSize: number,
    readonly blockBytes: number,
  ) {
    this.layout = blockLayout(header);
    for (const region of this.layout.regions) this.regions.set(region.content, region);
    const dataBytes = fileSize - header.headerBytes;
    const per = this.layout.bytesPerBlock;
    if (dataBytes % per !== 0) {
      const whole = Math.floor(dataBytes / per);
      throw new SourceDataError(
        path,
        `the ${dataBytes} bytes after the ${header.headerBytes}-byte header are not a whole number of data blocks (${per} bytes each: ${header.samplesPerBlock} samples of ${describeRegions(this.layout)}); ${whole} whole blocks and ${dataBytes - whole * per} bytes left over: truncated? Use the complete file, or cut it to ${header.headerBytes + whole * per} bytes`,
      );
    }
    this.numBlocks = dataBytes / per;
  }

  rows(content: IntanStreamKind | "timestamps"): number {
    const region = this.regions.get(content);
    return region === undefined ? 0 : region.samplesPerBlock * this.numBlocks;
  }

  async read(requests: readonly ReadRequest[], start: number, end: number): Promise<TypedArray[]> {
    const regions = requests.map((r) => {
      const region = this.regions.get(r.content);
      if (region === undefined) throw new RangeError(`${this.path} holds no ${r.content} data`);
      return region;
    });
    const perBlock = regions[0]?.samplesPerBlock ?? 1;
    if (regions.some((r) => r.samplesPerBlock !== perBlock)) {
      throw new RangeError("streams read together must have the same sampling rate");
    }
    checkRange(start, end, perBlock * this.numBlocks, requests[0]?.content ?? "data", this.path);
    const outputs = requests.map((r) => allocate(r.dtype, (end - start) * columnsOf(r)));
    if (end === start || requests.length === 0) return outputs;

    const bytesPerBlock = this.layout.bytesPerBlock;
    const firstBlock = Math.floor(start / perBlock);
    const lastBlock = Math.ceil(end / perBlock); // exclusive
    const blocksPerRead = Math.max(1, Math.floor(this.blockBytes / bytesPerBlock));
    // Same bits whatever the signedness: write through unsigned / 32-bit views of the outputs.
    const targets = outputs.map((out) =>
      out.BYTES_PER_ELEMENT === 4
        ? new Int32Array(out.buffer, out.byteOffset, out.length)
        : new Uint16Array(out.buffer, out.byteOffset, out.length),
    );
    const picks = requests.map((r) => (isWord(r.content) ? SINGLE : r.channels));
    const xors = requests.map((r) => (r.signed ? 0x8000 : 0));
    const handle = await open(this.path, "r");
    const scratch = this.scratch.take(Math.min(lastBlock - firstBlock, blocksPerRead) * bytesPerBlock);
    try {
      for (let b0 = firstBlock; b0 < lastBlock; b0 += blocksPerRead) {
        const b1 = Math.min(lastBlock, b0 + blocksPerRead);
        const bytes = scratch.subarray(0, (b1 - b0) * bytesPerBlock);
        await readFully(handle, bytes, this.header.headerBytes + b0 * bytesPerBlock, this.path);
        // Every field is a whole number of 16-bit words at an even offset of an 8-byte-aligned buffer, so one
        // 16-bit view serves all fields (timestamps are rebuilt from their two halves). On big-endian hosts
        // swapping every 16-bit word first makes the view and the rebuilt timestamps right.
        if (!LITTLE_ENDIAN_HOST) bytes.swap16();
        const words = new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >>> 1);
        for (let b = b0; b < b1; b++) {
          // Part of block b inside [start, end): samples [t0, t1) of the block, output rows from row0.
          const t0 = Math.max(start - b * perBlock, 0);
          const t1 = Math.min(end - b * perBlock, perBlock);
          const row0 = b * perBlock + t0 - start;
          const blockAt = ((b - b0) * bytesPerBlock) >>> 1;
          for (let i = 0; i < requests.length; i++) {
            const at = blockAt + (regions[i]!.byteOffset >>> 1);
            const target = targets[i]!;
            if (target instanceof Int32Array) decode32(words, at, t0, t1, target, row0);
            else decode16(words, at, perBlock, picks[i]!, xors[i]!, t0, t1, target, row0);
          }
        }
      }
    } finally {
      this.scratch.release(scratch);
      await handle.close();
    }
    return outputs;
  }
}

const SINGLE = Int32Array.of(0);

/**
 * Copies samples [t0, t1) of the picked channels of one channel-after-channel region (starting at word
 * `regionAt`) into row-major `target` (width = number of picked channels) from row `row0` on, XOR-ing each
 * word with `xor`. The hot loop of a conversion: contiguous reads, strided writes within one block.
 */
function decode16(
  words: Uint16Array,
  regionAt: number,
  perBlock: number,
  picked: Int32Array,
  xor: number,
  t0: number,
  t1: number,
  target: Uint16Array,
  row0: number,
): void {
  const width = picked.length;
  const base = regionAt + t0;
  const count = t1 - t0;
  let k = 0;
  // Four channels per pass fill four neighbouring output slots per row (about 1.4x a one-channel loop).
  for (; k + 4 <= width; k += 4) {
    const s0 = base + picked[k]! * perBlock;
    const s1 = base + picked[k + 1]! * perBlock;
    const s2 = base + picked[k + 2]! * perBlock;
    const s3 = base + picked[k + 3]! * perBlock;
    let dst = row0 * width + k;
    for (let t = 0; t < count; t++, dst += width) {
      target[dst] = words[s0 + t]! ^ xor;
      target[dst + 1] = words[s1 + t]! ^ xor;
      target[dst + 2] = words[s2 + t]! ^ xor;
      target[dst + 3] = words[s3 + t]! ^ xor;
    }
  }
  for (; k < width; k++) {
    let src = base + picked[k]! * perBlock;
    const stop = src + count;
    let dst = row0 * width + k;
    for (; src < stop; src++, dst += width) target[dst] = words[src]! ^ xor;
  }
}

/** Copies timestamps [t0, t1) of one block: little-endian 32-bit values from their 16-bit halves. */
function decode32(
  words: Uint16Array,
  regionAt: number,
  t0: number,
  t1: number,
  target: Int32Array,
  row0: number,
): void {
  for (let t = t0, dst = row0; t < t1; t++, dst++) {
    const at = regionAt + 2 * t;
    target[dst] = words[at]! | (words[at + 1]! << 16);
  }
}

function describeRegions(layout: IntanBlockLayout): string {
  return layout.regions
    .map((r) =>
      r.content === "timestamps"
        ? "timestamps"
        : `${r.channels} ${r.content} channel${r.channels === 1 ? "" : "s"}${r.samplesPerBlock !== layout.samplesPerBlock ? ` x ${r.samplesPerBlock} samples` : ""}`,
    )
    .join(", ");
}
