/**
 * Types of the NWB specification language (the YAML that defines NWB core, hdmf-common and extensions).
 *
 * Keys are spelled exactly as in the specification language so that a definition serializes, unchanged,
 * into the cached specification written to `/specifications` in every file.
 */

/** How many times a child may occur: a count, or `*` / `+` / `?` (also spelled zero_or_many, ...). */
export type Quantity = number | "*" | "+" | "?" | "zero_or_many" | "one_or_many" | "zero_or_one";

/** A dtype: a primitive name, a reference to a typed object, or a compound of named fields. */
export type SpecDtype = string | ReferenceDtype | CompoundDtypeField[];

export interface ReferenceDtype {
  readonly target_type: string;
  readonly reftype: "object" | "ref" | "reference" | "region";
}

export interface CompoundDtypeField {
  readonly name: string;
  readonly doc: string;
  readonly dtype: string | ReferenceDtype;
}

/** One axis length (`null` = any), or for several allowed shapes, a list of those. */
export type SpecShape = readonly (number | null)[] | readonly (readonly (number | null)[])[];
export type SpecDims = readonly string[] | readonly (readonly string[])[];

export interface AttributeSpec {
  readonly name: string;
  readonly doc: string;
  readonly dtype: SpecDtype;
  readonly dims?: SpecDims;
  readonly shape?: SpecShape;
  readonly required?: boolean;
  readonly value?: unknown;
  readonly default_value?: unknown;
}

interface TypedSpecBase {
  readonly neurodata_type_def?: string;
  readonly neurodata_type_inc?: string;
  /** hdmf-common spells the type keys `data_type_def` / `data_type_inc` instead of `neurodata_type_*`. */
  readonly data_type_def?: string;
  readonly data_type_inc?: string;
  readonly name?: string;
  readonly default_name?: string;
  readonly doc: string;
  readonly quantity?: Quantity;
  readonly linkable?: boolean;
  readonly attributes?: readonly AttributeSpec[];
}

export interface DatasetSpec extends TypedSpecBase {
  readonly dtype?: SpecDtype;
  readonly dims?: SpecDims;
  readonly shape?: SpecShape;
  readonly value?: unknown;
  readonly default_value?: unknown;
}

export interface LinkSpec {
  readonly name?: string;
  readonly doc: string;
  readonly target_type: string;
  readonly quantity?: Quantity;
}

export interface GroupSpec extends TypedSpecBase {
  readonly datasets?: readonly DatasetSpec[];
  readonly groups?: readonly GroupSpec[];
  readonly links?: readonly LinkSpec[];
}

/** The contents of one schema source file (`nwb.base`, `table`, ...). */
export interface SchemaSource {
  readonly groups?: readonly GroupSpec[];
  readonly datasets?: readonly DatasetSpec[];
}

/** An entry of a namespace's `schema` list: a source file of this namespace, or an included namespace. */
export type NamespaceSchemaEntry =
  | { readonly source: string; readonly title?: string; readonly doc?: string }
  | { readonly namespace: string; readonly neurodata_types?: readonly string[] };

/** A namespace declaration (the entry of `namespaces:` in a namespace YAML file). */
export interface NamespaceDeclaration {
  readonly name: string;
  readonly version: string;
  readonly doc: string;
  readonly author: string | readonly string[];
  readonly contact: string | readonly string[];
  readonly full_name?: string;
  readonly schema: readonly NamespaceSchemaEntry[];
}

/**
 * A complete namespace: its declaration plus every source it lists, keyed by the source name without the
 * `.yaml` extension (the key under which the source is cached in `/specifications/<name>/<version>/`).
 */
export interface Namespace {
  readonly declaration: NamespaceDeclaration;
  readonly sources: Readonly<Record<string, SchemaSource>>;
}

/** The type a spec defines, whichever key spelling its namespace uses. */
export function typeDefOf(spec: { neurodata_type_def?: string; data_type_def?: string }): string | undefined {
  return spec.neurodata_type_def ?? spec.data_type_def;
}

/** The type a spec includes (inherits from, or requires in a slot), whichever key spelling is used. */
export function typeIncOf(spec: { neurodata_type_inc?: string; data_type_inc?: string }): string | undefined {
  return spec.neurodata_type_inc ?? spec.data_type_inc;
}
