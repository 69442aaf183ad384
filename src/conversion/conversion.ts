/**
 * What interfaces and converters share: metadata in, NWB file out.
 * `createNwbfile` builds the in-memory file; `runConversion` checks the destination first, then builds
 * and writes the file safely (temporary file, rename at the end).
 */
import type { TObject } from "@sinclair/typebox";
import { MetadataValidationError } from "../errors.js";
import type { NWBFile } from "../nwb/containers/file.js";
import type { BackendConfiguration } from "../nwb/write/backendConfiguration.js";
import { configureAndWriteNwbfile } from "../nwb/write/configureAndWrite.js";
import { checkOutputPath } from "../nwb/write/output.js";
import type { ProgressCallback } from "../nwb/write/writer.js";
import { mergeMetadata } from "./metadata/merge.js";
import { checkMetadataNames } from "./metadata/names.js";
import { nwbfileFromMetadata } from "./metadata/nwbfile.js";
import type { Metadata } from "./metadata/schema.js";
import { checkMetadata, normalizeMetadata, validateMetadataAgainst } from "./metadata/validate.js";
import { emitNeuroconvWarning } from "./warnings.js";

/** Options every conversion understands. */
export interface StandardConversionOptions {
  /** Write only a short excerpt of every bulk dataset (a quick preview of the conversion). */
  readonly stubTest?: boolean;
}

/** `createNwbfile` arguments: metadata plus the conversion options, side by side. */
export type CreateNwbfileOptions<O> = O & {
  /** Metadata to use; it refines `getMetadata()` (so a partial object with only your additions works). */
  readonly metadata?: Partial<Metadata>;
};

/** `runConversion` arguments: where and how to write, metadata, plus the conversion options. */
export type RunConversionOptions<O> = CreateNwbfileOptions<O> & WriteArguments;

interface WriteArguments {
  readonly nwbfilePath: string;
  /** Add to this in-memory file instead of making a new one from the metadata. */
  readonly nwbfile?: NWBFile;
  /** Replace an existing file (default false). */
  readonly overwrite?: boolean;
  /** Storage engine name (default `"hdf5"`). */
  readonly backend?: string;
  readonly backendConfiguration?: BackendConfiguration;
  /** Chunks compressed at once; default: one per core. */
  readonly jobs?: number;
  /** Progress of the write (bytes of bulk data written so far, of the total). */
  readonly onProgress?: ProgressCallback;
}

/** Reports metadata warnings once, through the warning channel. */
function warn(warnings: readonly string[]): void {
  for (const warning of warnings) emitNeuroconvWarning(warning, "NeuroconvMetadataWarning");
}

/** Base of interfaces and converters: metadata in, an NWB file out (`createNwbfile`, `runConversion`). */
export abstract class Conversion<O extends StandardConversionOptions = StandardConversionOptions> {
  /** Metadata the source(s) state; a fresh copy on every call, safe to edit. */
  abstract getMetadata(): Metadata;
  /** JSON schema of the metadata this conversion accepts. */
  abstract getMetadataSchema(): TObject;
  /** JSON schema of the conversion options. */
  abstract getConversionOptionsSchema(): TObject;
  /** Adds this conversion's objects to an in-memory NWB file. */
  abstract addToNwbfile(nwbfile: NWBFile, metadata: Metadata, options?: O): void | Promise<void>;

  /**
   * Checks metadata; throws a MetadataValidationError listing every problem (path, value and fix) and
   * returns warnings (e.g. a start time without a time zone).
   */
  validateMetadata(metadata: Metadata): readonly string[] {
    return validateMetadataAgainst(metadata, this.getMetadataSchema());
  }

  /** Like {@link validateMetadata}, without throwing. */
  checkMetadata(metadata: Metadata) {
    return checkMetadata(metadata, this.getMetadataSchema());
  }

  /**
   * The source's metadata refined by the user's, validated; the user's object is not modified. Names in the
   * user's Ecephys metadata that match nothing the conversion writes are errors (see checkMetadataNames).
   */
  protected resolveMetadata(metadata: Partial<Metadata> | undefined): Metadata {
    const source = this.getMetadata();
    const unknownNames = checkMetadataNames(source, metadata);
    if (unknownNames.length > 0) throw new MetadataValidationError(unknownNames);
    const merged = normalizeMetadata(mergeMetadata(source, metadata));
    warn(this.validateMetadata(merged));
    return merged;
  }

  /**
   * An in-memory NWB file holding this conversion's objects (bulk data still lazy), to extend before
   * writing it with `configureAndWriteNwbfile`.
   */
  async createNwbfile(options: CreateNwbfileOptions<O> = {} as CreateNwbfileOptions<O>): Promise<NWBFile> {
    const { metadata: userMetadata, ...conversionOptions } = options;
    const metadata = this.resolveMetadata(userMetadata);
    const nwbfile = nwbfileFromMetadata(metadata);
    await this.addToNwbfile(nwbfile, metadata, conversionOptions as unknown as O);
    return nwbfile;
  }

  /** Converts to an NWB file at `nwbfilePath`. */
  async runConversion(options: RunConversionOptions<O>): Promise<void> {
    const {
      nwbfilePath,
      nwbfile: given,
      overwrite,
      backend,
      backendConfiguration,
      onProgress,
      jobs,
      metadata: userMetadata,
      ...rest
    } = options;
    await checkOutputPath(nwbfilePath, overwrite ?? false, backend);
    const metadata = this.resolveMetadata(userMetadata);
    const nwbfile = given ?? nwbfileFromMetadata(metadata);
    await this.addToNwbfile(nwbfile, metadata, rest as unknown as O);
    await configureAndWriteNwbfile(nwbfile, {
      nwbfilePath,
      ...(overwrite !== undefined && { overwrite }),
      ...(backend && { backend }),
      ...(backendConfiguration && { backendConfiguration }),
      ...(onProgress && { onProgress }),
      ...(jobs !== undefined && { jobs }),
    });
  }
}
