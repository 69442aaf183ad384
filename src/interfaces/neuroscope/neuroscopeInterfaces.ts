/**
 * NeuroScope / Klusters sessions (Buzsáki lab NeuroSuite): the wide-band `.dat` and field-potential
 * `.lfp`/`.eeg` files with the session's `.xml` parameters, and the `.res.N`/`.clu.N` spike clusters.
 */
import { existsSync, readdirSync } from "node:fs";
import { basename, extname } from "node:path";
import { type Static, type TObject, Type } from "@sinclair/typebox";
import type { Recording, RecordingChannel, WriteAs } from "../../conversion/ecephys/recording.js";
import {
  BaseRecordingInterface,
  type RecordingMetadata,
} from "../../conversion/ecephys/recordingInterface.js";
import { BaseSortingInterface, type SortedUnit, type Sorting } from "../../conversion/ecephys/sorting.js";
import type { Metadata } from "../../conversion/metadata/schema.js";
import { emitNeuroconvWarning } from "../../conversion/warnings.js";
import { SourceDataError } from "../../errors.js";
import {
  findClusterFiles,
  findSessionXml,
  type NeuroScopeSession,
  openNeuroScopeBinary,
  readNeuroScopeSession,
  readShankSpikes,
} from "../../formats/neuroscope/index.js";

const xmlOption = Type.Optional(
  Type.String({
    description:
      "The session's NeuroScope .xml parameter file; default: <stem>.xml beside the data, else the folder's only .xml.",
  }),
);
/** Source arguments of a NeuroScope sample file (`.dat` or `.lfp`/`.eeg`) described by `file`. */
const sampleFileSchema = (file: string) =>
  Type.Object(
    {
      filePath: Type.String({ description: file }),
      xmlFilePath: xmlOption,
      gain: Type.Optional(
        Type.Number({
          exclusiveMinimum: 0,
          description:
            "Microvolts per stored unit, overriding the .xml's voltageRange / 2^nBits / amplification.",
        }),
      ),
    },
    { additionalProperties: false },
  );

/** The source arguments of {@link NeuroScopeRecordingInterface}, as a JSON schema. */
export const NeuroScopeRecordingSourceSchema = sampleFileSchema("The wide-band .dat file.");
/** The source arguments of {@link NeuroScopeRecordingInterface}. */
export type NeuroScopeRecordingSource = Static<typeof NeuroScopeRecordingSourceSchema>;

/** The source arguments of {@link NeuroScopeLFPInterface}, as a JSON schema. */
export const NeuroScopeLFPSourceSchema = sampleFileSchema("The field-potential .lfp or .eeg file.");
/** The source arguments of {@link NeuroScopeLFPInterface}. */
export type NeuroScopeLFPSource = Static<typeof NeuroScopeLFPSourceSchema>;

/** Electrode group name of anatomical group `index` (0-based), as NeuroConv names them. */
const groupName = (index: number) => `Group${index + 1}`;
const UNGROUPED = "GroupUngrouped";

/** The channels of a session in file order, with their shank, position on it and skip flag. */
function sessionChannels(session: NeuroScopeSession): RecordingChannel[] {
  const where = new Map<number, { group: number; position: number; skipped: boolean }>();
  for (const [g, group] of session.groups.entries()) {
    for (const [position, channel] of group.channels.entries()) {
      if (!where.has(channel)) where.set(channel, { group: g, position, skipped: group.skipped[position]! });
    }
  }
  return Array.from({ length: session.nChannels }, (_, channel) => {
    const place = where.get(channel);
    return {
      name: String(channel),
      groupName: place ? groupName(place.group) : UNGROUPED,
      properties: {
        shank_electrode_number: place?.position ?? -1,
        neuroscope_skip: place?.skipped ?? false,
      },
    };
  });
}

/** NWBFile and Ecephys metadata the `.xml` states (date, experimenters, description, notes, shanks). */
function sessionMetadata(metadata: RecordingMetadata, session: NeuroScopeSession): RecordingMetadata {
  if (session.experimenters) metadata.NWBFile.experimenter = [session.experimenters];
  if (session.description) metadata.NWBFile.session_description = session.description;
  if (session.notes) metadata.NWBFile.notes = session.notes;
  metadata.Ecephys.Device = [
    {
      name: "DeviceEcephys",
      description: `acquisition system of the NeuroScope session ${basename(session.path)}`,
    },
  ];
  for (const group of metadata.Ecephys.ElectrodeGroup) {
    group.description =
      group.name === UNGROUPED
        ? "channels in no anatomical group of the NeuroScope .xml"
        : `shank ${group.name.slice(5)}: anatomical group ${group.name.slice(5)} of the NeuroScope .xml`;
  }
  metadata.Ecephys.Electrodes = [
    {
      name: "shank_electrode_number",
      description: "position of the channel in its anatomical group (shank); -1 when in none",
    },
    {
      name: "neuroscope_skip",
      description: 'the channel is marked skip="1" in the NeuroScope .xml (left out by the NeuroSuite tools)',
    },
  ];
  return metadata;
}

/** The start of a session from the `.xml`'s date (a date only: midnight). */
const sessionStart = (session: NeuroScopeSession) =>
  session.date && /^\d{4}-\d{2}-\d{2}$/.test(session.date) ? `${session.date}T00:00:00` : undefined;

function recordingOf(
  filePath: string,
  session: NeuroScopeSession,
  samplingRate: number,
  gain: number | undefined,
): Recording {
  const binary = openNeuroScopeBinary(filePath, session);
  if (binary.trailingBytes > 0) {
    emitNeuroconvWarning(
      `${basename(filePath)}: the last ${binary.trailingBytes} bytes are less than one time point of ${session.nChannels} channels (the file was cut short); they are left out`,
    );
  }
  return {
    samplingRate,
    numSamples: binary.file.numSamples,
    data: binary.file.source(),
    gainToVolts: gain === undefined ? session.gainToVolts : gain * 1e-6,
    channels: sessionChannels(session),
  };
}

function openSession(filePath: string, xmlFilePath: string | undefined, extensions: readonly string[]) {
  const extension = extname(filePath).toLowerCase();
  if (!extensions.includes(extension)) {
    throw new SourceDataError(filePath, `is not a ${extensions.join(" or ")} file`);
  }
  if (!existsSync(filePath)) throw new SourceDataError(filePath, "does not exist");
  return readNeuroScopeSession(xmlFilePath ?? findSessionXml(filePath, false));
}

/**
 * The wide-band `.dat` of a NeuroScope session as an ElectricalSeries in volts: every channel of the
 * `.xml` (skipped ones too, flagged in the `neuroscope_skip` column), its anatomical groups (shanks) as
 * electrode groups, the gain voltageRange / 2^nBits / amplification, the `.xml`'s date as start time.
 *
 * @example
 * ```ts
 * const dat = new NeuroScopeRecordingInterface({ filePath: "session/session.dat" });
 * await dat.runConversion({ nwbfilePath: "session.nwb" });
 * ```
 */
export class NeuroScopeRecordingInterface extends BaseRecordingInterface<NeuroScopeRecordingSource> {
  static override displayName = "NeuroScope Recording";
  static override keywords = ["NeuroScope", "NeuroSuite", "Buzsaki", "dat", "ecephys"];
  static override associatedSuffixes = [".dat", ".xml"];
  static override info = "Wide-band .dat of a NeuroScope session, with its .xml parameters.";
  static override sourceSchema: TObject = NeuroScopeRecordingSourceSchema;

  /** The session's `.xml` parameters. */
  readonly session: NeuroScopeSession;
  protected readonly recording: Recording;

  constructor(sourceData: NeuroScopeRecordingSource) {
    super(sourceData);
    this.session = openSession(sourceData.filePath, sourceData.xmlFilePath, [".dat"]);
    this.recording = recordingOf(
      sourceData.filePath,
      this.session,
      this.session.samplingRate,
      sourceData.gain,
    );
  }

  protected override get sourceSessionStartTime(): string | undefined {
    return sessionStart(this.session);
  }

  override getMetadata(): RecordingMetadata {
    return sessionMetadata(super.getMetadata(), this.session);
  }
}

/**
 * The field potentials (`.lfp` or `.eeg`) of a NeuroScope session as an ElectricalSeries in
 * processing/ecephys/LFP, at the `.xml`'s LFP rate (`<files>` entry of the extension, else
 * `lfpSamplingRate`), with every channel, shank and gain as {@link NeuroScopeRecordingInterface}.
 *
 * @example
 * ```ts
 * const lfp = new NeuroScopeLFPInterface({ filePath: "session/session.lfp" });
 * await lfp.runConversion({ nwbfilePath: "session-lfp.nwb" });
 * ```
 */
export class NeuroScopeLFPInterface extends BaseRecordingInterface<NeuroScopeLFPSource> {
  static override displayName = "NeuroScope LFP";
  static override keywords = ["NeuroScope", "NeuroSuite", "Buzsaki", "lfp", "eeg", "ecephys"];
  static override associatedSuffixes = [".lfp", ".eeg", ".xml"];
  static override info = "Field potentials (.lfp/.eeg) of a NeuroScope session, with its .xml parameters.";
  static override sourceSchema: TObject = NeuroScopeLFPSourceSchema;

  /** The session's `.xml` parameters. */
  readonly session: NeuroScopeSession;
  protected readonly recording: Recording;

  constructor(sourceData: NeuroScopeLFPSource) {
    super(sourceData);
    this.session = openSession(sourceData.filePath, sourceData.xmlFilePath, [".lfp", ".eeg"]);
    const extension = extname(sourceData.filePath).slice(1).toLowerCase();
    const rate = this.session.fileRates.get(extension) ?? this.session.lfpSamplingRate;
    if (rate === undefined) {
      throw new SourceDataError(
        this.session.path,
        `states no field-potential rate (<fieldPotentials><lfpSamplingRate> or a <files> entry for '${extension}'), so ${basename(sourceData.filePath)} cannot be timed`,
      );
    }
    this.recording = recordingOf(sourceData.filePath, this.session, rate, sourceData.gain);
  }

  override get seriesKey(): string {
    return "ElectricalSeriesLFP";
  }

  protected override get sourceSessionStartTime(): string | undefined {
    return sessionStart(this.session);
  }

  override getMetadata(): RecordingMetadata {
    const metadata = sessionMetadata(super.getMetadata(), this.session);
    metadata.Ecephys[this.seriesKey] = {
      name: this.seriesKey,
      description: `local field potentials (${basename(this.sourceData.filePath)}) of the NeuroScope session`,
    };
    return metadata;
  }

  protected override get defaultWriteAs(): WriteAs {
    return "lfp";
  }
}

/** The source arguments of {@link NeuroScopeSortingInterface}, as a JSON schema. */
export const NeuroScopeSortingSourceSchema = Type.Object(
  {
    folderPath: Type.String({ description: "The session folder holding the .res.N/.clu.N files." }),
    xmlFilePath: xmlOption,
    keepMuaUnits: Type.Optional(
      Type.Boolean({
        description: "Keep cluster 1 (multi-unit activity) of each shank as a unit (default true).",
      }),
    ),
    excludeShanks: Type.Optional(
      Type.Array(Type.Integer({ minimum: 1 }), {
        description: "Shank (spike group) numbers N to leave out.",
      }),
    ),
  },
  { additionalProperties: false },
);
/** The source arguments of {@link NeuroScopeSortingInterface}. */
export type NeuroScopeSortingSource = Static<typeof NeuroScopeSortingSourceSchema>;

/**
 * The Klusters clusters of a NeuroScope session (`.res.N` spike times, `.clu.N` cluster numbers, one pair per
 * shank N) as Units: one unit per (shank, cluster), named `shank<N>_cluster<C>`, spike times res / the
 * `.xml`'s sampling rate. Cluster 0 (noise and artifacts) is left out with a warning; cluster 1 (multi-unit
 * activity) is kept unless `keepMuaUnits` is false, flagged in the `multi_unit` column.
 *
 * @example
 * ```ts
 * const units = new NeuroScopeSortingInterface({ folderPath: "session", excludeShanks: [3] });
 * await units.runConversion({ nwbfilePath: "units.nwb" });
 * ```
 */
export class NeuroScopeSortingInterface extends BaseSortingInterface<NeuroScopeSortingSource> {
  static override displayName = "NeuroScope Sorting";
  static override keywords = ["NeuroScope", "Klusters", "NeuroSuite", "Buzsaki", "clu", "res", "units"];
  static override associatedSuffixes = [".res", ".clu", ".xml"];
  static override info = "Klusters clusters (.res.N/.clu.N) of a NeuroScope session as units.";
  static override sourceSchema: TObject = NeuroScopeSortingSourceSchema;

  /** The session's `.xml` parameters. */
  readonly session: NeuroScopeSession;
  protected readonly sorting: Sorting;

  constructor(sourceData: NeuroScopeSortingSource) {
    super(sourceData);
    const folder = sourceData.folderPath;
    if (!existsSync(folder)) throw new SourceDataError(folder, "does not exist");
    const xml = sourceData.xmlFilePath ?? findSessionXml(folder, true);
    this.session = readNeuroScopeSession(xml);
    const files = findClusterFiles(folder, basename(xml, extname(xml)));
    const excluded = new Set(sourceData.excludeShanks ?? []);
    const unknown = [...excluded].filter((n) => !files.some((f) => f.shank === n));
    if (unknown.length > 0) {
      throw new SourceDataError(
        folder,
        `has no .res/.clu of shank ${unknown.join(", ")} to exclude; its shanks are ${files.map((f) => f.shank).join(", ")}`,
      );
    }
    const keepMua = sourceData.keepMuaUnits ?? true;
    const units: SortedUnit[] = [];
    let noise = 0;
    for (const file of files.filter((f) => !excluded.has(f.shank))) {
      const spikes = readShankSpikes(file);
      if (spikes.unpaired) {
        emitNeuroconvWarning(
          `${basename(spikes.unpaired.file)}: its last ${spikes.unpaired.lines} lines have no partner in the other file of the .res/.clu pair (a file cut short); those spikes are left out`,
        );
      }
      const byCluster = new Map<number, number[]>();
      spikes.clusters.forEach((cluster, i) => {
        const list = byCluster.get(cluster) ?? [];
        list.push(spikes.frames[i]!);
        byCluster.set(cluster, list);
      });
      for (const cluster of [...byCluster.keys()].sort((a, b) => a - b)) {
        const frames = byCluster.get(cluster)!;
        if (cluster === 0) noise += frames.length;
        if (cluster === 0 || (cluster === 1 && !keepMua)) continue;
        units.push({
          id: `shank${file.shank}_cluster${cluster}`,
          spikeFrames: frames.sort((a, b) => a - b),
          properties: { shank: file.shank, cluster, multi_unit: cluster === 1 },
        });
      }
    }
    if (noise > 0) {
      emitNeuroconvWarning(
        `${basename(folder)}: ${noise} spikes of cluster 0 (noise and artifacts in Klusters' convention) are left out`,
      );
    }
    const spk = readdirSync(folder).filter((name) => /\.spk\.\d+$/.test(name));
    if (spk.length > 0) {
      emitNeuroconvWarning(
        `${basename(folder)}: the spike waveforms in ${spk.join(", ")} are not written (only spike times and clusters are)`,
      );
    }
    this.sorting = {
      samplingRate: this.session.samplingRate,
      units,
      propertyDescriptions: {
        shank: "spike group (shank) N of the .res.N/.clu.N files the unit comes from",
        cluster:
          "Klusters cluster number of the unit on its shank (1 = multi-unit activity, 2 and up = units)",
        multi_unit: "the unit is cluster 1, multi-unit activity",
      },
    };
  }

  protected override get sourceSessionStartTime(): string | undefined {
    return sessionStart(this.session);
  }

  override getMetadata(): Metadata {
    const metadata = super.getMetadata();
    if (this.session.experimenters)
      metadata.NWBFile = { ...metadata.NWBFile, experimenter: [this.session.experimenters] };
    return metadata;
  }
}
