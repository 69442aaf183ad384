export * from "./sleapInterface.js";
