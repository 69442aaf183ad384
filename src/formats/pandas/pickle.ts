/**
 * Python pickles of protocol 0 (the text protocol), which PyTables uses for Python objects stored in HDF5
 * attributes (pandas keeps its column labels there). Only the opcodes that plain data (lists, tuples, dicts,
 * strings, numbers, None, booleans) produce are understood; opcodes are those of Python's `pickletools`.
 */

export type PickleValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | PickleValue[]
  | PickleTuple
  | PickleDict;
/** A Python tuple (kept apart from lists because pandas uses tuples for column labels). */
export class PickleTuple {
  constructor(readonly items: PickleValue[]) {}
}
/** A Python dict with string or number keys. */
export type PickleDict = Map<string | number, PickleValue>;

const MARK = Symbol("mark");

/** Python's raw-unicode-escape: \uXXXX and \UXXXXXXXX escapes, other bytes as Latin-1. */
function rawUnicode(text: string): string {
  return text.replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_, four, eight) =>
    String.fromCodePoint(Number.parseInt(four ?? eight, 16)),
  );
}

/** A Python string literal as `repr` writes it: quoted, with backslash escapes. */
function stringLiteral(text: string): string {
  const body = text.slice(1, -1);
  return body.replace(/\\(x[0-9a-fA-F]{2}|n|r|t|\\|'|")/g, (_, sequence: string) => {
    if (sequence[0] === "x") return String.fromCharCode(Number.parseInt(sequence.slice(1), 16));
    return ({ n: "\n", r: "\r", t: "\t" } as Record<string, string>)[sequence] ?? sequence;
  });
}

/**
 * Decodes a protocol-0 pickle. Throws a TypeError naming the opcode for anything else (protocol 2+ pickles,
 * class instances).
 *
 * @example
 * ```ts
 * unpickle("(lp0\nVsnout\np1\na.") // ["snout"]
 * ```
 */
export function unpickle(text: string): PickleValue {
  const stack: (PickleValue | typeof MARK)[] = [];
  const memo = new Map<number, PickleValue>();
  let at = 0;
  const line = () => {
    const end = text.indexOf("\n", at);
    if (end < 0) throw new TypeError("truncated pickle");
    const value = text.slice(at, end);
    at = end + 1;
    return value;
  };
  const popToMark = (): PickleValue[] => {
    const items: PickleValue[] = [];
    for (;;) {
      const item = stack.pop();
      if (item === undefined) throw new TypeError("pickle without a mark");
      if (item === MARK) return items.reverse();
      items.push(item);
    }
  };
  const top = () => stack[stack.length - 1] as PickleValue;
  while (at < text.length) {
    const opcode = text[at++]!;
    switch (opcode) {
      case "(":
        stack.push(MARK);
        break;
      case "l":
        stack.push(popToMark());
        break;
      case "t":
        stack.push(new PickleTuple(popToMark()));
        break;
      case "d": {
        const items = popToMark();
        const dict: PickleDict = new Map();
        for (let i = 0; i + 1 < items.length; i += 2) dict.set(items[i] as string, items[i + 1]!);
        stack.push(dict);
        break;
      }
      case "a": {
        const value = stack.pop() as PickleValue;
        (top() as PickleValue[]).push(value);
        break;
      }
      case "e": {
        const values = popToMark();
        (top() as PickleValue[]).push(...values);
        break;
      }
      case "s": {
        const value = stack.pop() as PickleValue;
        const key = stack.pop() as string;
        (top() as PickleDict).set(key, value);
        break;
      }
      case "u": {
        const items = popToMark();
        for (let i = 0; i + 1 < items.length; i += 2)
          (top() as PickleDict).set(items[i] as string, items[i + 1]!);
        break;
      }
      case "p":
        memo.set(Number(line()), top());
        break;
      case "g":
        stack.push(memo.get(Number(line())) ?? null);
        break;
      case "0":
        stack.pop();
        break;
      case "2":
        stack.push(top());
        break;
      case "V":
        stack.push(rawUnicode(line()));
        break;
      case "S":
        stack.push(stringLiteral(line()));
        break;
      case "I": {
        const value = line();
        stack.push(value === "01" ? true : value === "00" ? false : Number(value));
        break;
      }
      case "L": {
        // Python 2 longs ("1L"): small ones are plain numbers
        const value = BigInt(line().replace(/L$/, ""));
        stack.push(Number.isSafeInteger(Number(value)) ? Number(value) : value);
        break;
      }
      case "F":
        stack.push(Number(line()));
        break;
      case "N":
        stack.push(null);
        break;
      case ".":
        return stack.pop() as PickleValue;
      default:
        throw new TypeError(`unsupported pickle opcode '${opcode}' (only protocol-0 plain data is read)`);
    }
  }
  throw new TypeError("pickle without a STOP opcode");
}
