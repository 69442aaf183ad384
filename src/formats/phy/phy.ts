/**
 * A Phy / Kilosort (2, 2.5, 3, 4) output folder as plain data: units with spike times in seconds, their
 * cluster properties, mean waveform and peak channel. Knows nothing of NWB.
 *
 * Files used (all in the folder):
 * - `params.py`: `sample_rate` (required), `dat_path`, `n_channels_dat`, `dtype`, `offset`, `hp_filtered`;
 * - `spike_times.npy` (required): the sample index of every spike;
 * - `spike_clusters.npy`: the cluster of every spike after curation; without it the template of every spike
 *   (`spike_templates.npy`) is its cluster, as Kilosort leaves it before any curation;
 * - `cluster_*.tsv` / `cluster_*.csv`: cluster properties (see {@link readClusterProperties});
 * - `amplitudes.npy`: the template scaling amplitude of every spike;
 * - `channel_map.npy`, `channel_positions.npy`, `channel_shanks.npy`: the sorted channels;
 * - `templates.npy`, `template_ind.npy` or `templates_ind.npy`, `whitening_mat_inv.npy`: unit templates.
 */
import { statSync } from "node:fs";
import { join } from "node:path";
import { SourceDataError } from "../../errors.js";
import { type NpyArray, NpyFile, npyToFloat64 } from "../npy/npy.js";
import { type ClusterProperties, type PhyColumn, readClusterProperties } from "./clusterTables.js";
import { type PhyParams, readPhyParams } from "./params.js";

/** Options of {@link readPhyFolder}. */
export interface ReadPhyOptions {
  /**
   * Drop clusters whose label is one of these (compared case-insensitively), e.g. `["noise"]`. The label
   * is Phy's `group` when the cluster has one, else Kilosort's `KSLabel`.
   */
  readonly excludeClusterGroups?: readonly string[];
  /**
   * Keep only clusters Kilosort labelled `good` (`KSLabel`, from `cluster_KSLabel.tsv` or
   * `cluster_info.tsv`). For curated folders prefer `excludeClusterGroups`, which honours Phy's `group`.
   */
  readonly keepGoodOnly?: boolean;
  /** Read each unit's template (mean waveform) and peak channel from `templates.npy`. Default true. */
  readonly readTemplates?: boolean;
}

/** One sorted unit (a cluster). */
export interface PhyUnit {
  readonly clusterId: number;
  /**
   * Spike times in seconds (sample index / `sample_rate`), ascending. A view into one buffer shared by all
   * units of the folder.
   */
  readonly spikeTimes: Float64Array;
  /** `amplitudes.npy` for the same spikes, in the same order, when the file exists. */
  readonly amplitudes?: Float64Array;
  /** Cluster property values by column name; undefined where the cluster has no value. */
  readonly properties: Readonly<Record<string, number | string | undefined>>;
  /** The template most of the unit's spikes were assigned to (the lowest id on a tie). */
  readonly templateId?: number;
  /**
   * That template, unwhitened, on every channel: `waveformShape` = (samples, channels) row-major, channels
   * in `channelMap` order (zero on channels outside a sparse template). Same arbitrary units as Phy shows
   * (Kilosort templates are normalised; the per-spike scaling is in `amplitudes`).
   */
  readonly waveform?: Float32Array;
  /**
   * The channel with the largest peak-to-peak of `waveform`, as an index into `channelMap` /
   * `channelPositions`; without templates, Phy's `ch` column when present.
   */
  readonly peakChannel?: number;
}

/** A Phy/Kilosort output folder. */
export interface PhySorting {
  readonly folder: string;
  /** `sample_rate` of `params.py` (Hz). */
  readonly samplingRate: number;
  readonly params: PhyParams;
  /** Units ordered by cluster id, after exclusions. */
  readonly units: PhyUnit[];
  /** Property columns found in the cluster files, with descriptions. */
  readonly columns: readonly PhyColumn[];
  /** `channel_map.npy`: for each sorted channel, its row in the raw data file. */
  readonly channelMap?: Int32Array;
  /** `channel_positions.npy`: (x, y[, z]) of each sorted channel, in `channelMap` order. */
  readonly channelPositions?: number[][];
  /** `channel_shanks.npy`: shank of each sorted channel, in `channelMap` order. */
  readonly channelShanks?: Int32Array;
  /** Shape (samples, channels) of every unit's `waveform`, when templates were read. */
  readonly waveformShape?: readonly [number, number];
  /** Whether `whitening_mat_inv.npy` was applied to the templates. */
  readonly templatesUnwhitened?: boolean;
  /** Total spikes of the kept units. */
  readonly spikeCount: number;
  /** Which file gave the spike clusters. */
  readonly clusterSource: "spike_clusters.npy" | "spike_templates.npy";
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Opens `name` in `folder` if it exists. */
function openIfPresent(folder: string, name: string): NpyFile | undefined {
  const path = join(folder, name);
  return exists(path) ? NpyFile.open(path) : undefined;
}

/** Checks that an array is a vector (`(n,)`, `(n, 1)` or `(1, n)`) and returns its length. */
function vectorLength(file: NpyFile, what: string): number {
  const long = file.shape.filter((d) => d !== 1);
  if (long.length > 1 || file.shape.length > 2) {
    throw new SourceDataError(
      file.path,
      `expected one value per ${what} (shape (n,) or (n, 1)), found shape (${file.shape.join(", ")}); is this the file Kilosort/Phy wrote?`,
    );
  }
  return long[0] ?? (file.shape.includes(0) ? 0 : 1);
}

/** Reads a vector of integers (ids) as float64, checking that every value is an integer. */
function readIds(file: NpyFile, what: string): Float64Array {
  const values = npyToFloat64(file.read(), file.path, `integer ${what}`);
  for (let i = 0; i < values.length; i++) {
    if (!Number.isInteger(values[i]!)) {
      throw new SourceDataError(
        file.path,
        `element ${i} is ${values[i]}, not an integer ${what}; the file is damaged`,
      );
    }
  }
  return values;
}

/**
 * Maps each spike's cluster id to the index of that id among the sorted distinct ids, in linear time
 * (a dense lookup table when ids are small non-negative integers, as Kilosort and Phy make them).
 */
function indexIds(ids: Float64Array): { distinct: number[]; index: Int32Array; counts: number[] } {
  const n = ids.length;
  const index = new Int32Array(n);
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const v = ids[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  let distinct: number[];
  let counts: number[];
  if (min >= 0 && max < Math.max(1 << 20, 4 * n)) {
    const slot = new Int32Array(max + 1).fill(-1);
    for (let i = 0; i < n; i++) slot[ids[i]!] = 0;
    distinct = [];
    for (let id = 0; id <= max; id++) if (slot[id] === 0) slot[id] = distinct.push(id) - 1;
    counts = new Array<number>(distinct.length).fill(0);
    for (let i = 0; i < n; i++) {
      const k = slot[ids[i]!]!;
      index[i] = k;
      counts[k]!++;
    }
  } else {
    const slot = new Map<number, number>();
    for (let i = 0; i < n; i++) slot.set(ids[i]!, 0);
    distinct = [...slot.keys()].sort((a, b) => a - b);
    distinct.forEach((id, k) => {
      slot.set(id, k);
    });
    counts = new Array<number>(distinct.length).fill(0);
    for (let i = 0; i < n; i++) {
      const k = slot.get(ids[i]!)!;
      index[i] = k;
      counts[k]!++;
    }
  }
  return { distinct, index, counts };
}

/** The label used by `excludeClusterGroups`: Phy's `group`, falling back to Kilosort's `KSLabel`. */
function clusterLabel(properties: ClusterProperties, clusterId: number): string | undefined {
  const label =
    properties.values.get("group")?.get(clusterId) ?? properties.values.get("KSLabel")?.get(clusterId);
  return label === undefined ? undefined : String(label).trim().toLowerCase();
}

/**
 * Reads a Phy or Kilosort output folder.
 *
 * Spikes are grouped by cluster in one linear pass over the spike arrays; nothing is rescanned per unit.
 * Throws {@link SourceDataError} when a required file is missing, when the spike arrays disagree in
 * length, when the sorting is empty, or when every cluster was excluded.
 */
export function readPhyFolder(folderPath: string, options: ReadPhyOptions = {}): PhySorting {
  const folder = folderPath;
  const info = statSync(folder, { throwIfNoEntry: false });
  if (!info?.isDirectory()) {
    throw new SourceDataError(
      folder,
      info
        ? "this is a file; pass the Phy/Kilosort output folder"
        : "the folder does not exist; check the path",
    );
  }
  const params = readPhyParams(folder);

  const timesFile = openIfPresent(folder, "spike_times.npy");
  if (!timesFile) {
    throw new SourceDataError(
      join(folder, "spike_times.npy"),
      `not found in the folder ${folder}; every Phy/Kilosort output has spike_times.npy. Point to the folder Kilosort wrote (the one with params.py and the .npy files)`,
    );
  }
  const spikeCount = vectorLength(timesFile, "spike");
  if (spikeCount === 0) {
    throw new SourceDataError(
      timesFile.path,
      "the sorting is empty: spike_times.npy holds no spikes, so there are no units to convert",
    );
  }

  const clustersFile = openIfPresent(folder, "spike_clusters.npy");
  const templatesIdFile = openIfPresent(folder, "spike_templates.npy");
  const clusterFile = clustersFile ?? templatesIdFile;
  if (!clusterFile) {
    throw new SourceDataError(
      join(folder, "spike_clusters.npy"),
      `neither spike_clusters.npy nor spike_templates.npy is in ${folder}; one of them is needed to know which unit each spike belongs to`,
    );
  }
  const sameLength = (file: NpyFile | undefined, what: string) => {
    if (!file) return;
    const n = vectorLength(file, what);
    if (n !== spikeCount) {
      throw new SourceDataError(
        file.path,
        `has ${n} entries but spike_times.npy has ${spikeCount}; both must have one entry per spike. The files come from different sortings or one is damaged: export the folder again`,
      );
    }
  };
  sameLength(clusterFile, "spike");
  sameLength(templatesIdFile, "spike");
  const amplitudesFile = openIfPresent(folder, "amplitudes.npy");
  sameLength(amplitudesFile, "spike");

  const samples = npyToFloat64(timesFile.read(), timesFile.path, "spike sample indices");
  const clusterIds = readIds(clusterFile, "cluster id");
  const templateIds = templatesIdFile
    ? clusterFile === templatesIdFile
      ? clusterIds
      : readIds(templatesIdFile, "template id")
    : undefined;
  const amplitudes = amplitudesFile
    ? npyToFloat64(amplitudesFile.read(), amplitudesFile.path, "spike amplitudes")
    : undefined;

  const properties = readClusterProperties(folder);
  const { distinct, index, counts } = indexIds(clusterIds);

  // Which clusters stay, and where each kept unit's spikes go in the shared output buffers.
  const excluded = new Set((options.excludeClusterGroups ?? []).map((g) => g.trim().toLowerCase()));
  const ksLabels = properties.values.get("KSLabel");
  if (options.keepGoodOnly && !ksLabels) {
    throw new SourceDataError(
      folder,
      "keepGoodOnly needs Kilosort's labels (cluster_KSLabel.tsv, or a KSLabel column in cluster_info.tsv), and the folder has none; use excludeClusterGroups with Phy's 'group' labels instead",
    );
  }
  const unitOf = new Int32Array(distinct.length).fill(-1);
  const keptIds: number[] = [];
  const offsets: number[] = [0];
  distinct.forEach((id, k) => {
    const label = clusterLabel(properties, id);
    if (label !== undefined && excluded.has(label)) return;
    if (
      options.keepGoodOnly &&
      String(ksLabels!.get(id) ?? "")
        .trim()
        .toLowerCase() !== "good"
    )
      return;
    unitOf[k] = keptIds.push(id) - 1;
    offsets.push(offsets[offsets.length - 1]! + counts[k]!);
  });
  if (keptIds.length === 0) {
    const what = options.keepGoodOnly ? "no cluster has KSLabel 'good'" : "every cluster was excluded";
    throw new SourceDataError(
      folder,
      `${what} (excludeClusterGroups: ${JSON.stringify(options.excludeClusterGroups ?? [])}; ${distinct.length} clusters found), so there are no units to convert; relax the filter`,
    );
  }

  // The single pass over the spikes.
  const total = offsets[keptIds.length]!;
  const times = new Float64Array(total);
  const amps = amplitudes ? new Float64Array(total) : undefined;
  const templ = templateIds ? new Float64Array(total) : undefined;
  const cursor = offsets.slice(0, keptIds.length);
  const rate = params.sampleRate;
  for (let i = 0; i < spikeCount; i++) {
    const u = unitOf[index[i]!]!;
    if (u < 0) continue;
    const o = cursor[u]!++;
    times[o] = samples[i]! / rate;
    if (amps) amps[o] = amplitudes![i]!;
    if (templ) templ[o] = templateIds![i]!;
  }

  const units: PhyUnit[] = keptIds.map((clusterId, u) => {
    const start = offsets[u]!;
    const end = offsets[u + 1]!;
    sortIfNeeded(times, amps, templ, start, end);
    const props: Record<string, number | string | undefined> = {};
    for (const column of properties.columns)
      props[column.name] = properties.values.get(column.name)?.get(clusterId);
    return {
      clusterId,
      spikeTimes: times.subarray(start, end),
      ...(amps ? { amplitudes: amps.subarray(start, end) } : {}),
      properties: props,
      ...(templ ? { templateId: mostFrequent(templ, start, end) } : {}),
    };
  });

  const channelMapFile = openIfPresent(folder, "channel_map.npy");
  const channelMap = channelMapFile ? Int32Array.from(readIds(channelMapFile, "channel index")) : undefined;
  const positionsFile = openIfPresent(folder, "channel_positions.npy");
  const channelPositions = positionsFile ? rowsOf(positionsFile.read(), positionsFile.path) : undefined;
  const shanksFile = openIfPresent(folder, "channel_shanks.npy");
  const channelShanks = shanksFile ? Int32Array.from(readIds(shanksFile, "shank")) : undefined;

  let waveformShape: [number, number] | undefined;
  let templatesUnwhitened: boolean | undefined;
  if (options.readTemplates !== false && templ) {
    const result = readTemplates(folder, units, channelMap?.length);
    if (result) {
      waveformShape = result.shape;
      templatesUnwhitened = result.unwhitened;
    }
  }
  // Without templates, Phy's own choice of peak channel is the best there is.
  for (const unit of units as { -readonly [K in keyof PhyUnit]: PhyUnit[K] }[]) {
    const ch = unit.properties.ch;
    if (unit.peakChannel === undefined && typeof ch === "number" && Number.isInteger(ch))
      unit.peakChannel = ch;
  }

  return {
    folder,
    samplingRate: rate,
    params,
    units,
    columns: properties.columns,
    ...(channelMap ? { channelMap } : {}),
    ...(channelPositions ? { channelPositions } : {}),
    ...(channelShanks ? { channelShanks } : {}),
    ...(waveformShape ? { waveformShape, templatesUnwhitened } : {}),
    spikeCount: total,
    clusterSource: clusterFile === clustersFile ? "spike_clusters.npy" : "spike_templates.npy",
  };
}

/**
 * Kilosort writes spikes in time order, so this is normally one check per unit; a folder edited by other
 * tools may not be, and NWB readers expect ascending spike times.
 */
function sortIfNeeded(
  times: Float64Array,
  amps: Float64Array | undefined,
  templ: Float64Array | undefined,
  start: number,
  end: number,
): void {
  let sorted = true;
  for (let i = start + 1; i < end && sorted; i++) if (times[i]! < times[i - 1]!) sorted = false;
  if (sorted) return;
  const order = Array.from({ length: end - start }, (_, i) => start + i).sort(
    (a, b) => times[a]! - times[b]! || a - b,
  );
  for (const values of [times, amps, templ]) {
    if (!values) continue;
    const copy = order.map((i) => values[i]!);
    values.set(copy, start);
  }
}

/** The most frequent value of `values[start:end]`, the smallest on a tie. */
function mostFrequent(values: Float64Array, start: number, end: number): number {
  const counts = new Map<number, number>();
  let best = values[start]!;
  let bestCount = 0;
  for (let i = start; i < end; i++) {
    const v = values[i]!;
    const c = (counts.get(v) ?? 0) + 1;
    counts.set(v, c);
    if (c > bestCount || (c === bestCount && v < best)) {
      best = v;
      bestCount = c;
    }
  }
  return best;
}

/** A 2-D numeric array as an array of rows. */
function rowsOf(array: NpyArray, path: string): number[][] {
  const values = npyToFloat64(array, path, "channel positions");
  const width = array.shape.length === 2 ? array.shape[1]! : 1;
  const out: number[][] = [];
  for (let i = 0; i < values.length; i += width) out.push(Array.from(values.subarray(i, i + width)));
  return out;
}

/**
 * Fills `waveform` and `peakChannel` of every unit from its most frequent template.
 *
 * `templates.npy` is (templates, samples, channels of the template) in Kilosort's whitened space. When
 * `template_ind.npy` / `templates_ind.npy` exists, column `j` of template `t` belongs to channel
 * `ind[t, j]` (an index into `channel_map`, -1 for padding); otherwise columns are the channels in order.
 * When `whitening_mat_inv.npy` exists the template is unwhitened as Phy does: `T · W⁻¹` restricted to the
 * template's channels, i.e. `out[s, ind[j]] = Σ_k T[s, k] · W⁻¹[ind[k], ind[j]]`.
 * Only the needed templates are read (rows of `templates.npy`), so memory grows with the units, not with
 * the whole template file.
 */
function readTemplates(
  folder: string,
  units: PhyUnit[],
  channelCount: number | undefined,
): { shape: [number, number]; unwhitened: boolean } | undefined {
  const templatesFile = openIfPresent(folder, "templates.npy");
  if (!templatesFile) return undefined;
  if (templatesFile.shape.length !== 3) {
    throw new SourceDataError(
      templatesFile.path,
      `expected shape (templates, samples, channels), found (${templatesFile.shape.join(", ")}); is this the file Kilosort wrote?`,
    );
  }
  const [templateCount, sampleCount, localChannels] = templatesFile.shape as [number, number, number];
  const indFile = openIfPresent(folder, "template_ind.npy") ?? openIfPresent(folder, "templates_ind.npy");
  let ind: Float64Array | undefined;
  if (indFile) {
    if (
      indFile.shape.length !== 2 ||
      indFile.shape[0] !== templateCount ||
      indFile.shape[1] !== localChannels
    ) {
      throw new SourceDataError(
        indFile.path,
        `shape (${indFile.shape.join(", ")}) does not match templates.npy (${templatesFile.shape.join(", ")}); expected (${templateCount}, ${localChannels})`,
      );
    }
    // Kilosort 2 writes these indices from MATLAB as float64.
    ind = readIds(indFile, "channel index");
  }
  const wmiFile = openIfPresent(folder, "whitening_mat_inv.npy");
  const wmiArray = wmiFile ? wmiFile.read() : undefined;
  const wmi = wmiArray ? npyToFloat64(wmiArray, wmiFile!.path, "a whitening matrix") : undefined;
  const wmiSize = wmiArray?.shape[0];
  if (wmiArray && (wmiArray.shape.length !== 2 || wmiArray.shape[1] !== wmiSize)) {
    throw new SourceDataError(
      wmiFile!.path,
      `expected a square matrix, found shape (${wmiArray.shape.join(", ")})`,
    );
  }
  let maxInd = -1;
  if (ind) for (const v of ind) if (v > maxInd) maxInd = v;
  const channels = channelCount ?? wmiSize ?? (ind ? maxInd + 1 : localChannels);
  if (wmiSize !== undefined && wmiSize !== channels) {
    throw new SourceDataError(
      wmiFile!.path,
      `is ${wmiSize}×${wmiSize} but the folder has ${channels} channels (channel_map.npy); the files come from different sortings`,
    );
  }
  if (!ind && localChannels !== channels) {
    throw new SourceDataError(
      templatesFile.path,
      `templates have ${localChannels} channels but the folder has ${channels} (channel_map.npy) and no template_ind.npy says which; the files come from different sortings`,
    );
  }
  if (maxInd >= channels) {
    throw new SourceDataError(
      indFile!.path,
      `refers to channel ${maxInd}, but there are only ${channels} channels`,
    );
  }

  const wanted = [...new Set(units.map((u) => u.templateId!))];
  for (const t of wanted) {
    if (t < 0 || t >= templateCount) {
      throw new SourceDataError(
        templatesFile.path,
        `spike_templates.npy refers to template ${t}, but templates.npy holds ${templateCount}; the files come from different sortings`,
      );
    }
  }
  const picked = templatesFile.readRowSet(wanted);
  const data = npyToFloat64(picked, templatesFile.path, "templates");
  const rowOf = new Map(wanted.map((t, i) => [t, i]));
  const perTemplate = sampleCount * localChannels;
  // W⁻¹ row by row, zeros left out: Kilosort's whitening is local, so most entries are 0 on long probes.
  const wmiRows = wmi ? sparseRows(wmi, channels) : undefined;
  const slotOf = new Int32Array(channels);
  for (const unit of units as { -readonly [K in keyof PhyUnit]: PhyUnit[K] }[]) {
    const t = unit.templateId!;
    const row = rowOf.get(t)!;
    const source = data.subarray(row * perTemplate, (row + 1) * perTemplate);
    const cols = new Int32Array(localChannels);
    for (let j = 0; j < localChannels; j++) cols[j] = ind ? ind[t * localChannels + j]! : j;
    const out = new Float32Array(sampleCount * channels);
    if (wmiRows) {
      // Restricting W⁻¹ to the template's channels: only targets that are template channels count.
      slotOf.fill(0);
      for (const c of cols) if (c >= 0) slotOf[c] = 1;
      const acc = new Float64Array(channels);
      for (let s = 0; s < sampleCount; s++) {
        acc.fill(0);
        for (let k = 0; k < localChannels; k++) {
          const ck = cols[k]!;
          const v = source[s * localChannels + k]!;
          if (ck < 0 || v === 0) continue;
          const { targets, weights } = wmiRows[ck]!;
          for (let e = 0; e < targets.length; e++) {
            const cj = targets[e]!;
            if (slotOf[cj] === 1) acc[cj]! += v * weights[e]!;
          }
        }
        out.set(acc, s * channels);
      }
    } else {
      for (let s = 0; s < sampleCount; s++) {
        for (let j = 0; j < localChannels; j++) {
          const cj = cols[j]!;
          if (cj >= 0) out[s * channels + cj] = source[s * localChannels + j]!;
        }
      }
    }
    unit.waveform = out;
    unit.peakChannel = peakToPeakChannel(out, sampleCount, channels);
  }
  return { shape: [sampleCount, channels], unwhitened: wmi !== undefined };
}

/** The non-zero entries of each row of a square row-major matrix. */
function sparseRows(matrix: Float64Array, size: number): { targets: Int32Array; weights: Float64Array }[] {
  const rows: { targets: Int32Array; weights: Float64Array }[] = [];
  for (let r = 0; r < size; r++) {
    const targets: number[] = [];
    const weights: number[] = [];
    for (let c = 0; c < size; c++) {
      const w = matrix[r * size + c]!;
      if (w !== 0) {
        targets.push(c);
        weights.push(w);
      }
    }
    rows.push({ targets: Int32Array.from(targets), weights: Float64Array.from(weights) });
  }
  return rows;
}

/** The channel with the largest max − min over samples (the first on a tie). */
function peakToPeakChannel(waveform: Float32Array, samples: number, channels: number): number {
  let best = 0;
  let bestRange = -1;
  for (let c = 0; c < channels; c++) {
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (let s = 0; s < samples; s++) {
      const v = waveform[s * channels + c]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (hi - lo > bestRange) {
      best = c;
      bestRange = hi - lo;
    }
  }
  return best;
}
