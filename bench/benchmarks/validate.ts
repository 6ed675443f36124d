/**
 * Validation throughput over a corpus of keepalived configs: the checks alone
 * (in-process), the whole CLI run (in-process, JSON rendering included), and,
 * when keepalived is installed, `keepalived -t -f FILE` run file by file for
 * comparison.
 *
 * Corpus: the folder in KEEPALIVED_CORPUS (every `*.conf` below it), else the
 * project's own fixtures.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { captureIo } from '../../src/cli/io.js';
import { validatePaths } from '../../src/cli/validate/run-validation.js';
import { measure, type Benchmark, type BenchMetric } from '../harness.js';

function configsBelow(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.conf'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

function onPath(program: string, pathEnv: string | undefined): string | undefined {
  for (const dir of (pathEnv ?? '').split(':')) if (dir && existsSync(join(dir, program))) return join(dir, program);
  return undefined;
}

/** keepalived -t once per file (it reads one config per run); wall time in seconds. */
function timeKeepalived(binary: string, files: readonly string[]): number {
  const t0 = process.hrtime.bigint();
  for (const f of files) spawnSync(binary, ['-t', '-f', f], { stdio: 'ignore', timeout: 10_000 });
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

export const validateBenchmark: Benchmark = {
  name: 'validate',
  description: 'validation throughput (lines/s, files/s) over a keepalived.conf corpus, and the ratio to keepalived -t',
  async run(ctx) {
    const corpus = ctx.env['KEEPALIVED_CORPUS'] ?? join(ctx.root, 'test', 'fixtures');
    const files = configsBelow(corpus);
    if (files.length === 0) throw new Error(`no *.conf files below ${corpus}`);
    const lines = files.reduce((n, f) => n + readFileSync(f, 'latin1').split('\n').length, 0);
    ctx.log(`  corpus: ${files.length} files, ${lines} lines from ${corpus}`);
    const checks = await measure(() => validatePaths(files, { separate: true }));
    const cli = await measure(() => main(['validate', '--separate', '--json', ...files], captureIo()));
    const metrics: BenchMetric[] = [
      { name: 'checks: lines/s', value: lines / checks, unit: 'lines/s' },
      { name: 'checks: files/s', value: files.length / checks, unit: 'files/s' },
      { name: 'checks: corpus', value: checks * 1000, unit: 'ms' },
      { name: 'cli --json: corpus', value: cli * 1000, unit: 'ms' },
    ];
    const notes = [`corpus ${corpus}: ${files.length} files, ${lines} lines; fastest of repeated runs (at least 3, at least 1 s) after a warm-up`];
    const keepalived = onPath('keepalived', ctx.env['PATH']);
    if (keepalived) {
      ctx.log(`  timing ${keepalived} -t -f FILE for ${files.length} files …`);
      const kt = timeKeepalived(keepalived, files);
      metrics.push({ name: 'keepalived -t: corpus', value: kt * 1000, unit: 'ms' }, { name: 'speed-up vs keepalived -t', value: kt / checks, unit: '×' });
      notes.push('keepalived -t runs once per file (one process each), timed once');
    } else {
      notes.push('keepalived is not on PATH: no comparison with keepalived -t');
    }
    return { metrics, notes };
  },
};
