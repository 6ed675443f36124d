/**
 * Terminal styling. Every renderer takes a `Style`, so the same code prints plain
 * text into pipes, files and JSON-less CI logs, and colour at a terminal.
 */
import { Chalk } from 'chalk';
import type { Severity } from '../core/diagnostic.js';

export interface Style {
  readonly enabled: boolean;
  bold(s: string): string;
  dim(s: string): string;
  severity(sev: Severity, s: string): string;
  good(s: string): string;
  bad(s: string): string;
  accent(s: string): string;
}

export function makeStyle(colour: boolean): Style {
  const c = new Chalk({ level: colour ? 1 : 0 });
  return {
    enabled: colour,
    bold: (s) => c.bold(s),
    dim: (s) => c.dim(s),
    severity: (sev, s) => (sev === 'error' ? c.red.bold(s) : sev === 'warning' ? c.yellow.bold(s) : c.cyan.bold(s)),
    good: (s) => c.green(s),
    bad: (s) => c.red(s),
    accent: (s) => c.cyan(s),
  };
}

export const plainStyle: Style = makeStyle(false);
