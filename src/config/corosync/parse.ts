/**
 * corosync.conf, read as corosync 3's own parser reads it (exec/coroparse.c),
 * into a tree of sections and key/value items that remember where they came from.
 *
 * Theory of operation
 * -------------------
 * corosync reads the file one physical line at a time. After trailing blanks are
 * cut, a line whose first non-blank character is `#` (or a blank line) is
 * skipped; a line holding `{` opens a section named by what precedes it; a line
 * holding `:` is `key: value` (the first `:` splits, so values may hold colons);
 * a line that is exactly `}` closes the section. Anything else is the parse
 * error "Line is not opening or closing section or key value". A `#` after other
 * text is part of the value, as it is for corosync. Lines longer than 511
 * characters are refused ("Line too long").
 *
 * Rules
 * -----
 * - Every node and item carries its 1-based line and column.
 * - Parsing stops at the first structural error, as corosync does, and reports
 *   it located; the tree read so far is still returned for the checks.
 * - Bounded: the text size, the section depth and the item count have limits,
 *   each reported as a located error instead of running away.
 */
import type { Diagnostic } from '../../core/diagnostic.js';

export interface CsPos {
  readonly line: number;
  readonly column: number;
}

export interface CsItem {
  readonly kind: 'item';
  readonly key: string;
  readonly value: string;
  readonly at: CsPos;
  /** Where the value starts (for diagnostics about the value). */
  readonly valueAt: CsPos;
}

export interface CsSection {
  readonly kind: 'section';
  readonly name: string;
  readonly at: CsPos;
  readonly children: Array<CsItem | CsSection>;
}

export interface CsParse {
  readonly root: CsSection;
  readonly diagnostics: Diagnostic[];
}

/** corosync reads lines into a 512-byte buffer: 511 characters and the newline. */
export const MAX_LINE_CHARS = 511;
export const MAX_TEXT_BYTES = 4 * 1024 * 1024;
export const MAX_DEPTH = 16;
export const MAX_ITEMS = 200_000;

const BLANK = /[ \t\u00a0]/;

function firstNonBlank(line: string): number {
  for (let i = 0; i < line.length; i++) if (!BLANK.test(line[i]!)) return i;
  return line.length;
}

function trimEnd(line: string): string {
  let end = line.length;
  while (end > 0 && BLANK.test(line[end - 1]!)) end--;
  return line.slice(0, end);
}

export function parseCorosyncText(text: string, file: string): CsParse {
  const diagnostics: Diagnostic[] = [];
  const root: CsSection = { kind: 'section', name: '', at: { line: 1, column: 1 }, children: [] };
  const fail = (line: number, column: number, code: string, message: string, hint?: string): CsParse => {
    diagnostics.push({ code, severity: 'error', message, file, line, column, ...(hint ? { hint } : {}) });
    return { root, diagnostics };
  };
  if (text.length > MAX_TEXT_BYTES) {
    return fail(1, 1, 'file-too-large', `the file is ${text.length} characters long; corosync.conf files above ${MAX_TEXT_BYTES} are not read`);
  }
  const stack: CsSection[] = [root];
  let items = 0;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    let raw = lines[i]!;
    if (raw.endsWith('\r')) raw = raw.slice(0, -1);
    if (raw.length > MAX_LINE_CHARS) return fail(lineNo, MAX_LINE_CHARS + 1, 'line-too-long', `Line too long (${raw.length} characters; corosync reads at most ${MAX_LINE_CHARS})`);
    const line = trimEnd(raw);
    const start = firstNonBlank(line);
    if (start === line.length || line[start] === '#') continue;
    const top = stack[stack.length - 1]!;
    if (++items > MAX_ITEMS) return fail(lineNo, start + 1, 'too-many-items', `more than ${MAX_ITEMS} lines of sections and items`);
    const brace = line.indexOf('{');
    if (brace >= 0) {
      const name = line.slice(0, brace).trim();
      if (name === '') return fail(lineNo, brace + 1, 'parse-error', "Missing section name before opening bracket '{'");
      if (line.slice(brace + 1).trim() !== '') return fail(lineNo, brace + 2, 'parse-error', "Extra characters after opening bracket '{'");
      if (stack.length > MAX_DEPTH) return fail(lineNo, start + 1, 'too-deep', `sections nested more than ${MAX_DEPTH} deep`);
      const section: CsSection = { kind: 'section', name, at: { line: lineNo, column: start + 1 }, children: [] };
      top.children.push(section);
      stack.push(section);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon >= 0) {
      const key = line.slice(0, colon).trim();
      if (key === '') return fail(lineNo, colon + 1, 'parse-error', "Key name can't be empty");
      const after = line.slice(colon + 1);
      const valueStart = colon + 1 + firstNonBlank(after);
      top.children.push({
        kind: 'item', key, value: after.trim(),
        at: { line: lineNo, column: start + 1 }, valueAt: { line: lineNo, column: valueStart + 1 },
      });
      continue;
    }
    if (line.includes('}')) {
      if (line.trim() !== '}') return fail(lineNo, start + 1, 'parse-error', "Extra characters before or after closing bracket '}'");
      if (stack.length === 1) return fail(lineNo, start + 1, 'parse-error', 'Unexpected closing brace');
      stack.pop();
      continue;
    }
    return fail(lineNo, start + 1, 'parse-error', 'Line is not opening or closing section or key value');
  }
  if (stack.length > 1) {
    const open = stack[stack.length - 1]!;
    return fail(open.at.line, open.at.column, 'parse-error', `Missing closing brace for section '${open.name}' opened here`);
  }
  return { root, diagnostics };
}
