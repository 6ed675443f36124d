/**
 * `vrrp-lab run --backend docker --engine keepalived|ts`: the arguments of
 * `vrrp-lab simulate`, run on real containers — then compared with the
 * simulator's prediction of the same scenario.
 *
 * Theory of operation: the scenario is built and prepared exactly as for
 * `simulate` (same flags, same parser, same checks, one seed); the simulator
 * predicts it; the chosen backend runs it; the output is simulate's (text, or
 * the same JSON document with `backend`, `engine`, `comparison` and `vipCheck`
 * added), followed by the per-transition comparison.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { requireCapability, type ConfigRewrite, type VipCheck } from '../../core/backend.js';
import { ConfigError, ScenarioError, UsageError } from '../../core/errors.js';
import { compareTimelines, renderComparison, type Comparison } from '../../scenario/compare.js';
import { backendName, engineName, openBackend, refuseWhatTheEngineCannotRun, type NodeEngineKind } from '../../lab/backends.js';
import { scenarioFromFlags } from '../../scenario/from-flags.js';
import { DEFAULT_OVERLAP_US } from '../../scenario/invariants.js';
import { keepalivedParser } from '../../scenario/keepalived-parser.js';
import { realClockSlackUs, withRealClockSlack } from '../../scenario/real-clock.js';
import { runScenario, type ScenarioRun } from '../../scenario/run.js';
import { chooseRunSeed } from '../../lab/seed.js';
import { diskIo, loadScenarioFile } from '../../scenario/scenario-file.js';
import { formatDiagnostic, ScenarioFileError, type Scenario } from '../../scenario/scenario.js';
import { simulate } from '../../lab/simulate.js';
import { timelineToJson } from '../../scenario/timeline-json.js';
import { renderTimelineSvg } from '../../scenario/timeline-svg.js';
import { renderTimelineText } from '../../scenario/timeline-text.js';
import { prepareScenario } from '../../scenario/topology.js';
import type { CliCommand, CommandContext } from '../command.js';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE } from '../exit-codes.js';
import { renderVerdicts, verdictsToJson } from '../render/verdicts.js';
import { reportEnvironmentError } from './image.js';
import { OUTPUT_FLAGS, simulateCommand } from './simulate.js';
import { outputFlagsProblem, writeOutput } from '../output-path.js';
import { writeRunJunit } from '../junit-report.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

function nodeEngines(values: readonly string[]): Record<string, NodeEngineKind> {
  return Object.fromEntries(
    values.map((v) => {
      const m = /^([^=]+)=(.+)$/.exec(v);
      if (m === null) throw new UsageError(`--node-engine expects NAME=ENGINE, got '${v}'`);
      return [m[1] as string, engineName(m[2] as string)];
    }),
  );
}

export const runCommand: CliCommand = {
  usage: 'run [scenario]',
  summary: 'run a scenario on real Docker containers (real keepalived, or our engine) and compare with the simulator',
  description: `Run the same scenario as \`vrrp-lab simulate\` (same flags, same .scenario files)
on Docker containers: one container per node, one bridge network per segment,
real VRRP packets. --engine keepalived runs keepalived itself with your config
and every file it includes, read as keepalived reads them (one-line blocks,
include globs, $DEFS, @host lines with the node's name as config-id) and
changed only where the lab must own a word: interface names mapped onto the
container's, vrrp_script commands replaced by a stub the scenario's fail/ok
events control (unless --real-scripts), notify scripts by the lab's hook. Each
replacement is listed at its file:line:column on stderr ("rewrote …") and in
--json ("rewrites"). --engine ts runs this project's VRRP engine as a daemon on
raw sockets. Transitions are read from the nodes (keepalived's notify hook),
VIPs from the kernel.

The run is compared with the simulator's prediction: per transition, the
predicted time, the observed time and the difference. --pcap writes every VRRP
and ARP frame the nodes sent, captured at each sender and merged on the run's
clock, as the simulator's --pcap does. Timed expectations are
allowed --slack seconds of real-clock lateness (default 0.5 s, plus one interval
of the slowest check script when the scenario's fail/ok events decide).

Load balancing (virtual_server blocks, the clients/rsdown/rsup events) runs too:
the real servers and the clients are containers with real TCP connections and
real health checks; each director runs this project's IPVS model as a
user-space forwarder beside its VRRP engine (most hosts, CI runners included,
have no IPVS in their kernel). Connection sync (lvs_sync_daemon) cannot move a
connection a user-space forwarder ended, and is refused.

Needs a Docker engine; the node image is built first when missing or out of
date (see \`vrrp-lab image build\`). Everything the
run creates is labelled and removed at the end, on Ctrl-C, and by the next run
if this one is killed.

Exit status: 0 ok, 1 an expectation failed, 2 bad input, 69 Docker unavailable.`,
  examples: [
    { args: 'run --backend docker --engine keepalived --node lb1=lb1.conf --node lb2=lb2.conf --event "6 kill lb1" --until 20', explain: 'crash the master on real keepalived and compare with the simulator' },
    { args: 'run --engine ts scenarios/classic/master-crash.scenario --json', explain: 'our engine on raw sockets, as JSON' },
  ],
  define(cmd: Command) {
    simulateCommand.define(cmd);
    cmd
      .option('--backend <name>', 'where to run: docker (or sim: the simulator, as `simulate`)', 'docker')
      .option('--engine <name>', 'what runs VRRP in each node: keepalived or ts', 'keepalived')
      .option('--node-engine <NAME=ENGINE>', 'a different engine for one node (mixed clusters; repeatable)', collect)
      .option('--real-scripts', 'run vrrp_script commands as written instead of the scenario-controlled stub')
      .option('--slack <seconds>', 'lateness allowed to timed expectations on real clocks (default 0.5, plus the slowest script interval when fail/ok events decide)');
  },
  async run({ args, options }, ctx) {
    const file = args[0] as string | undefined;
    const nodes = (options['node'] as string[] | undefined) ?? [];
    const events = (options['event'] as string[] | undefined) ?? [];
    const backend = backendName(options['backend'] as string);
    if (file !== undefined && (nodes.length > 0 || events.length > 0)) throw new UsageError('give either a .scenario file or --node/--event flags, not both');
    const engine = engineName(options['engine'] as string);
    const engines = nodeEngines((options['nodeEngine'] as string[] | undefined) ?? []);
    const slackS = options['slack'] === undefined ? undefined : Number(options['slack']);
    if (slackS !== undefined && !(Number.isFinite(slackS) && slackS >= 0 && slackS <= 3600)) throw new UsageError(`--slack expects seconds from 0 to 3600, got '${String(options['slack'])}'`);
    const unwritable = outputFlagsProblem(options, OUTPUT_FLAGS, ctx.io.cwd);
    if (unwritable !== undefined) throw new UsageError(unwritable);
    let scenario: Scenario;
    try {
      scenario = file !== undefined ? loadScenarioFile(resolve(ctx.io.cwd, file), diskIo, file) : scenarioFromFlags({ nodes, events, ...(typeof options['until'] === 'string' ? { until: options['until'] } : {}) }, { resolve: (p) => resolve(ctx.io.cwd, p), exists: existsSync });
    } catch (e) {
      return inputError(e, ctx);
    }
    const seed = chooseRunSeed(options['seed'] as number | undefined, scenario.seed, ctx.io.env['SEED']);
    try {
      const prepared = prepareScenario(scenario, { parse: keepalivedParser });
      const predicted = await simulate(prepared, { parse: keepalivedParser, seed });
      if (backend === 'sim') {
        writeRunJunit(options, ctx.io.cwd, predicted.run, 'run --backend sim', 0);
        return print(predicted.run, undefined, [], ctx, { backend, engine: 'ts' });
      }
      // Before the image is built: what a node's engine cannot run is refused at its line.
      for (const n of prepared.nodes) refuseWhatTheEngineCannotRun(n.id, n, engines[n.id] ?? engine);
      let vips: VipCheck[] = [];
      let rewrites: readonly ConfigRewrite[] = [];
      const log = (l: string): void => ctx.io.stderr.write(`vrrp-lab run: ${l}\n`);
      const pcapPath = options['pcap'] as string | undefined;
      // The image follows the daemon's code: opening the backend builds it (or its changed layers) when the inputs moved on.
      const chosen = await openBackend({ name: backend, engine, engines, realScripts: options['realScripts'] === true, log, capture: pcapPath !== undefined });
      const slackUs = slackS === undefined ? realClockSlackUs(prepared) : Math.round(slackS * 1e6);
      log(`timed expectations allowed ${(slackUs / 1e6).toFixed(3)} s of real-clock lateness (--slack)`);
      const real = await runScenario({ ...prepared, scenario: withRealClockSlack(prepared.scenario, slackUs) }, chosen, {
        seed,
        overlapUs: DEFAULT_OVERLAP_US + slackUs,
        beforeStop: async (cluster) => {
          vips = (await cluster.capability('vip-audit')?.checkVips()) ?? [];
          rewrites = cluster.capability('config-rewrites')?.rewrites() ?? [];
          if (pcapPath === undefined) return;
          const { pcap, frames } = await requireCapability(cluster, 'capture', chosen.name, '--pcap').collect();
          writeOutput('--pcap', pcapPath, ctx.io.cwd, pcap);
          log(`wrote ${pcapPath} (${frames} frames the nodes sent: VRRP and ARP, on the run's clock)`);
        },
      });
      if (typeof options['svg'] === 'string') {
        writeOutput('--svg', options['svg'], ctx.io.cwd, renderTimelineSvg(real.timeline, { title: `${scenario.name} · docker/${engine} · seed ${real.seed}` }));
        ctx.io.stderr.write(`vrrp-lab run: wrote ${options['svg']}\n`);
      }
      writeRunJunit(options, ctx.io.cwd, real, `run --backend docker --engine ${engine}`, 0);
      return print(real, compareTimelines(predicted.run.timeline, real.timeline), vips, ctx, { backend, engine, rewrites });
    } catch (e) {
      if (e instanceof ScenarioFileError || e instanceof ScenarioError || e instanceof ConfigError) return inputError(e, ctx);
      if (e instanceof UsageError) throw e;
      return reportEnvironmentError(e, (s) => ctx.io.stderr.write(s), ctx.json, (s) => ctx.io.stdout.write(s));
    }
  },
};

function print(run: ScenarioRun, comparison: Comparison | undefined, vips: readonly VipCheck[], ctx: CommandContext, how: { backend: string; engine: string; rewrites?: readonly ConfigRewrite[] }): number {
  const { io, style, json } = ctx;
  const vipMismatches = vips.filter((v) => v.actual.join() !== v.observed.join());
  if (json) {
    const body = {
      ...timelineToJson(run.timeline),
      scenario: run.prepared.scenario.name,
      expectations: run.results.map((r) => ({ description: r.description, ok: r.ok, ...(r.at === undefined ? {} : { t: r.at / 1_000_000 }), ...(r.message ? { message: r.message } : {}) })),
      passed: run.passed,
      verdicts: verdictsToJson(run.verdicts),
      diagnostics: run.prepared.diagnostics.filter((d) => d.severity !== 'info'),
      backend: how.backend,
      engine: how.engine,
      ...(comparison ? { comparison } : {}),
      ...(vips.length > 0 ? { vipCheck: vips } : {}),
      ...(how.rewrites && how.rewrites.length > 0 ? { rewrites: how.rewrites } : {}),
    };
    io.stdout.write(`${JSON.stringify(body)}\n`);
  } else {
    io.stdout.write(renderTimelineText(run.timeline, { title: `${style.bold(run.prepared.scenario.name)} · ${how.backend}/${how.engine}` }));
    if (run.results.length > 0) {
      const failed = run.results.filter((r) => !r.ok);
      io.stdout.write(`\nexpectations: ${run.results.length - failed.length} passed, ${failed.length} failed\n`);
      for (const r of run.results) io.stdout.write(`  ${r.ok ? style.good('ok  ') : style.bad('FAIL')} ${r.description}\n`);
    }
    io.stdout.write(renderVerdicts(run.verdicts, style));
    if (comparison) io.stdout.write(`\n${renderComparison(comparison, `${how.backend}/${how.engine}`)}`);
    if (vips.length > 0) {
      io.stdout.write(`\nVIP holders at the end (ip -4 addr): ${vips.map((v) => `${v.address} ${v.actual.join(',') || 'nobody'}`).join('; ')}\n`);
      for (const v of vipMismatches) io.stdout.write(`  ${style.bad('MISMATCH')} ${v.address}: observed ${v.observed.join(',') || 'nobody'}, configured on ${v.actual.join(',') || 'nobody'}\n`);
    }
  }
  return run.passed && vipMismatches.length === 0 ? EXIT_OK : EXIT_FINDINGS;
}

function inputError(e: unknown, ctx: CommandContext): number {
  if (e instanceof ScenarioFileError) {
    for (const d of e.diagnostics) ctx.io.stderr.write(`${formatDiagnostic(d)}\n`);
  } else if ((e instanceof ScenarioError || e instanceof ConfigError) && e.location !== undefined) {
    const where = `${e.location.file}:${e.location.line}:${e.location.column}`;
    ctx.io.stderr.write(`${where}: error[${e.code}]: ${e.message.slice(where.length + 2)}\n`);
  } else if (e instanceof ScenarioError || e instanceof ConfigError) {
    ctx.io.stderr.write(`vrrp-lab run: error[${e.code}]: ${e.message}\n`);
  } else throw e;
  if (ctx.json) ctx.io.stdout.write(`${JSON.stringify({ error: { code: (e as ScenarioError).code, message: (e as Error).message } })}\n`);
  return EXIT_USAGE;
}
