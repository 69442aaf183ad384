/** The small parsers: channel units, the XML reader, legacy headers, dates and legacy file names. */
import { describe, expect, it } from "vitest";
import { isNeuroconvError } from "../../../src/errors.js";
import {
  classifyChannel,
  parseLegacyHeader,
  parseOpenEphysDate,
} from "../../../src/formats/openephys/index.js";
import { parseContinuousName, parseEventsName } from "../../../src/formats/openephys/legacyFiles.js";
import { parseXml } from "../../../src/formats/xml.js";
import { caught } from "../../helpers/nwbcheck.js";

describe("channel kinds and units", () => {
  it("explicit units win, then the channel type, then the name", () => {
    expect(classifyChannel({ name: "CH1", units: "uV" })).toEqual({ kind: "electrode", unit: "uV" });
    expect(classifyChannel({ name: "AUX1", units: "mV", type: 1 })).toEqual({ kind: "aux", unit: "mV" });
    expect(classifyChannel({ name: "ADC1", units: "V", type: 2 })).toEqual({ kind: "adc", unit: "V" });
    expect(classifyChannel({ name: "X", units: "none", type: 2 })).toEqual({ kind: "adc", unit: undefined });
    // GUI 0.6 writes units "" and no type.
    expect(classifyChannel({ name: "AP1", units: "", description: "Neuropixels electrode" })).toEqual({
      kind: "electrode",
      unit: "uV",
    });
    expect(
      classifyChannel({ name: "AI3", units: "", description: "Analog Input channel from a NIDAQ device" }),
    ).toEqual({ kind: "adc", unit: "V" });
    expect(classifyChannel({ name: "ADC2" })).toEqual({ kind: "adc", unit: "V" });
    expect(classifyChannel({ name: "AUX3" })).toEqual({ kind: "aux", unit: "V" });
    expect(classifyChannel({ name: "AP_SYNC", units: "" })).toEqual({ kind: "sync", unit: undefined });
    expect(classifyChannel({ name: "CH7", type: 0 })).toEqual({ kind: "electrode", unit: "uV" });
  });
});

describe("XML reader", () => {
  it("reads elements, attributes, text, entities, comments and CDATA", () => {
    const root = parseXml(
      `<?xml version="1.0" encoding="UTF-8"?>\n<!-- c --><A x="1" y='a &amp; b &#65;&#x42;'>\n  <B/>text <![CDATA[<raw>]]><C z="&lt;&gt;&quot;&apos;">in</C>\n</A>\n`,
      "f.xml",
    );
    expect(root.tag).toBe("A");
    expect(root.attributes).toEqual({ x: "1", y: "a & b AB" });
    expect(root.children.map((c) => c.tag)).toEqual(["B", "C"]);
    expect(root.children[1]!.attributes.z).toBe(`<>"'`);
    expect(root.children[1]!.text).toBe("in");
    expect(root.text.replace(/\s+/g, " ").trim()).toBe("text <raw>");
  });

  it("reports malformed documents with the file and line", () => {
    for (const [text, message] of [
      ["<A><B></A>", /line 1\): unexpected closing tag <\/A> \(open element is <B>\)/],
      ["<A>\n<B x=1/></A>", /line 2\): attribute x of <B> is not quoted/],
      ["<A>", /element <A> is not closed/],
      ["<A/><B/>", /more than one root element/],
      ["<A>&nbsp;</A>", /unknown XML entity &nbsp;/],
    ] as const) {
      const error = caught(() => parseXml(text, "/data/settings.xml"));
      expect(isNeuroconvError(error, "SourceDataError")).toBe(true);
      expect(error.message).toMatch(
        /^\/data\/settings\.xml: is not well-formed XML|^\/data\/settings\.xml: unknown/,
      );
      expect(error.message).toMatch(message);
    }
  });
});

describe("legacy headers", () => {
  // The layout GUI 0.4 writes (OriginalRecording.cpp): version and header_bytes share a line.
  const GUI_04 =
    "header.format = 'Open Ephys Data Format'; \nheader.version = 0.4;header.header_bytes = 1024;\nheader.description = 'each record contains one 64-bit timestamp, one 16-bit sample count (N), 1 uint16 recordingNumber, N 16-bit samples, and one 10-byte record marker (0 1 2 3 4 5 6 7 8 255)'; \nheader.date_created = '15-Jun-2016 145216';\nheader.channel = 'CH1';\nheader.channelType = 'Continuous';\nheader.sampleRate = 30000;\nheader.blockLength = 1024;\nheader.bufferSize = 1024;\nheader.bitVolts = 0.195;\n";

  it("parses every field", () => {
    const h = parseLegacyHeader(GUI_04.padEnd(1024, " "), "/d/100_CH1.continuous", 1024);
    expect(h.version).toBe("0.4");
    expect(h.sampleRate).toBe(30000);
    expect(h.bitVolts).toBe(0.195);
    expect(h.channel).toBe("CH1");
    expect(h.dateCreated).toBe("15-Jun-2016 145216");
    expect(h.fields.blockLength).toBe("1024");
  });

  it("refuses other header sizes and non-numeric values", () => {
    const sized = GUI_04.replace("header_bytes = 1024", "header_bytes = 2048");
    expect(caught(() => parseLegacyHeader(sized, "/d/f", 5000)).message).toMatch(/header_bytes = 2048/);
    const bad = GUI_04.replace("sampleRate = 30000", "sampleRate = fast");
    expect(caught(() => parseLegacyHeader(bad, "/d/f", 5000)).message).toMatch(
      /header\.sampleRate = fast is not a number/,
    );
  });
});

describe("dates and file names", () => {
  it("turns settings.xml and header dates into ISO local times", () => {
    expect(parseOpenEphysDate("3 May 2022 10:52:24")).toBe("2022-05-03T10:52:24");
    expect(parseOpenEphysDate("30 Aug 2023 23:41:36")).toBe("2023-08-30T23:41:36");
    expect(parseOpenEphysDate("15-Jun-2016 145216")).toBe("2016-06-15T14:52:16");
    expect(parseOpenEphysDate("yesterday")).toBeUndefined();
  });

  it("parses legacy file names of GUI 0.4/0.5 and 0.6", () => {
    expect(parseContinuousName("100_CH10.continuous")).toMatchObject({
      nodeId: 100,
      stream: undefined,
      channel: "CH10",
      channelType: "CH",
      channelNumber: 10,
      experiment: 1,
    });
    expect(parseContinuousName("100_AUX2_3.continuous")).toMatchObject({ channel: "AUX2", experiment: 3 });
    expect(parseContinuousName("101_Rhythm-Data_ADC1_2.continuous")).toMatchObject({
      nodeId: 101,
      stream: "Rhythm-Data",
      channel: "ADC1",
      channelType: "ADC",
      experiment: 2,
    });
    expect(parseContinuousName("notes.continuous")).toBeUndefined();
    expect(parseEventsName("all_channels_4.events")).toEqual({
      fileName: "all_channels_4.events",
      nodeId: undefined,
      stream: undefined,
      experiment: 4,
    });
    expect(parseEventsName("100_Rhythm-Data.events")).toMatchObject({
      nodeId: 100,
      stream: "Rhythm-Data",
      experiment: 1,
    });
    expect(parseEventsName("messages.events")).toBeUndefined();
  });
});
