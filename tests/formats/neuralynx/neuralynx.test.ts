/**
 * Neuralynx readers against neo 0.11.1 and numpy on the real samples, generated files for gaps and partial
 * records, and the errors for truncated files, unknown headers and empty folders.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SourceDataError } from "../../../src/errors.js";
import {
  openNcsFile,
  openNeuralynxFolder,
  readNeuralynxEvents,
  readNeuralynxSpikes,
} from "../../../src/formats/neuralynx/index.js";
import { neoAvailable } from "../../helpers/nwbcheck.js";
import { hasTestdata, testdata } from "../../helpers/testdata.js";
import { neoReadNcs, neoReadSpikes, numpyReadEvents } from "./oracle.js";

const HAVE = hasTestdata();
const dir = mkdtempSync(join(tmpdir(), "neuralynx-"));
const PEGASUS = testdata("neuralynx/pegasus_2.1.2_clipped");
const NCS = ["GA1-RAH1.ncs", "GA2-RAC4.ncs", "RAH1.ncs"].map((f) => join(PEGASUS, f));
const NSE = testdata("neuralynx_extra/Cheetah_v5.5.1/STet3a.nse");
const NTT = testdata("neuralynx_extra/Cheetah_v5.6.3/TT1.ntt");

/** An .ncs file with the header of a real one and records written here: [timestamp µs, valid samples]. */
function writeNcs(path: string, header: Buffer, records: [number, number][]): void {
  const body = Buffer.alloc(records.length * 1044);
  let value = 0;
  records.forEach(([micros, valid], r) => {
    const at = r * 1044;
    body.writeBigUInt64LE(BigInt(micros), at);
    body.writeUInt32LE(32000, at + 12);
    body.writeUInt32LE(valid, at + 16);
    for (let s = 0; s < 512; s++) body.writeInt16LE(s < valid ? value++ % 30000 : -1, at + 20 + 2 * s);
  });
  writeFileSync(path, Buffer.concat([header, body]));
}

describe.skipIf(!HAVE)("Neuralynx .ncs on the real samples, against neo 0.11.1", () => {
  it("keeps each file one segment (1-µs rounding is not a gap) with neo's samples and gains", async (context) => {
    const files = NCS.map((p) => openNcsFile(p));
    expect(files.map((f) => f.segments.length)).toEqual([1, 1, 1]);
    expect(files.map((f) => f.samplingRate)).toEqual([32000, 32000, 2000]);
    expect(files.map((f) => f.numSamples)).toEqual([512000, 512000, 512000]);
    expect(files[0]!.header.application).toBe("Pegasus 2.1.2");
    expect(files[0]!.header.timeOpened).toBe("2024-07-17T12:09:45");
    expect(files[0]!.header.inputInverted).toBe(true);
    expect(files[0]!.header.inputRanges).toEqual([3000]);
    if (!neoAvailable()) return context.skip();
    const neo = neoReadNcs(NCS);
    // neo 0.11.1 splits them where record timestamps are 15999 instead of 16000 µs apart
    expect(neo.map((n) => n.segments.length)).toEqual([7, 7, 104]);
    for (const [i, file] of files.entries()) {
      expect(file.gainToVolts).toBeCloseTo(neo[i]!.gain * 1e-6, 18);
      expect(file.segments[0]!.startMicros / 1e6).toBeCloseTo(neo[i]!.segments[0]!.tStart, 6);
      expect(Array.from(await file.file.readRows(0, file.numSamples), Number)).toEqual(neo[i]!.data);
    }
  });

  it("groups a folder of 32 kHz and 2 kHz channels into two streams on one time reference", async () => {
    const folder = openNeuralynxFolder(PEGASUS);
    expect(folder.streams.map((s) => [s.name, s.channels.map((c) => c.name)])).toEqual([
      ["32000Hz", ["GA1-RAH1", "GA2-RAC4"]],
      ["2000Hz", ["RAH1"]],
    ]);
    // the earliest timestamp of the folder is the "Starting Recording" event, 16 µs before the first sample
    expect(folder.referenceMicros).toBe(1721221463325685);
    const rows = await folder.streams[0]!.data.readRows(1000, 1003);
    const a = await folder.streams[0]!.channels[0]!.file.readRows(1000, 1003);
    const b = await folder.streams[0]!.channels[1]!.file.readRows(1000, 1003);
    expect(Array.from(rows, Number)).toEqual([a[0], b[0], a[1], b[1], a[2], b[2]].map(Number));
  });

  it("reads every Events.nev record as numpy decodes it", (context) => {
    if (!neoAvailable()) return context.skip();
    const events = readNeuralynxEvents(join(PEGASUS, "Events.nev"));
    const oracle = numpyReadEvents(join(PEGASUS, "Events.nev"));
    expect(events.micros).toEqual(oracle.micros);
    expect(events.ttl).toEqual(oracle.ttl);
    expect(events.eventIds).toEqual(oracle.ids);
    expect(events.strings).toEqual(oracle.strings);
  });
});

describe.skipIf(!HAVE)("Neuralynx .nse / .ntt on the real samples, against neo 0.11.1", () => {
  it("spike times per cell number and waveform means in volts", (context) => {
    if (!neoAvailable()) return context.skip();
    const oracle = neoReadSpikes([NSE, NTT]);
    for (const [i, path] of [NSE, NTT].entries()) {
      const file = readNeuralynxSpikes(path);
      const expected = oracle[i]!.units;
      expect(file.units.map((u) => String(u.cell))).toEqual(Object.keys(expected));
      for (const unit of file.units) {
        const neo = expected[String(unit.cell)]!;
        expect(unit.micros).toEqual(neo.micros);
        neo.meanMicrovolts.flat().forEach((v, k) => {
          expect(unit.waveformMean[k]!).toBeCloseTo(v * 1e-6, 12);
        });
      }
    }
    expect(readNeuralynxSpikes(NTT).channels).toBe(4);
  });
});

describe.skipIf(!HAVE)("Neuralynx gaps, partial records and errors (generated)", () => {
  const header = () => readFileSync(NCS[0]!).subarray(0, 16384);

  it("a real gap starts a new segment; ±1 µs rounding does not; partial records keep their samples", async () => {
    const path = join(dir, "gap.ncs");
    writeNcs(path, header(), [
      [1_000_000, 512],
      [1_015_999, 512], // rounding: 15999 instead of 16000 µs
      [1_032_000, 300], // partial record (300 samples = 9375 µs)
      [1_100_000, 512], // a gap
      [1_116_001, 512],
    ]);
    const file = openNcsFile(path);
    expect(file.segments).toEqual([
      { firstSample: 0, numSamples: 1324, startMicros: 1_000_000 },
      { firstSample: 1324, numSamples: 1024, startMicros: 1_100_000 },
    ]);
    const data = await file.file.readRows(0, file.numSamples);
    expect(Array.from(data.subarray(1320, 1328), Number)).toEqual([
      1320, 1321, 1322, 1323, 1324, 1325, 1326, 1327,
    ]);
  });

  it("errors name the file or folder: truncated .ncs, not a Neuralynx header, empty folder", () => {
    const truncated = join(dir, "cut.ncs");
    writeFileSync(truncated, readFileSync(NCS[0]!).subarray(0, 16384 + 1044 * 3 + 500));
    expect(() => openNcsFile(truncated)).toThrow(SourceDataError);
    expect(() => openNcsFile(truncated)).toThrow(
      /cut\.ncs: .*500 bytes left over after record 3\): the file is truncated/,
    );
    const foreign = join(dir, "foreign.ncs");
    writeFileSync(foreign, Buffer.alloc(20000, 65));
    expect(() => openNcsFile(foreign)).toThrow(
      /foreign\.ncs: does not start with '######## Neuralynx Data File Header'/,
    );
    const short = join(dir, "short.ncs");
    writeFileSync(short, Buffer.from("######## Neuralynx Data File Header\n"));
    expect(() => openNcsFile(short)).toThrow(/short\.ncs: ends at byte .* inside the 16384-byte text header/);
    const empty = join(dir, "empty");
    mkdirSync(empty);
    expect(() => openNeuralynxFolder(empty)).toThrow(/empty: holds no Neuralynx data file/);
  });
});
