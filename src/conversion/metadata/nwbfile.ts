/**
 * Turning metadata into the NWBFile and Subject objects. Placeholders for required NWB fields that the
 * metadata lacks are made here, on the objects, and never written back into the metadata.
 */
import { MetadataValidationError } from "../../errors.js";
import { NWBFile, Subject } from "../../nwb/containers/file.js";
import { formatDatetime } from "../../nwb/containers/time.js";
import type { Metadata } from "./schema.js";

export const PLACEHOLDER_DESCRIPTION = "no description";

/** A new in-memory NWB file from `metadata.NWBFile` and `metadata.Subject`. */
export function nwbfileFromMetadata(metadata: Metadata): NWBFile {
  const { session_start_time: start, session_description, ...general } = metadata.NWBFile ?? {};
  if (start === undefined) {
    throw new MetadataValidationError([
      {
        path: "NWBFile.session_start_time",
        value: undefined,
        message:
          "NWBFile.session_start_time is required and the source does not say it; set it, e.g. metadata.NWBFile.session_start_time = '2024-03-01T10:00:00-08:00'",
      },
    ]);
  }
  const nwbfile = new NWBFile({
    ...general,
    session_start_time: formatDatetime(start),
    session_description: session_description ?? PLACEHOLDER_DESCRIPTION,
  });
  const subject = metadata.Subject;
  if (subject && Object.keys(subject).length > 0) {
    nwbfile.subject = new Subject(subject as ConstructorParameters<typeof Subject>[0]);
  }
  return nwbfile;
}
