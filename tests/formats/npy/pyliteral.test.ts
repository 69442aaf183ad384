/** The Python-literal subset used by .npy headers and Phy's params.py. */
import { describe, expect, it } from "vitest";
import { parsePyAssignments, parsePyLiteral } from "../../../src/formats/npy/pyliteral.js";

describe("Python literals", () => {
  it("reads a .npy header dict", () => {
    expect(parsePyLiteral("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }          \n")).toEqual(
      {
        descr: "<f8",
        fortran_order: false,
        shape: [3, 4],
      },
    );
    expect(parsePyLiteral("{'descr': '|b1', 'fortran_order': True, 'shape': (7,), }")).toEqual({
      descr: "|b1",
      fortran_order: true,
      shape: [7],
    });
    expect(parsePyLiteral("{'shape': ()}")).toEqual({ shape: [] });
  });

  it("reads numbers, strings and constants as Python does", () => {
    expect(parsePyLiteral("25000.")).toBe(25000);
    expect(parsePyLiteral("3e4")).toBe(30000);
    expect(parsePyLiteral("-.5")).toBe(-0.5);
    expect(parsePyLiteral("1_000")).toBe(1000);
    expect(parsePyLiteral("0x1F")).toBe(31);
    expect(parsePyLiteral("None")).toBeNull();
    expect(parsePyLiteral(String.raw`'a\tb\'c'`)).toBe("a\tb'c");
    expect(parsePyLiteral(String.raw`r'C:\data\new'`)).toBe(String.raw`C:\data\new`);
    // Unknown escapes stay as written, as in Python.
    expect(parsePyLiteral(String.raw`'C:\data'`)).toBe(String.raw`C:\data`);
    expect(parsePyLiteral(String.raw`"\u00b5V"`)).toBe("µV");
    expect(parsePyLiteral("['a.bin',\n  'b.bin',  # second\n]")).toEqual(["a.bin", "b.bin"]);
    expect(() => parsePyLiteral("os.path.join('a')")).toThrow(/expected a Python literal/);
    expect(() => parsePyLiteral("'open")).toThrow(/unterminated string/);
  });

  it("reads the assignments of a params.py and skips what it cannot read", () => {
    const text = [
      "# written by Kilosort",
      "import os",
      "dat_path = r'D:\\rec\\continuous.dat'",
      "n_channels_dat = 385",
      "dtype = 'int16'",
      "offset = 0",
      "sample_rate = 30000.",
      "hp_filtered = False",
      "root = os.path.dirname(__file__)",
      "chans = [1,",
      "   2, 3]",
    ].join("\r\n");
    const byName = Object.fromEntries(parsePyAssignments(text).map((a) => [a.name, a.value]));
    expect(byName).toEqual({
      dat_path: "D:\\rec\\continuous.dat",
      n_channels_dat: 385,
      dtype: "int16",
      offset: 0,
      sample_rate: 30000,
      hp_filtered: false,
      root: undefined,
      chans: [1, 2, 3],
    });
  });
});
