/**
 * A short, human-readable summary of an NWB file's contents, read back from the file itself.
 */
import { hdf5Backend } from "../storage/hdf5/index.js";
import type { StorageReader } from "../storage/types.js";

function typeOf(file: StorageReader, path: string): string {
  return String(file.getAttribute(path, "neurodata_type") ?? "group");
}

function series(file: StorageReader, path: string): string {
  const type = typeOf(file, path);
  const data = `${path}/data`;
  if (file.kind(data) !== "dataset") return `  ${path} (${type})`;
  const { shape, dtype } = file.datasetInfo(data);
  const rate = file.kind(`${path}/starting_time`)
    ? file.getAttribute(`${path}/starting_time`, "rate")
    : undefined;
  const timing = rate !== undefined ? `${rate} Hz` : file.kind(`${path}/timestamps`) ? "timestamps" : "";
  return `  ${path} (${type}): ${shape.join(" x ")} ${typeof dtype === "string" ? dtype : "compound"}${timing ? `, ${timing}` : ""}`;
}

/** Lists acquired and processed objects, the electrodes, units and intervals of an NWB file. */
export async function describeNwbFile(path: string): Promise<string> {
  const file = await hdf5Backend.open(path);
  try {
    const lines = [
      `NWB ${file.getAttribute("/", "nwb_version")}, session start ${file.readDataset("/session_start_time")}`,
    ];
    for (const name of file.children("/acquisition")) lines.push(series(file, `/acquisition/${name}`));
    for (const module of file.children("/processing")) {
      for (const name of file.children(`/processing/${module}`)) {
        const inner = `/processing/${module}/${name}`;
        const children =
          file.kind(inner) === "group"
            ? file.children(inner).filter((c) => file.kind(`${inner}/${c}/data`))
            : [];
        if (children.length === 0) lines.push(`  ${inner} (${typeOf(file, inner)})`);
        for (const child of children) lines.push(series(file, `${inner}/${child}`));
      }
    }
    const electrodes = "/general/extracellular_ephys/electrodes/id";
    if (file.kind(electrodes)) lines.push(`  electrodes: ${file.datasetInfo(electrodes).shape[0]} rows`);
    if (file.kind("/units/id")) lines.push(`  units: ${file.datasetInfo("/units/id").shape[0]}`);
    if (file.kind("/intervals")) {
      for (const name of file.children("/intervals")) {
        lines.push(`  intervals/${name}: ${file.datasetInfo(`/intervals/${name}/id`).shape[0]} rows`);
      }
    }
    return lines.join("\n");
  } finally {
    file.close();
  }
}
