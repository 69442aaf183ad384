/**
 * Spike2 .smr reader against neo 0.11.1 on both real samples (SON system ids 3 and 4), and its errors.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SourceDataError } from "../../../src/errors.js";
import { openSonFile } from "../../../src/formats/spike2/index.js";
import { Spike2RecordingInterface } from "../../../src/index.js";
import { neoAvailable, python } from "../../helpers/nwbcheck.js";
import { hasTestdata, testdata } from "../../helpers/testdata.js";

const HAVE = hasTestdata();
const dir = mkdtempSync(join(tmpdir(), "spike2-"));
const FILES = ["motor_units.smr", "tremor_kinetic.smr"].map((f) => testdata("spike2", f));

const NEO_SCRIPT = `
import json, sys, warnings
warnings.simplefilter("ignore")
import numpy as np
from neo.rawio import Spike2RawIO
out = []
for path in sys.argv[1:]:
    r = Spike2RawIO(filename=path, try_signal_grouping=False)
    r.parse_header()
    signals = {}
    for s in range(len(r.header["signal_streams"])):
        ch = r.header["signal_channels"][r.header["signal_channels"]["stream_id"] == r.header["signal_streams"][s]["id"]][0]
        size = r.get_signal_size(0, 0, s)
        signals[str(ch["name"])] = {"rate": float(ch["sampling_rate"]), "gain": float(ch["gain"]), "offset": float(ch["offset"]),
            "units": str(ch["units"]), "tStart": float(r.get_signal_t_start(0, 0, s)),
            "data": r.get_analogsignal_chunk(0, 0, 0, size, s)[:, 0].astype(float).tolist()}
    spikes = {}
    for i, ch in enumerate(r.header["spike_channels"]):
        t = r.get_spike_timestamps(0, 0, i, None, None)
        spikes.setdefault(str(ch["name"]), []).extend([[float(x), str(ch["id"])] for x in r.rescale_spike_timestamp(t, "float64")])
    out.append({"signals": signals, "spikes": spikes})
print(json.dumps(out))
`;

interface NeoSon {
  signals: Record<
    string,
    { rate: number; gain: number; offset: number; units: string; tStart: number; data: number[] }
  >;
  spikes: Record<string, [number, string][]>;
}

describe.skipIf(!HAVE)("Spike2 .smr on the real samples, against neo 0.11.1", () => {
  it("waveform channels: rate, scale, offset, unit, start and every sample", async (context) => {
    const files = FILES.map(openSonFile);
    expect(files.map((f) => f.systemId)).toEqual([4, 3]);
    if (!neoAvailable()) return context.skip();
    const neo = JSON.parse(python(NEO_SCRIPT, ...FILES)) as NeoSon[];
    for (const [i, file] of files.entries()) {
      const channels = file.streams.flatMap((s) => s.channels.map((c, k) => ({ stream: s, c, k })));
      expect(channels.map((x) => x.c.title).sort()).toEqual(Object.keys(neo[i]!.signals).sort());
      for (const { stream, c, k } of channels) {
        const n = neo[i]!.signals[c.title]!;
        expect(stream.samplingRate).toBeCloseTo(n.rate, 9);
        expect(c.gain).toBeCloseTo(n.gain, 12);
        expect(c.offset).toBe(n.offset);
        expect(c.unit).toBe(n.units.trim());
        // channels scanned together share a stream that starts at its first channel, within one sample
        expect(Math.abs(stream.segments[0]!.startTime - n.tStart)).toBeLessThan(1 / stream.samplingRate);
        expect(stream.numSamples).toBe(n.data.length);
        expect(Array.from(await stream.pick([k]).readRows(0, stream.numSamples), Number)).toEqual(n.data);
      }
    }
  });

  it("WaveMark channels as events: times and marker codes equal neo's spike trains per unit", (context) => {
    if (!neoAvailable()) return context.skip();
    const neo = JSON.parse(python(NEO_SCRIPT, FILES[0]!)) as NeoSon[];
    const file = openSonFile(FILES[0]!);
    for (const events of file.events) {
      const expected = neo[0]!.spikes[events.title]!.sort((a, b) => a[0] - b[0]);
      expect(events.times).toEqual(expected.map(([t]) => expect.closeTo(t, 9)));
      expect(events.codes!.map((c) => `ch${events.number - 1}#${c}`)).toEqual(expected.map(([, id]) => id));
    }
  });

  it("errors name the file: truncated file, .smrx, not a SON file", () => {
    const bytes = readFileSync(FILES[1]!);
    const cut = join(dir, "cut.smr");
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
    expect(() => openSonFile(cut)).toThrow(SourceDataError);
    expect(() => openSonFile(cut)).toThrow(/cut\.smr: .*truncated/);
    const smrx = join(dir, "new.smrx");
    writeFileSync(smrx, bytes);
    expect(() => new Spike2RecordingInterface({ filePath: smrx })).toThrow(
      /new\.smrx: is a 64-bit SON \(\.smrx\) file: not supported yet/,
    );
    const other = join(dir, "other.smr");
    writeFileSync(other, Buffer.alloc(1024, 0x41));
    expect(() => openSonFile(other)).toThrow(/other\.smr: has SON system id 16705/);
  });
});
