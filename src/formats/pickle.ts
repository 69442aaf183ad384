/**
 * Python pickles read as data, never executed: the opcodes of every protocol (0, the text protocol PyTables uses
 * for HDF5 attributes, to 5) are interpreted by a small stack machine, and the only callables "called" are the
 * few that rebuild NumPy arrays, scalars and dtypes, `datetime` and bytes; any other global becomes an inert
 * {@link PickledObject}. Readers: pandas' column labels in HDF5 attributes (protocol 0), NumPy object arrays
 * saved with `np.save` (Suite2p's `stat.npy`, `ops.npy`; protocols 2-5). Opcodes per CPython's `pickletools`.
 *
 * Python values map to: dict -> plain object (keys as text), list, tuple and set -> array, str -> string,
 * bytes -> Uint8Array, int -> number (bigint beyond 2^53), float -> number, None -> null.
 */
import { SourceDataError } from "../errors.js";

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

/** A value rebuilt from a pickle (see the module comment for how Python types map). */
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

const ELEMENT_READERS: Record<
  string,
  [number, (view: DataView, at: number, little: boolean) => number | bigint]
> = {
  b1: [1, (v, at) => v.getUint8(at)],
  i1: [1, (v, at) => v.getInt8(at)],
  u1: [1, (v, at) => v.getUint8(at)],
  i2: [2, (v, at, le) => v.getInt16(at, le)],
  u2: [2, (v, at, le) => v.getUint16(at, le)],
  i4: [4, (v, at, le) => v.getInt32(at, le)],
  u4: [4, (v, at, le) => v.getUint32(at, le)],
  i8: [8, (v, at, le) => v.getBigInt64(at, le)],
  u8: [8, (v, at, le) => v.getBigUint64(at, le)],
  f4: [4, (v, at, le) => v.getFloat32(at, le)],
  f8: [8, (v, at, le) => v.getFloat64(at, le)],
};

/** Elements of NumPy type `descr` ("<f4", ">i2", ...): float64 values, int64 as numbers (pixel indices). */
function decodeElements(descr: string, bytes: Uint8Array): ArrayLike<number> {
  const code = descr.replace(/^[<>|=]/, "");
  const entry = ELEMENT_READERS[code];
  if (!entry) throw new RangeError(`NumPy dtype ${descr} is not supported in pickles`);
  const [size, get] = entry;
  const little = !descr.startsWith(">");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float64Array(Math.floor(bytes.byteLength / size));
  for (let i = 0; i < out.length; i++) out[i] = Number(get(view, i * size, little));
  return code === "i8" || code === "u8" ? Array.from(out) : out;
}

/** Python's raw-unicode-escape (protocol-0 `V` lines): Latin-1 bytes with \uXXXX and \UXXXXXXXX escapes. */
function rawUnicode(latin1: string): string {
  return latin1.replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_, four, eight) =>
    String.fromCodePoint(Number.parseInt(four ?? eight, 16)),
  );
}

/** A quoted Python 2 string literal as `repr` writes it (protocol-0 `S` lines). */
function stringLiteral(text: string): string {
  return text.slice(1, -1).replace(/\\(x[0-9a-fA-F]{2}|n|r|t|\\|'|")/g, (_, sequence: string) => {
    if (sequence[0] === "x") return String.fromCharCode(Number.parseInt(sequence.slice(1), 16));
    return ({ n: "\n", r: "\r", t: "\t" } as Record<string, string>)[sequence] ?? sequence;
  });
}

/** A Python int as a number when exact, else a bigint. */
function integer(value: bigint): number | bigint {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value)
    : value;
}

/** Two's-complement little-endian bytes (LONG1/LONG4). */
function longOf(bytes: Uint8Array): number | bigint {
  if (bytes.length === 0) return 0;
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]!);
  if (bytes[bytes.length - 1]! & 0x80) value -= 1n << BigInt(8 * bytes.length);
  return integer(value);
}

/** Protocol-0 INT line: "01"/"00" are Python 2's True/False. */
function intLine(text: string): number | bigint | boolean {
  if (text === "01") return true;
  if (text === "00") return false;
  return integer(BigInt(text.replace(/L$/, "")));
}

/** Sets a dict entry; keys are defined, never assigned, so a "__proto__" key stays an ordinary key. */
function setEntry(dict: Item, key: Item, value: Item): void {
  Object.defineProperty(dict, String(key as PickleValue), {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

function globalName(callable: Item): string {
  const item = callable as { kind?: string; name?: string };
  return item.kind === "global" ? item.name! : "";
}

/** Rebuilds the few callables a NumPy pickle needs; everything else stays inert. */
function reduce(callable: Item, args: PickleValue[]): Item {
  const name = globalName(callable);
  const base = name.replace("numpy._core.", "numpy.core.");
  if (base === "numpy.core.multiarray._reconstruct") {
    return { kind: "ndarray", shape: [], descr: "", data: [], fortranOrder: false };
  }
  if (base === "numpy.dtype") {
    const text = String(args[0]);
    return { kind: "dtype", descr: /^[<>|=]/.test(text) ? text : `<${text}` };
  }
  if (base === "numpy.core.multiarray.scalar") {
    const dtype = args[0] as unknown as Dtype;
    const value = decodeElements(dtype.descr, args[1] as Uint8Array)[0]!;
    return dtype.descr.endsWith("b1") ? value === 1 : value;
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
    // protocols 0-2 store bytes as latin-1 text re-encoded on loading
    return Uint8Array.from(args[0], (c) => c.charCodeAt(0));
  }
  if (name === "collections.OrderedDict") return {};
  if ((name === "builtins.set" || name === "__builtin__.set") && Array.isArray(args[0])) return [...args[0]];
  return { kind: "object", global: name, args };
}

function build(target: Item, state: PickleValue): void {
  const kind = (target as { kind?: string }).kind;
  if (kind === "ndarray") {
    const array = target as PickledArray;
    const [, shape, dtype, fortran, raw] = state as [number, number[], Dtype, boolean, PickleValue];
    array.shape = shape.map(Number);
    array.descr = dtype.descr;
    array.fortranOrder = fortran === true;
    array.data = /O\d*$/.test(dtype.descr)
      ? (raw as PickleValue[])
      : raw instanceof Uint8Array
        ? decodeElements(dtype.descr, raw)
        : [];
  } else if (kind === "dtype") {
    const order = (state as PickleValue[])[1];
    const dtype = target as Dtype;
    const code = dtype.descr.replace(/^[<>|=]/, "");
    if (order === "|") dtype.descr = `|${code}`;
    else if (typeof order === "string") dtype.descr = order + code;
  } else if (kind === "object") {
    (target as PickledObject).state = state;
  } else if (
    typeof target === "object" &&
    target !== null &&
    !Array.isArray(target) &&
    typeof state === "object"
  ) {
    for (const [key, value] of Object.entries(state ?? {})) setEntry(target, key, value);
  }
}

/**
 * Interprets a pickle of any protocol (0-5) and returns the object it describes, without executing it.
 *
 * @param bytes the pickle; text-protocol pickles read from a text attribute are passed as Latin-1 bytes
 * @param where the file or field named in errors
 * @example
 * ```ts
 * unpickle(new TextEncoder().encode("(lp0\nVsnout\np1\na.")); // ["snout"]
 * ```
 */
export function unpickle(bytes: Uint8Array, where = "<pickle>"): PickleValue {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const utf8 = new TextDecoder();
  const latin1 = new TextDecoder("latin1");
  const stack: Item[] = [];
  const memo = new Map<number, Item>();
  let pos = 0;
  const fail = (why: string): never => {
    throw new SourceDataError(where, `cannot read the pickle at byte ${pos}: ${why}`);
  };
  const u8 = () => bytes[pos++] ?? fail("truncated");
  /** Moves past `n` bytes; returns where they start. */
  const advance = (n: number) => {
    if (pos + n > bytes.length) fail("truncated");
    pos += n;
    return pos - n;
  };
  const take = (n: number) => bytes.subarray(advance(n), pos);
  const u32 = () => view.getUint32(advance(4), true);
  const u64 = () => Number(view.getBigUint64(advance(8), true));
  const line = () => {
    const end = bytes.indexOf(10, pos);
    if (end < 0) fail("truncated line");
    const out = latin1.decode(bytes.subarray(pos, end));
    pos = end + 1;
    return out;
  };
  const popMark = (): Item[] => {
    const at = stack.lastIndexOf(MARK);
    if (at < 0) fail("no mark");
    return stack.splice(at).slice(1);
  };
  const pop = (): Item => (stack.length ? stack.pop()! : fail("stack underflow"));
  const top = (): Item => stack[stack.length - 1] ?? fail("empty stack");
  const setItems = (dict: Item, items: Item[]) => {
    for (let i = 0; i + 1 < items.length; i += 2) setEntry(dict, items[i]!, items[i + 1]!);
  };
  const append = (items: Item[]) => (top() as PickleValue[]).push(...(items as PickleValue[]));
  const memoGet = (key: number) => memo.get(key) ?? fail(`unknown memo entry ${key}`);
  for (;;) {
    const op = String.fromCharCode(u8());
    switch (op) {
      case "\x80": // PROTO
        u8();
        break;
      case "\x95": // FRAME
        advance(8);
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
      case "N": // NONE
        stack.push(null);
        break;
      case "\x88": // NEWTRUE
        stack.push(true);
        break;
      case "\x89": // NEWFALSE
        stack.push(false);
        break;
      case "I": // INT (text)
        stack.push(intLine(line()));
        break;
      case "L": // LONG (text, Python 2 "1L")
        stack.push(integer(BigInt(line().replace(/L$/, ""))));
        break;
      case "F": // FLOAT (text)
        stack.push(Number(line()));
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
        stack.push(longOf(take(u8())));
        break;
      case "\x8b": // LONG4
        stack.push(longOf(take(u32())));
        break;
      case "G": // BINFLOAT (big-endian)
        stack.push(view.getFloat64(advance(8), false));
        break;
      case "V": // UNICODE (raw-unicode-escape line)
        stack.push(rawUnicode(line()));
        break;
      case "S": // STRING (quoted Python 2 str)
        stack.push(stringLiteral(line()));
        break;
      case "X": // BINUNICODE
        stack.push(utf8.decode(take(u32())));
        break;
      case "\x8c": // SHORT_BINUNICODE
        stack.push(utf8.decode(take(u8())));
        break;
      case "\x8d": // BINUNICODE8
        stack.push(utf8.decode(take(u64())));
        break;
      case "T": // BINSTRING (Python 2 str)
        stack.push(latin1.decode(take(u32())));
        break;
      case "U": // SHORT_BINSTRING
        stack.push(latin1.decode(take(u8())));
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
      case "]": // EMPTY_LIST
      case ")": // EMPTY_TUPLE
      case "\x8f": // EMPTY_SET
        stack.push([]);
        break;
      case "a": {
        // APPEND
        const value = pop();
        append([value]);
        break;
      }
      case "e": // APPENDS
      case "\x90": // ADDITEMS
        append(popMark());
        break;
      case "l": // LIST
      case "t": // TUPLE
      case "\x91": // FROZENSET
        stack.push(popMark() as PickleValue[]);
        break;
      case "\x85": // TUPLE1
        stack.push([pop() as PickleValue]);
        break;
      case "\x86": {
        // TUPLE2
        const b = pop();
        stack.push([pop() as PickleValue, b as PickleValue]);
        break;
      }
      case "\x87": {
        // TUPLE3
        const c = pop();
        const b = pop();
        stack.push([pop() as PickleValue, b as PickleValue, c as PickleValue]);
        break;
      }
      case "}": // EMPTY_DICT
        stack.push({});
        break;
      case "d": {
        // DICT
        const dict = {};
        setItems(dict, popMark());
        stack.push(dict);
        break;
      }
      case "s": {
        // SETITEM
        const value = pop();
        const key = pop();
        setEntry(top(), key, value);
        break;
      }
      case "u": {
        // SETITEMS
        const items = popMark();
        setItems(top(), items);
        break;
      }
      case "c": {
        // GLOBAL (text)
        const module = line();
        stack.push({ kind: "global", name: `${module}.${line()}` });
        break;
      }
      case "\x93": {
        // STACK_GLOBAL
        const name = pop();
        stack.push({ kind: "global", name: `${String(pop())}.${String(name)}` });
        break;
      }
      case "i": {
        // INST (text): class from the next two lines, arguments since the mark
        const module = line();
        const callable = { kind: "global" as const, name: `${module}.${line()}` };
        stack.push(reduce(callable, popMark() as PickleValue[]));
        break;
      }
      case "o": {
        // OBJ: class and arguments since the mark
        const [callable, ...args] = popMark();
        stack.push(reduce(callable ?? null, args as PickleValue[]));
        break;
      }
      case "R": // REDUCE
      case "\x81": {
        // NEWOBJ
        const args = pop() as PickleValue[];
        stack.push(reduce(pop(), args));
        break;
      }
      case "\x92": {
        // NEWOBJ_EX (keyword arguments ignored)
        pop();
        const args = pop() as PickleValue[];
        stack.push(reduce(pop(), args));
        break;
      }
      case "b": {
        // BUILD
        const state = pop();
        build(top(), state as PickleValue);
        break;
      }
      case "p": // PUT (text)
        memo.set(Number(line()), top());
        break;
      case "q": // BINPUT
        memo.set(u8(), top());
        break;
      case "r": // LONG_BINPUT
        memo.set(u32(), top());
        break;
      case "\x94": // MEMOIZE
        memo.set(memo.size, top());
        break;
      case "g": // GET (text)
        stack.push(memoGet(Number(line())));
        break;
      case "h": // BINGET
        stack.push(memoGet(u8()));
        break;
      case "j": // LONG_BINGET
        stack.push(memoGet(u32()));
        break;
      default:
        fail(
          `unsupported opcode 0x${op.charCodeAt(0).toString(16)} (persistent ids and extensions are not read)`,
        );
    }
  }
}
