/**
 * Position-based edits of a keepalived configuration and the files it includes.
 *
 * Theory of operation: the configuration is read with the project's own lexer
 * and parser (src/config), so the tree is the one keepalived builds — one-line
 * blocks, `include` globs, `$NAME` definitions, `@id` lines and the 1023-byte
 * line splitting included — and every token keeps its file, line and column.
 * An edit names a token (replace its text, or remove it) or a position (insert
 * text there). A token's span in the original text is its word at that
 * position: a quoted string up to its closing quote, else the run of
 * characters up to a blank, a brace, a quote or a comment. Everything outside
 * the edited spans stays byte for byte as written.
 *
 * Rules:
 * - A word keepalived did not read verbatim (a `$NAME` reference, a quoted
 *   string holding one, `\#`) is replaced as a whole by the tokens it stands
 *   for in this place, re-quoted, with the edits applied: the definition and
 *   its other uses stay as written.
 * - Tokens a reference expanded into several logical lines are joined with a
 *   newline where keepalived had a line break of the definition's own, with a
 *   blank where it split at a brace (both read the same).
 * - Removing a token leaves the blanks around it; that reads the same.
 */
import { LineReader } from '../config/lexer.js';
import type { FileKind, FileSystemView } from '../config/glob.js';
import { KeepalivedParseHooks } from '../config/parse-hooks.js';
import { Parser, type BlockNode } from '../config/parser.js';
import { DiagnosticSink, type LogicalLine, type Loc, type Token } from '../config/source.js';

/** A file's text by path: the root configuration and every file it includes. */
export type ConfigTexts = ReadonlyMap<string, string>;

/** A file-system view over the texts a configuration read (includes and their globs resolve against it). */
export function textsFileSystem(texts: ConfigTexts): FileSystemView {
  const children = (dir: string): string[] => {
    const prefix = dir === '.' ? '' : dir.endsWith('/') ? dir : `${dir}/`;
    const names = new Set<string>();
    for (const p of texts.keys()) if (p.startsWith(prefix) && p.length > prefix.length) names.add(p.slice(prefix.length).split('/')[0] ?? '');
    return [...names].filter((n) => n !== '');
  };
  return {
    readFile: (path) => texts.get(path),
    kind: (path): FileKind => (texts.has(path) ? 'file' : children(path).length > 0 ? 'directory' : 'missing'),
    listDir: (path) => {
      const names = children(path);
      return names.length > 0 ? names : undefined;
    },
  };
}

/** Every logical line the parser read, in order: the tokens a reference stood for are found here. */
class RecordingReader extends LineReader {
  readonly lines: LogicalLine[] = [];
  override next(): LogicalLine | undefined {
    const line = super.next();
    if (line) this.lines.push(line);
    return line;
  }
}

export interface ParsedForEdit {
  readonly root: BlockNode;
  readonly lines: readonly LogicalLine[];
  readonly texts: ConfigTexts;
}

/** Parse as keepalived does (`configId`: its `-i`, else the host name), keeping every logical line. */
export function parseForEdit(rootFile: string, texts: ConfigTexts, configId?: string): ParsedForEdit {
  const sink = new DiagnosticSink();
  const reader = new RecordingReader(rootFile, texts.get(rootFile) ?? '', {
    reporter: sink,
    fs: textsFileSystem(texts),
    ...(configId !== undefined ? { configId } : {}),
  });
  const root = new Parser(reader, sink, new KeepalivedParseHooks()).parseRoot();
  return { root, lines: reader.lines, texts };
}

interface Span {
  readonly file: string;
  /** 0-based line index and [start, end) code-unit offsets in that line. */
  readonly line: number;
  readonly start: number;
  readonly end: number;
}

interface RawEdit extends Span {
  readonly text: string;
}

const BLANK = /[ \t\f\v\r]/;

/** The end of the word starting at `i`: see the module header. */
export function wordEnd(line: string, i: number): number {
  if (line[i] === '"') {
    const close = line.indexOf('"', i + 1);
    return close < 0 ? line.length : close + 1;
  }
  if (line[i] === '{' || line[i] === '}') return i + 1;
  let j = i;
  while (j < line.length) {
    const c = line[j] ?? '';
    if (c === '\\') {
      j += 2;
      continue;
    }
    if (c === '$' && line[j + 1] === '{') {
      const close = line.indexOf('}', j + 2);
      j = close < 0 ? line.length : close + 1;
      continue;
    }
    if (BLANK.test(c) || c === '{' || c === '}' || c === '"' || c === '#' || c === '!') break;
    j++;
  }
  return Math.max(j, i + 1);
}

/** How a token is written back: quoted when keepalived would otherwise split or decomment it. */
export function quoteWord(text: string, quoted = false): string {
  if (!quoted && (text === '{' || text === '}')) return text;
  return quoted || text === '' || /[\s{}#!"]/.test(text) ? `"${text}"` : text;
}

export class ConfigEdits {
  private readonly replaced = new Map<Token, string | null>();
  private readonly inserts: RawEdit[] = [];
  private readonly fileLines = new Map<string, string[]>();
  /** Tokens by `file\0line`, with the index of the logical line they came from. */
  private readonly tokensAt = new Map<string, { token: Token; lineIndex: number }[]>();

  constructor(private readonly parsed: ParsedForEdit) {
    parsed.lines.forEach((l, lineIndex) => {
      for (const token of l.tokens) {
        const key = `${token.loc.file}\u0000${token.loc.line}`;
        const list = this.tokensAt.get(key) ?? [];
        list.push({ token, lineIndex });
        this.tokensAt.set(key, list);
      }
    });
  }

  /** Replace a token by raw text (quote it yourself: see quoteWord). */
  replace(token: Token, raw: string): void {
    this.replaced.set(token, raw);
  }

  remove(token: Token): void {
    this.replaced.set(token, null);
  }

  /** Insert raw text before the word at `loc`. */
  insertBefore(loc: Loc, text: string): void {
    const line = this.lineOf(loc.file, loc.line);
    if (line === undefined) return;
    const start = Math.min(loc.column - 1, line.length);
    this.inserts.push({ file: loc.file, line: loc.line - 1, start, end: start, text });
  }

  /** Append raw text at the end of a file. */
  append(file: string, text: string): void {
    const lines = this.linesOf(file);
    if (lines === undefined) return;
    const last = lines.length - 1;
    this.inserts.push({ file, line: last, start: (lines[last] ?? '').length, end: (lines[last] ?? '').length, text });
  }

  /** The text before the word at `loc` on its physical line (to decide whether an insertion keeps line numbers). */
  textBefore(loc: Loc): string {
    return (this.lineOf(loc.file, loc.line) ?? '').slice(0, Math.max(0, loc.column - 1));
  }

  /** The tokens on a physical line, in order. */
  tokensOn(file: string, line: number): readonly Token[] {
    return (this.tokensAt.get(`${file}\u0000${line}`) ?? []).map((t) => t.token);
  }

  /** The edited texts, by file (every file of the parse, edited or not). */
  apply(): Map<string, string> {
    const byFile = new Map<string, RawEdit[]>();
    for (const e of [...this.spanEdits(), ...this.inserts]) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
    const out = new Map<string, string>();
    for (const [file, text] of this.parsed.texts) {
      const edits = byFile.get(file);
      if (!edits) {
        out.set(file, text);
        continue;
      }
      const lines = text.split('\n');
      // Right to left, so earlier offsets stay valid; at one offset the replacement goes first, the insertion before it.
      edits.sort((a, b) => b.line - a.line || b.start - a.start || (b.end - b.start) - (a.end - a.start));
      for (const e of edits) {
        const l = lines[e.line] ?? '';
        lines[e.line] = l.slice(0, e.start) + e.text + l.slice(e.end);
      }
      out.set(file, lines.join('\n'));
    }
    return out;
  }

  private linesOf(file: string): string[] | undefined {
    let lines = this.fileLines.get(file);
    if (!lines) {
      const text = this.parsed.texts.get(file);
      if (text === undefined) return undefined;
      lines = text.split('\n');
      this.fileLines.set(file, lines);
    }
    return lines;
  }

  private lineOf(file: string, line: number): string | undefined {
    return this.linesOf(file)?.[line - 1];
  }

  private spanOf(token: Token): Span | undefined {
    const line = this.lineOf(token.loc.file, token.loc.line);
    if (line === undefined) return undefined;
    const start = token.loc.column - 1;
    return { file: token.loc.file, line: token.loc.line - 1, start, end: wordEnd(line, start) };
  }

  /** One edit per span holding an edited token. */
  private spanEdits(): RawEdit[] {
    const spans = new Map<string, Span>();
    for (const token of this.replaced.keys()) {
      const span = this.spanOf(token);
      if (span) spans.set(`${span.file}\u0000${span.line}\u0000${span.start}`, span);
    }
    return [...spans.values()].map((span) => ({ ...span, text: this.rewriteSpan(span) }));
  }

  private rewriteSpan(span: Span): string {
    const original = (this.lineOf(span.file, span.line + 1) ?? '').slice(span.start, span.end);
    const inside = (this.tokensAt.get(`${span.file}\u0000${span.line + 1}`) ?? []).filter((t) => {
      const i = t.token.loc.column - 1;
      return i >= span.start && i < span.end;
    });
    const only = inside.length === 1 ? inside[0]?.token : undefined;
    if (only && original === (only.quoted ? `"${only.text}"` : only.text)) return this.rawOf(only) ?? '';
    let out = '';
    let previous: { token: Token; lineIndex: number } | undefined;
    for (const t of inside) {
      const raw = this.rawOf(t.token);
      if (raw === null) continue;
      if (previous) out += previous.lineIndex === t.lineIndex || isBrace(previous.token) || isBrace(t.token) ? ' ' : '\n';
      out += raw;
      previous = t;
    }
    return out;
  }

  private rawOf(token: Token): string | null {
    const r = this.replaced.get(token);
    return r === undefined ? quoteWord(token.text, token.quoted) : r;
  }
}

const isBrace = (t: Token): boolean => !t.quoted && (t.text === '{' || t.text === '}');
