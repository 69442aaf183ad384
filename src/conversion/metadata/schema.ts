/**
 * The metadata layout NeuroConv users know (`NWBFile`, `Subject`, `Ecephys`, `Ophys`, `Behavior`, `Icephys`),
 * defined once with TypeBox: the same definition gives the JSON schema (for validation and GUIs) and the
 * TypeScript type. Keys are spelled as NWB spells them.
 *
 * Each constrained field carries `invalid` (what is wrong with a bad value) and `fix` (what to write
 * instead); validation messages quote both.
 */
import {
  type Static,
  type TArray,
  type TNumber,
  type TOptional,
  type TProperties,
  type TSchema,
  type TString,
  type TUnknown,
  Type,
} from "@sinclair/typebox";
import { isNumericDtype } from "../../data/dtype.js";
import { GENERAL_FIELDS, type GeneralTextFields } from "../../nwb/containers/file.js";
import type { DataInput } from "../../nwb/containers/node.js";
import type {
  ElectricalSeriesOptions,
  ImageSeriesOptions,
  ImagingPlaneOptions,
  IntracellularElectrodeOptions,
  OnePhotonSeriesOptions,
  OpticalChannelOptions,
  SubjectOptions,
  TwoPhotonSeriesOptions,
} from "../../nwb/types/core.js";
import * as coreDefinitions from "../../nwb/types/coreDefinitions.js";
import {
  type FieldDefinition,
  fieldOf,
  fieldsOf,
  isListOnly,
  type TypeDefinition,
} from "../../nwb/types/definition.js";

/** ISO 8601 duration, e.g. P30D, P2Y6M, PT12H. */
const DURATION = String.raw`P(?!$)(?:\d+(?:\.\d+)?Y)?(?:\d+(?:\.\d+)?M)?(?:\d+(?:\.\d+)?W)?(?:\d+(?:\.\d+)?D)?(?:T(?=\d)(?:\d+(?:\.\d+)?H)?(?:\d+(?:\.\d+)?M)?(?:\d+(?:\.\d+)?S)?)?`;
/** A duration, or a range of two (either end may be empty): P30D, P30D/P35D, P30D/. */
export const AGE_PATTERN = `^(?:${DURATION}(?:/(?:${DURATION})?)?|/${DURATION})$`;
/** "Genus species" (optionally a subspecies), or an NCBI taxonomy URL. */
export const SPECIES_PATTERN = String.raw`^(?:[A-Z][a-z]+ [a-z]+(?: [a-z]+)?|https?://purl\.obolibrary\.org/obo/NCBITaxon_\d+|https?://www\.ncbi\.nlm\.nih\.gov/Taxonomy/Browser/wwwtax\.cgi\?id=\d+)$`;
export const ISO_DATETIME_PATTERN = String.raw`^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$`;

const text = (description: string) => Type.String({ description });
const texts = (description: string) => Type.Array(Type.String(), { description });
const datetime = (description: string) =>
  Type.String({
    description,
    pattern: ISO_DATETIME_PATTERN,
    invalid: "is not an ISO 8601 date-time",
    fix: "write e.g. 2024-03-01T10:00:00-08:00",
  });

/**
 * The TypeBox schema type of a metadata value with the TypeScript type `V` (text and date-times, lists of text,
 * numbers); metadata hold date-times as ISO 8601 text.
 */
type SchemaOf<V> = [NonNullable<V>] extends [string | Date]
  ? TString
  : [NonNullable<V>] extends [number]
    ? TNumber
    : NonNullable<V> extends string | readonly string[]
      ? TArray<TString>
      : [NonNullable<V>] extends [DataInput]
        ? TArray<TNumber>
        : TUnknown;

/** Metadata schemas of fields whose options type is `T`, keyed like it. */
type SchemasOf<T> = { -readonly [K in keyof T]-?: SchemaOf<T[K]> };

/** pynwb's keyword for an option key: `origin_coords__unit` -> `origin_coords_unit` (see {@link pynwbKey}). */
type PynwbKey<K> = K extends `${infer Head}__${infer Tail}` ? `${Head}_${PynwbKey<Tail>}` : K;

/** Like {@link SchemasOf}, keyed by pynwb's keywords, optional where `T` has the key optional. */
type OptionalSchemasOf<T> = {
  -readonly [K in keyof T as PynwbKey<K>]-?: undefined extends T[K]
    ? TOptional<SchemaOf<T[K]>>
    : SchemaOf<T[K]>;
};

/** The metadata schema of one field of a generated NWB type: its value type and its doc. */
function fieldSchema(field: FieldDefinition): TSchema {
  const description = field.doc;
  if (field.datetime) return datetime(description);
  if (field.dtype === "utf8" || field.dtype === "ascii") {
    return isListOnly(field.shape) ? texts(description) : text(description);
  }
  if (isNumericDtype(field.dtype) && field.shape === undefined) return Type.Number({ description });
  // numeric lists (grid_spacing, field_of_view); metadata do not hold bulk arrays
  if (isNumericDtype(field.dtype) && isListOnly(field.shape))
    return Type.Array(Type.Number(), { description });
  return Type.Unknown({ description });
}

/**
 * Metadata schemas of some fields of a generated type, keyed as pynwb's keyword arguments (NeuroConv's
 * metadata are those): `origin_coords__unit` is `origin_coords_unit`. A field is optional unless the schema
 * requires it without a default; `T` is the options type of those keys, so TypeScript agrees.
 */
function typeFieldSchemas<T>(
  definition: TypeDefinition,
  keys: readonly (keyof T & string)[],
): OptionalSchemasOf<T> {
  return Object.fromEntries(
    keys.map((key) => {
      const field = fieldOf(definition, key);
      const schema = fieldSchema(field);
      const required = field.required && field.defaultValue === undefined && field.name === undefined;
      return [pynwbKey(key), required ? schema : Type.Optional(schema)];
    }),
  ) as OptionalSchemasOf<T>;
}

/** pynwb's keyword for a field: an attribute of a child, `<child>__<attribute>`, is `<child>_<attribute>`. */
export const pynwbKey = (key: string) => key.replace(/__/g, "_");

/** Options of a generated type from metadata keyed by {@link pynwbKey} (the inverse renaming). */
export function fromPynwbKeys(definition: TypeDefinition, entry: object): Record<string, unknown> {
  const keys = new Map(fieldsOf(definition).map((f) => [pynwbKey(f.key), f.key]));
  return Object.fromEntries(Object.entries(entry).map(([k, v]) => [keys.get(k) ?? k, v]));
}

/** Schemas of the given fields, keyed by option key. */
const fieldSchemas = <T>(fields: readonly FieldDefinition[]) =>
  Object.fromEntries(fields.map((f) => [f.key.replace(/^general__/, ""), fieldSchema(f)])) as SchemasOf<T>;

const nwbfileDoc = (key: string) => fieldOf(coreDefinitions.NWBFile, key).doc;

export const NWBFileMetadataSchema = Type.Object(
  {
    session_start_time: datetime(`${nwbfileDoc("session_start_time")} A Date is accepted too.`),
    session_description: text(nwbfileDoc("session_description")),
    identifier: text(`${nwbfileDoc("identifier")} A new UUID when omitted.`),
    ...fieldSchemas<GeneralTextFields>(GENERAL_FIELDS),
    source_script_file_name: text(nwbfileDoc("general__source_script__file_name")),
    timestamps_reference_time: datetime(
      `${nwbfileDoc("timestamps_reference_time")} session_start_time when omitted.`,
    ),
  },
  { additionalProperties: false, description: "Fields of the NWB file itself (/ and /general)." },
);

const SUBJECT_FIELDS = fieldsOf(coreDefinitions.Subject);
const subjectDoc = (key: string) => fieldOf(coreDefinitions.Subject, key).doc;

/** Subject fields from the schema; the values NWB best practice and DANDI constrain are refined by hand. */
export const SubjectMetadataSchema = Type.Object(
  {
    ...fieldSchemas<Omit<SubjectOptions, "name">>(SUBJECT_FIELDS),
    sex: Type.Union([Type.Literal("M"), Type.Literal("F"), Type.Literal("U"), Type.Literal("O")], {
      description: `${subjectDoc("sex")} M (male), F (female), U (unknown) or O (other).`,
      invalid: "is not one of M, F, U, O",
      fix: "write M, F, U (unknown) or O (other)",
    }),
    age: Type.String({
      description: `${subjectDoc("age")} An ISO 8601 duration (P30D) or a range (P30D/P35D).`,
      pattern: AGE_PATTERN,
      invalid: "is not an ISO 8601 duration",
      fix: "write P30D (30 days), P10W or P2Y, or a range such as P30D/P35D",
    }),
    age__reference: Type.Union([Type.Literal("birth"), Type.Literal("gestational")], {
      description: subjectDoc("age__reference"),
      invalid: "is not birth or gestational",
      fix: "write birth or gestational",
    }),
    species: Type.String({
      description: `${subjectDoc("species")} Latin binomial (Mus musculus) or NCBI taxonomy URL.`,
      pattern: SPECIES_PATTERN,
      invalid: "is not a Latin binomial or an NCBI taxonomy URL",
      fix: "write e.g. Mus musculus, or http://purl.obolibrary.org/obo/NCBITaxon_10090",
    }),
    weight: Type.String({
      description: `${subjectDoc("weight")} With its unit, e.g. "0.02 kg".`,
      fix: 'write e.g. "0.02 kg"',
    }),
  },
  { additionalProperties: false, description: "The subject (DANDI needs subject_id, sex, species and age)." },
);

const named = <T extends TProperties>(description: string, extra: T) =>
  Type.Object({
    name: text("Name of the object in the file."),
    description: Type.Optional(text(description)),
    ...extra,
  });

const deviceField = (key: string) => fieldOf(coreDefinitions.Device, key);

/** A device: its fields from the schema. */
export const DeviceMetadataSchema = named(deviceField("description").doc, {
  manufacturer: Type.Optional(fieldSchema(deviceField("manufacturer")) as TString),
});

const groupField = (key: string) => fieldOf(coreDefinitions.ElectrodeGroup, key);

/** An electrode group: its fields from the schema; the device is named, as NeuroConv's metadata does. */
export const ElectrodeGroupMetadataSchema = named(groupField("description").doc, {
  location: Type.Optional(fieldSchema(groupField("location")) as TString),
  device: Type.Optional(text("Name of the Device (an entry of Ecephys.Device).")),
});

/** A column of the electrodes table: name and description. */
export const ColumnMetadataSchema = Type.Object({
  name: text("Column name."),
  description: text("What the column holds."),
});

/**
 * An ElectricalSeries the interface writes (keyed in metadata by a series key, e.g. ElectricalSeriesAP): name,
 * description and the schema's `filtering` and `comments`.
 */
export const SeriesMetadataSchema = named(fieldOf(coreDefinitions.ElectricalSeries, "description").doc, {
  ...typeFieldSchemas<Pick<ElectricalSeriesOptions, "filtering" | "comments">>(
    coreDefinitions.ElectricalSeries,
    ["filtering", "comments"],
  ),
});

export const EcephysMetadataSchema = Type.Object(
  {
    Device: Type.Optional(Type.Array(DeviceMetadataSchema)),
    ElectrodeGroup: Type.Optional(Type.Array(ElectrodeGroupMetadataSchema)),
    Electrodes: Type.Optional(Type.Array(ColumnMetadataSchema)),
    UnitProperties: Type.Optional(Type.Array(ColumnMetadataSchema)),
  },
  { additionalProperties: SeriesMetadataSchema, description: "Extracellular electrophysiology." },
);

/** The options of the fields a photon series type adds to ImageSeries (pmt_gain, field_of_view, ...). */
type PhotonFields<O> = Pick<O, Exclude<keyof O, keyof ImageSeriesOptions | "imaging_plane">>;

/** Keys of the fields a photon series type adds to ImageSeries (pmt_gain, field_of_view, ...). */
function photonKeys<T>(definition: TypeDefinition): (keyof T & string)[] {
  const imageSeries = new Set(fieldsOf(coreDefinitions.ImageSeries).map((f) => f.key));
  return fieldsOf(definition)
    .filter((f) => !imageSeries.has(f.key) && f.kind !== "link")
    .map((f) => f.key as keyof T & string);
}

/** A TwoPhotonSeries or OnePhotonSeries entry: name, description, unit, the plane by name, then the type's fields. */
const imagingSeries = <T>(definition: TypeDefinition) =>
  Type.Array(
    named(fieldOf(definition, "description").doc, {
      imaging_plane: text("Name of the ImagingPlane (an entry of Ophys.ImagingPlane)."),
      unit: Type.Optional(text(fieldOf(definition, "data__unit").doc)),
      ...typeFieldSchemas<T>(definition, photonKeys<T>(definition)),
    }),
  );

/** ImagingPlane fields a metadata entry gives: all but the deprecated manifold, and the device and channels. */
type ImagingPlaneFields = Omit<
  ImagingPlaneOptions,
  "name" | "description" | "device" | "optical_channel" | `manifold${string}`
>;
const IMAGING_PLANE_KEYS = fieldsOf(coreDefinitions.ImagingPlane)
  .filter((f) => f.kind !== "link" && f.kind !== "group" && f.key !== "description")
  .filter((f) => !f.key.startsWith("manifold"))
  .map((f) => f.key as keyof ImagingPlaneFields);

/** An ImagingPlane entry: its fields from the schema; the device is named and channels listed, as NeuroConv's. */
export const ImagingPlaneMetadataSchema = named(fieldOf(coreDefinitions.ImagingPlane, "description").doc, {
  device: text("Name of the Device (an entry of Ophys.Device)."),
  ...typeFieldSchemas<ImagingPlaneFields>(coreDefinitions.ImagingPlane, IMAGING_PLANE_KEYS),
  optical_channel: Type.Array(
    Type.Object({
      name: text("Name of the channel."),
      ...typeFieldSchemas<Pick<OpticalChannelOptions, "description" | "emission_lambda">>(
        coreDefinitions.OpticalChannel,
        ["description", "emission_lambda"],
      ),
    }),
  ),
});

export const OphysMetadataSchema = Type.Object(
  {
    Device: Type.Optional(Type.Array(DeviceMetadataSchema)),
    ImagingPlane: Type.Optional(Type.Array(ImagingPlaneMetadataSchema)),
    TwoPhotonSeries: Type.Optional(
      imagingSeries<PhotonFields<TwoPhotonSeriesOptions>>(coreDefinitions.TwoPhotonSeries),
    ),
    OnePhotonSeries: Type.Optional(
      imagingSeries<PhotonFields<OnePhotonSeriesOptions>>(coreDefinitions.OnePhotonSeries),
    ),
    ImageSegmentation: Type.Optional(
      Type.Object({
        name: text("Name of the ImageSegmentation container."),
        plane_segmentations: Type.Array(
          named("The ROIs of one plane.", {
            description: text("How the ROIs were found."),
            imaging_plane: text("Name of the ImagingPlane."),
          }),
        ),
      }),
    ),
  },
  { description: "Optical physiology: devices, imaging planes, movies, segmentation." },
);

/** IntracellularElectrode fields a metadata entry gives (cell_id, slice, location, resistance, seal, ...). */
type IntracellularElectrodeFields = Omit<IntracellularElectrodeOptions, "name" | "description" | "device">;
const INTRACELLULAR_ELECTRODE_KEYS = fieldsOf(coreDefinitions.IntracellularElectrode)
  .filter((f) => f.kind !== "link" && f.key !== "description")
  .map((f) => f.key as keyof IntracellularElectrodeFields);

export const IcephysMetadataSchema = Type.Object(
  {
    Device: Type.Optional(
      Type.Array(DeviceMetadataSchema, { description: "The amplifier (first entry used)." }),
    ),
    IntracellularElectrodes: Type.Optional(
      Type.Array(
        named(
          fieldOf(coreDefinitions.IntracellularElectrode, "description").doc,
          typeFieldSchemas<IntracellularElectrodeFields>(
            coreDefinitions.IntracellularElectrode,
            INTRACELLULAR_ELECTRODE_KEYS,
          ),
        ),
        { description: "Electrodes, matched by name (electrode-0 for the first input channel, ...)." },
      ),
    ),
    SequentialRecordings: Type.Optional(
      Type.Array(
        Type.Object({
          file: text("Source file name (e.g. cell1_0003.abf) of the protocol run."),
          stimulus_type: Type.Optional(text("What the protocol does; default: the protocol name.")),
          repetition: Type.Optional(
            Type.Integer({ minimum: 0, description: "Runs with the same number form one repetition." }),
          ),
          condition: Type.Optional(text("Experimental condition the repetition belongs to.")),
        }),
        {
          description: "How protocol runs (files) are grouped into repetitions and experimental conditions.",
        },
      ),
    ),
  },
  { additionalProperties: false, description: "Intracellular electrophysiology (patch clamp)." },
);

const looseSection = (description: string) => Type.Record(Type.String(), Type.Unknown(), { description });

export const MetadataSchema = Type.Object(
  {
    NWBFile: Type.Partial(NWBFileMetadataSchema),
    Subject: Type.Optional(Type.Partial(SubjectMetadataSchema)),
    Ecephys: Type.Optional(EcephysMetadataSchema),
    Ophys: Type.Optional(OphysMetadataSchema),
    Behavior: Type.Optional(looseSection("Behavior.")),
    Icephys: Type.Optional(IcephysMetadataSchema),
  },
  { additionalProperties: false },
);

export type NWBFileMetadata = Partial<Static<typeof NWBFileMetadataSchema>>;
export type SubjectMetadata = Partial<Static<typeof SubjectMetadataSchema>>;
export type DeviceMetadata = Static<typeof DeviceMetadataSchema>;
export type ElectrodeGroupMetadata = Static<typeof ElectrodeGroupMetadataSchema>;
export type ColumnMetadata = Static<typeof ColumnMetadataSchema>;
export type SeriesMetadata = Static<typeof SeriesMetadataSchema>;
export type OphysMetadata = Static<typeof OphysMetadataSchema>;
export type IcephysMetadata = Static<typeof IcephysMetadataSchema>;

/** Metadata as `getMetadata()` returns it and conversions take it. Date objects are accepted for datetimes. */
export interface Metadata {
  NWBFile: Omit<NWBFileMetadata, "session_start_time"> & { session_start_time?: string | Date };
  Subject?: SubjectMetadata;
  Ecephys?: {
    Device?: DeviceMetadata[];
    ElectrodeGroup?: ElectrodeGroupMetadata[];
    Electrodes?: ColumnMetadata[];
    UnitProperties?: ColumnMetadata[];
    [seriesKey: string]:
      | SeriesMetadata
      | DeviceMetadata[]
      | ElectrodeGroupMetadata[]
      | ColumnMetadata[]
      | undefined;
  };
  Ophys?: OphysMetadata;
  Behavior?: Record<string, unknown>;
  Icephys?: IcephysMetadata;
}
