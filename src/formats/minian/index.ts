export * from "./minian.js";
