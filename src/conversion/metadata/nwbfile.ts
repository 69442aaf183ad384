/**
 * Turning metadata into the NWBFile and Subject objects. Placeholders for required NWB fields that the
 * metadata lacks are made here, on the objects, and never written back into the metadata.
 */
import { MetadataValidationError } from "../../errors.js";
import { NWBFile, Subject } from "../../nwb/containers/file.js";
import { formatDatetime, hasUtcOffset, localTimeZone } from "../../nwb/containers/time.js";
import type { Metadata } from "./schema.js";
import { withTimeZone } from "./timezone.js";

export const PLACEHOLDER_DESCRIPTION = "no description";

/**
 * A date-time with its UTC offset. NWB readers refuse times without one, and acquisition systems rarely
 * record it, so a time without an offset gets this machine's zone (what pynwb and NeuroConv do too);
 * metadata validation warns about it beforehand. The metadata itself is not changed.
 */
function zoned(value: string | Date): string {
  const text = formatDatetime(value);
  return hasUtcOffset(text) ? text : withTimeZone(text, localTimeZone());
}

/** A new in-memory NWB file from `metadata.NWBFile` and `metadata.Subject`. */
export function nwbfileFromMetadata(metadata: Metadata): NWBFile {
  const { session_start_time: start, session_description, ...general } = metadata.NWBFile ?? {};
  if (start === undefined) {
    throw new MetadataValidationError([
      {
        path: "NWBFile.session_start_time",
        value: undefined,
        message:
          "NWBFile.session_start_time is required and the source does not say it; set it in the metadata (NWBFile: session_start_time: '2024-03-01T10:00:00-08:00', e.g. in a --metadata YAML file) or pass --session-start-time on the command line",
      },
    ]);
  }
  const { timestamps_reference_time: reference, ...rest } = general;
  const nwbfile = new NWBFile({
    ...rest,
    session_start_time: zoned(start),
    ...(reference !== undefined && { timestamps_reference_time: zoned(reference) }),
    session_description: session_description ?? PLACEHOLDER_DESCRIPTION,
  });
  const subject = metadata.Subject;
  if (subject && Object.keys(subject).length > 0) {
    const { date_of_birth: birth, ...fields } = subject;
    nwbfile.subject = new Subject({
      ...(fields as ConstructorParameters<typeof Subject>[0]),
      ...(birth !== undefined && { date_of_birth: zoned(birth) }),
    });
  }
  return nwbfile;
}
