/** h5py's reading of ndx-pose files, for the pose estimation tests. */
import { python, SERIES_TIMES_PY } from "./nwbcheck.js";

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
import json, sys, h5py, numpy as np
${SERIES_TIMES_PY}
with h5py.File(sys.argv[1], "r") as f:
    g = f[sys.argv[2]]
    out = {}
    for name in g:
        s = g[name]
        if isinstance(s, h5py.Group) and s.attrs.get("neurodata_type") == "PoseEstimationSeries":
            out[name] = {"data": s["data"][()].tolist(), "confidence": s["confidence"][()].tolist(),
                         "timestamps": series_times(s).tolist()}
    print(json.dumps(out))
`,
      path,
      group,
    ),
  );
}

export interface PoseSkeleton {
  /** Where the skeleton lives (the target of the PoseEstimation's link). */
  path: string;
  nodes: string[];
  edges: number[][];
  /** Path of the linked Subject, or null. */
  subject: string | null;
}

/** h5py's reading of the Skeleton a PoseEstimation group links (ndx-pose 0.3). */
export function poseSkeleton(path: string, group: string): PoseSkeleton {
  return JSON.parse(
    python(
      `
import json, sys, h5py, numpy as np
${SERIES_TIMES_PY}
with h5py.File(sys.argv[1], "r") as f:
    g = f[sys.argv[2]]
    links = [g.get(k, getlink=True) for k in g]
    targets = [f[l.path] for l in links if isinstance(l, h5py.SoftLink)]
    [s] = [t for t in targets if t.attrs.get("neurodata_type") == "Skeleton"]
    subject = s.get("subject", getlink=True)
    print(json.dumps({"path": s.name, "nodes": [x.decode() for x in s["nodes"][()]],
                      "edges": s["edges"][()].tolist() if "edges" in s else [],
                      "subject": subject.path if isinstance(subject, h5py.SoftLink) else None}))
`,
      path,
      group,
    ),
  );
}
