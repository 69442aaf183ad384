/**
 * Writes small synthetic Intan recordings that follow the published layouts ("RHD2000 Application Note: Data
 * File Formats", "RHS2000 Application Note: Data File Formats", field by field), in the three layouts, from
 * one description of channels and known sample patterns. Written independently of src/formats/intan so that
 * the reader is checked against the documents, not against itself.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** A channel record as the header stores it. */
export interface GenChannel {
  readonly native: string;
  readonly custom?: string;
  readonly nativeOrder: number;
  readonly signalType: number;
  readonly enabled?: boolean;
  readonly chipChannel?: number;
  readonly boardStream?: number;
  readonly commandStream?: number;
  readonly threshold?: number;
  readonly impedance?: number;
  readonly phase?: number;
}

export interface GenGroup {
  readonly name: string;
  readonly prefix: string;
  readonly enabled: boolean;
  readonly channels: readonly GenChannel[];
}

export interface GenHeader {
  readonly type: "rhd" | "rhs";
  readonly major: number;
  readonly minor: number;
  readonly sampleRate: number;
  readonly magic?: number;
  readonly notchMode?: number;
  readonly notes?: readonly [string, string, string];
  readonly numTempSensors?: number;
  readonly boardMode?: number;
  readonly reference?: string;
  readonly dcSaved?: boolean;
  readonly stimStepSize?: number;
  readonly groups: readonly GenGroup[];
}

/** Samples in Intan's canonical codes (what the traditional file stores). */
export interface GenData {
  readonly numSamples: number;
  readonly timestamps: Int32Array;
  /** One array per enabled channel of each kind, in header order. */
  readonly amplifier: Uint16Array[];
  /** Traditional rate: numSamples / 4 per channel. */
  readonly auxiliary: Uint16Array[];
  /** One value per data block. */
  readonly supply: Uint16Array[];
  readonly temperature: Int16Array[];
  readonly adc: Uint16Array[];
  readonly dac: Uint16Array[];
  readonly dc: Uint16Array[];
  readonly stim: Uint16Array[];
  /** The 16-line words (undefined when no line of the kind is enabled). */
  readonly digitalIn: Uint16Array | undefined;
  readonly digitalOut: Uint16Array | undefined;
}

/** RHD signal types and RHS signal types of each kind. */
const TYPES = {
  rhd: { amplifier: 0, auxiliary: 1, supply: 2, adc: 3, digitalIn: 4, digitalOut: 5, dac: -1 },
  rhs: { amplifier: 0, auxiliary: -1, supply: -1, adc: 3, dac: 4, digitalIn: 5, digitalOut: 6 },
} as const;

export function samplesPerBlock(h: GenHeader): number {
  return h.type === "rhd" && h.major === 1 ? 60 : 128;
}

/** Enabled channels of a signal type, in header order. */
export function enabled(h: GenHeader, type: number): GenChannel[] {
  return h.groups.flatMap((g) => g.channels.filter((c) => (c.enabled ?? true) && c.signalType === type));
}

export function kindChannels(h: GenHeader, kind: keyof (typeof TYPES)["rhd"]): GenChannel[] {
  const type = TYPES[h.type][kind];
  return type < 0 ? [] : enabled(h, type);
}

/** Little-endian byte writer. */
class Writer {
  private readonly parts: Buffer[] = [];
  u32(v: number) {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v >>> 0);
    this.parts.push(b);
  }
  i32(v: number) {
    const b = Buffer.alloc(4);
    b.writeInt32LE(v);
    this.parts.push(b);
  }
  i16(v: number) {
    const b = Buffer.alloc(2);
    b.writeInt16LE(v);
    this.parts.push(b);
  }
  u16(v: number) {
    const b = Buffer.alloc(2);
    b.writeUInt16LE(v);
    this.parts.push(b);
  }
  f32(v: number) {
    const b = Buffer.alloc(4);
    b.writeFloatLE(v);
    this.parts.push(b);
  }
  /** QString: uint32 byte count (0xFFFFFFFF for a null string), then UTF-16LE. */
  qs(s: string | null) {
    if (s === null) {
      this.u32(0xffffffff);
      return;
    }
    const text = Buffer.from(s, "utf16le");
    this.u32(text.length);
    this.parts.push(text);
  }
  raw(b: Buffer) {
    this.parts.push(b);
  }
  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/** The standard header, field by field as the app notes list them. */
export function encodeHeader(h: GenHeader): Buffer {
  const w = new Writer();
  const rhs = h.type === "rhs";
  w.u32(h.magic ?? (rhs ? 0xd69127ac : 0xc6912702));
  w.i16(h.major);
  w.i16(h.minor);
  w.f32(h.sampleRate);
  w.i16(1); // DSP enabled
  w.f32(1.1657); // actual DSP cutoff
  w.f32(0.0945); // actual lower bandwidth
  if (rhs) w.f32(999.5); // actual lower settle bandwidth
  w.f32(7603.8); // actual upper bandwidth
  w.f32(1.0); // desired DSP cutoff
  w.f32(0.1); // desired lower bandwidth
  if (rhs) w.f32(1000); // desired lower settle bandwidth
  w.f32(7500); // desired upper bandwidth
  w.i16(h.notchMode ?? 2);
  w.f32(1000); // desired impedance test frequency
  w.f32(1001.5); // actual impedance test frequency
  if (rhs) {
    w.i16(1); // amp settle mode
    w.i16(0); // charge recovery mode
    w.f32(h.stimStepSize ?? 1e-6);
    w.f32(1e-6); // charge recovery current limit
    w.f32(0); // charge recovery target voltage
  }
  const notes = h.notes ?? ["first note", "", "µ-note ✓"];
  w.qs(notes[0]);
  w.qs(notes[1] === "" ? null : notes[1]);
  w.qs(notes[2]);
  const atLeast = (ma: number, mi: number) => h.major > ma || (h.major === ma && h.minor >= mi);
  if (rhs) {
    w.i16(h.dcSaved ? 1 : 0);
    w.i16(h.boardMode ?? 14);
    w.qs(h.reference ?? "n/a");
  } else {
    if (atLeast(1, 1)) w.i16(h.numTempSensors ?? 0);
    if (atLeast(1, 3)) w.i16(h.boardMode ?? 0);
    if (atLeast(2, 0)) w.qs(h.reference ?? "n/a");
  }
  w.i16(h.groups.length);
  for (const g of h.groups) {
    w.qs(g.name);
    w.qs(g.prefix);
    w.i16(g.enabled ? 1 : 0);
    w.i16(g.channels.length);
    w.i16(g.channels.filter((c) => c.signalType === 0).length);
    for (const c of g.channels) {
      w.qs(c.native);
      w.qs(c.custom ?? c.native);
      w.i16(c.nativeOrder);
      w.i16(c.nativeOrder); // custom order
      w.i16(c.signalType);
      w.i16((c.enabled ?? true) ? 1 : 0);
      w.i16(c.chipChannel ?? c.nativeOrder);
      if (rhs) w.i16(c.commandStream ?? 0);
      w.i16(c.boardStream ?? 0);
      w.i16(1); // spike trigger mode: voltage
      w.i16(c.threshold ?? (c.signalType === 0 ? -70 : 0));
      w.i16(3); // digital trigger channel
      w.i16(1); // rising edge
      w.f32(c.impedance ?? 0);
      w.f32(c.phase ?? 0);
    }
  }
  return w.bytes();
}

/** Deterministic test patterns over `numBlocks` blocks; `gapAt` inserts a jump of +5 in the timestamps. */
export function makeData(
  h: GenHeader,
  numBlocks: number,
  options: { firstTimestamp?: number; gapAt?: number } = {},
): GenData {
  const N = samplesPerBlock(h);
  const n = numBlocks * N;
  const timestamps = new Int32Array(n);
  let ts = options.firstTimestamp ?? 0;
  for (let i = 0; i < n; i++) {
    if (i === options.gapAt) ts += 5;
    timestamps[i] = ts++;
  }
  const series = <T extends Uint16Array | Int16Array>(
    make: (len: number) => T,
    count: number,
    len: number,
    f: (c: number, t: number) => number,
  ) =>
    Array.from({ length: count }, (_, c) => {
      const a = make(len);
      for (let t = 0; t < len; t++) a[t] = f(c, t);
      return a;
    });
  const u16 = (len: number) => new Uint16Array(len);
  const amplifier = series(u16, kindChannels(h, "amplifier").length, n, (c, t) => {
    if (t === 3 && c === 0) return 0; // full-scale codes must survive
    if (t === 4 && c === 0) return 65535;
    return 32768 + Math.round(3000 * Math.sin((2 * Math.PI * t) / 50 + c)) + 11 * c;
  });
  const auxiliary = series(
    u16,
    kindChannels(h, "auxiliary").length,
    n / 4,
    (c, t) => (10000 + 3 * t + 1000 * c) % 65536,
  );
  const supply = series(u16, kindChannels(h, "supply").length, numBlocks, (c, b) => 44000 + 7 * b + c);
  const temperature = series(
    (len) => new Int16Array(len),
    h.type === "rhd" ? (h.numTempSensors ?? 0) : 0,
    numBlocks,
    (c, b) => (b === 0 && c === 1 ? -5 : 2500 + 3 * b - c),
  );
  const adc = series(u16, kindChannels(h, "adc").length, n, (c, t) => (t * 97 + c * 5003 + 32000) % 65536);
  const dac = series(u16, kindChannels(h, "dac").length, n, (c, t) => (t * 61 + c * 7001 + 20000) % 65536);
  const amps = kindChannels(h, "amplifier").length;
  const dc = series(u16, h.type === "rhs" && h.dcSaved ? amps : 0, n, (c, t) => (t * 5 + c * 37) % 1024);
  const stim = series(u16, h.type === "rhs" ? amps : 0, n, (c, t) => {
    let word = 0;
    if (t % 40 >= 5 && t % 40 < 10) word = ((c + 1) * 10) | (c % 2 === 1 ? 0x100 : 0);
    if (t % 40 === 12) word |= 0x2000; // amp settle
    if (t % 40 === 13) word |= 0x4000; // charge recovery
    if (t % 97 === 50) word |= 0x8000 | 255; // compliance limit with full magnitude
    return word;
  });
  const digital = (lines: GenChannel[], seed: number) => {
    if (lines.length === 0) return undefined;
    const words = new Uint16Array(n);
    for (let t = 0; t < n; t++) {
      let word = 0;
      // Line with native order b toggles every 20 + 13*b + seed samples; line 0 starts high.
      for (let b = 0; b < 16; b++) {
        const period = 20 + 13 * b + seed;
        if ((Math.floor(t / period) + (b === 0 ? 1 : 0)) % 2 === 1) word |= 1 << b;
      }
      words[t] = word;
    }
    return words;
  };
  return {
    numSamples: n,
    timestamps,
    amplifier,
    auxiliary,
    supply,
    temperature,
    adc,
    dac,
    dc,
    stim,
    digitalIn: digital(kindChannels(h, "digitalIn"), 0),
    digitalOut: digital(kindChannels(h, "digitalOut"), 7),
  };
}

/** Traditional layout: header, then data blocks in the order the app notes give. */
export function writeTraditional(path: string, h: GenHeader, d: GenData): Buffer {
  const N = samplesPerBlock(h);
  const w = new Writer();
  w.raw(encodeHeader(h));
  const blocks = d.numSamples / N;
  const signedTimestamps = h.type === "rhs" || h.major > 1 || h.minor >= 2;
  for (let b = 0; b < blocks; b++) {
    const span = (a: Uint16Array | Int16Array, per: number) => a.subarray(b * per, (b + 1) * per);
    for (let t = 0; t < N; t++) {
      if (signedTimestamps) w.i32(d.timestamps[b * N + t]!);
      else w.u32(d.timestamps[b * N + t]!);
    }
    const put16 = (arrays: (Uint16Array | Int16Array)[], per: number) => {
      for (const a of arrays) for (const v of span(a, per)) a instanceof Int16Array ? w.i16(v) : w.u16(v);
    };
    put16(d.amplifier, N);
    if (h.type === "rhs") {
      put16(d.dc, N);
      put16(d.stim, N);
      put16(d.adc, N);
      put16(d.dac, N);
    } else {
      put16(d.auxiliary, N / 4);
      put16(d.supply, 1);
      put16(d.temperature, 1);
      put16(d.adc, N);
    }
    if (d.digitalIn) put16([d.digitalIn], N);
    if (d.digitalOut) put16([d.digitalOut], N);
  }
  const bytes = w.bytes();
  writeFileSync(path, bytes);
  return bytes;
}

function le16(values: ArrayLike<number>, signed = false): Buffer {
  const b = Buffer.alloc(values.length * 2);
  for (let i = 0; i < values.length; i++) {
    if (signed) b.writeInt16LE(values[i]!, 2 * i);
    else b.writeUInt16LE(values[i]!, 2 * i);
  }
  return b;
}

/** Interleaves channel arrays into rows (sample-major). */
function rows(arrays: ArrayLike<number>[], n: number, map: (v: number) => number = (v) => v): number[] {
  const out: number[] = [];
  for (let t = 0; t < n; t++) for (const a of arrays) out.push(map(a[t]!));
  return out;
}

/** Expands a decimated series to one value per sample (Intan holds each value until the next). */
function hold(a: ArrayLike<number>, factor: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < a.length; i++) for (let k = 0; k < factor; k++) out.push(a[i]!);
  return out;
}

const toSigned = (code: number) => code - 32768;

/** One-file-per-signal-type layout in `dir`: info file + time.dat + one .dat per signal type. */
export function writePerSignalType(dir: string, h: GenHeader, d: GenData): void {
  mkdirSync(dir, { recursive: true });
  const N = samplesPerBlock(h);
  const n = d.numSamples;
  writeFileSync(join(dir, `info.${h.type}`), encodeHeader(h));
  const time = Buffer.alloc(4 * n);
  for (let i = 0; i < n; i++) time.writeInt32LE(d.timestamps[i]!, 4 * i);
  writeFileSync(join(dir, "time.dat"), time);
  if (d.amplifier.length > 0)
    writeFileSync(join(dir, "amplifier.dat"), le16(rows(d.amplifier, n, toSigned), true));
  if (d.auxiliary.length > 0) {
    writeFileSync(
      join(dir, "auxiliary.dat"),
      le16(
        rows(
          d.auxiliary.map((a) => hold(a, 4)),
          n,
        ),
      ),
    );
  }
  if (d.supply.length > 0)
    writeFileSync(
      join(dir, "supply.dat"),
      le16(
        rows(
          d.supply.map((a) => hold(a, N)),
          n,
        ),
      ),
    );
  if (d.adc.length > 0) writeFileSync(join(dir, "analogin.dat"), le16(rows(d.adc, n)));
  if (d.dac.length > 0) writeFileSync(join(dir, "analogout.dat"), le16(rows(d.dac, n)));
  if (d.dc.length > 0) writeFileSync(join(dir, "dcamplifier.dat"), le16(rows(d.dc, n)));
  if (d.stim.length > 0) writeFileSync(join(dir, "stim.dat"), le16(rows(d.stim, n)));
  if (d.digitalIn) writeFileSync(join(dir, "digitalin.dat"), le16(d.digitalIn));
  if (d.digitalOut) writeFileSync(join(dir, "digitalout.dat"), le16(d.digitalOut));
}

/** One-file-per-channel layout in `dir`; `skipStim` lists amplifier channels without a stim file. */
export function writePerChannel(
  dir: string,
  h: GenHeader,
  d: GenData,
  skipStim: readonly number[] = [],
): void {
  mkdirSync(dir, { recursive: true });
  const N = samplesPerBlock(h);
  const n = d.numSamples;
  writeFileSync(join(dir, `info.${h.type}`), encodeHeader(h));
  const time = Buffer.alloc(4 * n);
  for (let i = 0; i < n; i++) time.writeInt32LE(d.timestamps[i]!, 4 * i);
  writeFileSync(join(dir, "time.dat"), time);
  const file = (name: string, data: Buffer) => writeFileSync(join(dir, `${name}.dat`), data);
  for (const [k, c] of kindChannels(h, "amplifier").entries()) {
    file(`amp-${c.native}`, le16(Array.from(d.amplifier[k]!, toSigned), true));
    if (h.type === "rhs") {
      if (h.dcSaved) file(`dc-${c.native}`, le16(d.dc[k]!));
      if (!skipStim.includes(k)) file(`stim-${c.native}`, le16(d.stim[k]!));
    }
  }
  for (const [k, c] of kindChannels(h, "auxiliary").entries())
    file(`aux-${c.native}`, le16(hold(d.auxiliary[k]!, 4)));
  for (const [k, c] of kindChannels(h, "supply").entries())
    file(`vdd-${c.native}`, le16(hold(d.supply[k]!, N)));
  for (const [k, c] of kindChannels(h, "adc").entries()) file(`board-${c.native}`, le16(d.adc[k]!));
  for (const [k, c] of kindChannels(h, "dac").entries()) file(`board-${c.native}`, le16(d.dac[k]!));
  const lines = (channels: GenChannel[], words: Uint16Array | undefined) => {
    for (const c of channels) {
      file(`board-${c.native}`, le16(Array.from(words!, (w) => (w >> c.nativeOrder) & 1)));
    }
  };
  lines(kindChannels(h, "digitalIn"), d.digitalIn);
  lines(kindChannels(h, "digitalOut"), d.digitalOut);
}

/** The RHS description used by the tests: 4 amplifiers + DC + stim, 2 ADC, 2 DAC, digital in/out. */
export function rhsHeader(overrides: Partial<GenHeader> = {}): GenHeader {
  const amp = (i: number): GenChannel => ({
    native: `A-${String(i).padStart(3, "0")}`,
    custom: i === 2 ? "electrode-7" : undefined,
    nativeOrder: i,
    signalType: 0,
    chipChannel: i,
    impedance: 1000 * (i + 1),
    phase: -10 * i,
  });
  return {
    type: "rhs",
    major: 3,
    minor: 0,
    sampleRate: 30000,
    dcSaved: true,
    stimStepSize: 2e-6,
    groups: [
      { name: "Port A", prefix: "A", enabled: true, channels: [amp(0), amp(1), amp(2), amp(3)] },
      { name: "Port B", prefix: "B", enabled: false, channels: [] },
      {
        name: "Analog In Ports",
        prefix: "ANALOG-IN",
        enabled: true,
        channels: [
          { native: "ANALOG-IN-1", nativeOrder: 0, signalType: 3 },
          { native: "ANALOG-IN-2", nativeOrder: 1, signalType: 3 },
          { native: "ANALOG-IN-3", nativeOrder: 2, signalType: 3, enabled: false },
        ],
      },
      {
        name: "Analog Out Ports",
        prefix: "ANALOG-OUT",
        enabled: true,
        channels: [
          { native: "ANALOG-OUT-1", nativeOrder: 0, signalType: 4 },
          { native: "ANALOG-OUT-2", nativeOrder: 1, signalType: 4 },
        ],
      },
      {
        name: "Digital In Ports",
        prefix: "DIGITAL-IN",
        enabled: true,
        channels: [
          { native: "DIGITAL-IN-01", nativeOrder: 0, signalType: 5 },
          { native: "DIGITAL-IN-02", nativeOrder: 1, signalType: 5, enabled: false },
          { native: "DIGITAL-IN-06", nativeOrder: 5, signalType: 5 },
        ],
      },
      {
        name: "Digital Out Ports",
        prefix: "DIGITAL-OUT",
        enabled: true,
        channels: [
          { native: "DIGITAL-OUT-01", nativeOrder: 0, signalType: 6 },
          { native: "DIGITAL-OUT-02", nativeOrder: 1, signalType: 6 },
        ],
      },
    ],
    ...overrides,
  };
}

/** The RHD description used by the tests: amplifiers, aux, supply, ADC and digital in/out. */
export function rhdHeader(overrides: Partial<GenHeader> = {}): GenHeader {
  const amp = (i: number): GenChannel => ({
    native: `B-${String(i).padStart(3, "0")}`,
    nativeOrder: i,
    signalType: 0,
    chipChannel: i,
    boardStream: 1,
  });
  return {
    type: "rhd",
    major: 3,
    minor: 0,
    sampleRate: 20000,
    boardMode: 13,
    reference: "B-003",
    groups: [
      { name: "Port A", prefix: "A", enabled: false, channels: [] },
      {
        name: "Port B",
        prefix: "B",
        enabled: true,
        channels: [
          amp(0),
          amp(1),
          { ...amp(2), enabled: false },
          amp(3),
          amp(4),
          { native: "B-AUX1", nativeOrder: 32, signalType: 1, chipChannel: 0, boardStream: 1 },
          { native: "B-AUX2", nativeOrder: 33, signalType: 1, chipChannel: 1, boardStream: 1 },
          { native: "B-VDD1", nativeOrder: 35, signalType: 2, boardStream: 1 },
        ],
      },
      {
        name: "Board ADC Inputs",
        prefix: "ADC",
        enabled: true,
        channels: [
          { native: "ADC-00", nativeOrder: 0, signalType: 3 },
          { native: "ADC-01", nativeOrder: 1, signalType: 3, enabled: false },
          { native: "ADC-02", nativeOrder: 2, signalType: 3 },
        ],
      },
      {
        name: "Board Digital Inputs",
        prefix: "DIN",
        enabled: true,
        channels: [
          { native: "DIN-00", nativeOrder: 0, signalType: 4 },
          { native: "DIN-03", nativeOrder: 3, signalType: 4 },
        ],
      },
      {
        name: "Board Digital Outputs",
        prefix: "DOUT",
        enabled: true,
        channels: [{ native: "DOUT-02", nativeOrder: 2, signalType: 5 }],
      },
    ],
    ...overrides,
  };
}
