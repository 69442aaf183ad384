/**
 * Damaged or foreign files give a SourceDataError that names the file, says what is wrong and what to do.
 * Files are generated (generator.ts) in the system temp folder; the real sample is copied there for the
 * truncation case.
 */
import {
  copyFileSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isNeuroconvError, type SourceDataError } from "../../../src/errors.js";
import { openIntanFile, readIntanHeader } from "../../../src/formats/intan/index.js";
import { hasTestdata, testdata } from "../../helpers/testdata.js";
import {
  encodeHeader,
  makeData,
  rhdHeader,
  rhsHeader,
  writePerChannel,
  writePerSignalType,
  writeTraditional,
} from "./generator.js";

const folder = mkdtempSync(join(tmpdir(), "neuroconv-intan-errors-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function openError(path: string): SourceDataError {
  try {
    openIntanFile(path);
  } catch (error) {
    expect(isNeuroconvError(error, "SourceDataError")).toBe(true);
    return error as SourceDataError;
  }
  throw new Error(`opening ${path} should have failed`);
}

describe("Intan source file errors", () => {
  it("a traditional file that is not a whole number of data blocks", () => {
    const path = join(folder, "cut.rhs");
    const bytes = writeTraditional(path, rhsHeader(), makeData(rhsHeader(), 3));
    const header = readIntanHeader(path);
    truncateSync(path, bytes.length - 1000);
    const error = openError(path);
    expect(error.file).toBe(path);
    expect(error.message).toContain(path);
    const data = bytes.length - 1000 - header.headerBytes;
    expect(error.message).toContain(
      `the ${data} bytes after the ${header.headerBytes}-byte header are not a whole number of data blocks (5120 bytes each`,
    );
    expect(error.message).toMatch(/2 whole blocks and 4120 bytes left over: truncated\?/);
  });

  it.skipIf(!hasTestdata())("the real sample cut by one byte", () => {
    const path = join(folder, "sampledata_cut.rhd");
    copyFileSync(testdata("intan", "sampledata.rhd"), path);
    truncateSync(path, 2164777);
    const error = openError(path);
    expect(error.message).toContain(
      "the 2161727 bytes after the 3050-byte header are not a whole number of data blocks (8896 bytes each: 128 samples of timestamps, 32 amplifier channels, 3 auxiliary channels x 32 samples); 242 whole blocks and 8895 bytes left over: truncated? Use the complete file, or cut it to 2155882 bytes",
    );
  });

  it("a wrong magic number", () => {
    const path = join(folder, "foreign.rhd");
    const bytes = encodeHeader(rhdHeader());
    bytes.writeUInt32LE(0x12345678, 0);
    writeFileSync(path, bytes);
    const error = openError(path);
    expect(error.file).toBe(path);
    expect(error.message).toContain(
      "magic number 0x12345678 is neither RHD (0xC6912702) nor RHS (0xD69127AC): this is not an Intan data file",
    );
  });

  it("an unsupported header version", () => {
    const path = join(folder, "future.rhd");
    writeFileSync(path, encodeHeader(rhdHeader({ major: 9, minor: 9 })));
    const error = openError(path);
    expect(error.message).toContain(path);
    expect(error.message).toContain("Intan RHD header version 9.9 is not supported");
    expect(error.message).toMatch(/supports RHD header versions 1\.0-3\.x and RHS header versions 1\.0-3\.x/);
    writeFileSync(path, encodeHeader(rhsHeader({ major: 0, minor: 5 })));
    expect(openError(path).message).toContain("Intan RHS header version 0.5 is not supported");
  });

  it("a file that ends inside the header", () => {
    const path = join(folder, "stub.rhs");
    writeFileSync(path, encodeHeader(rhsHeader()).subarray(0, 20));
    expect(openError(path).message).toContain(
      "the file ends at byte 20 inside the Intan header (while reading actual lower bandwidth): truncated?",
    );
    writeFileSync(path, encodeHeader(rhsHeader()).subarray(0, 150));
    expect(openError(path).message).toContain(
      "the text field 'signal group 0 name' at byte 136 claims 12 bytes but the file ends 10 bytes later: truncated, or a damaged header?",
    );
  });

  it("a damaged channel record", () => {
    const path = join(folder, "badtype.rhs");
    const header = rhsHeader();
    const groups = [{ ...header.groups[0]!, channels: [{ native: "A-000", nativeOrder: 0, signalType: 1 }] }];
    writeFileSync(path, encodeHeader({ ...header, groups }));
    expect(openError(path).message).toContain(
      "channel 0 of signal group 0 ('A-000') has signal type 1, which RHS files do not use (0, 3, 4, 5 or 6): damaged header",
    );
    const odd = join(folder, "oddstring.rhd");
    const bytes = encodeHeader(rhdHeader());
    // Note 1 starts after 4+4+4+2+6*4+2+2*4 = 48 bytes: make its byte count odd.
    bytes.writeUInt32LE(9, 48);
    writeFileSync(odd, bytes);
    expect(openError(odd).message).toContain("the text field 'note 1' at byte 48 has an odd byte length 9");
  });

  it("not an .rhd/.rhs path, or a missing file", () => {
    expect(openError(join(folder, "amplifier.dat")).message).toContain(
      "expected an Intan file ending in .rhd or .rhs",
    );
    const missing = join(folder, "missing.rhd");
    const error = openError(missing);
    expect(error.file).toBe(missing);
    expect(error.message).toMatch(/cannot read the Intan file.*ENOENT/);
  });

  it("an info.rhd without its .dat files", () => {
    const dir = join(folder, "lonely");
    writePerSignalType(dir, rhdHeader(), makeData(rhdHeader(), 1));
    unlinkSync(join(dir, "time.dat"));
    const error = openError(join(dir, "info.rhd"));
    expect(error.message).toContain("holds only a header and there is no time.dat beside it");
  });

  it("split-layout files that are not whole samples", () => {
    const dir = join(folder, "ragged");
    const header = rhdHeader();
    writePerSignalType(dir, header, makeData(header, 2));
    const amplifier = join(dir, "amplifier.dat");
    writeFileSync(amplifier, readFileSync(amplifier).subarray(0, 4 * 2 * 100 + 3));
    const error = openError(join(dir, "info.rhd"));
    expect(error.file).toBe(amplifier);
    expect(error.message).toContain(
      "size 803 bytes is not a whole number of samples (4 columns x 2 bytes = 8 bytes each; 3 bytes left over): truncated?",
    );
    truncateSync(join(dir, "time.dat"), 4 * 256 - 2);
    expect(openError(join(dir, "info.rhd")).message).toContain(
      "size 1022 bytes is not a whole number of int32 timestamps",
    );
  });

  it("a one-file-per-channel folder with a channel file missing", () => {
    const dir = join(folder, "holes");
    const header = rhdHeader();
    writePerChannel(dir, header, makeData(header, 1));
    unlinkSync(join(dir, "amp-B-001.dat"));
    const error = openError(join(dir, "info.rhd"));
    expect(error.file).toBe(join(dir, "amp-B-001.dat"));
    expect(error.message).toContain("does not exist, but the header lists this amplifier channel");
  });
});
