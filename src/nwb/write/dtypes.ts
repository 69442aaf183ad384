/**
 * From specification dtypes (`text`, `float32`, `numeric`, references, compounds) to storage dtypes,
 * and the compatibility rule the pre-write checks apply (the one the NWB validator applies: a larger
 * type of the same kind is accepted).
 */
import { type Dtype, dtypeForJsNumbers, isAtLeast, isNumericDtype, isTypedArray } from "../../data/dtype.js";
import { DatasetNode, GroupNode, intrinsicDtype, type NodeData } from "../containers/node.js";
import type { SpecDtype } from "../schema/spec.js";

/** Canonical names of the specification language's primitive dtypes. */
const SPEC_ALIASES: Record<string, Dtype | "numeric"> = {
  float: "float32",
  float32: "float32",
  double: "float64",
  float64: "float64",
  long: "int64",
  int64: "int64",
  int: "int32",
  int32: "int32",
  short: "int16",
  int16: "int16",
  int8: "int8",
  uint: "uint32",
  uint32: "uint32",
  uint64: "uint64",
  uint16: "uint16",
  uint8: "uint8",
  bool: "bool",
  text: "utf8",
  utf: "utf8",
  utf8: "utf8",
  "utf-8": "utf8",
  isodatetime: "utf8",
  datetime: "utf8",
  ascii: "ascii",
  bytes: "ascii",
  numeric: "numeric",
};

/** The storage dtype a spec dtype names, or "numeric" for any number type, or undefined when unconstrained. */
export function storageDtypeOf(spec: SpecDtype | undefined): Dtype | "numeric" | undefined {
  if (spec === undefined) return undefined;
  if (typeof spec === "string") {
    const known = SPEC_ALIASES[spec];
    if (!known) throw new TypeError(`unknown dtype '${spec}' in the schema`);
    return known;
  }
  if (Array.isArray(spec)) {
    return {
      compound: spec.map((field) => {
        const dtype = storageDtypeOf(field.dtype);
        if (dtype === undefined || dtype === "numeric" || typeof dtype !== "string") {
          throw new TypeError(`compound field '${field.name}' must have a concrete dtype`);
        }
        return { name: field.name, dtype };
      }),
    };
  }
  return "objectref";
}

/** Whether data of dtype `actual` satisfies a spec asking for `expected`. */
export function isCompatible(actual: Dtype, expected: Dtype | "numeric" | undefined): boolean {
  if (expected === undefined) return true;
  if (typeof expected !== "string" || typeof actual !== "string") {
    if (typeof expected === "string" || typeof actual === "string") return false;
    return (
      expected.compound.length === actual.compound.length &&
      expected.compound.every(
        (f, i) => f.name === actual.compound[i]?.name && isCompatible(actual.compound[i]!.dtype, f.dtype),
      )
    );
  }
  if (expected === "numeric") return isNumericDtype(actual);
  if (expected === "utf8") return actual === "utf8" || actual === "ascii";
  if (isNumericDtype(expected) && isNumericDtype(actual)) return isAtLeast(actual, expected);
  return actual === expected;
}

/** Dtype inferred from JS values: text, bool, references, numbers as float64. */
function inferFromValues(data: NodeData): Dtype {
  const sample =
    data.kind === "scalar"
      ? data.value
      : data.kind === "array" && !isTypedArray(data.values)
        ? data.values[0]
        : 0;
  if (typeof sample === "string") return "utf8";
  if (typeof sample === "boolean") return "bool";
  if (typeof sample === "bigint") return "int64";
  if (sample instanceof GroupNode || sample instanceof DatasetNode) return "objectref";
  return "float64";
}

/**
 * The dtype a dataset or attribute is written with: explicit, else carried by the data (typed arrays and
 * lazy sources), else the schema's concrete dtype (widened to float64 for JS numbers: see
 * {@link dtypeForJsNumbers}), else inferred from the values.
 */
export function effectiveDtype(
  data: NodeData,
  explicit: Dtype | undefined,
  spec: SpecDtype | undefined,
): Dtype {
  if (explicit) return explicit;
  const intrinsic = intrinsicDtype(data);
  if (intrinsic) return intrinsic;
  const fromSpec = storageDtypeOf(spec);
  if (fromSpec && fromSpec !== "numeric") {
    // a concrete numeric spec dtype only applies to numeric values; text stays text so that the check reports it
    const inferred = inferFromValues(data);
    if (
      typeof fromSpec !== "string" ||
      isNumericDtype(fromSpec) === isNumericDtype(inferred) ||
      data.kind === "compound"
    ) {
      // the spec dtype is a minimum: plain JS numbers keep their float64 precision
      return dtypeForJsNumbers(fromSpec);
    }
    return inferred;
  }
  return inferFromValues(data);
}
