/**
 * Property: whatever bytes a config holds, `vrrp-lab validate` answers with
 * diagnostics or a clean result — exit 0, 1 or 2, a JSON document that parses,
 * no exception, no stack trace — and answers quickly.
 *
 * Inputs are real configs (the seed fixtures, this suite's fixtures and the
 * keepalived-cases) mutated the way files really break: cut short, braces lost,
 * binary noise, a 1 MB line, keywords swapped for others.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { captureIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

const ROOT = join(import.meta.dirname, '..', '..');

function confsBelow(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.conf'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

const INLINE = [
  'vrrp_instance VI_1 {\n state MASTER\n interface eth0\n virtual_router_id 51\n priority 150\n virtual_ipaddress {\n  192.0.2.1/24\n }\n}\n',
  'virtual_server 192.0.2.80 80 {\n lb_kind DR\n quorum 9\n real_server 192.0.2.21 8080 {\n  TCP_CHECK {\n   connect_timeout 30\n  }\n }\n}\n',
];

const corpus: string[] = [
  ...INLINE,
  ...[...confsBelow(join(ROOT, 'test', 'fixtures', 'seeds')), ...confsBelow(join(ROOT, 'test', 'cli', 'fixtures')), ...confsBelow(join(ROOT, 'test', 'fixtures', 'keepalived-cases'))]
    .slice(0, 60)
    .map((f) => readFileSync(f, 'latin1')),
];

const KEYWORDS = [
  'vrrp_instance', 'vrrp_script', 'virtual_server', 'real_server', 'state', 'priority', 'interface', 'virtual_router_id',
  'track_script', 'weight', 'unicast_peer', 'authentication', 'auth_pass', 'include', '{', '}', 'lb_kind', 'quorum',
  'TCP_CHECK', 'MISC_CHECK', 'global_defs', 'vrrp_sync_group', '$X=1', '@node1', '"', '\\',
];

type Mutation = (text: string) => string;

const truncate = fc.nat().map((n): Mutation => (t) => t.slice(0, t.length === 0 ? 0 : n % t.length));
const dropBrace = fc.nat().map((n): Mutation => (t) => {
  const braces = [...t.matchAll(/[{}]/g)].map((m) => m.index);
  if (braces.length === 0) return t;
  const at = braces[n % braces.length]!;
  return t.slice(0, at) + t.slice(at + 1);
});
const noise = fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 64 })).map(([n, bytes]): Mutation => (t) => {
  const at = t.length === 0 ? 0 : n % t.length;
  return t.slice(0, at) + Buffer.from(bytes).toString('latin1') + t.slice(at);
});
const ONE_MB = 1 << 20;
/** A 1 MB line of one character (braces are tested apart below: each one is a logical line). */
const hugeLine = fc.tuple(fc.nat(), fc.constantFrom('a', ' ', '"', '#', '1', 'priority 1 ')).map(([n, ch]): Mutation => (t) => {
  const lines = t.split('\n');
  lines.splice(n % (lines.length + 1), 0, ch.repeat(Math.ceil(ONE_MB / ch.length)));
  return lines.join('\n');
});
const swapKeyword = fc.tuple(fc.nat(), fc.constantFrom(...KEYWORDS)).map(([n, kw]): Mutation => (t) => {
  const words = [...t.matchAll(/[A-Za-z_]+/g)];
  if (words.length === 0) return `${kw} ${t}`;
  const w = words[n % words.length]!;
  return t.slice(0, w.index) + kw + t.slice(w.index + w[0].length);
});

const mutation = fc.oneof(truncate, dropBrace, noise, swapKeyword, hugeLine);
const mutated = fc
  .tuple(fc.constantFrom(...corpus), fc.array(mutation, { minLength: 1, maxLength: 4 }))
  .map(([text, ms]) => ms.reduce((acc, m) => m(acc), text));

const dir = mkdtempSync(join(tmpdir(), 'vrrp-lab-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;
function writeTemp(text: string): string {
  const file = join(dir, `case-${counter++}.conf`);
  writeFileSync(file, Buffer.from(text, 'latin1'));
  return file;
}

const STACK = /\n\s+at .+[:(]\d+:\d+\)?/;
/**
 * Generous: a normal run takes milliseconds and a 1 MB line well under a second;
 * this only catches runaway work (a loop that does not end, quadratic blow-ups),
 * with room for a loaded CI machine.
 */
const QUICK_MS = 10_000;

/** fast-check prints the seed of a failing run; FC_SEED=<seed> replays it. */
const replay = process.env['FC_SEED'] ? { seed: Number(process.env['FC_SEED']) } : {};

describe('validate on mutated configs (property)', { timeout: 120_000 }, () => {
  it('answers every mutated config with diagnostics or a clean result, in JSON', async () => {
    await fc.assert(
      fc.asyncProperty(mutated, async (text) => {
        const file = writeTemp(text);
        const io = captureIo();
        const started = performance.now();
        const code = await main(['validate', '--json', file], io);
        expect(performance.now() - started).toBeLessThan(QUICK_MS);
        expect([0, 1, 2]).toContain(code);
        expect(io.err()).not.toMatch(STACK);
        expect(io.err()).not.toContain('internal error');
        const doc = JSON.parse(io.out()) as { files: Array<{ file: string; diagnostics: unknown[] }>; summary: { exitCode: number } };
        expect(doc.files[0]!.file).toBe(file);
        expect(doc.summary.exitCode).toBe(code);
      }),
      { numRuns: 60, ...replay },
    );
  });

  it('renders text for mutated configs next to a healthy peer (cross-file checks, excerpts)', async () => {
    const healthy = writeTemp(INLINE[0]!);
    await fc.assert(
      fc.asyncProperty(mutated, async (text) => {
        const file = writeTemp(text);
        const io = captureIo();
        const code = await main(['validate', healthy, file], io);
        expect([0, 1, 2]).toContain(code);
        expect(io.err()).not.toMatch(STACK);
        expect(io.err()).not.toContain('internal error');
        expect(io.out()).toMatch(/files? checked/);
        // Excerpts are cut around the caret: a 1 MB line never reaches the terminal whole.
        expect(Math.max(...io.out().split('\n').map((l) => l.length))).toBeLessThan(4_000);
      }),
      { numRuns: 30, ...replay },
    );
  });

  // keepalived splits a line at every brace, so a 1 MB line of braces is a
  // million logical lines. The config layer bounds both the lines it reads and
  // the findings it keeps, so such a file ends in a short report, not millions
  // of diagnostics (how long it takes is measured by `npm run bench`, not here).
  it.each([['{'], ['}']])('answers a 1 MB line of %s with a bounded report', async (brace) => {
    const file = writeTemp(`vrrp_instance VI_1 {\n${brace.repeat(ONE_MB)}\n}\n`);
    const io = captureIo();
    const code = await main(['validate', '--json', file], io);
    expect(code).toBe(1);
    const doc = JSON.parse(io.out()) as { files: Array<{ diagnostics: Array<{ code: string }> }>; summary: { errors: number } };
    expect(doc.summary.errors).toBeLessThanOrEqual(10_001);
    expect(doc.files[0]!.diagnostics.length).toBeLessThanOrEqual(500);
    expect(io.err()).not.toMatch(STACK);
  });

  const built = join(ROOT, 'dist', 'src', 'cli', 'main.js');
  it.skipIf(!existsSync(built))('behaves the same in the built binary (a handful of runs)', () => {
    const samples = fc.sample(mutated, { numRuns: 5, seed: 7 });
    for (const text of samples) {
      const file = writeTemp(text);
      let status = 0;
      let stdout = '';
      let stderr = '';
      try {
        stdout = execFileSync(process.execPath, [join(ROOT, 'bin', 'vrrp-lab.js'), 'validate', '--json', file], { encoding: 'utf8', timeout: 20_000, stdio: 'pipe', maxBuffer: 1 << 28 });
      } catch (e) {
        const err = e as { status: number | null; stdout: string; stderr: string };
        status = err.status ?? -1;
        stdout = err.stdout;
        stderr = err.stderr;
      }
      expect([0, 1, 2]).toContain(status);
      expect(stderr).not.toMatch(STACK);
      expect(JSON.parse(stdout)).toHaveProperty('summary.exitCode', status);
    }
  });
});
