/**
 * Typed classes of every NWB type neuroconv carries, one namespace object per schema namespace, generated
 * from the schema (scripts/generateTypes.ts). Each class takes one options object typed from the spec:
 * required and optional fields, `<child>__<attribute>` for an attribute of a child, docs from the schema.
 *
 * @example
 * ```ts
 * const series = new ndxPoseTypes.PoseEstimationSeries({ name: "snout", data: xy, confidence, unit: "pixels", timestamps });
 * const pose = new ndxPoseTypes.PoseEstimation({ nodes: ["snout"], pose_estimation_series: [series] });
 * nwbfile.createProcessingModule("behavior", "pose").add(pose);
 * ```
 */
export * as coreTypes from "./core.js";
export {
  type ColumnDefinition,
  columnsOf,
  type FieldDefinition,
  fieldsOf,
  type MinimumDtype,
  type TypeDefinition,
} from "./definition.js";
export * as hdmfCommonTypes from "./hdmfCommon.js";
export * as hdmfExperimentalTypes from "./hdmfExperimental.js";
export * as ndxEventsTypes from "./ndxEvents.js";
export * as ndxMiniscopeTypes from "./ndxMiniscope.js";
export * as ndxPoseTypes from "./ndxPose.js";
export * as ndxSoundTypes from "./ndxSound.js";
