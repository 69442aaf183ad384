import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readPickledNpy } from "../../src/formats/npy/pickledNpy.js";
import { type PickledArray, unpickle } from "../../src/formats/pickle.js";
import { caught, neoAvailable, python } from "../helpers/nwbcheck.js";

const dir = mkdtempSync(join(tmpdir(), "neuroconv-pickle-"));

describe.skipIf(!neoAvailable())("reading pickled object arrays without executing them", () => {
  for (const protocol of [0, 1, 2, 3, 4, 5]) {
    it(`protocol ${protocol}: dicts, lists, tuples, scalars, int64/float32/bool arrays, big ints`, () => {
      const path = join(dir, `p${protocol}.npy`);
      python(
        `
import sys, pickle, numpy as np, collections
a = np.empty(2, dtype=object)
a[0] = {"x": np.arange(5, dtype=np.int64), "lam": np.array([0.5, 1.25], np.float32), "ok": np.array([True, False]),
        "med": [3, 4], "t": (1, "two", None), "f": np.float64(2.5), "n": np.int64(7), "big": 2**70, "s": "é" + chr(92) + chr(10) + "x" + chr(0x4e2d),
        "i2": np.array([-2, 3], ">i2"), "__proto__": 1, 5: "five"}
a[1] = [1.5, -3, b"raw"]
with open(sys.argv[1], "wb") as f:
    np.lib.format.write_array_header_1_0(f, np.lib.format.header_data_from_array_1_0(a))
    pickle.dump(a, f, protocol=int(sys.argv[2]))
`,
        path,
        String(protocol),
      );
      const array = readPickledNpy(path);
      expect(array.shape).toEqual([2]);
      const [first, second] = array.data as [Record<string, unknown>, unknown[]];
      expect(Array.from((first.x as PickledArray).data as ArrayLike<number>)).toEqual([0, 1, 2, 3, 4]);
      expect(Array.from((first.lam as PickledArray).data as ArrayLike<number>)).toEqual([0.5, 1.25]);
      expect(Array.from((first.ok as PickledArray).data as ArrayLike<number>)).toEqual([1, 0]);
      expect(first.med).toEqual([3, 4]);
      expect(first.t).toEqual([1, "two", null]);
      expect([first.f, first.n, first.big, first.s]).toEqual([2.5, 7, 2n ** 70n, "é\\\nx\u4e2d"]);
      expect(Array.from((first.i2 as PickledArray).data as ArrayLike<number>)).toEqual([-2, 3]);
      expect(Object.getOwnPropertyDescriptor(first, "__proto__")?.value).toBe(1);
      expect(first["5"]).toBe("five");
      expect(second.slice(0, 2)).toEqual([1.5, -3]);
      expect(Array.from(second[2] as Uint8Array)).toEqual([114, 97, 119]);
    });
  }

  it("keeps other classes inert instead of calling them", () => {
    const path = join(dir, "evil.npy");
    python(
      `
import sys, numpy as np, os
class Evil:
    def __reduce__(self): return (os.system, ("echo should-not-run",))
a = np.empty(1, dtype=object); a[0] = Evil()
with open(sys.argv[1], "wb") as f: np.lib.format.write_array(f, a, allow_pickle=True)
`,
      path,
    );
    const value = (readPickledNpy(path).data as unknown[])[0] as {
      kind: string;
      global: string;
      args: unknown[];
    };
    expect(value).toEqual({ kind: "object", global: "posix.system", args: ["echo should-not-run"] });
  });
});

describe("text-protocol pickles (PyTables attributes)", () => {
  const bytes = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
  it("reads lists, tuples, dicts, memo references, longs, escapes and Python 2 strings", () => {
    const value = unpickle(
      bytes(
        "(lp0\n(L1L\n(lp1\n(Vsn\\u00f6ut\np2\nVx\np3\ntp4\na(g2\nVy\ntp5\naI01\nF0.5\ntp6\na(dp7\nI1\nS'a\\'b\\n'\nsa.",
      ),
    );
    expect(value).toEqual([
      [
        1,
        [
          ["snöut", "x"],
          ["snöut", "y"],
        ],
        true,
        0.5,
      ],
      { 1: "a'b\n" },
    ]);
  });
  it("names the opcode it cannot read and the field", () => {
    const error = caught(() => unpickle(bytes("P1\n."), "file.h5: /df/table"));
    expect(error.message).toMatch(/file\.h5: \/df\/table.*opcode 0x50/);
    expect(caught(() => unpickle(bytes("(lp0\n")))?.message).toMatch(/truncated/);
  });
});
