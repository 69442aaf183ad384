/**
 * The legacy-format reader on folders written by legacyGenerator.ts (no real legacy sample exists), against
 * neo 0.11.1's `OpenEphysRawIO` and numpy reading the raw records with a structured dtype.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  detectOpenEphysFormat,
  discoverOpenEphysLegacyRecordings,
  discoverOpenEphysRecordings,
  getOpenEphysStreamNames,
  type OpenEphysLegacyStream,
  openOpenEphysLegacyStream,
} from "../../../src/formats/openephys/index.js";
import { caught } from "../../helpers/nwbcheck.js";
import { type LegacyFolderSpec, RECORD_BYTES, sampleValue, writeLegacyFolder } from "./legacyGenerator.js";
import { neoAvailable, oracle, pythonFailure, sha256Int16 } from "./oracle.js";

const NEO = neoAvailable();
const root = mkdtempSync(join(tmpdir(), "neuroconv-openephys-legacy-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const CHANNELS = [
  { name: "CH1", bitVolts: 0.195 },
  { name: "CH2", bitVolts: 0.195 },
  { name: "CH10", bitVolts: 0.195 },
  { name: "ADC1", bitVolts: 0.00015258789 },
];

/** Two experiments (files without and with the `_2` suffix), one recording each: what neo 0.11.1 reads. */
const TWO_EXPERIMENTS: LegacyFolderSpec = {
  channels: CHANNELS,
  experiments: [
    {
      number: 1,
      recordings: [{ recordingNumber: 0, firstTimestamp: 5000, records: 3 }],
      events: [
        { sampleNumber: 5100, eventType: 3, processorId: 100, eventId: 1, channel: 0, recordingNumber: 0 },
        { sampleNumber: 5200, eventType: 3, processorId: 100, eventId: 0, channel: 0, recordingNumber: 0 },
        { sampleNumber: 5500, eventType: 5, processorId: 100, eventId: 0, channel: 0, recordingNumber: 0 },
        { sampleNumber: 6000, eventType: 3, processorId: 100, eventId: 1, channel: 1, recordingNumber: 0 },
        { sampleNumber: 7000, eventType: 3, processorId: 100, eventId: 0, channel: 1, recordingNumber: 0 },
      ],
    },
    {
      number: 2,
      recordings: [{ recordingNumber: 0, firstTimestamp: 0, records: 2 }],
      events: [
        { sampleNumber: 100, eventType: 3, processorId: 100, eventId: 1, channel: 2, recordingNumber: 0 },
        { sampleNumber: 300, eventType: 3, processorId: 100, eventId: 0, channel: 2, recordingNumber: 0 },
      ],
    },
  ],
};

/** One experiment with two recordings and a gap between them (recording stopped and restarted). */
const TWO_RECORDINGS: LegacyFolderSpec = {
  channels: CHANNELS.slice(0, 3),
  sampleRate: 20000,
  experiments: [
    {
      number: 1,
      recordings: [
        { recordingNumber: 0, firstTimestamp: 1000, records: 2 },
        { recordingNumber: 1, firstTimestamp: 20000, records: 3 },
      ],
      events: [
        { sampleNumber: 1500, eventType: 3, processorId: 100, eventId: 1, channel: 3, recordingNumber: 0 },
        { sampleNumber: 21000, eventType: 3, processorId: 100, eventId: 1, channel: 3, recordingNumber: 1 },
        { sampleNumber: 22000, eventType: 3, processorId: 100, eventId: 0, channel: 3, recordingNumber: 1 },
      ],
    },
  ],
};

const WINDOWS: [number, number][] = [
  [0, 5],
  [1020, 1030],
  [1000, 2100],
];

interface NeoLegacy {
  streams: { name: string; channels: string[]; gains: number[]; units: string[]; rates: number[] }[];
  segments: {
    t_start: number;
    streams: { size: number; t_start: number; sha256: string; windows: number[][][] }[];
    events: { times: number[]; labels: string[] };
  }[];
}

const NEO_SCRIPT = `
import hashlib, json, sys
import numpy as np
from neo.rawio import OpenEphysRawIO
r = OpenEphysRawIO(sys.argv[1])
r.parse_header()
windows = json.loads(sys.argv[2])
h = r.header
streams = []
for sid in h["signal_streams"]["id"]:
    ch = h["signal_channels"][h["signal_channels"]["stream_id"] == sid]
    streams.append({"name": str(h["signal_streams"][h["signal_streams"]["id"] == sid]["name"][0]),
                    "channels": [str(x) for x in ch["name"]], "gains": [float(x) for x in ch["gain"]],
                    "units": [str(x) for x in ch["units"]], "rates": [float(x) for x in ch["sampling_rate"]]})
segments = []
for s in range(h["nb_segment"][0]):
    per = []
    for si in range(len(h["signal_streams"])):
        n = r.get_signal_size(0, s, si)
        full = r.get_analogsignal_chunk(0, s, 0, n, si)
        per.append({"size": int(n), "t_start": float(r.get_signal_t_start(0, s, si)),
                    "sha256": hashlib.sha256(np.ascontiguousarray(full, dtype="<i2").tobytes()).hexdigest(),
                    "windows": [r.get_analogsignal_chunk(0, s, a, min(z, n), si).astype(int).tolist() for a, z in windows]})
    ts, _, labels = r.get_event_timestamps(0, s, 0)
    segments.append({"t_start": float(r.segment_t_start(0, s)), "streams": per,
                     "events": {"times": r.rescale_event_timestamp(ts, "float64", 0).tolist(), "labels": [str(x) for x in labels]}})
print(json.dumps({"streams": streams, "segments": segments}))
`;

interface RawLegacy {
  continuous: Record<string, Record<string, { first: number; n: number[]; samples: number[] }>>;
  events: Record<
    string,
    { ts: number[]; type: number[]; proc: number[]; id: number[]; ch: number[]; rec: number[] }
  >;
}

/** numpy's structured-dtype view of every file (independent of both readers). */
const RAW_SCRIPT = `
import glob, json, os, sys
import numpy as np
folder = sys.argv[1]
dt = np.dtype([("ts", "<i8"), ("n", "<u2"), ("rec", "<u2"), ("samples", ">i2", 1024), ("marker", "u1", 10)])
cont = {}
for path in sorted(glob.glob(os.path.join(folder, "*.continuous"))):
    d = np.fromfile(path, dtype=dt, offset=1024)
    recs = {}
    for rec in np.unique(d["rec"]):
        m = d[d["rec"] == rec]
        recs[str(int(rec))] = {"first": int(m["ts"][0]), "n": m["n"].astype(int).tolist(),
                               "samples": m["samples"].ravel().astype(int).tolist()}
    cont[os.path.basename(path)] = recs
edt = np.dtype([("ts", "<i8"), ("pos", "<i2"), ("type", "u1"), ("proc", "u1"), ("id", "u1"), ("ch", "u1"), ("rec", "<u2")])
events = {}
for path in sorted(glob.glob(os.path.join(folder, "*.events"))):
    e = np.fromfile(path, dtype=edt, offset=1024)
    events[os.path.basename(path)] = {k: e[k].astype(int).tolist() for k in ["ts", "type", "proc", "id", "ch", "rec"]}
print(json.dumps({"continuous": cont, "events": events}))
`;

async function column(stream: OpenEphysLegacyStream, channel: number): Promise<number[]> {
  return Array.from((await stream.data([channel]).readRows(0, stream.numSamples)) as Int16Array);
}

describe("Open Ephys legacy format: two experiments", () => {
  const folder = join(root, "two-experiments");
  let raw: RawLegacy;
  let neo: NeoLegacy;
  beforeAll(() => {
    writeLegacyFolder(folder, TWO_EXPERIMENTS);
    raw = oracle<RawLegacy>(RAW_SCRIPT, folder);
    if (NEO) neo = oracle<NeoLegacy>(NEO_SCRIPT, folder, JSON.stringify(WINDOWS));
  });

  it("finds the format, the streams and the recordings", () => {
    expect(detectOpenEphysFormat(folder)).toBe("legacy");
    expect(getOpenEphysStreamNames(folder)).toEqual(["Signals ADC", "Signals CH"]);
    const blocks = discoverOpenEphysLegacyRecordings(folder);
    expect(blocks.map((b) => [b.blockIndex, b.experiment, b.recording, b.recordingNumber])).toEqual([
      [0, 1, 1, 0],
      [1, 2, 1, 0],
    ]);
  });

  it("is found from the session folder above it, and is not taken for the binary format", () => {
    expect(detectOpenEphysFormat(root)).toBe("legacy");
    const session = join(root, "session");
    writeLegacyFolder(join(session, "Record Node 100"), TWO_EXPERIMENTS);
    expect(detectOpenEphysFormat(session)).toBe("legacy");
    expect(openOpenEphysLegacyStream(session, { streamName: "Signals CH" }).block.folderPath).toBe(
      join(session, "Record Node 100"),
    );
    const error = caught(() => discoverOpenEphysRecordings(folder));
    expect(error.message).toMatch(
      /holds Open Ephys legacy-format files \(\.continuous\), not the binary format/,
    );
    writeLegacyFolder(join(session, "Record Node 101"), TWO_EXPERIMENTS);
    expect(caught(() => openOpenEphysLegacyStream(session)).message).toMatch(
      /holds legacy-format files in 2 folders \(.*Record Node 100, .*Record Node 101\); pass one of them/,
    );
  });

  it("reads headers: rate, gains in volts, natural channel order, start", () => {
    const s = openOpenEphysLegacyStream(folder, { streamName: "Signals CH" });
    expect(s.format).toBe("legacy");
    expect(s.version).toBe("0.4");
    expect(s.samplingRate).toBe(30000);
    expect(s.channels.map((c) => c.name)).toEqual(["CH1", "CH2", "CH10"]);
    expect(s.channels.map((c) => [c.kind, c.unit, c.bitVolts])).toEqual(
      Array(3).fill(["electrode", "uV", 0.195]),
    );
    expect(s.channels[0]!.conversionToVolts).toBeCloseTo(0.195e-6, 20);
    expect(s.numSamples).toBe(3 * 1024);
    expect(s.firstSampleNumber).toBe(5000);
    expect(s.lastSampleNumber).toBe(5000 + 3 * 1024 - 1);
    expect(s.startTime).toBe(5000 / 30000);
    expect(s.sessionStartTime).toBe("2016-06-11T14:52:16");
    const adc = openOpenEphysLegacyStream(folder, { streamName: "Signals ADC", blockIndex: 1 });
    expect(adc.channels[0]).toMatchObject({
      name: "ADC1",
      kind: "adc",
      unit: "V",
      conversionToVolts: 0.00015258789,
    });
    expect([adc.experiment, adc.numSamples, adc.firstSampleNumber]).toEqual([2, 2048, 0]);
    expect(adc.sessionStartTime).toBe("2016-06-12T14:52:16");
  });

  it("samples equal numpy's big-endian view of the records, and the generator's pattern", async () => {
    for (const [blockIndex, experiment, suffix] of [
      [0, 1, ""],
      [1, 2, "_2"],
    ] as const) {
      const s = openOpenEphysLegacyStream(folder, {
        streamName: "Signals CH",
        blockIndex,
        blockBytes: RECORD_BYTES,
      });
      for (const [c, name] of ["CH1", "CH2", "CH10"].entries()) {
        const expected = raw.continuous[`100_${name}${suffix}.continuous`]!["0"]!;
        expect(expected.n.every((n) => n === 1024)).toBe(true);
        const ours = await column(s, c);
        expect(ours).toEqual(expected.samples);
        const pattern = ours.map((_, i) => sampleValue(c, experiment, 0, i));
        expect(ours).toEqual(pattern);
      }
      const sn = (await s.sampleNumbers().readRows(1020, 1030)) as BigInt64Array;
      expect(Array.from(sn, Number)).toEqual(
        Array.from({ length: 10 }, (_, i) => s.firstSampleNumber + 1020 + i),
      );
    }
  });

  it("TTL events equal numpy's records (type 3 only), lines from 1", async () => {
    const s = openOpenEphysLegacyStream(folder, { streamName: "Signals CH" });
    const [events, ...more] = await s.ttlEvents();
    expect(more).toHaveLength(0);
    const r = raw.events["all_channels.events"]!;
    const ttl = r.type.flatMap((t, i) => (t === 3 && r.rec[i] === 0 ? [i] : []));
    expect(events!.name).toBe("all_channels.events");
    expect(Array.from(events!.sampleNumber)).toEqual(ttl.map((i) => r.ts[i]));
    expect(Array.from(events!.line)).toEqual(ttl.map((i) => r.ch[i]! + 1));
    expect(Array.from(events!.state)).toEqual(ttl.map((i) => (r.id[i] ? 1 : -1)));
    expect(Array.from(events!.timestamp)).toEqual(ttl.map((i) => r.ts[i]! / 30000));
    expect(events!.lines.map((l) => [l.line, Array.from(l.sampleNumber)])).toEqual([
      [1, [5100, 5200]],
      [2, [6000, 7000]],
    ]);
    const second = await openOpenEphysLegacyStream(folder, {
      streamName: "Signals CH",
      blockIndex: 1,
    }).ttlEvents();
    expect(second.map((e) => [e.name, Array.from(e.sampleNumber)])).toEqual([
      ["all_channels_2.events", [100, 300]],
    ]);
  });

  it.skipIf(!NEO)(
    "equals neo: streams, channel names, gains, units, sizes, start times, samples, events",
    async () => {
      const byName = new Map(neo.streams.map((s, i) => [s.name, i]));
      expect([...byName.keys()].sort()).toEqual(getOpenEphysStreamNames(folder));
      for (const [blockIndex, seg] of neo.segments.entries()) {
        for (const [name, si] of byName) {
          const theirs = neo.streams[si]!;
          for (const blockBytes of [RECORD_BYTES, undefined]) {
            const s = openOpenEphysLegacyStream(folder, { streamName: name, blockIndex, blockBytes });
            expect(s.channels.map((c) => c.name)).toEqual(theirs.channels);
            expect(s.channels.map((c) => c.bitVolts)).toEqual(theirs.gains);
            expect(s.channels.map((c) => c.unit)).toEqual(theirs.units);
            expect(new Set(theirs.rates)).toEqual(new Set([s.samplingRate]));
            const part = seg.streams[si]!;
            expect(s.numSamples).toBe(part.size);
            expect(s.startTime).toBe(part.t_start);
            const width = s.channels.length;
            for (const [w, [a, b]] of WINDOWS.entries()) {
              const flat = (await s.data().readRows(a, Math.min(b, s.numSamples))) as Int16Array;
              const nested = Array.from({ length: flat.length / width }, (_, r) =>
                Array.from(flat.subarray(r * width, (r + 1) * width)),
              );
              expect(nested).toEqual(part.windows[w]);
            }
            expect(sha256Int16((await s.data().readRows(0, s.numSamples)) as Int16Array)).toBe(part.sha256);
          }
        }
        // neo lists every event record (labels type#processor#channel); ours are the TTL ones.
        const events = (
          await openOpenEphysLegacyStream(folder, { streamName: "Signals CH", blockIndex }).ttlEvents()
        )[0]!;
        const ttl = seg.events.labels.flatMap((l, i) => (l.startsWith("3#") ? [i] : []));
        expect(Array.from(events.timestamp)).toEqual(ttl.map((i) => seg.events.times[i]));
        expect(Array.from(events.line)).toEqual(
          ttl.map((i) => Number(seg.events.labels[i]!.split("#")[2]) + 1),
        );
        expect(Array.from(events.processorId!)).toEqual(
          ttl.map((i) => Number(seg.events.labels[i]!.split("#")[1])),
        );
      }
    },
  );
});

describe("Open Ephys legacy format: two recordings in one experiment", () => {
  const folder = join(root, "two-recordings");
  let raw: RawLegacy;
  beforeAll(() => {
    writeLegacyFolder(folder, TWO_RECORDINGS);
    raw = oracle<RawLegacy>(RAW_SCRIPT, folder);
  });

  it("gives one block per recording number", () => {
    const blocks = discoverOpenEphysLegacyRecordings(folder);
    expect(blocks.map((b) => [b.experiment, b.recording, b.recordingNumber])).toEqual([
      [1, 1, 0],
      [1, 2, 1],
    ]);
    expect(getOpenEphysStreamNames(folder)).toEqual(["Signals CH"]);
  });

  it("each recording's samples, start and events equal numpy's", async () => {
    for (const rec of [0, 1]) {
      const s = openOpenEphysLegacyStream(folder, { blockIndex: rec, blockBytes: 3 * RECORD_BYTES - 1 });
      expect(s.samplingRate).toBe(20000);
      for (const [c, name] of ["CH1", "CH2", "CH10"].entries()) {
        const expected = raw.continuous[`100_${name}.continuous`]![String(rec)]!;
        expect(s.firstSampleNumber).toBe(expected.first);
        expect(s.startTime).toBe(expected.first / 20000);
        expect(await column(s, c)).toEqual(expected.samples);
      }
      const all = (await s.data([2, 0]).readRows(1000, 1050)) as Int16Array;
      expect(all[0]).toBe(sampleValue(2, 1, rec, 1000));
      expect(all[1]).toBe(sampleValue(0, 1, rec, 1000));
      const events = (await s.ttlEvents())[0]!;
      const r = raw.events["all_channels.events"]!;
      const mine = r.rec.flatMap((x, i) => (x === rec ? [i] : []));
      expect(Array.from(events.sampleNumber)).toEqual(mine.map((i) => r.ts[i]));
      expect(events.lines.map((l) => l.line)).toEqual([4]);
    }
  });

  it.skipIf(!NEO)("neo 0.11.1 refuses this folder (it reads recordings as one gap-free signal)", () => {
    const failure = pythonFailure(
      "from neo.rawio import OpenEphysRawIO\nimport sys\nOpenEphysRawIO(sys.argv[1]).parse_header()",
      folder,
    );
    expect(failure.status).not.toBe(0);
    expect(failure.stderr).toMatch(/AssertionError: Not continuous timestamps for 100_CH1.continuous/);
  });
});

describe("Open Ephys legacy format: GUI 0.6 file names", () => {
  const folder = join(root, "gui06");
  beforeAll(() => {
    writeLegacyFolder(folder, {
      style: "0.6",
      version: "0.6",
      stream: "example-data",
      omitSampleRate: true,
      sampleRate: 25000,
      channels: CHANNELS.slice(0, 2),
      experiments: [
        {
          number: 1,
          recordings: [{ recordingNumber: 0, firstTimestamp: 2048, records: 1 }],
          events: [
            {
              sampleNumber: 2100,
              eventType: 3,
              processorId: 100,
              eventId: 1,
              channel: 0,
              recordingNumber: 0,
            },
          ],
        },
      ],
    });
  });

  it("reads <node>_<stream>_<channel> files, the rate from structure.openephys and <node>_<stream>.events", async () => {
    expect(getOpenEphysStreamNames(folder)).toEqual(["Signals CH"]);
    const s = openOpenEphysLegacyStream(folder);
    expect(s.version).toBe("0.6");
    expect(s.samplingRate).toBe(25000);
    expect(s.channels.map((c) => c.name)).toEqual(["CH1", "CH2"]);
    expect(await column(s, 1)).toEqual(Array.from({ length: 1024 }, (_, i) => sampleValue(1, 1, 0, i)));
    const [events] = await s.ttlEvents();
    expect(events!.name).toBe("100_example-data.events");
    expect(Array.from(events!.timestamp)).toEqual([2100 / 25000]);
  });
});

describe("Open Ephys legacy format: several processors", () => {
  const folder = join(root, "two-processors");
  beforeAll(() => {
    const experiments = [
      { number: 1, recordings: [{ recordingNumber: 0, firstTimestamp: 0, records: 1 }], events: [] },
    ];
    writeLegacyFolder(folder, { nodeId: 100, channels: CHANNELS.slice(0, 2), experiments });
    writeLegacyFolder(folder, { nodeId: 101, channels: CHANNELS.slice(0, 1), experiments });
  });

  it("names each processor's streams apart", () => {
    expect(getOpenEphysStreamNames(folder)).toEqual(["Signals CH (100)", "Signals CH (101)"]);
    expect(openOpenEphysLegacyStream(folder, { streamName: "Signals CH (101)" }).channels).toHaveLength(1);
  });
});
