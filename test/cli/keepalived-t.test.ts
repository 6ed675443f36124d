/**
 * vrrp-lab validate next to the real keepalived 2.2.7 -t.
 *
 * 1. Recorded cases (test/fixtures/keepalived-t/NAME.conf with NAME.verdict, the
 *    output of keepalived -t in a namespace with stand-in interfaces): lines
 *    longer than keepalived's 1024-byte read buffer, comment lines included,
 *    and unmatched quotes, the ones 2.2.7 crashes on among them. validate
 *    --keepalived-exit must exit as keepalived did, and flag every line
 *    keepalived names — a long line's leading pieces keepalived numbers with the
 *    previous line's number. `RECORD=1` rewrites the verdicts from the real
 *    binary; without it, the real binary (when it can run here) must still give
 *    the recorded exit status.
 * 2. The sample configurations keepalived ships (KEEPALIVED_SAMPLES, default
 *    Debian's /usr/share/doc/keepalived/samples), read in place: the exit status
 *    of validate --keepalived-exit equals real keepalived -t's (trial W6).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { flaggedLines, formatVerdict, keepalivedTest, keepalivedTestUnavailable, parseVerdictFile, physicalLines, piecesPerLine, STAND_IN_INTERFACES } from './keepalived-t.test-utils.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'keepalived-t');
const SAMPLES = process.env['KEEPALIVED_SAMPLES'] ?? '/usr/share/doc/keepalived/samples';
const CASES = readdirSync(FIXTURES).filter((f) => f.endsWith('.conf')).sort();

interface Ours {
  readonly exit: number;
  readonly lines: ReadonlySet<number>;
  readonly crashHint: boolean;
}

async function validate(file: string): Promise<Ours> {
  const io = captureIo();
  const exit = await main(['validate', '--keepalived-exit', '--json', '--no-table', '--host-interfaces', STAND_IN_INTERFACES.join(','), file], io);
  const doc = JSON.parse(io.out()) as { files: Array<{ diagnostics: Array<{ line: number; message: string; hint?: string }> }> };
  const diagnostics = doc.files.flatMap((f) => f.diagnostics);
  return { exit, lines: new Set(diagnostics.map((d) => d.line)), crashHint: diagnostics.some((d) => `${d.message} ${d.hint ?? ''}`.includes('crashes')) };
}

describe('recorded keepalived -t verdicts', () => {
  const record = process.env['RECORD'] === '1';
  for (const name of CASES) {
    const file = join(FIXTURES, name);
    const verdictFile = file.replace(/\.conf$/, '.verdict');
    it(`${name}: same exit status, every line keepalived names is flagged`, async () => {
      if (record) writeFileSync(verdictFile, formatVerdict(keepalivedTest(file)));
      const verdict = parseVerdictFile(readFileSync(verdictFile, 'utf8'));
      const ours = await validate(file);
      expect(ours.exit, `keepalived -t exited ${verdict.exit}:\n${verdict.output}`).toBe(verdict.exit);
      expect(ours.crashHint, 'say "crashes" exactly where keepalived -t crashes').toBe(verdict.exit === 139);
      const pieces = piecesPerLine(readFileSync(file));
      const missed = flaggedLines(verdict.output).filter((hit) => !physicalLines(hit, pieces).some((l) => ours.lines.has(l)));
      expect(missed, 'lines keepalived names that validate does not flag').toEqual([]);
    });
  }

  const why = keepalivedTestUnavailable();
  it.skipIf(why !== undefined || record)(`the real keepalived -t still exits as recorded${why ? ` (skipped: ${why})` : ''}`, () => {
    const drift = CASES.flatMap((name) => {
      const file = join(FIXTURES, name);
      const recorded = parseVerdictFile(readFileSync(file.replace(/\.conf$/, '.verdict'), 'utf8')).exit;
      const now = keepalivedTest(file).exit;
      return now === recorded ? [] : [`${name}: recorded ${recorded}, now ${now}`];
    });
    expect(drift).toEqual([]);
  }, 120_000);
});

describe('the samples keepalived ships: validate --keepalived-exit exits as keepalived -t does (W6)', () => {
  const samples = existsSync(SAMPLES) ? readdirSync(SAMPLES).filter((f) => f.startsWith('keepalived.conf.')).sort() : [];
  const why = keepalivedTestUnavailable() ?? (samples.length === 0 ? `no samples in ${SAMPLES} (set KEEPALIVED_SAMPLES)` : undefined);
  it.skipIf(why !== undefined)(`every sample${why ? ` (skipped: ${why})` : ''}`, async () => {
    const rows: string[] = [];
    for (const name of samples) {
      const file = join(SAMPLES, name);
      const real = keepalivedTest(file);
      const ours = await validate(file);
      rows.push(`${name}: keepalived -t ${real.exit}, validate --keepalived-exit ${ours.exit}`);
    }
    const differ = rows.filter((r) => !/ (\d+), validate --keepalived-exit \1$/.test(r));
    expect(differ, rows.join('\n')).toEqual([]);
    expect(samples.length).toBeGreaterThanOrEqual(20);
  }, 120_000);

  // trial W4: `validate --no-table keepalived.conf.sample` (delay_loop 6, connect_timeout 3, retry 3, delay_before_retry 3)
  it.skipIf(!samples.includes('keepalived.conf.sample'))('keepalived.conf.sample: the worst-case detection time, and no advice to raise delay_loop', async () => {
    const io = captureIo();
    await main(['validate', '--json', '--no-table', join(SAMPLES, 'keepalived.conf.sample')], io);
    const doc = JSON.parse(io.out()) as { files: Array<{ diagnostics: Array<{ code: string; message: string; hint?: string }> }> };
    const slow = doc.files.flatMap((f) => f.diagnostics).filter((d) => d.code === 'lvs-check-slower-than-loop');
    expect(slow.length).toBeGreaterThan(0);
    for (const d of slow) {
      expect(d.message).toContain('up to 27 s — delay_loop 6 s until the next check, then 4 attempts × 3 s connect_timeout + 3 × 3 s delay_before_retry = 21 s');
      expect(d.hint).not.toMatch(/raise delay_loop/);
    }
  });
});
