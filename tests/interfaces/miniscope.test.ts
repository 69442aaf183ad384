import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import { withWarningHandler } from "../../src/conversion/warnings.js";
import { findMiniscopeRecordings, parseStartTime } from "../../src/formats/miniscope/index.js";
import { MiniscopeConverter, MiniscopeImagingInterface } from "../../src/index.js";
import { nwbcheckShortMovies } from "../formats/tiff/oracle.js";
import { ffmpeg, ffmpegAvailable } from "../helpers/ffmpeg.js";
import { nwbcheckAvailable, python } from "../helpers/nwbcheck.js";
import { hasTestdata, testdata } from "../helpers/testdata.js";

const HAVE = hasTestdata() && nwbcheckAvailable() && ffmpegAvailable();
const SESSION = testdata("miniscope/C6-J588_Disc5");
const dir = mkdtempSync(join(tmpdir(), "neuroconv-miniscope-"));

/**
 * The independent reading: Python's json and csv modules for the start times and frame times (seconds from
 * the first recording's msecSinceEpoch), ffmpeg's own grey decoding of every .avi for the frames (stored
 * transposed, (time, x, y)), h5py for what was written.
 */
const ORACLE = `
import sys, os, json, csv, subprocess, h5py, numpy as np
nwb, session, series, device_folder = sys.argv[1:5]
recs = sorted((json.load(open(os.path.join(session, r, "metaData.json")))["recordingStartTime"]["msecSinceEpoch"], r)
              for r in os.listdir(session) if os.path.isfile(os.path.join(session, r, "metaData.json")))
origin = recs[0][0]
times, frames = [], []
for epoch, r in recs:
    folder = os.path.join(session, r, device_folder)
    with open(os.path.join(folder, "timeStamps.csv")) as f:
        times += [(epoch - origin + float(row["Time Stamp (ms)"])) / 1000 for row in csv.DictReader(f)]
    if series == "OnePhotonSeries":
        for name in sorted((n for n in os.listdir(folder) if n.endswith(".avi")), key=lambda n: int(n[:-4])):
            p = os.path.join(folder, name)
            w, h = map(int, subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height", "-of", "csv=p=0", p], capture_output=True, text=True).stdout.strip().split(","))
            raw = subprocess.run(["ffmpeg", "-v", "error", "-i", p, "-f", "rawvideo", "-pix_fmt", "gray", "-"], capture_output=True).stdout
            frames.append(np.frombuffer(raw, np.uint8).reshape(-1, h, w).transpose(0, 2, 1))
with h5py.File(nwb, "r") as f:
    s = f["acquisition/" + series]
    out = {"times": bool(np.array_equal(s["timestamps"][()], np.array(times))), "count": len(times),
           "first": float(s["timestamps"][0]), "start": f["session_start_time"][()].decode()}
    if frames:
        d = s["data"][()]
        out["shape"] = list(d.shape)
        out["frames"] = bool(np.array_equal(d, np.concatenate(frames)))
    print(json.dumps(out))
`;

/** The device's attributes as h5py reads them. */
function deviceAttributes(path: string, device: string): Record<string, unknown> {
  return JSON.parse(
    python(
      `
import sys, json, h5py
g = h5py.File(sys.argv[1], "r")["general/devices/" + sys.argv[2]]
out = {k: (v.decode() if isinstance(v, bytes) else v.item() if hasattr(v, "item") else v) for k, v in g.attrs.items() if k != "object_id"}
out.update({k: g[k][()].tolist() for k in g})
print(json.dumps(out))
`,
      path,
      device,
    ),
  );
}

describe("Miniscope DAQ start times", () => {
  it("takes the UTC offset from the local fields and msecSinceEpoch, keeping the milliseconds", () => {
    const fields = { year: 2021, month: 10, day: 7, hour: 15, minute: 3, second: 28, msec: 635 };
    expect(parseStartTime({ ...fields, msecSinceEpoch: 1633644208635 }, "m.json")).toEqual({
      epochMs: 1633644208635,
      iso: "2021-10-07T15:03:28.635-07:00",
    });
    // fields that disagree with the epoch time by no whole quarter hour give a time without a zone
    expect(parseStartTime({ ...fields, msecSinceEpoch: 1633644208635 + 7000 }, "m.json").iso).toBe(
      "2021-10-07T15:03:28.635",
    );
    expect(() => parseStartTime({ ...fields, hour: undefined }, "m.json")).toThrow(/recordingStartTime.hour/);
  });
});

describe.skipIf(!HAVE)("Miniscope on the C6-J588_Disc5 session (three recordings)", () => {
  it("writes the movie with the CLI: frames equal ffmpeg's decoding, times equal timeStamps.csv (first -24 ms)", async () => {
    const out = join(dir, "imaging.nwb");
    const quiet = { out: () => {}, err: (t: string) => console.error(t), progress: false };
    expect(await runCli(["convert", "miniscope", SESSION, "-o", out], quiet)).toBe(0);
    const result = JSON.parse(python(ORACLE, out, SESSION, "OnePhotonSeries", "Miniscope"));
    expect(result).toEqual({
      times: true,
      count: 15,
      first: -0.024,
      // 15:03:28 local with msec 635 (NeuroConv writes 635 µs and no zone), -07:00 from msecSinceEpoch
      start: "2021-10-07T15:03:28.635-07:00",
      shape: [15, 752, 480],
      frames: true,
    });
    // NeuroConv's frames (OpenCV's decoding, first colour channel) are the same pixels
    const same = python(
      `
import sys, h5py, numpy as np
a = h5py.File(sys.argv[1], "r")["acquisition/OnePhotonSeries/data"][()]
b = h5py.File(sys.argv[2], "r")["acquisition/OnePhotonSeries/data"][()]
print(np.array_equal(a, b))
`,
      out,
      testdata("miniscope/reference_neuroconv/C6-J588_Disc5.imaging.nwb"),
    );
    expect(same.trim()).toBe("True");
    expect(deviceAttributes(out, "Miniscope")).toEqual({
      compression: "FFV1",
      description: "Miniscope_V3 recorded with the Miniscope DAQ software",
      deviceType: "Miniscope_V3",
      frameRate: "15FPS",
      framesPerFile: 1000,
      gain: "High",
      led0: 47,
      namespace: "ndx-miniscope",
      neurodata_type: "Miniscope",
    });
    expect(nwbcheckShortMovies(out).passed).toBe(true);
  });

  it("writes the session with the converter: the behaviour camera as external files on the same clock", async () => {
    const converter = new MiniscopeConverter({ folderPath: SESSION });
    const out = join(dir, "session.nwb");
    await converter.runConversion({ nwbfilePath: out, metadata: converter.getMetadata() });
    const camera = JSON.parse(python(ORACLE, out, SESSION, "BehavCamImageSeries", "BehavCam_2"));
    expect(camera).toEqual({ times: true, count: 15, first: -0.011, start: "2021-10-07T15:03:28.635-07:00" });
    const imaging = JSON.parse(python(ORACLE, out, SESSION, "OnePhotonSeries", "Miniscope"));
    expect(imaging.times && imaging.frames).toBe(true);
    const links = JSON.parse(
      python(
        `
import sys, json, os, h5py
f = h5py.File(sys.argv[1], "r")
s = f["acquisition/BehavCamImageSeries"]
files = [os.path.normpath(os.path.join(os.path.dirname(sys.argv[1]), p.decode())) for p in s["external_file"][()]]
print(json.dumps({"files": files, "starting_frame": s["external_file"].attrs["starting_frame"].tolist(),
                  "device": s["device"].attrs["neurodata_type"],
                  "plane_device": f["general/optophysiology/ImagingPlane/device"].attrs["deviceType"]}))
`,
        out,
      ),
    );
    expect(links).toEqual({
      files: ["15_03_28", "15_06_28", "15_07_58"].map((r) => join(SESSION, r, "BehavCam_2", "0.avi")),
      starting_frame: [0, 5, 10],
      device: "Miniscope",
      plane_device: "Miniscope_V3",
    });
    expect(deviceAttributes(out, "BehavCam2")).toMatchObject({
      compression: "MJPG",
      deviceType: "WebCam-1920x1080",
      framesPerFile: 1000,
      ROI: [720, 1280],
    });
    expect(nwbcheckShortMovies(out).passed).toBe(true);
  });
});

describe.skipIf(!ffmpegAvailable())("Miniscope recordings made here", () => {
  /**
   * A recording folder with a miniscope whose frames are split over `files` FFV1 videos; `listed` says
   * whether metaData.json names its devices (older DAQ versions do not).
   */
  function makeRecording(
    root: string,
    name: string,
    epochMs: number,
    files: number[],
    csvRows: number,
    listed: boolean,
  ) {
    const device = join(root, name, "My_Scope");
    mkdirSync(device, { recursive: true });
    const start = new Date(epochMs);
    writeFileSync(
      join(root, name, "metaData.json"),
      JSON.stringify({
        ...(listed && { miniscopes: ["My Scope"], cameras: [] }),
        recordingStartTime: {
          year: start.getUTCFullYear(),
          month: start.getUTCMonth() + 1,
          day: start.getUTCDate(),
          hour: start.getUTCHours(),
          minute: start.getUTCMinutes(),
          second: start.getUTCSeconds(),
          msec: start.getUTCMilliseconds(),
          msecSinceEpoch: epochMs,
        },
      }),
    );
    writeFileSync(
      join(device, "metaData.json"),
      JSON.stringify({ deviceType: "Miniscope_V4_BNO", frameRate: "20FPS", ROI: { height: 6, width: 8 } }),
    );
    const rows = Array.from({ length: csvRows }, (_, i) => `${i},${i * 50 - 10},0`);
    writeFileSync(
      join(device, "timeStamps.csv"),
      `Frame Number,Time Stamp (ms),Buffer Index\n${rows.join("\n")}\n`,
    );
    files.forEach((frames, k) => {
      ffmpeg(
        "-f",
        "lavfi",
        "-i",
        `testsrc=size=8x6:rate=20:decimals=0,format=gray`,
        "-frames:v",
        String(frames),
        "-c:v",
        "ffv1",
        join(device, `${k}.avi`),
      );
    });
  }

  it("joins numbered files and recordings (devices listed or not), and leaves out frames timeStamps.csv does not list, with a warning", async () => {
    const root = mkdtempSync(join(dir, "made-"));
    makeRecording(root, "10_00_00", Date.UTC(2024, 0, 2, 10, 0, 0, 250), [3, 2], 5, true);
    makeRecording(root, "10_05_00", Date.UTC(2024, 0, 2, 10, 5, 0, 0), [4], 3, false);
    expect(findMiniscopeRecordings(root).map((r) => r.startTime.iso)).toEqual([
      "2024-01-02T10:00:00.250+00:00",
      "2024-01-02T10:05:00.000+00:00",
    ]);
    const warnings: string[] = [];
    await withWarningHandler(
      (message) => warnings.push(message),
      async () => {
        // a device folder given alone is that device in its one recording
        const single = new MiniscopeImagingInterface({ folderPath: join(root, "10_05_00", "My_Scope") });
        expect([single.recordings.length, single.device.name, single.numFrames]).toEqual([1, "My_Scope", 3]);
        const imaging = new MiniscopeImagingInterface({ folderPath: root });
        const out = join(root, "made.nwb");
        await imaging.runConversion({ nwbfilePath: out, metadata: imaging.getMetadata() });
        const result = JSON.parse(
          python(
            `
import sys, json, h5py
s = h5py.File(sys.argv[1], "r")["acquisition/OnePhotonSeries"]
print(json.dumps({"shape": list(s["data"].shape), "t": s["timestamps"][()].tolist(),
                  "rate": float(h5py.File(sys.argv[1], "r")["general/optophysiology/ImagingPlane/imaging_rate"][()])}))
`,
            out,
          ),
        );
        expect(result).toEqual({
          shape: [8, 8, 6],
          t: [-0.01, 0.04, 0.09, 0.14, 0.19, 299.74, 299.79, 299.84],
          rate: 20,
        });
      },
    );
    expect(warnings.join("\n")).toMatch(
      /10_05_00.My_Scope: the video files hold 4 frames but timeStamps.csv lists 3/,
    );
  });

  it("names the folder when it holds no recording", () => {
    const empty = mkdtempSync(join(dir, "empty-"));
    expect(() => new MiniscopeImagingInterface({ folderPath: empty })).toThrow(
      /no Miniscope DAQ recording found/,
    );
  });
});
