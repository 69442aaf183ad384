/**
 * Metadata entries must name something the conversion writes. An ElectrodeGroup, Device or series key that
 * matches nothing would otherwise be ignored silently (a group's location would stay "unknown"), so each is
 * a validation problem that lists the names the conversion knows.
 */
import type { MetadataProblem } from "../../errors.js";
import type { Metadata } from "./schema.js";

/** Ecephys keys that are not series keys. */
const ECEPHYS_LISTS = new Set(["Device", "ElectrodeGroup", "Electrodes", "UnitProperties"]);

const namesOf = (list: unknown): string[] =>
  Array.isArray(list)
    ? list.map((e) => (e as { name?: unknown }).name).filter((n) => typeof n === "string")
    : [];

const known = (names: readonly string[]) => (names.length > 0 ? names.join(", ") : "none");

/**
 * Problems with the names in `given` (the user's metadata) that match nothing in `source` (what the
 * conversion states it writes): unknown electrode groups, devices no group uses, unknown series keys, and
 * groups that point to a device that is not listed.
 *
 * @example
 * ```ts
 * checkMetadataNames(recording.getMetadata(), { Ecephys: { ElectrodeGroup: [{ name: "Probe9", location: "CA1" }] } });
 * // [{ path: "Ecephys.ElectrodeGroup[0].name", message: "... (known: imec0)" }]
 * ```
 */
export function checkMetadataNames(
  source: Metadata,
  given: Partial<Metadata> | undefined,
): MetadataProblem[] {
  const ecephys = given?.Ecephys as Record<string, unknown> | undefined;
  if (!ecephys || typeof ecephys !== "object") return [];
  const sourceEcephys = (source.Ecephys ?? {}) as Record<string, unknown>;
  const problems: MetadataProblem[] = [];
  const groups = namesOf(sourceEcephys.ElectrodeGroup);
  const givenGroups = Array.isArray(ecephys.ElectrodeGroup) ? ecephys.ElectrodeGroup : [];
  givenGroups.forEach((group: { name?: unknown }, i) => {
    if (typeof group?.name === "string" && !groups.includes(group.name)) {
      problems.push({
        path: `Ecephys.ElectrodeGroup[${i}].name`,
        value: group.name,
        message: `Ecephys.ElectrodeGroup[${i}].name '${group.name}' matches no electrode group of this conversion; fix the name (known: ${known(groups)})`,
      });
    }
  });
  const sourceDevices = namesOf(sourceEcephys.Device);
  const givenDevices = namesOf(ecephys.Device);
  const allDevices = [...new Set([...sourceDevices, ...givenDevices])];
  const groupDevice = new Map<string, string>();
  for (const list of [sourceEcephys.ElectrodeGroup, ecephys.ElectrodeGroup]) {
    for (const group of Array.isArray(list) ? list : []) {
      const { name, device } = group as { name?: unknown; device?: unknown };
      if (typeof name === "string" && typeof device === "string") groupDevice.set(name, device);
    }
  }
  const usedDevices = new Set(groupDevice.values());
  givenDevices.forEach((device, i) => {
    if (!sourceDevices.includes(device) && !usedDevices.has(device)) {
      problems.push({
        path: `Ecephys.Device[${i}].name`,
        value: device,
        message: `Ecephys.Device[${i}].name '${device}' is no device of this conversion and no electrode group uses it; fix the name, or set it as an ElectrodeGroup's device (known: ${known(sourceDevices)})`,
      });
    }
  });
  givenGroups.forEach((group: { name?: unknown; device?: unknown }, i) => {
    if (typeof group?.device === "string" && !allDevices.includes(group.device)) {
      problems.push({
        path: `Ecephys.ElectrodeGroup[${i}].device`,
        value: group.device,
        message: `Ecephys.ElectrodeGroup[${i}].device '${group.device}' is not listed in Ecephys.Device; add it there or fix the name (known: ${known(allDevices)})`,
      });
    }
  });
  const seriesKeys = Object.keys(sourceEcephys).filter((k) => !ECEPHYS_LISTS.has(k));
  for (const key of Object.keys(ecephys)) {
    if (!ECEPHYS_LISTS.has(key) && !seriesKeys.includes(key)) {
      problems.push({
        path: `Ecephys.${key}`,
        value: undefined,
        message: `Ecephys.${key} matches no series of this conversion; fix the key (known: ${known(seriesKeys)})`,
      });
    }
  }
  return problems;
}
