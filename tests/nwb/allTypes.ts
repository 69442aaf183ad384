/**
 * Builds an NWB file that uses every helper type, with known values to check after reading back.
 */
import {
  BehavioralEvents,
  BehavioralTimeSeries,
  type ChunkSource,
  Container,
  createImage,
  Device,
  ElectricalSeries,
  ElectrodeGroup,
  Fluorescence,
  ImageSegmentation,
  ImageSeries,
  Images,
  ImagingPlane,
  LFP,
  NWBFile,
  ndarray,
  OnePhotonSeries,
  PlaneSegmentation,
  Position,
  RoiResponseSeries,
  SpatialSeries,
  Subject,
  TimeIntervals,
  TimeSeries,
  TwoPhotonSeries,
} from "../../src/index.js";

export const N_FRAMES = 5000;
export const N_CHANNELS = 8;

/** Deterministic int16 samples: value(t, c) = ((t * 7 + c * 13) % 2001) - 1000. */
export function sample(t: number, c: number): number {
  return ((t * 7 + c * 13) % 2001) - 1000;
}

/** A lazy source that counts how often it is read (to prove nothing is read before the write). */
export function countingSource(frames = N_FRAMES, channels = N_CHANNELS): ChunkSource & { reads: number } {
  const source = {
    reads: 0,
    dtype: "int16" as const,
    shape: [frames, channels],
    readRows(start: number, end: number) {
      source.reads++;
      const out = new Int16Array((end - start) * channels);
      for (let t = start; t < end; t++)
        for (let c = 0; c < channels; c++) out[(t - start) * channels + c] = sample(t, c);
      return out;
    },
  };
  return source;
}

export function buildAllTypesFile(source: ChunkSource = countingSource()) {
  const nwbfile = new NWBFile({
    session_description: "every helper type",
    identifier: "all-types-0001",
    session_start_time: "2024-03-01T10:00:00.250-08:00",
    experimenter: ["Doe, Jane"],
    lab: "Ünïcode lab µ",
    institution: "Test University",
    keywords: ["test", "nwb"],
    session_id: "S1",
  });
  nwbfile.subject = new Subject({ subject_id: "M001", sex: "M", age: "P30D", species: "Mus musculus" });

  const probe = nwbfile.addDevice(
    new Device({ name: "probe", description: "test probe", manufacturer: "Imec" }),
  );
  const shank = nwbfile.addElectrodeGroup(
    new ElectrodeGroup({ name: "shank0", description: "shank 0", location: "CA1", device: probe }),
  );
  nwbfile.electrodes.addColumn({ name: "channel_name", description: "name of the channel" });
  for (let c = 0; c < N_CHANNELS; c++) {
    nwbfile.addElectrode({ group: shank, rel_x: c % 2 ? 16 : 48, rel_y: 20 * c, channel_name: `AP${c}` });
  }
  const region = nwbfile.createElectrodeRegion([...Array(N_CHANNELS).keys()], "all channels");
  nwbfile.addAcquisition(
    new ElectricalSeries({
      name: "ElectricalSeries",
      data: source,
      electrodes: region,
      rate: 30000,
      starting_time: 1.5,
      conversion: 2.34375e-6,
    }),
  );
  const ecephys = nwbfile.createProcessingModule("ecephys", "processed extracellular data");
  ecephys.add(
    new LFP("LFP", [
      new ElectricalSeries({
        name: "LFPSeries",
        data: ndarray(
          Float32Array.from({ length: 20 * 2 }, (_, i) => i / 10),
          [20, 2],
        ),
        electrodes: nwbfile.createElectrodeRegion([0, 1], "two channels"),
        rate: 2500,
        channel_conversion: [1, 0.5],
      }),
    ]),
  );
  nwbfile.addAcquisition(
    new TimeSeries({
      name: "irregular",
      data: [1, 2, 3],
      unit: "a.u.",
      timestamps: [0.1, 0.25, 0.7],
      description: "irregular samples",
    }),
  );

  const units = nwbfile.units;
  units.addColumn({ name: "quality", description: "curation label" });
  units.addUnit({
    spike_times: [0.1, 0.2, 0.3],
    electrodes: [0, 1],
    quality: "good",
    waveform_mean: [
      [1, 2],
      [3, 4],
    ],
  });
  units.addUnit({
    spike_times: [0.5],
    electrodes: [2],
    quality: "mua",
    waveform_mean: [
      [5, 6],
      [7, 8],
    ],
  });

  nwbfile.trials.addColumn({ name: "correct", description: "whether the choice was right" });
  nwbfile.addTrial({ start_time: 0, stop_time: 1, correct: true });
  nwbfile.addTrial({ start_time: 1, stop_time: 2.5, correct: false });
  nwbfile.addEpoch({ start_time: 0, stop_time: 10, tags: ["baseline", "dark"] });
  const sleep = nwbfile.addTimeIntervals(new TimeIntervals("sleep_states", "sleep scoring"));
  sleep.addColumn({ name: "state", description: "scored state" });
  sleep.addInterval({ start_time: 0, stop_time: 30, state: "NREM" });

  const scope = nwbfile.addDevice(new Device({ name: "microscope", description: "2p scope" }));
  const plane = new ImagingPlane({
    name: "ImagingPlane",
    device: scope,
    optical_channel: [{ name: "green", description: "GCaMP emission", emission_lambda: 510 }],
    excitation_lambda: 920,
    indicator: "GCaMP6f",
    location: "V1",
    imaging_rate: 30,
    grid_spacing: [1e-6, 1e-6],
  });
  nwbfile.generalSection("optophysiology").add(plane);
  const movie = ndarray(
    Uint16Array.from({ length: 10 * 6 * 5 }, (_, i) => i),
    [10, 6, 5],
  );
  nwbfile.addAcquisition(
    new TwoPhotonSeries({
      name: "TwoPhotonSeries",
      data: movie,
      imaging_plane: plane,
      rate: 30,
      field_of_view: [6e-4, 5e-4],
    }),
  );
  nwbfile.addAcquisition(
    new OnePhotonSeries({ name: "OnePhotonSeries", data: movie, imaging_plane: plane, rate: 30 }),
  );

  const ophys = nwbfile.createProcessingModule("ophys", "optical physiology");
  const rois = new PlaneSegmentation({
    name: "PlaneSegmentation",
    description: "two ROIs",
    imaging_plane: plane,
  });
  rois.addRoi({
    image_mask: [
      [1, 0, 0, 0, 0],
      [0, 1, 0, 0, 0],
      [0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0],
    ],
    pixel_mask: [
      { x: 0, y: 0, weight: 1 },
      { x: 1, y: 1, weight: 0.5 },
    ],
  });
  rois.addRoi({
    image_mask: [
      [0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0],
      [0, 0, 1, 1, 0],
      [0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0],
    ],
    pixel_mask: [{ x: 2, y: 2, weight: 1 }],
  });
  ophys.add(new ImageSegmentation([rois]));
  ophys.add(
    new Fluorescence([
      new RoiResponseSeries({
        name: "RoiResponseSeries",
        data: [
          [0.1, 0.2],
          [0.3, 0.4],
          [0.5, 0.6],
        ],
        rois: rois.createRoiTableRegion([0, 1], "both ROIs"),
        unit: "n.a.",
        rate: 30,
      }),
    ]),
  );
  ophys.add(
    new Images("summary_images", "mean and max projections", [
      createImage({
        name: "mean",
        data: [
          [1, 2],
          [3, 4],
        ],
      }),
      createImage({ name: "rgb", data: ndarray(new Uint8Array(2 * 2 * 3).fill(7), [2, 2, 3]) }),
    ]),
  );
  nwbfile.addAcquisition(new ImageSeries({ name: "BehaviorVideo", external_file: ["video.avi"], rate: 30 }));

  const behavior = nwbfile.createProcessingModule("behavior", "behavior");
  behavior.add(
    new Position([
      new SpatialSeries({
        name: "xy",
        data: [
          [0, 0],
          [0.1, 0.2],
          [0.2, 0.4],
        ],
        rate: 30,
        reference_frame: "arena corner",
      }),
    ]),
  );
  behavior.add(
    new BehavioralEvents([
      new TimeSeries({ name: "licks", data: [1, 1, 1], unit: "n.a.", timestamps: [0.5, 0.9, 1.7] }),
    ]),
  );
  behavior.add(
    new BehavioralTimeSeries([
      new TimeSeries({ name: "speed", data: new Float64Array([0, 0.5, 1]), unit: "m/s", rate: 10 }),
    ]),
  );

  const laser = nwbfile.addDevice(new Device({ name: "laser" }));
  const site = new Container("OptogeneticStimulusSite", "site0");
  site.setDataset("description", "fiber above CA1");
  site.setDataset("excitation_lambda", 470, "float32");
  site.setDataset("location", "CA1");
  site.setLink("device", laser);
  nwbfile.generalSection("optogenetics").add(site);
  return nwbfile;
}
