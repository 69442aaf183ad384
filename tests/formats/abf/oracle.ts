/**
 * Independent oracles for the ABF tests, run with Debian's /usr/bin/python3 (no PYTHONPATH):
 * - neo 0.11.1's `AxonRawIO`: channels, scaling, sweeps, start times, raw samples, and (ABF2) its own rebuild
 *   of the step epochs (`read_raw_protocol`);
 * - numpy decoding the header bytes per the ABF File Support Pack where neo exposes no field (ABF1 start date,
 *   telegraph modes, DAC names/units/holding levels).
 * Outside CI a machine without them skips those tests with a loud warning; in CI they must be present.
 */
import { neoAvailable, python } from "../../helpers/nwbcheck.js";

export { neoAvailable };

export interface NeoAbf {
  readonly version: number;
  readonly rate: number;
  readonly channels: { name: string; units: string; gain: number; offset: number }[];
  readonly tStarts: number[];
  /** Raw samples per sweep, rows x channels. */
  readonly sweeps: number[][][];
  /** ABF2 only: neo's step-only rebuild of each DAC's command, per sweep. */
  readonly protocol?: { sweeps: number[][][]; names: string[]; units: string[] };
  /** ABF2: per-DAC epoch types as neo parses them. */
  readonly epochTypes?: Record<string, number[]>;
  readonly recDatetime: string;
  /** Decoded with numpy from the header bytes. */
  readonly numpy: {
    readonly startDate: number;
    readonly telegraphModes: number[];
    readonly dacNames: string[];
    readonly dacUnits: string[];
    readonly dacHolding: number[];
  };
}

const SCRIPT = `
import json, sys
import numpy as np
from neo.rawio import AxonRawIO
def txt(b): return b.split(b"\\x00")[0].decode("latin1").strip()
def read(path):
  r = AxonRawIO(filename=path); r.parse_header(); info = r._axon_info
  n = r.header["nb_segment"][0]
  out = {"version": float(info["fFileVersionNumber"]), "rate": float(r.get_signal_sampling_rate(0)),
         "channels": [{"name": str(c["name"]), "units": str(c["units"]), "gain": float(c["gain"]), "offset": float(c["offset"])}
                      for c in r.header["signal_channels"]],
         "tStarts": [float(r.get_signal_t_start(0, s, 0)) for s in range(n)],
         "sweeps": [r.get_analogsignal_chunk(0, s, None, None, 0).astype(np.float64).tolist() for s in range(n)],
         "recDatetime": info["rec_datetime"].isoformat()}
  raw = open(path, "rb").read()
  if info["fFileVersionNumber"] >= 2:
    sigs, names, units = r.read_raw_protocol()
    out["protocol"] = {"sweeps": [[np.asarray(d).tolist() for d in s] for s in sigs], "names": names, "units": units}
    out["epochTypes"] = {str(d): [int(e["nEpochType"]) for _, e in sorted(v.items())] for d, v in info["dictEpochInfoPerDAC"].items()}
    start_date = int(np.frombuffer(raw, "<u4", 1, 16)[0])
    modes = [int(a["nTelegraphMode"]) if a["nTelegraphEnable"] else -1 for a in info["listADCInfo"]]
    dacs = info["listDACInfo"]
    out["numpy"] = {"startDate": start_date, "telegraphModes": modes,
                    "dacNames": [d["DACChNames"].decode("latin1") for d in dacs],
                    "dacUnits": [d["DACChUnits"].decode("latin1") for d in dacs],
                    "dacHolding": [float(d["fDACHoldingLevel"]) for d in dacs]}
  else:
    seq = [int(c) for c in np.frombuffer(raw, "<i2", 16, 410) if c >= 0]
    enabled = np.frombuffer(raw, "<i2", 16, 4512); mode = np.frombuffer(raw, "<i2", 16, 4768)
    out["numpy"] = {"startDate": int(np.frombuffer(raw, "<i4", 1, 20)[0]),
                    "telegraphModes": [int(mode[c]) if enabled[c] == 1 else -1 for c in seq],
                    "dacNames": [txt(raw[1306 + 10 * d:1316 + 10 * d]) for d in range(4)],
                    "dacUnits": [txt(raw[1346 + 8 * d:1354 + 8 * d]) for d in range(4)],
                    "dacHolding": [float(v) for v in np.frombuffer(raw, "<f4", 4, 1394)]}
  return out
print(json.dumps([read(p) for p in sys.argv[1:]]))
`;

/** What neo and numpy read from each file (one python process for all of them). */
export function neoReadAbf(paths: readonly string[]): NeoAbf[] {
  return JSON.parse(python(SCRIPT, ...paths)) as NeoAbf[];
}
