/**
 * Neuropixels probe families: electrode grid, contact size, ADC range, fixed gains and mux layout.
 *
 * Facts from SpikeGLX `Src-imro/IMROTbl.cpp` (per part number: hardware columns, x/z pitch, left-edge offset
 * of even and odd rows, shank pitch; `pnToType` for which part numbers share a type) and
 * `Src-imro/IMROTbl_T*.h` (maxInt, maxVolts, fixed gains, mux tables); contact sizes from billkarsh/ProbeTable
 * as packaged in probeinterface's `neuropixels_probe_features.json`.
 */

/** How the entries of `~imroTbl` are laid out for a probe family. */
export type ImroFormat =
  /** NP1.0-like: (channel bank refid apGain lfGain apHipassFilter); electrode = channel + 384 * bank. */
  | "np1"
  /** Phase 3A: header (serial,option,nchan); entries (channel bank refid apGain lfGain). */
  | "phase3a"
  /** NP2.0 single shank: (channel bankMask refid electrode). */
  | "np2-single"
  /** NP2.0 multi shank and quad base: (channel shank bank refid electrode). */
  | "np2-multi"
  /** NP1110 (UHD2): header (type,colMode,refid,apGain,lfGain,apFilter); entries (group bankA bankB). */
  | "uhd2";

/** Physical layout and electrical constants of a probe family. */
export interface ProbeLayout {
  readonly description: string;
  readonly imro: ImroFormat | undefined;
  readonly shanks: number;
  /** Distance between the left edges of neighbouring shanks (µm). */
  readonly shankPitch: number;
  /** Electrode columns per shank (hardware columns). */
  readonly columns: number;
  readonly xPitch: number;
  readonly zPitch: number;
  /** Left shank edge to the centre of the left-most electrode of even rows / odd rows (µm). */
  readonly x0Even: number;
  readonly x0Odd: number;
  /** Side of the square contact (µm), from ProbeTable. */
  readonly contactWidth: number | undefined;
  readonly maxInt: number | undefined;
  readonly maxVolts: number | undefined;
  /** Gain of probes whose gain is not selectable. */
  readonly fixedGain: number | undefined;
  /** Regular mux: channels are taken in pairs of ADC columns, `groups` consecutive pairs per ADC pair. */
  readonly mux: { readonly adcs: number; readonly groups: number } | undefined;
}

const NP1: ProbeLayout = {
  description: "Neuropixels 1.0",
  imro: "np1",
  shanks: 1,
  shankPitch: 0,
  columns: 2,
  xPitch: 32,
  zPitch: 20,
  x0Even: 27,
  x0Odd: 11,
  contactWidth: 12,
  maxInt: 512,
  maxVolts: 0.6,
  fixedGain: undefined,
  mux: { adcs: 32, groups: 12 },
};
const NP1_LINEAR: ProbeLayout = { ...NP1, description: "Neuropixels 1.0 NHP short, linear", x0Odd: 27 };
const NHP_25: ProbeLayout = { ...NP1, description: "Neuropixels 1.0 NHP medium (25 mm)", xPitch: 87 };
const NHP_25_LINEAR: ProbeLayout = {
  ...NHP_25,
  description: "Neuropixels 1.0 NHP medium (25 mm), linear",
  xPitch: 103,
  x0Even: 11,
};
const NHP_45: ProbeLayout = { ...NHP_25, description: "Neuropixels 1.0 NHP long (45 mm)" };
const NHP_45_LINEAR: ProbeLayout = {
  ...NHP_25_LINEAR,
  description: "Neuropixels 1.0 NHP long (45 mm), linear",
};
const UHD = (
  description: string,
  columns: number,
  pitch: number,
  x0: number,
  width: number,
): ProbeLayout => ({
  ...NP1,
  description,
  columns,
  xPitch: pitch,
  zPitch: pitch,
  x0Even: x0,
  x0Odd: x0,
  contactWidth: width,
});
const UHD1 = UHD("Neuropixels Ultra (UHD1, passive)", 8, 6, 14, 5);
const UHD2: ProbeLayout = { ...UHD("Neuropixels Ultra (UHD2, switchable)", 8, 6, 15.5, 5), imro: "uhd2" };
// NP1200/1210: 128 channels with an irregular mux table, not reproduced here (meta ~muxTbl is used if present).
const NHP_128: ProbeLayout = {
  ...NP1,
  description: "Neuropixels NHP passive, 128 channels",
  zPitch: 31,
  x0Even: 56.5,
  x0Odd: 36.5,
  mux: undefined,
};
const OPTO: ProbeLayout = { ...NP1, description: "Neuropixels Opto", xPitch: 48, x0Even: 11, x0Odd: 11 };
const NP2_SINGLE: ProbeLayout = {
  description: "Neuropixels 2.0 single shank",
  imro: "np2-single",
  shanks: 1,
  shankPitch: 0,
  columns: 2,
  xPitch: 32,
  zPitch: 15,
  x0Even: 27,
  x0Odd: 27,
  contactWidth: 12,
  maxInt: 8192,
  maxVolts: 0.5,
  fixedGain: 80,
  mux: { adcs: 24, groups: 16 },
};
const NP2_MULTI: ProbeLayout = {
  ...NP2_SINGLE,
  description: "Neuropixels 2.0 four shank",
  imro: "np2-multi",
  shanks: 4,
  shankPitch: 250,
};
// Commercial NP2.0 (2003/2013 family): 12-bit ADC range, gain 100.
const NP2_SINGLE_COMMERCIAL: ProbeLayout = { ...NP2_SINGLE, maxInt: 2048, maxVolts: 0.62, fixedGain: 100 };
const NP2_SINGLE_STAGGERED: ProbeLayout = {
  ...NP2_SINGLE_COMMERCIAL,
  description: "Neuropixels 2.0 single shank NHP, staggered",
  x0Odd: 11,
};
const NP2_MULTI_COMMERCIAL: ProbeLayout = { ...NP2_MULTI, maxInt: 2048, maxVolts: 0.62, fixedGain: 100 };
const QUAD_BASE: ProbeLayout = {
  ...NP2_MULTI_COMMERCIAL,
  description: "Neuropixels 2.0 quad base, four shank",
  mux: { adcs: 96, groups: 16 },
};
export const PHASE_3A: ProbeLayout = { ...NP1, description: "Neuropixels Phase 3A", imro: "phase3a" };

/** Part numbers `NPxxxx` by number (SpikeGLX IMROTbl.cpp, pnToType and constructor). */
const BY_PART_NUMBER = new Map<number, ProbeLayout>([
  ...[1000, 1001, 1010, 1011, 1012, 1013, 1014].map((n) => [n, NP1] as const),
  ...[1015, 1016, 1017].map((n) => [n, NP1_LINEAR] as const),
  [1020, NHP_25],
  [1021, NHP_25],
  [1022, NHP_25_LINEAR],
  [1030, NHP_45],
  [1031, NHP_45],
  ...[1032, 1033, 1040, 1041, 1042, 1050, 1051].map((n) => [n, NHP_45_LINEAR] as const),
  [1100, UHD1],
  [1110, UHD2],
  [1120, UHD("Neuropixels Ultra (UHD3, 2 x 192)", 2, 4.5, 6.75, 3.5)],
  [1121, UHD("Neuropixels Ultra (UHD3, 1 x 384)", 1, 3, 6.25, 2.5)],
  [1122, UHD("Neuropixels Ultra (UHD3, 16 x 24)", 16, 3, 12.5, 2.5)],
  [1123, UHD("Neuropixels Ultra (UHD3, 12 x 32)", 12, 4.5, 10.25, 3.5)],
  [1200, NHP_128],
  [1210, NHP_128],
  [1300, OPTO],
  [2000, NP2_SINGLE],
  [2003, NP2_SINGLE_COMMERCIAL],
  [2004, NP2_SINGLE_COMMERCIAL],
  [2005, NP2_SINGLE_COMMERCIAL],
  [2006, NP2_SINGLE_STAGGERED],
  [2010, NP2_MULTI],
  [2013, NP2_MULTI_COMMERCIAL],
  [2014, NP2_MULTI_COMMERCIAL],
  [2020, QUAD_BASE],
  [2021, QUAD_BASE],
]);

/** Numeric probe types (`imDatPrb_type`, or the first imro header field of older files). */
const BY_TYPE = new Map<number, ProbeLayout>([
  [0, NP1],
  [21, NP2_SINGLE],
  [24, NP2_MULTI],
  [1020, NHP_25],
  [1030, NHP_45],
  [1100, UHD1],
  [1110, UHD2],
  [1120, BY_PART_NUMBER.get(1120)!],
  [1121, BY_PART_NUMBER.get(1121)!],
  [1122, BY_PART_NUMBER.get(1122)!],
  [1123, BY_PART_NUMBER.get(1123)!],
  [1200, NHP_128],
  [1300, OPTO],
  [2003, NP2_SINGLE_COMMERCIAL],
  [2013, NP2_MULTI_COMMERCIAL],
  [2020, QUAD_BASE],
]);

/** The layout of a probe part number (`imDatPrb_pn`, or the first imro header field of new files). */
export function layoutForPartNumber(partNumber: string): ProbeLayout | undefined {
  // Early part numbers: PRB_1_4_0480_1(_C) and PRB_1_2_0480_2 are NP1.0, PRB2_1/PRB2_4 the NP2.0 prototypes.
  if (partNumber.startsWith("PRB_1_4") || partNumber.startsWith("PRB_1_2")) return NP1;
  if (partNumber.startsWith("PRB2_1")) return NP2_SINGLE;
  if (partNumber.startsWith("PRB2_4")) return NP2_MULTI;
  const match = /^NP(\d+)/.exec(partNumber);
  return match ? BY_PART_NUMBER.get(Number(match[1])) : undefined;
}

/** The layout of a numeric probe type (`imDatPrb_type`, or the first imro header field of older files). */
export function layoutForType(type: number): ProbeLayout | undefined {
  return BY_TYPE.get(type);
}
