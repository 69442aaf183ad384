/**
 * The `key = value` text ScanImage writes into TIFF headers: MATLAB literals (numbers, 'strings', [row
 * vectors; matrices], {cells}, true/false, Inf/NaN), one assignment per line. Odd values (enumerations,
 * `zeros(0,2)`) stay as their text rather than failing.
 */

export type MatlabValue = number | string | boolean | MatlabValue[];

/** Parses one MATLAB literal; text that is not one is returned unchanged. */
export function parseMatlabValue(text: string): MatlabValue {
  const t = text.trim();
  if (t.length >= 2 && t.startsWith("'") && t.endsWith("'")) return t.slice(1, -1).replaceAll("''", "'");
  if (t === "true") return true;
  if (t === "false") return false;
  const n = parseNumber(t);
  if (n !== undefined) return n;
  if (t.startsWith("[") && t.endsWith("]")) {
    const rows = t
      .slice(1, -1)
      .split(";")
      .map((row) => splitItems(row).map(parseMatlabValue))
      .filter((row) => row.length > 0);
    return rows.length === 1 ? rows[0]! : rows;
  }
  if (t.startsWith("{") && t.endsWith("}")) return splitItems(t.slice(1, -1)).map(parseMatlabValue);
  return t;
}

function parseNumber(t: string): number | undefined {
  if (/^[-+]?Inf$/.test(t)) return t.startsWith("-") ? -Infinity : Infinity;
  if (t === "NaN") return Number.NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return undefined;
  return Number(t);
}

/** Splits on spaces and commas outside quotes and brackets. */
function splitItems(text: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let quoted = false;
  let current = "";
  for (const c of text) {
    if (c === "'") quoted = !quoted;
    if (!quoted && (c === "[" || c === "{")) depth++;
    if (!quoted && (c === "]" || c === "}")) depth--;
    if (!quoted && depth === 0 && (c === " " || c === "," || c === "\t")) {
      if (current) items.push(current);
      current = "";
    } else {
      current += c;
    }
  }
  if (current) items.push(current);
  return items;
}

/**
 * Every `key = value` (or `key=value`) line, values parsed. Lines end in \n, \r\n or (ScanImage 3.x) \r;
 * lines without "=" are skipped.
 */
export function parseMatlabAssignments(text: string): Map<string, MatlabValue> {
  const values = new Map<string, MatlabValue>();
  for (const line of text.split(/\r\n|\r|\n/)) {
    const at = line.indexOf("=");
    if (at <= 0) continue;
    const key = line.slice(0, at).trim();
    if (!/^[\w.]+$/.test(key)) continue;
    values.set(key, parseMatlabValue(line.slice(at + 1)));
  }
  return values;
}
