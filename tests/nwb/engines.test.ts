/**
 * Our HDF5 writer against the HDF5 library: the same in-memory NWB files from real samples are written
 * once by the default engine (our writer, shuffle + gzip) and once by the h5wasm engine (HDF5 itself,
 * raw chunks); h5py (Debian, HDF5 1.10) then compares the two files object by object: every group,
 * dataset (dtype, shape, chunks, values), attribute and link must be the same. Both files pass nwbcheck.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  configureAndWriteNwbfile,
  IntanConverter,
  PhySortingInterface,
  SpikeGLXConverterPipe,
} from "../../src/index.js";
import { nwbcheck, nwbcheckAvailable, python } from "../helpers/nwbcheck.js";
import { hasTestdata, testdata } from "../helpers/testdata.js";

const HAVE = hasTestdata();
const dir = mkdtempSync(join(tmpdir(), "neuroconv-engines-"));
const start = { NWBFile: { session_start_time: "2024-01-01T12:00:00-05:00" } };

const COMPARE = `
import h5py, json, sys, numpy as np
a, b = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
problems, counts = [], {"groups": 0, "datasets": 0, "attributes": 0, "links": 0}

def plain(f, v):
    """Values as comparable Python data: references by target name, text decoded, bool as int."""
    if isinstance(v, h5py.Reference):
        return f[v].name if v else None
    if isinstance(v, bytes):
        return v.decode()
    if isinstance(v, np.ndarray):
        if v.dtype.names:
            return [[plain(f, x[n]) for n in v.dtype.names] for x in v.ravel()]
        if v.dtype.kind in "OSU":
            return [plain(f, x) for x in v.ravel()]
        return v.astype(np.int64 if v.dtype.kind == "b" else v.dtype).ravel().tolist()
    if isinstance(v, np.generic):
        return v.item()
    return v

def kind(dt):
    # bool: our writer stores h5py's enum, h5wasm (which cannot write enums) int8: both are 0/1
    return "bool-or-int8" if dt == np.dtype(bool) or dt == np.dtype("int8") else str(dt)

def attrs(path, x, y):
    if sorted(x.attrs) != sorted(y.attrs):
        problems.append(f"{path}: attributes {sorted(x.attrs)} != {sorted(y.attrs)}")
        return
    for k in x.attrs:
        counts["attributes"] += 1
        if k == "object_id":  # table columns get a new UUID each time the file is planned
            continue
        if plain(a, x.attrs[k]) != plain(b, y.attrs[k]):
            problems.append(f"{path}@{k}: {plain(a, x.attrs[k])!r} != {plain(b, y.attrs[k])!r}")

def walk(path):
    x, y = a[path], b[path]
    attrs(path, x, y)
    if isinstance(x, h5py.Dataset):
        counts["datasets"] += 1
        if not isinstance(y, h5py.Dataset):
            problems.append(f"{path}: dataset vs group"); return
        if (kind(x.dtype), x.shape, x.chunks) != (kind(y.dtype), y.shape, y.chunks):
            problems.append(f"{path}: {(x.dtype, x.shape, x.chunks)} != {(y.dtype, y.shape, y.chunks)}")
        elif plain(a, x[()]) != plain(b, y[()]):
            problems.append(f"{path}: values differ")
        return
    counts["groups"] += 1
    if sorted(x) != sorted(y):
        problems.append(f"{path}: members {sorted(x)} != {sorted(y)}"); return
    for name in x:
        child = f"{path.rstrip('/')}/{name}"
        lx, ly = x.get(name, getlink=True), y.get(name, getlink=True)
        if type(lx) is not type(ly):
            problems.append(f"{child}: {type(lx).__name__} != {type(ly).__name__}")
        elif isinstance(lx, h5py.SoftLink):
            counts["links"] += 1
            if lx.path != ly.path: problems.append(f"{child}: link to {lx.path} != {ly.path}")
        elif isinstance(lx, h5py.ExternalLink):
            counts["links"] += 1
        else:
            walk(child)

walk("/")
print(json.dumps({"problems": problems, "counts": counts}))
`;

const samples = [
  {
    name: "SpikeGLX run Noise4Sam_g0",
    build: () =>
      new SpikeGLXConverterPipe({ folderPath: testdata("spikeglx/Noise4Sam_g0") }).createNwbfile({
        metadata: start,
      }),
  },
  {
    name: "Intan sampledata.rhd",
    build: () =>
      new IntanConverter({ filePath: testdata("intan/sampledata.rhd") }).createNwbfile({ metadata: start }),
  },
  {
    name: "Phy template",
    build: () =>
      new PhySortingInterface({ folderPath: testdata("phy/template") }).createNwbfile({ metadata: start }),
  },
];

describe.skipIf(!HAVE || !nwbcheckAvailable())("our HDF5 writer against h5wasm, on real samples", () => {
  it.each(samples)("$name: the same objects and values in both files", async ({ name, build }) => {
    const nwbfile = await build();
    const stem = join(dir, name.split(" ")[0]!);
    await configureAndWriteNwbfile(nwbfile, { nwbfilePath: `${stem}-own.nwb` });
    await configureAndWriteNwbfile(nwbfile, { nwbfilePath: `${stem}-h5wasm.nwb`, backend: "h5wasm" });
    const result = JSON.parse(python(COMPARE, `${stem}-own.nwb`, `${stem}-h5wasm.nwb`));
    expect(result.problems).toEqual([]);
    expect(result.counts.datasets).toBeGreaterThan(20);
    expect(result.counts.attributes).toBeGreaterThan(30);
    const check = nwbcheck(`${stem}-own.nwb`, `${stem}-h5wasm.nwb`);
    expect(check.passed, check.output).toBe(true);
  });
});
