/**
 * Blackrock NSx and NEV readers against neo 0.11.1 and numpy decoding, on the real samples (specs 2.1 and
 * 2.3) and on generated files of the other variants the specification describes (paused 2.3, 3.0 with 64-bit
 * timestamps), plus the errors for truncated files and unsupported versions.
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SourceDataError } from "../../../src/errors.js";
import { openNsxFile, readNevFile } from "../../../src/formats/blackrock/index.js";
import { neoAvailable } from "../../helpers/nwbcheck.js";
import { hasTestdata, testdata } from "../../helpers/testdata.js";
import { neoNevSpikes, neoReadNsx, numpyReadNev } from "./oracle.js";

const HAVE = hasTestdata();
const dir = mkdtempSync(join(tmpdir(), "blackrock-"));
const NS2 = testdata("blackrock/filespec2.1_l101210/example_2.ns2");
const NS3 = testdata("blackrock/filespec2.3_npmk_saved/macro.ns3");
const NEV21 = testdata("blackrock/filespec2.1_l101210/example_1.nev");
const NEV23 = testdata("blackrock/filespec2.3_npmk_saved/events.nev");

async function allRows(file: ReturnType<typeof openNsxFile>): Promise<number[][]> {
  const flat = await file.file.readRows(0, file.numSamples);
  const width = file.channels.length;
  return Array.from({ length: file.numSamples }, (_, r) =>
    Array.from(flat.subarray(r * width, (r + 1) * width), Number),
  );
}

/** An NSx 2.2+ file: header, one CC header per channel, then one data packet per segment. */
function writeNsx(
  path: string,
  options: { major: number; minor: number; segments: { timestamp: number; rows: number[][] }[] },
): void {
  const channels = options.segments[0]!.rows[0]!.length;
  const tsBytes = options.major >= 3 ? 8 : 4;
  const header = Buffer.alloc(314 + 66 * channels);
  header.write("NEURALCD", 0, "latin1");
  header.writeUInt8(options.major, 8);
  header.writeUInt8(options.minor, 9);
  header.writeUInt32LE(header.length, 10);
  header.write("30 kS/s", 14, "latin1");
  header.writeUInt32LE(1, 286); // period: 30 kHz
  header.writeUInt32LE(options.major >= 3 ? 1e9 : 30000, 290);
  [2024, 3, 5, 1, 13, 14, 15, 16].forEach((v, i) => {
    header.writeUInt16LE(v, 294 + 2 * i);
  });
  header.writeUInt32LE(channels, 310);
  for (let c = 0; c < channels; c++) {
    const at = 314 + 66 * c;
    header.write("CC", at, "latin1");
    header.writeUInt16LE(c + 1, at + 2);
    header.write(`elec${c + 1}`, at + 4, "latin1");
    header.writeUInt8(1, at + 20);
    header.writeUInt8(c + 1, at + 21);
    header.writeInt16LE(-8191, at + 22);
    header.writeInt16LE(8191, at + 24);
    header.writeInt16LE(-5000 * (c + 1), at + 26);
    header.writeInt16LE(5000 * (c + 1), at + 28);
    header.write(c === 0 ? "uV" : "mV", at + 30, "latin1");
  }
  const packets = options.segments.map(({ timestamp, rows }) => {
    const p = Buffer.alloc(1 + tsBytes + 4 + rows.length * channels * 2);
    p.writeUInt8(1, 0);
    if (tsBytes === 8) p.writeBigUInt64LE(BigInt(timestamp), 1);
    else p.writeUInt32LE(timestamp, 1);
    p.writeUInt32LE(rows.length, 1 + tsBytes);
    rows.flat().forEach((v, i) => {
      p.writeInt16LE(v, 1 + tsBytes + 4 + 2 * i);
    });
    return p;
  });
  writeFileSync(path, Buffer.concat([header, ...packets]));
}

const rows = (n: number, seed: number) =>
  Array.from({ length: n }, (_, r) => [((r * 37 + seed) % 2000) - 1000, ((r * 91 + seed) % 3000) - 1500]);

describe.skipIf(!HAVE)("Blackrock NSx on the real samples, against neo 0.11.1", () => {
  it("spec 2.1: every sample (neo drops the last), raw values, spec labels", async (context) => {
    if (!neoAvailable()) return context.skip();
    const nsx = openNsxFile(NS2);
    const [neo] = neoReadNsx([NS2]);
    expect(nsx.spec).toBe("2.1");
    expect(nsx.samplingRate).toBe(1000);
    expect(nsx.channels.map((c) => c.label)).toEqual(neo!.channels.map((c) => c.name));
    expect(nsx.channels.map((c) => String(c.electrodeId))).toEqual(neo!.channels.map((c) => c.id));
    expect(nsx.channels.every((c) => c.gainToVolts === undefined)).toBe(true);
    expect(neo!.segments[0]!.size).toBe(3640);
    expect(nsx.numSamples).toBe(3641);
    const ours = await allRows(nsx);
    expect(ours.slice(0, 3640)).toEqual(neo!.segments[0]!.data);
    // the last sample, decoded from the file's last 12 bytes (6 little-endian int16) per the specification
    const bytes = readFileSync(NS2);
    const last = Array.from({ length: 6 }, (_, c) => bytes.readInt16LE(bytes.length - 12 + 2 * c));
    expect(ours[3640]).toEqual(last);
  });

  it("spec 2.3: samples, gains and offsets in volts, start, time origin", async (context) => {
    if (!neoAvailable()) return context.skip();
    const nsx = openNsxFile(NS3);
    const [neo] = neoReadNsx([NS3]);
    expect(nsx.spec).toBe("2.3");
    expect(nsx.samplingRate).toBe(2000);
    expect(nsx.timeOrigin).toBe("2024-07-21T00:33:00.557");
    expect(nsx.channels.map((c) => c.label)).toEqual(neo!.channels.map((c) => c.name));
    for (const [i, c] of nsx.channels.entries()) {
      expect(neo!.channels[i]!.units).toBe("uV");
      expect(c.gainToVolts).toBeCloseTo(neo!.channels[i]!.gain * 1e-6, 15);
      expect(c.offsetToVolts).toBeCloseTo(neo!.channels[i]!.offset * 1e-6, 15);
    }
    expect(nsx.segments).toEqual([
      { firstSample: 0, numSamples: 120000, startTime: neo!.segments[0]!.tStart },
    ]);
    expect(await allRows(nsx)).toEqual(neo!.segments[0]!.data);
  });
});

describe("Blackrock NSx variants (generated)", () => {
  it("a paused 2.3 recording: one segment per data packet, each at its own timestamp", async (context) => {
    const path = join(dir, "paused.ns5");
    const first = rows(40, 1);
    const second = rows(25, 7);
    writeNsx(path, {
      major: 2,
      minor: 3,
      segments: [
        { timestamp: 300, rows: first },
        { timestamp: 90000, rows: second },
      ],
    });
    const nsx = openNsxFile(path);
    expect(nsx.segments).toEqual([
      { firstSample: 0, numSamples: 40, startTime: 0.01 },
      { firstSample: 40, numSamples: 25, startTime: 3 },
    ]);
    expect(await allRows(nsx)).toEqual([...first, ...second]);
    expect(nsx.channels[1]!.gainToVolts).toBeCloseTo((20000 / 16382) * 1e-3, 15);
    if (!neoAvailable()) return context.skip();
    const [neo] = neoReadNsx([path]);
    expect(neo!.segments.map((s) => [s.size, s.tStart])).toEqual([
      [40, 0.01],
      [25, 3],
    ]);
    expect(neo!.segments.flatMap((s) => s.data)).toEqual([...first, ...second]);
    expect(nsx.channels.map((c) => c.gainToVolts! / (c.label === "elec1" ? 1e-6 : 1e-3))).toEqual(
      neo!.channels.map((c) => expect.closeTo(c.gain, 12)),
    );
  });

  it("spec 3.0: 64-bit packet timestamps in nanoseconds", async (context) => {
    const path = join(dir, "spec30.ns6");
    const data = rows(30, 3);
    writeNsx(path, { major: 3, minor: 0, segments: [{ timestamp: 2_500_000_000, rows: data }] });
    const nsx = openNsxFile(path);
    expect(nsx.spec).toBe("3.0");
    expect(nsx.segments).toEqual([{ firstSample: 0, numSamples: 30, startTime: 2.5 }]);
    expect(await allRows(nsx)).toEqual(data);
    if (!neoAvailable()) return context.skip();
    const [neo] = neoReadNsx([path]);
    expect(neo!.segments[0]!.tStart).toBe(2.5);
    expect(neo!.segments[0]!.data).toEqual(data);
  });

  it("spec 3.0 in PTP mode (one sample per packet): gaps in the clock become segments", async () => {
    const path = join(dir, "ptp.ns6");
    const period = 1e9 / 30000;
    const samples = rows(12, 5);
    const stamps = samples.map((_, i) => Math.round(1e9 + (i < 8 ? i : i + 100) * period));
    writeNsx(path, {
      major: 3,
      minor: 0,
      segments: samples.map((r, i) => ({ timestamp: stamps[i]!, rows: [r] })),
    });
    const nsx = openNsxFile(path);
    expect(nsx.segments.map((s) => [s.firstSample, s.numSamples])).toEqual([
      [0, 8],
      [8, 4],
    ]);
    expect(nsx.segments[1]!.startTime).toBeCloseTo(stamps[8]! / 1e9, 12);
    expect(await allRows(nsx)).toEqual(samples);
  });

  it("errors name the file: truncated packet, unsupported version, not an NSx file", () => {
    const good = join(dir, "good.ns5");
    writeNsx(good, { major: 2, minor: 3, segments: [{ timestamp: 0, rows: rows(10, 2) }] });
    const bytes = readFileSync(good);
    const truncated = join(dir, "truncated.ns5");
    writeFileSync(truncated, bytes.subarray(0, bytes.length - 3));
    expect(() => openNsxFile(truncated)).toThrow(SourceDataError);
    expect(() => openNsxFile(truncated)).toThrow(/truncated\.ns5.*truncated/);
    const future = join(dir, "future.ns5");
    const patched = Buffer.from(bytes);
    patched.writeUInt8(9, 8);
    writeFileSync(future, patched);
    expect(() => openNsxFile(future)).toThrow(/future\.ns5: is NSx file spec 9\.3; supported/);
    const other = join(dir, "other.ns5");
    writeFileSync(other, Buffer.from("NOTBLACKROCK-----"));
    expect(() => openNsxFile(other)).toThrow(/other\.ns5.*not a Blackrock NSx file/);
  });
});

describe.skipIf(!HAVE)("Blackrock NEV on the real samples", () => {
  it("spikes per unit, waveform means and digital events equal numpy's decoding of the packets", (context) => {
    if (!neoAvailable()) return context.skip();
    const oracles = numpyReadNev([NEV21, NEV23]);
    for (const [i, path] of [NEV21, NEV23].entries()) {
      const nev = readNevFile(path);
      const oracle = oracles[i]!;
      expect(nev.timestampResolution).toBe(oracle.resolution);
      expect(nev.units.map((u) => `${u.electrodeId}#${u.unitClass}`).sort()).toEqual(
        Object.keys(oracle.units).sort(),
      );
      for (const unit of nev.units) {
        const expected = oracle.units[`${unit.electrodeId}#${unit.unitClass}`]!;
        expect(unit.timestamps).toEqual(expected.timestamps);
        Array.from(unit.waveformMean).forEach((v, s) => {
          expect(v).toBeCloseTo(expected.meanNanovolts[s]! * 1e-9, 12);
        });
      }
      expect(nev.digital).toEqual(oracle.digital);
      expect(nev.serial).toEqual(oracle.serial);
    }
  });

  it("spec 2.1: 324 units whose spikes equal neo's; digital events; time origin", (context) => {
    if (!neoAvailable()) return context.skip();
    const nev = readNevFile(NEV21);
    const neo = neoNevSpikes(NEV21);
    expect(nev.units).toHaveLength(324);
    for (const unit of nev.units)
      expect(unit.timestamps).toEqual(neo[`${unit.electrodeId}#${unit.unitClass}`]);
    expect(nev.digital.timestamps).toHaveLength(8);
    expect(nev.timeOrigin).toBe("2010-12-10T10:50:10.156");
    expect(nev.waveformSamples).toBe(48);
  });

  it("errors name the file: truncated packets, unsupported version", () => {
    const bytes = readFileSync(NEV21);
    const truncated = join(dir, "cut.nev");
    writeFileSync(truncated, bytes.subarray(0, bytes.length - 50));
    expect(() => readNevFile(truncated)).toThrow(/cut\.nev: .*bytes left over\): the file is truncated/);
    const future = join(dir, "future.nev");
    copyFileSync(NEV21, future);
    const patched = readFileSync(future);
    patched.writeUInt8(4, 8);
    writeFileSync(future, patched);
    expect(() => readNevFile(future)).toThrow(/future\.nev: is NEV file spec 4\.1/);
  });
});
