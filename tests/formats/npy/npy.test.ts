/**
 * The .npy reader against numpy: python3 writes arrays of every dtype, byte order, memory order and format
 * version into a temporary folder and prints their values (C order) as JSON; our values must be equal.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isTypedArray } from "../../../src/data/dtype.js";
import { isNeuroconvError } from "../../../src/errors.js";
import {
  type NpyArray,
  NpyFile,
  parseNpy,
  readNpy,
  readNpyHeader,
  readNpyRows,
} from "../../../src/formats/npy/index.js";
import { caught, python } from "../../helpers/nwbcheck.js";

interface Case {
  file: string;
  descr: string;
  shape: number[];
  fortran: boolean;
  version: string;
  kind: "int" | "float" | "bool" | "str";
  values: (string | boolean)[];
}

const GENERATE = String.raw`
import json, os, sys
import numpy as np
from numpy.lib import format as fmt

out = sys.argv[1]
cases = []

def values_of(a):
    flat = np.ascontiguousarray(a).ravel(order="C")
    k = a.dtype.kind
    if k in "iu":
        return "int", [str(int(x)) for x in flat]
    if k == "f":
        return "float", [repr(float(x)) for x in flat]
    if k == "b":
        return "bool", [bool(x) for x in flat]
    return "str", [str(x) for x in flat]

def save(name, a, version):
    path = os.path.join(out, name)
    with open(path, "wb") as f:
        fmt.write_array(f, a, version=version)
    kind, values = values_of(a)
    cases.append(dict(file=name, descr=a.dtype.str, shape=list(a.shape), version="%d.%d" % version,
                      fortran=bool(np.isfortran(a)), kind=kind, values=values))

def base(code):
    dt = np.dtype(code)
    if dt.kind in "iu":
        info = np.iinfo(dt)
        vals = [info.min, info.max, 0, 1, info.max - 1, info.min + 1] + [int(x) % (int(info.max) + 1) for x in range(7, 7 + 18 * 37, 37)]
        return np.array(vals[:24], dtype=dt)
    if dt.kind == "f":
        info = np.finfo(dt)
        vals = [np.nan, np.inf, -np.inf, -0.0, 0.1, info.max, info.tiny, -1.5] + [x / 7.0 for x in range(16)]
        return np.array(vals, dtype=dt)
    if dt.kind == "b":
        return np.array([(x * 7) % 3 == 0 for x in range(24)], dtype=dt)
    words = ["", "a", "héllo", "🧠x", "ends ", "µV", "x" * 6, "tab\t"]
    return np.array((words * 3)[:24], dtype=dt)

codes = []
for k in ["i2", "i4", "i8", "u2", "u4", "u8", "f4", "f8", "U6"]:
    codes += ["<" + k, ">" + k]
codes += ["|i1", "|u1", "|b1"]
for code in codes:
    flat = base(code)
    for version in [(1, 0), (2, 0), (3, 0)]:
        tag = code.replace("<", "le_").replace(">", "be_").replace("|", "na_")
        v = "v%d" % version[0]
        save("%s_%s_vec.npy" % (tag, v), flat, version)
        cube = flat.reshape(2, 3, 4)
        save("%s_%s_c.npy" % (tag, v), np.ascontiguousarray(cube), version)
        save("%s_%s_f.npy" % (tag, v), np.asfortranarray(cube), version)

# Edge shapes.
save("scalar.npy", np.array(3.25, dtype="<f8"), (1, 0))
save("empty.npy", np.zeros((0,), dtype="<i4"), (1, 0))
save("empty2d.npy", np.zeros((3, 0), dtype="<f4"), (1, 0))
save("column.npy", np.arange(5, dtype="<u8").reshape(5, 1), (1, 0))
# Arrays for row ranges.
save("rows_c.npy", (np.arange(1000 * 7, dtype="<f8") * 0.5 - 3).reshape(1000, 7), (1, 0))
save("rows_f.npy", np.asfortranarray((np.arange(1000 * 15, dtype="<i4") * 3 - 7000).reshape(1000, 3, 5)).astype(">i2", order="F"), (2, 0))
json.dump(cases, sys.stdout)
`;

let dir: string;
let cases: Case[];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "npy-test-"));
  cases = JSON.parse(python(GENERATE, dir)) as Case[];
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function expected(value: string | boolean, kind: Case["kind"]): unknown {
  if (kind === "int") return BigInt(value as string);
  if (kind === "float") {
    if (value === "nan") return Number.NaN;
    if (value === "inf") return Number.POSITIVE_INFINITY;
    if (value === "-inf") return Number.NEGATIVE_INFINITY;
    return Number(value);
  }
  if (kind === "bool") return value ? 1 : 0;
  return value;
}

/** Compares element by element; integers as BigInt (exact for 64-bit), floats with Object.is (-0, NaN). */
function expectValues(
  array: NpyArray,
  values: readonly (string | boolean)[],
  kind: Case["kind"],
  label: string,
) {
  const data = array.data;
  expect(data.length, label).toBe(values.length);
  const mismatches: string[] = [];
  for (let i = 0; i < values.length; i++) {
    const want = expected(values[i]!, kind);
    const got = (data as ArrayLike<unknown>)[i];
    const ok =
      kind === "int"
        ? BigInt(got as number | bigint) === want
        : kind === "float"
          ? Object.is(got, want)
          : got === want;
    if (!ok) mismatches.push(`[${i}] ${String(got)} != ${String(values[i])}`);
  }
  expect(mismatches, label).toEqual([]);
}

const DTYPES: Record<string, string> = {
  i1: "int8",
  i2: "int16",
  i4: "int32",
  i8: "int64",
  u1: "uint8",
  u2: "uint16",
  u4: "uint32",
  u8: "uint64",
  f4: "float32",
  f8: "float64",
  b1: "bool",
};

describe("reading .npy files written by numpy", () => {
  it("covers every dtype, both byte orders, C and Fortran order, versions 1.0, 2.0 and 3.0", () => {
    const descrs = new Set(cases.map((c) => c.descr));
    for (const d of ["<i2", ">i2", "<u8", ">u8", ">f4", "<f8", "|i1", "|u1", "|b1", "<U6", ">U6"]) {
      expect(descrs).toContain(d);
    }
    expect(cases.some((c) => c.fortran && c.shape.length === 3)).toBe(true);
    expect(new Set(cases.map((c) => c.version))).toEqual(new Set(["1.0", "2.0", "3.0"]));
  });

  it("gives numpy's values and shapes for every generated file", async () => {
    expect(cases.length).toBeGreaterThan(150);
    for (const c of cases) {
      const array = await readNpy(join(dir, c.file));
      const label = `${c.file} (${c.descr}, ${c.fortran ? "F" : "C"}, v${c.version})`;
      expect(array.shape, label).toEqual(c.shape);
      const code = c.descr.slice(1);
      expect(array.dtype, label).toBe(code.startsWith("U") ? "unicode" : DTYPES[code]);
      if (c.kind === "str") expect(Array.isArray(array.data), label).toBe(true);
      else expect(isTypedArray(array.data), label).toBe(true);
      expectValues(array, c.values, c.kind, label);
    }
  });

  it("reads the header alone: dtype, shape, order, version", async () => {
    for (const c of cases) {
      const header = await readNpyHeader(join(dir, c.file));
      expect(header.descr).toBe(c.descr);
      expect(header.shape).toEqual(c.shape);
      expect(header.fortranOrder).toBe(c.fortran);
      expect(header.version).toBe(c.version);
      expect(header.bigEndian).toBe(c.descr.startsWith(">"));
      // numpy aligns the data to 64 bytes (16 in old versions).
      expect(header.dataOffset % 16).toBe(0);
    }
  });

  it("parses a file held in memory the same way", async () => {
    for (const c of cases.filter((x) => x.file.includes("_v2_"))) {
      const fromDisk = await readNpy(join(dir, c.file));
      const inMemory = parseNpy(readFileSync(join(dir, c.file)), c.file);
      expect(inMemory.shape).toEqual(fromDisk.shape);
      expect(inMemory.dtype).toBe(fromDisk.dtype);
      expectValues(inMemory, c.values, c.kind, c.file);
    }
  });

  it("reads row ranges of C- and Fortran-order arrays (also with tiny blocks)", async () => {
    for (const name of ["rows_c.npy", "rows_f.npy"]) {
      const c = cases.find((x) => x.file === name)!;
      const rowSize = c.shape.slice(1).reduce((a, b) => a * b, 1);
      for (const blockBytes of [undefined, 100, 3]) {
        for (const [start, end] of [
          [0, 1000],
          [0, 1],
          [999, 1000],
          [17, 523],
          [400, 400],
        ] as const) {
          const label = `${name} rows [${start}, ${end}) block ${blockBytes}`;
          const rows = await readNpyRows(join(dir, name), start, end, blockBytes ? { blockBytes } : {});
          expect(rows.shape, label).toEqual([end - start, ...c.shape.slice(1)]);
          expectValues(rows, c.values.slice(start * rowSize, end * rowSize), c.kind, label);
        }
      }
    }
  });

  it("picks a set of rows in the order asked, repeats included", async () => {
    for (const name of ["rows_c.npy", "rows_f.npy"]) {
      const c = cases.find((x) => x.file === name)!;
      const rowSize = c.shape.slice(1).reduce((a, b) => a * b, 1);
      const wanted = [999, 3, 4, 5, 3, 0, 512];
      for (const blockBytes of [undefined, 50]) {
        const file = await NpyFile.open(join(dir, name), blockBytes ? { blockBytes } : {});
        const rows = await file.readRowSet(wanted);
        expect(rows.shape).toEqual([wanted.length, ...c.shape.slice(1)]);
        const values = wanted.flatMap((r) => c.values.slice(r * rowSize, (r + 1) * rowSize));
        expectValues(rows, values, c.kind, `${name} row set, block ${blockBytes}`);
      }
    }
  });

  it("refuses rows outside the array", async () => {
    const file = await NpyFile.open(join(dir, "rows_c.npy"));
    expect(() => file.readRows(990, 1001)).toThrow(RangeError);
    expect(() => file.readRowSet([1000])).toThrow(RangeError);
  });
});

describe("bad .npy files", () => {
  async function error(path: string): Promise<Error> {
    try {
      await readNpy(path);
    } catch (e) {
      return e as Error;
    }
    throw new Error(`reading ${path} did not fail`);
  }

  it("explains that pickled object arrays cannot be read", async () => {
    const path = join(dir, "objects.npy");
    python(
      `import numpy as np, sys\nnp.save(sys.argv[1], np.array([{"a": 1}, None, "x"], dtype=object), allow_pickle=True)`,
      path,
    );
    expect(caught(() => readNpyHeader(path)).name).toBe("SourceDataError");
    const e = await error(path);
    expect(isNeuroconvError(e, "SourceDataError")).toBe(true);
    expect(e.message).toContain(path);
    expect(e.message).toMatch(/Python objects.*pickled/);
    expect(e.message).toMatch(/Convert it in Python/);
  });

  it("reports a truncated file with the expected and actual sizes", async () => {
    const whole = readFileSync(join(dir, "le_f8_v1_c.npy"));
    const path = join(dir, "truncated.npy");
    writeFileSync(path, whole.subarray(0, whole.length - 5));
    const e = await error(path);
    expect(isNeuroconvError(e, "SourceDataError")).toBe(true);
    expect(e.message).toContain(path);
    expect(e.message).toContain("truncated");
    expect(e.message).toContain(`needs ${whole.length} bytes, but the file has only ${whole.length - 5}`);
    // The header alone is also refused: the data it announces is not there.
    expect(() => readNpyHeader(path)).toThrow(/truncated/);
    // Cut inside the header.
    writeFileSync(path, whole.subarray(0, 40));
    expect((await error(path)).message).toMatch(/ends inside its header/);
  });

  it("says when a file is not .npy at all (text, .npz zip, missing)", async () => {
    const text = join(dir, "notes.npy");
    writeFileSync(text, "cluster_id\tgroup\n0\tgood\n");
    const e = await error(text);
    expect(isNeuroconvError(e, "SourceDataError")).toBe(true);
    expect(e.message).toContain(text);
    expect(e.message).toMatch(/not a NumPy \.npy file/);

    const npz = join(dir, "bundle.npz");
    python(`import numpy as np, sys\nnp.savez(sys.argv[1], a=np.arange(3))`, npz);
    expect((await error(npz)).message).toMatch(/zip archive \(probably a NumPy \.npz file\)/);

    const missing = join(dir, "missing.npy");
    expect((await error(missing)).message).toBe(`${missing}: the file does not exist; check the path`);
  });

  it("names unsupported dtypes and what to do", async () => {
    const path = join(dir, "half.npy");
    python(`import numpy as np, sys\nnp.save(sys.argv[1], np.arange(4, dtype=np.float16))`, path);
    expect((await error(path)).message).toMatch(
      /float16 is not supported; convert it with a.astype\(numpy.float32\)/,
    );
    python(
      `import numpy as np, sys\nnp.save(sys.argv[1], np.zeros(2, dtype=[("a", "<i4"), ("b", "<f8")]))`,
      path,
    );
    expect((await error(path)).message).toMatch(/structured \(record\) dtype/);
  });
});
