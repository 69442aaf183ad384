/**
 * The metadata layout NeuroConv users know (`NWBFile`, `Subject`, `Ecephys`, `Ophys`, `Behavior`, `Icephys`),
 * defined once with TypeBox: the same definition gives the JSON schema (for validation and GUIs) and the
 * TypeScript type. Keys are spelled as NWB spells them.
 *
 * Each constrained field carries `invalid` (what is wrong with a bad value) and `fix` (what to write
 * instead); validation messages quote both.
 */
import { type Static, type TProperties, Type } from "@sinclair/typebox";

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

export const NWBFileMetadataSchema = Type.Object(
  {
    session_start_time: datetime(
      "Start of the session, ISO 8601 with a UTC offset (e.g. 2024-03-01T10:00:00-08:00); a Date is accepted too.",
    ),
    session_description: text("What was done in this session."),
    identifier: text("Unique identifier of the file; a new UUID when omitted."),
    session_id: text("Lab's identifier of the session."),
    experiment_description: text("What the experiment was about."),
    experimenter: texts('Who did the experiment, as "Last, First".'),
    lab: text("Lab where the experiment was done."),
    institution: text("Institution where the experiment was done."),
    keywords: texts("Terms to search the dataset by."),
    related_publications: texts("DOIs or URLs of publications about this data."),
    protocol: text("Experimental protocol (e.g. IACUC number)."),
    surgery: text("Surgical procedures."),
    pharmacology: text("Drugs given and how."),
    virus: text("Viruses injected (name, titer, volume, location)."),
    notes: text("Anything else worth noting."),
    data_collection: text("How the data were collected."),
    stimulus: text("Stimuli presented."),
    slices: text("Slice preparation, for in vitro work."),
    source_script: text("Code that produced the file."),
    source_script_file_name: text("File name of source_script."),
    timestamps_reference_time: datetime("Zero of every timestamp; session_start_time when omitted."),
  },
  { additionalProperties: false, description: "Fields of the NWB file itself (/ and /general)." },
);

export const SubjectMetadataSchema = Type.Object(
  {
    subject_id: text("Identifier of the subject, unique within the lab."),
    sex: Type.Union([Type.Literal("M"), Type.Literal("F"), Type.Literal("U"), Type.Literal("O")], {
      description: "M (male), F (female), U (unknown) or O (other).",
      invalid: "is not one of M, F, U, O",
      fix: "write M, F, U (unknown) or O (other)",
    }),
    age: Type.String({
      description: "Age as an ISO 8601 duration (P30D) or a range (P30D/P35D).",
      pattern: AGE_PATTERN,
      invalid: "is not an ISO 8601 duration",
      fix: "write P30D (30 days), P10W or P2Y, or a range such as P30D/P35D",
    }),
    age__reference: Type.Union([Type.Literal("birth"), Type.Literal("gestational")], {
      description: "What the age counts from.",
      invalid: "is not birth or gestational",
      fix: "write birth or gestational",
    }),
    species: Type.String({
      description: "Latin binomial (Mus musculus) or NCBI taxonomy URL.",
      pattern: SPECIES_PATTERN,
      invalid: "is not a Latin binomial or an NCBI taxonomy URL",
      fix: "write e.g. Mus musculus, or http://purl.obolibrary.org/obo/NCBITaxon_10090",
    }),
    date_of_birth: datetime("Date of birth, ISO 8601."),
    genotype: text("Genotype, e.g. Sst-IRES-Cre/wt."),
    strain: text("Strain, e.g. C57BL/6J."),
    weight: Type.String({
      description: 'Weight with its unit, e.g. "0.02 kg".',
      fix: 'write e.g. "0.02 kg"',
    }),
    description: text("Anything else about the subject."),
  },
  { additionalProperties: false, description: "The subject (DANDI needs subject_id, sex, species and age)." },
);

const named = <T extends TProperties>(description: string, extra: T) =>
  Type.Object({
    name: text("Name of the object in the file."),
    description: Type.Optional(text(description)),
    ...extra,
  });

export const DeviceMetadataSchema = named("What the device is.", {
  manufacturer: Type.Optional(text("Who made it.")),
});

export const ElectrodeGroupMetadataSchema = named("What the group is (a shank, a tetrode).", {
  location: Type.Optional(text("Brain area, preferably from an atlas ontology.")),
  device: Type.Optional(text("Name of the Device (an entry of Ecephys.Device).")),
});

/** A column of the electrodes table: name and description. */
export const ColumnMetadataSchema = Type.Object({
  name: text("Column name."),
  description: text("What the column holds."),
});

/** Name and description of a series the interface writes (keyed in metadata by a series key). */
export const SeriesMetadataSchema = named("What the series holds.", {});

export const EcephysMetadataSchema = Type.Object(
  {
    Device: Type.Optional(Type.Array(DeviceMetadataSchema)),
    ElectrodeGroup: Type.Optional(Type.Array(ElectrodeGroupMetadataSchema)),
    Electrodes: Type.Optional(Type.Array(ColumnMetadataSchema)),
    UnitProperties: Type.Optional(Type.Array(ColumnMetadataSchema)),
  },
  { additionalProperties: SeriesMetadataSchema, description: "Extracellular electrophysiology." },
);

const imagingSeries = (description: string) =>
  Type.Array(
    named(description, {
      imaging_plane: text("Name of the ImagingPlane (an entry of Ophys.ImagingPlane)."),
      unit: Type.Optional(text("Unit of the pixel values.")),
    }),
  );

export const OphysMetadataSchema = Type.Object(
  {
    Device: Type.Optional(Type.Array(DeviceMetadataSchema)),
    ImagingPlane: Type.Optional(
      Type.Array(
        named("What was imaged.", {
          device: text("Name of the Device (an entry of Ophys.Device)."),
          excitation_lambda: Type.Number({ description: "Excitation wavelength, in nm." }),
          indicator: text("Calcium indicator, e.g. GCaMP6f."),
          location: text("Brain area imaged."),
          imaging_rate: Type.Optional(Type.Number({ description: "Frame rate, in Hz." })),
          grid_spacing: Type.Optional(
            Type.Array(Type.Number(), { description: "Pixel size per axis, in meters." }),
          ),
          origin_coords: Type.Optional(
            Type.Array(Type.Number(), { description: "Origin of the plane, in meters." }),
          ),
          reference_frame: Type.Optional(text("What the coordinates are relative to.")),
          optical_channel: Type.Array(
            Type.Object({
              name: text("Name of the channel."),
              description: text("What the channel records."),
              emission_lambda: Type.Number({ description: "Emission wavelength, in nm." }),
            }),
          ),
        }),
      ),
    ),
    TwoPhotonSeries: Type.Optional(imagingSeries("A two-photon movie.")),
    OnePhotonSeries: Type.Optional(imagingSeries("A one-photon movie.")),
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

export const IcephysMetadataSchema = Type.Object(
  {
    Device: Type.Optional(
      Type.Array(DeviceMetadataSchema, { description: "The amplifier (first entry used)." }),
    ),
    IntracellularElectrodes: Type.Optional(
      Type.Array(
        named("What the electrode is (e.g. patch pipette, whole-cell).", {
          cell_id: Type.Optional(text("Identifier of the patched cell.")),
          slice: Type.Optional(text("The slice the cell is in.")),
          location: Type.Optional(text("Brain area, preferably from an atlas ontology.")),
          resistance: Type.Optional(text('Pipette resistance, e.g. "5 MOhm".')),
          seal: Type.Optional(text('Seal resistance, e.g. "2 GOhm".')),
          filtering: Type.Optional(text("Filtering applied to the recording.")),
          initial_access_resistance: Type.Optional(text("Access resistance at break-in.")),
        }),
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
