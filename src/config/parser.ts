/**
 * keepalived's block parser (lib/parser.c process_stream, alloc_value_block,
 * skip_block) over the lexer's logical lines, producing a syntax tree in which
 * every statement keeps its position.
 *
 * Theory of operation: one call of `stream` reads the statements of one block.
 * Each logical line's first word is looked up in the block's keyword table
 * (schema.ts). A keyword that opens a block recurses; a keyword with a value
 * block reads items until a line ending with `}`; anything else is a plain
 * statement. keepalived's recovery is reproduced exactly, because later
 * diagnostics depend on it:
 *  - an unknown keyword is reported and its line dropped; a `{` after it is
 *    "unexpected" and dropped, so the unknown block's body is read as part of
 *    the enclosing block and its `}` closes the enclosing block early;
 *  - at the root a `}` is itself an unknown keyword;
 *  - a block whose `{` is missing is reported and read anyway;
 *  - a handler that rejects a block (no name, duplicate name, bad address)
 *    makes keepalived skip it by counting braces (`skip_block`); when the
 *    skipped block was a value block inside another block, the count ends
 *    that enclosing block too, as in keepalived.
 *
 * keepalived parses the file once per process with different keywords
 * active; the union of what those passes report is what one pass with every
 * keyword active reports, which is what this parser does.
 */
import { LineReader } from './lexer.js';
import { keywordShape, REQUIRES_ARGUMENT, type BlockKind } from './schema.js';
import { missingParameterMessage, type LogicalLine, type Loc, type Reporter, type Token } from './source.js';

export interface Statement {
  readonly keyword: Token;
  /** The words after the keyword. */
  readonly args: readonly Token[];
  readonly loc: Loc;
  /** The whole logical line (keepalived re-reads it for scripts and notify commands). */
  readonly text: string;
  /** false: keepalived does not know this keyword here (already reported). */
  readonly known: boolean;
  /** Set when keepalived's handler rejected the statement and skipped its block. */
  readonly skipped?: boolean;
  readonly block?: BlockNode;
  readonly values?: ValueBlockNode;
}

export interface BlockNode {
  readonly kind: BlockKind;
  readonly statements: Statement[];
  /** Where the block ended: its `}`, or the last line read when the file ended first. */
  readonly end?: Loc;
  /** The block ended at its own `}` (not at end of input). */
  readonly closed: boolean;
  /**
   * A skipped value block inside this block ended it (keepalived's skip
   * count consumed this block's `}`); keepalived then runs no close handler.
   */
  readonly endedBySkip?: boolean;
}

export interface ValueItem {
  readonly tokens: readonly Token[];
  readonly loc: Loc;
}

export interface ValueBlockNode {
  readonly items: ValueItem[];
  readonly end?: Loc;
  readonly closed: boolean;
}

/** How a handler rejects a block: skip the next `{…}`, or the rest of the current block. */
export type SkipVerdict = 'skip-block' | 'skip-rest' | undefined;

/** Parse-time checks that decide whether keepalived skips a block (see parse-hooks.ts). */
export interface ParseHooks {
  onStatement(kind: BlockKind, keyword: Token, args: readonly Token[], reporter: Reporter): SkipVerdict;
}

interface StreamResult {
  readonly statements: Statement[];
  readonly end?: Loc;
  readonly closed: boolean;
  /** A skipped inner block ended this one too (keepalived's ret_err). */
  readonly endedBySkip: boolean;
}

/**
 * Which top-level keywords a keepalived process handles. keepalived parses the
 * file once per process (parent, VRRP, checker, BFD); keywords of the other
 * processes are "inactive": their blocks are skipped by counting braces, and
 * when such a block has no `{` its lines are read at the top level instead.
 */
export type ActiveRoot = (keyword: string) => boolean;

export class Parser {
  private skipSublevel = 0;
  private kwLevel = 0;
  private lastLoc: Loc | undefined;
  /**
   * The braces do not match the blocks (a block without `{`, a `{` after an
   * unknown keyword, a stray `}`, a missing `}`). keepalived's processes then
   * disagree: the one that owns a block reads it keyword by keyword, the
   * others skip it by counting braces and so stop skipping at another line.
   */
  braceAnomaly = false;

  constructor(
    private readonly reader: LineReader,
    private readonly reporter: Reporter,
    private readonly hooks: ParseHooks,
    private readonly isActive: ActiveRoot = () => true,
  ) {}

  /** Parses the whole input; reports unclosed blocks at the end. */
  parseRoot(): BlockNode {
    const r = this.stream('root', false);
    if (this.reader.blockDepth > 0) {
      this.braceAnomaly = true;
      const n = this.reader.blockDepth;
      this.reporter.report('missing-close-brace', 'error', this.lastLoc, `${n} missing '}' (or extra '{') at end of input: keepalived closes the open blocks here`, {
        hint: "keepalived reports this without a line number; the position shown is the end of the input",
      });
    }
    return { kind: 'root', statements: r.statements, closed: true, ...(r.end ? { end: r.end } : {}) };
  }

  private next(): LogicalLine | undefined {
    const line = this.reader.next();
    if (line) this.lastLoc = line.loc;
    return line;
  }

  /** process_stream(): the statements of one block. */
  private stream(kind: BlockKind, needBobInitially: boolean): StreamResult {
    const statements: Statement[] = [];
    let needBob = needBobInitially;
    for (let line = this.next(); line; line = this.next()) {
      const first = line.tokens[0];
      if (!first) continue;
      if (this.skipSublevel === -1) {
        if (first.text === '{') {
          this.skipSublevel = 1;
          needBob = false;
          continue;
        }
        this.skipSublevel = 0;
      }
      if (this.skipSublevel > 0) {
        if (this.skipLine(line) && this.kwLevel > 0) return { statements, end: line.loc, closed: true, endedBySkip: true };
        continue;
      }
      if (needBob) {
        needBob = false;
        if (first.text === '{' && this.kwLevel > 0) continue;
        this.braceAnomaly = true;
        this.reporter.report('missing-open-brace', 'error', first.loc, "missing '{' at the beginning of the block: keepalived reads the block anyway", {
          hint: "put '{' after the keyword that opens the block",
        });
      } else if (first.text === '{') {
        this.braceAnomaly = true;
        this.reporter.report('unexpected-open-brace', 'error', first.loc, "unexpected '{': keepalived ignores it, so this block's lines belong to the enclosing block and its '}' closes that block", {
          hint: 'usually follows an unknown keyword: fix the keyword above',
        });
        continue;
      }
      if (first.text === '}' && this.kwLevel > 0) return { statements, end: first.loc, closed: true, endedBySkip: false };
      statements.push(this.statement(kind, line));
    }
    return { statements, ...(this.lastLoc ? { end: this.lastLoc } : {}), closed: false, endedBySkip: false };
  }

  /** Counts braces on a skipped line; true when the skipped block just ended. */
  private skipLine(line: LogicalLine): boolean {
    let last = '';
    for (const t of line.tokens) {
      last = t.text;
      if (t.text === '{') this.skipSublevel++;
      else if (t.text === '}') {
        if (--this.skipSublevel === 0) break;
      }
    }
    return last === '}' && this.skipSublevel === 0;
  }

  private statement(kind: BlockKind, line: LogicalLine): Statement {
    const [keyword, ...args] = line.tokens as [Token, ...Token[]];
    const shape = keywordShape(kind, keyword.text);
    if (keyword.text === '}') this.braceAnomaly = true;
    if (!shape) {
      this.reporter.report('unknown-keyword', 'error', keyword.loc, unknownMessage(kind, keyword.text), {
        hint: hintForUnknown(keyword.text),
        data: { block: kind, keyword: keyword.text },
      });
      return { keyword, args, loc: keyword.loc, text: line.text, known: false };
    }
    if (kind === 'root' && !this.isActive(keyword.text)) {
      // keepalived: an inactive keyword's handler gets no words, and whatever
      // follows in braces is skipped; without braces parsing carries on here.
      this.skipSublevel = -1;
      return { keyword, args, loc: keyword.loc, text: line.text, known: true, skipped: true };
    }
    // After an unmatched quote the words are gone but keepalived's handler still
    // sees a parameter: it reports the quote, not a missing parameter, and goes on
    // (real keepalived -t: notify_master "/bin/true exits 5, not 2).
    if (args.length === 0 && REQUIRES_ARGUMENT[kind]?.has(keyword.text) && !line.text.includes('"')) {
      this.reporter.report('missing-parameter', 'error', keyword.loc, missingParameterMessage(keyword.text, keyword.text, 2), {
        hint: 'give the value this keyword needs',
      });
    }
    const verdict = this.hooks.onStatement(kind, keyword, args, this.reporter);
    if (verdict === 'skip-block') this.skipSublevel = -1;
    else if (verdict === 'skip-rest') this.skipSublevel = 1;
    const skipped = verdict !== undefined ? { skipped: true } : {};
    if (shape.opens) {
      this.kwLevel++;
      const r = this.stream(shape.opens, true);
      this.kwLevel--;
      const block: BlockNode = {
        kind: shape.opens,
        statements: r.statements,
        closed: r.closed,
        ...(r.end ? { end: r.end } : {}),
        ...(r.endedBySkip ? { endedBySkip: true } : {}),
      };
      return { keyword, args, loc: keyword.loc, text: line.text, known: true, ...skipped, block };
    }
    if (shape.values && verdict === undefined) {
      return { keyword, args, loc: keyword.loc, text: line.text, known: true, values: this.valueBlock(keyword, args.slice(shape.valueArgs ?? 0)) };
    }
    return { keyword, args, loc: keyword.loc, text: line.text, known: true, ...skipped };
  }

  /** alloc_value_block(): items until a line ending with `}`. */
  private valueBlock(keyword: Token, args: readonly Token[]): ValueBlockNode {
    const extra = args[0];
    if (extra) {
      this.reporter.report('value-block-extra-parameters', 'error', extra.loc,
        `'${keyword.text}' takes its values in a block on the following lines: keepalived ignores '${extra.text}' and reads the next lines as the block`, {
          hint: `write ${keyword.text} { ${args.map((a) => a.text).join(' ')} } or put each value on its own line inside the braces`,
        });
    }
    const items: ValueItem[] = [];
    let needBob = true;
    for (let line = this.next(); line; line = this.next()) {
      let tokens = [...line.tokens];
      if (tokens.length === 0) continue;
      if (needBob) {
        needBob = false;
        if (tokens[0]?.text === '{') {
          if (tokens.length === 1) continue;
          tokens = tokens.slice(1);
        } else {
          this.braceAnomaly = true;
          this.reporter.report('missing-open-brace', 'warning', tokens[0]?.loc, `'{' missing at the beginning of the '${keyword.text}' block: keepalived reads its values anyway`);
        }
      }
      const last = tokens[tokens.length - 1];
      let hadEob = false;
      if (last?.text === '}') {
        if (tokens.length === 1) return { items, end: last.loc, closed: true };
        hadEob = true;
        tokens = tokens.slice(0, -1);
      }
      if (tokens.length > 0) items.push({ tokens, loc: tokens[0]?.loc ?? line.loc });
      if (hadEob) return { items, end: last?.loc ?? line.loc, closed: true };
    }
    return { items, ...(this.lastLoc ? { end: this.lastLoc } : {}), closed: false };
  }
}

function unknownMessage(kind: BlockKind, keyword: string): string {
  if (keyword === '}') return "unknown keyword '}' at the top level: a block above was closed early or there is an extra '}'";
  const where = kind === 'root' ? 'at the top level' : `in ${kind}`;
  return `unknown keyword '${keyword}' ${where}: keepalived ignores the line`;
}

function hintForUnknown(keyword: string): string | undefined {
  if (keyword.includes('=')) return "keepalived has no '=' syntax: write the keyword and its value separated by a space";
  if (keyword !== keyword.toLowerCase() && keyword.toLowerCase() !== keyword) {
    return 'keywords are case-sensitive';
  }
  return undefined;
}
