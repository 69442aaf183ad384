/**
 * The shared reader toolkit on small generated files whose every byte is written here with DataView (the
 * expected values are the ones written, not what the reader computes).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { segmentedTiming, timeAt } from "../../src/conversion/timing.js";
import { SourceDataError } from "../../src/errors.js";
import { lastIndexAtMost, lastIndexWhere, readBytesSync } from "../../src/formats/binary.js";
import { BitEdgeTracker, bitsUsed, risingCrossings } from "../../src/formats/edges.js";
import { InterleavedFile } from "../../src/formats/interleaved.js";

const dir = mkdtempSync(join(tmpdir(), "toolkit-"));

/** value of channel c at row r in the generated files */
const value = (r: number, c: number) => r * 10 + c;

describe("InterleavedFile", () => {
  it("reads uint32 rows after a header, all or picked channels", async () => {
    const rows = 50;
    const channels = 3;
    const view = new DataView(new ArrayBuffer(7 + rows * channels * 4));
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < channels; c++)
        view.setUint32(7 + (r * channels + c) * 4, value(r, c) + 2 ** 31, true);
    const path = join(dir, "u32.bin");
    writeFileSync(path, new Uint8Array(view.buffer));
    const file = new InterleavedFile({
      path,
      dtype: "uint32",
      numChannels: channels,
      records: { kind: "contiguous", offset: 7, rows },
      blockBytes: 40, // forces several reads per call
    });
    expect(file.numSamples).toBe(50);
    const all = await file.readRows(3, 6);
    expect(Array.from(all, Number)).toEqual(
      [3, 4, 5].flatMap((r) => [0, 1, 2].map((c) => value(r, c) + 2 ** 31)),
    );
    const picked = await file.source([2, 0]).readRows(10, 12);
    expect(Array.from(picked, Number)).toEqual(
      [value(10, 2), value(10, 0), value(11, 2), value(11, 0)].map((v) => v + 2 ** 31),
    );
  });

  it("packs most channels in file order in place: long and short runs, several reads per call", async () => {
    const rows = 30;
    const wide = (r: number, c: number) => r * 100 + c; // distinct for 40 channels
    const channels = 40;
    const view = new DataView(new ArrayBuffer(rows * channels * 2));
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < channels; c++) view.setInt16((r * channels + c) * 2, wide(r, c), true);
    const path = join(dir, "wide.bin");
    writeFileSync(path, new Uint8Array(view.buffer));
    const file = new InterleavedFile({
      path,
      dtype: "int16",
      numChannels: channels,
      records: { kind: "contiguous", offset: 0, rows },
      blockBytes: 7 * channels * 2, // 7 rows per read
    });
    // a run of 20 channels (memmove), a gap, 3 single channels, all but the last (a sync channel)
    const kept = [
      ...Array.from({ length: 20 }, (_, c) => c + 1),
      25,
      27,
      28,
      30,
      31,
      32,
      33,
      34,
      35,
      36,
      37,
      38,
    ];
    const picked = await file.source(kept).readRows(2, 29);
    expect(picked.length).toBe(27 * kept.length);
    expect(Array.from(picked, Number)).toEqual(
      Array.from({ length: 27 }, (_, i) => kept.map((c) => wide(2 + i, c))).flat(),
    );
    // a finished block offered back is filled anew in place; a too small one is not used
    const again = await file.source(kept).readRows(0, 27, picked);
    expect(again.buffer).toBe(picked.buffer);
    expect(Array.from(again, Number)).toEqual(
      Array.from({ length: 27 }, (_, i) => kept.map((c) => wide(i, c))).flat(),
    );
    // memory offered as a view is used only up to the view's length, never beyond it
    const memory = new Int16Array(30 * channels).fill(-1);
    const larger = await file.source(kept).readRows(0, 30, memory.subarray(0, 30 * kept.length));
    expect(larger.buffer).not.toBe(memory.buffer);
    expect(memory.every((v) => v === -1)).toBe(true);
    expect(larger.length).toBe(30 * kept.length);
    expect(larger[kept.length * 29 + 1]).toBe(wide(29, kept[1]!));
  });

  it("reads int16 records at a stride, across record boundaries (Neuralynx-like)", async () => {
    // 4 records of 5 rows x 2 channels, each behind a 6-byte record header, after a 16-byte file header
    const recordBytes = 6 + 5 * 2 * 2;
    const view = new DataView(new ArrayBuffer(16 + 4 * recordBytes));
    for (let r = 0; r < 20; r++) {
      const record = Math.floor(r / 5);
      for (let c = 0; c < 2; c++)
        view.setInt16(16 + record * recordBytes + 6 + ((r % 5) * 2 + c) * 2, -value(r, c), true);
    }
    const path = join(dir, "strided.bin");
    writeFileSync(path, new Uint8Array(view.buffer));
    const file = new InterleavedFile({
      path,
      dtype: "int16",
      numChannels: 2,
      records: { kind: "strided", offset: 16 + 6, rowsPerRecord: 5, recordBytes, numRecords: 4 },
    });
    const column = await file.columnSource(1).readRows(3, 13);
    expect(Array.from(column, Number)).toEqual(Array.from({ length: 10 }, (_, i) => -value(3 + i, 1)));
  });

  it("reads listed records of different lengths (Blackrock-like data packets)", async () => {
    const view = new DataView(new ArrayBuffer(100));
    const list = [
      { position: 4, rows: 3 },
      { position: 40, rows: 2 },
    ];
    let row = 0;
    for (const record of list)
      for (let k = 0; k < record.rows; k++, row++)
        view.setInt16(record.position + 2 * k, value(row, 0), true);
    const path = join(dir, "listed.bin");
    writeFileSync(path, new Uint8Array(view.buffer));
    const file = new InterleavedFile({
      path,
      dtype: "int16",
      numChannels: 1,
      records: { kind: "listed", list },
    });
    expect(file.numSamples).toBe(5);
    expect(Array.from(await file.readRows(1, 5), Number)).toEqual([1, 2, 3, 4].map((r) => value(r, 0)));
    await expect(file.readRows(0, 6)).rejects.toThrow(/outside \[0, 5\)/);
  });

  it("names the file when it is shorter than its layout says", async () => {
    const path = join(dir, "short.bin");
    writeFileSync(path, new Uint8Array(10));
    const file = new InterleavedFile({
      path,
      dtype: "int16",
      numChannels: 1,
      records: { kind: "contiguous", offset: 0, rows: 10 },
    });
    await expect(file.readRows(0, 10)).rejects.toThrow(SourceDataError);
    await expect(file.readRows(0, 10)).rejects.toThrow(/short\.bin/);
    expect(() => readBytesSync(path, 0, 20, "the basic header")).toThrow(/inside the basic header/);
  });
});

describe("binary search", () => {
  it("finds the last index where a monotone predicate holds", () => {
    const sorted = [1, 3, 3, 7, 10];
    expect(lastIndexAtMost(sorted, 0)).toBe(-1);
    expect(lastIndexAtMost(sorted, 3)).toBe(2);
    expect(lastIndexAtMost(sorted, 9)).toBe(3);
    expect(lastIndexAtMost(sorted, 99)).toBe(4);
    expect(lastIndexWhere(5, 9, (i) => i < 7)).toBe(6);
  });
});

describe("TTL edges", () => {
  it("follows bits across blocks", () => {
    const tracker = new BitEdgeTracker([0, 3]);
    tracker.push(Uint16Array.of(1, 1, 0, 8), 0);
    tracker.push(Uint16Array.of(9, 0), 4);
    expect(tracker.lines[0]).toEqual({ bit: 0, rising: [4], falling: [2, 5] });
    expect(tracker.lines[1]).toEqual({ bit: 3, rising: [3], falling: [5] });
    expect(bitsUsed([0, 8, 1, 0])).toEqual([0, 3]);
    const fromLow = new BitEdgeTracker([0], 0);
    fromLow.push([1, 0], 0);
    expect(fromLow.lines[0]!.rising).toEqual([0]);
  });

  it("finds rising crossings of an analog signal", async () => {
    const signal = Int16Array.of(0, 0, 100, 100, 0, 100);
    const crossings = await risingCrossings(
      { dtype: "int16", shape: [6], readRows: (s, e) => signal.subarray(s, e) },
      4,
    );
    expect(crossings).toEqual([2, 5]);
  });
});

describe("segmentedTiming", () => {
  it("is regular with one segment and restarts the clock at each segment", () => {
    expect(segmentedTiming(10, [{ firstIndex: 0, startingTime: 2 }], 5)).toEqual({
      kind: "regular",
      rate: 10,
      startingTime: 2,
      count: 5,
    });
    const timing = segmentedTiming(
      10,
      [
        { firstIndex: 0, startingTime: 1 },
        { firstIndex: 3, startingTime: 5 },
      ],
      6,
    );
    expect(Array.from({ length: 6 }, (_, i) => timeAt(timing, i))).toEqual([1, 1.1, 1.2, 5, 5.1, 5.2]);
  });
});
