/**
 * Independent EDF/BDF decoding for the tests: numpy in Debian's /usr/bin/python3, written from the EDF,
 * EDF+ and BDF specifications (edfplus.info) without our reader: header fields by their fixed widths,
 * records reshaped per signal, 24-bit samples assembled from bytes, TALs split on their separators.
 * Needs numpy; outside CI a machine without it skips (neoAvailable checks neo and numpy), in CI it must be there.
 */
import { neoAvailable, python } from "../../helpers/nwbcheck.js";

export { neoAvailable as numpyAvailable };

export interface OracleSignal {
  readonly label: string;
  readonly dimension: string;
  readonly samplesPerRecord: number;
  readonly physicalMin: number;
  readonly physicalMax: number;
  readonly digitalMin: number;
  readonly digitalMax: number;
  /** Every digital sample of the signal. */
  readonly digital: number[];
  /** Physical values of the first 50 samples, per the spec's linear scaling. */
  readonly physical: number[];
}

export interface OracleFile {
  readonly patient: string;
  readonly recording: string;
  readonly numRecords: number;
  readonly recordDuration: number;
  readonly signals: OracleSignal[];
  /** [onset, duration or null, text] of every annotation, and each record's time-keeping onset. */
  readonly annotations: [number, number | null, string][];
  readonly recordOnsets: number[];
}

const SCRIPT = `
import json, sys
import numpy as np
def field(b, s, n): return b[s:s+n].decode("latin1").strip()
def read(path):
  raw = open(path, "rb").read()
  bdf = raw[0] == 0xFF
  ns = int(field(raw, 252, 4)); nrec = int(field(raw, 236, 8)); dur = float(field(raw, 244, 8))
  hdr = raw[256:256 * (ns + 1)]
  widths = [16, 80, 8, 8, 8, 8, 8, 80, 8, 32]
  cols, at = [], 0
  for w in widths:
    cols.append([field(hdr, at + i * w, w) for i in range(ns)]); at += ns * w
  spr = [int(x) for x in cols[8]]
  size = 3 if bdf else 2
  data = np.frombuffer(raw, np.uint8, count=nrec * sum(spr) * size, offset=256 * (ns + 1)).reshape(nrec, -1)
  out = {"patient": field(raw, 8, 80), "recording": field(raw, 88, 80), "numRecords": nrec, "recordDuration": dur,
         "signals": [], "annotations": [], "recordOnsets": []}
  start = 0
  for i in range(ns):
    block = data[:, start:start + spr[i] * size]; start += spr[i] * size
    if cols[0][i] in ("EDF Annotations", "BDF Annotations"):
      for r in range(nrec):
        tals = bytes(block[r]).decode("utf8").split("\\x00")
        first = True
        for tal in tals:
          if not tal: continue
          parts = tal.split("\\x14")
          stamp = parts[0].split("\\x15")
          texts = [t for t in parts[1:] if t]
          if first and not texts: out["recordOnsets"].append(float(stamp[0]))
          first = False
          for t in texts: out["annotations"].append([float(stamp[0]), float(stamp[1]) if len(stamp) > 1 and stamp[1] else None, t])
      continue
    b = block.reshape(-1, size).astype(np.int32)
    if bdf:
      d = b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16)
      d = np.where(d >= 1 << 23, d - (1 << 24), d)
    else:
      d = (b[:, 0] | (b[:, 1] << 8)).astype(np.uint16).view(np.int16).astype(np.int32)
    pmin, pmax, dmin, dmax = (float(cols[k][i]) for k in (3, 4, 5, 6))
    phys = (d[:50] - dmin) * (pmax - pmin) / (dmax - dmin) + pmin
    out["signals"].append({"label": cols[0][i], "dimension": cols[2][i], "samplesPerRecord": spr[i],
      "physicalMin": pmin, "physicalMax": pmax, "digitalMin": dmin, "digitalMax": dmax,
      "digital": d.tolist(), "physical": phys.tolist()})
  return out
print(json.dumps([read(p) for p in sys.argv[1:]]))
`;

/** Decodes the files with numpy (one python process for all). */
export function numpyReadEdf(paths: readonly string[]): OracleFile[] {
  return JSON.parse(python(SCRIPT, ...paths)) as OracleFile[];
}
