/**
 * Independent BRW reading for the tests: neo 0.11.1's BiocamRawIO (BRW v3) and, for BRW v4 which that neo
 * does not know, h5py + numpy per 3Brain's v4 layout (ExperimentSettings JSON, StoredChIdxs, frame-major Raw).
 * Samples come back as base64 of the (frames, channels) uint16 array.
 */
import { python } from "../../helpers/nwbcheck.js";

export interface BiocamOracle {
  readonly samplingRate: number;
  readonly numFrames: number;
  /** Channel names "ch<row>-<col>" (1-based, as neo names them). */
  readonly names: string[];
  /** µV per unit and µV offset. */
  readonly gainUv: number;
  readonly offsetUv: number;
  readonly samples: Uint16Array;
}

const SCRIPT = `
import base64, json, sys
import h5py, numpy as np
path = sys.argv[1]
f = h5py.File(path, "r")
if "3BRecInfo" in f:
    from neo.rawio import BiocamRawIO
    r = BiocamRawIO(filename=path); r.parse_header()
    ch = r.header["signal_channels"]
    n = r.get_signal_size(0, 0, 0)
    data = r.get_analogsignal_chunk(0, 0, 0, n, 0)
    out = {"samplingRate": float(ch["sampling_rate"][0]), "numFrames": int(n), "names": [str(x) for x in ch["name"]],
           "gainUv": float(ch["gain"][0]), "offsetUv": float(ch["offset"][0])}
else:
    s = json.loads(f["ExperimentSettings"][0])
    v = s["ValueConverter"]
    idx = f["Well_A1/StoredChIdxs"][:]
    toc = f["TOC"][:]
    n = int((toc[:, 1] - toc[:, 0]).sum())
    data = f["Well_A1/Raw"][:].reshape(n, len(idx))
    gain = (v["MaxAnalogValue"] - v["MinAnalogValue"]) / (v["MaxDigitalValue"] - v["MinDigitalValue"])
    out = {"samplingRate": s["TimeConverter"]["FrameRate"], "numFrames": n,
           "names": [f"ch{i // 64 + 1}-{i % 64 + 1}" for i in idx], "gainUv": gain,
           "offsetUv": v["MinAnalogValue"] - v["MinDigitalValue"] * gain}
out["samples"] = base64.b64encode(np.ascontiguousarray(data, dtype="<u2").tobytes()).decode()
print(json.dumps(out))
`;

/** What neo (v3) or h5py per the v4 layout reads from a BRW file. */
export function readBiocamIndependently(path: string): BiocamOracle {
  const out = JSON.parse(python(SCRIPT, path)) as Omit<BiocamOracle, "samples"> & { samples: string };
  const bytes = Buffer.from(out.samples, "base64");
  return { ...out, samples: new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2) };
}
