/**
 * Neuropixels probes in SpikeGLX imec streams (AP and LF): what each saved channel is (name, band, gain,
 * factor to volts), where its contact sits on the probe, and when within a sample period it is digitized.
 *
 * Sources of the facts used here:
 * - SpikeGLX `Markdown/Metadata_Help.md`: meaning of every meta key, the voltage formula
 *   V = i * imAiRangeMax / imMaxInt / gain, fixed gains of older metas, `~snsGeomMap` and `~muxTbl` formats.
 * - SpikeGLX `Src-imro/IMROTbl_T*.{h,cpp}`: imro entry layouts and channel-to-electrode rules; the probe
 *   families themselves are in `layouts.ts`.
 * - probeinterface `neuropixels_tools.py`: the coordinate origin NeuroConv writes as rel_x/rel_y (centre of
 *   the left-most column of shank 0, bottom row) and contact ids `e<electrode>` / `s<shank>e<electrode>`.
 * - CatGT `Tool.cpp` FFT::init (billkarsh/CatGT): the inter-sample shift of a channel is its mux group
 *   index divided by the number of ADC cycles per sample, which is nGrp, plus one on AP streams of probes
 *   that also acquire an LF band.
 */
import { SourceDataError } from "../../errors.js";
import {
  type ImroFormat,
  layoutForPartNumber,
  layoutForType,
  PHASE_3A,
  type ProbeLayout,
} from "./layouts.js";
import { type MetaTable, parseChannelList, type SpikeGLXMeta } from "./meta.js";

/** Band of a channel in an imec stream. */
export type ImecBand = "ap" | "lf";

/** What identifies the probe, for a device description. */
export interface ImecProbeInfo {
  /** `imDatPrb_type` (e.g. "0", "24", "1110", "2020"), or "Phase3A". */
  readonly type: string;
  /** `imDatPrb_pn`, e.g. "PRB_1_4_0480_1" or "NP2010"; absent for Phase 3A. */
  readonly partNumber: string | undefined;
  /** `imDatPrb_sn` (`imProbeSN` for Phase 3A). */
  readonly serialNumber: string | undefined;
  /** Human-readable probe family, e.g. "Neuropixels 1.0". */
  readonly description: string;
  readonly numShanks: number;
  /** Distance between neighbouring shanks (µm); 0 for one shank. */
  readonly shankPitch: number;
  readonly headstagePartNumber: string | undefined;
  readonly flexPartNumber: string | undefined;
  readonly baseStationPartNumber: string | undefined;
  readonly slot: number | undefined;
  readonly port: number | undefined;
  readonly dock: number | undefined;
  /** Largest sample magnitude (`imMaxInt`, e.g. 512 for 10-bit probes). */
  readonly maxInt: number;
  /** Input range upper bound in volts (`imAiRangeMax`). */
  readonly rangeMaxVolts: number;
}

interface ImecChannelBase {
  /** Position among the saved channels, i.e. the column in the `.bin` file. */
  readonly index: number;
  /** SpikeGLX acquired-channel index (AP first, then LF, then SY). */
  readonly acquiredIndex: number;
  /** Channel name as SpikeGLX shows it: `AP12`, `LF12`, `SY0`. */
  readonly name: string;
}

/** An AP or LF channel of a probe. */
export interface ImecNeuralChannel extends ImecChannelBase {
  readonly isSync: false;
  readonly band: ImecBand;
  /** Readout channel of the probe (0 to 383 on most probes). */
  readonly readoutChannel: number;
  /** Amplifier gain of this channel in its band. */
  readonly gain: number;
  /** Volts per stored integer: imAiRangeMax / imMaxInt / gain. */
  readonly conversion: number;
  /** NWB `rel_x`: µm from the centre of the left-most electrode column of shank 0. */
  readonly x: number;
  /** NWB `rel_y`: µm from the centre of the bottom electrode row (towards the probe base). */
  readonly y: number;
  readonly shank: number;
  /** Electrode index on its shank (SpikeGLX/ProbeTable numbering, row by row from the tip). */
  readonly electrode: number;
  /** probeinterface contact id: `e<electrode>`, or `s<shank>e<electrode>` on multi-shank probes. */
  readonly contactId: string;
  readonly contactShape: "square";
  /** Side of the square contact (µm); undefined for probes this reader has no table entry for. */
  readonly contactWidth: number | undefined;
  /**
   * Fraction of the sample period by which this channel is digitized after the first mux group;
   * undefined when neither `~muxTbl` nor a known mux layout is available.
   */
  readonly interSampleShift: number | undefined;
}

/** A sync/status word (`SY`): bit 6 is the sync input, other bits are error flags. */
export interface ImecSyncChannel extends ImecChannelBase {
  readonly isSync: true;
  readonly band: "sync";
}

export type ImecChannel = ImecNeuralChannel | ImecSyncChannel;

/** A probe and its saved channels, in file order. */
export interface ImecProbe {
  readonly info: ImecProbeInfo;
  readonly channels: readonly ImecChannel[];
}

/** Electrode reached by one readout channel, with the gains the imro table sets for it. */
interface Site {
  readonly shank: number;
  readonly electrode: number;
  readonly apGain?: number;
  readonly lfGain?: number;
}

/** Splits a table entry into integers, checking the field count. */
function entryFields(
  meta: SpikeGLXMeta,
  table: string,
  entry: string,
  count: number,
  what: string,
): number[] {
  const fields = entry.trim().split(/\s+/).map(Number);
  if (fields.length !== count || fields.some((v) => !Number.isInteger(v))) {
    throw new SourceDataError(
      meta.path,
      `~${table} entry "(${entry})" should hold ${count} integers (${what}); the table does not match the probe type, or the .meta file is damaged`,
    );
  }
  return fields;
}

/** Column of each group's first electrode pair within a bank, for even and odd banks (NP1110). */
const UHD2_GROUP_COLUMNS = [0, 3, 1, 2, 1, 2, 0, 3] as const;

/**
 * NP1110 (UHD2) channel-to-electrode rule, after SpikeGLX `IMROTbl_T1110.cpp`: 384 channels form 24 groups
 * (pairs of 32-channel blocks split into even/odd channels); a group covers 8 rows x 2 columns of a 48-row
 * bank, columns are permuted per bank parity and crossed every 4 banks, odd channels run top-down.
 */
function uhd2Electrode(channel: number, bank: number): { row: number; column: number } {
  const inBlock = channel % 32;
  const odd = channel & 1;
  const group = 2 * Math.floor(channel / 32) + odd;
  const groupColumn = UHD2_GROUP_COLUMNS[4 * (bank & 1) + (group % 4)]!;
  const crossed = Math.floor(bank / 4) & 1;
  const evenColumn = (Math.floor(inBlock / 2) & 1) ^ crossed;
  const column = 2 * groupColumn + (odd ? 1 - evenColumn : evenColumn);
  const inGroupRow = Math.floor(inBlock / 4);
  const row = 48 * bank + 8 * Math.floor(group / 4) + (odd ? 7 - inGroupRow : inGroupRow);
  return { row, column };
}

/** Decodes `~imroTbl` into the site of each readout channel (index = readout channel). */
function imroSites(meta: SpikeGLXMeta, imro: MetaTable, format: ImroFormat): Site[] {
  const sites: Site[] = [];
  switch (format) {
    case "np1":
    case "phase3a": {
      const fields = format === "np1" ? 6 : 5;
      // Phase 3A option 4 probes have 276 channels per bank instead of 384 (IMROTbl_T3A).
      const perBank = format === "phase3a" && imro.header[1] === "4" ? 276 : 384;
      for (const entry of imro.entries) {
        const [channel, bank, , apGain, lfGain] = entryFields(
          meta,
          "imroTbl",
          entry,
          fields,
          "channel bank refid apGain lfGain ...",
        ) as [number, number, number, number, number];
        sites[channel] = { shank: 0, electrode: channel + perBank * bank, apGain, lfGain };
      }
      break;
    }
    case "np2-single":
      for (const entry of imro.entries) {
        const [channel, , , electrode] = entryFields(
          meta,
          "imroTbl",
          entry,
          4,
          "channel bankMask refid electrode",
        );
        sites[channel!] = { shank: 0, electrode: electrode! };
      }
      break;
    case "np2-multi":
      for (const entry of imro.entries) {
        const [channel, shank, , , electrode] = entryFields(
          meta,
          "imroTbl",
          entry,
          5,
          "channel shank bank refid electrode",
        );
        sites[channel!] = { shank: shank!, electrode: electrode! };
      }
      break;
    case "uhd2": {
      const header = imro.header.map(Number);
      if (header.length !== 6 || header.slice(1).some((v) => !Number.isInteger(v))) {
        throw new SourceDataError(
          meta.path,
          `~imroTbl header (${imro.header.join(",")}) should be (type,colMode,refid,apGain,lfGain,apFilter) for an NP1110 probe; the .meta file is damaged`,
        );
      }
      const [, columnMode, , apGain, lfGain] = header as [number, number, number, number, number];
      const banks = new Map<number, readonly [number, number]>();
      for (const entry of imro.entries) {
        const [group, bankA, bankB] = entryFields(meta, "imroTbl", entry, 3, "group bankA bankB");
        banks.set(group!, [bankA!, bankB!]);
      }
      for (let channel = 0; channel < 384; channel++) {
        const group = 2 * Math.floor(channel / 32) + (channel & 1);
        const pair = banks.get(group);
        if (!pair) {
          throw new SourceDataError(meta.path, `~imroTbl has no entry for electrode group ${group} (NP1110)`);
        }
        const [bankA, bankB] = pair;
        // Column modes 0 INNER, 1 OUTER pick bankA or bankB per column; 2 ALL always uses bankA.
        let bank = bankA;
        if (columnMode !== 2) {
          const column = uhd2Electrode(channel, bankA).column;
          const outer = column <= 3 ? (column & 1) === 0 : (column & 1) === 1;
          bank = (columnMode === 1) === outer ? bankA : bankB;
        }
        const { row, column } = uhd2Electrode(channel, bank);
        sites[channel] = { shank: 0, electrode: 8 * row + column, apGain, lfGain };
      }
      break;
    }
  }
  return sites;
}

interface GeomEntry {
  readonly shank: number;
  readonly x: number;
  readonly z: number;
}

function geomEntries(meta: SpikeGLXMeta, table: MetaTable): GeomEntry[] {
  return table.entries.map((entry) => {
    const fields = entry.split(":").map(Number);
    if (fields.length !== 4 || fields.some((v) => !Number.isFinite(v))) {
      throw new SourceDataError(
        meta.path,
        `~snsGeomMap entry "(${entry})" should be shank:x:z:used; the .meta file is damaged`,
      );
    }
    return { shank: fields[0]!, x: fields[1]!, z: fields[2]! };
  });
}

/** Mux group (row of the mux table) of each readout channel, and the number of groups. */
function muxGroups(
  meta: SpikeGLXMeta,
  layout: ProbeLayout | undefined,
): { groups: number; of: (c: number) => number | undefined } | undefined {
  const table = meta.optionalTable("muxTbl");
  if (table) {
    const groups = Number(table.header[1]);
    const groupOf = new Map<number, number>();
    table.entries.forEach((entry, group) => {
      for (const channel of entry.trim().split(/\s+/)) groupOf.set(Number(channel), group);
    });
    if (!Number.isInteger(groups) || groups !== table.entries.length) {
      throw new SourceDataError(
        meta.path,
        `~muxTbl header (${table.header.join(",")}) announces a group count that differs from its ${table.entries.length} groups; the .meta file is damaged`,
      );
    }
    return { groups, of: (c) => groupOf.get(c) };
  }
  if (!layout?.mux) return undefined;
  const { adcs, groups } = layout.mux;
  // Regular tables list channels by pairs of ADCs: group g holds channels 2g, 2g+1, 2g+2*groups, ...
  return { groups, of: (c) => (c < adcs * groups ? Math.floor((c % (2 * groups)) / 2) : undefined) };
}

interface ElectrodeGrid {
  readonly columns: number;
  readonly xPitch: number;
  readonly zPitch: number;
  readonly x0Even: number;
  readonly x0Odd: number;
}

/** The electrode grid of one shank; recent metas state it themselves (imColsPerShank, imXPitch, ...). */
function electrodeGrid(meta: SpikeGLXMeta, known: ProbeLayout | undefined): ElectrodeGrid | undefined {
  const columns = meta.optionalInteger("imColsPerShank") ?? known?.columns;
  const xPitch = meta.optionalNumber("imXPitch") ?? known?.xPitch;
  const zPitch = meta.optionalNumber("imZPitch") ?? known?.zPitch;
  const x0Even = meta.optionalNumber("imX0EvenRow") ?? known?.x0Even;
  const x0Odd = meta.optionalNumber("imX0OddRow") ?? known?.x0Odd;
  if (columns === undefined || xPitch === undefined || zPitch === undefined) return undefined;
  if (x0Even === undefined || x0Odd === undefined) return undefined;
  return { columns, xPitch, zPitch, x0Even, x0Odd };
}

/** Resolves the probe family from the part number, the type, or the imro header. */
function resolveLayout(
  meta: SpikeGLXMeta,
  imro: MetaTable | undefined,
): { layout: ProbeLayout | undefined; type: string; phase3a: boolean } {
  const partNumber = meta.optionalString("imDatPrb_pn");
  const typeText = meta.optionalString("imDatPrb_type");
  // Phase 3A metas carry imProbeOpt and a 3-field imro header (serial,option,nchan).
  const phase3a = meta.has("imProbeOpt") || (imro !== undefined && imro.header.length === 3);
  if (phase3a) return { layout: PHASE_3A, type: "Phase3A", phase3a };
  const headerType = imro?.header[0];
  const layout =
    (partNumber !== undefined ? layoutForPartNumber(partNumber) : undefined) ??
    (typeText !== undefined ? layoutForType(Number(typeText)) : undefined) ??
    (headerType !== undefined
      ? (layoutForPartNumber(headerType) ??
        (/^\d+$/.test(headerType) ? layoutForType(Number(headerType)) : undefined))
      : undefined);
  const type = typeText ?? (headerType !== undefined && /^\d+$/.test(headerType) ? headerType : "unknown");
  return { layout, type, phase3a };
}

/**
 * Reads the probe and the saved channels of an imec stream (`typeThis=imec`) from its meta file.
 * Positions come from `~snsGeomMap` when present, otherwise from `~imroTbl` and the probe's layout.
 */
export function readImecProbe(meta: SpikeGLXMeta): ImecProbe {
  const imro = meta.optionalTable("imroTbl");
  const { layout: known, type, phase3a } = resolveLayout(meta, imro);
  const geomTable = meta.optionalTable("snsGeomMap");
  const partNumber = meta.optionalString("imDatPrb_pn");

  // Recent metas state the layout themselves; they override the table (they describe this very probe).
  const numShanks = geomTable ? Number(geomTable.header[1]) : (known?.shanks ?? 1);
  const shankPitch = geomTable ? Number(geomTable.header[2]) : (known?.shankPitch ?? 0);
  if (!Number.isInteger(numShanks) || numShanks < 1 || !Number.isFinite(shankPitch)) {
    throw new SourceDataError(
      meta.path,
      `~snsGeomMap header (${geomTable?.header.join(",")}) should be (partNumber,shanks,shankPitch,shankWidth); the .meta file is damaged`,
    );
  }
  const grid = electrodeGrid(meta, known);
  const describe = `probe type ${type}${partNumber ? `, part number ${partNumber}` : ""}`;

  const maxInt = meta.optionalNumber("imMaxInt") ?? known?.maxInt;
  const rangeMaxVolts = meta.optionalNumber("imAiRangeMax") ?? known?.maxVolts;
  if (maxInt === undefined || rangeMaxVolts === undefined) {
    throw new SourceDataError(
      meta.path,
      `cannot convert samples to volts: ${describe} is unknown to this reader and the meta file lacks ${maxInt === undefined ? "imMaxInt" : "imAiRangeMax"}`,
    );
  }

  const sites = imro && known?.imro ? imroSites(meta, imro, known.imro) : undefined;
  const geom = geomTable ? geomEntries(meta, geomTable) : undefined;
  const mux = muxGroups(meta, known);

  const [acqAp, acqLf, acqSy] = meta.integers("acqApLfSy", 3) as [number, number, number];
  const acquired = acqAp + acqLf + acqSy;
  const nSaved = meta.integer("nSavedChans");
  const saved = parseChannelList(meta, "snsSaveChanSubset", acquired);
  if (saved.length !== nSaved) {
    throw new SourceDataError(
      meta.path,
      `snsSaveChanSubset lists ${saved.length} channels but nSavedChans is ${nSaved}; the .meta file is damaged`,
    );
  }
  const neuralCount = saved.filter((c) => c < acqAp + acqLf).length;
  if (geom && geom.length !== neuralCount) {
    throw new SourceDataError(
      meta.path,
      `~snsGeomMap has ${geom.length} entries but ${neuralCount} AP/LF channels are saved; the .meta file is damaged`,
    );
  }

  const channelGain = (band: ImecBand, readout: number, site: Site | undefined): number => {
    const gain =
      (band === "ap" ? site?.apGain : site?.lfGain) ??
      meta.optionalNumber(band === "ap" ? "imChan0apGain" : "imChan0lfGain") ??
      known?.fixedGain;
    if (gain === undefined || gain <= 0) {
      throw new SourceDataError(
        meta.path,
        `cannot find the gain of ${band.toUpperCase()}${readout}: ${describe} has no known fixed gain, the imro table gives none and imChan0${band}Gain is missing`,
      );
    }
    return gain;
  };

  const channels: ImecChannel[] = [];
  let neural = 0;
  let previous = -1;
  for (const [index, acquiredIndex] of saved.entries()) {
    if (acquiredIndex <= previous || acquiredIndex >= acquired) {
      throw new SourceDataError(
        meta.path,
        `snsSaveChanSubset must list acquired channels 0..${acquired - 1} in increasing order, found ${acquiredIndex} after ${previous}`,
      );
    }
    previous = acquiredIndex;
    if (acquiredIndex >= acqAp + acqLf) {
      const k = acquiredIndex - acqAp - acqLf;
      channels.push({ index, acquiredIndex, name: `SY${k}`, isSync: true, band: "sync" });
      continue;
    }
    const band: ImecBand = acquiredIndex < acqAp ? "ap" : "lf";
    const readout = band === "ap" ? acquiredIndex : acquiredIndex - acqAp;
    const site = sites?.[readout];
    const gain = channelGain(band, readout, site);

    let shank: number;
    let electrode: number;
    let xOnShank: number;
    let z: number;
    const g = geom?.[neural];
    if (g) {
      ({ shank, x: xOnShank, z } = g);
      if (site) electrode = site.electrode;
      else if (grid) {
        const row = Math.round(z / grid.zPitch);
        const x0 = row % 2 === 1 ? grid.x0Odd : grid.x0Even;
        electrode = row * grid.columns + Math.round((xOnShank - x0) / grid.xPitch);
      } else throw unplaceable(meta, describe, readout);
    } else {
      if (!site || !grid) throw unplaceable(meta, describe, readout);
      shank = site.shank;
      electrode = site.electrode;
      const row = Math.floor(electrode / grid.columns);
      xOnShank = (row % 2 === 1 ? grid.x0Odd : grid.x0Even) + (electrode % grid.columns) * grid.xPitch;
      z = row * grid.zPitch;
    }

    const group = mux?.of(readout);
    // CatGT: AP samples of probes that also digitize LF take one extra ADC cycle per sample period.
    const cycles = mux ? mux.groups + (band === "ap" && acqLf > 0 ? 1 : 0) : 0;
    channels.push({
      index,
      acquiredIndex,
      name: `${band === "ap" ? "AP" : "LF"}${readout}`,
      isSync: false,
      band,
      readoutChannel: readout,
      gain,
      conversion: rangeMaxVolts / maxInt / gain,
      x: shank * shankPitch + xOnShank - (grid?.x0Odd ?? 0),
      y: z,
      shank,
      electrode,
      contactId: numShanks > 1 ? `s${shank}e${electrode}` : `e${electrode}`,
      contactShape: "square",
      contactWidth: known?.contactWidth,
      interSampleShift: group === undefined ? undefined : group / cycles,
    });
    neural++;
  }

  const optionalInteger = (key: string) => meta.optionalInteger(key);
  return {
    info: {
      type,
      partNumber: phase3a ? undefined : partNumber,
      serialNumber: meta.optionalString("imDatPrb_sn") ?? meta.optionalString("imProbeSN"),
      description: known?.description ?? `Neuropixels probe ${partNumber ?? `type ${type}`}`,
      numShanks,
      shankPitch,
      headstagePartNumber: meta.optionalString("imDatHs_pn"),
      flexPartNumber: meta.optionalString("imDatFx_pn"),
      baseStationPartNumber: meta.optionalString("imDatBsc_pn"),
      slot: optionalInteger("imDatPrb_slot"),
      port: optionalInteger("imDatPrb_port"),
      dock: optionalInteger("imDatPrb_dock"),
      maxInt,
      rangeMaxVolts,
    },
    channels,
  };
}

function unplaceable(meta: SpikeGLXMeta, describe: string, readout: number): SourceDataError {
  return new SourceDataError(
    meta.path,
    `cannot place channel ${readout} on the probe: the meta file has no ~snsGeomMap and ${describe} is not a probe whose electrode layout this reader knows; re-save the meta with SpikeGLX 20230202 or later (which writes ~snsGeomMap)`,
  );
}
