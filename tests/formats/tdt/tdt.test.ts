/**
 * TDT block reader on both real samples against neo 0.11.1 (streams, rates, types, starts, samples) and
 * numpy decoding of the .tsq records (what the truncated .tev still holds, epoc values, block start), and
 * its errors on missing or cut files.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SourceDataError } from "../../../src/errors.js";
import { openTdtBlock } from "../../../src/formats/tdt/index.js";
import { caught, neoAvailable, python } from "../../helpers/nwbcheck.js";
import { hasTestdata, testdata } from "../../helpers/testdata.js";

const HAVE = hasTestdata();
const BLOCKS = {
  ecog: { folder: "dataset_1_single_block", stem: "ECTest-220207-135355_ECTest_B1" },
  photometry: {
    folder: "fiber_photometry_Photo_249_391-200721-120136_stubbed",
    stem: "ReviewerExp_Photo_249_391-200721-120136",
  },
};
const folderOf = (b: { folder: string }) => testdata("tdt", b.folder);

/** neo for the stream headers and samples; numpy on the .tsq for what lies inside the .tev, epocs, start. */
const ORACLE = `
import json, os, sys, warnings
warnings.simplefilter("ignore")
import numpy as np
from neo.rawio import TdtRawIO
stem = sys.argv[1]
tsq = np.fromfile(stem + ".tsq", dtype=[("size", "<i4"), ("type", "<i4"), ("name", "S4"), ("channel", "<u2"),
    ("sort", "<u2"), ("time", "<f8"), ("offset", "<i8"), ("format", "<i4"), ("freq", "<f4")])
tev = os.path.getsize(stem + ".tev")
r = TdtRawIO(dirname=stem + ".tev"); r.parse_header()
streams = []
for i, s in enumerate(r.header["signal_streams"]):
    name = str(s["name"])
    name = name[2:-1] if name.startswith("b'") else name  # neo 0.11 keeps the repr of the bytes
    rec = tsq[(tsq["type"] == 0x8101) & (tsq["name"] == name.encode())]
    block_bytes = (int(rec["size"][0]) - 10) * 4
    per_sample = np.dtype(r._sig_dtype_by_group[i]).itemsize
    present = min(int(np.argmin(np.append(rec[rec["channel"] == c]["offset"] + block_bytes <= tev, False)))
                  for c in np.unique(rec["channel"]))
    n = present * block_bytes // per_sample
    ch = r.header["signal_channels"][r.header["signal_channels"]["stream_id"] == s["id"]]
    data = r.get_analogsignal_chunk(0, 0, 0, n, i)
    streams.append({"name": name, "rate": float(ch["sampling_rate"][0]), "dtype": str(ch["dtype"][0]),
        "channels": len(ch), "indexed": int(r.get_signal_size(0, 0, i)), "present": n,
        "tStart": float(r.get_signal_t_start(0, 0, i)), "sum": float(np.abs(data.astype(float)).sum()),
        "head": data[:3].astype(float).tolist(), "tail": data[-2:].astype(float).tolist()})
start = float(tsq[1]["time"])
epocs = {}
for name in np.unique(tsq[tsq["type"] == 0x101]["name"]):
    rec = tsq[(tsq["type"] == 0x101) & (tsq["name"] == name)]
    epocs[name.decode()] = {"times": (rec["time"] - start).tolist(), "values": rec["offset"].view("<f8").tolist()}
print(json.dumps({"start": start, "streams": streams, "epocs": epocs}))
`;

describe.skipIf(!HAVE)("TDT blocks on the real samples, against neo 0.11.1 and numpy", () => {
  for (const [label, b] of Object.entries(BLOCKS)) {
    it(`${label}: streams, rates, types, starts, samples the .tev holds, epocs, block start`, async (context) => {
      const block = openTdtBlock(folderOf(b));
      expect(block.stem).toBe(b.stem);
      if (!neoAvailable()) return context.skip();
      const oracle = JSON.parse(python(ORACLE, join(folderOf(b), b.stem)));
      expect(block.startTimestamp).toBe(oracle.start);
      expect(block.streams.map((s) => s.name)).toEqual(oracle.streams.map((s: { name: string }) => s.name));
      for (const [i, stream] of block.streams.entries()) {
        const o = oracle.streams[i];
        expect(stream.samplingRate).toBe(o.rate);
        expect(stream.dtype).toBe(o.dtype);
        expect(stream.channels.length).toBe(o.channels);
        expect(stream.indexedSamples).toBe(o.indexed);
        expect(stream.numSamples).toBe(o.present);
        expect(stream.startTime).toBeCloseTo(o.tStart, 9);
        const data = Array.from((await stream.data().readRows(0, stream.numSamples)) as Float32Array);
        const rows = (from: number, to: number) =>
          Array.from({ length: to - from }, (_, r) =>
            data.slice((from + r) * o.channels, (from + r + 1) * o.channels),
          );
        expect(rows(0, 3)).toEqual(o.head);
        expect(rows(stream.numSamples - 2, stream.numSamples)).toEqual(o.tail);
        expect(data.reduce((a, v) => a + Math.abs(v), 0)).toBeCloseTo(o.sum, 3);
      }
      expect(
        Object.fromEntries(block.epocs.map((e) => [e.name, { times: [...e.times], values: [...e.values] }])),
      ).toEqual(oracle.epocs);
    });
  }

  it("names the truncated .tev and what it lacks", () => {
    const ecog = openTdtBlock(folderOf(BLOCKS.ecog));
    expect(ecog.problems).toHaveLength(1);
    expect(ecog.problems[0]).toContain(`${b1Tev()}: ends at byte 800000`);
    expect(ecog.problems[0]).toContain("'ANIN' keeps 2048 of 118784 samples");
    const photometry = openTdtBlock(folderOf(BLOCKS.photometry));
    expect(photometry.problems[0]).toContain("'Fi1r' keeps 10240 of 15360 samples");
    expect(photometry.streams.find((s) => s.name === "Dv1A")!.numSamples).toBe(1280);
  });

  it("accepts any file of the block as the path", () => {
    const block = openTdtBlock(join(folderOf(BLOCKS.ecog), `${BLOCKS.ecog.stem}.tev`));
    expect(block.streams[0]!.name).toBe("ANIN");
  });

  it("errors: no block, a tank of several blocks, a missing .tev, an index cut mid-record", () => {
    const dir = mkdtempSync(join(tmpdir(), "tdt-"));
    expect(caught(() => openTdtBlock(join(dir, "absent")))).toBeInstanceOf(SourceDataError);
    mkdirSync(join(dir, "Block-1"));
    const empty = caught(() => openTdtBlock(dir));
    expect(empty).toBeInstanceOf(SourceDataError);
    expect(empty.message).toContain("Block-1");
    const { folder, stem } = BLOCKS.ecog;
    const tsq = readFileSync(testdata("tdt", folder, `${stem}.tsq`));
    writeFileSync(join(dir, "Block-1", "a.tsq"), tsq);
    writeFileSync(join(dir, "Block-1", "b.tsq"), tsq);
    expect(caught(() => openTdtBlock(join(dir, "Block-1"))).message).toContain("several TDT blocks");
    const noTev = join(dir, "noTev");
    mkdirSync(noTev);
    writeFileSync(join(noTev, "x.tsq"), tsq);
    const missing = caught(() => openTdtBlock(noTev));
    expect(missing).toBeInstanceOf(SourceDataError);
    expect(missing.message).toContain("x.tev: is missing");
    const cut = join(dir, "cut");
    mkdirSync(cut);
    writeFileSync(join(cut, "x.tsq"), tsq.subarray(0, 40 * 1000 + 17));
    copyFileSync(testdata("tdt", folder, `${stem}.tev`), join(cut, "x.tev"));
    const block = openTdtBlock(cut);
    expect(block.problems.some((p) => p.includes("ends inside record 1000 (17 of 40 bytes)"))).toBe(true);
    expect(block.problems.some((p) => p.includes("no block-stop record"))).toBe(true);
  });
});

/** Two SEV files written with struct/numpy per TDT's SEV header layout, beside a copy of a real index. */
const WRITE_SEV = `
import json, struct, sys
import numpy as np
folder, stem = sys.argv[1], sys.argv[2]
rng = np.random.default_rng(7)
out = {}
for channel, count in ((1, 1000), (2, 1003)):
    samples = rng.integers(-30000, 30000, count).astype("<i2")
    header = struct.pack("<Q3sB4sHHHHBBH", 40 + samples.nbytes, b"SEV", 3, b"Raw1", channel, 2, 2, 0, 2, 1, 2)
    header += bytes(40 - len(header))
    with open(f"{folder}/{stem}_Raw1_Ch{channel}.sev", "wb") as f:
        f.write(header + samples.tobytes())
    out[channel] = samples[:1000].tolist()
print(json.dumps(out))
`;

describe.skipIf(!HAVE)("TDT stream clocks", () => {
  it("a block that starts away from where the previous one ended starts a new clock segment", (context) => {
    if (!neoAvailable()) return context.skip();
    const dir = mkdtempSync(join(tmpdir(), "tdt-pause-"));
    const { folder, stem } = BLOCKS.photometry;
    copyFileSync(testdata("tdt", folder, `${stem}.tev`), join(dir, `${stem}.tev`));
    // numpy moves Dv1A's blocks from the 6th on one second later in a copy of the index
    const times = JSON.parse(
      python(
        `
import json, sys
import numpy as np
t = np.fromfile(sys.argv[1], dtype=[("size", "<i4"), ("type", "<i4"), ("name", "S4"), ("channel", "<u2"),
    ("sort", "<u2"), ("time", "<f8"), ("offset", "<i8"), ("format", "<i4"), ("freq", "<f4")])
rows = np.flatnonzero(t["name"] == b"Dv1A")
t["time"][rows[5:]] += 1.0
t.tofile(sys.argv[2])
print(json.dumps([float(t["time"][rows[0]] - t["time"][1]), float(t["time"][rows[5]] - t["time"][1])]))
`,
        testdata("tdt", folder, `${stem}.tsq`),
        join(dir, `${stem}.tsq`),
      ),
    );
    const block = openTdtBlock(dir);
    const dv1a = block.streams.find((s) => s.name === "Dv1A")!;
    expect(dv1a.segments).toEqual([
      { firstIndex: 0, startingTime: times[0] },
      { firstIndex: 5 * 128, startingTime: times[1] },
    ]);
    expect(block.problems.some((p) => p.includes("stream 'Dv1A' pauses 1 time(s)"))).toBe(true);
    expect(block.streams.find((s) => s.name === "Dv2A")!.segments).toHaveLength(1);
  });
});

describe.skipIf(!HAVE)("TDT streams stored in .sev files", () => {
  it("reads each channel's file per its header (format, rate), keeps the samples every channel has", async (context) => {
    if (!neoAvailable()) return context.skip();
    const dir = mkdtempSync(join(tmpdir(), "tdt-sev-"));
    const { folder, stem } = BLOCKS.photometry;
    for (const ext of [".tsq", ".tev", ".Tbk"])
      copyFileSync(testdata("tdt", folder, `${stem}${ext}`), join(dir, `${stem}${ext}`));
    const samples = JSON.parse(python(WRITE_SEV, dir, stem));
    const block = openTdtBlock(dir);
    const raw = block.streams.find((s) => s.name === "Raw1")!;
    expect(raw).toMatchObject({
      storage: "sev",
      dtype: "int16",
      samplingRate: 24414.0625,
      channels: [1, 2],
      numSamples: 1000,
    });
    expect(block.problems.some((p) => p.includes("'Raw1' hold 1000 to 1003 samples"))).toBe(true);
    const data = Array.from((await raw.data().readRows(0, 1000)) as Int16Array);
    expect(data.filter((_, i) => i % 2 === 0)).toEqual(samples["1"]);
    expect(data.filter((_, i) => i % 2 === 1)).toEqual(samples["2"]);
  });
});

function b1Tev(): string {
  return join(folderOf(BLOCKS.ecog), `${BLOCKS.ecog.stem}.tev`);
}
