/**
 * A small non-validating XML reader shared by the format readers (Open Ephys `settings.xml`, Bruker
 * PrairieView, NeuroScope `.xml`, the SpikeGadgets `.rec` header): elements, attributes and text. No DTDs,
 * no namespaces; comments, processing instructions and CDATA are understood; the five predefined entities
 * and numeric references are decoded.
 */
import { readFileSync } from "node:fs";
import { SourceDataError } from "../errors.js";

/** One element: its tag, attributes in document order, children and the text directly inside it. */
export interface XmlElement {
  readonly tag: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  /** Concatenated character data directly inside the element, entities decoded. */
  readonly text: string;
}

const NAME = /[A-Za-z_:][-A-Za-z0-9_:.]*/y;
const ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

function decodeEntities(text: string, file: string): string {
  if (!text.includes("&")) return text;
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z]+);/g, (whole, ref: string) => {
    if (ref.startsWith("#x")) return String.fromCodePoint(Number.parseInt(ref.slice(2), 16));
    if (ref.startsWith("#")) return String.fromCodePoint(Number.parseInt(ref.slice(1), 10));
    const value = ENTITIES[ref];
    if (value === undefined) throw new SourceDataError(file, `unknown XML entity ${whole}`);
    return value;
  });
}

interface MutableElement {
  tag: string;
  attributes: Record<string, string>;
  children: MutableElement[];
  text: string;
}

/** Parses an XML document; `file` names it in errors. Returns the root element. */
export function parseXml(source: string, file: string): XmlElement {
  const bad = (at: number, what: string) => {
    const line = source.slice(0, at).split("\n").length;
    return new SourceDataError(file, `is not well-formed XML (line ${line}): ${what}`);
  };
  const stack: MutableElement[] = [];
  let root: MutableElement | undefined;
  let i = 0;
  const n = source.length;
  while (i < n) {
    const lt = source.indexOf("<", i);
    const textEnd = lt === -1 ? n : lt;
    if (textEnd > i) {
      const text = source.slice(i, textEnd);
      const top = stack[stack.length - 1];
      if (top) top.text += decodeEntities(text, file);
      else if (text.trim() !== "") throw bad(i, "text outside the root element");
    }
    if (lt === -1) break;
    i = lt;
    if (source.startsWith("<!--", i)) {
      const end = source.indexOf("-->", i + 4);
      if (end === -1) throw bad(i, "unterminated comment");
      i = end + 3;
    } else if (source.startsWith("<?", i)) {
      const end = source.indexOf("?>", i + 2);
      if (end === -1) throw bad(i, "unterminated processing instruction");
      i = end + 2;
    } else if (source.startsWith("<![CDATA[", i)) {
      const end = source.indexOf("]]>", i + 9);
      if (end === -1) throw bad(i, "unterminated CDATA section");
      const top = stack[stack.length - 1];
      if (top) top.text += source.slice(i + 9, end);
      i = end + 3;
    } else if (source.startsWith("<!", i)) {
      // A DOCTYPE without an internal subset: skipped.
      const end = source.indexOf(">", i + 2);
      if (end === -1) throw bad(i, "unterminated declaration");
      i = end + 1;
    } else if (source.startsWith("</", i)) {
      NAME.lastIndex = i + 2;
      const name = NAME.exec(source)?.[0];
      const end = source.indexOf(">", i);
      const open = stack.pop();
      if (!name || end === -1 || !open || open.tag !== name) {
        throw bad(
          i,
          `unexpected closing tag </${name ?? "?"}>${open ? ` (open element is <${open.tag}>)` : ""}`,
        );
      }
      i = end + 1;
    } else {
      NAME.lastIndex = i + 1;
      const tag = NAME.exec(source)?.[0];
      if (!tag) throw bad(i, "a '<' that starts no tag");
      i += 1 + tag.length;
      const element: MutableElement = { tag, attributes: {}, children: [], text: "" };
      for (;;) {
        while (i < n && /\s/.test(source[i]!)) i++;
        if (source.startsWith("/>", i)) {
          i += 2;
          attach(element, true);
          break;
        }
        if (source[i] === ">") {
          i += 1;
          attach(element, false);
          break;
        }
        NAME.lastIndex = i;
        const attribute = NAME.exec(source)?.[0];
        if (!attribute) throw bad(i, `malformed attribute in <${tag}>`);
        i += attribute.length;
        while (i < n && /\s/.test(source[i]!)) i++;
        if (source[i] !== "=") throw bad(i, `attribute ${attribute} of <${tag}> has no value`);
        i++;
        while (i < n && /\s/.test(source[i]!)) i++;
        const quote = source[i];
        if (quote !== '"' && quote !== "'") throw bad(i, `attribute ${attribute} of <${tag}> is not quoted`);
        const close = source.indexOf(quote, i + 1);
        if (close === -1) throw bad(i, `unterminated value of attribute ${attribute}`);
        element.attributes[attribute] = decodeEntities(source.slice(i + 1, close), file);
        i = close + 1;
      }
    }
  }
  if (stack.length > 0) throw bad(n, `element <${stack[stack.length - 1]!.tag}> is not closed`);
  if (!root) throw bad(0, "no root element");
  return root;

  function attach(element: MutableElement, selfClosing: boolean): void {
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(element);
    else if (root) throw bad(i, "more than one root element");
    else root = element;
    if (!selfClosing) stack.push(element);
  }
}

/** Reads and parses an XML file synchronously. */
export function readXmlFile(path: string): XmlElement {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new SourceDataError(path, `cannot read the file (${(error as Error).message})`);
  }
  return parseXml(text, path);
}

/** Direct children with the given tag. */
export function childrenNamed(element: XmlElement, tag: string): XmlElement[] {
  return element.children.filter((c) => c.tag === tag);
}

/** The first direct child with the given tag. */
export function childNamed(element: XmlElement, tag: string): XmlElement | undefined {
  return element.children.find((c) => c.tag === tag);
}

/** Every descendant (depth first, document order) with the given tag. */
export function descendantsNamed(element: XmlElement, tag: string): XmlElement[] {
  const found: XmlElement[] = [];
  const visit = (e: XmlElement) => {
    for (const c of e.children) {
      if (c.tag === tag) found.push(c);
      visit(c);
    }
  };
  visit(element);
  return found;
}
