import { describe, expect, it } from "vitest";
import { parseMatlabAssignments, parseMatlabValue } from "../../../src/formats/scanimage/index.js";

describe("ScanImage header values (MATLAB literals)", () => {
  it("reads numbers, strings, vectors, matrices, cells and odd values", () => {
    expect(parseMatlabValue("58.2068")).toBe(58.2068);
    expect(parseMatlabValue("Inf")).toBe(Number.POSITIVE_INFINITY);
    expect(parseMatlabValue("-Inf")).toBe(Number.NEGATIVE_INFINITY);
    expect(parseMatlabValue("'it''s'")).toBe("it's");
    expect(parseMatlabValue("[1 4]")).toEqual([1, 4]);
    expect(parseMatlabValue("[]")).toEqual([]);
    expect(parseMatlabValue("[-13 -10;13 -10]")).toEqual([
      [-13, -10],
      [13, -10],
    ]);
    expect(parseMatlabValue("{'Channel 1' 'Channel 2'}")).toEqual(["Channel 1", "Channel 2"]);
    expect(parseMatlabValue("{[-1 1] [-1 1]}")).toEqual([
      [-1, 1],
      [-1, 1],
    ]);
    expect(parseMatlabValue("true")).toBe(true);
    expect(parseMatlabValue("zeros(0,2)")).toBe("zeros(0,2)");
    expect(Number.isNaN(parseMatlabValue("NaN"))).toBe(true);
  });

  it("splits SI (key = value) and 3.x (key=value, CR-separated) lines", () => {
    const modern = parseMatlabAssignments("SI.hChannels.channelSave = [1 4]\nSI.acqState = 'grab'\n");
    expect(modern.get("SI.hChannels.channelSave")).toEqual([1, 4]);
    expect(modern.get("SI.acqState")).toBe("grab");
    const legacy = parseMatlabAssignments("state.acq.frameRate=3.90625\rstate.configName='B'\r");
    expect(legacy.get("state.acq.frameRate")).toBe(3.90625);
    expect(legacy.get("state.configName")).toBe("B");
  });
});
