/**
 * One planned session built and written: its interfaces constructed from their source arguments, combined in
 * a ConverterPipe when there are several, and converted with the session's metadata and options.
 */
import type { Conversion } from "../conversion/conversion.js";
import { ConverterPipe } from "../conversion/converter.js";
import type { Metadata } from "../conversion/metadata/schema.js";
import { bytesPerElement } from "../data/dtype.js";
import { findInterface } from "../interfaces/registry.js";
import type { NWBFile } from "../nwb/containers/file.js";
import { configureAndWriteNwbfile, getDefaultBackendConfiguration } from "../nwb/write/configureAndWrite.js";
import { checkOutputPath } from "../nwb/write/output.js";
import type { ProgressCallback } from "../nwb/write/writer.js";
import type { PlannedSession } from "./sessions.js";

/** The session's conversion and the conversion options to pass to it. */
export function buildSession(session: PlannedSession): {
  conversion: Conversion;
  options: Record<string, unknown>;
} {
  const built = Object.entries(session.interfaces).map(([name, { className, sourceData }]) => {
    const entry = findInterface(className);
    if (!entry) throw new Error(`interface ${className} is not registered`);
    return [name, new entry.cls(sourceData as never)] as const;
  });
  if (built.length === 1) {
    const [name, conversion] = built[0]!;
    return { conversion, options: { ...session.conversionOptions[name] } };
  }
  // registered converters (e.g. IntanConverter) take part like interfaces: a pipe only calls what both offer
  const conversion = new ConverterPipe(Object.fromEntries(built) as never);
  return { conversion, options: { conversionOptions: session.conversionOptions } };
}

/** The session's in-memory file (bulk data still lazy), with the merged metadata checked. */
export function sessionNwbfile(session: PlannedSession): Promise<NWBFile> {
  const { conversion, options } = buildSession(session);
  return conversion.createNwbfile({ ...options, metadata: session.metadata as Partial<Metadata> });
}

/** What a session will write: each bulk dataset's location, shape and uncompressed size. */
export interface DatasetSummary {
  readonly location: string;
  readonly shape: readonly number[];
  readonly bytes: number;
}

/** The bulk datasets of an in-memory file, as the writer will store them. */
export function bulkDatasets(nwbfile: NWBFile): DatasetSummary[] {
  const configuration = getDefaultBackendConfiguration(nwbfile, "hdf5");
  return Object.values(configuration.datasetConfigurations).map((d) => ({
    location: d.location,
    shape: d.fullShape,
    bytes: d.fullShape.reduce((n, extent) => n * extent, bytesPerElement(d.dtype)),
  }));
}

/**
 * Converts one session to its output file (written atomically; an existing file only with `overwrite`).
 * Aborting `signal` stops the write and leaves no output.
 */
export async function convertSession(
  session: PlannedSession,
  options: { overwrite?: boolean; onProgress?: ProgressCallback; jobs?: number; signal?: AbortSignal } = {},
): Promise<void> {
  await checkOutputPath(session.outputPath, options.overwrite ?? false);
  const nwbfile = await sessionNwbfile(session);
  await configureAndWriteNwbfile(nwbfile, {
    nwbfilePath: session.outputPath,
    ...(options.overwrite && { overwrite: true }),
    ...(options.onProgress && { onProgress: options.onProgress }),
    ...(options.jobs !== undefined && { jobs: options.jobs }),
    ...(options.signal && { signal: options.signal }),
  });
}
