/**
 * AlphaOmega MPX reader on the real AlphaRS sample (map version 4, noise only): every continuous stream's
 * channels, rate, start and samples equal neo's AlphaOmegaRawIO; bit resolution and gain equal neo's decoding
 * of the definition blocks; reads across block seams match.
 */
import { describe, expect, it } from "vitest";
import { openAlphaOmegaFolder } from "../../../src/formats/alphaomega/index.js";
import { neoAvailable } from "../../helpers/nwbcheck.js";
import { hasTestdata, skipTest, testdata } from "../../helpers/testdata.js";
import { neoAlphaOmega } from "./oracle.js";

const HAVE = hasTestdata();
const FOLDER = () => testdata("alphaomega/mpx_map_version4");
const bytesOf = (a: Int16Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe.skipIf(!HAVE)("AlphaOmega MPX reader", () => {
  it("reads every stream like neo", async () => {
    if (!neoAvailable()) skipTest("neo/numpy");
    const folder = openAlphaOmegaFolder(FOLDER());
    const expected = neoAlphaOmega(FOLDER());
    expect(folder.streams.map((s) => s.name).sort()).toEqual(expected.map((s) => s.id).sort());
    for (const neo of expected) {
      const stream = folder.streams.find((s) => s.name === neo.id)!;
      expect(stream.channels.map((c) => c.name)).toEqual(neo.names);
      expect(stream.samplingRate).toBe(neo.rate);
      expect(stream.segments).toHaveLength(1);
      expect(stream.segments[0]!.firstSample / stream.samplingRate).toBeCloseTo(neo.tStart, 3);
      expect(stream.channels.map((c) => [c.bitResolutionUv, c.totalGain])).toEqual(neo.scaling);
      const samples = (await stream.data.readRows(0, stream.numSamples)) as Int16Array;
      expect(bytesOf(samples).equals(bytesOf(neo.samples))).toBe(true);
      // an odd range crossing block seams
      const [from, to] = [Math.floor(stream.numSamples / 3) + 1, Math.floor((2 * stream.numSamples) / 3) + 7];
      const part = (await stream.data.readRows(from, to)) as Int16Array;
      const width = stream.channels.length;
      expect(bytesOf(part).equals(bytesOf(neo.samples.subarray(from * width, to * width)))).toBe(true);
    }
  }, 120_000);

  it("states the recording date and program, and names the segmented spike channels it leaves", () => {
    const folder = openAlphaOmegaFolder(FOLDER());
    expect(folder.startDateTime).toBe("2021-11-19T15:29:15");
    expect(folder.application).toBe("ARS");
    expect([...folder.otherChannels].sort()).toEqual(["SEG 001", "SEG 002", "SEG 003", "SEG 004"]);
  });

  it("refuses a folder without .mpx files", () => {
    expect(() => openAlphaOmegaFolder(testdata("biocam"))).toThrow(/holds no \.mpx file/);
  });
});
