export * from "./slp.js";
