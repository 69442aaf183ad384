export * from "./lightningPoseInterface.js";
