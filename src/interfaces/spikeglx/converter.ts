/**
 * A whole SpikeGLX run folder: every probe's AP and LF streams and the NI-DAQ stream, in one file.
 */
import { type Static, type TObject, Type } from "@sinclair/typebox";
import { ConverterPipe, checkSourceArguments } from "../../conversion/converter.js";
import type { BaseDataInterface } from "../../conversion/interface.js";
import { emitNeuroconvWarning } from "../../conversion/warnings.js";
import { SourceDataError } from "../../errors.js";
import { getSpikeGLXStreams } from "../../formats/spikeglx/index.js";
import { SpikeGLXNIDQInterface } from "./nidqInterface.js";
import { SpikeGLXRecordingInterface } from "./recordingInterface.js";

/** The source arguments of the interface, as a JSON schema (the TypeScript type below is derived from it). */
export const SpikeGLXFolderSourceSchema = Type.Object(
  {
    folderPath: Type.String({ description: "The SpikeGLX run folder (e.g. myrun_g0)." }),
    excludeStreams: Type.Optional(
      Type.Array(Type.String(), { description: 'Stream ids to leave out, e.g. ["imec0.lf"].' }),
    ),
  },
  { additionalProperties: false },
);

/** The source arguments of SpikeGLXFolder interfaces (from SpikeGLXFolderSourceSchema). */
export type SpikeGLXFolderSource = Static<typeof SpikeGLXFolderSourceSchema>;

/**
 * Converts every stream of a SpikeGLX run. With several probes, series and devices carry the probe
 * ("ElectricalSeriesAPImec1"); the AP and LF bands of a probe share their electrode rows (a 384-channel
 * probe gives 384 rows).
 *
 * @example
 * ```ts
 * console.log(SpikeGLXConverterPipe.getStreams("myrun_g0")); // ["imec0.ap", "imec0.lf", "nidq"]
 * const converter = new SpikeGLXConverterPipe({ folderPath: "myrun_g0" });
 * await converter.runConversion({ nwbfilePath: "myrun.nwb", metadata });
 * ```
 */
export class SpikeGLXConverterPipe extends ConverterPipe {
  static displayName = "SpikeGLX run folder";
  static info = "Every stream (all probes' AP and LF, NI-DAQ) of a SpikeGLX run folder.";
  static associatedSuffixes = [".ap.bin", ".lf.bin", ".nidq.bin", ".meta"];
  static sourceSchema: TObject = SpikeGLXFolderSourceSchema;

  static override getSourceSchema(): TObject {
    return SpikeGLXConverterPipe.sourceSchema;
  }

  /** Stream ids found in a run folder: "imec0.ap", "imec0.lf", ..., "nidq". */
  static getStreams(folderPath: string): string[] {
    return [...new Set(getSpikeGLXStreams(folderPath).map((s) => s.streamId))];
  }

  constructor(sourceData: SpikeGLXFolderSource) {
    const files = getSpikeGLXStreams(checkSourceArguments(SpikeGLXConverterPipe, sourceData).folderPath);
    // one file per stream: the first gate and trigger (later ones are separate recordings)
    const firstOfEach = new Map([...files].reverse().map((f) => [f.streamId, f]));
    const later = files.filter((f) => firstOfEach.get(f.streamId) !== f);
    if (later.length > 0) {
      emitNeuroconvWarning(
        `${sourceData.folderPath}: only the first gate/trigger of each stream is converted; left out: ${later
          .map((f) => f.binPath)
          .join(", ")}. Convert each of them with its own SpikeGLXRecordingInterface if you need them`,
        "NeuroconvSourceWarning",
      );
    }
    const excluded = new Set(sourceData.excludeStreams ?? []);
    const unknown = [...excluded].filter((id) => !firstOfEach.has(id));
    if (unknown.length > 0) {
      throw new SourceDataError(
        sourceData.folderPath,
        `no stream ${unknown.join(", ")} in this run (streams: ${[...firstOfEach.keys()].join(", ")})`,
      );
    }
    const kept = [...firstOfEach.values()].filter((f) => !excluded.has(f.streamId));
    if (kept.length === 0)
      throw new SourceDataError(
        sourceData.folderPath,
        "no SpikeGLX stream (.bin + .meta) found in this folder",
      );
    const probes = new Set(kept.filter((f) => f.kind !== "nidq").map((f) => f.probeIndex));
    const interfaces: Record<string, BaseDataInterface> = {};
    for (const file of kept.sort((a, b) => a.streamId.localeCompare(b.streamId))) {
      interfaces[file.streamId] =
        file.kind === "nidq"
          ? new SpikeGLXNIDQInterface({ filePath: file.binPath })
          : new SpikeGLXRecordingInterface({ filePath: file.binPath }, { probeInKey: probes.size > 1 });
    }
    super(interfaces);
  }
}
