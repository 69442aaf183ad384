export * from "./wav.js";
