/**
 * Compiler-style diagnostics:
 *
 *     lb1.conf:3:5: error[unknown-state]: (VI_1) unknown state 'EQUAL', defaulting to BACKUP
 *         3 |     state EQUAL
 *           |     ^^^^^
 *           = hint: use MASTER or BACKUP
 *
 * The caret underlines the word at the diagnostic's column. A finding the
 * parser folded (the same on one line at many columns) is prefixed with its
 * count: `100000 × unexpected '{'`. Source lines come
 * from a `SourceLines` lookup so this module stays free of file access.
 */
import type { Diagnostic } from '../../core/diagnostic.js';
import type { Style } from '../style.js';

/** The lines of a file as the user wrote them, or undefined when unknown. */
export type SourceLines = (file: string) => readonly string[] | undefined;

/** Lines longer than this are cut around the caret so a 1 MB line stays readable. */
const MAX_EXCERPT_WIDTH = 160;
/** Messages quote words from the file; a 1 MB word is cut to this many characters. */
const MAX_MESSAGE_LENGTH = 400;

function clip(s: string): string {
  return s.length > MAX_MESSAGE_LENGTH ? `${s.slice(0, MAX_MESSAGE_LENGTH)}… (${s.length - MAX_MESSAGE_LENGTH} more characters)` : s;
}

export function formatDiagnostic(d: Diagnostic, displayFile: string, lines: SourceLines, style: Style): string {
  const where = d.line ? `${displayFile}:${d.line}:${d.column || 1}` : displayFile;
  const repeated = typeof d.data?.['repeated'] === 'number' ? `${d.data['repeated']} × ` : '';
  const head = `${style.bold(`${where}:`)} ${style.severity(d.severity, `${d.severity}[${d.code}]`)}: ${repeated}${clip(printable(d.message))}`;
  const out = [head];
  const text = d.line && d.file ? lines(d.file)?.[d.line - 1] : undefined;
  const gutter = String(d.line || '').length + 2;
  const pad = ' '.repeat(gutter);
  if (text !== undefined) {
    const { shown, caretAt, caretLen } = excerpt(text, Math.max(1, d.column || 1));
    out.push(`${style.dim(`${String(d.line).padStart(gutter)} |`)} ${shown}`);
    out.push(`${style.dim(`${pad} |`)} ${' '.repeat(caretAt)}${style.severity(d.severity, '^'.repeat(caretLen))}`);
  }
  if (d.hint) out.push(`${style.dim(`${pad} =`)} ${style.accent('hint')}: ${clip(printable(d.hint))}`);
  return out.join('\n');
}

/**
 * The visible part of the line with tabs expanded, where the caret goes and how
 * long it is (the word under the column, at least 1).
 */
export function excerpt(line: string, column: number): { shown: string; caretAt: number; caretLen: number } {
  const clean = line.replace(/[\r\n]+$/, '');
  const start = Math.min(column - 1, clean.length);
  const word = /^\S*/.exec(clean.slice(start))?.[0] ?? '';
  let from = 0;
  let to = clean.length;
  if (clean.length > MAX_EXCERPT_WIDTH) {
    from = Math.max(0, Math.min(start - MAX_EXCERPT_WIDTH / 2, clean.length - MAX_EXCERPT_WIDTH));
    to = Math.min(clean.length, from + MAX_EXCERPT_WIDTH);
  }
  const before = printable(clean.slice(from, start));
  const body = printable(clean.slice(from, to));
  const shown = `${from > 0 ? '…' : ''}${body}${to < clean.length ? '…' : ''}`;
  const caretLen = Math.max(1, Math.min(printable(word).length, to - start));
  return { shown, caretAt: before.length + (from > 0 ? 1 : 0), caretLen };
}

/**
 * Tabs become 4 spaces; control characters become `�` so a config full of
 * binary noise cannot drive the user's terminal.
 */
export function printable(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\t/g, '    ').replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g, '\ufffd');
}
