/**
 * Writes small legacy "Open Ephys format" folders for tests, following the published layout (gui-docs,
 * "Open Ephys format") and the GUI's writer (plugin-GUI OriginalRecording.cpp, GUI 0.4):
 *
 * - `<node>_<channel>[_<experiment>].continuous`: a 1024-byte text header, then 2070-byte records of
 *   int64 LE timestamp, uint16 LE N (1024), uint16 LE recording number, 1024 big-endian int16 samples and the
 *   marker 0 1 2 3 4 5 6 7 8 255;
 * - `all_channels[_<experiment>].events`: the header, then 16-byte records of int64 LE timestamp, int16 LE
 *   sample position, uint8 event type, uint8 processor id, uint8 event id, uint8 channel, uint16 LE
 *   recording number;
 * - `Continuous_Data[_<experiment>].openephys` and `settings[_<experiment>].xml`.
 *
 * With `style: "0.6"` names follow the GUI 0.6 format plugin instead: `<node>_<stream>_<channel>.continuous`,
 * `<node>_<stream>.events` and `structure.openephys`.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const SAMPLES_PER_RECORD = 1024;
export const RECORD_BYTES = 2070;
const MARKER = [0, 1, 2, 3, 4, 5, 6, 7, 8, 255];

export interface GeneratedRecording {
  /** As stored in the records (0 for the first recording). */
  readonly recordingNumber: number;
  /** Sample number of the first sample. */
  readonly firstTimestamp: number;
  readonly records: number;
}

export interface GeneratedEvent {
  readonly sampleNumber: number;
  /** 3 = TTL, 5 = message. */
  readonly eventType: number;
  readonly processorId: number;
  /** 1 = on, 0 = off. */
  readonly eventId: number;
  /** 0-based TTL channel. */
  readonly channel: number;
  readonly recordingNumber: number;
}

export interface GeneratedExperiment {
  readonly number: number;
  readonly recordings: readonly GeneratedRecording[];
  readonly events: readonly GeneratedEvent[];
}

export interface GeneratedChannel {
  /** e.g. `CH1`, `AUX1`, `ADC1`. */
  readonly name: string;
  readonly bitVolts: number;
}

export interface LegacyFolderSpec {
  readonly nodeId?: number;
  readonly sampleRate?: number;
  /** Written in every header's `version` field. */
  readonly version?: string;
  readonly channels: readonly GeneratedChannel[];
  readonly experiments: readonly GeneratedExperiment[];
  readonly style?: "0.4" | "0.6";
  /** Stream name for `style: "0.6"`. */
  readonly stream?: string;
  /** Leave `sampleRate` out of the continuous headers (as a GUI 0.6 plugin build did). */
  readonly omitSampleRate?: boolean;
  readonly date?: string;
}

/** The known sample pattern: channel index (file order), experiment, recording, sample index in it. */
export function sampleValue(channel: number, experiment: number, recording: number, i: number): number {
  return (
    (((((channel + 1) * 7919 + experiment * 1009 + recording * 331 + i * 37) % 65536) + 65536) % 65536) -
    32768
  );
}

function header(fields: [string, string][]): Buffer {
  const text = fields.map(([k, v]) => `header.${k} = ${v};\n`).join("");
  const bytes = Buffer.alloc(1024, " ");
  bytes.write(text, 0, "latin1");
  if (Buffer.byteLength(text, "latin1") > 1024) throw new Error("header longer than 1024 bytes");
  return bytes;
}

function commonHeader(spec: LegacyFolderSpec, description: string): [string, string][] {
  return [
    ["format", "'Open Ephys Data Format'"],
    ["version", spec.version ?? "0.4"],
    ["header_bytes", "1024"],
    ["description", `'${description}'`],
    ["date_created", `'${spec.date ?? "15-Jun-2016 145216"}'`],
  ];
}

/** Writes the folder; returns the names of the files written. */
export function writeLegacyFolder(folder: string, spec: LegacyFolderSpec): string[] {
  mkdirSync(folder, { recursive: true });
  const node = spec.nodeId ?? 100;
  const rate = spec.sampleRate ?? 30000;
  const modern = spec.style === "0.6";
  const stream = spec.stream ?? "example-data";
  const written: string[] = [];
  for (const experiment of spec.experiments) {
    const suffix = experiment.number > 1 ? `_${experiment.number}` : "";
    const xmlChannels: string[] = [];
    spec.channels.forEach((channel, c) => {
      const name = modern
        ? `${node}_${stream}_${channel.name}${suffix}.continuous`
        : `${node}_${channel.name}${suffix}.continuous`;
      const fields = commonHeader(
        spec,
        "each record contains one 64-bit timestamp, one 16-bit sample count (N), 1 uint16 recordingNumber, N 16-bit samples, and one 10-byte record marker (0 1 2 3 4 5 6 7 8 255)",
      );
      fields.push(["channel", `'${channel.name}'`], ["channelType", "'Continuous'"]);
      if (!spec.omitSampleRate) fields.push(["sampleRate", String(rate)]);
      fields.push(["blockLength", "1024"], ["bufferSize", "1024"], ["bitVolts", String(channel.bitVolts)]);
      const parts = [header(fields)];
      for (const recording of experiment.recordings) {
        for (let r = 0; r < recording.records; r++) {
          const record = Buffer.alloc(RECORD_BYTES);
          record.writeBigInt64LE(BigInt(recording.firstTimestamp + r * SAMPLES_PER_RECORD), 0);
          record.writeUInt16LE(SAMPLES_PER_RECORD, 8);
          record.writeUInt16LE(recording.recordingNumber, 10);
          for (let k = 0; k < SAMPLES_PER_RECORD; k++) {
            const i = r * SAMPLES_PER_RECORD + k;
            record.writeInt16BE(sampleValue(c, experiment.number, recording.recordingNumber, i), 12 + 2 * k);
          }
          MARKER.forEach((b, k) => {
            record[RECORD_BYTES - 10 + k] = b;
          });
          parts.push(record);
        }
      }
      writeFileSync(join(folder, name), Buffer.concat(parts));
      written.push(name);
      xmlChannels.push(
        `      <CHANNEL name="${channel.name}" bitVolts="${channel.bitVolts}" filename="${name}" position="1024"/>`,
      );
    });

    const eventsName = modern ? `${node}_${stream}${suffix}.events` : `all_channels${suffix}.events`;
    const eventFields = commonHeader(
      spec,
      "each record contains one 64-bit timestamp, one 16-bit sample position, one uint8 event type, one uint8 processor ID, one uint8 event ID, one uint8 event channel, and one uint16 recordingNumber",
    );
    eventFields.push(["channel", "'Events'"], ["channelType", "'Event'"], ["sampleRate", String(rate)]);
    eventFields.push(["blockLength", "1024"], ["bufferSize", "1024"], ["bitVolts", "1"]);
    const records = experiment.events.map((e) => {
      const b = Buffer.alloc(16);
      b.writeBigInt64LE(BigInt(e.sampleNumber), 0);
      b.writeInt16LE(0, 8);
      b[10] = e.eventType;
      b[11] = e.processorId;
      b[12] = e.eventId;
      b[13] = e.channel;
      b.writeUInt16LE(e.recordingNumber, 14);
      return b;
    });
    writeFileSync(join(folder, eventsName), Buffer.concat([header(eventFields), ...records]));
    written.push(eventsName);

    const recordings = experiment.recordings
      .map((r) =>
        modern
          ? `  <RECORDING number="${r.recordingNumber + 1}">\n    <STREAM name="${stream}" source_node_id="${node}" sample_rate="${rate}">\n${xmlChannels.join("\n")}\n    </STREAM>\n  </RECORDING>`
          : `  <RECORDING number="${r.recordingNumber}" samplerate="${rate}">\n    <PROCESSOR id="${node}">\n${xmlChannels.join("\n")}\n    </PROCESSOR>\n  </RECORDING>`,
      )
      .join("\n");
    const xmlName = modern ? `structure${suffix}.openephys` : `Continuous_Data${suffix}.openephys`;
    const root = modern
      ? `<EXPERIMENT format_version="0.6" number="${experiment.number}">`
      : `<EXPERIMENT version="0.4" number="${experiment.number}" separatefiles="0">`;
    writeFileSync(
      join(folder, xmlName),
      `<?xml version="1.0" encoding="UTF-8"?>\n\n${root}\n${recordings}\n</EXPERIMENT>\n`,
    );
    written.push(xmlName);

    const settingsName = experiment.number > 1 ? `settings_${experiment.number}.xml` : "settings.xml";
    writeFileSync(
      join(folder, settingsName),
      `<?xml version="1.0" encoding="UTF-8"?>\n\n<SETTINGS>\n  <INFO>\n    <VERSION>0.4.6</VERSION>\n    <DATE>1${experiment.number} Jun 2016 14:52:16</DATE>\n  </INFO>\n  <SIGNALCHAIN/>\n</SETTINGS>\n`,
    );
    written.push(settingsName);
  }
  return written;
}
