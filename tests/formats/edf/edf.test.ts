/**
 * The EDF/BDF reader on the four MNE-Python sample files (EDF, EDF+C with annotations and a duplicate label,
 * BioSemi BDF, two rates in one record) and a generated EDF+D file (sub-second start, gap, annotations,
 * inverted range), against numpy decoding per the specification; and a truncated copy.
 */
import { copyFileSync, mkdtempSync, truncateSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SourceDataError } from "../../../src/errors.js";
import { openEdfFile } from "../../../src/formats/edf/index.js";
import { hasTestdata, testdata } from "../../helpers/testdata.js";
import { writeEdfPlus } from "./generator.js";
import { numpyAvailable, numpyReadEdf } from "./oracle.js";

const HAVE = hasTestdata();
const FILES = [
  "test.bdf",
  "test_edf_stim_channel.edf",
  "test_uneven_samp.edf",
  "duplicate_channel_labels.edf",
];
const GENERATED = join(mkdtempSync(join(tmpdir(), "edf-plus-")), "generated.edf");
const path = (name: string) => (name === "generated.edf" ? GENERATED : testdata("edf/mne", name));
writeEdfPlus(GENERATED);

describe.skipIf(!HAVE)("EDF/BDF reader on the MNE sample files", () => {
  it("reads headers, digital samples, scaling and annotations as numpy decodes them", async (context) => {
    if (!numpyAvailable()) return context.skip();
    const all = [...FILES, "generated.edf"];
    const oracles = numpyReadEdf(all.map(path));
    expect(oracles[4]!.annotations).toEqual([
      [0.5, 0.2, "Stim"],
      [3.5, null, "Lights off"],
    ]);
    for (const [k, name] of all.entries()) {
      const oracle = oracles[k]!;
      const edf = openEdfFile(path(name));
      expect(edf.header.patient).toBe(oracle.patient);
      expect(edf.header.recording).toBe(oracle.recording);
      expect(edf.header.numRecords).toBe(oracle.numRecords);
      expect(edf.header.recordDuration).toBe(oracle.recordDuration);
      const signals = edf.dataSignals;
      expect(signals.map((s) => s.label)).toEqual(oracle.signals.map((s) => s.label));
      for (const [i, signal] of signals.entries()) {
        const expected = oracle.signals[i]!;
        expect(signal.physicalDimension).toBe(expected.dimension);
        expect(signal.samplesPerRecord).toBe(expected.samplesPerRecord);
        const digital = await edf.source([signal.index]).readRows(0, edf.numSamples(signal));
        expect(Array.from(digital as Int16Array), `${name} ${signal.label}`).toEqual(expected.digital);
        const physical = Array.from(
          digital.subarray(0, 50) as Int16Array,
          (d) => d * signal.gain + signal.offset,
        );
        for (const [j, v] of physical.entries()) expect(v).toBeCloseTo(expected.physical[j]!, 6);
      }
      expect(edf.annotations.map((a) => [a.onset, a.duration ?? null, a.text])).toEqual(oracle.annotations);
      if (oracle.recordOnsets.length > 0) expect(Array.from(edf.recordOnsets)).toEqual(oracle.recordOnsets);
    }
  });

  it("tells the formats and rates apart", () => {
    const bdf = openEdfFile(path("test.bdf"));
    expect(bdf.header.format).toBe("BDF");
    expect(bdf.dataSignals).toHaveLength(73);
    expect(bdf.dataSignals[0]!.samplingRate).toBe(2048);
    const uneven = openEdfFile(path("test_uneven_samp.edf"));
    expect(uneven.dataSignals.map((s) => s.samplingRate)).toEqual([100, 12.8]);
    const plus = openEdfFile(path("duplicate_channel_labels.edf"));
    expect(plus.header.variant).toBe("EDF+C");
    expect(plus.continuous).toBe(true);
    expect(plus.dataSignals.map((s) => s.label)).toEqual(["EEG F1-Ref", "EEG F2-Ref", "EEG F1-Ref"]);
    expect(openEdfFile(path("test_edf_stim_channel.edf")).header.recordDuration).toBe(9.59375);
    const generated = openEdfFile(GENERATED);
    expect(generated.header.variant).toBe("EDF+D");
    expect(generated.startOffset).toBe(0.25);
    expect(generated.continuous).toBe(false);
    expect(generated.dataSignals[0]!.gain).toBeLessThan(0); // inverted physical range
  });

  it("reads a multi-channel window of one rate", async () => {
    const edf = openEdfFile(path("test.bdf"));
    const both = (await edf.source([0, 72]).readRows(10, 13)) as Int32Array;
    const first = (await edf.source([0]).readRows(10, 13)) as Int32Array;
    const last = (await edf.source([72]).readRows(10, 13)) as Int32Array;
    expect(Array.from(both)).toEqual([first[0], last[0], first[1], last[1], first[2], last[2]]);
  });

  it("names the file when it is truncated", () => {
    const copy = join(mkdtempSync(join(tmpdir(), "edf-")), "cut.edf");
    copyFileSync(path("test_uneven_samp.edf"), copy);
    truncateSync(copy, 25584 - 100);
    expect(() => openEdfFile(copy)).toThrow(SourceDataError);
    expect(() => openEdfFile(copy)).toThrow(
      /cut\.edf.*announces 11 data records.*holds 10 complete records.*truncated/,
    );
    truncateSync(copy, 600);
    expect(() => openEdfFile(copy)).toThrow(/cut\.edf.*shorter than its 768-byte header/);
  });
});
