/**
 * Start-up time of the command a user types most: `vrrp-lab --help` and
 * `vrrp-lab validate ONE.conf`, each a fresh `node bin/vrrp-lab.js` process, against
 * a bare `node -e 0` on the same machine at the same moment (issue 11.5: within
 * 60 ms of it, median of 5).
 *
 * The three commands run interleaved, round after round, so a burst of load from
 * elsewhere on the machine falls on all three alike; each figure is the median
 * wall time of its runs. The file is seed 003's lb1.conf (an LVS director: VRRP
 * plus virtual_server blocks), or the one in STARTUP_CONF. STARTUP_RUNS sets the
 * rounds (default 5).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Benchmark, BenchMetric } from '../harness.js';

function wallMs(args: readonly string[], cwd: string): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd, stdio: 'ignore', timeout: 30_000 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0 && r.status !== 1) throw new Error(`node ${args.join(' ')} exited ${String(r.status ?? r.signal)}`);
  return ms;
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export const startupBenchmark: Benchmark = {
  name: 'startup',
  description: 'vrrp-lab --help and validate ONE.conf as fresh processes: medians against a bare node -e 0',
  async run(ctx) {
    const bin = join(ctx.root, 'bin', 'vrrp-lab.js');
    const conf = ctx.env['STARTUP_CONF'] ?? join(ctx.root, 'scenarios', 'seed-003-lvs-directors', 'lb1.conf');
    const rounds = Math.max(1, Number(ctx.env['STARTUP_RUNS'] ?? 5) || 5);
    const cases = { node: ['-e', '0'], help: [bin, '--help'], validate: [bin, 'validate', conf] };
    const times = { node: [] as number[], help: [] as number[], validate: [] as number[] };
    for (const args of Object.values(cases)) wallMs(args, ctx.root); // warm the file cache
    for (let round = 0; round < rounds; round++) {
      for (const [name, args] of Object.entries(cases)) times[name as keyof typeof times].push(wallMs(args, ctx.root));
    }
    const base = median(times.node);
    const metrics: BenchMetric[] = [{ name: 'node -e 0', value: base, unit: 'ms' }];
    for (const name of ['help', 'validate'] as const) {
      const label = name === 'help' ? '--help' : 'validate ONE.conf';
      const m = median(times[name]);
      metrics.push(
        { name: label, value: m, unit: 'ms' },
        { name: `${label} − node -e 0`, value: m - base, unit: 'ms' },
        { name: `${label} ÷ node -e 0`, value: m / base, unit: '×' },
      );
    }
    return { metrics, notes: [`median wall time of ${rounds} interleaved rounds (after one warm-up round), fresh processes; ONE.conf = ${conf}; target: within 60 ms of node -e 0`] };
  },
};
