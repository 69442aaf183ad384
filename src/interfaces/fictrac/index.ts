export * from "./ficTracInterface.js";
