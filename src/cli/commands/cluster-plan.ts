/**
 * `vrrp-lab cluster plan`: what Pacemaker's scheduler decides for a CIB and a
 * few injected events — fences, then start / stop / move / recover — in
 * crm_simulate's words, so it can be checked against crm_simulate itself.
 *
 *     vrrp-lab cluster plan --cib cib.xml --node-fail node2
 *     vrrp-lab cluster plan --cib cib.xml --state s.json --op-inject vm1_monitor_10000@node1=1 --execute --save-state s.json --json
 *
 * Theory of operation: src/scenario/cluster/pacemaker-plan.ts does the work
 * (read, map, inject, schedule, execute); this file reads and writes the files
 * and prints. Without --execute only the plan is made (crm_simulate -R) and a
 * saved state holds the injected events but no executed action; with it the
 * transition is applied (crm_simulate -S: fences succeed, actions succeed
 * unless --op-fail names them).
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { UsageError, isVrrpLabError, ConfigError } from '../../core/errors.js';
import { readInputFile } from '../read-input.js';
import type { ActionDecision, Transition } from '../../fencing/pacemaker/index.js';
import { planCluster, savedStateDocument, type PlanResult } from '../../scenario/cluster/pacemaker-plan.js';
import type { CliCommand, CommandContext } from '../command.js';
import { EXIT_OK, EXIT_USAGE } from '../exit-codes.js';
import { formatDiagnostic } from '../render/diagnostic-text.js';

const MAX_FILE_BYTES = 32 * 1024 * 1024;
const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
const collectMany = (value: string, previous: string[] = []): string[] => [...previous, ...value.split(/[\s,]+/).filter(Boolean)];

const readText = (path: string, what: string, shown = path): string => readInputFile(path, what, MAX_FILE_BYTES, shown);

function secondsArg(value: string): number {
  if (/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(value)) return Date.parse(value) / 1000;
  if (!/^\d{1,12}(\.\d{1,6})?$/.test(value)) throw new InvalidArgumentError('give seconds after 2026-01-01T00:00:00Z (or Unix time, or an ISO time ending in Z), e.g. --at 90');
  return Number(value);
}

function quorumArg(value: string): boolean {
  if (/^(1|true|yes)$/i.test(value)) return true;
  if (/^(0|false|no)$/i.test(value)) return false;
  throw new InvalidArgumentError('give 0 or 1');
}

function attrTriples(raw: readonly string[] | undefined): [string, string, string][] {
  if (!raw?.length) return [];
  if (raw.length % 3 !== 0) throw new UsageError(`--attr takes NODE NAME VALUE (three words each), got ${raw.length} words`);
  const out: [string, string, string][] = [];
  for (let i = 0; i < raw.length; i += 3) out.push([raw[i] ?? '', raw[i + 1] ?? '', raw[i + 2] ?? '']);
  return out;
}

/** The JSON the issue fixes: {fence, actions, fence_order}. */
export function planJson(t: Transition): unknown {
  return {
    fence: t.fence.map((f) => ({ node: f.node, action: f.action, reason: f.reason, ...(f.delayS !== undefined ? { delay: f.delayS } : {}) })),
    actions: t.actions,
    fence_order: t.fenceOrder,
  };
}

function actionLine(a: ActionDecision): string {
  const verb = a.action[0]?.toUpperCase() + a.action.slice(1);
  const where = a.node !== undefined ? `( ${a.node} )` : `( ${a.source} -> ${a.dest} )`;
  const why = a.reason ? `  due to ${a.reason}` : '';
  return `  * ${verb.padEnd(10)} ${a.resource.padEnd(15)} ${where}${why}${a.blocked ? ' (blocked)' : ''}`;
}

/** crm_simulate's "Transition Summary", plus the order fences run in. */
export function planText(r: PlanResult): string {
  const t = r.transition;
  const lines = ['Transition Summary:'];
  for (const f of t.fence) lines.push(`  * Fence (${f.action}) ${f.node} '${f.reason}'${f.delayS ? ` (priority-fencing-delay ${f.delayS}s)` : ''}`);
  for (const a of t.actions) lines.push(actionLine(a));
  if (lines.length === 1) lines.push('  (nothing to do)');
  if (t.fenceOrder.length > 1) lines.push('', `Fencing runs one at a time: ${t.fenceOrder.join(' → ')}`);
  const waiting = t.graph.filter((g) => g.kind === 'start' && g.afterFences.length > 0).length;
  if (waiting && t.fenceOrder.length) lines.push(`${waiting} start(s) wait for the fencing of ${t.fenceOrder.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

async function run(options: Readonly<Record<string, unknown>>, ctx: CommandContext): Promise<number> {
  const cibPath = options['cib'] as string | undefined;
  const confPath = options['config'] as string | undefined;
  if (!cibPath && !confPath) throw new UsageError('give --cib FILE (a Pacemaker CIB as cibadmin -Q writes it) or --config FILE (an RHCS cluster.conf)');
  if (cibPath && confPath) throw new UsageError('give either --cib or --config, not both');
  const inputPath = (cibPath ?? confPath) as string;
  const cibText = readText(resolve(ctx.io.cwd, inputPath), cibPath ? 'the CIB' : 'the cluster.conf', inputPath);
  const statePath = options['state'] as string | undefined;
  let savedState: unknown;
  if (statePath !== undefined) {
    try {
      savedState = JSON.parse(readText(resolve(ctx.io.cwd, statePath), 'the state file', statePath));
    } catch (e) {
      if (isVrrpLabError(e)) throw e;
      throw new UsageError(`the state file '${statePath}' is not JSON: ${(e as Error).message}`);
    }
  }
  let result: PlanResult;
  try {
    result = planCluster({
      cibText, cibFile: inputPath, kind: cibPath ? 'cib' : 'cluster.conf', savedState,
      nodeUp: options['nodeUp'] as string[] | undefined, nodeDown: options['nodeDown'] as string[] | undefined, nodeFail: options['nodeFail'] as string[] | undefined,
      quorum: options['quorum'] as boolean | undefined, opInject: options['opInject'] as string[] | undefined, opFail: options['opFail'] as string[] | undefined,
      attrs: attrTriples(options['attr'] as string[] | undefined), at: options['at'] as number | undefined, execute: options['execute'] === true,
    });
  } catch (e) {
    if (e instanceof ConfigError) {
      ctx.io.stderr.write(`${e.message}\n`);
      return EXIT_USAGE;
    }
    throw e;
  }
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  const lines = cibText.split('\n');
  for (const d of result.diagnostics) ctx.io.stderr.write(`${formatDiagnostic(d, inputPath, () => lines, ctx.style)}\n`);
  if (errors.length) {
    ctx.io.stderr.write(`${inputPath}: ${errors.length} error(s); no plan made\n`);
    return EXIT_USAGE;
  }
  const save = options['saveState'] as string | undefined;
  if (save !== undefined) {
    try {
      writeFileSync(resolve(ctx.io.cwd, save), `${JSON.stringify(savedStateDocument(result.state, result.nowS))}\n`);
    } catch (e) {
      throw new UsageError(`cannot write the state to '${save}': ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
  }
  ctx.io.stdout.write(ctx.json ? `${JSON.stringify(planJson(result.transition))}\n` : planText(result));
  return EXIT_OK;
}

export const clusterPlanCommand: CliCommand = {
  usage: 'plan',
  summary: "Pacemaker's scheduler on a CIB: who is fenced, what starts, stops, moves or recovers",
  description:
    "Runs Pacemaker 2.1.5's scheduling rules on a CIB (cibadmin -Q) and prints the transition in crm_simulate's words: " +
    'fences (with their order: one at a time, the DC last), then Start/Stop/Move/Recover per resource, (blocked) where it cannot run. ' +
    'Events are injected as crm_simulate injects them. Without --execute the transition is only planned (crm_simulate -R); ' +
    'with it, it is applied to the state (crm_simulate -S) and --save-state writes the result for the next run. ' +
    '--at is seconds after 2026-01-01T00:00:00Z (failure-timeout arithmetic), or Unix time, or an ISO time.',
  examples: [
    { args: 'cluster plan --cib cib.xml --node-fail node2', explain: 'node2 is lost: fence it, then move its resources' },
    { args: 'cluster plan --cib cib.xml --op-inject vm1_monitor_10000@node1=1 --execute --save-state s.json --json', explain: 'a monitor failure, planned and applied; the state saved for the next step' },
    { args: 'cluster plan --cib cib.xml --state s.json --at 300 --json', explain: 'the next step, five minutes in (failure-timeout may have expired)' },
  ],
  define(cmd: Command): void {
    cmd
      .option('--cib <file>', 'the Pacemaker CIB (XML, as cibadmin -Q writes it)')
      .option('--config <file>', "an RHCS cluster.conf: its services mapped onto Pacemaker's terms (domains → location scores, exclusive → -INFINITY colocations, fence devices → stonith resources)")
      .option('--state <file>', 'start from a state saved by --save-state instead of the CIB status section')
      .option('--save-state <file>', 'write the state after this run (after the transition with --execute)')
      .option('--node-fail <nodes...>', 'the node is lost (unclean, to be fenced)', collectMany)
      .option('--node-down <nodes...>', 'the node shut down cleanly', collectMany)
      .option('--node-up <nodes...>', 'the node (re)joins', collectMany)
      .option('--quorum <0|1>', 'the partition has quorum (as crm_simulate: only applied together with another event)', quorumArg)
      .option('--op-inject <spec>', 'record an operation result before scheduling: RSC_OP_INTERVAL@NODE=RC', collect)
      .option('--op-fail <spec>', 'with --execute, that action fails: RSC_OP_INTERVAL@NODE=RC', collect)
      .option('--attr <words...>', 'NODE NAME VALUE: set a transient node attribute (e.g. fail-count-vm1#monitor_10000), repeatable', collect)
      .option('--at <seconds>', 'the time of this run', secondsArg)
      .option('--execute', 'apply the transition to the state, as crm_simulate -S');
  },
  run: (input, ctx) => run(input.options, ctx),
};
