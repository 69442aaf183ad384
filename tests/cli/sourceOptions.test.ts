import { Type } from "@sinclair/typebox";
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { sourceDataFromOptions, sourceFlags } from "../../src/cli/sourceOptions.js";

/** A schema of every kind of source argument an interface may declare. */
const schema = Type.Object({
  filePath: Type.String({ description: "the file" }),
  xmlFilePath: Type.Optional(Type.String({ description: "the .xml file" })),
  samplingFrequency: Type.Optional(Type.Number({ description: "Hz" })),
  keepGoodOnly: Type.Optional(Type.Boolean({ description: "only good units" })),
  verboseTimestamps: Type.Optional(Type.Boolean({ default: true, description: "say more" })),
  gains: Type.Optional(Type.Array(Type.Number(), { description: "per channel" })),
  mode: Type.Optional(Type.Union([Type.Literal("a"), Type.Literal("b")], { description: "a mode" })),
  output: Type.Optional(Type.String({ description: "clashes with -o/--output" })),
  options: Type.Optional(Type.Object({ x: Type.Number() }, { description: "anything else" })),
});

function parse(argv: string[]) {
  const flags = sourceFlags(schema, "filePath");
  const command = new Command().exitOverride().configureOutput({ writeErr: () => {} });
  for (const { option } of flags) command.addOption(option);
  command.parse(argv, { from: "user" });
  return sourceDataFromOptions(flags, command.opts());
}

describe("source flags from a TypeBox source schema", () => {
  it("names every argument but the positional one in kebab case", () => {
    expect(sourceFlags(schema, "filePath").map((f) => f.option.flags)).toEqual([
      "--xml-file-path <value>",
      "--sampling-frequency <n>",
      "--keep-good-only",
      "--no-verbose-timestamps",
      "--gains <a,b,...>",
      "--mode <value>",
      "--source-output <value>",
      "--options <json>",
    ]);
  });

  it("parses each kind into the value the schema expects", () => {
    expect(
      parse([
        "--xml-file-path",
        "s.xml",
        "--sampling-frequency",
        "30",
        "--keep-good-only",
        "--no-verbose-timestamps",
        "--gains",
        "0.5, 2",
        "--mode",
        "b",
        "--source-output",
        "o",
        "--options",
        '{"x": 1}',
      ]),
    ).toEqual({
      xmlFilePath: "s.xml",
      samplingFrequency: 30,
      keepGoodOnly: true,
      verboseTimestamps: false,
      gains: [0.5, 2],
      mode: "b",
      output: "o",
      options: { x: 1 },
    });
    expect(parse([])).toEqual({});
  });

  it("rejects values of the wrong kind, naming the flag", () => {
    expect(() => parse(["--sampling-frequency", "fast"])).toThrow("--sampling-frequency needs a number");
    expect(() => parse(["--mode", "c"])).toThrow("Allowed choices are a, b");
    expect(() => parse(["--options", "{x"])).toThrow("--options needs a JSON value");
  });
});
