import { describe, expect, it } from "vitest";
import { SourceDataError } from "../../../src/errors.js";
import { parseChannelList, SpikeGLXMeta } from "../../../src/formats/spikeglx/index.js";
import { hasTestdata, testdata } from "../../helpers/testdata.js";

const TEXT = [
  "acqApLfSy=384,384,1",
  "imSampRate=30000",
  "imDatBsc_pn=NP2_QBSC_00\t",
  "imStdby=",
  "userNotes=a=b",
  "snsSaveChanSubset=0:3,7,10:11",
  "~imroTbl=(0,384)(0 1 0 500 250 1)(1 0 0 500 250 1)",
  "~snsChanMap=(384,384,1)(AP0;0:0)(SY0;768:768)",
].join("\r\n");

describe("SpikeGLX .meta parsing", () => {
  const meta = SpikeGLXMeta.parse(TEXT, "/data/run.imec0.ap.meta");

  it("reads key=value lines (CRLF or LF) and ~tables", () => {
    expect(meta.string("imSampRate")).toBe("30000");
    expect(meta.number("imSampRate")).toBe(30000);
    expect(meta.integers("acqApLfSy", 3)).toEqual([384, 384, 1]);
    expect(meta.string("imDatBsc_pn")).toBe("NP2_QBSC_00"); // trailing tab dropped
    expect(meta.string("userNotes")).toBe("a=b"); // only the first '=' separates
    expect(meta.optionalString("imStdby")).toBeUndefined(); // blank means inapplicable
    expect(meta.has("~imroTbl")).toBe(true);
    expect(meta.has("imroTbl")).toBe(true);
    expect(meta.table("imroTbl")).toEqual({
      header: ["0", "384"],
      entries: ["0 1 0 500 250 1", "1 0 0 500 250 1"],
    });
    expect(meta.table("snsChanMap").entries).toEqual(["AP0;0:0", "SY0;768:768"]);
    expect(SpikeGLXMeta.parse(TEXT.replaceAll("\r\n", "\n"), "x.meta").integer("imSampRate")).toBe(30000);
  });

  it("expands printer-like channel lists", () => {
    expect(parseChannelList(meta, "snsSaveChanSubset", 0)).toEqual([0, 1, 2, 3, 7, 10, 11]);
    const all = SpikeGLXMeta.parse("snsSaveChanSubset=all", "x.meta");
    expect(parseChannelList(all, "snsSaveChanSubset", 3)).toEqual([0, 1, 2]);
  });

  it("names the file and the key when a value is missing or malformed", () => {
    expect(() => meta.number("niSampRate")).toThrow(SourceDataError);
    expect(() => meta.number("niSampRate")).toThrow(
      /^\/data\/run\.imec0\.ap\.meta: required key 'niSampRate' is missing/,
    );
    expect(() => meta.string("imStdby")).toThrow(/required key 'imStdby' is empty/);
    expect(() => meta.integers("acqApLfSy", 4)).toThrow(/'acqApLfSy' should hold 4 comma-separated integers/);
    expect(() => meta.table("muxTbl")).toThrow(/required key '~muxTbl' is missing/);
    const bad = SpikeGLXMeta.parse("imSampRate=fast\nnSavedChans=3.5\n~imroTbl=0,384", "bad.meta");
    expect(() => bad.number("imSampRate")).toThrow(
      /bad\.meta: key 'imSampRate' should be a number but is "fast"/,
    );
    expect(() => bad.integer("nSavedChans")).toThrow(/key 'nSavedChans' should be an integer but is 3\.5/);
    expect(() => bad.table("imroTbl")).toThrow(/table '~imroTbl' should be a run of parenthesised groups/);
  });

  it("refuses files that are not .meta files", async () => {
    expect(() => SpikeGLXMeta.parse("\u0000\u0001binary junk", "a.meta")).toThrow(
      /a\.meta: line 1 is not of the form key=value/,
    );
    expect(() => SpikeGLXMeta.parse("\n\n", "empty.meta")).toThrow(/empty\.meta: no key=value lines found/);
    expect(() => SpikeGLXMeta.read("/nonexistent/x.meta")).toThrow(
      /\/nonexistent\/x\.meta: the metadata file does not exist/,
    );
  });

  it.skipIf(!hasTestdata())("parses the real sample meta files", async () => {
    const ap = await SpikeGLXMeta.read(
      testdata("spikeglx/Noise4Sam_g0/Noise4Sam_g0_imec0/Noise4Sam_g0_t0.imec0.ap.meta"),
    );
    expect(ap.string("typeThis")).toBe("imec");
    expect(ap.string("fileCreateTime")).toBe("2020-11-03T10:35:10");
    expect(ap.table("imroTbl").entries).toHaveLength(384);
    expect(ap.table("snsChanMap").entries).toHaveLength(385);
    const nidq = await SpikeGLXMeta.read(testdata("spikeglx/meta_only/sample3B_g0_t0.nidq.meta"));
    expect(nidq.integers("snsMnMaXaDw", 4)).toEqual([0, 0, 1, 1]);
    expect(nidq.number("niSampRate")).toBe(30003.0003);
  });
});
