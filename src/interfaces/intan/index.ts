export * from "./intanInterfaces.js";
