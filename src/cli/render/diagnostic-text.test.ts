import { describe, expect, it } from 'vitest';
import { excerpt, formatDiagnostic, printable } from './diagnostic-text.js';
import { plainStyle } from '../style.js';

describe('formatDiagnostic', () => {
  const lines = (file: string) => (file === 'lb1.conf' ? ['vrrp_instance VI_1 {', '    state EQUAL', '}'] : undefined);

  it('prints location, severity, code, the source line, a caret under the word, and the hint', () => {
    const text = formatDiagnostic(
      { code: 'unknown-state', severity: 'error', message: "unknown state 'EQUAL'", file: 'lb1.conf', line: 2, column: 11, hint: 'use MASTER or BACKUP' },
      'seeds/lb1.conf',
      lines,
      plainStyle,
    );
    expect(text).toBe(
      [
        "seeds/lb1.conf:2:11: error[unknown-state]: unknown state 'EQUAL'",
        '  2 |     state EQUAL',
        '    |           ^^^^^',
        '    = hint: use MASTER or BACKUP',
      ].join('\n'),
    );
  });

  it('prints only the header for a finding without a line', () => {
    expect(formatDiagnostic({ code: 'file-unreadable', severity: 'error', message: 'cannot read x', file: 'x', line: 0, column: 0 }, 'x', lines, plainStyle)).toBe(
      'x: error[file-unreadable]: cannot read x',
    );
  });

  it('cuts messages that quote a huge word', () => {
    const text = formatDiagnostic({ code: 'c', severity: 'warning', message: `bad '${'a'.repeat(5000)}'` }, 'f', lines, plainStyle);
    expect(text.length).toBeLessThan(600);
    expect(text).toContain('more characters)');
  });
});

describe('excerpt', () => {
  it('expands tabs before placing the caret', () => {
    expect(excerpt('\tpriority 100', 2)).toEqual({ shown: '    priority 100', caretAt: 4, caretLen: 8 });
  });

  it('cuts a very long line around the caret', () => {
    const line = `${'x'.repeat(100_000)} bad ${'y'.repeat(100_000)}`;
    const e = excerpt(line, 100_002);
    expect(e.shown.length).toBeLessThan(200);
    expect(e.shown.slice(e.caretAt, e.caretAt + 3)).toBe('bad');
  });

  it('points past the end of a short line without failing', () => {
    expect(excerpt('ab', 10)).toEqual({ shown: 'ab', caretAt: 2, caretLen: 1 });
  });
});

describe('printable', () => {
  it('replaces control characters so binary noise cannot drive the terminal', () => {
    expect(printable('a\u0000b\u001b[31mc\u009bd')).toBe('a\ufffdb\ufffd[31mc\ufffdd');
  });
});
