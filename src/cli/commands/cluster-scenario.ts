/**
 * `vrrp-lab cluster scenario FILE`: run a cluster `.scenario` (scenarios/cluster/)
 * in the simulator, print the events (text, or `{"events":[…]}` with --json), draw
 * the timeline with --svg, and check the scenario's expectations.
 *
 *     vrrp-lab cluster scenario scenarios/cluster/seed001-node-lost.scenario --svg seed001.svg
 *
 * Exit status: 0 every expectation held, 1 one failed (each printed with its
 * file:line), 2 a bad scenario, configuration or flag (printed file:line:col).
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { ScenarioError, UsageError } from '../../core/errors.js';
import { renderClusterSvg } from '../../lab/cluster/timeline-svg.js';
import { runClusterScenario, type ClusterRun } from '../../lab/cluster/index.js';
import { parseClusterScenario, type ClusterScenario } from '../../scenario/cluster/index.js';
import type { CliCommand, CommandContext } from '../command.js';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE } from '../exit-codes.js';
import { outputFlagsProblem, writeOutput } from '../output-path.js';
import { renderClusterText } from './cluster.js';

const MAX_FILE_BYTES = 4 * 1024 * 1024;

function readSmall(path: string, what: string): string {
  const st = statSync(path, { throwIfNoEntry: false });
  if (st === undefined) throw new ScenarioError('file-unreadable', `cannot read ${what} '${path}': no such file`);
  if (st.isDirectory()) throw new ScenarioError('file-unreadable', `${what} '${path}' is a directory, not a file`);
  if (st.size > MAX_FILE_BYTES) throw new ScenarioError('file-too-big', `${what} '${path}' is ${st.size} bytes; files above ${MAX_FILE_BYTES} bytes are not read`);
  return readFileSync(path, 'utf8');
}

function runIt(file: string, options: Readonly<Record<string, unknown>>, ctx: CommandContext): number {
  const unwritable = outputFlagsProblem(options, { svg: '--svg' }, ctx.io.cwd);
  if (unwritable !== undefined) throw new ScenarioError('output-unwritable', unwritable);
  const path = resolve(ctx.io.cwd, file);
  const scn: ClusterScenario = parseClusterScenario(readSmall(path, 'the scenario'), file, (p) => resolve(dirname(path), p));
  const run: ClusterRun = runClusterScenario(scn, readSmall(scn.configPath, 'the configuration'));
  if (ctx.json) ctx.io.stdout.write(`${JSON.stringify({ events: run.events })}\n`);
  else ctx.io.stdout.write(`# ${scn.name ?? file} · ${run.inputs.kind} · seed ${scn.seed}\n${renderClusterText({ events: run.events, notes: run.notes }, ctx.style)}`);
  const svgPath = options['svg'] as string | undefined;
  if (svgPath !== undefined) {
    writeOutput('--svg', svgPath, ctx.io.cwd, renderClusterSvg({
      nodes: run.inputs.spec.nodes.map((n) => n.name), events: run.events, notes: run.notes, until: scn.untilS,
      script: scn.events.map((e) => ({ t: Number(e.text.split(/\s+/)[0]), text: e.text.split(/\s+/).slice(1).join(' ') })),
      title: `${scn.name ?? file} · seed ${scn.seed}`,
    }));
    ctx.io.stderr.write(`vrrp-lab cluster scenario: wrote ${svgPath}\n`);
  }
  for (const f of run.failures) ctx.io.stderr.write(`${f.expectation.loc.file}:${f.expectation.loc.line}: expectation failed: expect ${f.expectation.text}: ${f.message}\n`);
  ctx.io.stderr.write(`vrrp-lab cluster scenario: ${scn.expectations.length - run.failures.length} of ${scn.expectations.length} expectations held\n`);
  return run.failures.length > 0 ? EXIT_FINDINGS : EXIT_OK;
}

export const clusterScenarioCommand: CliCommand = {
  usage: 'scenario <file>',
  summary: 'run a cluster scenario (cluster.conf + events + expectations) and check it',
  description: `Run a cluster .scenario file in virtual time: the cluster.conf it names (in
cman's flavour, with fenced, rgmanager, fence devices and storage on every node) or a
corosync.conf, its timed events (kill, stop, pause, partition, linkdown, fencefail,
svcfail, relocate, enable, disable…), the data-safety checker, and its expectations
(quorate, service placement, fenced, frozen, corruption). See scenarios/cluster/.

Exit status: 0 every expectation held, 1 one failed, 2 bad input (file:line:col).`,
  examples: [
    { args: 'cluster scenario scenarios/cluster/seed001-node-lost.scenario', explain: 'seed 001 loses a node: fence first, then its VM moves by domain order' },
    { args: 'cluster scenario scenarios/cluster/seed002-fence-race.scenario --svg race.svg', explain: 'two nodes without a fence delay shoot each other; draw it' },
    { args: 'cluster scenario scenarios/cluster/seed001-no-fencing.scenario --json', explain: 'the corruption a cluster without fencing causes, as JSON events' },
  ],
  define(cmd: Command) {
    cmd.option('--svg <file>', 'draw the timeline (membership, quorum, fencing, services per node) as an SVG picture');
  },
  async run({ args, options }, ctx) {
    try {
      return runIt(String(args[0]), options, ctx);
    } catch (e) {
      if (e instanceof ScenarioError) {
        ctx.io.stderr.write(`vrrp-lab cluster scenario: error[${e.code}]: ${e.message}\n`);
        return EXIT_USAGE;
      }
      if (e instanceof UsageError) {
        ctx.io.stderr.write(`vrrp-lab cluster scenario: error: ${e.message}\n`);
        return EXIT_USAGE;
      }
      throw e;
    }
  },
};
