import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  checkDandiReadiness,
  isNeuroconvError,
  loadMetadata,
  type Metadata,
  MetadataValidationError,
  mergeMetadata,
  OutputPathError,
  SourceArgumentsError,
  saveMetadata,
  withTimeZone,
} from "../../src/index.js";
import { MockImagingInterface, MockRecordingInterface } from "../../src/testing/index.js";

const iface = new MockRecordingInterface({ numChannels: 2, durationSeconds: 0.01 });

function messages(metadata: Partial<Metadata>): string[] {
  const merged = mergeMetadata(iface.getMetadata(), metadata);
  return iface.checkMetadata(merged).problems.map((p) => p.message);
}

describe("metadata validation names the field, the value and the fix", () => {
  it("accepts good Subject values, including age ranges and NCBI URLs", () => {
    expect(
      messages({
        Subject: {
          subject_id: "M1",
          sex: "F",
          age: "P30D/P35D",
          age__reference: "gestational",
          species: "http://purl.obolibrary.org/obo/NCBITaxon_10090",
          date_of_birth: "2023-12-01",
          weight: "0.02 kg",
        },
      }),
    ).toEqual([]);
    expect(messages({ Subject: { age: "P2Y6M" } })).toEqual([]);
    expect(messages({ Subject: { age: "PT12H" } })).toEqual([]);
  });

  it.each([
    [
      { age: "thirty days" },
      "Subject.age 'thirty days' is not an ISO 8601 duration; write P30D (30 days), P10W or P2Y, or a range such as P30D/P35D",
    ],
    [
      { age: "30D" },
      "Subject.age '30D' is not an ISO 8601 duration; write P30D (30 days), P10W or P2Y, or a range such as P30D/P35D",
    ],
    [{ sex: "male" }, "Subject.sex 'male' is not one of M, F, U, O; write M, F, U (unknown) or O (other)"],
    [
      { species: "mouse" },
      "Subject.species 'mouse' is not a Latin binomial or an NCBI taxonomy URL; write e.g. Mus musculus, or http://purl.obolibrary.org/obo/NCBITaxon_10090",
    ],
    [
      { age__reference: "conception" },
      "Subject.age__reference 'conception' is not birth or gestational; write birth or gestational",
    ],
    [
      { date_of_birth: "yesterday" },
      "Subject.date_of_birth 'yesterday' is not an ISO 8601 date-time; write e.g. 2024-03-01T10:00:00-08:00",
    ],
    [{ subject_id: 42 }, "Subject.subject_id must be a string, got a number 42"],
    [
      { favourite_food: "cheese" },
      "Subject.favourite_food is not a known field; remove it or fix its spelling (known: age, age__reference, date_of_birth, description, genotype, sex, species, strain, subject_id, weight)",
    ],
  ])("Subject %j", (subject, expected) => {
    expect(messages({ Subject: subject as Metadata["Subject"] })).toEqual([expected]);
  });

  it("reports every problem at once, with wrong types and unknown keys", () => {
    const problems = messages({
      NWBFile: { keywords: "a,b" as unknown as string[], sesion_id: "typo" } as Metadata["NWBFile"],
      Subject: { sex: "X" as "M", age: "old" },
    });
    expect(problems).toHaveLength(4);
    expect(problems).toContain("NWBFile.keywords must be an array, got a string 'a,b'");
    expect(problems.some((p) => p.startsWith("NWBFile.sesion_id is not a known field"))).toBe(true);
  });

  it("checks the Ophys section too", () => {
    const imaging = new MockImagingInterface();
    const metadata = imaging.getMetadata();
    expect(imaging.checkMetadata(metadata).problems).toEqual([]);
    (metadata.Ophys!.ImagingPlane![0] as { excitation_lambda: unknown }).excitation_lambda = "920 nm";
    expect(imaging.checkMetadata(metadata).problems.map((p) => p.message)).toEqual([
      "Ophys.ImagingPlane[0].excitation_lambda must be a number, got a string '920 nm'",
    ]);
  });

  it("throws a MetadataValidationError from runConversion and writes nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "neuroconv-meta-"));
    const error = await iface
      .runConversion({ nwbfilePath: join(dir, "x.nwb"), metadata: { Subject: { age: "thirty days" } } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MetadataValidationError);
    expect((error as MetadataValidationError).problems[0]!.path).toBe("Subject.age");
    expect(readdirSync(dir)).toEqual([]);
  });

  it("warns when the session start time has no time zone", () => {
    const { warnings } = iface.checkMetadata(iface.getMetadata());
    expect(warnings[0]).toContain("NWBFile.session_start_time '2024-01-01T12:00:00' has no time zone");
  });

  it("never mutates the metadata it is given, and getMetadata returns fresh copies", async () => {
    const metadata = iface.getMetadata();
    const before = structuredClone(metadata);
    const dir = mkdtempSync(join(tmpdir(), "neuroconv-meta-"));
    await iface.runConversion({ nwbfilePath: join(dir, "x.nwb"), metadata });
    expect(metadata).toEqual(before);
    expect(iface.getMetadata()).not.toBe(iface.getMetadata());
  });
});

describe("source arguments and output paths", () => {
  it("rejects bad source arguments before opening anything, naming each", () => {
    const error = (() => {
      try {
        new MockRecordingInterface({ numChannels: "four" as unknown as number, colour: "red" } as never);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(SourceArgumentsError);
    expect((error as Error).message).toContain("numChannels must be an integer, got a string 'four'");
    expect((error as Error).message).toContain("colour is not a known field");
  });

  it("refuses an existing file without overwrite, and a directory, before any work", async () => {
    const dir = mkdtempSync(join(tmpdir(), "neuroconv-out-"));
    writeFileSync(join(dir, "taken.nwb"), "keep me");
    mkdirSync(join(dir, "folder.nwb"));
    for (const target of ["taken.nwb", "folder.nwb"]) {
      const error = await iface.runConversion({ nwbfilePath: join(dir, target) }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OutputPathError);
      expect(isNeuroconvError(error, "OutputPathError")).toBe(true);
    }
    expect(readFileSync(join(dir, "taken.nwb"), "utf8")).toBe("keep me");
    expect(readdirSync(dir).sort()).toEqual(["folder.nwb", "taken.nwb"]);
  });
});

describe("metadata helpers", () => {
  it("attaches IANA time zones with daylight saving", () => {
    expect(withTimeZone("2020-11-03T10:35:10", "US/Pacific")).toBe("2020-11-03T10:35:10-08:00");
    expect(withTimeZone("2020-07-03T10:35:10", "US/Pacific")).toBe("2020-07-03T10:35:10-07:00");
    expect(withTimeZone("2020-07-03T10:35:10.125", "Europe/Berlin")).toBe("2020-07-03T10:35:10.125+02:00");
    expect(withTimeZone("2020-07-03T08:35:10Z", "Europe/Berlin")).toBe("2020-07-03T10:35:10+02:00");
    expect(withTimeZone("2020-01-03T10:00:00", "Asia/Kolkata")).toBe("2020-01-03T10:00:00+05:30");
    expect(() => withTimeZone("2020-01-03T10:00:00", "Mars/Olympus")).toThrow(
      "unknown time zone 'Mars/Olympus'",
    );
  });

  it("merges named lists by name and leaves the inputs alone", () => {
    const base = { Ecephys: { ElectrodeGroup: [{ name: "a", location: "x" }, { name: "b" }] } };
    const merged = mergeMetadata(base, {
      Ecephys: { ElectrodeGroup: [{ name: "b", location: "CA1" }, { name: "c" }] },
    });
    expect(merged.Ecephys.ElectrodeGroup).toEqual([
      { name: "a", location: "x" },
      { name: "b", location: "CA1" },
      { name: "c" },
    ]);
    expect(base.Ecephys.ElectrodeGroup[1]).toEqual({ name: "b" });
  });

  it("saves and loads YAML and JSON", async () => {
    const dir = mkdtempSync(join(tmpdir(), "neuroconv-yaml-"));
    const metadata = iface.getMetadata();
    metadata.Subject = { subject_id: "M1", species: "Mus musculus" };
    for (const name of ["m.yaml", "m.json"]) {
      await saveMetadata(metadata, join(dir, name));
      expect(await loadMetadata(join(dir, name))).toEqual(metadata);
    }
    expect(readFileSync(join(dir, "m.yaml"), "utf8")).toContain("subject_id: M1");
    writeFileSync(join(dir, "bad.yaml"), "NWBFile: [unclosed");
    await expect(loadMetadata(join(dir, "bad.yaml"))).rejects.toThrow(/bad\.yaml: not valid YAML/);
  });

  it("lists what DANDI still needs", () => {
    const report = checkDandiReadiness(iface.getMetadata());
    expect(report.ready).toBe(false);
    expect(report.missing).toEqual([
      'NWBFile.session_start_time needs a time zone (use withTimeZone(value, "US/Pacific"))',
      "Subject.subject_id",
      "Subject.sex (M, F, U or O)",
      "Subject.species (e.g. Mus musculus)",
      "Subject.age (e.g. P30D) or Subject.date_of_birth",
    ]);
    const ready = checkDandiReadiness({
      NWBFile: { session_start_time: "2024-01-01T12:00:00-05:00" },
      Subject: { subject_id: "M1", sex: "M", species: "Mus musculus", age: "P30D" },
    });
    expect(ready).toMatchObject({ ready: true, missing: [] });
  });
});
