/**
 * HDF5's shuffle of two-byte samples (int16 ephys, the bulk of what is converted) with WebAssembly SIMD:
 * one `i8x16.shuffle` gathers the low bytes of 16 samples, a second their high bytes. A JavaScript loop
 * does about 3 ns per sample (3 s of CPU per GB, as much as a quarter of deflate); this kernel, with the
 * copies in and out of its memory, about 0.5 ns.
 *
 * The module is a dozen instructions, so it is assembled here (WebAssembly Core Specification 2.0, section
 * 5 "Binary Format"; SIMD opcodes 0xFD 0x00 v128.load, 0x0B v128.store, 0x0D i8x16.shuffle) rather than
 * shipped as a binary with a build step for it.
 */

/** The parts of the WebAssembly API used here (the project's TypeScript libraries do not declare it). */
declare const WebAssembly: {
  Memory: new (descriptor: {
    initial: number;
  }) => { readonly buffer: ArrayBuffer; grow(pages: number): number };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
};

const PAGE = 65536;

/** shuffle16(src, low, high, rows, rowBytes, srcStride, dstStride): byte addresses and byte counts. */
type Kernel = (
  src: number,
  low: number,
  high: number,
  rows: number,
  rowBytes: number,
  srcStride: number,
  dstStride: number,
) => void;

const leb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return out;
};

/**
 * For `rows` rows: the samples of `rowBytes` bytes (a multiple of 32) at `src` go low bytes to `low`, high
 * bytes to `high`; then src += srcStride, low and high += dstStride.
 */
function kernelModule(): Uint8Array {
  const [SRC, LOW, HIGH, ROWS, ROW_BYTES, SRC_STRIDE, DST_STRIDE, I, A, B] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const get = (local: number) => [0x20, local];
  const set = (local: number) => [0x21, local];
  const tee = (local: number) => [0x22, local];
  const add = 0x6a;
  const load = (offset: number) => [0xfd, 0x00, 0x00, offset]; // v128.load align=1
  const store = [0xfd, 0x0b, 0x00, 0x00]; // v128.store align=1 offset=0
  const lanes = (first: number) => Array.from({ length: 16 }, (_, k) => first + 2 * k);
  const shuffle = (first: number) => [0xfd, 0x0d, ...lanes(first)]; // bytes first, first+2, ... of a:b
  const halfI = [...get(I), 0x41, 0x01, 0x76, add]; // + i / 2 (i32.const 1, i32.shr_u)
  const body = [
    ...[0x02, 0x01, 0x7f, 0x02, 0x7b], // locals: i (i32), a and b (v128)
    ...[0x02, 0x40, ...get(ROWS), 0x45, 0x0d, 0x00], // block; if rows == 0 leave
    ...[0x03, 0x40, 0x41, 0x00, ...set(I)], // loop over rows; i = 0
    ...[0x02, 0x40, ...get(ROW_BYTES), 0x45, 0x0d, 0x00], // block; if rowBytes == 0 skip the row
    0x03,
    0x40, // loop over 32-byte groups
    ...[...get(SRC), ...get(I), add, ...load(0), ...set(A)],
    ...[...get(SRC), ...get(I), add, ...load(16), ...set(B)],
    ...[...get(LOW), ...halfI, ...get(A), ...get(B), ...shuffle(0), ...store],
    ...[...get(HIGH), ...halfI, ...get(A), ...get(B), ...shuffle(1), ...store],
    ...[...get(I), 0x41, 0x20, add, ...tee(I), ...get(ROW_BYTES), 0x49, 0x0d, 0x00], // i += 32; again if < rowBytes
    ...[0x0b, 0x0b], // end loop, end block
    ...[...get(SRC), ...get(SRC_STRIDE), add, ...set(SRC)],
    ...[...get(LOW), ...get(DST_STRIDE), add, ...set(LOW)],
    ...[...get(HIGH), ...get(DST_STRIDE), add, ...set(HIGH)],
    ...[...get(ROWS), 0x41, 0x01, 0x6b, ...tee(ROWS), 0x0d, 0x00], // rows -= 1; again if not 0
    ...[0x0b, 0x0b, 0x0b], // end loop, end block, end function
  ];
  const section = (id: number, bytes: number[]) => [id, ...leb(bytes.length), ...bytes];
  const name = (text: string) => [text.length, ...Array.from(text, (c) => c.charCodeAt(0))];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // "\0asm", version 1
    ...section(1, [0x01, 0x60, 0x07, ...new Array<number>(7).fill(0x7f), 0x00]), // type: 7 x i32 -> ()
    ...section(2, [0x01, ...name("env"), ...name("memory"), 0x02, 0x00, 0x01]), // imported memory, >= 1 page
    ...section(3, [0x01, 0x00]), // one function of type 0
    ...section(7, [0x01, ...name("shuffle16"), 0x00, 0x00]), // exported
    ...section(10, [0x01, ...leb(body.length), ...body]),
  ]);
}

let compiled: object | undefined;

/** Largest memory a shuffler lays out (addresses are 32-bit; beyond this the JavaScript loop serves). */
const MAX_SHUFFLER_BYTES = 1024 ** 3;

const align = (bytes: number) => Math.ceil(bytes / 16) * 16;

/**
 * The SIMD shuffle for one dataset, in its own memory laid out once: two block areas (the block being cut
 * and the next one being read: the pipeline offers them to the source, which reads straight into them),
 * `slots` chunk buffers that the pipeline cuts into and hands to deflate, and a scratch chunk for
 * other targets. Blocks and chunks elsewhere are copied in and out. The layout never grows, so the views
 * handed out stay valid while zlib reads them on other threads.
 */
export class WordShuffler {
  private readonly memory: { readonly buffer: ArrayBuffer };
  private readonly kernel: Kernel;
  private readonly areaBytes: number;
  private readonly scratchAt: number;
  /** Byte address of the staged block. */
  private blockAt = 0;
  /** Byte address and size of the chunk being cut. */
  private chunkAt = 0;
  private readonly chunkBytes: number;
  /** Chunk buffers in this memory (shuffling into them needs no copy out). */
  readonly slots: Uint8Array[] = [];

  /** Fits a layout for blocks of `blockBytes` (areas get 1/8 more, for sources that read whole rows and pack). */
  static fits(blockBytes: number, chunkBytes: number, slots: number): boolean {
    return 2 * align(blockBytes * 1.125) + (slots + 1) * align(chunkBytes) <= MAX_SHUFFLER_BYTES;
  }

  constructor(blockBytes: number, chunkBytes: number, slots: number) {
    this.areaBytes = align(blockBytes * 1.125);
    this.chunkBytes = chunkBytes;
    const slotBytes = align(chunkBytes);
    const total = 2 * this.areaBytes + (slots + 1) * slotBytes;
    const memory = new WebAssembly.Memory({ initial: Math.ceil(total / PAGE) });
    this.memory = memory;
    compiled ??= new WebAssembly.Module(kernelModule());
    const instance = new WebAssembly.Instance(compiled, { env: { memory } });
    this.kernel = instance.exports.shuffle16 as Kernel;
    for (let k = 0; k < slots; k++) {
      this.slots.push(new Uint8Array(memory.buffer, 2 * this.areaBytes + k * slotBytes, chunkBytes));
    }
    this.scratchAt = 2 * this.areaBytes + slots * slotBytes;
  }

  /** Whether `view` lies in this shuffler's memory (a block the source read into an offered area). */
  holds(view: ArrayBufferView): boolean {
    return view.buffer === this.memory.buffer;
  }

  /** Block area 0 or 1, for the source to read into. */
  area(k: number): Uint8Array {
    return new Uint8Array(this.memory.buffer, (k % 2) * this.areaBytes, this.areaBytes);
  }

  /**
   * Makes `block` the one to cut: in place if it lies in area `k`, else copied into that area. Returns the
   * staged bytes (cut from those, so that a copied block's own memory is free while it is cut).
   */
  stage(block: Uint8Array, k: number): Uint8Array {
    if (block.buffer === this.memory.buffer) {
      this.blockAt = block.byteOffset;
      return block;
    }
    if (block.byteLength > this.areaBytes) throw new RangeError("a block is larger than the shuffler's area");
    this.blockAt = (k % 2) * this.areaBytes;
    const staged = new Uint8Array(this.memory.buffer, this.blockAt, block.byteLength);
    staged.set(block);
    return staged;
  }

  /** Starts a chunk shuffled into `target` (a slot, or else the scratch chunk); zeroes it when `padded`. */
  begin(target: Uint8Array, padded: boolean): void {
    this.chunkAt = target.buffer === this.memory.buffer ? target.byteOffset : this.scratchAt;
    if (padded) new Uint8Array(this.memory.buffer, this.chunkAt, this.chunkBytes).fill(0);
  }

  /**
   * `rows` runs of `length` samples (a multiple of 16) from sample `source` of the block, `sourceStride`
   * apart, to sample `target` of the chunk, `targetStride` apart (shuffled layout).
   */
  plane(
    source: number,
    target: number,
    rows: number,
    length: number,
    sourceStride: number,
    targetStride: number,
  ) {
    const low = this.chunkAt + target;
    const high = low + this.chunkBytes / 2;
    this.kernel(this.blockAt + 2 * source, low, high, rows, 2 * length, 2 * sourceStride, targetStride);
  }

  /** Ends the chunk: copies it out if `target` is not a slot. */
  end(target: Uint8Array): void {
    if (target.buffer !== this.memory.buffer) {
      target.set(new Uint8Array(this.memory.buffer, this.chunkAt, this.chunkBytes));
    }
  }
}
