/**
 * Channels of an Open Ephys stream and the factor that turns their int16 values into volts.
 *
 * The GUI documentation (gui-docs, "Binary format" and "Open Ephys format") says `bit_volts`/`bitVolts`
 * is the value of one bit in microvolts for headstage channels and in volts for ADC channels. Files of
 * GUI 1.0 and later also write `units` ("uV", "mV", "V") and the channel `type` (0 electrode, 1 aux,
 * 2 ADC); GUI 0.6 writes `units` as "" and no type (both real 0.6.0 samples: every channel has units "",
 * including the NI-DAQmx `AI0..7` inputs whose bit_volts 0.000305185 is 10 V / 32767, i.e. volts per bit).
 * So: an explicit unit wins, then the type, then the
 * channel name (`ADCn`, NI-DAQ `AIn` and acquisition-board `AUXn` channels are in volts, everything else is
 * a headstage channel in microvolts). A `*SYNC*` channel (Neuropixels sync word) has no physical unit.
 */

/** What a channel records. */
export type OpenEphysChannelKind = "electrode" | "aux" | "adc" | "sync";

/** The physical unit `bitVolts` is given in. */
export type OpenEphysBitUnit = "uV" | "mV" | "V";

/** One channel of a continuous stream. */
export interface OpenEphysChannel {
  /** Position of the channel in the stream (column of `continuous.dat`, or file order for legacy). */
  readonly index: number;
  readonly name: string;
  readonly description: string;
  readonly kind: OpenEphysChannelKind;
  /** The multiplier as written in the file. */
  readonly bitVolts: number;
  /** `units` as written ("" when the file gives none). */
  readonly units: string;
  /** The unit `bitVolts` is in (undefined for sync channels and unknown units). */
  readonly unit: OpenEphysBitUnit | undefined;
  /** Factor from an int16 value to volts (bitVolts / 1e6 for µV, / 1e3 for mV, bitVolts for V). */
  readonly conversionToVolts: number | undefined;
  /** Binary format only: `identifier` and `history` of the oebin entry. */
  readonly identifier?: string;
  readonly history?: string;
}

/** Divisors from each unit to volts (dividing by 10^k rounds once; multiplying by 1e-6 would round twice). */
const PER_VOLT: Record<OpenEphysBitUnit, number> = { uV: 1e6, mV: 1e3, V: 1 };

function parseUnits(units: string): OpenEphysBitUnit | "none" | undefined {
  const u = units.trim();
  if (u === "") return undefined;
  if (/^(uv|µv|μv|microvolts?)$/i.test(u)) return "uV";
  if (/^(mv|millivolts?)$/i.test(u)) return "mV";
  if (/^(v|volts?)$/i.test(u)) return "V";
  return "none";
}

/** Kind and unit of a channel from what the file says about it. */
export function classifyChannel(info: {
  name: string;
  description?: string;
  units?: string;
  type?: number;
}): { kind: OpenEphysChannelKind; unit: OpenEphysBitUnit | undefined } {
  if (/SYNC/.test(info.name)) return { kind: "sync", unit: undefined };
  const kind: OpenEphysChannelKind =
    info.type === 0
      ? "electrode"
      : info.type === 1
        ? "aux"
        : info.type === 2
          ? "adc"
          : /^(ADC|AI)\d+$/i.test(info.name) || /\b(ADC|analog input)\b/i.test(info.description ?? "")
            ? "adc"
            : /^AUX\d+$/i.test(info.name)
              ? "aux"
              : "electrode";
  const written = parseUnits(info.units ?? "");
  if (written === "none") return { kind, unit: undefined };
  if (written !== undefined) return { kind, unit: written };
  return { kind, unit: kind === "electrode" ? "uV" : "V" };
}

/** Builds a channel record with its conversion to volts. */
export function makeChannel(
  index: number,
  fields: {
    name: string;
    description?: string;
    bitVolts: number;
    units?: string;
    type?: number;
    identifier?: string;
    history?: string;
  },
): OpenEphysChannel {
  const { kind, unit } = classifyChannel(fields);
  return {
    index,
    name: fields.name,
    description: fields.description ?? "",
    kind,
    bitVolts: fields.bitVolts,
    units: fields.units ?? "",
    unit,
    conversionToVolts: unit === undefined ? undefined : fields.bitVolts / PER_VOLT[unit],
    ...(fields.identifier !== undefined ? { identifier: fields.identifier } : {}),
    ...(fields.history !== undefined ? { history: fields.history } : {}),
  };
}
