/**
 * Axona reader on the real samples: the raw `.bin` and the tetrode files against neo 0.11.1's AxonaRawIO
 * (samples, gains, spike times, waveforms), `.eeg` and `.pos` against numpy decoding per Axona's
 * "DacqUSB file formats" document (neo reads neither); `.set` fields against a plain Python parse; plus
 * the errors for wrong, missing and truncated files.
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  axonaGainToVolts,
  binChannelPosition,
  openAxonaBin,
  openAxonaContinuous,
  openAxonaTetrode,
  readAxonaPosition,
  readAxonaSet,
} from "../../../src/formats/axona/index.js";
import { neoAvailable, python } from "../../helpers/nwbcheck.js";
import { hasTestdata, testdata } from "../../helpers/testdata.js";

const HAVE = hasTestdata();
const RAW = () => testdata("axona/raw/axona_raw.bin");
const SAMPLE = (ext: string) => testdata(`axona/dataset_multi_modal_no_bin/axona_sample.${ext}`);

/** numpy decoding per the DacqUSB document: header up to data_start, then the records. */
const DOC_ORACLE = `
import json, sys, numpy as np
def body(path):
  b = open(path, "rb").read()
  return b[b.index(b"data_start") + 10:]
eeg = np.frombuffer(body(sys.argv[1])[:150250], dtype=np.int8)
pos = np.frombuffer(body(sys.argv[2])[:100 * 20], dtype=np.dtype([("t", ">u4"), ("w", ">u2", (8,))]))
print(json.dumps({"eeg": eeg.tolist(), "t": pos["t"].tolist(), "w": pos["w"].tolist()}))
`;

describe.skipIf(!HAVE)("Axona reader on the real samples", () => {
  it("reads the .bin's 16 collected channels and their gains as neo does", async (context) => {
    if (!neoAvailable()) return context.skip();
    const expected = JSON.parse(
      python(
        `
import json, sys
from neo.rawio import AxonaRawIO
r = AxonaRawIO(sys.argv[1]); r.parse_header()
ch = r.header["signal_channels"]
print(json.dumps({"data": r.get_analogsignal_chunk(0, 0, None, None, 0, None).tolist(), "gains": ch["gain"].tolist(),
  "names": ch["name"].tolist(), "rate": float(ch["sampling_rate"][0])}))
`,
        RAW(),
      ),
    );
    const set = readAxonaSet(testdata("axona/raw/axona_raw.set"));
    expect(set.activeTetrodes).toEqual([1, 2, 3, 4]);
    expect(set.rawRate).toBe(expected.rate);
    expect(set.startTime).toBe("2020-10-04T11:07:07");
    expect(set.experimenter).toBe("Abid");
    const bin = openAxonaBin(RAW());
    expect([bin.numPackets, bin.numSamples, bin.trailingBytes]).toEqual([192, 576, 0]);
    const channels = Array.from({ length: 16 }, (_, c) => c);
    const data = await bin.source(channels).readRows(0, bin.numSamples);
    expect(Array.from(data as Int16Array)).toEqual(expected.data.flat());
    // neo's gain is µV per bit
    for (const c of channels) expect(axonaGainToVolts(set, c, 16) * 1e6).toBeCloseTo(expected.gains[c], 10);
    // a later window of a subset reads the same values
    const window = await bin.source([13, 2]).readRows(100, 104);
    expect(Array.from(window as Int16Array)).toEqual(
      expected.data.slice(100, 104).flatMap((row: number[]) => [row[13], row[2]]),
    );
  });

  it("maps channels to packet positions as the document's table (blocks of 8 alternating halves)", () => {
    expect([0, 7, 8, 15, 16, 24, 56, 63].map(binChannelPosition)).toEqual([32, 39, 0, 7, 40, 8, 24, 31]);
    expect(new Set(Array.from({ length: 64 }, (_, c) => binChannelPosition(c))).size).toBe(64);
  });

  it("reads the tetrode files' spike times and waveforms as neo does", async (context) => {
    if (!neoAvailable()) return context.skip();
    const expected = JSON.parse(
      python(
        `
import json, sys
from neo.rawio import AxonaRawIO
r = AxonaRawIO(sys.argv[1]); r.parse_header()
print(json.dumps([{"times": r.get_spike_timestamps(0, 0, i, None, None).tolist(),
  "waveforms": r.get_spike_raw_waveforms(0, 0, i, None, None).tolist()} for i in range(4)]))
`,
        SAMPLE("set"),
      ),
    );
    for (const n of [1, 2, 3, 4]) {
      const tetrode = openAxonaTetrode(SAMPLE(String(n)));
      expect(tetrode.tetrode).toBe(n);
      expect(tetrode.timebase).toBe(96000);
      expect(Array.from(tetrode.timestamps)).toEqual(expected[n - 1].times);
      const waveforms = await tetrode.waveforms.readRows(0, tetrode.numSpikes);
      expect(tetrode.waveforms.shape).toEqual([expected[n - 1].times.length, 4, 50]);
      expect(Array.from(waveforms as Int8Array)).toEqual(expected[n - 1].waveforms.flat(2));
    }
  });

  it("reads the .eeg and .pos as numpy decodes them per the document", async (context) => {
    if (!neoAvailable()) return context.skip();
    const expected = JSON.parse(python(DOC_ORACLE, SAMPLE("eeg"), SAMPLE("pos")));
    const eeg = openAxonaContinuous(SAMPLE("eeg"));
    expect([eeg.samplingRate, eeg.bits, eeg.numSamples, eeg.eegIndex]).toEqual([250, 8, 150250, 1]);
    expect(Array.from((await eeg.data.readRows(0, eeg.numSamples)) as Int8Array)).toEqual(expected.eeg);
    const pos = readAxonaPosition(SAMPLE("pos"));
    expect([pos.samplingRate, pos.pixelsPerMetre, pos.numSamples]).toEqual([50, 300, 100]);
    expect(pos.columns).toEqual(["x1", "y1", "x2", "y2", "numpix1", "numpix2"]);
    expect(Array.from(pos.frameCounters)).toEqual(expected.t);
    expect(Array.from(pos.words)).toEqual(expected.w.flat());
  });
});

describe.skipIf(!HAVE)("Axona reader errors", () => {
  const dir = mkdtempSync(join(tmpdir(), "axona-"));

  it("names a file that is not a DacqUSB file", () => {
    writeFileSync(join(dir, "x.bin"), Buffer.alloc(1000));
    expect(() => openAxonaBin(join(dir, "x.bin"))).toThrow(/not an 'ADU' packet/);
    writeFileSync(join(dir, "small.bin"), Buffer.from("ADU1"));
    expect(() => openAxonaBin(join(dir, "small.bin"))).toThrow(/less than one 432-byte/);
    writeFileSync(join(dir, "x.eeg"), "trial_date x\nsample_rate 250 hz\n");
    expect(() => openAxonaContinuous(join(dir, "x.eeg"))).toThrow(/no 'data_start'/);
    writeFileSync(join(dir, "x.set"), "hello world\n");
    expect(() => readAxonaSet(join(dir, "x.set"))).toThrow(/not an Axona \.set/);
    expect(() => readAxonaSet(join(dir, "none.set"))).toThrow(/cannot open/);
  });

  it("keeps the whole records of files cut short", () => {
    const bytes = readFileSync(RAW());
    writeFileSync(join(dir, "cut.bin"), bytes.subarray(0, 432 * 5 + 100));
    const bin = openAxonaBin(join(dir, "cut.bin"));
    expect([bin.numSamples, bin.trailingBytes]).toEqual([15, 100]);
    const eeg = readFileSync(SAMPLE("eeg"));
    writeFileSync(join(dir, "cut.eeg"), eeg.subarray(0, 1000));
    const cut = openAxonaContinuous(join(dir, "cut.eeg"));
    expect(cut.numSamples).toBe(1000 - (eeg.indexOf("data_start") + 10));
    expect(cut.statedSamples).toBe(150250);
    const unit = readFileSync(SAMPLE("1"));
    const start = unit.indexOf("data_start") + 10;
    writeFileSync(join(dir, "cut.1"), unit.subarray(0, start + 216 * 3 + 50));
    expect(openAxonaTetrode(join(dir, "cut.1")).numSpikes).toBe(3);
    copyFileSync(SAMPLE("pos"), join(dir, "whole.pos"));
    expect(readAxonaPosition(join(dir, "whole.pos")).numSamples).toBe(100);
  });
});
