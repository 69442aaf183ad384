/**
 * A small reader of Python literals: the `.npy` header is a Python dict literal and Phy's `params.py` is a
 * list of `name = literal` assignments, so both need exactly this subset and nothing that executes code.
 *
 * Supported: strings ('', "", with r/b/u prefixes and the common backslash escapes; not triple-quoted),
 * integers and floats (`25000.`, `3e4`, `0x1F`, `1_000`), `True`/`False`/`None`, tuples, lists, dicts,
 * and `#` comments.
 */

/** A parsed Python literal. Tuples become arrays, `None` becomes `null`. */
export type PyValue = string | number | boolean | null | PyValue[] | { [key: string]: PyValue };

/** Thrown for text that is not a supported literal; callers turn it into a SourceDataError. */
export class PyLiteralError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
  }
}

const ESCAPES: Record<string, string> = {
  n: "\n",
  t: "\t",
  r: "\r",
  "0": "\0",
  "\\": "\\",
  "'": "'",
  '"': '"',
  a: "\x07",
  b: "\b",
  f: "\f",
  v: "\v",
};

/** A cursor over Python source text. */
export class PyLiteralParser {
  position = 0;

  constructor(readonly text: string) {}

  /** Skips spaces, tabs, comments and, when `newlines` is set, line breaks. */
  skipSpace(newlines: boolean): void {
    const t = this.text;
    while (this.position < t.length) {
      const c = t[this.position]!;
      if (c === " " || c === "\t" || c === "\f") this.position++;
      else if (c === "#") {
        while (this.position < t.length && t[this.position] !== "\n") this.position++;
      } else if (newlines && (c === "\n" || c === "\r")) this.position++;
      else if (c === "\\" && (t[this.position + 1] === "\n" || t[this.position + 1] === "\r")) {
        // An explicit line continuation.
        this.position += t[this.position + 1] === "\r" && t[this.position + 2] === "\n" ? 3 : 2;
      } else break;
    }
  }

  atEnd(): boolean {
    return this.position >= this.text.length;
  }

  peek(): string | undefined {
    return this.text[this.position];
  }

  fail(what: string): never {
    const near = this.text.slice(this.position, this.position + 30).replace(/\n/g, "\\n");
    throw new PyLiteralError(`${what} at character ${this.position} (near "${near}")`, this.position);
  }

  /** Reads a Python identifier, or returns undefined when there is none here. */
  identifier(): string | undefined {
    const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.position, this.position + 256));
    if (!match) return undefined;
    this.position += match[0].length;
    return match[0];
  }

  /**
   * Reads one literal. Inside brackets line breaks are insignificant; at top level they end the value,
   * as in Python.
   */
  value(depth = 0): PyValue {
    this.skipSpace(depth > 0);
    const c = this.peek();
    if (c === undefined) this.fail("expected a value but the text ended");
    if (c === "(") return this.sequence(")", depth);
    if (c === "[") return this.sequence("]", depth);
    if (c === "{") return this.dict(depth);
    if (c === "'" || c === '"') return this.string(false);
    const prefix = /^([rRbBuU]|[rR][bB]|[bB][rR])(?=['"])/.exec(
      this.text.slice(this.position, this.position + 3),
    );
    if (prefix) {
      this.position += prefix[1]!.length;
      return this.string(/r/i.test(prefix[1]!));
    }
    if (c === "-" || c === "+" || c === "." || (c >= "0" && c <= "9")) return this.number();
    const word = this.identifier();
    if (word === "True") return true;
    if (word === "False") return false;
    if (word === "None") return null;
    if (word !== undefined) this.position -= word.length;
    return this.fail("expected a Python literal (string, number, True/False/None, tuple, list or dict)");
  }

  private sequence(close: string, depth: number): PyValue[] {
    this.position++;
    const items: PyValue[] = [];
    for (;;) {
      this.skipSpace(true);
      if (this.peek() === close) {
        this.position++;
        return items;
      }
      items.push(this.value(depth + 1));
      this.skipSpace(true);
      const next = this.peek();
      if (next === ",") this.position++;
      else if (next !== close) this.fail(`expected ',' or '${close}'`);
    }
  }

  private dict(depth: number): { [key: string]: PyValue } {
    this.position++;
    const out: { [key: string]: PyValue } = {};
    for (;;) {
      this.skipSpace(true);
      if (this.peek() === "}") {
        this.position++;
        return out;
      }
      const key = this.value(depth + 1);
      if (typeof key !== "string" && typeof key !== "number")
        this.fail("expected a string or number dict key");
      this.skipSpace(true);
      if (this.peek() !== ":") this.fail("expected ':' after a dict key");
      this.position++;
      out[String(key)] = this.value(depth + 1);
      this.skipSpace(true);
      const next = this.peek();
      if (next === ",") this.position++;
      else if (next !== "}") this.fail("expected ',' or '}'");
    }
  }

  private string(raw: boolean): string {
    const t = this.text;
    const quote = t[this.position]!;
    if (t.startsWith(quote.repeat(3), this.position)) this.fail("triple-quoted strings are not supported");
    let out = "";
    let i = this.position + 1;
    for (;;) {
      if (i >= t.length || t[i] === "\n") {
        this.position = i;
        this.fail("unterminated string");
      }
      const c = t[i]!;
      if (c === quote) break;
      if (c === "\\" && i + 1 < t.length) {
        const e = t[i + 1]!;
        if (raw) {
          // Raw strings keep the backslash; it only stops the quote from ending the string.
          out += c + e;
          i += 2;
          continue;
        }
        if (e === "x" || e === "u" || e === "U") {
          const width = e === "x" ? 2 : e === "u" ? 4 : 8;
          const hex = t.slice(i + 2, i + 2 + width);
          if (!new RegExp(`^[0-9a-fA-F]{${width}}$`).test(hex)) {
            this.position = i;
            this.fail(`malformed \\${e} escape`);
          }
          out += String.fromCodePoint(Number.parseInt(hex, 16));
          i += 2 + width;
          continue;
        }
        const mapped = ESCAPES[e];
        // Python keeps unknown escapes (e.g. a Windows path "C:\data") as written.
        out += mapped ?? c + e;
        i += 2;
        continue;
      }
      out += c;
      i++;
    }
    this.position = i + 1;
    return out;
  }

  private number(): number {
    const t = this.text.slice(this.position, this.position + 64);
    const match =
      /^[-+]?(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][-+]?\d+)?)/.exec(
        t,
      );
    if (!match || match[0] === "-" || match[0] === "+") this.fail("malformed number");
    this.position += match[0].length;
    let s = match[0].replace(/_/g, "");
    let sign = 1;
    if (s[0] === "-" || s[0] === "+") {
      if (s[0] === "-") sign = -1;
      s = s.slice(1);
    }
    const radix = /^0[xX]/.test(s) ? 16 : /^0[oO]/.test(s) ? 8 : /^0[bB]/.test(s) ? 2 : 10;
    const n = radix === 10 ? Number(s) : Number.parseInt(s.slice(2), radix);
    if (Number.isNaN(n)) this.fail("malformed number");
    return sign * n;
  }
}

/** Parses text that holds exactly one Python literal (surrounding space and comments allowed). */
export function parsePyLiteral(text: string): PyValue {
  const parser = new PyLiteralParser(text);
  const value = parser.value(0);
  parser.skipSpace(true);
  if (!parser.atEnd()) parser.fail("unexpected text after the value");
  return value;
}

/** One `name = value` statement of a Python file; `value` is undefined when it is not a plain literal. */
export interface PyAssignment {
  readonly name: string;
  readonly value: PyValue | undefined;
  /** Source text of the right-hand side (trimmed), kept for messages about unreadable values. */
  readonly text: string;
  /** 1-based line of the statement. */
  readonly line: number;
}

/**
 * Reads the simple assignments of a Python file such as Phy's `params.py`. Statements that are not
 * `name = literal` (imports, expressions, computed values) are returned with `value` undefined rather than
 * failing, so one exotic line does not hide the values that are readable.
 */
export function parsePyAssignments(text: string): PyAssignment[] {
  const parser = new PyLiteralParser(text);
  const out: PyAssignment[] = [];
  for (;;) {
    parser.skipSpace(true);
    if (parser.atEnd()) return out;
    const start = parser.position;
    const line = lineOf(text, start);
    const name = parser.identifier();
    parser.skipSpace(false);
    if (name !== undefined && parser.peek() === "=" && text[parser.position + 1] !== "=") {
      parser.position++;
      const valueStart = parser.position;
      try {
        const value = parser.value(0);
        parser.skipSpace(false);
        const next = parser.peek();
        if (next === undefined || next === "\n" || next === "\r" || next === ";") {
          if (next === ";") parser.position++;
          out.push({ name, value, text: text.slice(valueStart, parser.position).trim(), line });
          continue;
        }
      } catch (error) {
        if (!(error instanceof PyLiteralError)) throw error;
      }
      parser.position = valueStart;
      skipStatement(parser);
      out.push({ name, value: undefined, text: text.slice(valueStart, parser.position).trim(), line });
      continue;
    }
    parser.position = start;
    skipStatement(parser);
  }
}

function lineOf(text: string, position: number): number {
  let line = 1;
  for (let i = 0; i < position; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Moves past the current statement: to the next line break outside brackets and strings. */
function skipStatement(parser: PyLiteralParser): void {
  const t = parser.text;
  let depth = 0;
  let quote: string | undefined;
  while (parser.position < t.length) {
    const c = t[parser.position]!;
    if (quote !== undefined) {
      if (c === "\\") parser.position++;
      else if (c === quote || c === "\n") quote = undefined;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === "#") {
      while (parser.position < t.length && t[parser.position] !== "\n") parser.position++;
      continue;
    } else if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") depth = Math.max(0, depth - 1);
    else if (c === "\n" && depth === 0) return;
    parser.position++;
  }
}
