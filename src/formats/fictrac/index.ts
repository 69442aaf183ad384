export * from "./config.js";
export * from "./dat.js";
