/**
 * Writes small, realistic SpikeGLX run folders (Neuropixels 1.0 probes with AP and LF bands, and a NI-DAQ
 * stream) for demos, tests and benchmarks. The `.meta` files hold the keys SpikeGLX writes for these streams
 * (see SpikeGLX's Metadata_Help.md); the samples are synthetic: noise, a slow wave and occasional spikes.
 */
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";

export interface SpikeGLXRunOptions {
  readonly runName?: string;
  readonly probes?: number;
  readonly seconds?: number;
  readonly withLf?: boolean;
  readonly withNidq?: boolean;
  /** Local time the run started, ISO 8601 without a zone (as SpikeGLX writes it). */
  readonly createTime?: string;
}

export interface SpikeGLXRun {
  /** The run folder (`<run>_g0`). */
  readonly folder: string;
  /** The `.bin` files written, by stream id ("imec0.ap", "imec0.lf", "nidq"). */
  readonly files: Readonly<Record<string, string>>;
}

const AP_RATE = 30000;
const LF_RATE = 2500;
const NI_RATE = 25000;
const CHANNELS = 384;

function hash(a: number, b: number): number {
  let x = (Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 7, 0x85ebca6b)) >>> 0;
  x ^= x >>> 15;
  x = Math.imul(x, 0x2c1b3c6d) >>> 0;
  return (x ^ (x >>> 13)) >>> 0;
}

/** AP sample (t, c): noise, and a spike every ~0.1 s near channel (t / 3000) mod 384. */
export function syntheticApSample(t: number, c: number): number {
  const noise = (hash(t, c) & 63) - 32;
  const phase = t % 3000;
  const spikeChannel = Math.floor(t / 3000) % CHANNELS;
  const spike =
    phase < 30 && Math.abs(c - spikeChannel) < 4 ? Math.round(-120 * Math.sin((Math.PI * phase) / 30)) : 0;
  return noise + spike;
}

/** LF sample (t, c): a 7 Hz theta wave with a depth gradient, plus noise. */
export function syntheticLfSample(t: number, c: number): number {
  return (
    Math.round(80 * Math.sin((2 * Math.PI * 7 * t) / LF_RATE + c / 100)) + ((hash(t, c + 1000) & 15) - 8)
  );
}

/** Sync word: bit 6 is a 1 Hz square wave (high for the first half of every second). */
function syncWord(t: number, rate: number): number {
  return t % rate < rate / 2 ? 64 : 0;
}

function imroNp1(): string {
  const entries = Array.from({ length: CHANNELS }, (_, c) => `(${c} 0 0 500 250 1)`);
  return `(0,${CHANNELS})${entries.join("")}`;
}

function imecMeta(
  band: "ap" | "lf",
  samples: number,
  createTime: string,
  firstSample: number,
  probe: number,
): string {
  const rate = band === "ap" ? AP_RATE : LF_RATE;
  const lines = [
    `acqApLfSy=${CHANNELS},${CHANNELS},1`,
    "appVersion=20230425",
    `fileCreateTime=${createTime}`,
    `fileSizeBytes=${samples * (CHANNELS + 1) * 2}`,
    `fileTimeSecs=${samples / rate}`,
    `firstSample=${firstSample}`,
    "imAiRangeMax=0.6",
    "imAiRangeMin=-0.6",
    "imDatBsc_pn=NP2_QBSC_00",
    "imDatFx_pn=NP2_FLEX_0",
    "imDatHs_pn=NP2_HS_30",
    "imDatPrb_pn=PRB_1_4_0480_1",
    `imDatPrb_sn=1871${String(probe).padStart(6, "0")}`,
    "imDatPrb_type=0",
    "imMaxInt=512",
    `imSampRate=${rate}`,
    `nSavedChans=${CHANNELS + 1}`,
    band === "ap" ? `snsApLfSy=${CHANNELS},0,1` : `snsApLfSy=0,${CHANNELS},1`,
    // acquired channels are AP 0-383, LF 384-767, SY 768; each file saves its band and the sync word
    band === "ap"
      ? `snsSaveChanSubset=0:${CHANNELS - 1},${2 * CHANNELS}`
      : `snsSaveChanSubset=${CHANNELS}:${2 * CHANNELS}`,
    "typeThis=imec",
    `~imroTbl=${imroNp1()}`,
  ];
  return `${lines.join("\n")}\n`;
}

function nidqMeta(samples: number, createTime: string): string {
  return `${[
    "acqMnMaXaDw=0,0,1,1",
    "appVersion=20230425",
    `fileCreateTime=${createTime}`,
    `fileSizeBytes=${samples * 2 * 2}`,
    `fileTimeSecs=${samples / NI_RATE}`,
    "firstSample=0",
    "nSavedChans=2",
    "niAiRangeMax=5",
    "niAiRangeMin=-5",
    "niMAGain=1",
    "niMNGain=200",
    "niMaxInt=32768",
    `niSampRate=${NI_RATE}`,
    "niXAChans1=0",
    "niXDBytes1=1",
    "niXDChans1=0:7",
    "snsMnMaXaDw=0,0,1,1",
    "snsSaveChanSubset=all",
    "typeThis=nidq",
  ].join("\n")}\n`;
}

/** Writes `samples` rows of `channels` int16 values, block by block (bounded memory for large files). */
function writeInterleaved(
  path: string,
  samples: number,
  channels: number,
  value: (t: number, c: number) => number,
) {
  const fd = openSync(path, "w");
  try {
    const rowsPerBlock = Math.max(1, Math.floor((16 * 1024 * 1024) / (channels * 2)));
    for (let start = 0; start < samples; start += rowsPerBlock) {
      const end = Math.min(samples, start + rowsPerBlock);
      const block = new Int16Array((end - start) * channels);
      for (let t = start; t < end; t++)
        for (let c = 0; c < channels; c++) block[(t - start) * channels + c] = value(t, c);
      writeSync(fd, block);
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes a SpikeGLX run folder under `parent` and returns where its files are.
 *
 * @example
 * ```ts
 * const run = writeSpikeGLXRun("/tmp", { probes: 2, seconds: 2 });
 * const converter = new SpikeGLXConverterPipe({ folderPath: run.folder });
 * ```
 */
export function writeSpikeGLXRun(parent: string, options: SpikeGLXRunOptions = {}): SpikeGLXRun {
  const run = options.runName ?? "demo";
  const seconds = options.seconds ?? 1;
  const createTime = options.createTime ?? "2024-03-01T10:15:00";
  const folder = join(parent, `${run}_g0`);
  mkdirSync(folder, { recursive: true });
  const files: Record<string, string> = {};
  for (let probe = 0; probe < (options.probes ?? 1); probe++) {
    const probeFolder = join(folder, `${run}_g0_imec${probe}`);
    mkdirSync(probeFolder, { recursive: true });
    const bands: ("ap" | "lf")[] = options.withLf === false ? ["ap"] : ["ap", "lf"];
    for (const band of bands) {
      const rate = band === "ap" ? AP_RATE : LF_RATE;
      const samples = Math.round(seconds * rate);
      const base = join(probeFolder, `${run}_g0_t0.imec${probe}.${band}`);
      const sample = band === "ap" ? syntheticApSample : syntheticLfSample;
      writeInterleaved(`${base}.bin`, samples, CHANNELS + 1, (t, c) =>
        c === CHANNELS ? syncWord(t, rate) : sample(t, c),
      );
      // LF samples are taken every 12th AP sample: its first sample on the run's clock is firstSample / 12
      writeFileSync(`${base}.meta`, imecMeta(band, samples, createTime, band === "ap" ? 120 : 10, probe));
      files[`imec${probe}.${band}`] = `${base}.bin`;
    }
  }
  if (options.withNidq !== false) {
    const samples = Math.round(seconds * NI_RATE);
    const base = join(folder, `${run}_g0_t0.nidq`);
    // XA0: a 2 V, 3 Hz sine; XD0: line 0 = the 1 Hz sync square wave, line 1 = a 5 ms pulse every 250 ms
    writeInterleaved(`${base}.bin`, samples, 2, (t, c) =>
      c === 0
        ? Math.round((2 / 5) * 32767 * Math.sin((2 * Math.PI * 3 * t) / NI_RATE))
        : (t % NI_RATE < NI_RATE / 2 ? 1 : 0) | (t % (NI_RATE / 4) < NI_RATE / 200 ? 2 : 0),
    );
    writeFileSync(`${base}.meta`, nidqMeta(samples, createTime));
    files.nidq = `${base}.bin`;
  }
  return { folder, files };
}
