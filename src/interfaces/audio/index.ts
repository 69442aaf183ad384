export * from "./audioInterface.js";
