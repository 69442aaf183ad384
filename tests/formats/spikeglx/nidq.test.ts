/**
 * NI-DAQ streams: channel kinds and factors to volts from the real sample meta (and variants of it), and
 * digital edge decoding on a small .nidq.bin generated here, with a meta derived from the sample's.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openSpikeGLXStream, readNidqLayout, SpikeGLXMeta } from "../../../src/formats/spikeglx/index.js";
import { hasTestdata, testdata } from "../../helpers/testdata.js";

const HAVE = hasTestdata();
const SAMPLE_META = testdata("spikeglx/meta_only/sample3B_g0_t0.nidq.meta");

/** The sample meta with some keys replaced (or removed when the value is undefined). */
function variant(changes: Record<string, string | undefined>): string {
  const lines = readFileSync(SAMPLE_META, "latin1").split(/\r?\n/);
  return lines
    .flatMap((line) => {
      const key = line.slice(0, line.indexOf("="));
      if (!(key in changes)) return [line];
      const value = changes[key];
      return value === undefined ? [] : [`${key}=${value}`];
    })
    .join("\n");
}

describe.skipIf(!HAVE)("SpikeGLX NI-DAQ channels", () => {
  it("reads the sample's XA channel and digital word", async () => {
    const layout = readNidqLayout(await SpikeGLXMeta.read(SAMPLE_META));
    expect(layout.channels).toEqual([
      // niAiRangeMax 5 V / 32768 / gain 1 for XA.
      { index: 0, acquiredIndex: 0, name: "XA0", kind: "XA", gain: 1, conversion: 5 / 32768 },
      { index: 1, acquiredIndex: 1, name: "XD0", kind: "XD", firstLine: 0 },
    ]);
    // niXDChans1=0:7
    expect(layout.digitalLines).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it("gives MN channels niMNGain, MA channels niMAGain, XA channels gain 1", () => {
    const meta = SpikeGLXMeta.parse(
      variant({
        acqMnMaXaDw: "2,1,1,1",
        snsMnMaXaDw: "2,1,1,1",
        nSavedChans: "5",
        niMNGain: "200",
        niMAGain: "2",
        niMuxFactor: "1",
        "~snsChanMap": undefined,
      }),
      "/data/run_g0_t0.nidq.meta",
    );
    const layout = readNidqLayout(meta);
    expect(layout.channels.map((c) => [c.name, c.kind])).toEqual([
      ["MN0C0", "MN"],
      ["MN1C0", "MN"],
      ["MA0C0", "MA"],
      ["XA0", "XA"],
      ["XD0", "XD"],
    ]);
    const conversions = layout.channels.map((c) => (c.kind === "XD" ? undefined : c.conversion));
    expect(conversions).toEqual([5 / 32768 / 200, 5 / 32768 / 200, 5 / 32768 / 2, 5 / 32768, undefined]);
  });

  it("follows snsSaveChanSubset when only some channels were saved", () => {
    const meta = SpikeGLXMeta.parse(
      variant({
        acqMnMaXaDw: "0,0,3,1",
        snsMnMaXaDw: "0,0,1,1",
        nSavedChans: "2",
        snsSaveChanSubset: "2:3",
        "~snsChanMap": undefined,
      }),
      "/data/run_g0_t0.nidq.meta",
    );
    expect(readNidqLayout(meta).channels.map((c) => [c.index, c.acquiredIndex, c.name])).toEqual([
      [0, 2, "XA2"],
      [1, 3, "XD0"],
    ]);
    const analogOnly = SpikeGLXMeta.parse(
      variant({ nSavedChans: "1", snsSaveChanSubset: "0", "~snsChanMap": undefined }),
      "/data/run_g0_t0.nidq.meta",
    );
    // Lines were acquired (niXDChans1=0:7) but their word was not saved.
    expect(readNidqLayout(analogOnly)).toMatchObject({ channels: [{ name: "XA0" }], digitalLines: [] });
  });
});

describe.skipIf(!HAVE)("SpikeGLX NI-DAQ digital events", () => {
  const folder = mkdtempSync(join(tmpdir(), "neuroconv-nidq-"));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  const SAMPLES = 70_000; // more than one 65536-sample decoding block
  const FIRST_SAMPLE = 1738164; // firstSample of the sample meta
  const RATE = 30003.0003; // niSampRate of the sample meta

  /** Line states by sample: [line, [start, end) high intervals]. */
  const HIGH: [number, [number, number][]][] = [
    [
      0,
      [
        [10, 20],
        [50, 51],
        [69_990, 70_000],
      ],
    ],
    [1, [[65_536, 65_540]]], // rises exactly on a block boundary
    [2, [[65_535, 65_537]]], // spans a block boundary
    [3, [[0, 5]]], // high from the first sample: no rising edge there
    [7, [[100, 65_600]]],
  ];

  async function writeStream() {
    const words = new Uint16Array(SAMPLES);
    for (const [line, intervals] of HIGH) {
      for (const [a, b] of intervals) for (let i = a; i < b; i++) words[i]! |= 1 << line;
    }
    const bytes = Buffer.alloc(SAMPLES * 4);
    for (let i = 0; i < SAMPLES; i++) {
      bytes.writeInt16LE((i % 2000) - 1000, i * 4); // XA0: a saw tooth
      bytes.writeUInt16LE(words[i]!, i * 4 + 2); // XD0
    }
    const bin = join(folder, "gen_g0_t0.nidq.bin");
    writeFileSync(bin, bytes);
    writeFileSync(join(folder, "gen_g0_t0.nidq.meta"), variant({ fileSizeBytes: String(bytes.length) }));
    return openSpikeGLXStream(bin);
  }

  it("finds rising and falling edges of each line, in seconds on the run's clock", async () => {
    const stream = await writeStream();
    if (stream.kind !== "nidq") throw new Error("expected the nidq stream");
    expect(stream.streamId).toBe("nidq");
    expect(stream.numSamples).toBe(SAMPLES);
    expect(stream.samplingRate).toBe(RATE);
    expect(stream.startTime).toBeCloseTo(FIRST_SAMPLE / RATE, 9);
    const seconds = (samples: number[]) => samples.map((s) => (FIRST_SAMPLE + s) / RATE);

    const expected: Record<number, { rising: number[]; falling: number[] }> = {
      0: { rising: [10, 50, 69_990], falling: [20, 51] },
      1: { rising: [65_536], falling: [65_540] },
      2: { rising: [65_535], falling: [65_537] },
      3: { rising: [], falling: [5] },
      4: { rising: [], falling: [] },
      7: { rising: [100], falling: [65_600] },
    };
    for (const [line, edges] of Object.entries(expected)) {
      const events = await stream.digitalEvents(Number(line));
      expect(events.line).toBe(Number(line));
      expect(Array.from(events.rising)).toEqual(seconds(edges.rising));
      expect(Array.from(events.falling)).toEqual(seconds(edges.falling));
    }
    await expect(stream.digitalEvents(8)).rejects.toThrow(
      /digital line 8 was not saved; saved lines: 0, 1, 2/,
    );
  });

  it("offers the analog channel as the default data, with its conversion", async () => {
    const stream = await writeStream();
    if (stream.kind !== "nidq") throw new Error("expected the nidq stream");
    const data = stream.data();
    expect(data.shape).toEqual([SAMPLES, 1]);
    const values = (await data.readRows(1998, 2002)) as Int16Array;
    expect(Array.from(values)).toEqual([998, 999, -1000, -999]);
    expect(stream.channels[0]).toMatchObject({ kind: "XA", conversion: 5 / 32768 });
  });
});
