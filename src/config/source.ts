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

/** Collects diagnostics; drops exact duplicates (keepalived repeats messages per pass). */
/**
 * More findings than anyone reads: past this many, a file is reported as hopeless
 * rather than listed, so a pathological input (a megabyte of braces) stays fast
 * and small instead of producing millions of diagnostics.
 */
export const MAX_DIAGNOSTICS = 10_000;

export class DiagnosticSink implements Reporter {
  readonly diagnostics: Diagnostic[] = [];
  readonly notCheckedList: NotChecked[] = [];
  private readonly seen = new Set<string>();
  /** Findings dropped after MAX_DIAGNOSTICS. */
  suppressed = 0;

  report(
    code: string,
    severity: Severity,
    loc: Loc | undefined,
    message: string,
    extra?: { hint?: string; data?: Readonly<Record<string, unknown>>; rfc?: string },
  ): void {
    if (this.diagnostics.length >= MAX_DIAGNOSTICS) {
      if (this.suppressed++ === 0) {
        this.diagnostics.push({
          code: 'too-many-diagnostics',
          severity: 'error',
          message: `more than ${MAX_DIAGNOSTICS} problems; the rest are not reported`,
          ...(loc ? { file: loc.file, line: loc.line, column: loc.column } : {}),
          hint: 'is this really a keepalived configuration file?',
        });
      }
      return;
    }
    const key = `${code}\u0000${loc?.file ?? ''}\u0000${loc?.line ?? 0}\u0000${loc?.column ?? 0}\u0000${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const d: Diagnostic = {
      code,
      severity,
      message,
      ...(loc ? { file: loc.file, line: loc.line, column: loc.column } : {}),
      ...(extra?.hint !== undefined ? { hint: extra.hint } : {}),
      ...(extra?.rfc !== undefined ? { rfc: extra.rfc } : {}),
      ...(extra?.data !== undefined ? { data: extra.data } : {}),
    };
    this.diagnostics.push(d);
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
