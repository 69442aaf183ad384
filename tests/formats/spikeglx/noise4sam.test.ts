/**
 * The real NP1.0 sample (Noise4Sam, clipped .bin): stream facts, samples against direct reads of the file,
 * and the channel table against NeuroConv 0.8.1's output for the same file, read live from
 * reference_output/Noise4Sam_test.nwb with Debian's /usr/bin/python3 + h5py (skipped loudly without them).
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type ImecStream, openSpikeGLXStream } from "../../../src/formats/spikeglx/index.js";
import { hasTestdata, testdata } from "../../helpers/testdata.js";

const HAVE = hasTestdata();
const BIN = testdata("spikeglx/Noise4Sam_g0/Noise4Sam_g0_imec0/Noise4Sam_g0_t0.imec0.ap.bin");
const REFERENCE = testdata("spikeglx/reference_output/Noise4Sam_test.nwb");
const SAVED = 385;

/** Sample (row, column) of the .bin, read with plain Buffer arithmetic. */
function rawSample(bytes: Buffer, row: number, column: number): number {
  return bytes.readInt16LE((row * SAVED + column) * 2);
}

async function openImec(blockBytes?: number): Promise<ImecStream> {
  const stream = await openSpikeGLXStream(BIN, blockBytes === undefined ? {} : { blockBytes });
  if (stream.kind === "nidq") throw new Error("expected an imec stream");
  return stream;
}

describe.skipIf(!HAVE)("SpikeGLX Noise4Sam NP1.0 AP stream", () => {
  it("takes the sample count from the file size, not the meta", async () => {
    const stream = await openImec();
    expect(stream.kind).toBe("ap");
    expect(stream.streamId).toBe("imec0.ap");
    expect(stream.probeIndex).toBe(0);
    expect(stream.numSamples).toBe(1155);
    expect(stream.expectedFileSizeBytes).toBe(121625350);
    expect(stream.numSavedChannels).toBe(SAVED);
    expect(stream.samplingRate).toBe(30000);
    expect(stream.firstSample).toBe(177385);
    expect(stream.startTime).toBeCloseTo(177385 / 30000, 12);
    expect(stream.sessionStartTime).toBe("2020-11-03T10:35:10");
  });

  it("lists 384 AP channels and the sync word, with the NP1.0 conversion", async () => {
    const stream = await openImec();
    expect(stream.channels).toHaveLength(SAVED);
    const neural = stream.channels.filter((c) => !c.isSync);
    expect(neural).toHaveLength(384);
    expect(neural.map((c) => c.name)).toEqual(Array.from({ length: 384 }, (_, i) => `AP${i}`));
    for (const channel of neural) {
      expect(channel.band).toBe("ap");
      expect(channel.gain).toBe(500);
      // 0.6 V / 512 / 500, per SpikeGLX's V = i * Vmax / Imax / gain.
      expect(channel.conversion).toBe(2.34375e-6);
    }
    const sync = stream.channels[384]!;
    expect(sync).toMatchObject({ name: "SY0", isSync: true, index: 384, acquiredIndex: 768 });
    expect(stream.probe).toMatchObject({
      type: "0",
      partNumber: "PRB_1_4_0480_1",
      serialNumber: "18194809281",
      description: "Neuropixels 1.0",
      numShanks: 1,
      flexPartNumber: "NP2_FLEX_0",
      baseStationPartNumber: "NP2_QBSC_00",
      headstagePartNumber: "NP2_HS_30",
      slot: 2,
      port: 2,
    });
  });

  it("reads the same int16 values as a direct read of the file", async () => {
    const bytes = readFileSync(BIN);
    const stream = await openImec();
    const source = stream.data();
    expect(source.dtype).toBe("int16");
    expect(source.shape).toEqual([1155, 384]);

    const rows = (await source.readRows(0, 1155)) as Int16Array;
    expect(rows).toBeInstanceOf(Int16Array);
    expect(rows.length).toBe(1155 * 384);
    for (let r = 0; r < 1155; r++) {
      for (let c = 0; c < 384; c++) {
        if (rows[r * 384 + c] !== rawSample(bytes, r, c)) throw new Error(`row ${r} channel ${c} differs`);
      }
    }

    const middle = (await source.readRows(500, 503)) as Int16Array;
    expect(Array.from(middle.subarray(0, 5))).toEqual([0, 1, 2, 3, 4].map((c) => rawSample(bytes, 500, c)));
    expect(middle[2 * 384 + 383]).toBe(rawSample(bytes, 502, 383));
    expect(await source.readRows(7, 7)).toHaveLength(0);
  });

  it("reads chosen channels in the order asked, across read-block boundaries", async () => {
    const bytes = readFileSync(BIN);
    // 7 rows per positioned read: rows [3, 40) take six reads and cross five block boundaries.
    const stream = await openImec(7 * SAVED * 2);
    const channels = [383, 0, 1, 2, 200, 384];
    const block = (await stream.data(channels).readRows(3, 40)) as Int16Array;
    expect(block.length).toBe(37 * channels.length);
    for (let r = 0; r < 37; r++) {
      channels.forEach((c, k) => {
        expect(block[r * channels.length + k]).toBe(rawSample(bytes, 3 + r, c));
      });
    }
    const contiguous = (await stream.data().readRows(5, 30)) as Int16Array;
    for (let r = 0; r < 25; r++) {
      for (const c of [0, 17, 383]) expect(contiguous[r * 384 + c]).toBe(rawSample(bytes, 5 + r, c));
    }
    const everything = (await stream
      .data(Array.from({ length: SAVED }, (_, i) => i))
      .readRows(1150, 1155)) as Int16Array;
    expect(everything[4 * SAVED + 384]).toBe(rawSample(bytes, 1154, 384));
    expect(everything[0]).toBe(rawSample(bytes, 1150, 0));
  });

  it("offers the sync word alone", async () => {
    const bytes = readFileSync(BIN);
    const stream = await openImec();
    const sync = stream.syncData();
    expect(sync.shape).toEqual([1155]);
    const values = (await sync.readRows(0, 1155)) as Int16Array;
    for (let r = 0; r < 1155; r += 97) expect(values[r]).toBe(rawSample(bytes, r, 384));
    expect(() => stream.syncData(1)).toThrow(/sync channel 1 does not exist/);
  });

  it("rejects rows outside the file", async () => {
    const stream = await openImec();
    await expect(stream.data().readRows(1100, 1156)).rejects.toThrow(RangeError);
    expect(() => stream.data([385])).toThrow(RangeError);
  });
});

interface ReferenceElectrodes {
  readonly channel_name: string[];
  readonly contact_ids: string[];
  readonly contact_shapes: string[];
  readonly rel_x: number[];
  readonly rel_y: number[];
  readonly inter_sample_shift: number[];
  readonly conversion: number;
  readonly starting_time: number;
}

/** The electrodes table of NeuroConv's output, or undefined (with a loud warning) without python + h5py. */
function readReference(): ReferenceElectrodes | undefined {
  const script = `
import h5py, json, sys
f = h5py.File(sys.argv[1], "r")
e = f["/general/extracellular_ephys/electrodes"]
s = lambda k: [v.decode() for v in e[k][:]]
n = lambda k: [float(v) for v in e[k][:]]
es = f["/acquisition/ElectricalSeriesAP"]
print(json.dumps({"channel_name": s("channel_name"), "contact_ids": s("contact_ids"),
  "contact_shapes": s("contact_shapes"), "rel_x": n("rel_x"), "rel_y": n("rel_y"),
  "inter_sample_shift": n("inter_sample_shift"), "conversion": float(es["data"].attrs["conversion"]),
  "starting_time": float(es["starting_time"][()])}))
`;
  const run = spawnSync("/usr/bin/python3", ["-c", script, REFERENCE], { encoding: "utf8" });
  if (run.status !== 0) {
    const reason = `cannot read the NeuroConv reference with /usr/bin/python3 + h5py (${run.error?.message ?? run.stderr.trim().split("\n").at(-1)})`;
    if (process.env.CI) throw new Error(reason);
    console.warn(`\n!!! SKIPPING comparison with NeuroConv's output: ${reason} !!!\n`);
    return undefined;
  }
  return JSON.parse(run.stdout) as ReferenceElectrodes;
}

describe.skipIf(!HAVE)("SpikeGLX Noise4Sam against NeuroConv 0.8.1's electrodes table", () => {
  it("has the same channel names, contact ids, positions and inter-sample shifts", async (context) => {
    const reference = readReference();
    if (!reference) return context.skip();
    const stream = await openImec();
    const neural = stream.channels.filter((c) => !c.isSync);
    expect(neural.map((c) => c.name)).toEqual(reference.channel_name);
    expect(neural.map((c) => (c.isSync ? "" : c.contactId))).toEqual(reference.contact_ids);
    expect(neural.map((c) => (c.isSync ? "" : c.contactShape))).toEqual(reference.contact_shapes);
    expect(neural.map((c) => (c.isSync ? Number.NaN : c.x))).toEqual(reference.rel_x);
    expect(neural.map((c) => (c.isSync ? Number.NaN : c.y))).toEqual(reference.rel_y);
    neural.forEach((c, i) => {
      if (c.isSync) return;
      expect(c.interSampleShift).toBeCloseTo(reference.inter_sample_shift[i]!, 12);
      expect(c.conversion).toBe(reference.conversion);
    });
    expect(stream.startTime).toBeCloseTo(reference.starting_time, 12);
  });
});
