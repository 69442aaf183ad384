/**
 * BRW reader on the two real 3Brain samples: v3 (BrainWave 4) against neo's BiocamRawIO, v4 (BrainWave 5)
 * against h5py/numpy decoding per the v4 layout: rate, frames, channel rows/columns, scaling, every sample.
 */
import { describe, expect, it } from "vitest";
import { openBiocamFile } from "../../../src/formats/biocam/index.js";
import { neoAvailable } from "../../helpers/nwbcheck.js";
import { hasTestdata, skipTest, testdata } from "../../helpers/testdata.js";
import { readBiocamIndependently } from "./oracle.js";

const HAVE = hasTestdata();
const bytesOf = (a: Uint16Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
const FILES = ["biocam_hw3.0_fw1.6.brw", "biocam_hw3.0_fw1.7.0.12_raw.brw"];

describe.skipIf(!HAVE)("3Brain BRW reader", () => {
  it.each(FILES)(
    "reads %s like the independent reader",
    async (name) => {
      if (!neoAvailable()) skipTest("neo/numpy");
      const path = testdata("biocam", name);
      const brw = openBiocamFile(path);
      const oracle = readBiocamIndependently(path);
      expect(brw.brwVersion).toBe(name.includes("raw") ? 4 : 3);
      expect(brw.samplingRate).toBe(oracle.samplingRate);
      expect(brw.numFrames).toBe(oracle.numFrames);
      expect(brw.channels.map((c) => `ch${c.row + 1}-${c.col + 1}`)).toEqual(oracle.names);
      expect(brw.gainUv).toBeCloseTo(oracle.gainUv, 12);
      expect(brw.offsetUv).toBe(oracle.offsetUv);
      expect(brw.data.shape).toEqual([oracle.numFrames, oracle.names.length]);
      // two blocks with a seam in the middle, like the writer's buffers
      const half = Math.floor(brw.numFrames / 2);
      const first = (await brw.data.readRows(0, half)) as Uint16Array;
      const second = (await brw.data.readRows(half, brw.numFrames)) as Uint16Array;
      const samples = new Uint16Array(first.length + second.length);
      samples.set(first);
      samples.set(second, first.length);
      expect(bytesOf(samples).equals(bytesOf(oracle.samples))).toBe(true);
    },
    120_000,
  );

  it("states the v4 file's chip model and start time, and the v3 file's chip size", () => {
    const v4 = openBiocamFile(testdata("biocam", FILES[1]!));
    expect(v4.model).toBe("AccuraV2");
    expect(v4.startTime).toBe("2023-04-30T11:56:37.143122Z");
    expect(v4.well).toBe("Well_A1");
    const v3 = openBiocamFile(testdata("biocam", FILES[0]!));
    expect([v3.chipRows, v3.chipCols]).toEqual([64, 64]);
  }, 60_000);

  it("names the wells a v4 file has when asked for another", () => {
    expect(() => openBiocamFile(testdata("biocam", FILES[1]!), "Well_B2")).toThrow(
      /no well 'Well_B2'.*Well_A1/,
    );
  }, 60_000);
});
