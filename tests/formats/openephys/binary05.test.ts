/**
 * The binary layout of GUI 0.5 (no real sample here): `timestamps.npy` holds int64 sample numbers,
 * `synchronized_timestamps.npy` the seconds, TTL folders hold `channel_states.npy` / `channels.npy` /
 * `timestamps.npy` (gui-docs "Binary format", notes on 0.5.X names). A folder is written with numpy and read
 * with our reader and with neo 0.11.1.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openOpenEphysBinaryStream } from "../../../src/formats/openephys/index.js";
import { python } from "../../helpers/nwbcheck.js";
import { neoAvailable, oracle } from "./oracle.js";

const NEO = neoAvailable();

const WRITE = `
import json, os, sys
import numpy as np
rec = os.path.join(sys.argv[1], "Record Node 101", "experiment1", "recording1")
cont = os.path.join(rec, "continuous", "Rhythm_FPGA-100.0")
ttl = os.path.join(rec, "events", "Rhythm_FPGA-100.0", "TTL_1")
os.makedirs(cont); os.makedirs(ttl)
n = 500
i = np.arange(n)
data = np.stack([(i * 13) % 2000 - 1000, -(i * 7) % 3000, (i * 101) % 60000 - 30000], axis=1).astype("<i2")
data.tofile(os.path.join(cont, "continuous.dat"))
np.save(os.path.join(cont, "timestamps.npy"), (12345 + i).astype("<i8"))
np.save(os.path.join(cont, "synchronized_timestamps.npy"), (12345 + i) / 30000.0 + 0.25)
states = np.array([1, 2, -1, -2, 3, -3], dtype="<i2")
np.save(os.path.join(ttl, "channel_states.npy"), states)
np.save(os.path.join(ttl, "channels.npy"), (np.abs(states) - 1).astype("<u2"))
np.save(os.path.join(ttl, "timestamps.npy"), np.array([12400, 12410, 12500, 12600, 12700, 12800], dtype="<i8"))
np.save(os.path.join(ttl, "full_words.npy"), np.array([1, 3, 2, 0, 4, 0], dtype="u1"))
ch = lambda name, bv, units: {"channel_name": name, "description": "", "identifier": "", "history": "Rhythm FPGA -> Record Node",
                             "bit_volts": bv, "units": units, "source_processor_index": 0, "recorded_processor_index": 0}
oebin = {"GUI version": "0.5.3",
         "continuous": [{"folder_name": "Rhythm_FPGA-100.0/", "sample_rate": 30000.0, "source_processor_name": "Rhythm FPGA",
                         "source_processor_id": 100, "source_processor_sub_idx": 0, "recorded_processor": "Record Node",
                         "recorded_processor_id": 101, "num_channels": 3,
                         "channels": [ch("CH1", 0.195, "uV"), ch("CH2", 0.195, "uV"), ch("ADC1", 0.00015258789, "V")]}],
         "events": [{"folder_name": "Rhythm_FPGA-100.0/TTL_1/", "channel_name": "Rhythm FPGA TTL Input",
                     "description": "", "identifier": "", "sample_rate": 30000.0, "type": "int16", "num_channels": 8,
                     "source_processor": "Rhythm FPGA"}],
         "spikes": []}
json.dump(oebin, open(os.path.join(rec, "structure.oebin"), "w"), indent=2)
print(json.dumps({"data": data.astype(int).tolist()}))
`;

const NEO_SCRIPT = `
import json, sys
from neo.rawio import OpenEphysBinaryRawIO
r = OpenEphysBinaryRawIO(sys.argv[1]); r.parse_header()
h = r.header
ts, _, labels = r.get_event_timestamps(0, 0, 0)
print(json.dumps({"stream": str(h["signal_streams"]["name"][0]), "size": int(r.get_signal_size(0, 0, 0)),
                  "t_start": float(r.get_signal_t_start(0, 0, 0)), "units": [str(u) for u in h["signal_channels"]["units"]],
                  "gains": [float(g) for g in h["signal_channels"]["gain"]],
                  "data": r.get_analogsignal_chunk(0, 0, 0, 500, 0).astype(int).tolist(),
                  "event_times": r.rescale_event_timestamp(ts, "float64", 0).tolist(), "labels": [str(l) for l in labels]}))
`;

describe("Open Ephys binary format of GUI 0.5", () => {
  const root = mkdtempSync(join(tmpdir(), "neuroconv-openephys-05-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  let written: { data: number[][] };
  beforeAll(() => {
    written = JSON.parse(python(WRITE, root));
  });

  it("reads sample numbers from timestamps.npy and seconds from synchronized_timestamps.npy", async () => {
    const s = openOpenEphysBinaryStream(root);
    expect(s.name).toBe("Record Node 101#Rhythm_FPGA-100.0");
    expect(s.entry.streamName).toBe("0");
    expect(s.numSamples).toBe(500);
    expect(s.firstSampleNumber).toBe(12345);
    expect(s.startTime).toBe(12345 / 30000);
    expect(s.firstTimestamp).toBe(12345 / 30000 + 0.25);
    expect(s.sampleNumbersPath?.endsWith("timestamps.npy")).toBe(true);
    expect(s.timestampsPath?.endsWith("synchronized_timestamps.npy")).toBe(true);
    expect(s.channels.map((c) => [c.name, c.kind, c.unit, c.conversionToVolts])).toEqual([
      ["CH1", "electrode", "uV", 0.195e-6],
      ["CH2", "electrode", "uV", 0.195e-6],
      ["ADC1", "adc", "V", 0.00015258789],
    ]);
    const flat = (await s.data().readRows(0, 500)) as Int16Array;
    expect(Array.from({ length: 500 }, (_, r) => Array.from(flat.subarray(r * 3, r * 3 + 3)))).toEqual(
      written.data,
    );
    const sn = (await s.sampleNumbers().readRows(498, 500)) as BigInt64Array;
    expect(Array.from(sn, Number)).toEqual([12843, 12844]);
  });

  it("decodes channel_states into lines and edges; seconds are sample numbers / rate", async () => {
    const [events] = await openOpenEphysBinaryStream(root).ttlEvents();
    expect(events!.name).toBe("Rhythm_FPGA-100.0/TTL_1");
    expect(events!.timestampSource).toBe("sampleNumbers");
    expect(Array.from(events!.line)).toEqual([1, 2, 1, 2, 3, 3]);
    expect(Array.from(events!.state)).toEqual([1, 1, -1, -1, 1, -1]);
    expect(Array.from(events!.fullWord!)).toEqual([1, 3, 2, 0, 4, 0]);
    expect(events!.lines.map((l) => [l.line, Array.from(l.sampleNumber)])).toEqual([
      [1, [12400, 12500]],
      [2, [12410, 12600]],
      [3, [12700, 12800]],
    ]);
  });

  it.skipIf(!NEO)("equals neo 0.11.1: name, size, start, units, gains, samples and event times", async () => {
    const neo = oracle<{
      stream: string;
      size: number;
      t_start: number;
      units: string[];
      gains: number[];
      data: number[][];
      event_times: number[];
      labels: string[];
    }>(NEO_SCRIPT, root);
    const s = openOpenEphysBinaryStream(root);
    expect(neo.stream).toBe(s.name);
    expect(neo.size).toBe(s.numSamples);
    expect(neo.t_start).toBe(s.startTime);
    expect(neo.units).toEqual(s.channels.map((c) => c.unit));
    expect(neo.gains).toEqual(s.channels.map((c) => c.bitVolts));
    expect(neo.data).toEqual(written.data);
    const [events] = await s.ttlEvents();
    expect(neo.event_times).toEqual(Array.from(events!.timestamp));
    // neo labels GUI 0.5 TTL events with channels.npy (line - 1).
    expect(neo.labels.map(Number)).toEqual(Array.from(events!.line, (l) => l - 1));
  });
});
