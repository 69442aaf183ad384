/**
 * Synthetic recordings written by generator.ts to the published layouts: an RHS 3.0 traditional file, RHD
 * traditional files of every header version, and the same data in the one-file-per-signal-type and
 * one-file-per-channel layouts. Traditional files are compared with neo 0.11.1 (which reads only that
 * layout), split layouts with numpy reading the raw .dat files, and every layout with the generator's own
 * values.
 */
import { mkdtempSync, rmSync, truncateSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TypedArray } from "../../../src/data/dtype.js";
import {
  type IntanDigitalStream,
  type IntanRecording,
  type IntanStimulationStream,
  type IntanStreamKind,
  openIntanFile,
} from "../../../src/formats/intan/index.js";
import {
  type GenData,
  type GenHeader,
  kindChannels,
  makeData,
  rhdHeader,
  rhsHeader,
  samplesPerBlock,
  writePerChannel,
  writePerSignalType,
  writeTraditional,
} from "./generator.js";
import { type NeoResult, type NeoStream, neoAvailable, neoReadMany, numpyRead } from "./oracle.js";

const folder = mkdtempSync(join(tmpdir(), "neuroconv-intan-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

async function all(source: {
  shape: readonly number[];
  readRows(a: number, b: number): unknown;
}): Promise<number[]> {
  return Array.from((await source.readRows(0, source.shape[0]!)) as TypedArray, Number);
}

/** Row-major flattening of per-channel arrays. */
function interleave(arrays: ArrayLike<number>[], map: (v: number) => number = (v) => v): number[] {
  const n = arrays[0]?.length ?? 0;
  const out: number[] = [];
  for (let t = 0; t < n; t++) for (const a of arrays) out.push(map(a[t]!));
  return out;
}

/** Edges computed straight from the generator's words (rows where bit b changes). */
function expectedEdges(words: Uint16Array, bit: number): { rising: number[]; falling: number[] } {
  const rising: number[] = [];
  const falling: number[] = [];
  for (let i = 1; i < words.length; i++) {
    const a = (words[i - 1]! >> bit) & 1;
    const b = (words[i]! >> bit) & 1;
    if (a === 0 && b === 1) rising.push(i);
    if (a === 1 && b === 0) falling.push(i);
  }
  return { rising, falling };
}

const neoStream = (neo: NeoResult, id: string): NeoStream => {
  const stream = neo.streams.find((s) => s.id === id);
  if (!stream) throw new Error(`neo has no stream ${id}`);
  return stream;
};

// ---------------------------------------------------------------------------------------------------------
// RHS 3.0 traditional

describe("Intan RHS 3.0 traditional file (generated)", () => {
  const header = rhsHeader();
  const data = makeData(header, 5, { firstTimestamp: -300 });
  const path = join(folder, "stim_recording.rhs");
  let rec: IntanRecording;
  beforeAll(() => {
    writeTraditional(path, header, data);
    rec = openIntanFile(path);
  });

  it("parses the RHS header", () => {
    const h = rec.header;
    expect(h.fileType).toBe("rhs");
    expect(h.version).toEqual({ major: 3, minor: 0 });
    expect(h.sampleRate).toBe(30000);
    expect(h.dcAmplifierDataSaved).toBe(true);
    expect(h.evalBoardMode).toBe(14);
    expect(h.referenceChannel).toBe("n/a");
    expect(h.notes).toEqual(["first note", "", "µ-note ✓"]);
    expect(h.filters.notchFilterFrequency).toBe(60);
    expect(h.filters.notchFilterInData).toBe(true);
    expect(h.filters.actualLowerSettleBandwidth).toBe(Math.fround(999.5));
    expect(h.filters.desiredLowerSettleBandwidth).toBe(1000);
    expect(h.filters.desiredImpedanceTestFrequency).toBe(1000);
    expect(h.filters.actualImpedanceTestFrequency).toBe(1001.5);
    expect(h.stimulation).toEqual({
      ampSettleMode: 1,
      chargeRecoveryMode: 0,
      stimStepSize: Math.fround(2e-6),
      chargeRecoveryCurrentLimit: Math.fround(1e-6),
      chargeRecoveryTargetVoltage: 0,
    });
    expect(h.samplesPerBlock).toBe(128);
    expect(h.timestampsSigned).toBe(true);
    expect(rec.numBlocks).toBe(5);
    expect(rec.numSamples).toBe(640);
    expect(rec.firstTimestamp).toBe(-300);
    expect(rec.lastTimestamp).toBe(339);
    expect(rec.startTime).toBe(-0.01);
  });

  it("lays out the streams per the RHS app note", () => {
    expect(rec.streams.map((s) => [s.kind, s.channels.length])).toEqual([
      ["amplifier", 4],
      ["dcAmplifier", 4],
      ["stimulation", 4],
      ["boardAdc", 2],
      ["boardDac", 2],
      ["boardDigitalIn", 2],
      ["boardDigitalOut", 2],
    ]);
    expect(rec.blockLayout?.regions.map((r) => [r.content, r.byteOffset, r.channels])).toEqual([
      ["timestamps", 0, 1],
      ["amplifier", 512, 4],
      ["dcAmplifier", 512 + 1024, 4],
      ["stimulation", 512 + 2048, 4],
      ["boardAdc", 512 + 3072, 2],
      ["boardDac", 512 + 3584, 2],
      ["boardDigitalIn", 512 + 4096, 1],
      ["boardDigitalOut", 512 + 4352, 1],
    ]);
    expect(rec.blockLayout?.bytesPerBlock).toBe(512 + 4608);
    for (const s of rec.streams) expect(s.samplingRate).toBe(30000);
    const amp = rec.stream("amplifier")!;
    expect(amp.channels.map((c) => c.customName)).toEqual(["A-000", "A-001", "electrode-7", "A-003"]);
    expect(amp.channels[3]).toMatchObject({
      impedanceMagnitude: 4000,
      impedancePhase: -30,
      commandStream: 0,
    });
    expect(rec.stream("boardAdc")!.channels.map((c) => c.nativeName)).toEqual(["ANALOG-IN-1", "ANALOG-IN-2"]);
    expect(rec.stream("boardDigitalIn")!.channels.map((c) => c.nativeOrder)).toEqual([0, 5]);
    expect(rec.stream("dcAmplifier")).toMatchObject({ dtype: "uint16", conversion: -0.01923 });
    expect(rec.stream("dcAmplifier")!.offset).toBeCloseTo(9.84576, 12);
    expect(rec.stream("stimulation")).toMatchObject({
      dtype: "int16",
      unit: "amperes",
      conversion: Math.fround(2e-6),
    });
    expect(rec.stream("boardAdc")).toMatchObject({ dtype: "int16", conversion: 312.5e-6, offset: 0 });
    expect(rec.stream("boardDac")).toMatchObject({ dtype: "int16", conversion: 312.5e-6, offset: 0 });
  });

  it("reads the generator's values in every stream", async () => {
    expect(await all(rec.stream("amplifier")!.data())).toEqual(interleave(data.amplifier, (v) => v - 32768));
    expect(await all(rec.stream("dcAmplifier")!.data())).toEqual(interleave(data.dc));
    const stim = rec.stream("stimulation") as IntanStimulationStream;
    expect(await all(stim.words())).toEqual(interleave(data.stim));
    const decoded = interleave(data.stim, (w) => ((w & 0x100) !== 0 ? -(w & 0xff) : w & 0xff));
    expect(await all(stim.data())).toEqual(decoded);
    // Channel 1 (odd: negative phase) at sample 5 carries magnitude 20: -20 steps of 2 µA.
    expect(decoded[5 * 4 + 1]).toBe(-20);
    expect(await all(rec.stream("boardAdc")!.data())).toEqual(interleave(data.adc, (v) => v - 32768));
    expect(await all(rec.stream("boardDac")!.data())).toEqual(interleave(data.dac, (v) => v - 32768));
    expect(await all((rec.stream("boardDigitalIn") as IntanDigitalStream).words())).toEqual(
      Array.from(data.digitalIn!),
    );
    expect(await all(rec.stream("boardDigitalIn")!.data())).toEqual(
      Array.from(data.digitalIn!).flatMap((w) => [w & 1, (w >> 5) & 1]),
    );
    expect(await all(rec.timestamps())).toEqual(Array.from(data.timestamps));
    // Chosen channels over rows that straddle blocks, with tiny reads.
    const small = openIntanFile(path, { blockBytes: 1 });
    const part = (await small.stream("amplifier")!.data([3, 1]).readRows(120, 260)) as Int16Array;
    for (let r = 0; r < 140; r++) {
      expect(part[2 * r]).toBe(data.amplifier[3]![120 + r]! - 32768);
      expect(part[2 * r + 1]).toBe(data.amplifier[1]![120 + r]! - 32768);
    }
  });

  it("decodes digital edges in one streamed pass", async () => {
    const small = openIntanFile(path, { scanRows: 100 });
    for (const [kind, words] of [
      ["boardDigitalIn", data.digitalIn!],
      ["boardDigitalOut", data.digitalOut!],
    ] as const) {
      const stream = small.stream(kind) as IntanDigitalStream;
      const events = await stream.events();
      expect(events.map((e) => e.line)).toEqual(stream.channels.map((c) => c.nativeOrder));
      for (const e of events) {
        const want = expectedEdges(words, e.line);
        expect(Array.from(e.risingRows)).toEqual(want.rising);
        expect(Array.from(e.fallingRows)).toEqual(want.falling);
        expect(Array.from(e.rising)).toEqual(want.rising.map((r) => data.timestamps[r]! / 30000));
        expect(Array.from(e.falling)).toEqual(want.falling.map((r) => data.timestamps[r]! / 30000));
      }
    }
    // Line 0 of the inputs starts high: its first edge is a fall.
    const [line0] = await (rec.stream("boardDigitalIn") as IntanDigitalStream).events([0]);
    expect(line0!.fallingRows[0]).toBe(20);
    expect(line0!.risingRows[0]).toBe(40);
  });

  it("agrees with neo 0.11.1 (and shows where neo 0.11.1 differs from Intan's scaling)", async (context) => {
    if (!neoAvailable()) return context.skip();
    const [neo] = neoReadMany([path]);
    expect(neo!.global).toMatchObject({
      major_version: 3,
      minor_version: 0,
      dc_amplifier_data_saved: 1,
      board_mode: 14,
    });
    expect(neo!.global.stim_step_size).toBe(rec.header.stimulation!.stimStepSize);
    expect(neo!.timestamps).toEqual(await all(rec.timestamps()));
    expect(neo!.digitalIn).toEqual(await all((rec.stream("boardDigitalIn") as IntanDigitalStream).words()));
    expect(neo!.digitalOut).toEqual(await all((rec.stream("boardDigitalOut") as IntanDigitalStream).words()));

    const amp = neoStream(neo!, "0");
    expect(amp.channels.map((c) => c.name)).toEqual(["A-000", "A-001", "A-002", "A-003"]);
    expect(await all(rec.stream("amplifier")!.data())).toEqual(amp.data.flat().map((v) => v - 32768));

    for (const [id, kind] of [
      ["3", "boardAdc"],
      ["4", "boardDac"],
    ] as const) {
      const theirs = neoStream(neo!, id);
      const ours = rec.stream(kind)!;
      expect(await all(ours.data())).toEqual(theirs.data.flat().map((v) => v - 32768));
      for (const c of theirs.channels) {
        expect(c.rate).toBe(ours.samplingRate);
        expect(c.units).toBe("V");
        for (const raw of [0, 32768, 65535]) {
          expect((raw - 32768) * ours.conversion + ours.offset).toBeCloseTo(raw * c.gain + c.offset, 12);
        }
      }
    }

    // DC amplifier: same stored codes. neo 0.11.1 scales them by +19.23 mV/bit; Intan's RHS loader and RHX
    // (SaveManager::convertDcAmplifierValue) use -19.23 mV/bit, which we follow: the volts differ in sign.
    const dc = neoStream(neo!, "10");
    const ourDc = rec.stream("dcAmplifier")!;
    expect(await all(ourDc.data())).toEqual(dc.data.flat());
    const c0 = dc.channels[0]!;
    expect(c0).toMatchObject({ name: "A-000_DC", units: "mV", gain: 19.23 });
    for (const raw of [0, 300, 512, 1023]) {
      const ours = raw * ourDc.conversion + ourDc.offset;
      expect(ours).toBeCloseTo(-0.01923 * (raw - 512), 12);
      expect(ours).toBeCloseTo(-(raw * c0.gain + c0.offset) * 1e-3, 12);
    }

    // Stimulation: neo 0.11.1 returns the raw words (gain 1); we decode them to signed steps.
    const stim = neoStream(neo!, "11");
    expect(stim.channels[0]).toMatchObject({ name: "A-000_STIM", gain: 1, offset: 0 });
    expect(await all((rec.stream("stimulation") as IntanStimulationStream).words())).toEqual(
      stim.data.flat(),
    );
  });
});

// ---------------------------------------------------------------------------------------------------------
// RHD traditional, every header version

interface Variant {
  readonly name: string;
  readonly header: GenHeader;
  readonly signed: boolean;
}

const RHD_VARIANTS: readonly Variant[] = [
  { name: "1.0", header: rhdHeader({ major: 1, minor: 0, boardMode: undefined }), signed: false },
  { name: "1.1", header: rhdHeader({ major: 1, minor: 1, numTempSensors: 2 }), signed: false },
  { name: "1.2", header: rhdHeader({ major: 1, minor: 2, numTempSensors: 1 }), signed: true },
  {
    name: "1.3 board mode 1",
    header: rhdHeader({ major: 1, minor: 3, boardMode: 1, numTempSensors: 2 }),
    signed: true,
  },
  { name: "2.0 board mode 0", header: rhdHeader({ major: 2, minor: 0, boardMode: 0 }), signed: true },
  { name: "3.0 board mode 13", header: rhdHeader({ major: 3, minor: 0, boardMode: 13 }), signed: true },
  { name: "3.4 board mode 13", header: rhdHeader({ major: 3, minor: 4, boardMode: 13 }), signed: true },
];

describe("Intan RHD traditional files of every header version (generated)", () => {
  const files = RHD_VARIANTS.map((v, i) => {
    const data = makeData(v.header, 4, { firstTimestamp: v.signed ? -17 : 5 });
    return { ...v, data, path: join(folder, `v${i}.rhd`) };
  });
  beforeAll(() => {
    for (const f of files) writeTraditional(f.path, f.header, f.data);
  });

  it.each(files)("RHD $name: header, rates, scaling and samples", async (f) => {
    const rec = openIntanFile(f.path);
    const N = samplesPerBlock(f.header);
    const h = rec.header;
    expect(h.version).toEqual({ major: f.header.major, minor: f.header.minor });
    expect(h.samplesPerBlock).toBe(N);
    expect(h.timestampsSigned).toBe(f.signed);
    expect(h.numTempSensors).toBe(f.header.numTempSensors ?? 0);
    // Headers before 1.3 store no board mode: 0 (USB interface board) is assumed.
    const stored = f.header.major > 1 || f.header.minor >= 3;
    expect(h.evalBoardMode).toBe(stored ? (f.header.boardMode ?? 0) : 0);
    expect(h.referenceChannel).toBe(f.header.major >= 2 ? "B-003" : undefined);
    expect(rec.numSamples).toBe(4 * N);
    const kinds = [
      "amplifier",
      "auxiliary",
      "supplyVoltage",
      ...(h.numTempSensors > 0 ? ["temperature"] : []),
    ];
    expect(rec.streams.map((s) => s.kind)).toEqual([
      ...kinds,
      "boardAdc",
      "boardDigitalIn",
      "boardDigitalOut",
    ]);
    expect(rec.stream("amplifier")!.channels.map((c) => c.nativeName)).toEqual([
      "B-000",
      "B-001",
      "B-003",
      "B-004",
    ]);
    expect(rec.stream("auxiliary")).toMatchObject({ samplingRate: 5000, decimation: 4, numSamples: N });
    expect(rec.stream("supplyVoltage")).toMatchObject({
      samplingRate: 20000 / N,
      decimation: N,
      numSamples: 4,
    });

    const adc = rec.stream("boardAdc")!;
    const mode = h.evalBoardMode;
    expect(adc.conversion).toBe(mode === 1 ? 152.59e-6 : mode === 13 ? 312.5e-6 : 50.354e-6);
    expect(adc.dtype).toBe(mode === 1 || mode === 13 ? "int16" : "uint16");
    const adcShift = adc.dtype === "int16" ? 32768 : 0;

    expect(await all(rec.timestamps())).toEqual(Array.from(f.data.timestamps));
    expect(rec.timestamps().dtype).toBe(f.signed ? "int32" : "uint32");
    expect(await all(rec.stream("amplifier")!.data())).toEqual(
      interleave(f.data.amplifier, (v) => v - 32768),
    );
    expect(await all(rec.stream("auxiliary")!.data())).toEqual(interleave(f.data.auxiliary));
    expect(await all(rec.stream("supplyVoltage")!.data())).toEqual(interleave(f.data.supply));
    if (h.numTempSensors > 0)
      expect(await all(rec.stream("temperature")!.data())).toEqual(interleave(f.data.temperature));
    expect(await all(adc.data())).toEqual(interleave(f.data.adc, (v) => v - adcShift));
    expect(await all((rec.stream("boardDigitalIn") as IntanDigitalStream).words())).toEqual(
      Array.from(f.data.digitalIn!),
    );
    expect(await all(rec.stream("boardDigitalOut")!.data())).toEqual(
      Array.from(f.data.digitalOut!, (w) => (w >> 2) & 1),
    );
  });

  it("agrees with neo 0.11.1 on every version (temperature scale aside)", async (context) => {
    if (!neoAvailable()) return context.skip();
    const results = neoReadMany(files.map((f) => f.path));
    for (const [i, f] of files.entries()) {
      const neo = results[i]!;
      const rec = openIntanFile(f.path);
      expect(neo.timestamps).toEqual(await all(rec.timestamps()));
      expect(neo.digitalIn).toEqual(await all((rec.stream("boardDigitalIn") as IntanDigitalStream).words()));
      expect(neo.digitalOut).toEqual(
        await all((rec.stream("boardDigitalOut") as IntanDigitalStream).words()),
      );
      const pairs: [string, IntanStreamKind][] = [
        ["0", "amplifier"],
        ["1", "auxiliary"],
        ["2", "supplyVoltage"],
        ["3", "boardAdc"],
      ];
      if (rec.header.numTempSensors > 0) pairs.push(["20", "temperature"]);
      for (const [id, kind] of pairs) {
        const theirs = neoStream(neo, id);
        const ours = rec.stream(kind)!;
        expect(theirs.size).toBe(ours.numSamples);
        expect(theirs.channels.map((c) => c.name)).toEqual(
          ours.channels.map((c, k) => (kind === "temperature" ? `temperature_${k}` : c.nativeName)),
        );
        const values = await all(ours.data());
        // neo returns every stream as uint16 (so negative temperatures wrap around).
        const shift = ours.dtype === "int16" && kind !== "temperature" ? 32768 : 0;
        expect(values.map((v) => (v + shift + 65536) % 65536)).toEqual(theirs.data.flat());
        for (const c of theirs.channels) {
          expect(c.rate).toBe(ours.samplingRate);
          const unit = c.units === "uV" ? 1e-6 : 1;
          if (kind === "temperature") {
            // Intan: int16 in units of 0.01 °C (the RHD2000 GUI saves 100 x °C; Intan's loader scales by
            // 0.01). neo 0.11.1 uses 0.001, ten times too small.
            expect(c.gain).toBe(0.001);
            expect(ours.conversion).toBe(0.01);
            continue;
          }
          for (const raw of [0, 1, 32768, 65535]) {
            const data = raw - shift;
            expect(data * ours.conversion + ours.offset).toBeCloseTo((raw * c.gain + c.offset) * unit, 12);
          }
        }
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------------------
// Split layouts

/** Checks a split-layout recording against the traditional reading of the same generated data. */
async function sameAsTraditional(
  split: IntanRecording,
  trad: IntanRecording,
  header: GenHeader,
): Promise<void> {
  const N = samplesPerBlock(header);
  expect(split.numSamples).toBe(trad.numSamples);
  expect(await all(split.timestamps())).toEqual(await all(trad.timestamps()));
  for (const s of split.streams) {
    const t = trad.stream(s.kind)!;
    expect(s.conversion).toBe(t.conversion);
    expect(s.offset).toBe(t.offset);
    expect(s.dtype).toBe(t.dtype);
    const splitValues = await all(s.data());
    const tradValues = await all(t.data());
    const width = s.channels.length;
    if (s.kind === "auxiliary" || s.kind === "supplyVoltage") {
      // Stored at the full rate in split layouts, each value held until the next conversion.
      const factor = s.kind === "auxiliary" ? 4 : N;
      expect(s.samplingRate).toBe(header.sampleRate);
      expect(t.samplingRate).toBe(header.sampleRate / factor);
      const held = [];
      for (let r = 0; r < split.numSamples; r++) {
        for (let k = 0; k < width; k++) held.push(tradValues[Math.floor(r / factor) * width + k]);
      }
      expect(splitValues).toEqual(held);
    } else if (s.kind === "stimulation" && width < t.channels.length) {
      const columns = s.channels.map((c) => t.channels.findIndex((u) => u.nativeName === c.nativeName));
      expect(splitValues).toEqual(await all(t.data(columns)));
    } else {
      expect(s.samplingRate).toBe(t.samplingRate);
      expect(splitValues).toEqual(tradValues);
    }
  }
}

describe("Intan split layouts (generated)", () => {
  const rhd = rhdHeader();
  const rhdData = makeData(rhd, 3, { firstTimestamp: 1000 });
  const rhs = rhsHeader();
  const rhsData = makeData(rhs, 3);
  const dirs = {
    rhdTrad: join(folder, "rhd_trad.rhd"),
    rhsTrad: join(folder, "rhs_trad.rhs"),
    rhdType: join(folder, "rhd_per_type"),
    rhdChannel: join(folder, "rhd_per_channel"),
    rhsType: join(folder, "rhs_per_type"),
    rhsChannel: join(folder, "rhs_per_channel"),
  };
  beforeAll(() => {
    writeTraditional(dirs.rhdTrad, rhd, rhdData);
    writeTraditional(dirs.rhsTrad, rhs, rhsData);
    writePerSignalType(dirs.rhdType, rhd, rhdData);
    writePerChannel(dirs.rhdChannel, rhd, rhdData);
    writePerSignalType(dirs.rhsType, rhs, rhsData);
    writePerChannel(dirs.rhsChannel, rhs, rhsData, [1]);
  });

  it("detects the layouts from info.rhd / info.rhs", () => {
    expect(openIntanFile(join(dirs.rhdType, "info.rhd")).layout).toBe("one-file-per-signal-type");
    expect(openIntanFile(join(dirs.rhdChannel, "info.rhd")).layout).toBe("one-file-per-channel");
    expect(openIntanFile(join(dirs.rhsType, "info.rhs")).layout).toBe("one-file-per-signal-type");
    expect(openIntanFile(join(dirs.rhsChannel, "info.rhs")).layout).toBe("one-file-per-channel");
  });

  it("RHD one file per signal type equals the traditional file and numpy's reading", async (context) => {
    const rec = openIntanFile(join(dirs.rhdType, "info.rhd"));
    expect(rec.warnings).toEqual([]);
    expect(rec.numBlocks).toBeUndefined();
    expect(rec.firstTimestamp).toBe(1000);
    expect(rec.startTime).toBe(0.05);
    expect(rec.streams.map((s) => s.kind)).toEqual([
      "amplifier",
      "auxiliary",
      "supplyVoltage",
      "boardAdc",
      "boardDigitalIn",
      "boardDigitalOut",
    ]);
    await sameAsTraditional(rec, openIntanFile(dirs.rhdTrad), rhd);
    if (!neoAvailable()) return context.skip();
    const raw = numpyRead(dirs.rhdType, [
      { file: "time.dat", dtype: "<i4", columns: 1 },
      { file: "amplifier.dat", dtype: "<i2", columns: 4 },
      { file: "auxiliary.dat", dtype: "<u2", columns: 2 },
      { file: "supply.dat", dtype: "<u2", columns: 1 },
      { file: "analogin.dat", dtype: "<u2", columns: 2 },
      { file: "digitalin.dat", dtype: "<u2", columns: 1 },
      { file: "digitalout.dat", dtype: "<u2", columns: 1 },
    ]);
    expect(await all(rec.timestamps())).toEqual(raw["time.dat"]!.flat());
    expect(await all(rec.stream("amplifier")!.data())).toEqual(raw["amplifier.dat"]!.flat());
    expect(await all(rec.stream("auxiliary")!.data())).toEqual(raw["auxiliary.dat"]!.flat());
    expect(await all(rec.stream("supplyVoltage")!.data())).toEqual(raw["supply.dat"]!.flat());
    // Board mode 13: volts = 312.5 µV x (code - 32768); we deliver code - 32768.
    expect(await all(rec.stream("boardAdc")!.data())).toEqual(
      raw["analogin.dat"]!.flat().map((v) => v - 32768),
    );
    expect(await all((rec.stream("boardDigitalIn") as IntanDigitalStream).words())).toEqual(
      raw["digitalin.dat"]!.flat(),
    );
    expect(await all((rec.stream("boardDigitalOut") as IntanDigitalStream).words())).toEqual(
      raw["digitalout.dat"]!.flat(),
    );
  });

  it("RHD one file per channel equals the traditional file and numpy's reading", async (context) => {
    const rec = openIntanFile(join(dirs.rhdChannel, "info.rhd"));
    expect(rec.warnings).toEqual([]);
    expect(rec.dataFiles.map((f) => f.slice(dirs.rhdChannel.length + 1))).toEqual([
      "time.dat",
      "amp-B-000.dat",
      "amp-B-001.dat",
      "amp-B-003.dat",
      "amp-B-004.dat",
      "aux-B-AUX1.dat",
      "aux-B-AUX2.dat",
      "vdd-B-VDD1.dat",
      "board-ADC-00.dat",
      "board-ADC-02.dat",
      "board-DIN-00.dat",
      "board-DIN-03.dat",
      "board-DOUT-02.dat",
    ]);
    await sameAsTraditional(rec, openIntanFile(dirs.rhdTrad), rhd);
    const events = await (rec.stream("boardDigitalIn") as IntanDigitalStream).events();
    for (const e of events) {
      const want = expectedEdges(rhdData.digitalIn!, e.line);
      expect(Array.from(e.risingRows)).toEqual(want.rising);
      expect(Array.from(e.falling)).toEqual(want.falling.map((r) => rhdData.timestamps[r]! / 20000));
    }
    if (!neoAvailable()) return context.skip();
    const names = [
      "amp-B-003.dat",
      "aux-B-AUX2.dat",
      "vdd-B-VDD1.dat",
      "board-ADC-02.dat",
      "board-DIN-03.dat",
    ];
    const raw = numpyRead(
      dirs.rhdChannel,
      names.map((file) => ({
        file,
        dtype: file.startsWith("amp") ? ("<i2" as const) : ("<u2" as const),
        columns: 1,
      })),
    );
    expect(await all(rec.stream("amplifier")!.data([2]))).toEqual(raw["amp-B-003.dat"]!.flat());
    expect(await all(rec.stream("auxiliary")!.data([1]))).toEqual(raw["aux-B-AUX2.dat"]!.flat());
    expect(await all(rec.stream("supplyVoltage")!.data())).toEqual(raw["vdd-B-VDD1.dat"]!.flat());
    expect(await all(rec.stream("boardAdc")!.data([1]))).toEqual(
      raw["board-ADC-02.dat"]!.flat().map((v) => v - 32768),
    );
    expect(await all(rec.stream("boardDigitalIn")!.data([1]))).toEqual(raw["board-DIN-03.dat"]!.flat());
  });

  it("RHS one file per signal type equals the traditional file and numpy's reading", async (context) => {
    const rec = openIntanFile(join(dirs.rhsType, "info.rhs"));
    expect(rec.warnings).toEqual([]);
    expect(rec.streams.map((s) => s.kind)).toEqual(openIntanFile(dirs.rhsTrad).streams.map((s) => s.kind));
    await sameAsTraditional(rec, openIntanFile(dirs.rhsTrad), rhs);
    if (!neoAvailable()) return context.skip();
    const raw = numpyRead(dirs.rhsType, [
      { file: "amplifier.dat", dtype: "<i2", columns: 4 },
      { file: "dcamplifier.dat", dtype: "<u2", columns: 4 },
      { file: "stim.dat", dtype: "<u2", columns: 4 },
      { file: "analogout.dat", dtype: "<u2", columns: 2 },
    ]);
    expect(await all(rec.stream("amplifier")!.data())).toEqual(raw["amplifier.dat"]!.flat());
    expect(await all(rec.stream("dcAmplifier")!.data())).toEqual(raw["dcamplifier.dat"]!.flat());
    expect(await all((rec.stream("stimulation") as IntanStimulationStream).words())).toEqual(
      raw["stim.dat"]!.flat(),
    );
    expect(await all(rec.stream("boardDac")!.data())).toEqual(
      raw["analogout.dat"]!.flat().map((v) => v - 32768),
    );
  });

  it("RHS one file per channel: stim files only for stimulating channels", async () => {
    const rec = openIntanFile(join(dirs.rhsChannel, "info.rhs"));
    expect(rec.warnings).toEqual([]);
    expect(rec.stream("stimulation")!.channels.map((c) => c.nativeName)).toEqual(["A-000", "A-002", "A-003"]);
    expect(rec.stream("dcAmplifier")!.channels).toHaveLength(4);
    await sameAsTraditional(rec, openIntanFile(dirs.rhsTrad), rhs);
  });

  it("reads auxiliary inputs saved inside amplifier.dat (RHX option)", async () => {
    const dir = join(folder, "rhd_aux_in_amp");
    writePerSignalType(dir, rhd, rhdData);
    unlinkSync(join(dir, "auxiliary.dat"));
    // Columns: 4 amplifiers then 2 aux inputs, all signed (code - 32768), aux held at the full rate.
    const n = rhdData.numSamples;
    const combined = Buffer.alloc(n * 6 * 2);
    for (let t = 0; t < n; t++) {
      const row = [
        ...rhdData.amplifier.map((a) => a[t]!),
        ...rhdData.auxiliary.map((a) => a[Math.floor(t / 4)]!),
      ];
      for (const [k, code] of row.entries()) combined.writeInt16LE(code - 32768, (t * 6 + k) * 2);
    }
    writeFileSync(join(dir, "amplifier.dat"), combined);
    const rec = openIntanFile(join(dir, "info.rhd"));
    expect(rec.warnings).toEqual([]);
    await sameAsTraditional(rec, openIntanFile(dirs.rhdTrad), rhd);
  });

  it("uses the shortest file when an interrupted recording left files of different lengths", async () => {
    const dir = join(folder, "rhd_uneven");
    writePerSignalType(dir, rhd, rhdData);
    // amplifier.dat loses its last 10 rows (4 channels x 2 bytes).
    truncateSync(join(dir, "amplifier.dat"), (rhdData.numSamples - 10) * 8);
    const rec = openIntanFile(join(dir, "info.rhd"));
    expect(rec.numSamples).toBe(rhdData.numSamples - 10);
    expect(
      rec.warnings.some((w) => w.includes("time.dat holds 384 samples but the shortest file holds 374")),
    ).toBe(true);
    expect(rec.stream("auxiliary")!.numSamples).toBe(374);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Timestamp discontinuities

describe("Intan timestamp gaps (generated)", () => {
  it("reports a gap and times digital edges by the file's timestamps", async () => {
    const header = rhdHeader();
    const data: GenData = makeData(header, 4, { gapAt: 200 });
    const path = join(folder, "gap.rhd");
    writeTraditional(path, header, data);
    const rec = openIntanFile(path, { scanRows: 128 });
    expect(rec.lastTimestamp! - rec.firstTimestamp!).toBe(rec.numSamples - 1 + 5);
    const report = await rec.scanTimestamps();
    expect(report).toEqual({
      count: 512,
      first: 0,
      last: 516,
      continuous: false,
      numGaps: 1,
      gaps: [{ row: 200, previous: 199, next: 205 }],
    });
    const [line] = await (rec.stream("boardDigitalIn") as IntanDigitalStream).events([1]);
    const want = expectedEdges(data.digitalIn!, 3);
    expect(Array.from(line!.risingRows)).toEqual(want.rising);
    expect(Array.from(line!.rising)).toEqual(want.rising.map((r) => (r >= 200 ? r + 5 : r) / 20000));
    expect(kindChannels(header, "digitalIn")[1]!.nativeOrder).toBe(3);
  });
});
