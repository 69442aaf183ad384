/**
 * Probe tables of every real `.meta` in meta_only/ (and Noise4Sam's), checked against values worked out
 * here from the documented layouts, never from the reader itself:
 * - NP1.0 (SpikeGLX IMROTbl.cpp, ProbeTable): electrode n = channel + 384 * bank sits at row n // 2,
 *   y = 20 µm * row; x on a 4-column checkerboard: 27 / 59 µm from the shank edge on even rows, 11 / 43 on
 *   odd rows, i.e. 16 / 48 / 0 / 32 µm from the left-most column (the origin NeuroConv writes).
 * - NP2.0: 2 columns 32 µm apart, 15 µm rows, shanks 250 µm apart.
 * - Volts per bit = imAiRangeMax / imMaxInt / gain (SpikeGLX Metadata_Help).
 * - Inter-sample shift = mux group / ADC cycles (CatGT): NP1.0 channel c is in group (c mod 24) // 2 of 12,
 *   13 cycles on AP (12 on LF); NP2.0 channel c is in group (c mod 32) // 2 of 16 cycles.
 */
import { describe, expect, it } from "vitest";
import { SourceDataError } from "../../../src/errors.js";
import {
  type ImecChannel,
  type ImecNeuralChannel,
  type ImecProbe,
  readImecProbe,
  SpikeGLXMeta,
} from "../../../src/formats/spikeglx/index.js";
import { hasTestdata, testdata } from "../../helpers/testdata.js";

const HAVE = hasTestdata();

async function probeOf(...path: string[]): Promise<ImecProbe> {
  return readImecProbe(await SpikeGLXMeta.read(testdata("spikeglx", ...path)));
}

function neural(channel: ImecChannel | undefined): ImecNeuralChannel {
  if (!channel || channel.isSync) throw new Error("expected an AP/LF channel");
  return channel;
}

/** Documented NP1.0 position of electrode n (µm, NeuroConv origin). */
function np1Position(n: number): { x: number; y: number } {
  return { x: [16, 48, 0, 32][n % 4]!, y: 20 * Math.floor(n / 2) };
}

/** NP1.0 mux group over the AP (13) or LF (12) cycle count. */
const np1Shift = (c: number, cycles: number) => Math.floor((c % 24) / 2) / cycles;
/** NP2.0 mux group over 16 cycles. */
const np2Shift = (c: number) => Math.floor((c % 32) / 2) / 16;

describe.skipIf(!HAVE)("SpikeGLX probe tables", () => {
  it("NP1.0 AP (Noise4Sam): 384 channels on bank 0, gain 500", async () => {
    const probe = await probeOf("Noise4Sam_g0/Noise4Sam_g0_imec0/Noise4Sam_g0_t0.imec0.ap.meta");
    expect(probe.channels).toHaveLength(385);
    for (const c of [0, 1, 2, 3, 191, 192, 383]) {
      const ch = neural(probe.channels[c]);
      expect(ch).toMatchObject({
        name: `AP${c}`,
        band: "ap",
        electrode: c,
        contactId: `e${c}`,
        shank: 0,
        gain: 500,
      });
      expect({ x: ch.x, y: ch.y }).toEqual(np1Position(c));
      expect(ch.conversion).toBe(0.6 / 512 / 500);
      expect(ch.interSampleShift).toBeCloseTo(np1Shift(c, 13), 12);
      expect(ch.contactWidth).toBe(12);
    }
    expect(neural(probe.channels[383])).toMatchObject({ x: 32, y: 3820 });
  });

  it("NP1.0 with only 151 AP channels saved (snsSaveChanSubset=0:150,768)", async () => {
    const probe = await probeOf("meta_only/NP1_saved_only_subset_of_channels.meta");
    expect(probe.channels).toHaveLength(152);
    expect(probe.channels.map((c) => c.name)).toEqual([
      ...Array.from({ length: 151 }, (_, i) => `AP${i}`),
      "SY0",
    ]);
    for (const c of [0, 75, 150]) {
      const ch = neural(probe.channels[c]);
      expect({ x: ch.x, y: ch.y }).toEqual(np1Position(c));
      expect(ch.conversion).toBe(0.6 / 512 / 500);
    }
    expect(neural(probe.channels[150])).toMatchObject({ x: 0, y: 1500, contactId: "e150" });
    expect(probe.channels[151]).toMatchObject({ isSync: true, index: 151, acquiredIndex: 768 });
    expect(probe.info.partNumber).toBe("PRB_1_4_0480_1_C");
  });

  it("NP1.0 LF stream: LF channels after the AP block, LF gain 250, 12 mux cycles", async () => {
    const probe = await probeOf("meta_only/sample3B_g0_t0.imec1.lf.meta");
    expect(probe.channels).toHaveLength(385);
    for (const c of [0, 5, 200, 383]) {
      const ch = neural(probe.channels[c]);
      expect(ch).toMatchObject({
        name: `LF${c}`,
        band: "lf",
        acquiredIndex: 384 + c,
        readoutChannel: c,
        gain: 250,
      });
      expect({ x: ch.x, y: ch.y }).toEqual(np1Position(c));
      expect(ch.conversion).toBe(0.6 / 512 / 250);
      expect(ch.interSampleShift).toBeCloseTo(np1Shift(c, 12), 12);
    }
    expect(probe.channels[384]).toMatchObject({ name: "SY0", isSync: true });
  });

  it("Phase 3A: NP1.0 layout, per-channel gains from the 5-field imro table", async () => {
    const probe = await probeOf("meta_only/phase3a.imec.ap.meta");
    expect(probe.info).toMatchObject({ type: "Phase3A", partNumber: undefined, serialNumber: "262720641" });
    expect(probe.channels).toHaveLength(385);
    for (const c of [0, 37, 190, 383]) {
      const ch = neural(probe.channels[c]);
      expect({ x: ch.x, y: ch.y }).toEqual(np1Position(c));
      expect(ch.contactId).toBe(`e${c}`);
      expect(ch.conversion).toBe(0.6 / 512 / 500);
      expect(ch.interSampleShift).toBeCloseTo(np1Shift(c, 13), 12);
    }
  });

  it("NP2.0 four shank (type 24, no geometry map): positions from the imro table", async () => {
    const probe = await probeOf("meta_only/NP2_4_shanks.imec0.ap.meta");
    expect(probe.info).toMatchObject({ type: "24", partNumber: "NP2010", numShanks: 4, shankPitch: 250 });
    expect(probe.channels).toHaveLength(385);
    // (channel, shank, electrode) as listed in this file's ~imroTbl.
    const sites: [number, number, number][] = [
      [0, 0, 0],
      [48, 1, 0],
      [96, 0, 48],
      [100, 0, 52],
      [192, 2, 0],
      [240, 3, 0],
      [383, 3, 95],
    ];
    for (const [c, shank, electrode] of sites) {
      const ch = neural(probe.channels[c]);
      expect(ch).toMatchObject({ shank, electrode, contactId: `s${shank}e${electrode}`, gain: 80 });
      expect(ch.x).toBe(250 * shank + 32 * (electrode % 2));
      expect(ch.y).toBe(15 * Math.floor(electrode / 2));
      // NP2.0 type 24: 0.5 V, 14-bit (imMaxInt 8192), fixed gain 80.
      expect(ch.conversion).toBe(0.5 / 8192 / 80);
      expect(ch.interSampleShift).toBeCloseTo(np2Shift(c), 12);
    }
    expect(probe.channels[384]).toMatchObject({ name: "SY0", acquiredIndex: 384 });
  });

  it("NP2020 quad base: 1536 channels, 4 sync words, geometry map and mux table", async () => {
    const probe = await probeOf("meta_only/NP2020_sample_g0_t0.imec0.ap.meta");
    expect(probe.info).toMatchObject({ type: "2020", partNumber: "NP2020", numShanks: 4, shankPitch: 250 });
    expect(probe.channels).toHaveLength(1540);
    expect(probe.channels.slice(1536).map((c) => c.name)).toEqual(["SY0", "SY1", "SY2", "SY3"]);
    // (channel, shank, electrode) from ~imroTbl; the geometry map agrees (e.g. channel 998 at 2:27:1725).
    const sites: [number, number, number][] = [
      [0, 0, 0],
      [384, 1, 0],
      [768, 2, 0],
      [998, 2, 230],
      [1152, 3, 0],
      [1535, 3, 383],
    ];
    for (const [c, shank, electrode] of sites) {
      const ch = neural(probe.channels[c]);
      expect(ch).toMatchObject({
        name: `AP${c}`,
        shank,
        electrode,
        contactId: `s${shank}e${electrode}`,
        gain: 100,
      });
      expect(ch.x).toBe(250 * shank + 32 * (electrode % 2));
      expect(ch.y).toBe(15 * Math.floor(electrode / 2));
      // imAiRangeMax 0.62 V, imMaxInt 2048, gain 100.
      expect(ch.conversion).toBe(0.62 / 2048 / 100);
      // ~muxTbl=(96,16): groups of 96 channels, listed by pairs 2g, 2g+1, 2g+32, 2g+33, ...
      expect(ch.interSampleShift).toBeCloseTo(np2Shift(c), 12);
    }
  });

  it("NP1110 (UHD2): positions from the geometry map, 8 columns of 6 µm", async () => {
    const probe = await probeOf("meta_only/NP1110_2x192_bank4_g0_t0.imec0.ap.meta");
    expect(probe.info).toMatchObject({ type: "1110", partNumber: "NP1110", numShanks: 1 });
    expect(probe.channels).toHaveLength(385);
    // ~snsGeomMap entries (shank:x:z) of these channels; x is from the shank edge, the first column
    // centre is imX0EvenRow = imX0OddRow = 15.5 µm, and electrodes are numbered 8 per row from the tip.
    const geometry: [number, number, number][] = [
      [0, 33.5, 1440],
      [1, 39.5, 2058],
      [100, 33.5, 1206],
      [200, 33.5, 1596],
      [383, 45.5, 1968],
    ];
    for (const [c, x, z] of geometry) {
      const ch = neural(probe.channels[c]);
      const row = z / 6;
      const column = (x - 15.5) / 6;
      expect(ch).toMatchObject({
        x: x - 15.5,
        y: z,
        electrode: 8 * row + column,
        contactId: `e${8 * row + column}`,
      });
      expect(ch.conversion).toBe(0.6 / 512 / 500);
      expect(ch.contactWidth).toBe(5);
      // ~muxTbl=(32,12) and an LF band acquired: 13 cycles on AP.
      expect(ch.interSampleShift).toBeCloseTo(np1Shift(c, 13), 12);
    }
  });

  it("the NP1110 imro rule (groups of 16 channels, banks of 48 rows) agrees with its geometry map", async () => {
    const meta = await SpikeGLXMeta.read(
      testdata("spikeglx/meta_only/NP1110_2x192_bank4_g0_t0.imec0.ap.meta"),
    );
    const withMap = readImecProbe(meta);
    // The same meta without ~snsGeomMap forces the reader onto the imro table.
    const text = (await import("node:fs")).readFileSync(meta.path, "latin1");
    const withoutMap = readImecProbe(SpikeGLXMeta.parse(text.replace(/^~snsGeomMap=.*$/m, ""), meta.path));
    expect(withoutMap.channels.map((c) => (c.isSync ? c.name : [c.x, c.y, c.contactId]))).toEqual(
      withMap.channels.map((c) => (c.isSync ? c.name : [c.x, c.y, c.contactId])),
    );
  });

  it("an unknown probe without a geometry map is refused with the reason", () => {
    const meta = SpikeGLXMeta.parse(
      [
        "imDatPrb_pn=NP9999",
        "imDatPrb_type=9999",
        "imAiRangeMax=0.6",
        "imMaxInt=512",
        "imChan0apGain=500",
        "acqApLfSy=2,0,1",
        "nSavedChans=3",
        "snsSaveChanSubset=all",
        "~imroTbl=(9999,2)(0 0 0)(1 0 0)",
      ].join("\n"),
      "/data/x.imec0.ap.meta",
    );
    expect(() => readImecProbe(meta)).toThrow(SourceDataError);
    expect(() => readImecProbe(meta)).toThrow(
      /\/data\/x\.imec0\.ap\.meta: cannot place channel 0.*NP9999.*snsGeomMap/,
    );
  });
});
