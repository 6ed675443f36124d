/**
 * A small benchmark harness: named benchmarks, each one file under
 * `bench/benchmarks/`, listed in `bench/benchmarks/index.ts`.
 *
 * A benchmark returns numbers with units; the harness times nothing itself, so
 * each benchmark measures exactly what it claims (warm-up, repetitions and the
 * clock are its own business, with `measure` as the usual helper).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface BenchMetric {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
}

export interface BenchResult {
  readonly metrics: readonly BenchMetric[];
  /** Facts a reader needs to trust the numbers: corpus, repetitions, what was skipped. */
  readonly notes: readonly string[];
}

export interface BenchContext {
  /** The project folder (where package.json is). */
  readonly root: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Progress for humans; silent with --json. */
  log(message: string): void;
}

export interface Benchmark {
  /** kebab-case, used on the command line: `npm run bench -- validate`. */
  readonly name: string;
  readonly description: string;
  run(ctx: BenchContext): Promise<BenchResult>;
}

/**
 * Runs `fn` once to warm up, then again until at least `minRuns` runs and
 * `minSeconds` of measured time, and returns the fastest run in seconds (the
 * least disturbed by GC, JIT and the machine's other work).
 */
export async function measure(fn: () => unknown, options: { minRuns?: number; minSeconds?: number } = {}): Promise<number> {
  const minRuns = options.minRuns ?? 3;
  const minSeconds = options.minSeconds ?? 1;
  await fn();
  let best = Number.POSITIVE_INFINITY;
  let total = 0;
  for (let runs = 0; runs < minRuns || total < minSeconds; runs++) {
    const t0 = process.hrtime.bigint();
    await fn();
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    best = Math.min(best, s);
    total += s;
  }
  return best;
}

/** The project root, found upward from this file (works from `bench/` and `dist/bench/`). */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'vrrp-lab') return dir;
    const up = dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
}
