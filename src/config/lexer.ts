/**
 * keepalived's lexical pipeline (lib/parser.c read_line, decomment,
 * alloc_strvec_r, check_include, check_definition, replace_param), re-done in
 * TypeScript so the parser sees exactly the logical lines keepalived 2.2.7 sees.
 *
 * Theory of operation, per physical line:
 *  1. fgets into a 1024-byte buffer: a line longer than 1023 bytes arrives in
 *     several pieces, each a line of its own. A NUL byte ends the line.
 *  2. Trailing CR/LF are stripped; empty lines are skipped (but counted).
 *  3. decomment: leading blanks go; `"` toggles quoting; outside quotes `\#`
 *     and `\!` become literal; `\x` skips both characters; the first unquoted
 *     `#` or `!` starts a comment; a final `\` is kept (it only continues
 *     `$NAME=` definitions); an odd number of `"` is "Unterminated quote".
 *  4. A line continuing a multi-line `$NAME=… \` definition is added to it.
 *  5. `@id rest` keeps `rest` only when id is the config-id; `@^id` inverts.
 *     Without a config-id (keepalived uses the host name), `@id` lines are
 *     dropped and `@^id` lines kept; an info diagnostic says so once per id.
 *  6. `$NAME=value` defines; `$NAME` / `${NAME}` are replaced (then comments
 *     are stripped again). Undefined names stay as written.
 *  7. `include[rmwba] PATTERN` opens the glob's files in turn, relative to the
 *     including file's directory. Cycles are reported and cut.
 *  8. The first `{` or `}` outside quotes splits the line: the text before it
 *     is one logical line, the brace and the rest form the next. A brace at
 *     the start stands alone. So `{` and `}` always reach the parser alone.
 *  9. Block depth counts lone braces: a `}` at depth 0 is "Extra '}' found".
 * 10. Words split on whitespace; `"…"` is one word without its quotes.
 *
 * Rules: never throws on any text; every token keeps file/line/column.
 */
import { glob, type FileSystemView } from './glob.js';
import { basename, dirname } from './paths.js';
import type { LogicalLine, Loc, Reporter, Token } from './source.js';

/** keepalived's MAXBUF is 1024: fgets returns at most 1023 bytes per call. */
export const MAX_LINE_BYTES = 1023;
const WHITE_SPACE = ' \t\f\n\r\v';
const MAX_INCLUDE_DEPTH = 32;
const MAX_SUBSTITUTIONS = 64;

/**
 * Text with the source column of each character: either one column per
 * character, or (the common case, nothing rewritten) the column of the first
 * character, the rest following one by one.
 */
interface Text {
  s: string;
  cols: number[] | number;
  readonly file: string;
  readonly line: number;
  /** A ~SEQ repetition: set this definition before reading the line. */
  readonly define?: readonly [string, string];
}

const colAt = (t: Text, i: number): number => (typeof t.cols === 'number' ? t.cols + i : (t.cols[i] ?? 0));

interface Chunk {
  readonly text: string;
  readonly line: number;
  readonly startCol: number;
}

interface OpenFile {
  readonly path: string;
  readonly dir: string;
  readonly chunks: readonly Chunk[];
  next: number;
}

interface Definition {
  readonly name: string;
  value: string;
  multiline: boolean;
  readonly builtin?: (file: string) => string;
  loc?: Loc;
}

/** include = 0, includer = R, includem = R|M, includew = R|M|W, includeb = R|B, includea = all. */
export type IncludeKind = 'include' | 'includer' | 'includem' | 'includew' | 'includeb' | 'includea';

export interface LexerOptions {
  readonly reporter: Reporter;
  readonly fs?: FileSystemView;
  readonly configId?: string;
}

/** A file the lexer opened (or failed to), for the caller's `files` list. */
export interface FileRecord {
  readonly path: string;
  readonly includedFrom?: Loc;
  /** The file's last line has no newline: its number (see lastLineNote in config.ts). */
  readonly lastLineWithoutNewline?: number;
}

/** Number of the last line when the text does not end with a newline. */
export function lastLineWithoutNewline(text: string): number | undefined {
  if (text === '' || text.endsWith('\n')) return undefined;
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

const at = (t: Text, i: number): Loc => ({
  file: t.file,
  line: t.line,
  column: colAt(t, Math.min(Math.max(i, 0), Math.max(t.s.length - 1, 0))) || 1,
});

const sliceText = (t: Text, from: number, to?: number): Text => ({
  s: t.s.slice(from, to),
  cols: typeof t.cols === 'number' ? t.cols + from : t.cols.slice(from, to),
  file: t.file,
  line: t.line,
});

/**
 * Splits a file's text into fgets-sized chunks: every MAX_LINE_BYTES bytes of
 * UTF-8, comment lines included (keepalived decomments each piece on its own).
 * A character cut by the boundary is cut as fgets cuts its bytes: its lead
 * bytes end one piece and its remaining bytes begin the next, each an invalid
 * sequence, shown as U+FFFD (one for the lead, one per orphaned byte) as a
 * terminal shows keepalived's message about that piece.
 */
export function splitPhysical(text: string): Chunk[] {
  const chunks: Chunk[] = [];
  const lines = text.split('\n');
  // A final empty element means the file ended with a newline.
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  lines.forEach((raw, i) => {
    const nul = raw.indexOf('\u0000');
    const line = nul >= 0 ? raw.slice(0, nul) : raw;
    let start = 0;
    let bytes = 0;
    let carried = '';
    for (let j = 0; j < line.length; j++) {
      const code = line.codePointAt(j) ?? 0;
      const size = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
      const width = code >= 0x10000 ? 2 : 1;
      if (bytes + size > MAX_LINE_BYTES) {
        const cut = MAX_LINE_BYTES - bytes;
        chunks.push({ text: carried + line.slice(start, j) + (cut > 0 ? '\uFFFD' : ''), line: i + 1, startCol: start + 1 });
        carried = cut > 0 ? '\uFFFD'.repeat(size - cut) : '';
        start = cut > 0 ? j + width : j;
        bytes = cut > 0 ? size - cut : 0;
        if (cut > 0) {
          j += width - 1;
          continue;
        }
      }
      bytes += size;
      j += width - 1;
    }
    chunks.push({ text: carried + line.slice(start), line: i + 1, startCol: start + 1 - carried.length });
  });
  return chunks;
}

/**
 * decomment(): returns the cleaned text and whether a `"` was left open
 * (with the column of the quote that opened it).
 */
export function decomment(t: Text): { text: Text; unterminatedAt?: number } {
  let start = 0;
  while (start < t.s.length && (t.s[start] === ' ' || t.s[start] === '\t')) start++;
  if (!/[!#"\\]/.test(t.s)) {
    // Nothing to rewrite: only the blanks around the line go.
    let end = t.s.length;
    while (end > start && (t.s[end - 1] === ' ' || t.s[end - 1] === '\t')) end--;
    return { text: sliceText(t, start, end) };
  }
  const s: string[] = [];
  const cols: number[] = [];
  let quote = false;
  let quoteAt = -1;
  let skip = -1;
  let cont = false;
  for (let i = start; i < t.s.length; i++) {
    const c = t.s[i] ?? '';
    if (c === '"') {
      if (skip < 0) {
        quote = !quote;
        quoteAt = s.length;
      }
    } else if (c === '\\') {
      if (i + 1 < t.s.length) {
        const n = t.s[i + 1] ?? '';
        if (!quote && (n === '#' || n === '!')) {
          s.push(n);
          cols.push(colAt(t, i + 1));
        } else {
          s.push(c, n);
          cols.push(colAt(t, i), colAt(t, i + 1));
        }
        i++;
        continue;
      }
      cont = true;
      break;
    } else if (!quote && skip < 0 && (c === '!' || c === '#')) {
      skip = s.length;
    }
    s.push(c);
    cols.push(colAt(t, i));
  }
  let end = skip >= 0 ? skip : s.length;
  while (end > 0 && (s[end - 1] === ' ' || s[end - 1] === '\t')) end--;
  const outCols = cols.slice(0, end);
  const out: Text = { s: s.slice(0, end).join(''), cols: outCols, file: t.file, line: t.line };
  if (cont) {
    out.s += '\\';
    outCols.push((outCols[outCols.length - 1] ?? 0) + 1);
  }
  return quote ? { text: out, unterminatedAt: cols[quoteAt] ?? 1 } : { text: out };
}

/** alloc_strvec_r(): whitespace-separated words, `"…"` as one word. */
export function tokenize(t: Text, reporter?: Reporter): Token[] {
  const tokens: Token[] = [];
  const s = t.s;
  let i = 0;
  while (true) {
    while (i < s.length && WHITE_SPACE.includes(s[i] ?? '')) i++;
    if (i >= s.length) break;
    if (s[i] === '"') {
      const close = s.indexOf('"', i + 1);
      if (close < 0) {
        reporter?.report('unmatched-quote', 'error', at(t, i), `unmatched quote: '${s}'; keepalived drops the rest of the line`, {
          hint: 'close the quote',
        });
        break;
      }
      tokens.push({ text: s.slice(i + 1, close), loc: at(t, i), quoted: true });
      i = close + 1;
      continue;
    }
    let j = i;
    while (j < s.length && !WHITE_SPACE.includes(s[j] ?? '') && s[j] !== '"') j++;
    tokens.push({ text: s.slice(i, j), loc: at(t, i), quoted: false });
    i = j;
  }
  return tokens;
}

function includeKindOf(s: string): { kind: IncludeKind; rest: string } | undefined {
  if (!s.startsWith('include') || s.length <= 7) return undefined;
  const isSpace = (c: string | undefined): boolean => c !== undefined && WHITE_SPACE.includes(c);
  let kind: IncludeKind;
  let restAt: number;
  if (isSpace(s[7])) {
    kind = 'include';
    restAt = 8;
  } else if (isSpace(s[8]) && 'rmwba'.includes(s[7] ?? '-')) {
    kind = `include${s[7]}` as IncludeKind;
    restAt = 9;
  } else return undefined;
  let rest = s.slice(restAt);
  while (rest.startsWith(' ') || rest.startsWith('\t')) rest = rest.slice(1);
  return { kind, rest };
}

/** Reads logical lines from a root text and the files it includes. */
/**
 * A bound on logical lines (after keepalived's 1023-byte and brace splitting) so
 * that a pathological input — a megabyte of `}` is a million lines — ends in a
 * clear error instead of minutes of work. The largest real configurations have a
 * few thousand lines.
 */
export const MAX_LOGICAL_LINES = 200_000;

export class LineReader {
  private logicalLines = 0;
  /** Every file opened, root first. */
  readonly files: FileRecord[] = [];
  /** Lone `{` minus lone `}` seen so far (read_line's block_depth). */
  blockDepth = 0;
  private readonly stack: OpenFile[] = [];
  private readonly pending: Text[] = [];
  private readonly defs = new Map<string, Definition>();
  private multilineDef: Definition | undefined;
  private readonly warnedIds = new Set<string>();
  private readonly reporter: Reporter;
  private readonly fs: FileSystemView | undefined;
  private readonly configId: string | undefined;

  constructor(rootPath: string, rootText: string, options: LexerOptions) {
    this.reporter = options.reporter;
    this.fs = options.fs;
    this.configId = options.configId;
    for (const [name, value] of [['_HASH', '#'], ['_BANG', '!']] as const) {
      this.defs.set(name, { name, value, multiline: false });
    }
    this.defs.set('_PWD', { name: '_PWD', value: '', multiline: false, builtin: (file) => dirname(file) });
    this.defs.set('_INSTANCE', { name: '_INSTANCE', value: '', multiline: false, builtin: () => this.configId ?? '' });
    this.defs.set('_RANDOM', { name: '_RANDOM', value: '', multiline: false, builtin: () => '0' });
    this.open(rootPath, rootText);
    const last = lastLineWithoutNewline(rootText);
    this.files.push({ path: rootPath, ...(last !== undefined ? { lastLineWithoutNewline: last } : {}) });
  }

  private open(path: string, text: string): void {
    this.stack.push({ path, dir: dirname(path), chunks: splitPhysical(text), next: 0 });
  }

  /** The next logical line, or undefined at the end of all files. */
  next(): LogicalLine | undefined {
    while (true) {
      const raw = this.pending.shift() ?? this.readPhysical();
      if (raw === undefined) return undefined;
      if (++this.logicalLines > MAX_LOGICAL_LINES) {
        this.reporter.report('input-too-large', 'error', at(raw, 0),
          `more than ${MAX_LOGICAL_LINES} lines after splitting; the rest of the input is not read`,
          { hint: 'real keepalived configurations are far smaller: is this the right file?' });
        this.stack.length = 0;
        this.pending.length = 0;
        return undefined;
      }
      if (raw.define) this.defs.set(raw.define[0], { name: raw.define[0], value: raw.define[1], multiline: false });
      if (this.multilineDef) {
        this.continueDefinition(raw);
        continue;
      }
      const t = this.directives(raw);
      if (t === undefined || t.s === '') continue;
      const inc = includeKindOf(t.s);
      if (inc) {
        this.include(inc.kind, inc.rest, at(t, 0));
        continue;
      }
      return this.finish(this.splitBrace(t));
    }
  }

  /** Step 1–3: the next non-empty decommented physical chunk. */
  private readPhysical(): Text | undefined {
    while (this.stack.length > 0) {
      const f = this.stack[this.stack.length - 1];
      if (f === undefined) break;
      const chunk = f.chunks[f.next++];
      if (chunk === undefined) {
        this.stack.pop();
        continue;
      }
      let s = chunk.text;
      while (s.endsWith('\r') || s.endsWith('\n')) s = s.slice(0, -1);
      if (s === '') {
        // An empty line ends a multi-line definition.
        if (this.multilineDef) this.endDefinition();
        continue;
      }
      if (chunk.startCol === 1 && f.chunks[f.next]?.line === chunk.line) this.noteLong(f.path, chunk.line);
      const { text, unterminatedAt } = decomment({ s, cols: chunk.startCol, file: f.path, line: chunk.line });
      if (unterminatedAt !== undefined) {
        this.reporter.report('unterminated-quote', 'error', { file: f.path, line: chunk.line, column: unterminatedAt },
          `unterminated quote in '${text.s}'`, { hint: 'close the double quote; keepalived reads the rest of the line as quoted' });
      }
      if (text.s === '') continue;
      return text;
    }
    return undefined;
  }

  private noteLong(file: string, line: number): void {
    this.reporter.report('line-too-long', 'warning', { file, line, column: MAX_LINE_BYTES + 1 },
      `line longer than ${MAX_LINE_BYTES} bytes: keepalived splits it into separate lines, a comment's later pieces included`, {
        hint: "keepalived's own messages name the pieces before the last with the previous line's number, and its VRRP and checker processes number every later line one higher per split",
      });
  }

  /** Step 4: a line continuing `$NAME=… \`. */
  private continueDefinition(t: Text): void {
    const def = this.multilineDef;
    if (!def) return;
    let s = t.s;
    const more = s.endsWith('\\');
    if (more) s = s.slice(0, -1).replace(/[ \t]+$/, '');
    if (s !== '') def.value = def.value === '' ? s : `${def.value}\n${s}`;
    if (!more) this.endDefinition();
  }

  private endDefinition(): void {
    const def = this.multilineDef;
    this.multilineDef = undefined;
    if (def && !def.value.includes('\n')) def.multiline = false;
  }

  /** Steps 5–6: `@id`, `$NAME=` and `$NAME` substitution. Undefined: the line is consumed. */
  private directives(input: Text): Text | undefined {
    let t = input;
    for (let round = 0; round < MAX_SUBSTITUTIONS; round++) {
      if (t.s.startsWith('@')) {
        const kept = this.conditional(t);
        if (kept === undefined) return undefined;
        t = kept;
      }
      if (t.s.startsWith('$') && this.define(t)) return undefined;
      if (t.s.startsWith('~SEQ')) {
        this.sequence(t);
        return undefined;
      }
      if (t.s.startsWith('~LST')) {
        this.reporter.report('unsupported-directive', 'warning', at(t, 0), '~LST line repetition is not modelled; the line is ignored here');
        return undefined;
      }
      if (t.s.startsWith('~') || !t.s.includes('$')) return t;
      const replaced = this.substitute(t);
      if (replaced === undefined) return t;
      t = decomment(replaced).text;
      if (!t.s.startsWith('@') && !t.s.includes('$')) return t;
    }
    this.reporter.report('substitution-loop', 'error', at(t, 0), 'definitions keep expanding; keepalived would loop forever on this line');
    return undefined;
  }

  private conditional(t: Text): Text | undefined {
    const rev = t.s[1] === '^';
    const ofs = rev ? 2 : 1;
    const m = /[ \t]/.exec(t.s.slice(ofs));
    if (!m) return undefined;
    const id = t.s.slice(ofs, ofs + m.index);
    const matches = this.configId !== undefined && id === this.configId;
    if (matches === rev) {
      if (this.configId === undefined && !this.warnedIds.has(id)) {
        this.warnedIds.add(id);
        this.reporter.report('config-id-skipped', 'info', at(t, 0),
          `lines for config-id '${id}' are skipped: no config-id given (keepalived uses -i or the host name)`,
          { hint: 'pass a config-id to check the configuration as that host reads it' });
      }
      return undefined;
    }
    let k = ofs + m.index;
    while (t.s[k] === ' ' || t.s[k] === '\t') k++;
    return sliceText(t, k);
  }

  /**
   * add_seq(): `~SEQ[x](VAR, [start,] [step,] end) text` repeats `text` with
   * $VAR set to each value in turn (x: in hex).
   */
  private sequence(t: Text): void {
    const m = /^~SEQ(x?)[ \t]*\([ \t]*([^ \t,)]+)[ \t]*,([^)]*)\)[ \t]*(.*)$/.exec(t.s);
    const nums = m?.[3]?.split(',').map((n) => n.trim()) ?? [];
    const values = nums.map((n) => (/^[-+]?(0x[0-9a-f]+|0[0-7]*|[1-9][0-9]*)$/i.test(n) ? Number.parseInt(n, /^[-+]?0x/i.test(n) ? 16 : /^[-+]?0[0-7]/.test(n) ? 8 : 10) : NaN));
    let [start, step, end] = [1, 1, 1];
    if (values.length === 1) [end] = values as [number];
    if (values.length === 1) [start, step] = [end < 0 ? -1 : 1, end < 1 ? -1 : 1];
    if (values.length === 2) [start, end] = values as [number, number];
    if (values.length === 2) step = start <= end ? 1 : -1;
    if (values.length === 3) [start, step, end] = values as [number, number, number];
    const bad = !m || values.length < 1 || values.length > 3 || values.some(Number.isNaN) || step === 0 ||
      (start < end && step < 0) || (start > end && step > 0) || (m[1] === 'x' && (start < 0 || end < 0));
    if (bad || !m) {
      this.reporter.report('seq-invalid', 'error', at(t, 0), `invalid ~SEQ specification '${t.s}': keepalived ignores the line`);
      return;
    }
    const name = m[2] ?? '';
    const textAt = t.s.length - (m[4] ?? '').length;
    const lines: Text[] = [];
    for (let v = start, n = 0; (step > 0 ? v <= end : v >= end) && n < 10_000; v += step, n++) {
      lines.push({ ...sliceText(t, textAt), define: [name, m[1] === 'x' ? v.toString(16) : String(v)] });
    }
    this.pending.unshift(...lines);
  }

  /** check_definition(): `$NAME=value`. */
  private define(t: Text): boolean {
    // keepalived allows no blank between the name and '=' (only after it).
    const m = /^\$([A-Za-z_][A-Za-z0-9_]*)=[ \t]*/.exec(t.s);
    if (!m || m[1] === undefined) return false;
    const name = m[1];
    let value = t.s.slice(m[0].length);
    const multiline = value.endsWith('\\');
    if (multiline) value = value.slice(0, -1).replace(/[ \t]+$/, '');
    const def: Definition = { name, value, multiline, loc: at(t, 0) };
    this.defs.set(name, def);
    if (multiline) this.multilineDef = def;
    return true;
  }

  /** replace_param(): one pass over the line; undefined when nothing was replaced. */
  private substitute(t: Text): Text | undefined {
    const s: string[] = [];
    const cols: number[] = [];
    let found = false;
    let i = 0;
    const tail: Text[] = [];
    while (i < t.s.length) {
      const ref = t.s[i] === '$' ? this.reference(t.s, i) : undefined;
      if (!ref) {
        s.push(t.s[i] ?? '');
        cols.push(colAt(t, i));
        i++;
        continue;
      }
      found = true;
      const col = colAt(t, i);
      let value = ref.def.builtin ? ref.def.builtin(t.file) : ref.def.value;
      if (ref.def.multiline) {
        const lines = value.split('\n');
        value = lines[0] ?? '';
        for (const l of lines.slice(1)) tail.push({ s: l, cols: Array.from({ length: l.length }, () => col), file: t.file, line: t.line });
      }
      for (const ch of value) {
        s.push(ch);
        cols.push(col);
      }
      i = ref.end;
      if (value.trimStart().startsWith('~')) {
        for (; i < t.s.length; i++) {
          s.push(t.s[i] ?? '');
          cols.push(colAt(t, i));
        }
      }
    }
    if (!found) return undefined;
    this.pending.unshift(...tail);
    return { s: s.join(''), cols, file: t.file, line: t.line };
  }

  /** find_definition() for a use at `s[i] === '$'`. */
  private reference(s: string, i: number): { def: Definition; end: number } | undefined {
    const braces = s[i + 1] === '{';
    let j = braces ? i + 2 : i + 1;
    if (!/[A-Za-z_]/.test(s[j] ?? '')) return undefined;
    const nameStart = j;
    while (j < s.length && /[A-Za-z0-9_]/.test(s[j] ?? '')) j++;
    const name = s.slice(nameStart, j);
    let end = j;
    if (braces) {
      while (j < s.length && /[ 0-9]/.test(s[j] ?? '')) j++;
      if (s[j] !== '}') return undefined;
      end = j + 1;
    } else if (j < s.length && !' \t,)'.includes(s[j] ?? '')) return undefined;
    const def = this.defs.get(name);
    if (!def) return undefined;
    if (def.multiline && end !== s.length) return undefined;
    return { def, end };
  }

  /** Step 7: open the files an include names. */
  private include(kind: IncludeKind, pattern: string, loc: Loc): void {
    const current = this.stack[this.stack.length - 1];
    const dir = current?.dir ?? '.';
    const strict = kind !== 'include';
    const severity = strict ? 'error' : 'warning';
    if (!this.fs) {
      this.reporter.notChecked('include', loc, `include '${pattern}'`, 'no file reader given: included files were not read');
      return;
    }
    const r = glob(pattern, dir, this.fs);
    if (r.unlistable) {
      this.reporter.notChecked('include', loc, `include '${pattern}'`, 'the file reader cannot list directories: wildcard not expanded');
    }
    if (r.paths.length === 0) {
      if (r.missing > 0) {
        this.reporter.report('include-missing', severity, loc, `config files missing '${pattern}'` +
          (strict ? `: ${kind} makes this an error` : ': keepalived carries on without them'), {
          hint: 'fix the path; relative paths are relative to the including file',
        });
      } else if (r.hadWildcards && (kind === 'includew' || kind === 'includea')) {
        this.reporter.report('include-no-match', 'error', loc, `no config files matched '${pattern}'`);
      }
      return;
    }
    if (r.missing > 0 && (kind === 'includeb' || kind === 'includea')) {
      this.reporter.report('include-missing', 'error', loc, `some config files missing: '${pattern}'; ${kind} skips the include`);
      return;
    }
    // keepalived reads a glob's matches in order, each to its end before the
    // next: pushing them in reverse puts the first match on top of the stack.
    const toOpen: { path: string; text: string }[] = [];
    for (const p of r.paths) {
      const text = this.readIncluded(p, loc, severity);
      if (text !== undefined) toOpen.push({ path: p, text });
    }
    for (const f of toOpen.reverse()) this.open(f.path, f.text);
    for (const f of toOpen.reverse()) {
      const last = lastLineWithoutNewline(f.text);
      this.files.push({ path: f.path, includedFrom: loc, ...(last !== undefined ? { lastLineWithoutNewline: last } : {}) });
    }
  }

  private readIncluded(path: string, loc: Loc, severity: 'error' | 'warning'): string | undefined {
    const fs = this.fs;
    if (!fs) return undefined;
    if (path.endsWith('/')) {
      this.reporter.report('include-not-regular', severity, loc, `configuration file '${path}' is a directory - keepalived skips it`);
      return undefined;
    }
    // Only files already being read form a cycle; glob siblings still waiting do not.
    if (this.stack.some((f) => f.path === path && f.next > 0)) {
      this.reporter.report('include-cycle', 'error', loc, `include cycle: '${basename(path)}' is already being read; keepalived would recurse until it runs out of files`);
      return undefined;
    }
    if (this.stack.length >= MAX_INCLUDE_DEPTH) {
      this.reporter.report('include-too-deep', 'error', loc, `includes nested more than ${MAX_INCLUDE_DEPTH} deep; not reading '${path}'`);
      return undefined;
    }
    const kind = fs.kind(path);
    if (kind === 'executable' || kind === 'other') {
      this.reporter.report('include-not-regular', severity, loc,
        `configuration file '${path}' is not a regular non-executable file - keepalived skips it`);
      return undefined;
    }
    const text = fs.readFile(path);
    if (text === undefined) {
      this.reporter.report('file-unreadable', severity, loc, `configuration file '${path}' cannot be read - keepalived skips it`);
    }
    return text;
  }

  /** Step 8: split at the first brace outside quotes. */
  private splitBrace(t: Text): Text {
    let p = -1;
    if (t.s[0] === '{' || t.s[0] === '}') p = 0;
    else {
      for (let i = 0; i < t.s.length; i++) {
        const c = t.s[i];
        if (c === '"') {
          const close = t.s.indexOf('"', i + 1);
          if (close < 0) break;
          i = close;
          continue;
        }
        if (c === '{' || c === '}') {
          p = i;
          break;
        }
      }
    }
    if (p < 0) return t;
    let restAt = p;
    if (p === 0) {
      restAt = 1;
      while (t.s[restAt] === ' ' || t.s[restAt] === '\t') restAt++;
    }
    if (restAt < t.s.length) {
      const rest = sliceText(t, restAt);
      let end = rest.s.length;
      while (end > 0 && (rest.s[end - 1] === ' ' || rest.s[end - 1] === '\t')) end--;
      this.pending.unshift(sliceText(rest, 0, end));
      return sliceText(t, 0, restAt);
    }
    return t;
  }

  /** Step 9–10: depth bookkeeping and words. */
  private finish(t: Text): LogicalLine {
    let end = t.s.length;
    while (end > 0 && (t.s[end - 1] === ' ' || t.s[end - 1] === '\t')) end--;
    const line = sliceText(t, 0, end);
    if (line.s === '{') this.blockDepth++;
    else if (line.s === '}') {
      if (this.blockDepth-- < 1) {
        this.reporter.report('extra-close-brace', 'error', at(line, 0), "extra '}' found: no block is open here");
        this.blockDepth = 0;
      }
    }
    const tokens = tokenize(line, this.reporter);
    return { tokens, loc: tokens[0]?.loc ?? at(line, 0), text: line.s };
  }
}
