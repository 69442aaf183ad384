/**
 * A small EDF+D file written per the EDF+ specification for what the MNE samples lack: a sub-second start
 * (first record onset 0.25 s), a gap between records, annotations with and without duration, an inverted
 * physical range, and EDF+ patient/recording subfields.
 */
import { writeFileSync } from "node:fs";

const pad = (text: string, width: number) => text.padEnd(width, " ").slice(0, width);

/** Record onsets of the generated file (the third record follows a 1 s gap). */
export const ONSETS = [0.25, 1.25, 3.25];
export const SAMPLES = 4;

/** Writes the file; returns the digital samples of its one data signal. */
export function writeEdfPlus(path: string): number[] {
  const signals = [
    {
      label: "EEG C3-M2",
      dimension: "uV",
      pmin: "100",
      pmax: "-100",
      dmin: "-2048",
      dmax: "2047",
      spr: SAMPLES,
    },
    {
      label: "EDF Annotations",
      dimension: "",
      pmin: "-1",
      pmax: "1",
      dmin: "-32768",
      dmax: "32767",
      spr: 30,
    },
  ];
  const ns = signals.length;
  let header = "0".padEnd(8);
  header += pad("MCH-0234567 F 02-MAY-1951 Haagse_Harry", 80);
  header += pad("Startdate 02-MAR-2002 PSG-1234/2002 NN Telemetry03", 80);
  header += "02.03.0215.30.00";
  header += pad(String(256 * (ns + 1)), 8) + pad("EDF+D", 44) + pad(String(ONSETS.length), 8) + pad("1", 8);
  header += pad(String(ns), 4);
  const column = (width: number, pick: (s: (typeof signals)[number]) => string) =>
    signals.map((s) => pad(pick(s), width)).join("");
  header += column(16, (s) => s.label) + column(80, () => "AgAgCl electrode") + column(8, (s) => s.dimension);
  header +=
    column(8, (s) => s.pmin) + column(8, (s) => s.pmax) + column(8, (s) => s.dmin) + column(8, (s) => s.dmax);
  header += column(80, () => "HP:0.1Hz LP:75Hz") + column(8, (s) => String(s.spr)) + column(32, () => "");
  const digital: number[] = [];
  const records = ONSETS.map((onset, r) => {
    const samples = Buffer.alloc(SAMPLES * 2);
    for (let i = 0; i < SAMPLES; i++) {
      const value = (r * SAMPLES + i) * 300 - 1800;
      digital.push(value);
      samples.writeInt16LE(value, i * 2);
    }
    const texts = ["", "", "+3.5\x14Lights off\x14\x00"];
    const tal = `+${onset}\x14\x14\x00${r === 0 ? "+0.5\x150.2\x14Stim\x14\x00" : texts[r]}`;
    const annotations = Buffer.alloc(60);
    annotations.write(tal, "latin1");
    return Buffer.concat([samples, annotations]);
  });
  writeFileSync(path, Buffer.concat([Buffer.from(header, "latin1"), ...records]));
  return digital;
}
