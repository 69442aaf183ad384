/**
 * Phy and Kilosort output folders as Units: spike times, cluster labels and metrics, templates.
 */
import { type Static, type TObject, Type } from "@sinclair/typebox";
import { BaseSortingInterface, type Sorting } from "../../conversion/ecephys/sorting.js";
import { SourceDataError } from "../../errors.js";
import { type PhySorting, readPhyFolder } from "../../formats/phy/index.js";

/** Phy names its curation label column `group`; NWB files (and SpikeInterface) call it `quality`. */
const RENAMED: Readonly<Record<string, string>> = { group: "quality" };

/** The sorting of a folder; a folder left without units (none found, or all excluded) is an error. */
function toSorting(phy: PhySorting, folderPath: string, selection: string | undefined): Sorting {
  if (phy.units.length === 0) {
    throw new SourceDataError(
      folderPath,
      `holds no units${selection ? ` after ${selection}` : ""}; there is nothing to convert`,
    );
  }
  const rate = phy.samplingRate;
  const descriptions = Object.fromEntries(phy.columns.map((c) => [RENAMED[c.name] ?? c.name, c.description]));
  return {
    samplingRate: rate,
    propertyDescriptions: descriptions,
    ...(phy.waveformShape && {
      templateShape: phy.waveformShape,
      templateDescription: `mean spike template of the unit, (samples, channels) in channel_map order; ${
        phy.templatesUnwhitened ? "unwhitened" : "as stored"
      }, in the sorter's arbitrary units (scale per spike: amplitudes.npy)`,
    }),
    units: phy.units.map((unit) => ({
      id: unit.clusterId,
      // the reader gives seconds = sample / rate; the clock maps samples back to the session's seconds
      spikeFrames: Float64Array.from(unit.spikeTimes, (t) => Math.round(t * rate)),
      properties: Object.fromEntries(
        Object.entries(unit.properties)
          .filter(([, v]) => v !== undefined)
          .map(([k, v]) => [RENAMED[k] ?? k, v as string | number]),
      ),
      ...(unit.waveform && { template: unit.waveform }),
      ...(unit.peakChannel !== undefined && {
        peakChannel: phy.channelMap ? phy.channelMap[unit.peakChannel]! : unit.peakChannel,
      }),
    })),
  };
}

/** The source arguments of the interface, as a JSON schema (the TypeScript type below is derived from it). */
export const PhySortingSourceSchema = Type.Object(
  {
    folderPath: Type.String({ description: "The Phy output folder (with params.py and spike_times.npy)." }),
    excludeClusterGroups: Type.Optional(
      Type.Array(Type.String(), {
        description: 'Curation labels whose clusters are left out, e.g. ["noise"].',
      }),
    ),
  },
  { additionalProperties: false },
);

/** The source arguments of PhySorting interfaces (from PhySortingSourceSchema). */
export type PhySortingSource = Static<typeof PhySortingSourceSchema>;

/**
 * A Phy (curated Kilosort) folder: one unit per cluster with its spike times, every cluster_*.tsv/.csv
 * column (KSLabel, quality, Amplitude, ContamPct, custom labels), its template and peak channel.
 *
 * @example
 * ```ts
 * const phy = new PhySortingInterface({ folderPath: "kilosort_output", excludeClusterGroups: ["noise"] });
 * await phy.runConversion({ nwbfilePath: "units.nwb", metadata });
 * ```
 */
export class PhySortingInterface extends BaseSortingInterface<PhySortingSource> {
  static override displayName = "Phy Sorting";
  static override keywords = ["Phy", "Kilosort", "spike sorting", "units"];
  static override associatedSuffixes = [".npy", ".tsv", ".csv", ".py"];
  static override info = "Spike sorting curated in Phy (Kilosort output folder).";
  static override sourceSchema: TObject = PhySortingSourceSchema;

  readonly phy: PhySorting;
  protected readonly sorting: Sorting;

  constructor(sourceData: PhySortingSource) {
    super(sourceData);
    this.phy = readPhyFolder(sourceData.folderPath, {
      ...(sourceData.excludeClusterGroups && { excludeClusterGroups: [...sourceData.excludeClusterGroups] }),
    });
    const excluded = sourceData.excludeClusterGroups;
    this.sorting = toSorting(
      this.phy,
      sourceData.folderPath,
      excluded?.length ? `excluding the cluster groups ${excluded.join(", ")}` : undefined,
    );
  }
}

/** The source arguments of the interface, as a JSON schema (the TypeScript type below is derived from it). */
export const KiloSortSortingSourceSchema = Type.Object(
  {
    folderPath: Type.String({
      description: "The Kilosort output folder (with params.py and spike_times.npy).",
    }),
    keepGoodOnly: Type.Optional(Type.Boolean({ description: 'Keep only clusters with KSLabel "good".' })),
  },
  { additionalProperties: false },
);

/** The source arguments of KiloSortSorting interfaces (from KiloSortSortingSourceSchema). */
export type KiloSortSortingSource = Static<typeof KiloSortSortingSourceSchema>;

/**
 * A Kilosort (2, 2.5, 3, 4) output folder, uncurated: units, KSLabel, ContamPct, Amplitude, templates.
 *
 * @example
 * ```ts
 * const ks = new KiloSortSortingInterface({ folderPath: "kilosort4", keepGoodOnly: true });
 * ```
 */
export class KiloSortSortingInterface extends BaseSortingInterface<KiloSortSortingSource> {
  static override displayName = "Kilosort Sorting";
  static override keywords = ["Kilosort", "spike sorting", "units"];
  static override associatedSuffixes = [".npy", ".tsv", ".py"];
  static override info = "Spike sorting output of Kilosort 2-4.";
  static override sourceSchema: TObject = KiloSortSortingSourceSchema;

  readonly phy: PhySorting;
  protected readonly sorting: Sorting;

  constructor(sourceData: KiloSortSortingSource) {
    super(sourceData);
    this.phy = readPhyFolder(sourceData.folderPath, {
      ...(sourceData.keepGoodOnly && { keepGoodOnly: true }),
    });
    this.sorting = toSorting(
      this.phy,
      sourceData.folderPath,
      sourceData.keepGoodOnly ? 'keeping only KSLabel "good"' : undefined,
    );
  }
}
