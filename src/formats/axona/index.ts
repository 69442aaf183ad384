/** Axona DacqUSB files: `.set` settings, raw `.bin`, `.eeg`/`.egf`, `.pos` and tetrode spike files. */
export * from "./continuous.js";
export * from "./header.js";
export * from "./pos.js";
export * from "./set.js";
export * from "./tetrode.js";
