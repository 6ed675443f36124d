/**
 * `vrrp-lab simulate`: run keepalived configurations in deterministic virtual
 * time and print who was what, when, and why.
 *
 *     vrrp-lab simulate --node lb1=lb1.conf --node lb2=lb2.conf --event "6 kill lb1" --until 20
 *     vrrp-lab simulate scenarios/classic/master-crash.scenario --svg crash.svg
 *
 * Theory of operation: flags (or a .scenario file) become a Scenario; the
 * scenario is prepared (configs parsed with keepalived's checks, addresses
 * given, events checked) and run on the simulator with the project's VRRP
 * engine; the timeline is printed as text or JSON and, on request, drawn as
 * SVG and captured as pcap. Every mistake in the input is printed at its
 * file:line:column (a flag's value counts as a one-line file) and exits 2.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { ConfigError, ScenarioError, UsageError } from '../../core/errors.js';
import { EVENT_WORD_USAGE, parseSeconds } from '../../scenario/events.js';
import { formatSeconds, type Instant } from '../../core/time.js';
import { flagLabel, scenarioFromFlags } from '../../scenario/from-flags.js';
import { keepalivedParser } from '../../scenario/keepalived-parser.js';
import type { ScenarioRun } from '../../scenario/run.js';
import { chooseRunSeed } from '../../lab/seed.js';
import { diskIo, loadScenarioFile } from '../../scenario/scenario-file.js';
import { ScenarioFileError, type Scenario } from '../../scenario/scenario.js';
import { simulate } from '../../lab/simulate.js';
import { timelineToJson } from '../../scenario/timeline-json.js';
import { crossNodeFindings } from '../../scenario/cross-node.js';
import type { Diagnostic } from '../../core/diagnostic.js';
import { renderTimelineSvg } from '../../scenario/timeline-svg.js';
import { renderTimelineText } from '../../scenario/timeline-text.js';
import { computeImpact } from '../../scenario/impact.js';
import type { ClientRows } from '../../scenario/lvs/client-groups.js';
import { impactToJson, renderImpactText } from '../../scenario/impact-render.js';
import type { CliCommand, CommandContext } from '../command.js';
import { outputFlagsProblem, writeOutput } from '../output-path.js';
import { progressReporter } from '../progress.js';
import { writeRunJunit } from '../junit-report.js';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE } from '../exit-codes.js';
import { formatDiagnostic, type SourceLines } from '../render/diagnostic-text.js';
import { renderVerdicts, verdictsToJson } from '../render/verdicts.js';

/** The files simulate writes, by commander's option name. */
export const OUTPUT_FLAGS = { pcap: '--pcap', svg: '--svg', junit: '--junit' } as const;

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

function seedArg(value: string): number {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) throw new InvalidArgumentError(`the seed is an integer from 0 to ${Number.MAX_SAFE_INTEGER}, e.g. --seed 7`);
  return Number(value);
}

function clientsArg(value: string): ClientRows {
  if (value !== 'grouped' && value !== 'each') throw new InvalidArgumentError('give grouped or each, e.g. --clients each');
  return value;
}

function secondsArg(value: string): Instant {
  const t = parseSeconds(value);
  if (t === undefined) throw new InvalidArgumentError('give seconds, e.g. --from 3600 or --to 90.5');
  return t;
}

/** --from/--to zoom the SVG: they need --svg, and from before to. */
function zoomProblem(options: Readonly<Record<string, unknown>>): string | undefined {
  const { from, to } = zoomOf(options);
  if ((from !== undefined || to !== undefined) && options['svg'] === undefined) return '--from and --to zoom the SVG picture: give --svg FILE too';
  return from !== undefined && to !== undefined && to <= from ? `--to (${formatSeconds(to)} s) must be later than --from (${formatSeconds(from)} s)` : undefined;
}

const zoomOf = (options: Readonly<Record<string, unknown>>): { from?: Instant; to?: Instant } => ({
  ...(options['from'] === undefined ? {} : { from: options['from'] as Instant }),
  ...(options['to'] === undefined ? {} : { to: options['to'] as Instant }),
});

const EVENT_HELP = Object.entries(EVENT_WORD_USAGE)
  .map(([word, args]) => `  T ${word}${args ? ` ${args}` : ''}`)
  .join('\n');

export const simulateCommand: CliCommand = {
  usage: 'simulate [scenario]',
  summary: 'run keepalived.conf files in virtual time: who is master when, and why',
  description: `Simulate a cluster built from keepalived configuration files (one per node) in
deterministic virtual time, with this project's VRRP engine, and print every state
change with its reason, every effective-priority change and every VIP move.

Give the nodes with --node NAME=FILE[@ADDRESS] (in order) and what happens with
--event "T WORD ...", or give a .scenario file. Every node starts at 0 s, except a
node whose first start/stop/kill event is "start". Times are seconds (decimals
allowed). A node's address is the one given, else the config's unicast_src_ip /
mcast_src_ip, else the next free address of the first VIP's subnet. All
interfaces with the same name are on one shared segment.

Event words (T in seconds; partition groups separated by spaces, members by commas):
${EVENT_HELP}

Load balancing: a node with virtual_server blocks is an LVS director (its
checkers and IPVS table run in the model); the real servers the configs name run
as hosts rs1, rs2, … in order of appearance, clients sit behind a router on the
VIP's network. "clients" opens RATE connections a second (each held HOLD s,
default 10); "rsdown" stops a real server's service (connections refused) or,
with "crash", the host (nothing answers); "rsup" brings it back. A scenario
file's expect lines read the results (OP: >= <= = > <; no T: at the end; no
"on": the director holding the VIP):
  expect [T] conns SERVER [active|inactive|total] OP N [on DIRECTOR]
  expect [T] checkstate SERVER up|down [on DIRECTOR]
  expect [T] opened|completed|broken|refused|timed-out OP N

After the timeline, the impact of each fault: who was master before and after it
and when, time without a master or VIP holder (or with two), transitions, and
client connections lost; for long runs the availability of each VIP and its
failovers (all of it, always, as "impact" in --json).

The seed (--seed, else SEED, else the scenario's, else random) is always printed;
the same seed and inputs give the same run.

Exit status: 0 ok, 1 a scenario expectation failed, 2 bad flags, events or configs.`,
  examples: [
    { args: 'simulate --node lb1=lb1.conf --node lb2=lb2.conf --event "6 kill lb1" --event "11 start lb1" --until 20', explain: 'crash the master at 6 s and restart it at 11 s' },
    { args: 'simulate scenarios/classic/partition.scenario --svg partition.svg', explain: 'run a scenario file, check its expectations and draw the timeline' },
    { args: 'simulate --node lb1=lb1.conf@192.0.2.11 --node lb2=lb2.conf@192.0.2.12 --event "5 fail lb1 chk" --json', explain: 'fixed addresses, a failing check script, the timeline as JSON' },
    { args: 'simulate --node lb1=lb1.conf --node lb2=lb2.conf --event "6 linkdown lb1 eth0" --pcap run.pcap', explain: 'write the VRRP adverts and gratuitous ARPs to a pcap file (open it in Wireshark)' },
  ],
  define(cmd: Command) {
    cmd
      .option('--node <NAME=FILE[@ADDRESS]>', 'a node and its keepalived.conf (repeat for each node, in address order)', collect)
      .option('--event <"T WORD ARGS">', 'something that happens at T seconds, e.g. "6 kill lb1" (repeatable)', collect)
      .option('--until <seconds>', 'end of the simulation (default: 10 s after the last event)')
      .option('--seed <n>', 'the run\'s seed (default: SEED, else the scenario\'s, else random)', seedArg)
      .option('--pcap <file>', 'write the VRRP adverts and ARP frames to a pcap file (LVS traffic — clients, checks, sync — is simulated but not written)')
      .option('--svg <file>', 'draw the timeline as an SVG picture')
      .option('--from <seconds>', 'the SVG shows the run from this time (zoom)', secondsArg)
      .option('--to <seconds>', 'the SVG shows the run up to this time (zoom)', secondsArg)
      .option('--progress', 'print how far a long run has got on stderr (default: at a terminal only)')
      .option('--clients <grouped|each>', 'failed client connections in the text: grouped into runs between the other rows, or each (a row per outcome and reason a second)', clientsArg, 'grouped')
      .option('--junit <file>', 'write the expectations as JUnit XML (a testcase per expect line)');
  },
  async run({ args, options }, ctx) {
    const file = args[0] as string | undefined;
    const nodes = (options['node'] as string[] | undefined) ?? [];
    const events = (options['event'] as string[] | undefined) ?? [];
    if (file !== undefined && nodes.length > 0) return usage(ctx, 'give either a .scenario file or --node flags, not both');
    const zoom = zoomProblem(options);
    if (zoom !== undefined) return usage(ctx, zoom);
    const unwritable = outputFlagsProblem(options, OUTPUT_FLAGS, ctx.io.cwd);
    if (unwritable !== undefined) return usage(ctx, unwritable);
    let scenario: Scenario;
    try {
      scenario = file !== undefined ? withExtraEvents(loadScenarioFile(resolve(ctx.io.cwd, file), diskIo, file), events, options, ctx) : fromFlags(nodes, events, options, ctx);
    } catch (e) {
      return reportInputError(e, ctx, { nodes, events, until: options['until'] });
    }
    let seed: number;
    try {
      seed = chooseRunSeed(options['seed'] as number | undefined, scenario.seed, ctx.io.env['SEED']);
    } catch (e) {
      return usage(ctx, (e as Error).message);
    }
    try {
      const started = performance.now();
      const progress = progressReporter(ctx.io, 'vrrp-lab simulate', options['progress'] === true);
      const { run, pcap } = await simulate(scenario, { parse: keepalivedParser, seed, capture: options['pcap'] !== undefined, ...(progress ? { onProgress: progress.report } : {}) });
      progress?.done();
      writeArtifacts(run, pcap, options, ctx);
      writeRunJunit(options, ctx.io.cwd, run, 'simulate', (performance.now() - started) / 1000);
      print(run, ctx, options);
      return run.passed ? EXIT_OK : EXIT_FINDINGS;
    } catch (e) {
      return reportInputError(e, ctx, { nodes, events, until: options['until'] });
    }
  },
};

function fromFlags(nodes: string[], events: string[], options: Readonly<Record<string, unknown>>, ctx: CommandContext): Scenario {
  return scenarioFromFlags(
    { nodes, events, ...(typeof options['until'] === 'string' ? { until: options['until'] } : {}) },
    { resolve: (p) => resolve(ctx.io.cwd, p), exists: (p) => existsSync(p) },
  );
}

/** A scenario file plus `--event`/`--until` given on the command line. */
function withExtraEvents(scenario: Scenario, events: string[], options: Readonly<Record<string, unknown>>, ctx: CommandContext): Scenario {
  if (events.length === 0 && options['until'] === undefined) return scenario;
  const extra = scenarioFromFlags(
    { nodes: scenario.nodes.map((n) => `${n.id}=${n.config.kind === 'file' ? n.config.path : '-'}`), events, ...(typeof options['until'] === 'string' ? { until: options['until'] } : {}) },
    { resolve: (p) => resolve(ctx.io.cwd, p), exists: () => true },
  );
  const merged = [...scenario.events, ...extra.events].sort((a, b) => a.at - b.at);
  return typeof options['until'] === 'string' ? { ...scenario, events: merged, until: extra.until, ...(extra.untilLocation ? { untilLocation: extra.untilLocation } : {}) } : { ...scenario, events: merged };
}

function writeArtifacts(run: ScenarioRun, pcap: Uint8Array | undefined, options: Readonly<Record<string, unknown>>, ctx: CommandContext): void {
  const pcapPath = options['pcap'] as string | undefined;
  const svgPath = options['svg'] as string | undefined;
  if (pcapPath !== undefined && pcap !== undefined) {
    writeOutput('--pcap', pcapPath, ctx.io.cwd, pcap);
    ctx.io.stderr.write(`vrrp-lab simulate: wrote ${pcapPath} (${pcap.length} bytes)\n`);
  }
  if (svgPath !== undefined) {
    writeOutput('--svg', svgPath, ctx.io.cwd, renderTimelineSvg(run.timeline, { title: `${run.prepared.scenario.name} · seed ${run.seed}`, ...zoomOf(options) }));
    ctx.io.stderr.write(`vrrp-lab simulate: wrote ${svgPath}\n`);
  }
}

function print(run: ScenarioRun, ctx: CommandContext, options: Readonly<Record<string, unknown>>): void {
  const { io, style, json } = ctx;
  const notes = run.prepared.diagnostics.filter((d) => d.severity !== 'info');
  const crossNode = crossNodeFindings(run.prepared, (f) => display(f, io.cwd));
  if (json) {
    const body = {
      ...timelineToJson(run.timeline),
      impact: impactToJson(computeImpact(run.timeline)),
      scenario: run.prepared.scenario.name,
      expectations: run.results.map((r) => ({ description: r.description, ok: r.ok, ...(r.at === undefined ? {} : { t: r.at / 1_000_000 }), ...(r.message ? { message: r.message } : {}) })),
      passed: run.passed,
      verdicts: verdictsToJson(run.verdicts),
      diagnostics: notes,
      crossNode,
    };
    io.stdout.write(`${JSON.stringify(body)}\n`);
    return;
  }
  if (notes.length > 0) {
    io.stderr.write(`${notes.length} finding${notes.length === 1 ? '' : 's'} in the configurations (keepalived runs them anyway; the simulation follows keepalived's corrections):\n`);
    for (const d of notes) io.stderr.write(`${formatDiagnostic(d, display(d.file, io.cwd), fileLines, style)}\n`);
  }
  printCrossNode(crossNode, ctx);
  io.stdout.write(renderTimelineText(run.timeline, { title: `${style.bold(run.prepared.scenario.name)}`, clients: options['clients'] as ClientRows }));
  const impact = renderImpactText(computeImpact(run.timeline), run.timeline.until);
  if (impact.length > 0) io.stdout.write(`\n${impact.join('\n')}\n`);
  if (run.results.length > 0) {
    const failed = run.results.filter((r) => !r.ok);
    io.stdout.write(`\nexpectations: ${run.results.length - failed.length} passed, ${failed.length} failed\n`);
    for (const r of run.results) io.stdout.write(`  ${r.ok ? style.good('ok  ') : style.bad('FAIL')} ${r.description}\n`);
    for (const r of failed) io.stdout.write(`\n${r.message}\n`);
  }
  io.stdout.write(renderVerdicts(run.verdicts, style));
}

/** validate's cross-node findings for the files this run uses (src/scenario/cross-node.ts), before the timeline. */
function printCrossNode(found: readonly Diagnostic[], ctx: CommandContext): void {
  if (found.length === 0) return;
  const errors = found.filter((d) => d.severity === 'error').length;
  const counts = `${found.length} finding${found.length === 1 ? '' : 's'}${errors > 0 ? ` (${errors} error${errors === 1 ? '' : 's'})` : ''}`;
  ctx.io.stderr.write(`${counts} across the nodes' files, as validate reports them (keepalived reads one file at a time and never compares them):\n`);
  for (const d of found) ctx.io.stderr.write(`${formatDiagnostic(d, display(d.file, ctx.io.cwd), fileLines, ctx.style)}\n`);
}

// ---------------------------------------------------------------- errors

function usage(ctx: CommandContext, message: string): number {
  ctx.io.stderr.write(`vrrp-lab simulate: error: ${message}\n(run 'vrrp-lab simulate --help' for usage)\n`);
  if (ctx.json) ctx.io.stdout.write(`${JSON.stringify({ error: { code: 'usage', message } })}\n`);
  return EXIT_USAGE;
}

function reportInputError(e: unknown, ctx: CommandContext, flags: FlagValues): number {
  if (e instanceof ScenarioFileError) {
    const lines: SourceLines = (file) => flagLines(file, flags) ?? fileLines(file);
    for (const d of e.diagnostics) ctx.io.stderr.write(`${formatDiagnostic(d, display(d.file, ctx.io.cwd), lines, ctx.style)}\n`);
    const errors = e.diagnostics.filter((d) => d.severity === 'error').length;
    ctx.io.stderr.write(`vrrp-lab simulate: ${errors} error${errors === 1 ? '' : 's'}; nothing was simulated\n`);
    if (ctx.json) ctx.io.stdout.write(`${JSON.stringify({ error: { code: e.code, message: 'the scenario has errors', diagnostics: e.diagnostics } })}\n`);
    return EXIT_USAGE;
  }
  if (e instanceof UsageError) return usage(ctx, e.message);
  if (e instanceof ScenarioError || e instanceof ConfigError) {
    ctx.io.stderr.write(`vrrp-lab simulate: error[${e.code}]: ${e.message}\n`);
    if (ctx.json) ctx.io.stdout.write(`${JSON.stringify({ error: { code: e.code, message: e.message } })}\n`);
    return EXIT_USAGE;
  }
  throw e;
}

/** A flag's value is its own one-line "file", so the caret can point into it. */
interface FlagValues { readonly nodes: string[]; readonly events: string[]; readonly until?: unknown }

function flagLines(file: string, flags: FlagValues): string[] | undefined {
  if (file === '--until' && typeof flags.until === 'string') return [flags.until];
  for (const [flag, values] of [['--node', flags.nodes], ['--event', flags.events]] as const) {
    const i = values.findIndex((_, k) => flagLabel(flag, k) === file);
    if (i !== -1) return [values[i] as string];
  }
  return undefined;
}

const lineCache = new Map<string, string[] | undefined>();
function fileLines(file: string): string[] | undefined {
  if (!lineCache.has(file)) {
    let lines: string[] | undefined;
    try {
      lines = readFileSync(file, 'utf8').split(/\r?\n/);
    } catch {
      lines = undefined;
    }
    lineCache.set(file, lines);
  }
  return lineCache.get(file);
}

/** Paths under the working folder are shown relative to it. */
function display(file: string | undefined, cwd: string): string {
  if (file === undefined) return 'vrrp-lab';
  if (!isAbsolute(file)) return file;
  const rel = relative(cwd, file);
  return rel.startsWith('..') ? file : rel;
}
