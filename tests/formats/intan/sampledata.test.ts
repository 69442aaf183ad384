/**
 * The real RHD 3.0 sample (Intan RHX, 32 amplifier + 3 auxiliary channels) against neo 0.11.1's IntanRawIO
 * (an independent reader, run with Debian's python3) and against NeuroConv 0.4.7's NWB output for the same
 * file (read with h5py). Skipped loudly without the sample or without python + neo.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { openIntanFile } from "../../../src/formats/intan/index.js";
import { python } from "../../helpers/nwbcheck.js";
import { hasTestdata, testdata } from "../../helpers/testdata.js";
import { type NeoResult, neoAvailable, neoRead } from "./oracle.js";

const HAVE = hasTestdata();
const RHD = testdata("intan", "sampledata.rhd");
const REFERENCE = testdata("intan", "reference_neuroconv", "sampledata.nwb");

describe.skipIf(!HAVE)("Intan sampledata.rhd: structure", () => {
  it("parses the header and the block layout", () => {
    const rec = openIntanFile(RHD);
    const h = rec.header;
    expect(rec.layout).toBe("traditional");
    expect(h.fileType).toBe("rhd");
    expect(h.version).toEqual({ major: 3, minor: 0 });
    expect(h.sampleRate).toBe(20000);
    expect(h.evalBoardMode).toBe(13);
    expect(h.referenceChannel).toBe("n/a");
    expect(h.numTempSensors).toBe(0);
    expect(h.groups).toHaveLength(11);
    expect(h.groups.filter((g) => g.enabled).map((g) => g.name)).toEqual([
      "Port A",
      "Analog In Ports",
      "Digital In Ports",
      "Digital Out Ports",
    ]);
    expect(h.headerBytes).toBe(3050);
    expect(h.samplesPerBlock).toBe(128);
    expect(rec.blockLayout?.bytesPerBlock).toBe(8896);
    expect(rec.numBlocks).toBe(243);
    expect(rec.numSamples).toBe(31104);
    expect(rec.firstTimestamp).toBe(0);
    expect(rec.lastTimestamp).toBe(31103);
    expect(rec.startTime).toBe(0);
    // Board ADC and digital channels are listed but disabled, so the file holds no such data.
    expect(rec.streams.map((s) => s.kind)).toEqual(["amplifier", "auxiliary"]);
    const amplifier = rec.stream("amplifier")!;
    expect(amplifier.channels.map((c) => c.nativeName)).toEqual(
      Array.from({ length: 32 }, (_, i) => `A-${String(i).padStart(3, "0")}`),
    );
    expect(amplifier.channels[5]).toMatchObject({
      customName: "A-005",
      chipChannel: 5,
      boardStream: 0,
      groupName: "Port A",
      groupPrefix: "A",
      spikeTrigger: { voltageTriggerMode: 1, voltageThreshold: -70 },
    });
    expect(amplifier).toMatchObject({ samplingRate: 20000, numSamples: 31104, dtype: "int16", offset: 0 });
    expect(amplifier.conversion).toBeCloseTo(0.195e-6, 18);
    const aux = rec.stream("auxiliary")!;
    expect(aux.channels.map((c) => c.nativeName)).toEqual(["A-AUX1", "A-AUX2", "A-AUX3"]);
    expect(aux).toMatchObject({
      samplingRate: 5000,
      numSamples: 7776,
      decimation: 4,
      dtype: "uint16",
      offset: 0,
    });
    expect(aux.conversion).toBeCloseTo(37.4e-6, 15);
  });

  it("finds the timestamps continuous", async () => {
    const report = await openIntanFile(RHD).scanTimestamps();
    expect(report).toEqual({ count: 31104, first: 0, last: 31103, continuous: true, numGaps: 0, gaps: [] });
  });
});

describe.skipIf(!HAVE)("Intan sampledata.rhd against neo 0.11.1", () => {
  let neo: NeoResult | undefined;
  const load = () => {
    neo ??= neoRead(RHD);
    return neo;
  };

  it("has neo's header fields", (context) => {
    if (!neoAvailable()) return context.skip();
    const g = load().global;
    const h = openIntanFile(RHD).header;
    expect(load().version).toMatch(/^0\.11\./);
    expect([h.version.major, h.version.minor]).toEqual([g.major_version, g.minor_version]);
    expect(h.sampleRate).toBe(g.sampling_rate);
    expect(h.filters).toMatchObject({
      dspEnabled: g.dsp_enabled === 1,
      actualDspCutoffFrequency: g.actual_dsp_cutoff_frequency,
      actualLowerBandwidth: g.actual_lower_bandwidth,
      actualUpperBandwidth: g.actual_upper_bandwidth,
      desiredDspCutoffFrequency: g.desired_dsp_cutoff_frequency,
      desiredLowerBandwidth: g.desired_lower_bandwidth,
      desiredUpperBandwidth: g.desired_upper_bandwidth,
      notchFilterMode: g.notch_filter_mode,
      desiredImpedanceTestFrequency: g.desired_impedance_test_frequency,
      actualImpedanceTestFrequency: g.actual_impedance_test_frequency,
    });
    expect(h.notes).toEqual([g.note1, g.note2, g.note3]);
    expect(h.numTempSensors).toBe(g.num_temp_sensor_channels);
    expect(h.evalBoardMode).toBe(g.eval_board_mode);
    expect(h.referenceChannel).toBe(g.reference_channel);
    expect(h.groups.length).toBe(g.nb_signal_group);
  });

  it("has neo's streams, channel names, rates, sizes and scaling", (context) => {
    if (!neoAvailable()) return context.skip();
    const rec = openIntanFile(RHD);
    const streams = load().streams;
    expect(streams.map((s) => s.name)).toEqual([
      "RHD2000 amplifier channel",
      "RHD2000 auxiliary input channel",
    ]);
    for (const [ours, theirs] of [
      [rec.stream("amplifier")!, streams[0]!],
      [rec.stream("auxiliary")!, streams[1]!],
    ] as const) {
      expect(ours.channels.map((c) => c.nativeName)).toEqual(theirs.channels.map((c) => c.name));
      expect(ours.numSamples).toBe(theirs.size);
      for (const c of theirs.channels) {
        expect(ours.samplingRate).toBe(c.rate);
        // neo: value[unit] = raw * gain + offset with raw the stored uint16; ours: data * conversion + offset
        // in volts with data = raw - 32768 for the amplifier. Same physical value for every code:
        const unit = c.units === "uV" ? 1e-6 : 1;
        for (const raw of [0, 1, 32767, 32768, 65535]) {
          const data = ours.dtype === "int16" ? raw - 32768 : raw;
          expect(data * ours.conversion + ours.offset).toBeCloseTo((raw * c.gain + c.offset) * unit, 12);
        }
      }
    }
  });

  it("reads every sample and timestamp as neo does", async (context) => {
    if (!neoAvailable()) return context.skip();
    const rec = openIntanFile(RHD);
    const neo = load();
    const amp = (await rec.stream("amplifier")!.data().readRows(0, 31104)) as Int16Array;
    const theirAmp = neo.streams[0]!.data;
    for (let r = 0; r < 31104; r++) {
      for (let c = 0; c < 32; c++) {
        if (amp[r * 32 + c] !== theirAmp[r]![c]! - 32768)
          throw new Error(`amplifier row ${r} channel ${c} differs`);
      }
    }
    const aux = (await rec.stream("auxiliary")!.data().readRows(0, 7776)) as Uint16Array;
    expect(Array.from(aux)).toEqual(neo.streams[1]!.data.flat());
    const ts = (await rec.timestamps().readRows(0, 31104)) as Int32Array;
    expect(Array.from(ts)).toEqual(neo.timestamps);
    expect(neo.digitalIn).toBeUndefined();
    expect(neo.digitalOut).toBeUndefined();
  });

  it("reads chosen channels and rows across read boundaries", async (context) => {
    if (!neoAvailable()) return context.skip();
    // 3 blocks per positioned read: rows [100, 5000) cross many read and block boundaries.
    const rec = openIntanFile(RHD, { blockBytes: 3 * 8896 });
    const channels = [31, 0, 5];
    const part = (await rec.stream("amplifier")!.data(channels).readRows(100, 5000)) as Int16Array;
    const theirs = load().streams[0]!.data;
    for (let r = 0; r < 4900; r++) {
      channels.forEach((c, k) => {
        if (part[r * 3 + k] !== theirs[100 + r]![c]! - 32768) throw new Error(`row ${100 + r} channel ${c}`);
      });
    }
    const aux = (await rec.stream("auxiliary")!.data([2]).readRows(33, 34)) as Uint16Array;
    expect(aux[0]).toBe(load().streams[1]!.data[33]![2]);
    expect(await rec.stream("amplifier")!.data().readRows(7, 7)).toHaveLength(0);
    await expect(rec.stream("amplifier")!.data().readRows(31000, 31105)).rejects.toThrow(RangeError);
  });
});

interface Reference {
  readonly shape: number[];
  readonly dtype: string;
  readonly conversion: number;
  readonly offset: number;
  readonly rate: number;
  readonly rows: number[][];
  readonly channelNames: string[];
  readonly acquisition: string[];
}

/** NeuroConv's ElectricalSeries (first rows) and electrodes table, or undefined without h5py. */
function readReference(): Reference | undefined {
  const script = `
import h5py, json, sys
f = h5py.File(sys.argv[1], "r")
es = f["/acquisition/ElectricalSeries"]
d = es["data"]
e = f["/general/extracellular_ephys/electrodes"]
print(json.dumps({"shape": list(d.shape), "dtype": str(d.dtype), "conversion": float(d.attrs["conversion"]),
  "offset": float(d.attrs["offset"]), "rate": float(es["starting_time"].attrs["rate"]),
  "rows": d[:300].astype(int).tolist(), "channelNames": [v.decode() for v in e["channel_name"][:]],
  "acquisition": sorted(f["/acquisition"].keys())}))
`;
  const check = spawnSync("/usr/bin/python3", ["-c", "import h5py"], { stdio: "ignore" });
  if (check.status !== 0) {
    if (process.env.CI) throw new Error("h5py is required in CI");
    console.warn("\n!!! SKIPPING comparison with NeuroConv's output: /usr/bin/python3 has no h5py !!!\n");
    return undefined;
  }
  return JSON.parse(python(script, REFERENCE)) as Reference;
}

describe.skipIf(!HAVE)("Intan sampledata.rhd against NeuroConv 0.4.7's NWB output", () => {
  it("stores the same volts (NeuroConv keeps uint16 with an offset, we int16 without)", async (context) => {
    const reference = readReference();
    if (!reference) return context.skip();
    const rec = openIntanFile(RHD);
    const amp = rec.stream("amplifier")!;
    expect(reference.shape).toEqual([31104, 32]);
    expect(reference.dtype).toBe("uint16");
    expect(reference.rate).toBe(amp.samplingRate);
    expect(reference.channelNames).toEqual(amp.channels.map((c) => c.nativeName));
    expect(reference.conversion).toBeCloseTo(amp.conversion, 18);
    expect(reference.offset).toBeCloseTo(-32768 * amp.conversion, 15);
    const ours = (await amp.data().readRows(0, 300)) as Int16Array;
    reference.rows.forEach((row, r) => {
      row.forEach((value, c) => {
        expect(ours[r * 32 + c]! + 32768).toBe(value);
        expect(ours[r * 32 + c]! * amp.conversion + amp.offset).toBeCloseTo(
          value * reference.conversion + reference.offset,
          12,
        );
      });
    });
    // NeuroConv 0.4.7's IntanRecordingInterface writes only the amplifier stream: the 3 auxiliary inputs
    // (accelerometer) that the file holds are not in its output.
    expect(reference.acquisition).toEqual(["ElectricalSeries"]);
    expect(rec.stream("auxiliary")?.channels).toHaveLength(3);
  });
});
