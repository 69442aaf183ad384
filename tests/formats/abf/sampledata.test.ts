/**
 * The five real ABF samples (ABF 1.83, 2.6 and 2.9; one to four channels) read by our reader and by neo's
 * AxonRawIO (plus numpy on the header bytes where neo exposes no field): every sample of every sweep, the
 * scaling, rates, sweep start times and the rebuilt command waveforms must agree.
 */
import { describe, expect, it } from "vitest";
import { type AbfRecording, openAbfFile } from "../../../src/formats/abf/index.js";
import { hasTestdata, testdata } from "../../helpers/testdata.js";
import { type NeoAbf, neoAvailable, neoReadAbf } from "./oracle.js";

const FILES = [
  "05210017_vc_abf1.abf",
  "171116sh_0011.abf",
  "18702001-step.abf",
  "2018_12_09_pCLAMP11_0001.abf",
  "pclamp11_4ch.abf",
];
const run = hasTestdata() && neoAvailable();

async function all(source: { shape: readonly number[]; readRows(s: number, e: number): unknown }) {
  return Array.from((await source.readRows(0, source.shape[0]!)) as ArrayLike<number>);
}

/** Independent step rebuild for ABF1 (neo has none): holding for 1/64 of the sweep, then each step epoch. */
function abf1Steps(holding: number, steps: { level: number; duration: number }[], rows: number): number[] {
  const out = new Array<number>(rows).fill(holding);
  let at = Math.floor(rows / 64);
  for (const { level, duration } of steps) {
    for (let i = at; i < Math.min(rows, at + duration); i++) out[i] = level;
    at += duration;
  }
  return out;
}

describe.skipIf(!run)("ABF samples against neo AxonRawIO and numpy", () => {
  const paths = FILES.map((f) => testdata("abf", f));
  const oracle = run ? neoReadAbf(paths) : [];
  const opened: AbfRecording[] = run ? paths.map((p) => openAbfFile(p)) : [];

  it.each(FILES.map((f, i) => [f, i] as const))("%s: header, scaling and sweeps", (_f, i) => {
    const { header } = opened[i]!;
    const neo: NeoAbf = oracle[i]!;
    expect(header.majorVersion).toBe(neo.version >= 2 ? 2 : 1);
    expect(header.sampleRate).toBeCloseTo(neo.rate, 6);
    expect(header.channels.map((c) => c.name.replaceAll(" ", ""))).toEqual(neo.channels.map((c) => c.name));
    expect(header.channels.map((c) => c.units)).toEqual(neo.channels.map((c) => c.units));
    header.channels.forEach((c, k) => {
      expect(c.gain / neo.channels[k]!.gain).toBeCloseTo(1, 12);
      expect(c.offset).toBeCloseTo(neo.channels[k]!.offset, 12);
    });
    expect(header.sweeps.length).toBe(neo.tStarts.length);
    header.sweeps.forEach((s, k) => {
      expect(s.startTime).toBeCloseTo(neo.tStarts[k]!, 9);
      expect(s.rows).toBe(neo.sweeps[k]!.length);
    });
    expect(
      header.channels.map((c) =>
        c.telegraph ? ["voltageClamp", "currentClamp", "currentZero"].indexOf(c.telegraph.mode!) : -1,
      ),
    ).toEqual(neo.numpy.telegraphModes);
    const dacs = header.dacs.slice(0, neo.numpy.dacNames.length);
    expect(dacs.map((d) => d.name)).toEqual(neo.numpy.dacNames);
    expect(dacs.map((d) => d.units)).toEqual(neo.numpy.dacUnits);
    expect(dacs.map((d) => d.holdingLevel)).toEqual(neo.numpy.dacHolding);
    const date = neo.numpy.startDate;
    expect(header.startDateTime?.slice(0, 10)).toBe(
      `${Math.floor(date / 10000)}-${String(Math.floor(date / 100) % 100).padStart(2, "0")}-${String(date % 100).padStart(2, "0")}`,
    );
    // neo gets the time of day right for both versions (its ABF1 date is a 1900-01-01 placeholder)
    expect(header.startDateTime?.slice(11, 19)).toBe(neo.recDatetime.slice(11, 19));
  });

  it.each(FILES.map((f, i) => [f, i] as const))("%s: every raw sample of every sweep", async (_f, i) => {
    const abf = opened[i]!;
    const neo = oracle[i]!;
    for (let s = 0; s < abf.header.sweeps.length; s++) {
      for (let c = 0; c < abf.header.channels.length; c++) {
        const ours = await all(abf.sweepData(s, c));
        expect(ours).toEqual(neo.sweeps[s]!.map((row) => row[c]));
      }
    }
  });

  it.each(FILES.slice(1).map((f, i) => [f, i + 1] as const))(
    "%s: command waveforms equal neo's rebuild (steps) and ramp linearly where the protocol ramps",
    async (_f, i) => {
      const abf = opened[i]!;
      const protocol = oracle[i]!.protocol!;
      let compared = 0;
      for (const [d, dac] of abf.header.dacs.entries()) {
        const types = oracle[i]!.epochTypes![String(dac.dacNumber)] ?? [];
        for (let s = 0; s < abf.header.sweeps.length; s++) {
          const source = abf.command(s, d);
          if (dac.waveformSource !== "epochs") {
            expect(source).toBeUndefined();
            continue;
          }
          const ours = await all(source!);
          const theirs = protocol.sweeps[s]![d]!;
          compared++;
          if (types.every((t) => t === 1 || t === 0)) {
            expect(ours).toEqual(theirs);
            continue;
          }
          // neo holds a ramp epoch at its final level; ours goes there linearly from the previous level
          let ramps = 0;
          for (let k = 0; k < ours.length; k++) {
            if (ours[k] === theirs[k]) continue;
            // one ramp: the run where neo holds one level and ours differs from it
            let end = k;
            while (end < ours.length && ours[end] !== theirs[end] && theirs[end] === theirs[k]) end++;
            const step = (theirs[k]! - ours[k]!) / (end - k);
            for (let j = k; j < end; j++) expect(ours[j]).toBeCloseTo(ours[k]! + (j - k) * step, 9);
            expect(end - k).toBe(1000); // lEpochInitDuration of the ramp epochs
            ramps++;
            k = end - 1;
          }
          expect(ramps).toBe(types.filter((t) => t === 2).length);
          expect(types).toContain(2);
        }
      }
      expect(compared).toBeGreaterThan(0);
    },
  );

  it.skipIf(!run)("ABF1: step epochs of the active DAC", async () => {
    const abf = opened[0]!;
    const dac = abf.header.dacs[0]!;
    expect(dac.waveformSource).toBe("epochs");
    // the epoch table as neo parses it (nEpochType, fEpochInitLevel, lEpochInitDuration of DAC 0)
    expect(dac.epochs.map((e) => [e.type, e.initLevel, e.initDuration])).toEqual([
      [1, -70, 100],
      [1, -80, 1000],
      [1, -70, 20],
      [1, -70, 10000],
      [1, -70, 100],
      [1, -70, 30000],
    ]);
    const rows = abf.header.sweeps[0]!.rows;
    const expected = abf1Steps(
      oracle[0]!.numpy.dacHolding[0]!,
      dac.epochs.map((e) => ({ level: e.initLevel, duration: e.initDuration })),
      rows,
    );
    expect(await all(abf.command(2, 0)!)).toEqual(expected);
    expect(abf.command(0, 1)).toBeUndefined();
  });
});
