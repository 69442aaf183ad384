/**
 * Independent readers of Blackrock files, run with Debian's /usr/bin/python3:
 * - neo 0.11.1's BlackrockRawIO for NSx files (channels, gains, segments, samples) and spec 2.1 NEV spikes;
 * - numpy decoding NEV packets as the Blackrock file specification lays them out (neo 0.11.1 clips spikes and
 *   events to the segments it guesses, so it cannot give every packet of a file with a timestamp reset).
 */
import { python } from "../../helpers/nwbcheck.js";

export interface NeoNsx {
  readonly channels: {
    name: string;
    id: string;
    rate: number;
    units: string;
    gain: number;
    offset: number;
  }[];
  readonly segments: { size: number; tStart: number; data: number[][] }[];
}

const NSX_SCRIPT = `
import json, sys, os, warnings
warnings.simplefilter("ignore")
from neo.rawio import BlackrockRawIO
out = []
for path in sys.argv[1:]:
    base, ext = os.path.splitext(path)
    r = BlackrockRawIO(filename=base, nsx_to_load=int(ext[3:]))
    r.parse_header()
    chans = r.header["signal_channels"]
    segs = []
    for s in range(r.header["nb_segment"][0]):
        size = r.get_signal_size(0, s, 0)
        segs.append({"size": int(size), "tStart": float(r.get_signal_t_start(0, s, 0)),
                     "data": r.get_analogsignal_chunk(0, s, 0, size, 0).astype(int).tolist()})
    out.append({"channels": [{"name": str(c["name"]), "id": str(c["id"]), "rate": float(c["sampling_rate"]),
                "units": str(c["units"]), "gain": float(c["gain"]), "offset": float(c["offset"])} for c in chans],
                "segments": segs})
print(json.dumps(out))
`;

/** What neo reads from NSx files (no .nev of the same name may be beside them). */
export function neoReadNsx(paths: readonly string[]): NeoNsx[] {
  return JSON.parse(python(NSX_SCRIPT, ...paths)) as NeoNsx[];
}

export interface NumpyNev {
  readonly resolution: number;
  /** "electrode#class" -> raw timestamps and mean waveform in raw units times the digitization factor (nV). */
  readonly units: Record<string, { timestamps: number[]; meanNanovolts: number[] }>;
  readonly digital: { timestamps: number[]; values: number[] };
  readonly serial: { timestamps: number[]; values: number[] };
}

const NEV_SCRIPT = `
import json, sys
import numpy as np
out = []
for path in sys.argv[1:]:
    raw = open(path, "rb").read()
    major = raw[8]
    flags, header_bytes, packet_bytes, resolution = np.frombuffer(raw[10:24], dtype=[("f","<u2"),("h","<u4"),("p","<u4"),("r","<u4")])[0]
    n_ext = int(np.frombuffer(raw[332:336], "<u4")[0])
    ext = np.frombuffer(raw[336:336 + 32 * n_ext], dtype=[("id", "S8"), ("rest", "S24")])
    wav = np.frombuffer(raw[336:336 + 32 * n_ext], dtype=[("id", "S8"), ("el", "<u2"), ("bank", "u1"), ("pin", "u1"),
        ("df", "<u2"), ("energy", "<u2"), ("hi", "<i2"), ("lo", "<i2"), ("units", "u1"), ("bps", "u1"),
        ("width", "<u2"), ("pad", "S8")])[ext["id"] == b"NEUEVWAV"]
    ts = "<u8" if major >= 3 else "<u4"
    head = 12 if major >= 3 else 8
    wf_bytes = packet_bytes - head
    packets = np.frombuffer(raw[header_bytes:], dtype=[("t", ts), ("id", "<u2"), ("a", "u1"), ("b", "u1"), ("rest", "V%d" % (packet_bytes - head))])
    max_id = 2048 if (major, raw[9]) >= (2, 3) else 255
    units = {}
    for w in wav:
        sel = packets[(packets["id"] == w["el"])]
        width = int(w["width"]) if (major, raw[9]) >= (2, 3) else wf_bytes // (2 if flags & 1 else max(1, int(w["bps"])))
        dtype = "<i2" if flags & 1 else {0: "i1", 1: "i1", 2: "<i2", 4: "<i4"}[int(w["bps"])]
        for u in np.unique(sel["a"]):
            su = sel[sel["a"] == u]
            waves = np.frombuffer(su["rest"].tobytes(), dtype=dtype).reshape(len(su), -1)[:, :width].astype(float)
            units["%d#%d" % (w["el"], u)] = {"timestamps": su["t"].astype(int).tolist(),
                                            "meanNanovolts": (waves.mean(axis=0) * float(w["df"])).tolist()}
    ev = packets[packets["id"] == 0]
    value = np.frombuffer(ev["rest"].tobytes(), dtype="<u2").reshape(len(ev), -1)[:, 0] if len(ev) else np.zeros(0)
    dig = (ev["a"] & 1).astype(bool) & ~(ev["a"] & 128).astype(bool)
    ser = (ev["a"] & 1).astype(bool) & (ev["a"] & 128).astype(bool)
    out.append({"resolution": int(resolution), "units": units,
                "digital": {"timestamps": ev["t"][dig].astype(int).tolist(), "values": value[dig].astype(int).tolist()},
                "serial": {"timestamps": ev["t"][ser].astype(int).tolist(), "values": value[ser].astype(int).tolist()}})
print(json.dumps(out))
`;

/** NEV packets decoded with numpy per the file specification. */
export function numpyReadNev(paths: readonly string[]): NumpyNev[] {
  return JSON.parse(python(NEV_SCRIPT, ...paths)) as NumpyNev[];
}

/** neo's spike timestamps per unit ("electrode#class") of a NEV file with one segment. */
export function neoNevSpikes(path: string): Record<string, number[]> {
  const script = `
import json, sys, os, warnings
warnings.simplefilter("ignore")
from neo.rawio import BlackrockRawIO
r = BlackrockRawIO(filename=os.path.splitext(sys.argv[1])[0])
r.parse_header()
out = {}
for i, ch in enumerate(r.header["spike_channels"]):
    key = ch["name"].replace("ch", "", 1)
    out[key] = r.get_spike_timestamps(0, 0, i, None, None).astype(int).tolist()
print(json.dumps(out))
`;
  return JSON.parse(python(script, path)) as Record<string, number[]>;
}
