/**
 * What the EDF recording and analog interfaces share: which signals are neural, the clock (sub-second start,
 * EDF+D record onsets), the header's subject and session fields, and the annotations.
 */
import { basename } from "node:path";
import type { Metadata } from "../../conversion/metadata/schema.js";
import { addEventsToNwbfile, addIntervalsToNwbfile } from "../../conversion/signals.js";
import { segmentedTiming, type Timing } from "../../conversion/timing.js";
import { SourceDataError } from "../../errors.js";
import type { EdfFile, EdfSignal } from "../../formats/edf/index.js";
import type { NWBFile } from "../../nwb/containers/file.js";

/** Volts per unit of the EDF physical dimensions that are voltages; undefined for other quantities. */
export function voltsPerUnit(dimension: string): number | undefined {
  const factors: Record<string, number> = { v: 1, mv: 1e-3, uv: 1e-6, µv: 1e-6, μv: 1e-6, nv: 1e-9 };
  return factors[dimension.trim().toLowerCase()];
}

/**
 * EDF+ signal types (the label's first word, edfplus.info "standard texts") and common equipment labels
 * that are not brain signals even when measured in volts.
 */
const NON_NEURAL_TYPES = new Set([
  "ECG",
  "EKG",
  "EOG",
  "EMG",
  "ERG",
  "RESP",
  "TEMP",
  "SAO2",
  "SPO2",
  "LIGHT",
  "SOUND",
  "EVENT",
  "FREQ",
  "DIG",
  "TRIG",
  "TRIGGER",
  "STATUS",
  "STI",
  "STIM",
  "MISC",
  "PULSE",
  "PLETH",
  "SNORE",
  "FLOW",
  "PRESS",
  "EDA",
  "GSR",
  "POS",
  "BODY",
]);

/**
 * Whether a signal is neural by default: in volts and not of a non-neural EDF+ type (ECG, EOG, EMG, Resp,
 * trigger and status lines...). Unlabelled voltage signals count as neural (plain EDF EEG montages).
 */
export function isNeuralByDefault(signal: EdfSignal): boolean {
  const type = signal.label.trim().split(/\s+/)[0]!.toUpperCase();
  return voltsPerUnit(signal.physicalDimension) !== undefined && !NON_NEURAL_TYPES.has(type);
}

/** Labels the user named that the file does not have: an error naming the file, the option and its signals. */
export function checkLabels(edf: EdfFile, option: string, labels: readonly string[] | undefined): void {
  const known = new Set(edf.dataSignals.map((s) => s.label));
  const unknown = (labels ?? []).filter((label) => !known.has(label));
  if (unknown.length > 0) {
    throw new SourceDataError(
      edf.header.path,
      `${option}: no signal ${unknown.map((l) => `'${l}'`).join(", ")}; its signals are ${[...known].join(", ")}`,
    );
  }
}

/** The neural signals: those named in `neuralChannels`, else the default choice; minus `channelsToSkip`. */
export function neuralSignals(
  edf: EdfFile,
  options: { neuralChannels?: readonly string[]; channelsToSkip?: readonly string[] },
): EdfSignal[] {
  checkLabels(edf, "neuralChannels", options.neuralChannels);
  checkLabels(edf, "channelsToSkip", options.channelsToSkip);
  const chosen = options.neuralChannels ? new Set(options.neuralChannels) : undefined;
  const skip = new Set(options.channelsToSkip ?? []);
  return edf.dataSignals.filter(
    (s) => !skip.has(s.label) && (chosen ? chosen.has(s.label) : isNeuralByDefault(s)),
  );
}

/** Seconds from the header's whole-second start to the first sample (EDF+ sub-second start), else 0. */
export function subsecondOf(edf: EdfFile): number {
  const start = edf.startOffset;
  return start > 0 && start < 1 ? start : 0;
}

/** Regular from the first record's onset, or one segment per record when records have gaps (EDF+D). */
export function edfTiming(edf: EdfFile, signal: EdfSignal): Timing {
  const subsecond = subsecondOf(edf);
  const count = edf.numSamples(signal);
  const onsets = edf.recordOnsets;
  const segments = edf.continuous
    ? [{ firstIndex: 0, startingTime: (onsets[0] ?? 0) - subsecond }]
    : Array.from(onsets, (t, r) => ({
        firstIndex: r * signal.samplesPerRecord,
        startingTime: t - subsecond,
      }));
  return segmentedTiming(signal.samplingRate, segments, count);
}

/** The header's start time with the EDF+ sub-second start. */
export function edfStartTime(edf: EdfFile): string {
  const whole = edf.header.startDateTime;
  const subsecond = subsecondOf(edf);
  return subsecond > 0 ? `${whole}${subsecond.toFixed(7).replace(/0+$/, "").slice(1)}` : whole;
}

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];

/** An EDF+ dd-MMM-yyyy date as yyyy-mm-dd; undefined when unknown ("X") or malformed. */
function edfPlusDate(text: string | undefined): string | undefined {
  const m = /^(\d\d)-([A-Z]{3})-(\d{4})$/.exec(text ?? "");
  const month = m ? MONTHS.indexOf(m[2]!) + 1 : 0;
  return m && month > 0 ? `${m[3]}-${String(month).padStart(2, "0")}-${m[1]}` : undefined;
}

/** An EDF+ subfield: spaces stand for underscores, "X" for unknown. */
const subfield = (text: string | undefined) =>
  text === undefined || text === "X" ? undefined : text.replace(/_/g, " ");

/** EDF+ patient subfields into Subject (id, sex, birth date; never the name), recording ones into NWBFile. */
export function addHeaderMetadata(edf: EdfFile, metadata: Metadata): void {
  const { header } = edf;
  if (header.variant === "") {
    if (header.recording !== "")
      metadata.NWBFile.session_description = `EDF recording field: ${header.recording}`;
    return;
  }
  const patient = header.patient.split(" ");
  const recording = header.recording.split(" ");
  const sex = patient[1];
  const subjectId = subfield(patient[0]);
  const birth = edfPlusDate(patient[2]);
  const subject: NonNullable<Metadata["Subject"]> = {
    ...(subjectId && { subject_id: subjectId }),
    ...((sex === "M" || sex === "F") && { sex }),
    ...(birth && { date_of_birth: birth }),
  };
  if (Object.keys(subject).length > 0) metadata.Subject = { ...metadata.Subject, ...subject };
  const sessionId = subfield(recording[2]);
  const technician = subfield(recording[3]);
  if (sessionId) metadata.NWBFile.session_id = sessionId;
  if (technician) metadata.NWBFile.experimenter = [technician];
}

/**
 * EDF+ annotations: those with a duration as TimeIntervals `EDFAnnotationIntervals` (start, stop and text),
 * the instantaneous ones as the AnnotationSeries `EventsAnnotations`; times on the session clock.
 */
export function addEdfAnnotations(nwbfile: NWBFile, edf: EdfFile, stubTest = false): void {
  const source = basename(edf.header.path);
  const subsecond = subsecondOf(edf);
  const lasting = edf.annotations.filter((a) => a.duration !== undefined);
  const instants = edf.annotations.filter((a) => a.duration === undefined);
  addIntervalsToNwbfile(
    nwbfile,
    {
      name: "EDFAnnotationIntervals",
      description: `EDF+ annotations with a duration of ${source}.`,
      starts: lasting.map((a) => a.onset - subsecond),
      stops: lasting.map((a) => a.onset - subsecond + a.duration!),
      labels: lasting.map((a) => a.text),
    },
    stubTest,
  );
  addEventsToNwbfile(
    nwbfile,
    {
      name: "EventsAnnotations",
      description: `EDF+ annotations of ${source}.`,
      times: instants.map((a) => a.onset - subsecond),
      labels: instants.map((a) => a.text),
    },
    stubTest,
  );
}

/** A label as part of an NWB name. */
export const safeName = (label: string) => label.replace(/[^A-Za-z0-9]+/g, "") || "Signal";
