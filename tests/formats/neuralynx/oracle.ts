/**
 * Independent readers of Neuralynx files, run with Debian's /usr/bin/python3: neo 0.11.1's NeuralynxRawIO
 * (one file at a time, original times kept) and numpy decoding of Events.nev records per the file format.
 */
import { python } from "../../helpers/nwbcheck.js";

export interface NeoNcs {
  readonly gain: number;
  readonly rate: number;
  readonly segments: { tStart: number; size: number }[];
  readonly data: number[];
}

const NCS_SCRIPT = `
import json, sys, warnings
warnings.simplefilter("ignore")
import numpy as np
from neo.rawio import NeuralynxRawIO
out = []
for path in sys.argv[1:]:
    r = NeuralynxRawIO(filename=path, keep_original_times=True)
    r.parse_header()
    n = r.header["nb_segment"][0]
    segs, data = [], []
    for s in range(n):
        size = r.get_signal_size(0, s, 0)
        segs.append({"tStart": float(r.get_signal_t_start(0, s, 0)), "size": int(size)})
        data.append(r.get_analogsignal_chunk(0, s, 0, size, 0)[:, 0])
    ch = r.header["signal_channels"][0]
    out.append({"gain": float(ch["gain"]), "rate": float(ch["sampling_rate"]), "segments": segs,
                "data": np.concatenate(data).astype(int).tolist()})
print(json.dumps(out))
`;

/** neo's reading of single .ncs files. */
export function neoReadNcs(paths: readonly string[]): NeoNcs[] {
  return JSON.parse(python(NCS_SCRIPT, ...paths)) as NeoNcs[];
}

export interface NeoSpikes {
  /** unit id (cell number) -> spike timestamps (µs) and mean waveform (µV, samples x channels). */
  readonly units: Record<string, { micros: number[]; meanMicrovolts: number[][] }>;
}

const SPIKE_SCRIPT = `
import json, sys, warnings
warnings.simplefilter("ignore")
import numpy as np
from neo.rawio import NeuralynxRawIO
out = []
for path in sys.argv[1:]:
    r = NeuralynxRawIO(filename=path, keep_original_times=True)
    r.parse_header()
    units = {}
    for i, ch in enumerate(r.header["spike_channels"]):
        uid = str(ch["id"])
        if uid in units: continue  # .ntt: one spike channel per tetrode wire, same spikes
        ts = r.get_spike_timestamps(0, 0, i, None, None)
        wf = r.get_spike_raw_waveforms(0, 0, i, None, None).astype(float) * float(ch["wf_gain"])
        # neo's waveforms are (spikes, channels, samples)
        units[uid] = {"micros": ts.astype(np.int64).tolist(), "meanMicrovolts": wf.mean(axis=0).T.tolist()}
    out.append({"units": units})
print(json.dumps(out))
`;

/** neo's reading of .nse/.ntt files. */
export function neoReadSpikes(paths: readonly string[]): NeoSpikes[] {
  return JSON.parse(python(SPIKE_SCRIPT, ...paths)) as NeoSpikes[];
}

const NEV_SCRIPT = `
import json, sys
import numpy as np
dt = [("r", "<i2"), ("s", "<i2"), ("ds", "<i2"), ("t", "<u8"), ("id", "<i2"), ("ttl", "<u2"), ("crc", "<i2"),
      ("d1", "<i2"), ("d2", "<i2"), ("x", "<i4", (8,)), ("str", "S128")]
d = np.fromfile(sys.argv[1], dtype=dt, offset=16384)
print(json.dumps({"micros": d["t"].astype(np.int64).tolist(), "ttl": d["ttl"].astype(int).tolist(),
                  "ids": d["id"].astype(int).tolist(), "strings": [s.decode("latin1") for s in d["str"]]}))
`;

/** Events.nev records decoded with numpy. */
export function numpyReadEvents(path: string): {
  micros: number[];
  ttl: number[];
  ids: number[];
  strings: string[];
} {
  return JSON.parse(python(NEV_SCRIPT, path));
}
