/**
 * Corpus agreement with keepalived 2.2.7 `-t` (see agreement.ts for the
 * metric). The corpus is read in place from the directory named by the
 * KEEPALIVED_CORPUS environment variable; without it the test is skipped.
 */
import { describe, expect, it } from 'vitest';
import { corpusAgreement, formatMisses } from './agreement.js';

const dir = process.env.KEEPALIVED_CORPUS;
const TARGET = 0.95;

describe.skipIf(!dir)('keepalived -t corpus agreement', () => {
  it(`flags at least ${TARGET * 100}% of the lines keepalived flags, and no errors on clean files`, () => {
    const r = corpusAgreement(dir as string);
    const summary = `recall ${(r.recall * 100).toFixed(1)}% (${r.matched}/${r.expected} lines, ${r.files} files, ${r.elapsedMs.toFixed(0)} ms); errors on exit-0 files: ${r.errorsOnCleanFiles.length}`;
    console.log(summary);
    const bare = corpusAgreement(dir as string, {});
    console.log(`without a host description (host checks not run): recall ${(bare.recall * 100).toFixed(1)}% (${bare.matched}/${bare.expected}); errors on exit-0 files: ${bare.errorsOnCleanFiles.length}`);
    if (r.recall < 1 || r.errorsOnCleanFiles.length > 0) console.log(formatMisses(r));
    expect(r.files).toBeGreaterThan(0);
    expect(r.recall, summary).toBeGreaterThanOrEqual(TARGET);
    expect(r.errorsOnCleanFiles, summary).toEqual([]);
  });
});

if (!dir) {
  describe('keepalived -t corpus agreement', () => {
    it.skip('set KEEPALIVED_CORPUS to a directory with files/ and verdicts/ to run', () => {});
  });
}
