/**
 * Property: whatever arguments `vrrp-lab ipvs` gets — server specs with bad
 * names, weights, counts, thresholds or addresses, duplicate servers, unknown
 * schedulers, --change lines naming absent servers or coming too late, huge
 * numbers, junk — it ends quickly with either a result (exit 0: one pick per
 * connection, each a server that was in the list or none) or one located
 * error line (exit 2), and never a stack trace or an internal error.
 *
 * Arguments are built from fragments that are each valid or nearly valid, so a
 * good share of runs get past parsing and into the scheduling loop.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { captureIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

const STACK = /\n\s+at .+[:(]\d+:\d+\)?/;
/** fast-check prints the seed of a failing run; FC_SEED=<seed> replays it. */
const replay = process.env['FC_SEED'] ? { seed: Number(process.env['FC_SEED']) } : {};

const NAMES = ['a', 'b', 'c', 'web-1', 'x.y', 'a b', '', 'é', 'a@b', 'a:b', '@', '-'];
const SCHEDULERS = ['rr', 'wrr', 'lc', 'wlc', 'sed', 'nq', 'fo', 'ovf', 'sh', 'dh', 'mh', 'lblc', 'lblcr', 'twos', 'WLC', 'nope', ''];
const numberish = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 8 }).map(String) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 70000 }).map(String) },
  { weight: 1, arbitrary: fc.constantFrom('', '-1', '1e3', '0x10', '1.5', '99999999999999999999', '2147483648', ' 1', 'NaN', 'x') },
);
const address = fc.oneof(
  fc.tuple(fc.constant(10), fc.constant(0), fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 9 })).map((p) => p.join('.')),
  fc.constantFrom('300.1.1.1', '1.2.3', '::1', '', '1.2.3.4@5.6.7.8', '255.255.255.255', '0.0.0.0'),
);

const junkSpec = fc
  .tuple(fc.constantFrom(...NAMES), fc.option(address, { nil: undefined }), fc.array(numberish, { minLength: 0, maxLength: 6 }))
  .map(([name, at, fields]) => `${name}${at !== undefined ? `@${at}` : ''}${fields.map((f) => `:${f}`).join('')}`);
/** NAME:WEIGHT[:ACTIVE:INACTIVE[:U[:L]]] with small values: valid unless a name repeats or L > U. */
const goodSpec = fc
  .tuple(fc.constantFrom('a', 'b', 'c', 'd', 'e'), fc.integer({ min: 0, max: 6 }), fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 0, maxLength: 4 }))
  .map(([name, w, rest]) => [name, w, ...(rest.length === 1 ? [...rest, 0] : rest)].join(':'));
const serverSpec = fc.oneof({ weight: 3, arbitrary: goodSpec }, { weight: 1, arbitrary: junkSpec });

const changeSpec = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: 12 }), fc.constantFrom('add', 'edit', 'del'), serverSpec).map(([n, op, spec]) => `${n} ${op} ${op === 'del' ? spec.split(':')[0] : spec}`),
  fc.constantFrom('x del a', '1 frob a', '', '99999999999999999999 del a', '1  del   a', '-1 del a'),
);

/** One option with its value(s), as separate argv words. */
const option: fc.Arbitrary<string[]> = fc.oneof(
  { weight: 8, arbitrary: serverSpec.map((s) => ['--server', s]) },
  { weight: 3, arbitrary: changeSpec.map((s) => ['--change', s]) },
  { weight: 2, arbitrary: fc.constantFrom(...SCHEDULERS).map((s) => ['-s', s]) },
  { weight: 2, arbitrary: fc.oneof(fc.integer({ min: 0, max: 60 }).map(String), numberish, fc.constant('100001')).map((n) => ['--count', n]) },
  { weight: 1, arbitrary: fc.constantFrom('251', '509', '4093', '4096', '0', 'x').map((m) => ['--mh-table-size', m]) },
  { weight: 1, arbitrary: numberish.map((n) => ['--seed', n]) },
  { weight: 1, arbitrary: address.map((a) => ['--client', a]) },
  { weight: 1, arbitrary: address.map((a) => ['--dest', a]) },
  { weight: 2, arbitrary: fc.constantFrom<string[]>(['--close'], ['--fallback'], ['--hash-port'], ['--json'], ['--bogus'], ['--server'], ['--time-limit', '0']) },
);

const argvArb = fc
  .tuple(
    fc.constantFrom('pick', 'pick', 'pick', 'pick', 'explain', 'frob'),
    fc.option(goodSpec, { nil: undefined }),
    fc.array(option, { minLength: 0, maxLength: 8 }),
  )
  .map(([action, first, opts]) => ['ipvs', action, ...(first !== undefined ? ['--server', first] : []), ...opts.flat(), '--time-limit', '5']);

/** Names a pick may print: every server and every --change add named anywhere in the arguments. */
function namesIn(argv: readonly string[]): Set<string> {
  const names = new Set<string>();
  argv.forEach((a, i) => {
    const v = argv[i + 1] ?? '';
    if (a === '--server') names.add(v.split(':')[0]!.split('@')[0]!);
    if (a === '--change') names.add((v.trim().split(/\s+/)[2] ?? '').split(':')[0]!.split('@')[0]!);
  });
  return names;
}

describe('vrrp-lab ipvs on fuzzed arguments (property)', { timeout: 120_000 }, () => {
  it('answers with picks (exit 0) or one located error line (exit 2), never a stack', async () => {
    let answered = 0;
    await fc.assert(
      fc.asyncProperty(argvArb, async (argv) => {
        const io = captureIo();
        const code = await main(argv, io);
        const err = io.err();
        expect(err).not.toMatch(STACK);
        expect(err).not.toContain('internal error');
        expect([0, 2]).toContain(code);
        if (code === 2) {
          const lines = err.trimEnd().split('\n');
          expect(lines[0]).toMatch(/^vrrp-lab(?: ipvs)?: error: \S/);
          expect(lines.slice(1).every((l) => l === "(run 'vrrp-lab ipvs --help' for usage)")).toBe(true);
          return;
        }
        answered++;
        expect(err).toBe('');
        if (!argv.includes('--json')) return;
        const doc = JSON.parse(io.out()) as { picks?: (string | null)[]; chosen?: string | null };
        const allowed = namesIn(argv);
        const chosen = argv[1] === 'pick' ? doc.picks! : [doc.chosen!];
        for (const p of chosen) if (p !== null) expect(allowed).toContain(p);
      }),
      { numRuns: 500, ...replay },
    );
    // The generator is meant to reach the scheduling loop, not only the parser.
    expect(answered).toBeGreaterThan(50);
  });
});
