/**
 * One planned session built and written: its interfaces constructed from their source arguments, combined in
 * a ConverterPipe when there are several, and converted with the session's metadata and options.
 */
import type { Conversion } from "../conversion/conversion.js";
import { ConverterPipe } from "../conversion/converter.js";
import type { Metadata } from "../conversion/metadata/schema.js";
import { findInterface } from "../interfaces/registry.js";
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

/** Converts one session to its output file (written atomically; an existing file only with `overwrite`). */
export async function convertSession(
  session: PlannedSession,
  options: { overwrite?: boolean; onProgress?: ProgressCallback; jobs?: number } = {},
): Promise<void> {
  const { conversion, options: conversionOptions } = buildSession(session);
  await conversion.runConversion({
    ...conversionOptions,
    nwbfilePath: session.outputPath,
    metadata: session.metadata as Partial<Metadata>,
    ...(options.overwrite && { overwrite: true }),
    ...(options.onProgress && { onProgress: options.onProgress }),
    ...(options.jobs !== undefined && { jobs: options.jobs }),
  });
}
