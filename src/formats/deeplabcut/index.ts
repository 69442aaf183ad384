export * from "./config.js";
export * from "./output.js";
