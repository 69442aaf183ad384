export * from "./converter.js";
export * from "./nidqInterface.js";
export * from "./recordingInterface.js";
