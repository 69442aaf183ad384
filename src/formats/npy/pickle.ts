/**
 * Reading Python pickles as data, without executing anything: the pickle opcodes are interpreted by a small
 * stack machine, and the only callables "called" are the few that rebuild NumPy arrays, scalars and dtypes
 * (and datetime); any other global becomes an inert {@link PickledObject}. This is enough for NumPy object
 * arrays saved with `np.save` (Suite2p's `stat.npy`, `ops.npy`). Opcodes per CPython's `pickletools`
 * documentation (protocols 0-5).
 */
import { readFileSync } from "node:fs";
import { SourceDataError } from "../../errors.js";
import { parsePyLiteral } from "./pyliteral.js";

/** A NumPy array rebuilt from a pickle: numeric data as a typed array, object data as a list. */
export interface PickledArray {
  readonly kind: "ndarray";
  shape: number[];
  /** NumPy type string, e.g. "<f4", "|b1", "|O". */
  descr: string;
  data: ArrayLike<number> | PickleValue[];
  fortranOrder: boolean;
}

/** An object of a class this reader does not rebuild; kept as its class name and arguments. */
export interface PickledObject {
  readonly kind: "object";
  readonly global: string;
  readonly args: PickleValue[];
  state?: PickleValue;
}

export type PickleValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | PickleValue[]
  | { [key: string]: PickleValue }
  | PickledArray
  | PickledObject;

interface Dtype {
  readonly kind: "dtype";
  descr: string;
}

type Item = PickleValue | Dtype | { readonly kind: "global"; readonly name: string } | typeof MARK;
const MARK = Symbol("mark");

/** `<f4` etc. to element size and reader. */
function decodeElements(descr: string, bytes: Uint8Array): ArrayLike<number> {
  const little = !descr.startsWith(">");
  const code = descr.replace(/^[<>|=]/, "");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const read: Record<string, [number, (at: number) => number | bigint]> = {
    b1: [1, (at) => view.getUint8(at)],
    i1: [1, (at) => view.getInt8(at)],
    u1: [1, (at) => view.getUint8(at)],
    i2: [2, (at) => view.getInt16(at, little)],
    u2: [2, (at) => view.getUint16(at, little)],
    i4: [4, (at) => view.getInt32(at, little)],
    u4: [4, (at) => view.getUint32(at, little)],
    i8: [8, (at) => view.getBigInt64(at, little)],
    u8: [8, (at) => view.getBigUint64(at, little)],
    f4: [4, (at) => view.getFloat32(at, little)],
    f8: [8, (at) => view.getFloat64(at, little)],
  };
  const entry = read[code];
  if (!entry) throw new RangeError(`NumPy dtype ${descr} is not supported in pickles`);
  const [size, get] = entry;
  const n = Math.floor(bytes.byteLength / size);
  if (code === "i8" || code === "u8") {
    // int64 values as numbers when exact (pixel indices, counts), else bigint
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push(Number(get(i * size)));
    return out;
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = get(i * size) as number;
  return out;
}

/** NumPy scalar from its dtype and raw bytes. */
function scalarOf(dtype: Dtype, bytes: Uint8Array): PickleValue {
  const values = decodeElements(dtype.descr, bytes);
  const value = values[0];
  return dtype.descr.endsWith("b1") ? value === 1 : (value as number);
}

/** Rebuilds the few callables a NumPy pickle needs; everything else stays inert. */
function reduce(callable: Item, args: PickleValue[]): Item {
  const name =
    (callable as { kind?: string; name?: string }).kind === "global"
      ? (callable as { name: string }).name
      : "";
  const base = name.replace("numpy._core.", "numpy.core.");
  if (base === "numpy.core.multiarray._reconstruct") {
    return { kind: "ndarray", shape: [], descr: "", data: [], fortranOrder: false };
  }
  if (base === "numpy.dtype") {
    const text = String(args[0]);
    return { kind: "dtype", descr: /^[<>|=]/.test(text) ? text : `<${text}` };
  }
  if (base === "numpy.core.multiarray.scalar") {
    return scalarOf(args[0] as unknown as Dtype, args[1] as Uint8Array);
  }
  if (name === "datetime.datetime" && args[0] instanceof Uint8Array && args[0].length >= 10) {
    const b = args[0];
    const pad = (n: number, w = 2) => String(n).padStart(w, "0");
    const micro = (b[7]! << 16) | (b[8]! << 8) | b[9]!;
    return `${pad((b[0]! << 8) | b[1]!, 4)}-${pad(b[2]!)}-${pad(b[3]!)}T${pad(b[4]!)}:${pad(b[5]!)}:${pad(b[6]!)}.${pad(micro, 6)}`;
  }
  if (base === "numpy.core.numeric._frombuffer") {
    // protocol 5: (buffer, dtype, shape, order)
    const [buffer, dtype, shape, order] = args as [Uint8Array, Dtype, number[], string];
    return {
      kind: "ndarray",
      shape: shape.map(Number),
      descr: dtype.descr,
      data: decodeElements(dtype.descr, buffer),
      fortranOrder: order === "F",
    };
  }
  if (name === "_codecs.encode" && typeof args[0] === "string") {
    // protocol 2 stores bytes as latin-1 text re-encoded on loading
    return Uint8Array.from(args[0], (c) => c.charCodeAt(0));
  }
  if (name === "collections.OrderedDict") return {};
  return { kind: "object", global: name, args };
}

function build(target: Item, state: PickleValue): void {
  const t = target as { kind?: string };
  if (t.kind === "ndarray") {
    const array = target as PickledArray;
    const [, shape, dtype, fortran, raw] = state as [number, number[], Dtype, boolean, PickleValue];
    array.shape = (shape as number[]).map(Number);
    array.descr = dtype.descr;
    array.fortranOrder = fortran === true;
    array.data = /O\d*$/.test(dtype.descr)
      ? (raw as PickleValue[])
      : raw instanceof Uint8Array
        ? decodeElements(dtype.descr, raw)
        : [];
    return;
  }
  if (t.kind === "dtype") {
    const order = (state as PickleValue[])[1];
    const dtype = target as Dtype;
    if (typeof order === "string" && order !== "|") dtype.descr = order + dtype.descr.replace(/^[<>|=]/, "");
    else if (order === "|") dtype.descr = `|${dtype.descr.replace(/^[<>|=]/, "")}`;
    return;
  }
  if (t.kind === "object") {
    (target as PickledObject).state = state;
    return;
  }
  if (typeof target === "object" && target !== null && !Array.isArray(target) && typeof state === "object") {
    Object.assign(target, state);
  }
}

/**
 * Interprets a pickle (protocols 0-5) and returns the object it describes.
 *
 * @example
 * ```ts
 * const ops = readPickledNpy("suite2p/plane0/ops.npy"); // a 0-d object array holding a dict
 * ```
 */
export function unpickle(bytes: Uint8Array, where = "<pickle>"): PickleValue {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = new TextDecoder();
  const stack: Item[] = [];
  const memo = new Map<number, Item>();
  let pos = 0;
  const fail = (why: string): never => {
    throw new SourceDataError(where, `cannot read the pickle at byte ${pos}: ${why}`);
  };
  const u8 = () => bytes[pos++] ?? fail("truncated");
  const take = (n: number) => {
    if (pos + n > bytes.length) fail("truncated");
    const out = bytes.subarray(pos, pos + n);
    pos += n;
    return out;
  };
  /** Moves past `n` bytes; returns where they start. */
  const advance = (n: number) => {
    if (pos + n > bytes.length) fail("truncated");
    pos += n;
    return pos - n;
  };
  const u32 = () => {
    const v = view.getUint32(pos, true);
    pos += 4;
    return v;
  };
  const u64 = () => {
    const v = Number(view.getBigUint64(pos, true));
    pos += 8;
    return v;
  };
  const line = () => {
    const end = bytes.indexOf(10, pos);
    if (end < 0) fail("truncated line");
    const out = text.decode(bytes.subarray(pos, end));
    pos = end + 1;
    return out;
  };
  const popMark = (): Item[] => {
    const at = stack.lastIndexOf(MARK);
    if (at < 0) fail("no mark");
    const items = stack.splice(at);
    items.shift();
    return items;
  };
  const pop = (): Item => (stack.length ? stack.pop()! : fail("stack underflow"));
  const top = (): Item => stack[stack.length - 1] ?? fail("empty stack");
  const setItems = (dict: Item, items: Item[]) => {
    const target = dict as Record<string, PickleValue>;
    for (let i = 0; i + 1 < items.length; i += 2)
      target[String(items[i] as PickleValue)] = items[i + 1] as PickleValue;
  };
  const long = (b: Uint8Array): number | bigint => {
    if (b.length === 0) return 0;
    let v = 0n;
    for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
    if (b[b.length - 1]! & 0x80) v -= 1n << BigInt(8 * b.length);
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  };
  for (;;) {
    const op = String.fromCharCode(u8());
    switch (op) {
      case "\x80": // PROTO
        u8();
        break;
      case "\x95": // FRAME
        pos += 8;
        break;
      case ".": // STOP
        return pop() as PickleValue;
      case "(": // MARK
        stack.push(MARK);
        break;
      case "0": // POP
        pop();
        break;
      case "1": // POP_MARK
        popMark();
        break;
      case "2": // DUP
        stack.push(top());
        break;
      case "N":
        stack.push(null);
        break;
      case "\x88":
        stack.push(true);
        break;
      case "\x89":
        stack.push(false);
        break;
      case "J": // BININT
        stack.push(view.getInt32(advance(4), true));
        break;
      case "K": // BININT1
        stack.push(u8());
        break;
      case "M": // BININT2
        stack.push(view.getUint16(advance(2), true));
        break;
      case "\x8a": // LONG1
        stack.push(long(take(u8())));
        break;
      case "\x8b": // LONG4
        stack.push(long(take(u32())));
        break;
      case "G": // BINFLOAT (big-endian)
        stack.push(view.getFloat64(advance(8), false));
        break;
      case "I": {
        const t = line();
        stack.push(t === "01" ? true : t === "00" ? false : Number(t));
        break;
      }
      case "L":
        stack.push(Number(line().replace(/L$/, "")));
        break;
      case "F":
        stack.push(Number(line()));
        break;
      case "X": // BINUNICODE
        stack.push(text.decode(take(u32())));
        break;
      case "\x8c": // SHORT_BINUNICODE
        stack.push(text.decode(take(u8())));
        break;
      case "\x8d": // BINUNICODE8
        stack.push(text.decode(take(u64())));
        break;
      case "V": // UNICODE (raw-unicode-escape line)
        stack.push(line());
        break;
      case "T": // BINSTRING (Python 2 str)
        stack.push(new TextDecoder("latin1").decode(take(u32())));
        break;
      case "U": // SHORT_BINSTRING
        stack.push(new TextDecoder("latin1").decode(take(u8())));
        break;
      case "B": // BINBYTES
        stack.push(take(u32()).slice());
        break;
      case "C": // SHORT_BINBYTES
        stack.push(take(u8()).slice());
        break;
      case "\x8e": // BINBYTES8
      case "\x96": // BYTEARRAY8
        stack.push(take(u64()).slice());
        break;
      case "]":
        stack.push([]);
        break;
      case "a": {
        const value = pop();
        (top() as PickleValue[]).push(value as PickleValue);
        break;
      }
      case "e": {
        const items = popMark();
        (top() as PickleValue[]).push(...(items as PickleValue[]));
        break;
      }
      case "l":
        stack.push(popMark() as PickleValue[]);
        break;
      case ")":
        stack.push([]);
        break;
      case "t":
        stack.push(popMark() as PickleValue[]);
        break;
      case "\x85":
        stack.push([pop() as PickleValue]);
        break;
      case "\x86": {
        const b = pop();
        stack.push([pop() as PickleValue, b as PickleValue]);
        break;
      }
      case "\x87": {
        const c = pop();
        const b = pop();
        stack.push([pop() as PickleValue, b as PickleValue, c as PickleValue]);
        break;
      }
      case "}":
        stack.push({});
        break;
      case "d": {
        const dict = {};
        setItems(dict, popMark());
        stack.push(dict);
        break;
      }
      case "s": {
        const value = pop();
        const key = pop();
        setItems(top(), [key, value]);
        break;
      }
      case "u": {
        const items = popMark();
        setItems(top(), items);
        break;
      }
      case "\x8f": // EMPTY_SET
        stack.push([]);
        break;
      case "\x90": {
        const items = popMark();
        (top() as PickleValue[]).push(...(items as PickleValue[]));
        break;
      }
      case "\x91": // FROZENSET
        stack.push(popMark() as PickleValue[]);
        break;
      case "c": {
        const module = line();
        stack.push({ kind: "global", name: `${module}.${line()}` });
        break;
      }
      case "\x93": {
        const name = pop();
        stack.push({ kind: "global", name: `${String(pop())}.${String(name)}` });
        break;
      }
      case "R": {
        const args = pop() as PickleValue[];
        stack.push(reduce(pop(), args));
        break;
      }
      case "\x81": {
        const args = pop() as PickleValue[];
        stack.push(reduce(pop(), args));
        break;
      }
      case "\x92": {
        pop();
        const args = pop() as PickleValue[];
        stack.push(reduce(pop(), args));
        break;
      }
      case "b": {
        const state = pop();
        build(top(), state as PickleValue);
        break;
      }
      case "q": // BINPUT
        memo.set(u8(), top());
        break;
      case "r": // LONG_BINPUT
        memo.set(u32(), top());
        break;
      case "\x94": // MEMOIZE
        memo.set(memo.size, top());
        break;
      case "p":
        memo.set(Number(line()), top());
        break;
      case "h": // BINGET
        stack.push(memo.get(u8()) ?? fail("unknown memo entry"));
        break;
      case "j": // LONG_BINGET
        stack.push(memo.get(u32()) ?? fail("unknown memo entry"));
        break;
      case "g":
        stack.push(memo.get(Number(line())) ?? fail("unknown memo entry"));
        break;
      default:
        fail(`unsupported opcode 0x${op.charCodeAt(0).toString(16)}`);
    }
  }
}

/**
 * A `.npy` file of dtype object (`|O`): NumPy stores the whole array pickled after the header.
 *
 * @example
 * ```ts
 * const stat = readPickledNpy("stat.npy"); // { kind: "ndarray", shape: [23], data: [{ ypix, xpix, lam, ... }, ...] }
 * ```
 */
export function readPickledNpy(path: string): PickledArray {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new SourceDataError(path, `cannot read the file (${(error as Error).message})`);
  }
  if (bytes.length < 10 || bytes.toString("latin1", 1, 6) !== "NUMPY") {
    throw new SourceDataError(path, "not a .npy file (no \\x93NUMPY magic)");
  }
  const major = bytes[6]!;
  const headerLength = major === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = parsePyLiteral(bytes.toString("latin1", start, start + headerLength)) as Record<
    string,
    unknown
  >;
  if (header.descr !== "|O") {
    throw new SourceDataError(
      path,
      `expected an object array (dtype '|O'), found dtype '${String(header.descr)}'`,
    );
  }
  const value = unpickle(bytes.subarray(start + headerLength), path);
  if ((value as PickledArray | null)?.kind !== "ndarray") {
    throw new SourceDataError(path, "the pickle does not hold a NumPy array");
  }
  return value as PickledArray;
}
