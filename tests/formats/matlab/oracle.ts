/**
 * Independent readings of MAT-files for the tests: scipy.io.loadmat (Debian python3-scipy) for level-5 files,
 * h5py for v7.3 files, both turned into one canonical JSON form that {@link canonical} also makes of our
 * reader's values. Outside CI a machine without them skips loudly; in CI they must be present.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { MatArray, MatSparse, MatUnsupported, type MatValue } from "../../../src/formats/matlab/index.js";
import { python } from "../../helpers/nwbcheck.js";

let state: boolean | undefined;

/** Whether /usr/bin/python3 has scipy and h5py; throws in CI when it has not. */
export function matOracleAvailable(): boolean {
  if (state !== undefined) return state;
  const { PYTHONPATH: _p, PYTHONHOME: _h, ...env } = process.env;
  const ok =
    spawnSync("/usr/bin/python3", ["-c", "import scipy.io, h5py, numpy"], { stdio: "ignore", env }).status ===
    0;
  if (!ok && process.env.CI) throw new Error("python3-scipy and python3-h5py are required in CI");
  if (!ok) console.warn("\n!!! SKIPPING MATLAB comparisons: /usr/bin/python3 lacks scipy or h5py !!!\n");
  state = ok;
  return ok;
}

/**
 * Canonical form: arrays {class, shape, re, im?} (values column-major; NaN/Inf as strings), sparse {sparse:
 * [rows, cols], ir, jc, values}, structs {struct: {...}}, cells and struct arrays as lists, char as text
 * (a char matrix as its rows), anything not decoded as {unsupported: true}. Empty arrays compare without
 * their shape: scipy gives (1, 0) for the zero-byte element MATLAB writes for `[]` (0×0, as cell(1, n) holds).
 */
export type Canonical = unknown;

/** Arrays longer than this compare by count and the SHA-256 of their float64 little-endian values. */
const DIGEST_ABOVE = 4096;

function values(data: ArrayLike<number | bigint>): unknown {
  if (data.length <= DIGEST_ABOVE) return Array.from(data, number);
  const doubles = Float64Array.from(data as ArrayLike<number>, Number);
  const bytes = new Uint8Array(doubles.buffer);
  return { n: data.length, sha256: createHash("sha256").update(bytes).digest("hex") };
}

function number(value: number | bigint): number | string {
  const n = Number(value);
  return Number.isFinite(n) ? n : String(n);
}

/** Our reader's value in the canonical form. */
export function canonical(value: MatValue): Canonical {
  if (typeof value === "string") return value;
  if (value instanceof MatArray) {
    return {
      class: value.matlabClass,
      shape: value.length > 0 ? [...value.shape] : "empty",
      re: values(value.data as ArrayLike<number | bigint>),
      ...(value.imag && { im: values(value.imag as ArrayLike<number | bigint>) }),
    };
  }
  if (value instanceof MatSparse) {
    return {
      sparse: [...value.shape],
      ir: [...value.rowIndices],
      jc: [...value.columnStarts],
      values: Array.from(value.values, number),
    };
  }
  if (value instanceof MatUnsupported) return { unsupported: true };
  if (Array.isArray(value)) return value.map((item) => canonical(item as MatValue));
  return {
    struct: Object.fromEntries(Object.entries(value).map(([k, v]) => [k, canonical(v as MatValue)])),
  };
}

const COMMON = `
import sys, json, math, hashlib, numpy as np
def num(x):
    x = float(x)
    return x if math.isfinite(x) else str(x).replace("inf", "Infinity").replace("nan", "NaN")
def array(cls, a):
    a = np.asarray(a)
    shape = list(a.shape) + [1] * (2 - a.ndim) if a.size else "empty"
    flat = a.ravel(order="F")
    out = {"class": cls, "shape": shape, "re": values(np.real(flat))}
    if np.iscomplexobj(a):
        out["im"] = values(np.imag(flat))
    return out
def values(flat):
    if flat.size > ${DIGEST_ABOVE}:
        return {"n": int(flat.size), "sha256": hashlib.sha256(np.asarray(flat, "<f8").tobytes()).hexdigest()}
    return [num(v) for v in flat]
`;

const SCIPY = `${COMMON}
import scipy.io as sio, scipy.sparse as sp
from scipy.io.matlab import mat_struct
CLASSES = {"float64": "double", "float32": "single", "complex128": "double", "complex64": "single",
           "int8": "int8", "uint8": "uint8", "int16": "int16", "uint16": "uint16", "int32": "int32",
           "uint32": "uint32", "int64": "int64", "uint64": "uint64", "bool": "logical"}
def conv(v, raw):
    # raw: the same value loaded without mat_dtype (which casts complex arrays to real)
    if sp.issparse(v):
        c = v.tocsc()
        return {"sparse": list(c.shape), "ir": c.indices.tolist(), "jc": c.indptr.tolist(),
                "values": [num(x) for x in (c.data.astype(np.uint8) if c.dtype == bool else c.data)]}
    if isinstance(v, str):
        return v
    if not isinstance(v, np.ndarray):
        return {"unsupported": True}
    if v.dtype.kind == "U":
        rows = [str(s) for s in v.ravel()]
        if v.size == 0:
            return ""
        return rows[0] if len(rows) == 1 else rows
    if v.dtype.names:
        items = [{"struct": {n: conv(e[n], r[n]) for n in v.dtype.names}}
                 for e, r in zip(v.ravel(order="F"), raw.ravel(order="F"))]
        return items[0] if v.size == 1 and v.ndim == 2 else items
    if v.dtype == object and v.size and all(e is None for e in v.ravel()):
        items = [{"struct": {}} for e in v.ravel()]  # scipy's struct without fields
        return items[0] if v.size == 1 and v.ndim == 2 else items
    if v.dtype == object:
        return [conv(e, r) for e, r in zip(v.ravel(order="F"), raw.ravel(order="F"))]
    if v.dtype.name not in CLASSES:
        return {"unsupported": True}
    value = raw.astype(np.complex128 if v.dtype == np.float64 else np.complex64) if np.iscomplexobj(raw) else v
    return array(CLASSES[v.dtype.name], value.astype(np.uint8) if v.dtype == bool else value)
m = sio.loadmat(sys.argv[1], mat_dtype=True, chars_as_strings=True, squeeze_me=False)
raw = sio.loadmat(sys.argv[1], chars_as_strings=True, squeeze_me=False)
print(json.dumps({k: conv(v, raw[k]) for k, v in m.items() if not k.startswith("__")}))
`;

const H5PY = `${COMMON}
import h5py
f = h5py.File(sys.argv[1], "r")
def text(v):
    return v.decode() if isinstance(v, bytes) else str(v)
def conv(o):
    cls = text(o.attrs.get("MATLAB_class", b""))
    if isinstance(o, h5py.Group):
        if "MATLAB_sparse" in o.attrs:
            data = o["data"][()] if "data" in o else np.zeros(0)
            return {"sparse": [int(o.attrs["MATLAB_sparse"]), len(o["jc"]) - 1], "ir": o["ir"][()].tolist(),
                    "jc": o["jc"][()].tolist(), "values": [num(x) for x in data]}
        if cls not in ("struct", ""):
            return {"unsupported": True}
        names = [text(b"".join(n)) for n in o.attrs["MATLAB_fields"]] if "MATLAB_fields" in o.attrs else list(o)
        fields = [o[n] for n in names]
        if fields and all(isinstance(x, h5py.Dataset) and "MATLAB_class" not in x.attrs
                          and x.dtype == h5py.ref_dtype for x in fields):
            refs = {n: x[()].ravel(order="C") for n, x in zip(names, fields)}
            count = len(refs[names[0]])
            return [{"struct": {n: conv(f[refs[n][i]]) for n in names}} for i in range(count)]
        return {"struct": {n: conv(o[n]) for n in names}}
    v = o[()]
    if "MATLAB_empty" in o.attrs and o.attrs["MATLAB_empty"]:
        if cls == "char":
            return ""
        if cls in ("cell", "struct"):
            return []
        return {"class": "logical" if cls == "logical" else (cls if cls in CLASSES else "double"),
                "shape": "empty", "re": []}
    if o.dtype == h5py.ref_dtype:
        return [conv(f[r]) for r in v.ravel(order="C")]
    if cls == "char":
        t = v.T  # MATLAB dims are the HDF5 dims reversed
        rows = ["".join(chr(c) for c in row) for row in t]
        return rows[0] if len(rows) == 1 else rows
    if cls in CLASSES:
        if v.dtype.names and "real" in v.dtype.names:
            v = v["real"] + 1j * v["imag"]
        return array(cls, v.T)
    return {"unsupported": True}
CLASSES = {"double", "single", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64", "logical"}
print(json.dumps({k: conv(f[k]) for k in f if not k.startswith("#")}))
`;

/** scipy.io.loadmat's reading of a level-5 file, canonical, by variable name. */
export function scipyMat(path: string): Record<string, Canonical> {
  return JSON.parse(python(SCIPY, path));
}

/** h5py's reading of a v7.3 file (decoded per MATLAB's HDF5 conventions), canonical, by variable name. */
export function h5pyMat(path: string): Record<string, Canonical> {
  return JSON.parse(python(H5PY, path));
}
