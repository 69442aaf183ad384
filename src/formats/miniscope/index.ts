export * from "./miniscope.js";
