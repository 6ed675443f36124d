/**
 * Differential run against the keepalived binary on this machine. Opt-in
 * (it needs keepalived 2.2.7 and the corpus): KEEPALIVED_CORPUS=dir
 * KEEPALIVED_DIFFERENTIAL=<count> [SEED=n].
 */
import { describe, expect, it } from 'vitest';
import { differential } from './differential.js';

const dir = process.env.KEEPALIVED_CORPUS;
const count = Number(process.env.KEEPALIVED_DIFFERENTIAL ?? 0);
const seed = Number(process.env.SEED ?? 1);

describe.skipIf(!dir || !count)('differential against keepalived -t', () => {
  it(`agrees on mutated corpus files (seed ${seed})`, () => {
    const r = differential(dir as string, { seed, count });
    const recall = r.expected === 0 ? 1 : r.matched / r.expected;
    console.log(`SEED=${seed} mutants ${r.mutants}, recall ${(recall * 100).toFixed(1)}% (${r.matched}/${r.expected}), errors on exit-0 mutants: ${r.errorsOnClean.length}`);
    for (const m of r.misses) console.log(`seed ${m.seed} (${m.mutant}) line ${m.line}: ${m.message} | ours: ${m.ours.join('; ')}`);
    for (const e of r.errorsOnClean) console.log(`seed ${e.seed} (${e.mutant}) exit 0 but: ${e.diagnostic}`);
    expect(recall).toBeGreaterThanOrEqual(0.95);
  }, 600_000);
});

const dump = process.env.KEEPALIVED_DUMP_SEED;
describe.skipIf(!dir || !dump)('dump a mutant', () => {
  it('writes the mutant for KEEPALIVED_DUMP_SEED to mutant.conf in the temp directory', async () => {
    const { writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const { mutantFor } = await import('./differential.js');
    const m = mutantFor(dir as string, Number(dump));
    writeFileSync(join(tmpdir(), 'mutant.conf'), m.text);
    console.log(`mutant of ${m.name}`);
  });
});
