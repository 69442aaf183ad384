/**
 * Test helpers shipped with the package: mock interfaces and the reusable interface check.
 *
 * @example
 * ```ts
 * import { MockRecordingInterface, checkDataInterface } from "neuroconv/testing";
 * await checkDataInterface(new MockRecordingInterface(), { outputDir: "/tmp/checks" });
 * ```
 *
 * @packageDocumentation
 */
export * from "./mocks.js";
export * from "./spikeglx.js";
export * from "./suite.js";
