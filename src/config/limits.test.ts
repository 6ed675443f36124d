import { describe, expect, it } from 'vitest';
import { binaryVerdict, parseConfig } from './config.js';
import { DiagnosticSink, MAX_DIAGNOSTICS } from './source.js';

describe('a pathological input gives a short, honest answer (trial F10, P5)', () => {
  it('F10: one line of 12 000 braces folds into one finding with its count, and the verdict comes first', () => {
    const text = `vrrp_instance VI_1 {\n${'{'.repeat(12_000)}\n${'}'.repeat(12_000)}\n`;
    const r = parseConfig(text, { file: 'deep.conf' });
    expect(r.diagnostics[0]).toMatchObject({ code: 'too-many-diagnostics', line: 0, message: `more than ${MAX_DIAGNOSTICS} problems: is this really a keepalived configuration file?` });
    const braces = r.diagnostics.filter((d) => d.code === 'unexpected-open-brace');
    expect(braces).toHaveLength(1);
    expect(braces[0]?.data?.['repeated']).toBe(12_000);
    expect(r.diagnostics.length).toBeLessThan(20);
  });

  it('folds only the same finding on the same line; exact repeats (keepalived\'s passes) are not counted twice', () => {
    const sink = new DiagnosticSink();
    for (const column of [1, 5, 5, 9]) sink.report('x', 'error', { file: 'f', line: 2, column }, 'same');
    sink.report('x', 'error', { file: 'f', line: 3, column: 1 }, 'same');
    sink.report('x', 'error', { file: 'f', line: 2, column: 1 }, 'other');
    expect(sink.diagnostics.map((d) => [d.line, d.message, d.data?.['repeated']])).toEqual([[2, 'same', 3], [3, 'same', undefined], [2, 'other', undefined]]);
  });

  it('P5: random bytes are "a binary file?" in one finding, not hundreds of lines of noise', () => {
    let seed = 7;
    const bytes = Buffer.from(Array.from({ length: 4096 }, () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 256));
    const r = parseConfig(bytes.toString('utf8'), { file: 'garbage.bin' });
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]?.code).toBe('binary-file');
    expect(r.diagnostics[0]?.message).toMatch(/^this looks like a binary file, not a keepalived configuration \(\d+% of its first \d+ characters are not text, the first NUL byte at offset \d+\); not read$/);
  });

  it('a stray NUL in a text file is read as keepalived reads it', () => {
    expect(binaryVerdict('vrrp_instance VI_1 {\n  state MASTER\u0000\n}\n')).toBeUndefined();
    expect(binaryVerdict('')).toBeUndefined();
  });
});
