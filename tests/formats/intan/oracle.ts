/**
 * Independent oracles for the Intan tests, run with Debian's /usr/bin/python3 (no PYTHONPATH):
 * - neo 0.11.1's `IntanRawIO` (traditional .rhd/.rhs files only: that neo version has no split layouts);
 * - numpy reading the raw bytes of the split layouts as the app notes describe them.
 * Outside CI a machine without them skips those tests with a loud warning; in CI they must be present.
 */
import { neoAvailable, python } from "../../helpers/nwbcheck.js";

export { neoAvailable };

export interface NeoChannel {
  readonly name: string;
  readonly rate: number;
  readonly dtype: string;
  readonly units: string;
  readonly gain: number;
  readonly offset: number;
}

export interface NeoStream {
  readonly id: string;
  readonly name: string;
  readonly channels: NeoChannel[];
  readonly size: number;
  /** Raw values as neo returns them (rows x channels). */
  readonly data: number[][];
}

export interface NeoResult {
  readonly version: string;
  readonly global: Record<string, string | number>;
  readonly streams: NeoStream[];
  readonly timestamps: number[];
  readonly digitalIn?: number[];
  readonly digitalOut?: number[];
}

const NEO_SCRIPT = `
import json, sys
import numpy as np
import neo
from neo.rawio import IntanRawIO
plain = lambda v: v.item() if hasattr(v, "item") else v
def read(path):
  r = IntanRawIO(filename=path)
  r.parse_header()
  out = {"version": neo.__version__, "global": {k: plain(v) for k, v in r._global_info.items()}, "streams": []}
  for si in range(r.signal_streams_count()):
      sid = r.header["signal_streams"][si]["id"]
      chans = r.header["signal_channels"][r.header["signal_channels"]["stream_id"] == sid]
      size = r.get_signal_size(0, 0, si)
      data = r.get_analogsignal_chunk(0, 0, 0, size, si)
      out["streams"].append({
          "id": str(sid), "name": str(r.header["signal_streams"][si]["name"]), "size": int(size),
          "channels": [{"name": str(c["name"]), "rate": float(c["sampling_rate"]), "dtype": str(c["dtype"]),
                        "units": str(c["units"]), "gain": float(c["gain"]), "offset": float(c["offset"])} for c in chans],
          "data": data.astype(np.int64).tolist()})
  raw = r._raw_data
  out["timestamps"] = raw["timestamp"].flatten().astype(np.int64).tolist()
  if "DIGITAL-IN" in raw.dtype.names: out["digitalIn"] = raw["DIGITAL-IN"].flatten().astype(np.int64).tolist()
  if "DIGITAL-OUT" in raw.dtype.names: out["digitalOut"] = raw["DIGITAL-OUT"].flatten().astype(np.int64).tolist()
  return out
print(json.dumps([read(p) for p in sys.argv[1:]]))
`;

/** Everything neo reads from traditional files (one python process for all of them). */
export function neoReadMany(paths: readonly string[]): NeoResult[] {
  return JSON.parse(python(NEO_SCRIPT, ...paths)) as NeoResult[];
}

/** Everything neo reads from one traditional file. */
export function neoRead(path: string): NeoResult {
  return neoReadMany([path])[0]!;
}

/** One file of a split layout as numpy reads it: `columns` per row, `dtype` a numpy type string. */
export interface NumpyFile {
  readonly file: string;
  readonly dtype: "<i2" | "<u2" | "<i4";
  readonly columns: number;
}

const NUMPY_SCRIPT = `
import json, sys
import numpy as np
folder = sys.argv[1]
files = json.loads(sys.argv[2])
out = {}
for f in files:
    a = np.fromfile(folder + "/" + f["file"], dtype=f["dtype"])
    out[f["file"]] = a.reshape(-1, f["columns"]).astype(np.int64).tolist()
print(json.dumps(out))
`;

/** Raw values of split-layout files, read by numpy (rows x columns per file). */
export function numpyRead(folder: string, files: readonly NumpyFile[]): Record<string, number[][]> {
  return JSON.parse(python(NUMPY_SCRIPT, folder, JSON.stringify(files))) as Record<string, number[][]>;
}
