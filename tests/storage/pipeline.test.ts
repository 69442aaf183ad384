import { inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { chunkExtent, chunkGrid, cropChunk, cutBlock } from "../../src/storage/chunks.js";
import {
  decodeChunk,
  defaultFilters,
  encodeChunk,
  filtersProblem,
  formatFilters,
  shuffleBytes,
  unshuffleBytes,
} from "../../src/storage/codecs.js";
import { TaskPool, writeChunkedRows } from "../../src/storage/pipeline.js";
import type { ChunkedDatasetRequest, ChunkedDatasetWriter } from "../../src/storage/types.js";
import { WordShuffler } from "../../src/storage/wordShuffle.js";

/** The value at (r, c) of the test arrays: distinct everywhere, so misplaced elements show. */
const at = (r: number, c: number) => r * 1000 + c;

function rows2d(start: number, end: number, cols: number): Int32Array {
  const out = new Int32Array((end - start) * cols);
  for (let r = start; r < end; r++) for (let c = 0; c < cols; c++) out[(r - start) * cols + c] = at(r, c);
  return out;
}

/**
 * A fake engine dataset: decodes every chunk it receives and places it in a dense array, so the test
 * checks the pipeline (cutting, encoding, coordinates) without any file format.
 */
function fakeDataset(request: ChunkedDatasetRequest, delayMs = 0) {
  const [rows, cols] = request.shape as [number, number];
  const dense = new Int32Array(rows * cols).fill(-1);
  const received: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const writer: ChunkedDatasetWriter = {
    async writeChunk(index, encoded) {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      const bytes = await decodeChunk(encoded, 4, request.filters);
      const chunk = new Int32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
      const count = chunkExtent(request.shape, request.chunks, index);
      const inside = cropChunk(chunk, request.chunks, count);
      for (let r = 0; r < count[0]!; r++) {
        for (let c = 0; c < count[1]!; c++) {
          dense[(index[0]! * request.chunks[0]! + r) * cols + index[1]! * request.chunks[1]! + c] =
            inside[r * count[1]! + c]!;
        }
      }
      received.push(index.join(","));
      inFlight--;
    },
  };
  return { writer, dense, received, maxInFlight: () => maxInFlight };
}

describe("codecs", () => {
  it("shuffles bytes as HDF5 does, and back", () => {
    const words = new Uint16Array([0x0102, 0x0304, 0x0506]);
    const bytes = new Uint8Array(words.buffer);
    expect([...shuffleBytes(bytes, 2)]).toEqual([0x02, 0x04, 0x06, 0x01, 0x03, 0x05]);
    const odd = new Uint8Array([1, 2, 3, 4, 5, 6, 7]); // a trailing partial element stays in place
    expect([...shuffleBytes(odd, 3)]).toEqual([1, 4, 2, 5, 3, 6, 7]);
    expect([...unshuffleBytes(shuffleBytes(odd, 3), 3)]).toEqual([...odd]);
  });

  it("encodes shuffle + gzip as a zlib stream of the shuffled bytes", async () => {
    const values = rows2d(0, 50, 7);
    const bytes = new Uint8Array(values.buffer);
    const encoded = await encodeChunk(bytes, 4, defaultFilters());
    expect(new Uint8Array(inflateSync(encoded))).toEqual(shuffleBytes(bytes, 4)); // node's zlib decodes it
    expect(await decodeChunk(encoded, 4, defaultFilters())).toEqual(bytes);
    expect(formatFilters(defaultFilters())).toBe("shuffle → gzip(level=4)");
    expect(formatFilters([])).toBe("none");
  });

  it("names what is wrong with a pipeline", () => {
    expect(filtersProblem([{ codec: "zstd" }])).toBe("unknown codec 'zstd'; registered: shuffle, gzip");
    expect(filtersProblem([{ codec: "gzip", options: { level: 10 } }])).toBe(
      "gzip level must be an integer from 0 to 9, got 10",
    );
    expect(filtersProblem([{ codec: "shuffle", options: { size: 2 } }])).toBe("shuffle takes no options");
    expect(filtersProblem(defaultFilters())).toBeUndefined();
  });
});

describe("chunk geometry", () => {
  it("cuts a block into zero-padded chunks with grid coordinates when chunks do not divide the shape", () => {
    const shape = [7, 5];
    const chunks = [3, 2];
    expect(chunkGrid(shape, chunks)).toEqual([3, 3]);
    const block = rows2d(3, 7, 5); // rows 3-6: a block starting on a chunk row
    const cut = [...cutBlock(block, 3, shape, chunks)];
    expect(cut.map((c) => c.index.join(","))).toEqual(["1,0", "1,1", "1,2", "2,0", "2,1", "2,2"]);
    const corner = new Int32Array(cut[5]!.bytes.buffer); // chunk (2, 2): row 6, column 4, the rest padding
    expect([...corner]).toEqual([at(6, 4), 0, 0, 0, 0, 0]);
    expect([...cropChunk(corner, chunks, chunkExtent(shape, chunks, [2, 2]))]).toEqual([at(6, 4)]);
    const first = new Int32Array(cut[0]!.bytes.buffer);
    expect([...first]).toEqual([at(3, 0), at(3, 1), at(4, 0), at(4, 1), at(5, 0), at(5, 1)]);
  });

  it("cuts straight into shuffled bytes, equal to cutting then shuffling", () => {
    for (const block of [rows2d(0, 7, 5), Int16Array.from(rows2d(0, 7, 5), (v) => v - 3000)]) {
      const plain = [...cutBlock(block, 0, [7, 5], [3, 2])];
      const shuffled = [...cutBlock(block, 0, [7, 5], [3, 2], { shuffled: true })];
      expect(shuffled.map((c) => c.index)).toEqual(plain.map((c) => c.index));
      shuffled.forEach((c, i) => {
        expect(c.bytes).toEqual(shuffleBytes(plain[i]!.bytes, block.BYTES_PER_ELEMENT));
      });
    }
  });

  it("shuffles int16 with SIMD exactly as HDF5's shuffle, into reused buffers, edges zero-padded", () => {
    const cases: [number[], number[]][] = [
      [
        [70, 53],
        [32, 37],
      ], // runs of 32 + 5 and 16 + 0 samples, edge chunks on both axes
      [
        [40, 64],
        [40, 64],
      ], // one full chunk, runs of exactly 64
      [
        [9, 5, 40],
        [4, 3, 18],
      ], // three-dimensional, runs of 16 + 2
      [[33], [16]], // one-dimensional
      [
        [5, 7],
        [5, 7],
      ], // runs shorter than 16: no SIMD at all
    ];
    for (const [shape, chunks] of cases) {
      const size = shape.reduce((a, b) => a * b, 1);
      const block = Int16Array.from({ length: size }, (_, i) => ((i * 7919) % 65536) - 32768);
      const plain = [...cutBlock(block, 0, shape, chunks)];
      const chunkBytes = chunks.reduce((a, b) => a * b, 2);
      const shuffler = new WordShuffler(block.byteLength, chunkBytes, 1);
      shuffler.slots[0]!.fill(0xcd);
      const reused = new Uint8Array(chunkBytes).fill(0xab); // a previous chunk's bytes
      // into the shuffler's own slot (no copy out), then into memory elsewhere (copied out)
      for (const buffer of [() => shuffler.slots[0]!, () => reused]) {
        shuffler.stage(new Uint8Array(block.buffer), 1);
        let k = 0;
        // compared as each chunk is cut: the next one overwrites the buffer
        for (const chunk of cutBlock(block, 0, shape, chunks, { shuffled: true, staged: shuffler, buffer })) {
          expect(chunk.index).toEqual(plain[k]!.index);
          expect(chunk.bytes).toEqual(shuffleBytes(plain[k]!.bytes, 2));
          k++;
        }
        expect(k).toBe(plain.length);
      }
      // a block read straight into an area is cut where it lies
      const area = shuffler.area(0);
      const inPlace = new Int16Array(area.buffer, area.byteOffset, size);
      inPlace.set(block);
      shuffler.stage(new Uint8Array(inPlace.buffer, inPlace.byteOffset, inPlace.byteLength), 0);
      const first = cutBlock(inPlace, 0, shape, chunks, { shuffled: true, staged: shuffler }).next().value!;
      expect(first.bytes).toEqual(shuffleBytes(plain[0]!.bytes, 2));
    }
  });

  it("cuts three-dimensional blocks", () => {
    const shape = [2, 3, 4];
    const block = Int16Array.from({ length: 24 }, (_, i) => i);
    const cut = [...cutBlock(block, 0, shape, [2, 2, 3])];
    expect(cut.map((c) => c.index.join(","))).toEqual(["0,0,0", "0,0,1", "0,1,0", "0,1,1"]);
    // chunk (0, 1, 1): rows 0-1, y 2, x 3 -> elements 11 and 23, the rest padding
    expect([...new Int16Array(cut[3]!.bytes.buffer)]).toEqual([11, 0, 0, 0, 0, 0, 23, 0, 0, 0, 0, 0]);
  });
});

describe("chunk pipeline", () => {
  it("stores every chunk once, in place, through a fake engine", async () => {
    const request: ChunkedDatasetRequest = {
      dtype: "int32",
      shape: [1003, 37],
      chunks: [100, 8],
      filters: defaultFilters(),
    };
    const fake = fakeDataset(request, 1);
    const pool = new TaskPool(3);
    await writeChunkedRows(fake.writer, request, (start, end) => rows2d(start, end, 37), {
      pool,
      blockRows: 300,
      name: "/x",
    });
    await pool.drain();
    expect(fake.dense).toEqual(rows2d(0, 1003, 37));
    expect(fake.received).toHaveLength(11 * 5);
    expect(new Set(fake.received).size).toBe(55);
    expect(fake.maxInFlight()).toBeLessThanOrEqual(3);
    expect(fake.maxInFlight()).toBeGreaterThan(1); // chunks really overlap
  });

  it("reads the next block while the current one is being stored, and keeps at most `jobs` chunks", async () => {
    const request: ChunkedDatasetRequest = { dtype: "int32", shape: [40, 4], chunks: [10, 4], filters: [] };
    const events: string[] = [];
    const blocks: Int32Array[] = [];
    const offered: (Int32Array | undefined)[] = [];
    const pool = new TaskPool(2);
    const writer: ChunkedDatasetWriter = {
      async writeChunk(index) {
        events.push(`store ${index[0]} start`);
        await new Promise((resolve) => setTimeout(resolve, 5));
        events.push(`store ${index[0]} end`);
      },
    };
    await writeChunkedRows(
      writer,
      request,
      async (start, end, reuse) => {
        events.push(`read ${start}`);
        offered.push(reuse as Int32Array | undefined);
        blocks.push(rows2d(start, end, 4));
        return blocks.at(-1)!;
      },
      { pool, blockRows: 10, name: "/x" },
    );
    await pool.drain();
    // block 10 is read before chunk 0 is stored: reading overlaps storing
    expect(events.indexOf("read 10")).toBeLessThan(events.indexOf("store 0 end"));
    // back-pressure: the third chunk starts only after the first finished
    expect(events.indexOf("store 2 start")).toBeGreaterThan(events.indexOf("store 0 end"));
    // the block before the current one (cut already) is offered back to the source for the next read
    expect(offered).toEqual([undefined, undefined, blocks[0], blocks[1]]);
    expect(offered[2]).toBe(blocks[0]);
  });

  it("stops offering its shuffle memory to an int16 source that returns its own arrays, and cuts copies", async () => {
    const request: ChunkedDatasetRequest = {
      dtype: "int16",
      shape: [96, 32],
      chunks: [16, 32],
      filters: defaultFilters(),
    };
    const sample = (r: number, c: number) => ((r * 131 + c * 7) % 2000) - 1000;
    const dense = new Int16Array(96 * 32);
    const offered: unknown[] = [];
    const pool = new TaskPool(2);
    const writer: ChunkedDatasetWriter = {
      async writeChunk(index, encoded) {
        const bytes = await decodeChunk(encoded, 2, request.filters);
        dense.set(new Int16Array(bytes.buffer, bytes.byteOffset, 16 * 32), index[0]! * 16 * 32);
      },
    };
    await writeChunkedRows(
      writer,
      request,
      (start, end, reuse) => {
        offered.push(reuse);
        const own = new Int16Array((end - start) * 32);
        for (let r = start; r < end; r++)
          for (let c = 0; c < 32; c++) own[(r - start) * 32 + c] = sample(r, c);
        return own;
      },
      { pool, blockRows: 32, name: "/x" },
    );
    await pool.drain();
    expect(offered[0]).toBeInstanceOf(Int16Array); // the first block is offered an area ...
    expect(offered.slice(1)).toEqual([undefined, undefined]); // ... then no more, once it is ignored
    expect(Array.from(dense)).toEqual(
      Array.from({ length: 96 * 32 }, (_, i) => sample(Math.floor(i / 32), i % 32)),
    );
  });

  it("frees a slot when its work is done: the next chunk encodes while the last one is stored", async () => {
    const pool = new TaskPool(1);
    const events: string[] = [];
    const pause = () => new Promise((resolve) => setTimeout(resolve, 5));
    for (const k of [0, 1, 2]) {
      await pool.run(
        async () => {
          events.push(`work ${k}`);
          await pause();
          return k;
        },
        async (result) => {
          events.push(`store ${result} start`);
          await pause();
          await pause();
          events.push(`store ${result} end`);
        },
      );
    }
    await pool.drain();
    expect(events.indexOf("work 1")).toBeLessThan(events.indexOf("store 0 end"));
    // one store at a time (jobs 1): store 1 waits for store 0, and work 2 for a free store slot
    expect(events.indexOf("store 1 start")).toBeGreaterThan(events.indexOf("store 0 end"));
    expect(events.indexOf("work 2")).toBeGreaterThan(events.indexOf("store 0 end"));
    expect(events.filter((e) => e.endsWith("end"))).toEqual(["store 0 end", "store 1 end", "store 2 end"]);
  });

  it("stops at the first failure and names the source's problem", async () => {
    const request: ChunkedDatasetRequest = { dtype: "int16", shape: [10, 2], chunks: [5, 2], filters: [] };
    const pool = new TaskPool(2);
    const failing: ChunkedDatasetWriter = {
      writeChunk: async () => {
        throw new Error("no space left on device");
      },
    };
    await writeChunkedRows(failing, request, (s, e) => new Int16Array((e - s) * 2), {
      pool,
      blockRows: 5,
      name: "/x",
    }).catch(() => undefined);
    await expect(pool.drain()).rejects.toThrow("no space left on device");
    const short = new TaskPool(1);
    await expect(
      writeChunkedRows(failing, request, () => new Int16Array(3), { pool: short, blockRows: 5, name: "/x" }),
    ).rejects.toThrow("/x: the data source returned 3 values for rows 0-5, expected 10");
  });
});
