export * from "./deepLabCutInterface.js";
