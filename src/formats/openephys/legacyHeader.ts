/**
 * The 1024-byte text header that starts every legacy `.continuous`, `.events` and `.spikes` file
 * (gui-docs, "Open Ephys format"): MATLAB-style assignments `header.<field> = <value>;`, strings in single
 * quotes, padded with spaces to 1024 bytes. Fields: format ('Open Ephys Data Format'), version,
 * header_bytes, description, date_created, channel, channelType, sampleRate, blockLength, bufferSize,
 * bitVolts.
 */
import { SourceDataError } from "../../errors.js";
import { readFullySync, withOpenFile } from "../binary.js";

/** Bytes of every legacy header. */
export const LEGACY_HEADER_BYTES = 1024;
/** Versions whose record layouts this reader follows (GUI 0.4.x, 0.5.x and the 0.6 format plugin). */
export const SUPPORTED_LEGACY_VERSIONS = ["0.4", "0.5", "0.6"] as const;

/** A parsed header. */
export interface LegacyHeader {
  readonly path: string;
  /** Every field as written, quotes removed. */
  readonly fields: Readonly<Record<string, string>>;
  readonly version: string;
  /** Samples per second (undefined when the header lacks it, as some GUI 0.6 plugin builds wrote). */
  readonly sampleRate: number | undefined;
  readonly bitVolts: number | undefined;
  /** `date_created` as written ('dd-Mmm-yyyy hhmmss'). */
  readonly dateCreated: string | undefined;
  readonly channel: string | undefined;
  /** Size of the file in bytes when the header was read. */
  readonly fileSize: number;
}

/** Parses header text; `path` names the file in errors. */
export function parseLegacyHeader(text: string, path: string, fileSize: number): LegacyHeader {
  const fields: Record<string, string> = {};
  for (const part of text.split(";")) {
    const m = /^\s*header\.([A-Za-z_][\w]*)\s*=\s*([\s\S]*?)\s*$/.exec(part);
    if (!m) continue;
    let value = m[2]!;
    if (value.length >= 2 && value.startsWith("'") && value.endsWith("'")) value = value.slice(1, -1);
    fields[m[1]!] = value;
  }
  if (fields.format !== "Open Ephys Data Format") {
    throw new SourceDataError(
      path,
      fields.format === undefined
        ? "is not an Open Ephys data file: its first 1024 bytes hold no header.format field (expected 'Open Ephys Data Format')"
        : `is not an Open Ephys data file: header.format is '${fields.format}' (expected 'Open Ephys Data Format')`,
    );
  }
  const version = (fields.version ?? "").trim();
  const major = /^(\d+)\.(\d+)/.exec(version);
  const normalized = major ? `${Number(major[1])}.${Number(major[2])}` : version;
  if (!(SUPPORTED_LEGACY_VERSIONS as readonly string[]).includes(normalized)) {
    throw new SourceDataError(
      path,
      `header declares format version '${version || "(none)"}', which is not supported: this reader follows versions ${SUPPORTED_LEGACY_VERSIONS.join(", ")} of the Open Ephys data format (GUI 0.4 to 0.6), whose records it knows; convert the recording with a GUI of those versions or export it to the binary format`,
    );
  }
  if (fields.header_bytes !== undefined && Number(fields.header_bytes) !== LEGACY_HEADER_BYTES) {
    throw new SourceDataError(
      path,
      `header declares header_bytes = ${fields.header_bytes}; the format's headers are ${LEGACY_HEADER_BYTES} bytes and other sizes are not supported`,
    );
  }
  const number = (key: string): number | undefined => {
    const raw = fields[key];
    if (raw === undefined || raw.trim() === "") return undefined;
    const value = Number(raw);
    if (!Number.isFinite(value)) throw new SourceDataError(path, `header.${key} = ${raw} is not a number`);
    return value;
  };
  const sampleRate = number("sampleRate");
  if (sampleRate !== undefined && !(sampleRate > 0)) {
    throw new SourceDataError(path, `header.sampleRate is ${sampleRate}; it must be positive`);
  }
  return {
    path,
    fields,
    version: normalized,
    sampleRate,
    bitVolts: number("bitVolts"),
    dateCreated: fields.date_created,
    channel: fields.channel,
    fileSize,
  };
}

/** Reads and parses the header of a legacy file synchronously. */
export function readLegacyHeader(path: string): LegacyHeader {
  return withOpenFile(path, (fd, _path, size) => {
    if (size < LEGACY_HEADER_BYTES) {
      throw new SourceDataError(
        path,
        `is ${size} bytes long, shorter than the ${LEGACY_HEADER_BYTES}-byte header every Open Ephys data file starts with: truncated?`,
      );
    }
    const bytes = Buffer.alloc(LEGACY_HEADER_BYTES);
    readFullySync(fd, bytes, 0, path);
    return parseLegacyHeader(bytes.toString("latin1"), path, size);
  });
}
