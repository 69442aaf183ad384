/**
 * CellExplorer (Buzsáki lab) sessions: the raw `.dat` and `.lfp` binaries described by `<basename>.session.mat`
 * (or buzcode's `sessionInfo.mat`), and the units of `*.spikes.cellinfo.mat` / `*.cell_metrics.cellinfo.mat`.
 */
import { statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { type Static, type TObject, Type } from "@sinclair/typebox";
import type { Recording, WriteAs } from "../../conversion/ecephys/recording.js";
import {
  BaseRecordingInterface,
  type RecordingMetadata,
} from "../../conversion/ecephys/recordingInterface.js";
import { BaseSortingInterface, type Sorting } from "../../conversion/ecephys/sorting.js";
import type { Metadata } from "../../conversion/metadata/schema.js";
import { emitNeuroconvWarning } from "../../conversion/warnings.js";
import { bytesPerElement } from "../../data/dtype.js";
import { SourceDataError } from "../../errors.js";
import {
  type CellExplorerSession,
  type CellExplorerUnits,
  readCellExplorerSession,
  readCellExplorerUnits,
} from "../../formats/cellexplorer/index.js";
import { InterleavedFile } from "../../formats/interleaved.js";

/** Latin names the NWB Inspector expects, for the common names CellExplorer sessions use. */
const SPECIES: Readonly<Record<string, string>> = {
  rat: "Rattus norvegicus",
  mouse: "Mus musculus",
  human: "Homo sapiens",
  monkey: "Macaca mulatta",
};

/** What a session states, as NWBFile and Subject metadata. */
function sessionMetadata(metadata: Metadata, session: CellExplorerSession): void {
  if (session.startTime) metadata.NWBFile.session_start_time = session.startTime;
  if (session.experimenters.length > 0) metadata.NWBFile.experimenter = [...session.experimenters];
  if (session.description) metadata.NWBFile.session_description = session.description;
  metadata.NWBFile.session_id = session.basename;
  const { id, sex, species, strain } = session.subject;
  const sexCode = sex ? ({ male: "M", female: "F" } as const)[sex.toLowerCase() as "male"] : undefined;
  if (id || sexCode || species || strain) {
    metadata.Subject = {
      ...metadata.Subject,
      ...(id && { subject_id: id }),
      ...(sexCode && { sex: sexCode }),
      ...(species && { species: SPECIES[species.toLowerCase()] ?? species }),
      ...(strain && { strain }),
    };
  }
}

/** The source arguments of the recording interfaces, as a JSON schema. */
export const CellExplorerRecordingSourceSchema = Type.Object(
  {
    folderPath: Type.String({
      description: "The session folder (holding <basename>.session.mat and <basename>.dat / .lfp).",
    }),
  },
  { additionalProperties: false },
);

/** The source arguments of CellExplorerRecordingInterface and CellExplorerLFPInterface. */
export type CellExplorerRecordingSource = Static<typeof CellExplorerRecordingSourceSchema>;

/** A session's binary file as a Recording: int16 (or the session's precision) interleaved channels. */
function sessionRecording(session: CellExplorerSession, path: string, rate: number): Recording {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw new SourceDataError(path, `the binary file of session ${session.basename} is missing`);
  }
  const rowBytes = session.numChannels * bytesPerElement(session.dtype);
  const rows = Math.floor(size / rowBytes);
  if (size % rowBytes !== 0) {
    emitNeuroconvWarning(
      `${path}: ${size % rowBytes} bytes after the last whole sample of ${session.numChannels} channels are left out (truncated file?)`,
    );
  }
  const file = new InterleavedFile({
    path,
    dtype: session.dtype,
    numChannels: session.numChannels,
    records: { kind: "contiguous", offset: 0, rows },
  });
  return {
    samplingRate: rate,
    numSamples: rows,
    channels: session.channels.map((channel) => ({
      name: channel.name,
      groupName: channel.group,
      properties: {
        ...(channel.x !== undefined && { rel_x: channel.x, rel_y: channel.y! }),
        ...(channel.location && { location: channel.location }),
        ...(channel.ccf && { ccf_x: channel.ccf[0], ccf_y: channel.ccf[1], ccf_z: channel.ccf[2] }),
      },
    })),
    data: file.source(),
    gainToVolts: session.microvoltsPerBit / 1e6,
  };
}

/**
 * The wideband `<basename>.dat` of a CellExplorer session folder: rate, channel count, precision and scaling
 * (`leastSignificantBit`) from `<basename>.session.mat` (v5 or v7.3) or buzcode's `sessionInfo.mat`; electrode
 * groups (shanks) from `electrodeGroups`, probe coordinates from `chanCoords` (in the session or
 * `*.chanCoords.channelInfo.mat`), brain regions per channel, Allen CCF coordinates from `*.ccf.channelInfo.mat`,
 * start time and subject from the session.
 *
 * @example
 * ```ts
 * const rec = new CellExplorerRecordingInterface({ folderPath: "Peter_MS22_180629_110319_concat" });
 * await rec.runConversion({ nwbfilePath: "session.nwb" });
 * ```
 */
export class CellExplorerRecordingInterface extends BaseRecordingInterface<CellExplorerRecordingSource> {
  static override displayName = "CellExplorer recording";
  static override keywords = ["CellExplorer", "buzcode", "Buzsaki", "dat", "extracellular"];
  static override associatedSuffixes = [".dat", ".mat"];
  static override info = "Wideband .dat of a CellExplorer session folder, with its session.mat metadata.";
  static override sourceSchema: TObject = CellExplorerRecordingSourceSchema;

  readonly session: CellExplorerSession;
  protected readonly recording: Recording;

  constructor(sourceData: CellExplorerRecordingSource) {
    super(sourceData);
    this.session = readCellExplorerSession(sourceData.folderPath);
    this.recording = this.open();
  }

  /** The binary this interface reads and its rate. */
  protected open(): Recording {
    const path = join(this.sourceData.folderPath, `${this.session.basename}.dat`);
    return sessionRecording(this.session, path, this.session.samplingRate);
  }

  override getMetadata(): RecordingMetadata {
    const metadata = super.getMetadata();
    sessionMetadata(metadata, this.session);
    return metadata;
  }
}

/**
 * The LFP `<basename>.lfp` of a CellExplorer session folder (at `srLfp`, 1250 Hz by default), written to
 * processing/ecephys/LFP.
 *
 * @example
 * ```ts
 * const lfp = new CellExplorerLFPInterface({ folderPath: "Peter_MS22_180629_110319_concat" });
 * ```
 */
export class CellExplorerLFPInterface extends CellExplorerRecordingInterface {
  static override displayName = "CellExplorer LFP";
  static override associatedSuffixes = [".lfp", ".mat"];
  static override info = "LFP (.lfp) of a CellExplorer session folder, with its session.mat metadata.";

  override get seriesKey(): string {
    return "ElectricalSeriesLFP";
  }

  protected override open(): Recording {
    const path = join(this.sourceData.folderPath, `${this.session.basename}.lfp`);
    return sessionRecording(this.session, path, this.session.lfpSamplingRate ?? 1250);
  }

  protected override get defaultWriteAs(): WriteAs {
    return "lfp";
  }
}

/** The source arguments of the sorting interface, as a JSON schema. */
export const CellExplorerSortingSourceSchema = Type.Object(
  {
    filePath: Type.String({
      description: "The <basename>.spikes.cellinfo.mat (or a <basename>.cell_metrics.cellinfo.mat) file.",
    }),
  },
  { additionalProperties: false },
);

/** The source arguments of CellExplorerSortingInterface. */
export type CellExplorerSortingSource = Static<typeof CellExplorerSortingSourceSchema>;

/**
 * Units of a CellExplorer `*.spikes.cellinfo.mat` (MATLAB v5 or v7.3): spike times, `unit_name` = UID,
 * `clu_id`, `shank_id`, `max_waveform_channel`, `location`, and every per-cell value of the
 * `<basename>.cell_metrics.cellinfo.mat` beside it as a column (numbers or text; curves and waveforms are named
 * in a warning). A cell_metrics file alone works too (its `spikes.times`). The session file beside it gives the
 * start time and subject.
 *
 * @example
 * ```ts
 * const units = new CellExplorerSortingInterface({ filePath: "session/session.spikes.cellinfo.mat" });
 * ```
 */
export class CellExplorerSortingInterface extends BaseSortingInterface<CellExplorerSortingSource> {
  static override displayName = "CellExplorer sorting";
  static override keywords = ["CellExplorer", "buzcode", "spike sorting", "units", "cell metrics"];
  static override associatedSuffixes = [".mat"];
  static override info =
    "Units and cell metrics of a CellExplorer spikes.cellinfo.mat / cell_metrics.cellinfo.mat.";
  static override sourceSchema: TObject = CellExplorerSortingSourceSchema;

  readonly cellExplorerUnits: CellExplorerUnits;
  readonly session: CellExplorerSession | undefined;
  protected readonly sorting: Sorting;

  constructor(sourceData: CellExplorerSortingSource) {
    super(sourceData);
    const { filePath } = sourceData;
    const base = basename(filePath).replace(/\.(spikes|cell_metrics)\.cellinfo\.mat$/, "");
    const folder = dirname(filePath);
    this.session = sessionBeside(folder);
    this.cellExplorerUnits = readCellExplorerUnits(
      filePath,
      join(folder, `${base}.cell_metrics.cellinfo.mat`),
    );
    const found = this.cellExplorerUnits;
    if (found.leftOut.length > 0) {
      emitNeuroconvWarning(
        `${filePath}: fields not written as unit columns (not one number or text per unit): ${found.leftOut.join(", ")}`,
      );
    }
    // Spike times are kept exact: on the file's sample clock when it states one, else a 1 Hz clock of seconds.
    const rate = found.samplingRate ?? this.session?.samplingRate ?? 1;
    this.sorting = {
      samplingRate: rate,
      propertyDescriptions: found.descriptions,
      units: found.units.map((unit) => ({
        id: unit.uid,
        spikeFrames:
          unit.spikeSamples && found.samplingRate ? unit.spikeSamples : unit.spikeTimes.map((t) => t * rate),
        properties: unit.properties,
      })),
    };
  }

  override getMetadata(): Metadata {
    const metadata = super.getMetadata();
    if (this.session) sessionMetadata(metadata, this.session);
    return metadata;
  }
}

/** The session of the folder, when one is there. */
function sessionBeside(folder: string): CellExplorerSession | undefined {
  try {
    return readCellExplorerSession(folder);
  } catch (error) {
    if (error instanceof SourceDataError && /no <basename>\.session\.mat/.test(error.message))
      return undefined;
    throw error;
  }
}
