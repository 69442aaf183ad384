/** h5py's reading of ndx-pose files, for the pose estimation tests. */
import { python } from "./nwbcheck.js";

export interface PoseSeries {
  data: number[][];
  confidence: number[];
  timestamps: number[];
}

/** h5py's reading of every PoseEstimationSeries of a PoseEstimation group, by series name. */
export function poseSeries(path: string, group: string): Record<string, PoseSeries> {
  return JSON.parse(
    python(
      `
import json, sys, h5py
with h5py.File(sys.argv[1], "r") as f:
    g = f[sys.argv[2]]
    out = {}
    for name in g:
        s = g[name]
        if isinstance(s, h5py.Group) and s.attrs.get("neurodata_type") == "PoseEstimationSeries":
            out[name] = {"data": s["data"][()].tolist(), "confidence": s["confidence"][()].tolist(),
                         "timestamps": s["timestamps"][()].tolist()}
    print(json.dumps(out))
`,
      path,
      group,
    ),
  );
}
