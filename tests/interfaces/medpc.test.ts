import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { isNeuroconvError, MedPCInterface, withWarningHandler } from "../../src/index.js";
import { caught, nwbcheck, nwbcheckAvailable, python } from "../helpers/nwbcheck.js";
import { hasTestdata, testdata } from "../helpers/testdata.js";

const HAVE = hasTestdata() && nwbcheckAvailable();
const dir = mkdtempSync(join(tmpdir(), "neuroconv-medpc-"));
const LERNER = testdata("medpc/lerner_lab/example_medpc_file_06_06_2024.txt");
const RMEDPC = testdata("medpc/rmedpc/example_data");
const BOXES = testdata("medpc/medpc2excel/20200123_07_Cntgncy_RevrsRR20_Group_Air 55-63_Room_223");

/**
 * The file's sessions parsed independently in Python (numpy for the numbers): per session the header and
 * every variable's values; next to it, what the NWB file holds (h5py): the variables table and the events.
 */
function compare(source: string, nwb: string, session: number) {
  return JSON.parse(
    python(
      `
import sys, re, json, h5py, numpy as np
text = open(sys.argv[1], encoding="latin1").read().replace("\\r\\n", "\\n").replace("\\r", "\\n")
blocks = re.split(r"^(?=Start Date:)", text, flags=re.M)[1:]
sessions = []
for block in blocks:
    header, variables, current = {}, {}, None
    for line in block.split("\\n"):
        s = line.strip()
        m = re.match(r"^([A-Z]):\\s*(.*)$", s)
        if m:
            current = m.group(1)
            variables[current] = [float(m.group(2))] if m.group(2) else []
            continue
        m = re.match(r"^\\d+:\\s*(.*)$", s)
        if m and current is not None:
            variables[current].extend(np.array(m.group(1).split(), dtype=float).tolist())
            continue
        m = re.match(r"^([A-Za-z][A-Za-z ]*?)\\s*:\\s?(.*)$", s)
        if m and m.group(1) != "File":
            header[m.group(1)] = m.group(2).strip()
            current = None
    sessions.append({"header": header, "variables": variables})
f = h5py.File(sys.argv[2], "r")
b = f["processing/behavior"]
t = b["MedPCVariables"]
ends = t["values_index"][()].tolist()
values = t["values"][()].tolist()
table = {name.decode(): values[(ends[i - 1] if i else 0):ends[i]] for i, name in enumerate(t["variable"][()])}
events = {k: b[k]["timestamp"][()].tolist() for k in b if b[k].attrs.get("neurodata_type") == b"EventsTable" or b[k].attrs.get("neurodata_type") == "EventsTable"}
print(json.dumps({"python": sessions[int(sys.argv[3])], "count": len(sessions), "table": table, "events": events,
                  "start": f["session_start_time"][()].decode(), "subject": f["general/subject/subject_id"][()].decode()}))`,
      source,
      nwb,
      String(session),
    ),
  ) as {
    python: { header: Record<string, string>; variables: Record<string, number[]> };
    count: number;
    table: Record<string, number[]>;
    events: Record<string, number[]>;
    start: string;
    subject: string;
  };
}

const metadata = (start: string) => ({ NWBFile: { session_start_time: `${start}-05:00` } });

describe.skipIf(!HAVE)("MedPCInterface on the three Med-PC sources", () => {
  const files: string[] = [];

  it("converts the chosen session of a three-session file: every variable as written, time arrays as events", async () => {
    const warnings: string[] = [];
    const medpc = await withWarningHandler(
      (m) => warnings.push(m),
      async () => new MedPCInterface({ filePath: LERNER, sessionConditions: { "Start Date": "04/10/19" } }),
    );
    expect(warnings.join("\n")).toMatch(
      /converting session 1 .*the file has 3 sessions, the others are left out: 0 \(Subject 95.259, Box 1, 04\/09\/19 10:34:30\); 2 /,
    );
    const meta = medpc.getMetadata();
    expect(meta.NWBFile.session_start_time).toBe("2019-04-10T12:36:13");
    expect(meta.NWBFile.protocol).toBe("FOOD_FR1 TTL Left");
    const path = join(dir, "lerner.nwb");
    await medpc.runConversion({ nwbfilePath: path, metadata: metadata("2019-04-10T12:36:13") });
    files.push(path);
    const result = compare(LERNER, path, 1);
    expect(result.count).toBe(3);
    expect(result.table).toEqual(result.python.variables);
    expect(result.subject).toBe("95.259");
    // B (rewards) and C never decrease: events; E (durations) does not: only in the table.
    expect(result.events.B).toEqual(result.python.variables.B);
    expect(result.events.C).toEqual(result.python.variables.C);
    expect(result.events.E).toBeUndefined();
    for (const [name, times] of Object.entries(result.events)) {
      expect(times, name).toEqual(result.python.variables[name]!.slice(0, times.length));
    }
  });

  it("converts the rmedpc session and one box of the nine-box file, by index, with names and a time unit", async () => {
    const single = join(dir, "rmedpc.nwb");
    const rmedpc = new MedPCInterface({ filePath: RMEDPC });
    expect(rmedpc.sessions).toHaveLength(1);
    await rmedpc.runConversion({ nwbfilePath: single, metadata: metadata("2016-01-09T09:31:20") });
    files.push(single);
    const first = compare(RMEDPC, single, 0);
    expect(first.table).toEqual(first.python.variables);

    const boxes = new MedPCInterface({
      filePath: BOXES,
      sessionIndex: 3,
      variableNames: { F: "PelLP", G: "PelPEnt" },
      eventArrays: ["F", "G"],
      secondsPerUnit: 0.01,
    });
    expect(boxes.session.header.get("Subject")).toBe("55");
    const path = join(dir, "box1.nwb");
    await boxes.runConversion({ nwbfilePath: path, metadata: metadata("2020-01-23T16:38:09") });
    files.push(path);
    const result = compare(BOXES, path, 3);
    expect(Object.keys(result.events).sort()).toEqual(["PelLP", "PelPEnt"]);
    expect(result.events.PelLP).toEqual(result.python.variables.F!.map((v) => v * 0.01));
    expect(result.table.PelLP).toEqual(result.python.variables.F);
  });

  it("says which sessions exist when the choice matches none", () => {
    const error = caught(() => new MedPCInterface({ filePath: BOXES, sessionConditions: { Subject: "99" } }));
    expect(isNeuroconvError(error, "SourceDataError")).toBe(true);
    expect(error.message).toMatch(/match 0 sessions.*0 \(Subject 56, Box 2/);
    const bad = join(dir, "broken.txt");
    writeFileSync(bad, "Start Date: 01/01/20\nStart Time: 1:00:00\nA:\n     0:   1.0   2.0\n     5:   3.0\n");
    expect(caught(() => new MedPCInterface({ filePath: bad })).message).toMatch(
      /line 5: row 5 of array A follows 2 values/,
    );
  });

  it("converts from the command line under its alias", async () => {
    const output = join(dir, "cli.nwb");
    const err: string[] = [];
    const code = await runCli(["convert", "medpc", RMEDPC, "-o", output], {
      out: () => {},
      err: (line) => err.push(line),
      terminal: false,
    });
    expect(code, err.join("\n")).toBe(0);
    files.push(output);
  });

  it("the files pass nwbcheck with the cached ndx-events", () => {
    const result = nwbcheck(...files);
    expect(result.passed, result.output).toBe(true);
    expect(result.output).toContain("ndx-events");
  });
});
