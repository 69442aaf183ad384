export * from "./medPCInterface.js";
