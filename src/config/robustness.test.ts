/** parseConfig never throws, whatever the text, and every diagnostic is located. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KEYWORDS } from './schema.js';
import { parse } from './config.test-utils.js';

const words = [...new Set(Object.values(KEYWORDS).flatMap((t) => Object.keys(t)))];
const pieces = fc.oneof(
  fc.constantFrom(...words),
  fc.constantFrom('{', '}', '"', "'", '#', '!', '\\', '$X', '${X}', '$X=1', '@a', '@^a', 'include x', '\r\n', '\n', ' ', '\t', '0', '-1', '255', '1.5', '192.0.2.1/24'),
  fc.string({ maxLength: 8 }),
);

describe('robustness', () => {
  it('never throws and locates every diagnostic, on keyword soup', () => {
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 120 }), (parts) => {
        const r = parse(parts.join(' '));
        for (const d of r.diagnostics) {
          expect(d.file).toBe('keepalived.conf');
          expect(d.line).toBeGreaterThanOrEqual(0);
        }
      }),
      { numRuns: 300, seed: 42 },
    );
  });

  it('never throws on arbitrary unicode text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 2000 }), (s) => void parse(s)), { numRuns: 200, seed: 7 });
  }, 30_000); // 200 parses: about 4 s on a loaded 2-core machine; the test is about throwing, not speed (npm run bench times the parser)
});
