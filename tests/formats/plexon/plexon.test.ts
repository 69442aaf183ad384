/**
 * Plexon .plx reader against neo 0.11.1 on the real samples (spikes, events; they hold no continuous samples)
 * and on a generated file with continuous channels laid out per the Plexon SDK header, plus errors.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SourceDataError } from "../../../src/errors.js";
import { openPlxFile } from "../../../src/formats/plexon/index.js";
import { neoAvailable, python } from "../../helpers/nwbcheck.js";
import { hasTestdata, testdata } from "../../helpers/testdata.js";
import { writePlx } from "./generator.js";

const HAVE = hasTestdata();
const dir = mkdtempSync(join(tmpdir(), "plexon-"));

const NEO_SCRIPT = `
import json, sys, warnings
warnings.simplefilter("ignore")
import numpy as np
from neo.rawio import PlexonRawIO
out = []
for path in sys.argv[1:]:
    r = PlexonRawIO(filename=path)
    r.parse_header()
    units = {}
    for i, ch in enumerate(r.header["spike_channels"]):
        raw = r.get_spike_raw_waveforms(0, 0, i, None, None).astype(float)
        wf = raw[:, 0, :] * float(ch["wf_gain"]) if raw.shape[1] else np.zeros((len(raw), 0))
        units[str(ch["name"]) + "|" + str(ch["id"])] = {"ticks": r.get_spike_timestamps(0, 0, i, None, None).astype(np.int64).tolist(),
                                    "meanMillivolts": wf.mean(axis=0).tolist()}
    events = {}
    for i, ev in enumerate(r.header["event_channels"]):
        t, _, labels = r.get_event_timestamps(0, 0, i, None, None)
        if len(t): events[str(ev["name"])] = {"ticks": t.astype(np.int64).tolist(), "labels": [str(l) for l in labels]}
    signals = []
    for s in range(len(r.header["signal_streams"])):
        size = r.get_signal_size(0, 0, s)
        chans = r.header["signal_channels"][r.header["signal_channels"]["stream_id"] == r.header["signal_streams"][s]["id"]]
        signals.append({"names": [str(c["name"]) for c in chans], "gains": [float(c["gain"]) for c in chans],
                        "data": r.get_analogsignal_chunk(0, 0, 0, size, s).astype(int).tolist()})
    # continuous blocks decoded with numpy per the SDK's data block header (independent of neo)
    raw = np.fromfile(path, dtype="u1")
    h = raw[:7504].view("<i4")
    pos = 7504 + 1020 * h[35] + 296 * h[36] + 296 * h[37]
    blocks = {}
    while pos < raw.size:
        t, _, _, ch, _, n1, n2 = np.frombuffer(raw[pos:pos + 16].tobytes(), dtype="<u2,<u2,<i4,<u2,<u2,<u2,<u2")[0]
        if t == 5: blocks.setdefault(int(ch), []).extend(np.frombuffer(raw[pos + 16:pos + 16 + 2 * n1 * n2].tobytes(), "<i2").tolist())
        pos += 16 + 2 * int(n1) * int(n2)
    out.append({"units": units, "events": events, "signals": signals, "numpy": [blocks[k] for k in sorted(blocks)]})
print(json.dumps(out))
`;

interface NeoPlx {
  units: Record<string, { ticks: number[]; meanMillivolts: number[] }>;
  events: Record<string, { ticks: number[]; labels: string[] }>;
  signals: { names: string[]; gains: number[]; data: number[][] }[];
  numpy: number[][];
}
const neoRead = (paths: string[]) => JSON.parse(python(NEO_SCRIPT, ...paths)) as NeoPlx[];

describe.skipIf(!HAVE)("Plexon .plx on the real samples, against neo 0.11.1", () => {
  it("spikes per unit with waveform means, events; no continuous samples in these files", (context) => {
    const paths = ["explore1.plx", "postfwd5.plx"].map((f) => testdata("plexon", f));
    const files = paths.map(openPlxFile);
    expect(files.map((f) => [f.version, f.timestampRate, f.startTime])).toEqual([
      [106, 40000, "2009-02-23T21:52:26"],
      [106, 40000, "2009-02-23T23:10:31"],
    ]);
    expect(files.map((f) => f.streams.length)).toEqual([0, 0]);
    if (!neoAvailable()) return context.skip();
    const neo = neoRead(paths);
    for (const [i, file] of files.entries()) {
      const expected = neo[i]!;
      expect(file.units.map((u) => `${u.channelName}|ch${u.channel}#${u.unit}`)).toEqual(
        Object.keys(expected.units),
      );
      for (const unit of file.units) {
        const n = expected.units[`${unit.channelName}|ch${unit.channel}#${unit.unit}`]!;
        expect(unit.timestamps).toEqual(n.ticks);
        // these files store spike times without waveforms
        expect(n.meanMillivolts).toEqual([]);
        expect(unit.waveformMean).toBeUndefined();
      }
      expect(Object.fromEntries(file.events.map((e) => [e.name, e.timestamps]))).toEqual(
        Object.fromEntries(
          Object.entries(expected.events).map(([k, v]) => [k.replace(/\0.*$/, ""), v.ticks]),
        ),
      );
    }
  });
});

describe("Plexon .plx continuous channels (generated)", () => {
  it("reads continuous channels as a stream with segments from the block timestamps; spikes and strobes", async (context) => {
    const path = join(dir, "generated.plx");
    const { continuous, segments } = writePlx(path);
    const plx = openPlxFile(path);
    expect(plx.streams).toHaveLength(1);
    const stream = plx.streams[0]!;
    expect(stream.name).toBe("1000Hz");
    expect(stream.channels.map((c) => c.name)).toEqual(["FP01", "FP02"]);
    expect(stream.segments.map((s) => [s.firstSample, s.numSamples, s.startTime])).toEqual(segments);
    const data = await stream.data.readRows(0, stream.numSamples);
    expect(Array.from(data, Number)).toEqual(continuous.flat());
    expect(plx.events.find((e) => e.name === "Strobed")!.values).toEqual([1000, 1001, 1002]);
    expect(plx.units.map((u) => [u.unit, u.timestamps])).toEqual([
      [0, [250, 5050]],
      [1, [650]],
    ]);
    // unit 0 has waveforms (s - 16) × 1 and × 3: mean (s - 16) × 2 bits, at 3000 mV / (2048 × 32 × 1000) per bit
    const volts = 3000 / (0.5 * 4096 * 32 * 1000) / 1000;
    expect(Array.from(plx.units[0]!.waveformMean!)).toEqual(
      Array.from({ length: 32 }, (_, s) => expect.closeTo((s - 16) * 2 * volts, 15)),
    );
    if (!neoAvailable()) return context.skip();
    const [neo] = neoRead([path]);
    expect(neo!.signals[0]!.names).toEqual(["FP01", "FP02"]);
    expect(neo!.numpy).toEqual([continuous.map((r) => r[0]), continuous.map((r) => r[1])]);
    // neo 0.11.1 returns zeros for the last data block when reading up to the end (its border arithmetic)
    expect(neo!.signals[0]!.data.slice(0, 20)).toEqual(continuous.slice(0, 20));
    expect(neo!.signals[0]!.data.slice(20)).toEqual(continuous.slice(20).map(() => [0, 0]));
    // neo states the gain without a unit; the SDK formula gives mV per bit
    for (const [k, c] of stream.channels.entries()) {
      expect(c.gainToVolts).toBeCloseTo(neo!.signals[0]!.gains[k]! * 1e-3, 15);
    }
  });

  it("errors name the file: truncated block, unsupported version, not a PLX file", () => {
    const path = join(dir, "good.plx");
    writePlx(path);
    const bytes = readFileSync(path);
    const cut = join(dir, "cut.plx");
    writeFileSync(cut, bytes.subarray(0, bytes.length - 7));
    expect(() => openPlxFile(cut)).toThrow(SourceDataError);
    expect(() => openPlxFile(cut)).toThrow(/cut\.plx: .*truncated/);
    const future = join(dir, "future.plx");
    const patched = Buffer.from(bytes);
    patched.writeInt32LE(200, 4);
    writeFileSync(future, patched);
    expect(() => openPlxFile(future)).toThrow(
      /future\.plx: is PLX version 200; versions 100 to 107 are supported/,
    );
    const other = join(dir, "other.plx");
    writeFileSync(other, Buffer.alloc(8000));
    expect(() => openPlxFile(other)).toThrow(/other\.plx: does not start with PLEX/);
  });
});
