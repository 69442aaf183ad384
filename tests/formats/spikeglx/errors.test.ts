/**
 * Problems with source files give a SourceDataError that names the file and says what is wrong.
 * Temporary copies of the real sample are made in the system temp folder.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isNeuroconvError, type SourceDataError } from "../../../src/errors.js";
import { openSpikeGLXStream } from "../../../src/formats/spikeglx/index.js";
import { hasTestdata, testdata } from "../../helpers/testdata.js";

const HAVE = hasTestdata();
const BIN = testdata("spikeglx/Noise4Sam_g0/Noise4Sam_g0_imec0/Noise4Sam_g0_t0.imec0.ap.bin");
const META = BIN.replace(/\.bin$/, ".meta");

async function openError(binPath: string): Promise<SourceDataError> {
  try {
    await openSpikeGLXStream(binPath);
  } catch (error) {
    expect(isNeuroconvError(error, "SourceDataError")).toBe(true);
    return error as SourceDataError;
  }
  throw new Error(`opening ${binPath} should have failed`);
}

describe.skipIf(!HAVE)("SpikeGLX source file errors", () => {
  const folder = mkdtempSync(join(tmpdir(), "neuroconv-spikeglx-errors-"));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it("a .bin one byte short of a whole number of samples", async () => {
    const bin = join(folder, "cut_g0_t0.imec0.ap.bin");
    const bytes = readFileSync(BIN);
    writeFileSync(bin, bytes.subarray(0, bytes.length - 1));
    copyFileSync(META, bin.replace(/\.bin$/, ".meta"));
    const error = await openError(bin);
    expect(error.file).toBe(bin);
    expect(error.message).toContain(bin);
    expect(error.message).toMatch(/size 889349 bytes is not a whole number of samples/);
    expect(error.message).toMatch(/385 saved channels x 2 bytes = 770 bytes/);
    expect(error.message).toMatch(/769 bytes left over\): truncated\?/);
  });

  it("a .meta without a required key", async () => {
    const bin = join(folder, "norate_g0_t0.imec0.ap.bin");
    const meta = bin.replace(/\.bin$/, ".meta");
    copyFileSync(BIN, bin);
    writeFileSync(meta, readFileSync(META, "latin1").replace(/^imSampRate=.*\r?\n/m, ""));
    const error = await openError(bin);
    expect(error.file).toBe(meta);
    expect(error.message).toContain(meta);
    expect(error.message).toMatch(/required key 'imSampRate' is missing/);
  });

  it("a .meta whose imro table does not match the probe type", async () => {
    const bin = join(folder, "badimro_g0_t0.imec0.ap.bin");
    const meta = bin.replace(/\.bin$/, ".meta");
    copyFileSync(BIN, bin);
    writeFileSync(meta, readFileSync(META, "latin1").replace("(0 0 0 500 125 1)", "(0 0 0 500)"));
    const error = await openError(bin);
    expect(error.message).toContain(meta);
    expect(error.message).toMatch(/~imroTbl entry "\(0 0 0 500\)" should hold 6 integers/);
  });

  it("a .bin without its .meta", async () => {
    const bin = join(folder, "alone_g0_t0.imec0.ap.bin");
    copyFileSync(BIN, bin);
    const error = await openError(bin);
    expect(error.file).toBe(bin);
    expect(error.message).toContain(bin);
    expect(error.message).toMatch(/no metadata file beside it \(expected alone_g0_t0\.imec0\.ap\.meta\)/);
  });

  it("a path that is not a .bin, or does not exist", async () => {
    expect((await openError(META)).message).toMatch(/expected a SpikeGLX binary file ending in \.bin/);
    const missing = join(folder, "missing_g0_t0.imec0.ap.bin");
    expect((await openError(missing)).message).toMatch(/cannot read the binary file.*ENOENT/);
  });
});
