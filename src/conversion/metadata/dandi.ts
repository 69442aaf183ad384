/**
 * What the DANDI archive still needs before it accepts a file made from this metadata.
 */
import { hasUtcOffset } from "../../nwb/containers/time.js";
import type { Metadata } from "./schema.js";

/** What {@link checkDandiReadiness} found. */
export interface DandiReadiness {
  /** Fields DANDI requires that are missing or unusable. */
  readonly missing: readonly string[];
  /** Fields DANDI and the NWB Inspector recommend. */
  readonly recommended: readonly string[];
  readonly ready: boolean;
}

/**
 * Lists what DANDI still needs: Subject.subject_id, sex, species, age (or date_of_birth) and a session start
 * time with a time zone; and what it recommends.
 *
 * @example
 * ```ts
 * const { ready, missing } = checkDandiReadiness(metadata);
 * if (!ready) console.log("DANDI still needs:", missing.join("; "));
 * ```
 */
export function checkDandiReadiness(metadata: Partial<Metadata>): DandiReadiness {
  const missing: string[] = [];
  const recommended: string[] = [];
  const subject = metadata.Subject ?? {};
  const start = metadata.NWBFile?.session_start_time;
  if (start === undefined) missing.push("NWBFile.session_start_time");
  else if (typeof start === "string" && !hasUtcOffset(start)) {
    missing.push(`NWBFile.session_start_time needs a time zone (use withTimeZone(value, "US/Pacific"))`);
  }
  if (!subject.subject_id) missing.push("Subject.subject_id");
  if (!subject.sex) missing.push("Subject.sex (M, F, U or O)");
  if (!subject.species) missing.push("Subject.species (e.g. Mus musculus)");
  if (!subject.age && !subject.date_of_birth)
    missing.push("Subject.age (e.g. P30D) or Subject.date_of_birth");
  for (const field of [
    "session_description",
    "experimenter",
    "institution",
    "lab",
    "experiment_description",
  ] as const) {
    if (!metadata.NWBFile?.[field]) recommended.push(`NWBFile.${field}`);
  }
  if (subject.age && !subject.age__reference)
    recommended.push("Subject.age__reference (birth or gestational)");
  return { missing, recommended, ready: missing.length === 0 };
}
