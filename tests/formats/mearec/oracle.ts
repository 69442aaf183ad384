/**
 * MEArec test support with h5py: the real sample holds only `channel_positions` and `info/`, so small
 * recordings are written here in MEArec's layout (its `save_recording_generator`): the real sample's
 * `info/` tree, 4 of its channel positions, `recordings`, `timestamps` and `spiketrains/<unit>/{times,
 * t_stop}`. Variants: MEArec ≥ 1.5 float32 (samples, channels); a pre-1.5 file without `mearec_version`
 * storing (channels, samples); int16 traces with `gain_to_uV`. The independent reading of a file comes
 * from h5py as MEArec and probeinterface define it.
 */
import { python } from "../../helpers/nwbcheck.js";

const FIXTURES = `
import sys, h5py, numpy as np
sample, folder = sys.argv[1], sys.argv[2]
rng = np.random.default_rng(13)
variants = {"current": ("1.9.1", "float32", False), "legacy": (None, "float32", True), "integer": ("1.9.1", "int16", False)}
for name, (version, dtype, channels_first) in variants.items():
    with h5py.File(sample, "r") as src, h5py.File(f"{folder}/{name}.h5", "w") as f:
        if version is not None:
            f.attrs["mearec_version"] = version
        src.copy("info", f)
        f["channel_positions"] = src["channel_positions"][:4]
        fs = float(src["info/recordings/fs"][()])
        samples = 1000
        if dtype == "float32":
            traces = (rng.standard_normal((samples, 4)) * 10).astype("float32")
        else:
            traces = rng.integers(-2000, 2000, (samples, 4)).astype("int16")
        f["recordings"] = traces.T if channels_first else traces
        if dtype == "int16":
            f["recordings"].attrs["gain_to_uV"] = 0.195
        f["timestamps"] = np.arange(samples) / fs
        for unit, times in enumerate([[0.0012, 0.05], [0.02, 0.03, 0.07]]):
            f[f"spiketrains/{unit}/times"] = np.array(times)
            f[f"spiketrains/{unit}/t_stop"] = samples / fs
`;

/** Writes `current.h5`, `legacy.h5` and `integer.h5` into `folder` from the real sample's `info/`. */
export function writeMearecFixtures(samplePath: string, folder: string): string[] {
  python(FIXTURES, samplePath, folder);
  return ["current", "legacy", "integer"].map((name) => `${folder}/${name}.h5`);
}

/** What h5py reads from a MEArec file. */
export interface MearecOracle {
  readonly version: string | null;
  readonly fs: number;
  readonly electrodeName: string;
  readonly description: string;
  readonly shape: string;
  readonly positions: number[][];
  /** Positions on the probe plane (probeinterface: xy → x,y; xz → x,z; yz → y,z). */
  readonly planar: number[][];
  /** `info/` as nested objects ("null" as null, bytes decoded, arrays as lists). */
  readonly info: Record<string, Record<string, unknown>>;
  /** (samples, channels) traces as nested lists, when the file has them (MEArec < 1.5: transposed). */
  readonly traces: number[][] | null;
  readonly gainToUv: number | null;
  readonly firstTimestamp: number | null;
  readonly units: number;
}

const READ = `
import sys, json, h5py, numpy as np
f = h5py.File(sys.argv[1], "r")
def value(v):
    v = v[()]
    if isinstance(v, bytes): v = v.decode()
    if isinstance(v, np.ndarray): return [x.decode() if isinstance(x, bytes) else x.item() for x in v]
    if isinstance(v, np.generic): v = v.item()
    return None if v == "null" else v
def tree(g):
    return {k: tree(x) if isinstance(x, h5py.Group) else value(x) for k, x in g.items()}
info = tree(f["info"])
el = info["electrodes"]
pos = f["channel_positions"][:]
axes = {"xy": [0, 1], "xz": [0, 2], "yz": [1, 2]}[el.get("plane") or "yz"]
version = f.attrs.get("mearec_version")
traces = None
if "recordings" in f:
    r = f["recordings"][:]
    traces = (r if version is not None and tuple(map(int, version.split(".")[:2])) >= (1, 5) else r.T).tolist()
print(json.dumps({"version": version, "fs": float(f["info/recordings/fs"][()]), "electrodeName": el["electrode_name"],
    "description": el["description"], "shape": el["shape"], "positions": pos.tolist(), "planar": pos[:, axes].tolist(),
    "info": info, "traces": traces,
    "gainToUv": float(f["recordings"].attrs["gain_to_uV"]) if "recordings" in f and "gain_to_uV" in f["recordings"].attrs else None,
    "firstTimestamp": float(f["timestamps"][0]) if "timestamps" in f else None,
    "units": len(f["spiketrains"]) if "spiketrains" in f else 0}))
`;

/** Reads a MEArec file with h5py. */
export function readMearecIndependently(path: string): MearecOracle {
  return JSON.parse(python(READ, path)) as MearecOracle;
}
