import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../core/errors.js';
import { readInputFile } from './read-input.js';

describe('readInputFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'read-input-'));
  const file = join(dir, 'cib.xml');
  writeFileSync(file, '<cib/>\n');

  it('reads a file within the bound', () => {
    expect(readInputFile(file, 'the CIB', 100)).toBe('<cib/>\n');
  });

  it('names the file as the user wrote it when it is missing, a directory or too large', () => {
    const cases: Array<[() => string, RegExp]> = [
      [() => readInputFile(join(dir, 'nope.xml'), 'the CIB', 100, 'nope.xml'), /^cannot read the CIB 'nope\.xml': ENOENT$/],
      [() => readInputFile(dir, 'the CIB', 100, 'conf.d'), /^the CIB 'conf\.d' is a directory, not a file$/],
      [() => readInputFile(file, 'the CIB', 3, 'cib.xml'), /^the CIB 'cib\.xml' is 7 bytes; files above 3 bytes are not read$/],
    ];
    for (const [read, message] of cases) {
      expect(read).toThrow(UsageError);
      expect(read).toThrow(message);
    }
  });
});
