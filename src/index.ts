/**
 * neuroconv: convert neurophysiology data into NWB 2.7.0 files, streaming and in bounded memory.
 *
 * @example
 * ```ts
 * import { NWBFile, TimeSeries, configureAndWriteNwbfile } from "neuroconv";
 *
 * const nwbfile = new NWBFile({
 *   session_description: "open field",
 *   session_start_time: "2024-03-01T10:00:00-08:00",
 * });
 * nwbfile.addAcquisition(new TimeSeries({ name: "speed", data: [0.1, 0.3, 0.2], unit: "m/s", rate: 10 }));
 * nwbfile.addTrial({ start_time: 0, stop_time: 0.3 });
 * await configureAndWriteNwbfile(nwbfile, { nwbfilePath: "session.nwb" });
 * ```
 *
 * @packageDocumentation
 */

export * from "./conversion/behavior/pose.js";
export * from "./conversion/behavior/video.js";
export * from "./conversion/conversion.js";
export * from "./conversion/converter.js";
export * from "./conversion/ecephys/recording.js";
export * from "./conversion/ecephys/recordingInterface.js";
export * from "./conversion/ecephys/sortedRecording.js";
export * from "./conversion/ecephys/sorting.js";
export * from "./conversion/interface.js";
export * from "./conversion/metadata/dandi.js";
export * from "./conversion/metadata/io.js";
export * from "./conversion/metadata/merge.js";
export * from "./conversion/metadata/nwbfile.js";
export * from "./conversion/metadata/schema.js";
export * from "./conversion/metadata/timezone.js";
export * from "./conversion/metadata/validate.js";
export * from "./conversion/ophys/ophys.js";
export * from "./conversion/signals.js";
export * from "./conversion/temporal.js";
export * from "./conversion/timing.js";
export * from "./data/dtype.js";
export * from "./data/lazy.js";
export * from "./errors.js";
export * from "./formats/deeplabcut/index.js";
export * from "./formats/video/index.js";
export * from "./formats/wav/index.js";
export * from "./interfaces/audio/index.js";
export * from "./interfaces/deeplabcut/index.js";
export * from "./interfaces/intan/index.js";
export * from "./interfaces/lightningpose/index.js";
export * from "./interfaces/openephys/index.js";
export * from "./interfaces/phy/phyInterface.js";
export * from "./interfaces/registry.js";
export * from "./interfaces/spikeglx/index.js";
export * from "./interfaces/video/index.js";
export * from "./nwb/containers/base.js";
export * from "./nwb/containers/behavior.js";
export * from "./nwb/containers/ecephys.js";
export * from "./nwb/containers/file.js";
export * from "./nwb/containers/image.js";
export * from "./nwb/containers/misc.js";
export * from "./nwb/containers/node.js";
export * from "./nwb/containers/ophys.js";
export * from "./nwb/containers/table.js";
export * from "./nwb/containers/time.js";
export * from "./nwb/schema/index.js";
export * from "./nwb/types/index.js";
export * from "./nwb/write/backendConfiguration.js";
export * from "./nwb/write/configureAndWrite.js";
export { checkOutputPath } from "./nwb/write/output.js";
export type { ProgressCallback, WriteProgress } from "./nwb/write/writer.js";
export { hdf5Backend } from "./storage/hdf5/index.js";
export type * from "./storage/types.js";
