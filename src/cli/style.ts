/**
 * Terminal styling. Every renderer takes a `Style`, so the same code prints plain
 * text into pipes, files and JSON-less CI logs, and colour at a terminal.
 *
 * The colours are the 16 basic ANSI SGR ones (what every terminal shows), written
 * here in a few lines rather than loaded from a library: this module is on the
 * start-up path of every command. A style nested in another re-opens the outer
 * one where the inner one closes (bold inside red stays red after it), so styled
 * pieces compose.
 */
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

type Paint = (s: string) => string;

/** SGR open/close pairs: bold and dim share their close (22), colours close with 39. */
function sgr(open: number, close: number): Paint {
  const on = `\u001b[${open}m`;
  const off = `\u001b[${close}m`;
  return (s) => `${on}${s.split(off).join(off + on)}${off}`;
}

const bold = sgr(1, 22);
const dim = sgr(2, 22);
const red = sgr(31, 39);
const green = sgr(32, 39);
const yellow = sgr(33, 39);
const cyan = sgr(36, 39);

export function makeStyle(colour: boolean): Style {
  if (!colour) return plainStyle;
  return {
    enabled: true,
    bold,
    dim,
    severity: (sev, s) => (sev === 'error' ? red(bold(s)) : sev === 'warning' ? yellow(bold(s)) : cyan(bold(s))),
    good: green,
    bad: red,
    accent: cyan,
  };
}

const same: Paint = (s) => s;

export const plainStyle: Style = {
  enabled: false,
  bold: same,
  dim: same,
  severity: (_sev, s) => s,
  good: same,
  bad: same,
  accent: same,
};
