/**
 * `npm run bench [-- NAME... | --list | --json]`: runs the registered benchmarks
 * (all by default) and prints one table of numbers, or JSON for machines.
 */
import { benchmarks } from './benchmarks/index.js';
import { projectRoot, type BenchResult } from './harness.js';

interface Outcome {
  readonly benchmark: string;
  readonly result?: BenchResult;
  readonly error?: string;
}

async function run(argv: readonly string[]): Promise<number> {
  const json = argv.includes('--json');
  if (argv.includes('--list') || argv.includes('--help')) {
    for (const b of benchmarks) process.stdout.write(`${b.name.padEnd(24)} ${b.description}\n`);
    return 0;
  }
  const names = argv.filter((a) => !a.startsWith('--'));
  const unknown = names.filter((n) => !benchmarks.some((b) => b.name === n));
  if (unknown.length > 0) {
    process.stderr.write(`bench: unknown benchmark ${unknown.join(', ')} (known: ${benchmarks.map((b) => b.name).join(', ')})\n`);
    return 2;
  }
  const selected = names.length === 0 ? benchmarks : benchmarks.filter((b) => names.includes(b.name));
  const ctx = { root: projectRoot(), env: process.env, log: (m: string) => void (json ? undefined : process.stderr.write(`${m}\n`)) };
  const outcomes: Outcome[] = [];
  for (const b of selected) {
    ctx.log(`running ${b.name} …`);
    try {
      outcomes.push({ benchmark: b.name, result: await b.run(ctx) });
    } catch (e) {
      outcomes.push({ benchmark: b.name, error: e instanceof Error ? e.message : String(e) });
    }
  }
  process.stdout.write(json ? `${JSON.stringify({ benchmarks: outcomes }, null, 2)}\n` : formatTable(outcomes));
  return outcomes.some((o) => o.error !== undefined) ? 1 : 0;
}

function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Math.abs(v) >= 100) return Math.round(v).toLocaleString('en-US');
  return v.toPrecision(3);
}

function formatTable(outcomes: readonly Outcome[]): string {
  const rows: string[][] = [['benchmark', 'metric', 'value', 'unit']];
  const notes: string[] = [];
  for (const o of outcomes) {
    if (o.error !== undefined) rows.push([o.benchmark, 'FAILED', '', o.error]);
    for (const m of o.result?.metrics ?? []) rows.push([o.benchmark, m.name, formatNumber(m.value), m.unit]);
    for (const n of o.result?.notes ?? []) notes.push(`${o.benchmark}: ${n}`);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const lines = rows.map((r) => r.map((s, c) => (c === 2 ? s.padStart(widths[c]!) : s.padEnd(widths[c]!))).join('  ').trimEnd());
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  return `${lines.join('\n')}\n${notes.length ? `\n${notes.join('\n')}\n` : ''}`;
}

process.exitCode = await run(process.argv.slice(2));
