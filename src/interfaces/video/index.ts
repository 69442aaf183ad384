export * from "./videoInterfaces.js";
