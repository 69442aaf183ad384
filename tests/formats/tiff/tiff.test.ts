import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isNeuroconvError } from "../../../src/errors.js";
import { hyperstack, PageSequence, pageStack, TiffFile } from "../../../src/formats/tiff/index.js";
import { caught } from "../../helpers/nwbcheck.js";
import { hasTestdata, testdata } from "../../helpers/testdata.js";
import { tiffcp, tifffilePages, tiffOracleAvailable, writeTiff } from "./oracle.js";

const dir = mkdtempSync(join(tmpdir(), "neuroconv-tiff-"));
const ORACLE = tiffOracleAvailable();

async function ourPages(path: string): Promise<number[][]> {
  const tiff = TiffFile.open(path);
  const pages: number[][] = [];
  for (let i = 0; i < tiff.pages.length; i++) pages.push(Array.from(await tiff.readPage(i), Number));
  return pages;
}

describe.skipIf(!ORACLE)("TIFF pages equal tifffile's", () => {
  const cases: [string, readonly number[], string, Record<string, unknown>][] = [
    ["uint8 classic", [3, 7, 9], "uint8", {}],
    ["int16 BigTIFF", [4, 5, 6], "int16", { bigtiff: true }],
    ["uint16 big-endian", [2, 9, 4], "uint16", { byteorder: ">" }],
    ["int32 big-endian BigTIFF", [2, 3, 5], "int32", { byteorder: ">", bigtiff: true }],
    ["uint32", [2, 3, 5], "uint32", {}],
    ["float32", [3, 4, 6], "float32", {}],
    ["float64 big-endian", [2, 4, 3], "float64", { byteorder: ">" }],
    ["uint16 in several strips", [2, 33, 10], "uint16", { rowsperstrip: 4 }],
    ["uint16 deflate", [3, 20, 30], "uint16", { compression: "zlib" }],
    ["int16 deflate + predictor", [3, 20, 30], "int16", { compression: "zlib", predictor: true }],
    ["uint16 tiles", [2, 40, 35], "uint16", { tile: [16, 16] }],
  ];
  for (const [name, shape, dtype, options] of cases) {
    it(name, async () => {
      const path = join(dir, `${name.replace(/\W+/g, "_")}.tif`);
      writeTiff(path, shape, dtype, options);
      const tiff = TiffFile.open(path);
      expect(tiff.pages).toHaveLength(shape[0]!);
      expect(tiff.pages[0]!.dtype).toBe(dtype);
      expect(tiff.bigTiff).toBe(options.bigtiff === true);
      expect(await ourPages(path)).toEqual(tifffilePages(path));
    });
  }

  for (const scheme of ["lzw", "lzw:2", "packbits"]) {
    it(`libtiff ${scheme} compression decodes to the uncompressed pages`, async () => {
      const plain = join(dir, `plain_${scheme.replace(":", "_")}.tif`);
      const packed = join(dir, `packed_${scheme.replace(":", "_")}.tif`);
      // a smooth image, so LZW's dictionary fills past 512 and 1024 codes (code widths 10-12)
      writeTiff(plain, [2, 120, 130], "uint16", { rowsperstrip: 120 });
      tiffcp(plain, packed, scheme);
      const tiff = TiffFile.open(packed);
      expect(tiff.pages[0]!.compression).toBe(scheme.startsWith("lzw") ? 5 : 32773);
      expect(await ourPages(packed)).toEqual(tifffilePages(plain));
    });
  }
});

describe.skipIf(!hasTestdata() || !ORACLE)("real TIFF files", () => {
  it("reads every page of the FISSA stack and the ScanImage BigTIFF like tifffile", async () => {
    const fissa = testdata("tiff/fissa_AVG_A01.tif");
    expect(await ourPages(fissa)).toEqual(tifffilePages(fissa));
    const si = testdata(
      "scanimage/volumetric_single_channel_single_file_no_flyback/vol_no_flyback_00001_00001.tif",
    );
    const tiff = TiffFile.open(si);
    expect(tiff.bigTiff).toBe(true);
    expect(tiff.pages).toHaveLength(90);
    expect(Array.from(await tiff.readPage(57), Number)).toEqual(tifffilePages(si, [57])[0]);
  });

  it("stacks pages as (time, x, y) and channels/planes by dimension order", async () => {
    const fissa = testdata("tiff/fissa_AVG_A01.tif");
    const truth = tifffilePages(fissa);
    const pages = PageSequence.open([fissa, fissa]);
    expect(pages.length).toBe(58);
    const layout = hyperstack(pages, { dimensionOrder: "CZT", numChannels: 2, numPlanes: 1, channel: 1 });
    expect(layout.numFrames).toBe(29);
    const movie = pageStack(layout);
    expect(movie.shape).toEqual([29, 14, 21]);
    const frames = await movie.readRows(3, 5);
    // frame 3 of channel 1 is acquisition page 7 = page 7 of the first file; x is the column
    const page = truth[7]!;
    expect(frames[0 * 14 * 21 + 5 * 21 + 2]).toBe(page[2 * 14 + 5]);
    const volume = pageStack(
      hyperstack(pages, { dimensionOrder: "ZCT", numChannels: 1, numPlanes: 2, channel: 0 }),
    );
    expect(volume.shape).toEqual([29, 14, 21, 2]);
    const v = await volume.readRows(28, 29);
    // frame 28 plane 1 = page 57 = page 28 of the second file
    expect(v[(4 * 21 + 20) * 2 + 1]).toBe(truth[28]![20 * 14 + 4]);
    // memory the writer offers (its shuffle area, longer than the rows) is filled in place, not copied
    const offered = new (frames.constructor as Uint16ArrayConstructor)(3 * 14 * 21);
    const again = await movie.readRows(3, 5, offered);
    expect(again.buffer).toBe(offered.buffer);
    expect(Array.from(again, Number)).toEqual(Array.from(frames, Number));
  });
});

describe("bad TIFF input", () => {
  it("names the file for a non-TIFF and a truncated IFD chain", () => {
    const text = join(dir, "not.tif");
    writeFileSync(text, "hello world, no tiff here");
    const error = caught(() => TiffFile.open(text));
    expect(isNeuroconvError(error, "SourceDataError")).toBe(true);
    expect(error.message).toContain("not.tif");
    expect(error.message).toMatch(/not a TIFF/);
  });

  it.skipIf(!hasTestdata())("says the file is truncated when the first IFD lies past its end", () => {
    const cut = join(dir, "cut.tif");
    // a classic TIFF whose first IFD is at the end: keep only the header
    writeFileSync(cut, readFileSync(testdata("tiff/fissa_AVG_A01.tif")).subarray(0, 64));
    expect(() => TiffFile.open(cut)).toThrow(/truncated|past the end/);
  });
});
