/**
 * Variants the samples do not cover and damaged files: real samples are copied to a temp folder and patched
 * (operation mode, version, length), then read again. Errors must be SourceDataErrors naming the file.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isNeuroconvError } from "../../../src/errors.js";
import { openAbfFile, readAbfHeader } from "../../../src/formats/abf/index.js";
import { caught } from "../../helpers/nwbcheck.js";
import { hasTestdata, testdata } from "../../helpers/testdata.js";

const folder = mkdtempSync(join(tmpdir(), "neuroconv-abf-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** A copy of a sample with some bytes changed. */
function patched(sample: string, name: string, patch: (bytes: Buffer) => void): string {
  const bytes = readFileSync(testdata("abf", sample));
  patch(bytes);
  const path = join(folder, name);
  writeFileSync(path, bytes);
  return path;
}

/** Offset of the ABF2 protocol section (block index of the first section entry). */
const protocolAt = (bytes: Buffer) => bytes.readUInt32LE(76) * 512;

describe.skipIf(!hasTestdata())("ABF variants and damaged files", () => {
  it("gap-free ABF2 data is one sweep of every sample", async () => {
    const path = patched("18702001-step.abf", "gapfree.abf", (b) => b.writeInt16LE(3, protocolAt(b)));
    const abf = openAbfFile(path);
    expect(abf.header.operationMode).toBe("gapFree");
    expect(abf.header.sweeps).toEqual([{ rows: 60000, firstSample: 0, startTime: 0 }]);
    const original = openAbfFile(testdata("abf", "18702001-step.abf"));
    const whole = (await abf.sweepData(0, 1).readRows(19998, 20002)) as Int16Array;
    const end0 = (await original.sweepData(0, 1).readRows(19998, 20000)) as Int16Array;
    const start1 = (await original.sweepData(1, 1).readRows(0, 2)) as Int16Array;
    expect(Array.from(whole)).toEqual([...end0, ...start1]);
    expect(abf.command(0, 0)).toBeUndefined();
  });

  it("variable-length event ABF2 data takes sweep lengths from the synch array", () => {
    const path = patched("18702001-step.abf", "events.abf", (b) => b.writeInt16LE(1, protocolAt(b)));
    const { header } = openAbfFile(path);
    expect(header.operationMode).toBe("eventVariableLength");
    expect(header.sweeps.map((s) => [s.rows, s.firstSample, s.startTime])).toEqual([
      [20000, 0, 0],
      [20000, 40000, 1],
      [20000, 80000, 2],
    ]);
  });

  it("fixed-length event ABF1 data keeps its sweeps and synch start times", () => {
    const path = patched("05210017_vc_abf1.abf", "fixed.abf", (b) => b.writeInt16LE(2, 8));
    const header = readAbfHeader(path);
    expect(header.operationMode).toBe("eventFixedLength");
    expect(header.sweeps.map((s) => s.startTime)).toEqual([0, 60, 120, 180, 240, 300]);
  });

  it("a truncated file is refused, naming the file and the missing bytes", () => {
    const path = join(folder, "cut.abf");
    copyFileSync(testdata("abf", "171116sh_0011.abf"), path);
    truncateSync(path, 300_000);
    const error = caught(() => openAbfFile(path));
    expect(isNeuroconvError(error, "SourceDataError")).toBe(true);
    expect(error.file).toBe(path);
    expect(error.message).toBe(
      `${path}: truncated ABF file: the synch array (sweep start times) needs bytes 407040-407200 but the file has 300000 bytes; copy the file again from the acquisition computer`,
    );
  });

  it("a file cut inside its data section is refused", () => {
    // the synch array and tags come after the data: keep them, drop the data section's last block
    const path = patched("171116sh_0011.abf", "data-cut.abf", (b) => {
      const synch = b.readUInt32LE(76 + 15 * 16);
      b.writeUInt32LE(synch - 2, 76 + 15 * 16);
      b.copy(b, (synch - 2) * 512, synch * 512, synch * 512 + 160);
    });
    truncateSync(path, (795 - 2) * 512 + 160);
    const error = caught(() => openAbfFile(path));
    expect(error.message).toBe(
      `${path}: truncated ABF file: the header announces 200000 samples ending at byte 406656, but the file has 406176 bytes; copy the file again from the acquisition computer`,
    );
  });

  it("a file cut inside its header is refused", () => {
    const path = join(folder, "header-cut.abf");
    copyFileSync(testdata("abf", "05210017_vc_abf1.abf"), path);
    truncateSync(path, 3000);
    const error = caught(() => readAbfHeader(path));
    expect(isNeuroconvError(error, "SourceDataError")).toBe(true);
    expect(error.message).toBe(
      `${path}: truncated ABF file: the ABF1 header needs bytes 0-6144 but the file has 3000 bytes; copy the file again from the acquisition computer`,
    );
  });

  it("unsupported versions are refused, naming the file and the version", () => {
    const abf3 = patched("pclamp11_4ch.abf", "v3.abf", (b) => b.writeUInt8(3, 7));
    expect(caught(() => openAbfFile(abf3)).message).toBe(
      `${abf3}: unsupported ABF version 3.9.0.0: an "ABF2" file must be version 2.x (this reader supports ABF 1.x and 2.x)`,
    );
    const abf1 = patched("05210017_vc_abf1.abf", "v25.abf", (b) => b.writeFloatLE(2.5, 4));
    expect(caught(() => openAbfFile(abf1)).message).toBe(
      `${abf1}: unsupported ABF version 2.5: an "ABF " file must be version 1.x (this reader supports ABF 1.x and 2.x)`,
    );
    const other = patched("pclamp11_4ch.abf", "other.abf", (b) => b.write("RIFF", 0, "latin1"));
    expect(
      isNeuroconvError(
        caught(() => openAbfFile(other)),
        "SourceDataError",
      ),
    ).toBe(true);
    expect(caught(() => openAbfFile(other)).message).toContain('not an ABF file: it starts with "RIFF"');
  });
});
