/**
 * The ndx-miniscope `Miniscope` device of a Miniscope DAQ device folder (a miniscope or a behaviour
 * camera), with the settings its metaData.json states, as NeuroConv writes it.
 */
import type { MiniscopeDeviceFolder } from "../../formats/miniscope/index.js";
import type { Device } from "../../nwb/containers/ecephys.js";
import type { NWBFile } from "../../nwb/containers/file.js";
import { Miniscope, type MiniscopeOptions } from "../../nwb/types/ndxMiniscope.js";

/** NWB name of a device: the DAQ name without spaces ("BehavCam 2" -> "BehavCam2"), as NeuroConv names it. */
export function miniscopeDeviceName(name: string): string {
  return name.replace(/\s+/g, "");
}

const TEXT_SETTINGS = ["compression", "deviceType", "frameRate", "gain"] as const;
const INTEGER_SETTINGS = ["framesPerFile", "led0", "excitation", "msCamExposure"] as const;

/** The device's settings as ndx-miniscope attributes; values of another kind than the schema's are left out. */
function settingsOf(settings: Readonly<Record<string, unknown>>): Partial<MiniscopeOptions> {
  const options: Record<string, unknown> = {};
  for (const key of TEXT_SETTINGS) {
    const value = settings[key];
    if (typeof value === "string" || typeof value === "number") options[key] = String(value);
  }
  for (const key of INTEGER_SETTINGS) {
    const value = settings[key];
    if (typeof value === "number" && Number.isInteger(value)) options[key] = value;
  }
  const roi = settings.ROI as { height?: unknown; width?: unknown } | undefined;
  if (typeof roi?.height === "number" && typeof roi.width === "number") {
    options.ROI = [roi.height, roi.width];
  }
  return options;
}

/**
 * The device named `name` in the file, adding it as a `Miniscope` described by `device`'s settings when the
 * file does not have it yet.
 */
export function ensureMiniscopeDevice(
  nwbfile: NWBFile,
  name: string,
  device: MiniscopeDeviceFolder,
  description?: string,
): Device {
  const existing = nwbfile.getDevice(name);
  if (existing) return existing;
  const type = typeof device.settings.deviceType === "string" ? device.settings.deviceType : device.name;
  const miniscope = new Miniscope({
    name,
    description:
      description ??
      `${type} (${device.kind === "camera" ? "camera" : "miniscope"} '${device.name}' of the Miniscope DAQ software)`,
    ...settingsOf(device.settings),
  });
  return nwbfile.addDevice(miniscope);
}
