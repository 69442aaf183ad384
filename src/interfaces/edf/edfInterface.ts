/**
 * EDF, EDF+, BDF and BDF+ files (clinical and sleep EEG): signals in volts as ElectricalSeries, one per
 * sampling rate, the other signals as TimeSeries in their own units, EDF+ annotations as events.
 */
import { basename } from "node:path";
import { type Static, type TObject, Type } from "@sinclair/typebox";
import { MultiStreamRecordingInterface, type RecordingStream } from "../../conversion/ecephys/multiStream.js";
import type { Recording } from "../../conversion/ecephys/recording.js";
import type {
  RecordingConversionOptions,
  RecordingMetadata,
} from "../../conversion/ecephys/recordingInterface.js";
import type { Metadata } from "../../conversion/metadata/schema.js";
import { addAnalogToNwbfile, addEventsToNwbfile } from "../../conversion/signals.js";
import { segmentedTiming, type Timing } from "../../conversion/timing.js";
import { emitNeuroconvWarning } from "../../conversion/warnings.js";
import { SourceDataError } from "../../errors.js";
import { type EdfFile, type EdfSignal, openEdfFile } from "../../formats/edf/index.js";
import type { NWBFile } from "../../nwb/containers/file.js";

/** The source arguments of {@link EDFRecordingInterface}, as a JSON schema. */
export const EDFRecordingSourceSchema = Type.Object(
  {
    filePath: Type.String({ description: "The .edf or .bdf file (EDF, EDF+, BDF or BDF+)." }),
    channelsToSkip: Type.Optional(
      Type.Array(Type.String(), {
        description: "Labels of signals to leave out (e.g. trigger or status channels).",
      }),
    ),
  },
  { additionalProperties: false },
);

/** The source arguments of {@link EDFRecordingInterface}. */
export type EDFRecordingSource = Static<typeof EDFRecordingSourceSchema>;

/** Volts per unit of the EDF physical dimensions that are voltages; undefined for other quantities. */
function voltsPerUnit(dimension: string): number | undefined {
  const factors: Record<string, number> = { v: 1, mv: 1e-3, uv: 1e-6, µv: 1e-6, μv: 1e-6, nv: 1e-9 };
  return factors[dimension.trim().toLowerCase()];
}

const safeName = (label: string) => label.replace(/[^A-Za-z0-9]+/g, "") || "Signal";

/** Voltage signals of one rate and one offset: one ElectricalSeries. */
interface VoltageGroup {
  readonly signals: EdfSignal[];
  readonly offsetVolts: number;
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

/**
 * The signals of an EDF/EDF+/BDF/BDF+ file. Signals in V, mV, µV or nV become ElectricalSeries in volts
 * (stored digital values with the header's physical scaling as conversion, per channel, and offset),
 * one per sampling rate and offset (`ElectricalSeries` when there is one, else
 * `ElectricalSeries<rate>Hz<n>`); signals of other dimensions become TimeSeries (`TimeSeries<label>`) in
 * their own unit. Duplicate labels stay separate electrodes. EDF+ annotations become an AnnotationSeries
 * (`EventsAnnotations`); the sub-second start of EDF+ files goes into the session start time, and the
 * record onsets of discontinuous (EDF+D) files into the timestamps. EDF+ patient and recording fields fill
 * Subject (id, sex, birth date; never the name) and NWBFile (session id, experimenter, device).
 *
 * @example
 * ```ts
 * const edf = new EDFRecordingInterface({ filePath: "night.edf", channelsToSkip: ["Status"] });
 * await edf.runConversion({ nwbfilePath: "night.nwb" });
 * ```
 */
export class EDFRecordingInterface extends MultiStreamRecordingInterface<EDFRecordingSource> {
  static override displayName = "EDF Recording";
  static override keywords = ["EDF", "EDF+", "BDF", "BioSemi", "EEG", "polysomnography", "ecephys"];
  static override associatedSuffixes = [".edf", ".bdf"];
  static override info =
    "Signals and annotations of a European Data Format (EDF/EDF+) or BioSemi (BDF) file.";
  static override sourceSchema: TObject = EDFRecordingSourceSchema;

  readonly edf: EdfFile;
  protected readonly streams: readonly RecordingStream[];
  /** Signals kept that are not voltages. */
  readonly otherSignals: readonly EdfSignal[];
  /** Seconds from the header's whole-second start to the first sample (EDF+ sub-second start). */
  private readonly subsecond: number;

  constructor(sourceData: EDFRecordingSource) {
    super(sourceData);
    this.edf = openEdfFile(sourceData.filePath);
    const skip = new Set(sourceData.channelsToSkip ?? []);
    const known = new Set(this.edf.dataSignals.map((s) => s.label));
    const unknown = [...skip].filter((label) => !known.has(label));
    if (unknown.length > 0) {
      throw new SourceDataError(
        sourceData.filePath,
        `has no signal ${unknown.map((l) => `'${l}'`).join(", ")} to skip; its signals are ${[...known].join(", ")}`,
      );
    }
    const kept = this.edf.dataSignals.filter((s) => !skip.has(s.label));
    const groups = new Map<string, VoltageGroup>();
    const others: EdfSignal[] = [];
    for (const signal of kept) {
      const factor = voltsPerUnit(signal.physicalDimension);
      if (factor === undefined) {
        others.push(signal);
        continue;
      }
      const offsetVolts = signal.offset * factor;
      const key = `${signal.samplesPerRecord}/${offsetVolts}`;
      const group = groups.get(key) ?? { signals: [], offsetVolts };
      group.signals.push(signal);
      groups.set(key, group);
    }
    if (groups.size === 0) {
      throw new SourceDataError(
        sourceData.filePath,
        `has no signal in volts (dimensions: ${kept.map((s) => `${s.label} '${s.physicalDimension}'`).join(", ") || "no signals kept"}); an ElectricalSeries needs voltage data`,
      );
    }
    const start = this.edf.startOffset;
    this.subsecond = start > 0 && start < 1 ? start : 0;
    const list = [...groups.values()];
    const rateName = (g: VoltageGroup) => `${g.signals[0]!.samplingRate}`.replace(".", "p");
    this.streams = list.map((g, i) => ({
      key:
        list.length === 1
          ? "ElectricalSeries"
          : `ElectricalSeries${rateName(g)}Hz${list.filter((o) => rateName(o) === rateName(g)).length > 1 ? i : ""}`,
      recording: this.recordingOf(g),
      timing: () => this.timingOf(g.signals[0]!),
      description: `EDF signals ${g.signals.map((s) => s.label).join(", ")} at ${g.signals[0]!.samplingRate} Hz`,
    }));
    this.otherSignals = others;
  }

  private recordingOf(group: VoltageGroup): Recording {
    const first = group.signals[0]!;
    const filters = [...new Set(group.signals.map((s) => s.prefiltering).filter((f) => f !== ""))];
    return {
      samplingRate: first.samplingRate,
      numSamples: this.edf.numSamples(first),
      data: this.edf.source(group.signals.map((s) => s.index)),
      gainToVolts: group.signals.map((s) => s.gain * voltsPerUnit(s.physicalDimension)!),
      ...(group.offsetVolts !== 0 && { offsetToVolts: group.offsetVolts }),
      ...(filters.length > 0 && { filtering: filters.join("; ") }),
      channels: group.signals.map((s) => ({
        name: s.label,
        groupName: "ElectrodeGroup",
        // labels may repeat: the signal's position identifies the electrode
        electrodeKey: `signal${s.index}`,
        properties: { edf_signal_index: s.index, transducer: s.transducer, prefiltering: s.prefiltering },
      })),
    };
  }

  /** Regular from the first record's onset, or one segment per record when records have gaps (EDF+D). */
  private timingOf(signal: EdfSignal): Timing {
    const count = this.edf.numSamples(signal);
    const onsets = this.edf.recordOnsets;
    const segments = this.edf.continuous
      ? [{ firstIndex: 0, startingTime: (onsets[0] ?? 0) - this.subsecond }]
      : Array.from(onsets, (t, r) => ({
          firstIndex: r * signal.samplesPerRecord,
          startingTime: t - this.subsecond,
        }));
    return segmentedTiming(signal.samplingRate, segments, count);
  }

  protected override get sourceSessionStartTime(): string | undefined {
    const whole = this.edf.header.startDateTime;
    return this.subsecond > 0 ? `${whole}${this.subsecond.toFixed(7).replace(/0+$/, "").slice(1)}` : whole;
  }

  override getMetadata(): RecordingMetadata {
    const metadata = super.getMetadata();
    const { header } = this.edf;
    const plus = header.variant !== "";
    const patient = header.patient.split(" ");
    const recording = header.recording.split(" ");
    const equipment = plus ? subfield(recording[4]) : undefined;
    metadata.Ecephys.Device = [
      {
        name: "DeviceEcephys",
        description: `${header.format}${plus ? ` (${header.variant})` : ""} recording${equipment ? ` with ${equipment}` : ""}`,
      },
    ];
    if (plus) {
      const sex = patient[1];
      const subjectId = subfield(patient[0]);
      const birth = edfPlusDate(patient[2]);
      const subject: NonNullable<RecordingMetadata["Subject"]> = {
        ...(subjectId && { subject_id: subjectId }),
        ...((sex === "M" || sex === "F") && { sex }),
        ...(birth && { date_of_birth: birth }),
      };
      if (Object.keys(subject).length > 0) metadata.Subject = { ...metadata.Subject, ...subject };
      const sessionId = subfield(recording[2]);
      const technician = subfield(recording[3]);
      if (sessionId) metadata.NWBFile.session_id = sessionId;
      if (technician) metadata.NWBFile.experimenter = [technician];
    } else if (header.recording !== "") {
      metadata.NWBFile.session_description = `EDF recording field: ${header.recording}`;
    }
    return metadata;
  }

  override addToNwbfile(
    nwbfile: NWBFile,
    metadata: Metadata,
    options: RecordingConversionOptions = {},
  ): void {
    super.addToNwbfile(nwbfile, metadata, options);
    const source = basename(this.edf.header.path);
    for (const signal of this.otherSignals) {
      addAnalogToNwbfile(
        nwbfile,
        {
          name: `TimeSeries${safeName(signal.label)}`,
          description: `${this.edf.header.format} signal ${signal.index + 1} '${signal.label}' of ${source}${signal.transducer ? ` (transducer: ${signal.transducer})` : ""}.`,
          data: this.edf.source([signal.index]),
          conversion: signal.gain,
          offset: signal.offset,
          unit: signal.physicalDimension || "n.a.",
          timing: this.timingOf(signal),
        },
        options.stubTest,
      );
    }
    const annotations = this.edf.annotations;
    const durations = annotations.filter((a) => a.duration !== undefined).length;
    if (durations > 0) {
      emitNeuroconvWarning(
        `${source}: ${durations} EDF+ annotations have durations; they are written as events at their onsets (durations left out)`,
      );
    }
    addEventsToNwbfile(
      nwbfile,
      {
        name: "EventsAnnotations",
        description: `EDF+ annotations of ${source}.`,
        times: annotations.map((a) => a.onset - this.subsecond),
        labels: annotations.map((a) => a.text),
      },
      options.stubTest,
    );
  }
}
