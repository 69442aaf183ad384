export * from "./openEphysInterfaces.js";
