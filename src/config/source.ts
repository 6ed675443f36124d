/**
 * Positions, tokens and the diagnostic sink shared by the lexer, the parser and
 * the model builder.
 *
 * Every token remembers the file, the 1-based line and the 1-based column it
 * came from, even after keepalived's rewriting (comment removal, `$NAME`
 * substitution, brace splitting): substituted text takes the column of the `$`.
 */
import type { Diagnostic, Severity } from '../core/diagnostic.js';

export interface Loc {
  readonly file: string;
  /** 1-based physical line in `file`. */
  readonly line: number;
  /** 1-based column (UTF-16 code units) in that line. */
  readonly column: number;
}

export interface Token {
  /** The word as keepalived sees it: double quotes removed. */
  readonly text: string;
  readonly loc: Loc;
  /** The word was written inside double quotes. */
  readonly quoted: boolean;
}

/** One logical line: what keepalived's read_line hands to the keyword parser. */
export interface LogicalLine {
  readonly tokens: readonly Token[];
  /** Position of the first token. */
  readonly loc: Loc;
  /** The logical line's text after comment removal and substitution. */
  readonly text: string;
}

/** A check that needs the host (interfaces, script files) and was not run. */
export interface NotChecked {
  /** Stable kebab-case name of the check, e.g. `interface-exists`. */
  readonly check: string;
  /** What would have been checked, e.g. "interface eth1 exists". */
  readonly what: string;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** Why it was not run, e.g. "no host description given". */
  readonly why: string;
}

export interface Reporter {
  report(
    code: string,
    severity: Severity,
    loc: Loc | undefined,
    message: string,
    extra?: { hint?: string; data?: Readonly<Record<string, unknown>>; rfc?: string },
  ): void;
  notChecked(check: string, loc: Loc, what: string, why: string): void;
}

/**
 * More findings than anyone reads: past this many distinct ones, a file is
 * reported as hopeless rather than listed, so a pathological input (a megabyte
 * of braces) stays fast and small instead of producing millions of diagnostics.
 */
export const MAX_DIAGNOSTICS = 10_000;

/**
 * Collects diagnostics. Exact duplicates are dropped (keepalived repeats
 * messages per pass); the same finding again on the same line at another
 * column is folded into the first, which counts them in `data.repeated`
 * ("100000 × unexpected '{'"), so memory stays bounded by distinct findings.
 * Past MAX_DIAGNOSTICS findings the verdict "is this a keepalived file?" is
 * put first, with no line, so it sorts before everything else.
 */
export class DiagnosticSink implements Reporter {
  readonly diagnostics: Diagnostic[] = [];
  readonly notCheckedList: NotChecked[] = [];
  private readonly seen = new Set<string>();
  /** Per finding and line: its index in `diagnostics` and the columns seen (exact repeats are dropped). */
  private readonly byLine = new Map<string, { index: number; columns: Set<number> }>();
  /** Every finding reported, repeats included. */
  reported = 0;
  /** Findings dropped after MAX_DIAGNOSTICS. */
  suppressed = 0;

  report(
    code: string,
    severity: Severity,
    loc: Loc | undefined,
    message: string,
    extra?: { hint?: string; data?: Readonly<Record<string, unknown>>; rfc?: string },
  ): void {
    const lineKey = `${code}\u0000${loc?.file ?? ''}\u0000${loc?.line ?? 0}\u0000${message}`;
    const key = `${lineKey}\u0000${loc?.column ?? 0}`;
    const folded = loc?.line ? this.byLine.get(lineKey) : undefined;
    if (folded?.columns.has(loc?.column ?? 0) || this.seen.has(key)) return;
    if (++this.reported === MAX_DIAGNOSTICS + 1) this.verdict(loc);
    if (folded !== undefined) {
      folded.columns.add(loc?.column ?? 0);
      const d = this.diagnostics[folded.index] as Diagnostic;
      this.diagnostics[folded.index] = { ...d, data: { ...d.data, repeated: folded.columns.size } };
      return;
    }
    if (this.diagnostics.length >= MAX_DIAGNOSTICS) {
      this.suppressed++;
      return;
    }
    if (loc?.line) this.byLine.set(lineKey, { index: this.diagnostics.length, columns: new Set([loc.column]) });
    else this.seen.add(key);
    this.diagnostics.push({
      code,
      severity,
      message,
      ...(loc ? { file: loc.file, line: loc.line, column: loc.column } : {}),
      ...(extra?.hint !== undefined ? { hint: extra.hint } : {}),
      ...(extra?.rfc !== undefined ? { rfc: extra.rfc } : {}),
      ...(extra?.data !== undefined ? { data: extra.data } : {}),
    });
  }

  private verdict(loc: Loc | undefined): void {
    this.diagnostics.unshift({
      code: 'too-many-diagnostics',
      severity: 'error',
      message: `more than ${MAX_DIAGNOSTICS} problems: is this really a keepalived configuration file?`,
      ...(loc ? { file: loc.file, line: 0, column: 0 } : {}),
      hint: 'the same problem on one line is counted once (N ×); past the limit, new problems are not listed',
    });
    for (const entry of this.byLine.values()) entry.index++;
  }

  notChecked(check: string, loc: Loc, what: string, why: string): void {
    this.notCheckedList.push({ check, what, file: loc.file, line: loc.line, column: loc.column, why });
  }
}

export const noLoc = (file: string): Loc => ({ file, line: 0, column: 0 });

/** keepalived's "missing a parameter" (null_strvec): it exits with status 2 at once. */
export function missingParameterMessage(keyword: string, after: string, wordPosition: number): string {
  return `'${keyword}' is missing a parameter after '${after}' (word ${wordPosition}): keepalived stops reading the configuration here (exit status 2)`;
}
