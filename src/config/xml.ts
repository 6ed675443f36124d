/**
 * A small XML parser for the cluster configs we read (Pacemaker's CIB, RHCS
 * cluster.conf): elements and attributes with their line:col, nothing more.
 *
 * Theory of operation: one left-to-right scan with an explicit stack of open
 * elements (no recursion, so depth is bounded by a limit, not by the JS stack).
 * Positions are offsets while scanning and become line:col only when asked,
 * through a table of line starts (binary search), so the scan stays linear.
 *
 * Rules:
 * - Every problem is an `XmlError` (a `ConfigError` with file:line:col); the
 *   parser throws nothing else, whatever the input.
 * - Bounded: input size, element depth, attributes per element and element
 *   count all have limits; going over one is a located `xml-limit` error.
 * - Entities: the five predefined ones (`&lt; &gt; &amp; &quot; &apos;`) and
 *   numeric character references only. `<!DOCTYPE` is refused, so no DTD is
 *   ever expanded (no billion laughs, no external entities).
 * - Comments and processing instructions (the `<?xml?>` declaration too) are
 *   skipped; CDATA sections become text.
 * - Attribute values are normalised as XML 1.0 §3.3.3 says for CDATA
 *   attributes: a tab, CR or LF becomes a space.
 */
import { ConfigError, type SourceLocation } from '../core/errors.js';

export interface XmlAttribute {
  readonly name: string;
  readonly value: string;
  /** Where the attribute's name starts. */
  readonly line: number;
  readonly column: number;
}

export interface XmlElement {
  readonly name: string;
  readonly attributes: readonly XmlAttribute[];
  readonly children: readonly XmlElement[];
  /** The element's own character data (text and CDATA), concatenated. */
  readonly text: string;
  /** Where the `<` of the start tag is. */
  readonly line: number;
  readonly column: number;
}

export interface XmlDocument {
  readonly file: string;
  readonly root: XmlElement;
}

export interface XmlLimits {
  readonly maxBytes: number;
  readonly maxDepth: number;
  readonly maxAttributes: number;
  readonly maxElements: number;
}

export const DEFAULT_XML_LIMITS: XmlLimits = {
  maxBytes: 32 * 1024 * 1024,
  maxDepth: 128,
  maxAttributes: 256,
  maxElements: 1_000_000,
};

/** Codes: `xml-syntax` (malformed), `xml-limit` (a bound exceeded), `xml-dtd` (DOCTYPE refused). */
export class XmlError extends ConfigError {
  constructor(code: 'xml-syntax' | 'xml-limit' | 'xml-dtd', message: string, location: SourceLocation) {
    super(code, message, location);
  }
}

export interface ParseXmlOptions {
  readonly file?: string;
  readonly limits?: Partial<XmlLimits>;
}

interface MutableElement {
  name: string;
  attributes: XmlAttribute[];
  children: MutableElement[];
  text: string;
  line: number;
  column: number;
}

const NAME_START = /[A-Za-z_:\u00C0-\uFFFF]/;
const NAME_CHAR = /[-A-Za-z0-9_:.\u00B7\u00C0-\uFFFF]/;
// XML 1.0 §2.2 Char, minus what a JS string cannot hold unpaired (surrogates are kept as they come).
// eslint-disable-next-line no-control-regex
const FORBIDDEN_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Parse `text` into a tree of elements; throws `XmlError` (located) on anything malformed. */
export function parseXml(text: string, options: ParseXmlOptions = {}): XmlDocument {
  const file = options.file ?? '<input>';
  const limits: XmlLimits = { ...DEFAULT_XML_LIMITS, ...options.limits };
  const scanner = new Scanner(text, file, limits);
  return { file, root: scanner.document() };
}

class Scanner {
  private pos = 0;
  private lineStarts: number[] | undefined;
  private readonly stack: MutableElement[] = [];
  private elementCount = 0;
  private root: MutableElement | undefined;

  constructor(
    private readonly src: string,
    private readonly file: string,
    private readonly limits: XmlLimits,
  ) {}

  document(): XmlElement {
    if (this.src.length > this.limits.maxBytes) {
      this.fail('xml-limit', `input is ${this.src.length} characters, over the limit of ${this.limits.maxBytes}`, 0);
    }
    if (this.src.charCodeAt(0) === 0xfeff) this.pos = 1;
    const bad = FORBIDDEN_CHAR.exec(this.src);
    if (bad) this.fail('xml-syntax', `character U+${bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')} is not allowed in XML`, bad.index);
    while (this.pos < this.src.length) this.item();
    const open = this.stack.at(-1);
    if (open) this.fail('xml-syntax', `<${open.name}> (line ${open.line}) is never closed`, this.src.length);
    if (!this.root) this.fail('xml-syntax', 'no root element', this.src.length);
    return this.root;
  }

  /** One item at `pos`: markup, or a run of character data. */
  private item(): void {
    const src = this.src;
    if (src.charCodeAt(this.pos) !== 0x3c /* < */) {
      this.textRun();
      return;
    }
    if (src.startsWith('<!--', this.pos)) this.comment();
    else if (src.startsWith('<![CDATA[', this.pos)) this.cdata();
    else if (src.startsWith('<!DOCTYPE', this.pos)) this.fail('xml-dtd', 'DOCTYPE declarations are not supported (no DTD is read or expanded)', this.pos);
    else if (src.startsWith('<?', this.pos)) this.processingInstruction();
    else if (src.startsWith('</', this.pos)) this.endTag();
    else this.startTag();
  }

  private textRun(): void {
    const start = this.pos;
    let end = this.src.indexOf('<', start);
    if (end < 0) end = this.src.length;
    this.pos = end;
    const raw = this.src.slice(start, end);
    const top = this.stack.at(-1);
    if (!top) {
      if (/\S/.test(raw)) this.fail('xml-syntax', 'text outside the root element', start + raw.search(/\S/));
      return;
    }
    const gt = raw.indexOf(']]>');
    if (gt >= 0) this.fail('xml-syntax', "']]>' is not allowed in text", start + gt);
    top.text += this.decode(raw, start);
  }

  private comment(): void {
    const start = this.pos;
    const end = this.src.indexOf('--', start + 4);
    if (end < 0) this.fail('xml-syntax', 'comment is never closed (missing -->)', start);
    if (this.src.charCodeAt(end + 2) !== 0x3e) this.fail('xml-syntax', "'--' is not allowed inside a comment", end);
    this.pos = end + 3;
  }

  private cdata(): void {
    const start = this.pos;
    const top = this.stack.at(-1);
    if (!top) this.fail('xml-syntax', 'CDATA section outside the root element', start);
    const end = this.src.indexOf(']]>', start + 9);
    if (end < 0) this.fail('xml-syntax', 'CDATA section is never closed (missing ]]>)', start);
    top.text += this.src.slice(start + 9, end);
    this.pos = end + 3;
  }

  private processingInstruction(): void {
    const start = this.pos;
    this.pos += 2;
    const target = this.name('processing instruction target');
    if (target.toLowerCase() === 'xml' && (start > 1 || (start === 1 && this.src.charCodeAt(0) !== 0xfeff))) {
      this.fail('xml-syntax', 'the XML declaration must come first', start);
    }
    const end = this.src.indexOf('?>', this.pos);
    if (end < 0) this.fail('xml-syntax', `<?${target} is never closed (missing ?>)`, start);
    this.pos = end + 2;
  }

  private startTag(): void {
    const start = this.pos;
    this.pos += 1;
    if (!this.stack.length && this.root) this.fail('xml-syntax', 'a second root element (a document has exactly one)', start);
    if (this.stack.length >= this.limits.maxDepth) this.fail('xml-limit', `elements nested deeper than ${this.limits.maxDepth}`, start);
    if (++this.elementCount > this.limits.maxElements) this.fail('xml-limit', `more than ${this.limits.maxElements} elements`, start);
    const name = this.name('element name');
    const { line, column } = this.locate(start);
    const el: MutableElement = { name, attributes: [], children: [], text: '', line, column };
    const selfClosing = this.attributes(el);
    const parent = this.stack.at(-1);
    if (parent) parent.children.push(el);
    else this.root = el;
    if (!selfClosing) this.stack.push(el);
  }

  /** Read attributes up to `>` or `/>`; true when the tag closed itself. */
  private attributes(el: MutableElement): boolean {
    const seen = new Set<string>();
    while (true) {
      const hadSpace = this.skipSpace();
      const c = this.src[this.pos];
      if (c === undefined) this.fail('xml-syntax', `<${el.name}> tag is never closed (missing >)`, this.pos);
      if (c === '>') {
        this.pos += 1;
        return false;
      }
      if (c === '/') {
        if (this.src[this.pos + 1] !== '>') this.fail('xml-syntax', "expected '/>'", this.pos);
        this.pos += 2;
        return true;
      }
      if (!hadSpace) this.fail('xml-syntax', `expected whitespace, '>' or '/>' in <${el.name}>, found '${c}'`, this.pos);
      if (el.attributes.length >= this.limits.maxAttributes) this.fail('xml-limit', `more than ${this.limits.maxAttributes} attributes on <${el.name}>`, this.pos);
      const attr = this.attribute(el.name);
      if (seen.has(attr.name)) this.fail('xml-syntax', `attribute '${attr.name}' appears twice on <${el.name}>`, attr.offset);
      seen.add(attr.name);
      el.attributes.push({ name: attr.name, value: attr.value, ...this.locate(attr.offset) });
    }
  }

  private attribute(elementName: string): { name: string; value: string; offset: number } {
    const offset = this.pos;
    const name = this.name('attribute name');
    this.skipSpace();
    if (this.src[this.pos] !== '=') this.fail('xml-syntax', `attribute '${name}' on <${elementName}> has no value (expected '=')`, this.pos);
    this.pos += 1;
    this.skipSpace();
    const quote = this.src[this.pos];
    if (quote !== '"' && quote !== "'") this.fail('xml-syntax', `the value of '${name}' must be quoted`, this.pos);
    const valueStart = this.pos + 1;
    const end = this.src.indexOf(quote, valueStart);
    if (end < 0) this.fail('xml-syntax', `the value of '${name}' is never closed (missing ${quote})`, this.pos);
    const raw = this.src.slice(valueStart, end);
    const lt = raw.indexOf('<');
    if (lt >= 0) this.fail('xml-syntax', `'<' is not allowed in an attribute value (write &lt;)`, valueStart + lt);
    this.pos = end + 1;
    return { name, value: this.decode(raw.replace(/[\t\r\n]/g, ' '), valueStart), offset };
  }

  private endTag(): void {
    const start = this.pos;
    this.pos += 2;
    const name = this.name('element name');
    this.skipSpace();
    if (this.src[this.pos] !== '>') this.fail('xml-syntax', `expected '>' to end </${name}`, this.pos);
    this.pos += 1;
    const open = this.stack.pop();
    if (!open) this.fail('xml-syntax', `</${name}> closes nothing`, start);
    if (open.name !== name) this.fail('xml-syntax', `</${name}> does not match <${open.name}> (line ${open.line})`, start);
  }

  private name(what: string): string {
    const start = this.pos;
    const src = this.src;
    if (start >= src.length || !NAME_START.test(src[start] ?? '')) {
      this.fail('xml-syntax', `expected ${what}, found ${start >= src.length ? 'end of input' : `'${src[start]}'`}`, start);
    }
    let end = start + 1;
    while (end < src.length && NAME_CHAR.test(src[end] ?? '')) end += 1;
    this.pos = end;
    return src.slice(start, end);
  }

  private skipSpace(): boolean {
    const start = this.pos;
    while (this.pos < this.src.length) {
      const c = this.src.charCodeAt(this.pos);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
      this.pos += 1;
    }
    return this.pos > start;
  }

  /** Replace entity and character references in `raw`, which starts at offset `at`. */
  private decode(raw: string, at: number): string {
    if (!raw.includes('&')) return raw;
    return raw.replace(/&([^;&\s<]{0,32})(;?)/g, (whole, body: string, semi: string, idx: number) => {
      const offset = at + idx;
      if (!semi) this.fail('xml-syntax', `'&' must start an entity reference such as &amp;`, offset);
      const predefined = PREDEFINED[body];
      if (predefined !== undefined) return predefined;
      const m = /^#(?:x([0-9A-Fa-f]{1,6})|([0-9]{1,7}))$/.exec(body);
      if (!m) this.fail('xml-syntax', `unknown entity '${whole}' (only &lt; &gt; &amp; &quot; &apos; and &#N; are read)`, offset);
      const code = m[1] !== undefined ? parseInt(m[1], 16) : parseInt(m[2] ?? '', 10);
      const allowed = code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
      if (!allowed) this.fail('xml-syntax', `character reference '${whole}' is not a valid XML character`, offset);
      return String.fromCodePoint(code);
    });
  }

  private locate(offset: number): { line: number; column: number } {
    this.lineStarts ??= lineStartsOf(this.src);
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (starts[lo] ?? 0) + 1 };
  }

  private fail(code: 'xml-syntax' | 'xml-limit' | 'xml-dtd', message: string, offset: number): never {
    throw new XmlError(code, message, { file: this.file, ...this.locate(Math.min(offset, this.src.length)) });
  }
}

function lineStartsOf(src: string): number[] {
  const starts = [0];
  for (let i = 0; i < src.length; i++) if (src.charCodeAt(i) === 0x0a) starts.push(i + 1);
  return starts;
}

// ── Small readers the config models share ─────────────────────────────────

/** The attribute called `name`, if present. */
export function xmlAttr(el: XmlElement, name: string): XmlAttribute | undefined {
  return el.attributes.find((a) => a.name === name);
}

/** The value of attribute `name`, if present. */
export function xmlAttrValue(el: XmlElement, name: string): string | undefined {
  return xmlAttr(el, name)?.value;
}

/** Direct children named `name`. */
export function xmlChildren(el: XmlElement, name: string): XmlElement[] {
  return el.children.filter((c) => c.name === name);
}

/** The first direct child named `name`. */
export function xmlChild(el: XmlElement, name: string): XmlElement | undefined {
  return el.children.find((c) => c.name === name);
}
