/**
 * Small MaxWell files written with h5py for the paths the real samples cannot exercise (their traces use
 * MaxWell's proprietary filter 401): a MaxTwo-like file in the wells layout with uncompressed (deflate)
 * traces, two wells, a second recording and a dropped frame; and a legacy (2016) MaxOne file with `/sig`.
 */
import { python } from "../../helpers/nwbcheck.js";

const SCRIPT = `
import sys
import h5py, numpy as np
wells_path, legacy_path = sys.argv[1], sys.argv[2]
rng = np.random.default_rng(7)
with h5py.File(wells_path, "w") as f:
    f["version"] = np.array([b"20190530"])
    f["mxw_version"] = np.array([b"20.1.8"])
    f["wellplate/version"] = np.array([b"MaxTwo 6-Well Plate"])
    store = 0
    for well, recs in (("well000", 1), ("well001", 2)):
        for r in range(recs):
            g = f.create_group(f"data_store/data{store:04d}")
            channels = np.array([3, 17, 40, 41, 900], dtype=np.uint16) + 100 * r
            frames = 300 + 50 * r
            first = 1000 + 7 * store
            nos = np.arange(first, first + frames, dtype=np.uint64)
            if well == "well001" and r == 1:
                nos[200:] += 5  # five frames dropped
            g["groups/routed/channels"] = channels
            g.create_dataset("groups/routed/frame_nos", data=nos, chunks=(100,), compression="gzip")
            g.create_dataset("groups/routed/raw", data=rng.integers(0, 1024, (len(channels), frames), dtype=np.uint16),
                             chunks=(len(channels), 64), compression="gzip")
            m = np.zeros(len(channels), dtype=[("channel", "<i4"), ("electrode", "<i4"), ("x", "<f8"), ("y", "<f8")])
            m["channel"] = channels; m["electrode"] = channels.astype(int) * 10 + 1
            m["x"] = 17.5 * np.arange(len(channels)); m["y"] = 35.0 + store
            g["settings/mapping"] = m
            g["settings/sampling"] = np.array([20000.0 if well == "well000" else 10000.0])
            g["settings/lsb"] = np.array([6.29425039733178e-06])
            g["settings/gain"] = np.array([512.0])
            g["settings/hpf"] = np.array([300.0])
            sp = np.zeros(4, dtype=[("frameno", "<i8"), ("channel", "<i4"), ("amplitude", "<f4")])
            sp["frameno"] = first + np.array([-3, 10, 20, 250]); sp["channel"] = [3, 17, 56, 900]
            sp["amplitude"] = [-10.5, -20.25, -7.0, -12.75]
            g["spikes"] = sp
            g["start_time"] = np.array([1616065839606 + store], dtype=np.int64)
            f[f"wells/{well}/rec{r:04d}"] = h5py.SoftLink(f"/data_store/data{store:04d}")
            store += 1
with h5py.File(legacy_path, "w") as f:
    f["version"] = np.array([b"20160704"])
    f["sig"] = rng.integers(0, 1024, (1028, 400), dtype=np.uint16)
    m = np.zeros(4, dtype=[("channel", "<i4"), ("electrode", "<i4"), ("x", "<f8"), ("y", "<f8")])
    m["channel"] = [5, 9, -1, 700]; m["electrode"] = [55, 99, 12, 7000]; m["x"] = [1.0, 2.0, 3.0, 4.0]; m["y"] = [10.0, 20.0, 30.0, 40.0]
    f["mapping"] = m
    f["settings/gain"] = np.array([512.0])
`;

/** Writes the two fixture files. */
export function writeMaxwellFixtures(wellsPath: string, legacyPath: string): void {
  python(SCRIPT, wellsPath, legacyPath);
}

const NEO = `
import base64, json, sys
import numpy as np
from neo.rawio import MaxwellRawIO
path, rec = sys.argv[1], (sys.argv[2] or None)
r = MaxwellRawIO(filename=path, rec_name=rec); r.parse_header()
out = []
for s, stream in enumerate(r.header["signal_streams"]):
    ch = r.header["signal_channels"]; ch = ch[ch["stream_id"] == stream["id"]]
    n = r.get_signal_size(0, 0, s)
    data = r.get_analogsignal_chunk(0, 0, 0, n, s)
    out.append({"stream": str(stream["id"]), "names": [str(x) for x in ch["name"]], "rate": float(ch["sampling_rate"][0]),
                "gainUv": float(ch["gain"][0]), "frames": int(n),
                "samples": base64.b64encode(np.ascontiguousarray(data, dtype="<u2").tobytes()).decode()})
print(json.dumps(out))
`;

/** One stream (well) as neo's MaxwellRawIO reads it. */
export interface NeoMaxwellStream {
  readonly stream: string;
  readonly names: string[];
  readonly rate: number;
  readonly gainUv: number;
  readonly frames: number;
  readonly samples: Uint16Array;
}

/** Every well of a MaxWell file as neo reads it (`recording` picks the recording when wells have several). */
export function neoMaxwell(path: string, recording = ""): NeoMaxwellStream[] {
  return (JSON.parse(python(NEO, path, recording)) as (NeoMaxwellStream & { samples: string })[]).map((s) => {
    const bytes = Buffer.from(s.samples, "base64");
    return { ...s, samples: new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2) };
  });
}
