/**
 * Writes the published JSON schema of conversion specifications (schemas/conversion-specification.schema.json)
 * from its TypeBox definition; a test checks the committed file is current.
 *
 *   npx tsx scripts/writeSpecificationSchema.ts
 */
import { writeFileSync } from "node:fs";
import { specificationSchemaJson } from "../src/batch/specification.js";

writeFileSync(
  new URL("../schemas/conversion-specification.schema.json", import.meta.url),
  specificationSchemaJson(),
);
