/**
 * `vrrp-lab test [PATH...]`: every `.scenario` file under the paths as a test
 * suite — a line per file as it finishes, the failures with their file:line,
 * the timeline excerpt and the command that reruns them, then a summary line
 * `N passed, N failed[, N skipped]`. `--junit FILE` writes one testsuite per
 * file and one testcase per `expect` line, for CI systems.
 *
 *     vrrp-lab test scenarios/ --junit reports/scenarios.xml
 *     vrrp-lab test --backend docker --engine keepalived scenarios/classic
 */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { UsageError } from '../../core/errors.js';
import type { NodeBackend } from '../../spec/node-spec.js';
import type { CliCommand, CommandContext } from '../command.js';
import { EXIT_FINDINGS, EXIT_OK } from '../exit-codes.js';
import { suiteToJunit, writeJunit } from '../junit-report.js';
import { outputFlagsProblem } from '../output-path.js';
import { findScenarioFiles, runSuite, type SuiteFile } from '../scenario-suite.js';
import { reportEnvironmentError } from './image.js';

function positiveInt(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 64) throw new InvalidArgumentError('a whole number from 1 to 64');
  return Number(value);
}

function seedArg(value: string): number {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) throw new InvalidArgumentError('the seed is a non-negative integer, e.g. --seed 7');
  return Number(value);
}

export const testCommand: CliCommand = {
  usage: 'test [paths...]',
  summary: 'run every .scenario file under the paths as a test suite (summary, exit 1 on failure, --junit)',
  description: `Run every .scenario file under the given files and folders (default: scenarios/)
and check its expect lines, like a test runner: one line per file, each failure
with its file:line, what the timeline shows around it, the seed and the command
that reruns it, and a last line "N passed, N failed" (", N skipped" when some
were). A file that cannot run (a mistake in it or in a config it names) counts
as failed.

VRRP scenarios run on --backend sim (the simulator, default) or docker (real
containers, --engine keepalived or ts, timed expectations allowed the real-clock
slack of \`vrrp-lab run\`; --jobs scenarios at a time, each on subnets of its
own). Cluster scenarios (a "config" line: cluster.conf or corosync.conf) run on
the simulator; on docker they are skipped.

--junit FILE writes JUnit XML: one testsuite per scenario file, one testcase per
expect line, the failure text the same message.

Exit status: 0 every scenario passed, 1 one failed, 2 bad arguments or no scenario found.`,
  examples: [
    { args: 'test scenarios/ --junit reports/scenarios.xml', explain: 'every scenario on the simulator, with a JUnit report for CI' },
    { args: 'test --backend docker --engine keepalived scenarios/classic', explain: 'the classic scenarios on real keepalived in containers' },
  ],
  define(cmd: Command) {
    cmd
      .option('--backend <name>', 'sim (the simulator) or docker', 'sim')
      .option('--engine <name>', 'docker: what runs VRRP in each node, keepalived or ts', 'keepalived')
      .option('--jobs <n>', 'scenarios run at once (default: 1 on sim, 2 on docker)', positiveInt)
      .option('--seed <n>', 'run every VRRP scenario with this seed (default: SEED, else each file\'s, else random)', seedArg)
      .option('--junit <file>', 'write a JUnit XML report');
  },
  async run({ args, options }, ctx) {
    const backend = options['backend'];
    if (backend !== 'sim' && backend !== 'docker') throw new UsageError(`unknown backend '${String(backend)}': expected sim or docker`);
    const { engineName, openBackend } = await import('../../lab/backends.js');
    const engine = engineName(options['engine'] as string);
    const unwritable = outputFlagsProblem(options, { junit: '--junit' }, ctx.io.cwd);
    if (unwritable !== undefined) throw new UsageError(unwritable);
    const given = (args[0] as string[] | undefined) ?? [];
    const files = findScenarioFiles(given.length > 0 ? given : ['scenarios'], ctx.io.cwd);
    if (files.length === 0) throw new UsageError(`no .scenario files under ${(given.length > 0 ? given : ['scenarios']).join(', ')}`);
    let opened: Promise<NodeBackend> | undefined;
    const log = (l: string): void => ctx.io.stderr.write(`vrrp-lab test: ${l}\n`);
    const openDocker = (): Promise<NodeBackend> => (opened ??= openBackend({ name: 'docker', engine, log }));
    try {
      if (backend === 'docker') await openDocker();
      const results = await runSuite(files, {
        cwd: ctx.io.cwd,
        backend,
        openDocker,
        jobs: (options['jobs'] as number | undefined) ?? (backend === 'docker' ? 2 : 1),
        ...(options['seed'] === undefined ? {} : { seed: options['seed'] as number }),
        onFile: (f) => ctx.json || ctx.io.stdout.write(fileLine(f, ctx)),
      });
      if (typeof options['junit'] === 'string') writeJunit(options['junit'], ctx.io.cwd, suiteToJunit(results, backend === 'docker' ? `docker/${engine}` : 'sim'));
      return report(results, ctx);
    } catch (e) {
      if (e instanceof UsageError) throw e;
      return reportEnvironmentError(e, (s) => ctx.io.stderr.write(s), ctx.json, (s) => ctx.io.stdout.write(s));
    }
  },
};

const indent = (text: string): string => text.split('\n').map((l) => `    ${l}`).join('\n');

function fileLine(f: SuiteFile, { style }: CommandContext): string {
  const failed = f.checks.filter((c) => !c.ok);
  const time = `${f.seconds.toFixed(2)} s`;
  switch (f.status) {
    case 'passed': return `${style.good('PASS')} ${f.file}  ${f.checks.length} expectation${f.checks.length === 1 ? '' : 's'}  ${time}\n`;
    case 'skipped': return `${style.severity('warning', 'SKIP')} ${f.file}  ${f.reason ?? ''}\n`;
    case 'error': return `${style.bad('FAIL')} ${f.file}  cannot run\n${indent(f.reason ?? '')}\n`;
    case 'failed': return `${style.bad('FAIL')} ${f.file}  ${failed.length} of ${f.checks.length} expectations failed  ${time}\n${failed.map((c) => indent(c.message ?? c.name)).join('\n\n')}\n`;
  }
}

function report(results: readonly SuiteFile[], ctx: CommandContext): number {
  const passed = results.filter((r) => r.status === 'passed').length;
  const skipped = results.filter((r) => r.status === 'skipped').length;
  const failed = results.length - passed - skipped;
  if (ctx.json) {
    ctx.io.stdout.write(`${JSON.stringify({ passed, failed, skipped, files: results })}\n`);
  } else {
    const checks = results.flatMap((r) => (r.status === 'skipped' ? [] : r.checks));
    ctx.io.stdout.write(`\n${results.length} scenario file${results.length === 1 ? '' : 's'}, ${checks.length} expectation${checks.length === 1 ? '' : 's'} (${checks.filter((c) => !c.ok).length} failed)\n`);
    const line = `${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`;
    ctx.io.stdout.write(`${failed > 0 ? ctx.style.bad(line) : ctx.style.good(line)}\n`);
  }
  return failed > 0 ? EXIT_FINDINGS : EXIT_OK;
}
