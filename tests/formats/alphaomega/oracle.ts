/**
 * neo 0.11.1's AlphaOmegaRawIO (Debian python3-neo) as the independent reader of `.mpx` folders: per stream
 * its channel names, rate, start time and every sample (base64 of the (time, channels) int16 array), and per
 * channel the bit resolution and total gain neo decodes from the definition blocks, and neo's rescale factor.
 */
import { python } from "../../helpers/nwbcheck.js";

export interface NeoAlphaOmegaStream {
  readonly id: string;
  readonly names: string[];
  readonly rate: number;
  readonly tStart: number;
  readonly samples: Int16Array;
  /** [bit resolution µV, total gain] per channel. */
  readonly scaling: [number, number][];
  /** neo's own rescale factor per channel ("uV" per unit): total gain / bit resolution. */
  readonly neoGainUv: number[];
}

const SCRIPT = `
import base64, json, sys
from pathlib import Path
import numpy as np
from neo.rawio import AlphaOmegaRawIO
folder = Path(sys.argv[1])
r = AlphaOmegaRawIO(dirname=folder); r.parse_header()
defs = {}
for f in sorted(folder.glob("*.mpx")):
    cac = r._read_file_datablocks(f, True)[1]
    defs.update({c["name"]: (c["bit_resolution"], c["gain"]) for c in cac.values()})
out = []
for s, stream in enumerate(r.header["signal_streams"]):
    ch = r.header["signal_channels"]; ch = ch[ch["stream_id"] == stream["id"]]
    n = r.get_signal_size(0, 0, s)
    data = r.get_analogsignal_chunk(0, 0, 0, n, s)
    out.append({"id": str(stream["id"]), "names": [str(x) for x in ch["name"]], "rate": float(ch["sampling_rate"][0]),
                "tStart": float(r.get_signal_t_start(0, 0, s)), "scaling": [defs[str(x)] for x in ch["name"]],
                "neoGainUv": [float(x) for x in ch["gain"]],
                "samples": base64.b64encode(np.ascontiguousarray(data, dtype="<i2").tobytes()).decode()})
print(json.dumps(out))
`;

/** Every stream of a folder of .mpx files as neo reads it. */
export function neoAlphaOmega(folder: string): NeoAlphaOmegaStream[] {
  return (JSON.parse(python(SCRIPT, folder)) as (NeoAlphaOmegaStream & { samples: string })[]).map((s) => {
    const bytes = Buffer.from(s.samples, "base64");
    return { ...s, samples: new Int16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2) };
  });
}
