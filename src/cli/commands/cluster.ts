/**
 * `vrrp-lab cluster …`: the cluster command group (corosync membership and
 * quorum, fencing, services). `cluster simulate` lives here; other helpers add
 * their sub-commands to `clusterSubcommands`.
 *
 *     vrrp-lab cluster simulate --config corosync.conf --event "8 kill node3" --until 30 --json
 *     vrrp-lab cluster simulate --case test/fixtures/corosync-cases/01-three-kill
 *
 * Theory of operation: the configuration file's kind is recognised by the
 * readers of src/scenario/cluster (corosync.conf here), its diagnostics printed
 * located, the events parsed and checked against the nodes, and the cluster
 * simulator run in virtual time with the agents the inputs call for. Output is
 * a text timeline, or `{"events":[…]}` with --json.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { ScenarioError, UsageError } from '../../core/errors.js';
import { readInputFile } from '../read-input.js';
import { outputFlagsProblem, writeOutput } from '../output-path.js';
import type { Diagnostic } from '../../core/diagnostic.js';
import { secondsToUs, type Instant } from '../../core/time.js';
import { readerFor, readRecorderCase } from '../../scenario/cluster/index.js';
import { cibFenceTimeoutFindings } from '../../scenario/cluster/timeouts.js';
import { readCorosyncConf } from '../../config/corosync/index.js';
import { readCib } from '../../config/cib/index.js';
import { allClusterAgentFactories } from '../../lab/cluster/index.js';
import { checkClusterEvents, ClusterRunTooLarge, MAX_STEPS, type ClusterInputs, ClusterSimulation, MAX_EVENTS, MAX_EVENT_SECONDS, parseClusterEvent, type ClusterEvent, type ClusterRunResult } from '../../sim/cluster/index.js';
import { withDataSafety } from '../../sim/cluster/data-safety.js';
import { renderClusterSvg } from '../../lab/cluster/timeline-svg.js';
import type { CliCommand, CommandContext } from '../command.js';
import { EXIT_OK, EXIT_USAGE } from '../exit-codes.js';
import { formatDiagnostic } from '../render/diagnostic-text.js';
import type { Style } from '../style.js';
import { clusterPlanCommand } from './cluster-plan.js';
import { clusterScenarioCommand } from './cluster-scenario.js';

const MAX_CONFIG_BYTES = 4 * 1024 * 1024;
/** The simulator's limit (totem's own is 384): every ring change costs nodes² messages. */
const MAX_SIM_NODES = 64;

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

function secondsArg(value: string): number {
  if (!/^\d+(\.\d{1,6})?$/.test(value) || Number(value) > MAX_EVENT_SECONDS) throw new InvalidArgumentError(`give seconds, 0…${MAX_EVENT_SECONDS}, e.g. --until 30`);
  return Number(value);
}

function seedArg(value: string): number {
  if (!/^\d{1,15}$/.test(value)) throw new InvalidArgumentError('the seed is a non-negative integer, e.g. --seed 7');
  return Number(value);
}

const readText = (path: string, what: string): string => readInputFile(path, what, MAX_CONFIG_BYTES);

interface Prepared {
  readonly inputs: ClusterInputs;
  readonly events: ClusterEvent[];
  readonly until: number;
  readonly notes: readonly Diagnostic[];
}

function prepare(options: Readonly<Record<string, unknown>>, ctx: CommandContext): Prepared | Diagnostic[] {
  const caseDir = options['case'] as string | undefined;
  const configPath = options['config'] as string | undefined;
  if (!caseDir && !configPath) throw new UsageError('give --config FILE (a corosync.conf) or --case DIR (a recorder case)');
  if (caseDir && configPath) throw new UsageError('give either --config or --case, not both');
  let configText: string;
  let shownPath: string;
  let eventLines: Array<{ text: string; file: string; line: number }> = [];
  let boot: readonly string[] | undefined;
  let until = options['until'] as number | undefined;
  if (caseDir) {
    const casePath = join(resolve(ctx.io.cwd, caseDir), 'case.txt');
    const c = readRecorderCase(readText(casePath, 'the case'), join(caseDir, 'case.txt'));
    configText = c.corosyncConf;
    shownPath = join(caseDir, 'corosync.conf (generated from case.txt)');
    eventLines = c.events.map((e) => ({ text: e.text, file: join(caseDir, 'case.txt'), line: e.line }));
    boot = c.boot;
    until ??= c.endSeconds;
  } else {
    shownPath = configPath!;
    configText = readText(resolve(ctx.io.cwd, configPath!), 'the configuration');
  }
  const flagEvents = (options['event'] as string[] | undefined) ?? [];
  eventLines.push(...flagEvents.map((text, i) => ({ text, file: `--event #${i + 1}`, line: 1 })));
  if (until === undefined) throw new UsageError('give --until SECONDS (how long to simulate)');
  if (eventLines.length > MAX_EVENTS) throw new UsageError(`more than ${MAX_EVENTS} events`);
  const reader = readerFor(configText, shownPath);
  if (!reader) throw new UsageError(`'${shownPath}' is not a cluster configuration this lab reads (corosync.conf: totem, quorum and nodelist sections)`);
  const read = reader.read(configText, shownPath, boot ? { boot } : {});
  if (!read.spec) return [...read.diagnostics];
  if (read.spec.nodes.length > MAX_SIM_NODES) throw new UsageError(`${read.spec.nodes.length} nodes: the simulator runs clusters of at most ${MAX_SIM_NODES} nodes`);
  const dev = read.spec.qdevice;
  // Each node's qdevice polls every half device timeout: refuse a run whose polls alone exceed the budget.
  if (dev && (read.spec.nodes.length * until * 2000) / Math.max(dev.timeoutMs, 1) > MAX_STEPS) {
    throw new UsageError(`${read.spec.nodes.length} nodes polling a quorum device for ${until} s is more than this simulator's ${MAX_STEPS} steps: simulate a shorter time`);
  }
  if (read.spec.nodes.length === 0) throw new UsageError(`'${shownPath}' has no node with a nodeid: nothing to simulate`);
  const parsed = eventLines.map((e) => parseClusterEvent(e.text, { file: e.file, line: e.line }));
  const late = parsed.findIndex((e) => e.at > secondsToUs(until));
  if (late !== -1) {
    const line = eventLines[late] as { text: string; file: string; line: number };
    throw new UsageError(`${line.file}:${line.line}: event at ${(parsed[late] as ClusterEvent).at / 1e6} s is after the end (${until} s): nothing after the end is run; move the event or the end`);
  }
  const events = parsed.sort((a, b) => a.at - b.at);
  const cibPath = options['cib'] as string | undefined;
  const inputs: ClusterInputs = {
    configPath: shownPath, configText, kind: reader.kind, spec: read.spec,
    ...(cibPath ? { cibPath, cibText: readText(resolve(ctx.io.cwd, cibPath), 'the CIB') } : {}),
  };
  return { inputs, events, until, notes: [...read.diagnostics.filter((d) => d.severity !== 'info'), ...timeoutFit(inputs)] };
}

/** With a CIB beside a corosync.conf: does Pacemaker's fence timeout fit totem's detection time? */
function timeoutFit(inputs: ClusterInputs): Diagnostic[] {
  if (inputs.kind !== 'corosync.conf' || inputs.cibText === undefined) return [];
  const conf = readCorosyncConf(inputs.configText, inputs.configPath).conf;
  let cib;
  try {
    cib = readCib(inputs.cibText, inputs.cibPath).cib;
  } catch {
    return []; // the CIB's own errors are its readers' business
  }
  return conf ? cibFenceTimeoutFindings(conf, inputs.spec.timing, cib) : [];
}

function fmtT(t: number): string {
  return t.toFixed(3).padStart(9);
}

type AgentEvent = Extract<ClusterRunResult['events'][number], { kind: 'fence' | 'service' | 'disk' | 'corruption' }>;

/** One agent event as a timeline line: who, what, and the engine's why after the dash. */
function agentLine(e: AgentEvent, style: Style): { node: string; body: string } {
  const why = (reason: string | undefined): string => (reason ? style.dim(` — ${reason}`) : '');
  switch (e.kind) {
    case 'fence': {
      const result = e.result === 'success' ? style.good(e.result) : e.result === 'failed' ? style.bad(e.result) : e.result;
      return { node: e.target, body: `fence       ${e.target}${e.by ? ` by ${e.by}` : ''}${e.device ? ` via ${e.device}` : ''}${e.method ? ` (method ${e.method})` : ''}: ${result}${why(e.reason)}` };
    }
    case 'service': return { node: e.node, body: `service     ${e.service} ${e.state}${e.node ? ` on ${e.node}` : ''}${why(e.reason)}` };
    case 'disk': return { node: e.writer, body: `disk        ${e.resource} ${e.op ?? 'write'}${e.service ? ` (${e.service})` : ''}${why(e.reason)}` };
    case 'corruption': return { node: '', body: style.bad(`CORRUPTION  ${e.what}`) + style.dim(` — ${e.proof.length} proving record${e.proof.length === 1 ? '' : 's'} in --json`) };
  }
}

/**
 * The text timeline. Routine disk writes (a running service writing once a
 * second) are counted, not listed: every other event is one line; --json keeps
 * them all.
 */
export function renderClusterText(run: ClusterRunResult, style: Style): string {
  const rows: Array<{ t: number; order: number; text: string }> = [];
  const names = run.events.flatMap((e) => ('node' in e ? [e.node] : e.kind === 'fence' ? [e.target] : e.kind === 'disk' ? [e.writer] : []));
  const width = Math.max(8, ...names.map((n) => n.length));
  run.notes.forEach((n, i) => rows.push({ t: n.t, order: i, text: `${fmtT(n.t)}  ${(n.node ?? '').padEnd(width)} ${style.dim(n.text)}` }));
  let writes = 0;
  run.events.forEach((e, i) => {
    let node: string;
    let body: string;
    switch (e.kind) {
      case 'membership': node = e.node; body = `membership  [${e.members.join(' ')}]`; break;
      case 'quorum':
        node = e.node;
        body = `quorum      ${e.quorate ? style.good('quorate    ') : style.bad('not quorate')}  expected ${e.expected_votes}  highest ${e.highest_expected}  total ${e.total_votes}  quorum ${e.quorum}  flags ${e.flags.join(' ') || '-'}`;
        break;
      default:
        if (e.kind === 'disk' && (e.op ?? 'write') === 'write') { writes++; return; }
        ({ node, body } = agentLine(e, style));
    }
    rows.push({ t: e.t, order: run.notes.length + i, text: `${fmtT(e.t)}  ${node.padEnd(width)} ${body}` });
  });
  const lines = rows.sort((a, b) => a.t - b.t || a.order - b.order).map((r) => r.text);
  if (writes > 0) lines.push(style.dim(`(${writes} routine disk write${writes === 1 ? '' : 's'} not listed; --json has every one)`));
  return lines.join('\n') + '\n';
}

function runSimulate(options: Readonly<Record<string, unknown>>, ctx: CommandContext): number {
  const unwritable = outputFlagsProblem(options, { svg: '--svg' }, ctx.io.cwd);
  if (unwritable !== undefined) throw new UsageError(unwritable);
  const prepared = prepare(options, ctx);
  const lines = (file: string): string[] | undefined => {
    try {
      return existsSync(resolve(ctx.io.cwd, file)) ? readFileSync(resolve(ctx.io.cwd, file), 'utf8').split('\n') : undefined;
    } catch {
      return undefined;
    }
  };
  if (Array.isArray(prepared)) {
    for (const d of prepared) ctx.io.stderr.write(`${formatDiagnostic(d, d.file ?? '', lines, ctx.style)}\n`);
    const errors = prepared.filter((d) => d.severity === 'error').length;
    ctx.io.stderr.write(`vrrp-lab cluster simulate: ${errors} error${errors === 1 ? '' : 's'} in the configuration (corosync would not start); nothing was simulated\n`);
    return EXIT_USAGE;
  }
  for (const d of prepared.notes) ctx.io.stderr.write(`${formatDiagnostic(d, d.file ?? '', lines, ctx.style)}\n`);
  if (prepared.inputs.spec.startupError) {
    ctx.io.stderr.write(`vrrp-lab cluster simulate: corosync refuses this configuration at start ("${prepared.inputs.spec.startupError}"): no node runs in the simulation\n`);
  }
  const agents = allClusterAgentFactories.flatMap((f) => {
    const made = f(prepared.inputs);
    for (const d of made.diagnostics ?? []) ctx.io.stderr.write(`${formatDiagnostic(d, d.file ?? '', lines, ctx.style)}\n`);
    return made.agents;
  });
  checkClusterEvents(prepared.inputs.spec, prepared.events, agents);
  const seed = (options['seed'] as number | undefined) ?? 1;
  const raw = new ClusterSimulation(prepared.inputs.spec, prepared.events, { seed, until: secondsToUs(prepared.until) as Instant, agents }).run();
  const run = { ...raw, events: withDataSafety(raw.events) };
  const svgPath = options['svg'] as string | undefined;
  if (svgPath !== undefined) {
    writeOutput('--svg', svgPath, ctx.io.cwd, renderClusterSvg({
      nodes: prepared.inputs.spec.nodes.map((n) => n.name), events: run.events, notes: run.notes, until: prepared.until,
      script: prepared.events.map((e) => ({ t: e.at / 1e6, text: e.text.split(' ').slice(1).join(' ') })),
      title: `${prepared.inputs.kind} ${prepared.inputs.configPath} · seed ${seed}`,
    }));
    ctx.io.stderr.write(`vrrp-lab cluster simulate: wrote ${svgPath}\n`);
  }
  if (ctx.json) ctx.io.stdout.write(`${JSON.stringify({ events: run.events })}\n`);
  else ctx.io.stdout.write(`# ${prepared.inputs.kind} ${prepared.inputs.configPath} · ${prepared.inputs.spec.nodes.length} nodes · seed ${seed}\n${renderClusterText(run, ctx.style)}`);
  return EXIT_OK;
}

export const clusterSimulateCommand: CliCommand = {
  usage: 'simulate',
  summary: 'run a corosync cluster in virtual time: membership and quorum on every node',
  description: `Simulate a cluster from its corosync.conf: corosync's totem membership (token,
consensus, knet) and votequorum (votes, expected votes, two_node, wait_for_all,
last_man_standing, auto_tie_breaker, allow_downscale, quorum devices) on every
node, through crashes, clean stops, hangs, partitions and link failures.

Events (--event, repeatable; T in seconds from the start; NODE is a corosync
node name or nodeid; partition groups separated by spaces, members by commas):
  T kill|stop|start|pause|resume NODE...   crash / clean stop / start / hang / resume
  T partition A,B C                         cut traffic between the groups named
  T heal                                    end the partition
  T linkdown|linkup NODE [IFACE]            the node's cluster link down / up
  T expected NODE E                         corosync-quorumtool -e E on NODE
  T setvotes NODE NODEID V                  corosync-quorumtool -n NODEID -v V on NODE
  T qnetd-down | T qnetd-up                 the quorum device's qnetd unreachable / back

--case DIR reads a recorded corosync case (DIR/case.txt: nodes, votes, quorum
and totem lines, then timed events, as test/fixtures/corosync-cases/ holds
them): its corosync.conf and events, until its 'end'.

Output: a timeline, or with --json {"events":[...]} where each event is
{"t","kind":"membership","node","members"} or {"t","kind":"quorum","node",
"quorate","expected_votes","highest_expected","total_votes","quorum","flags"}
(flags spelled as corosync-quorumtool prints them); agents add fence, service,
disk and corruption events. A quorum event is printed whenever any of its
fields changes on a node. The same seed (--seed, default 1) gives the same run.

A configuration votequorum refuses at start (e.g. two_node with a quorum device)
is simulated as what happens: every node's corosync exits at once, no events.

Exit status: 0 ok, 2 bad flags, events or configuration (printed file:line:col).`,
  examples: [
    { args: 'cluster simulate --config corosync.conf --event "8 kill node3" --until 30', explain: 'crash node3 at 8 s: when the others notice, and their quorum' },
    { args: 'cluster simulate --config corosync.conf --event "10 partition node1,node2 node3,node4" --event "30 heal" --until 45 --json', explain: 'a 2/2 split and its heal, as JSON events' },
    { args: 'cluster simulate --case test/fixtures/corosync-cases/18-qdevice-ffsplit', explain: 'replay a recorded case of real corosync' },
  ],
  define(cmd: Command) {
    cmd
      .option('--config <file>', 'the cluster configuration (corosync.conf)')
      .option('--case <dir>', 'a corosync recorder case directory (case.txt)')
      .option('--cib <file>', 'a Pacemaker CIB (cib.xml) for the agents that use one')
      .option('--event <event>', 'a timed event "T VERB ARGS" (repeatable)', collect)
      .option('--until <seconds>', 'how long to simulate', secondsArg)
      .option('--seed <n>', 'the seed of the run (default 1)', seedArg)
      .option('--svg <file>', 'draw the timeline (membership, quorum, fencing, services per node) as an SVG picture');
  },
  async run({ options }, ctx) {
    try {
      return runSimulate(options, ctx);
    } catch (e) {
      if (e instanceof UsageError) {
        ctx.io.stderr.write(`vrrp-lab cluster simulate: error: ${e.message}\n(run 'vrrp-lab cluster simulate --help' for usage)\n`);
        return EXIT_USAGE;
      }
      if (e instanceof ClusterRunTooLarge) {
        ctx.io.stderr.write(`vrrp-lab cluster simulate: error: ${e.message}\n`);
        return EXIT_USAGE;
      }
      if (e instanceof ScenarioError) {
        ctx.io.stderr.write(`vrrp-lab cluster simulate: error[${e.code}]: ${e.message}\n`);
        return EXIT_USAGE;
      }
      throw e;
    }
  },
};

/** The sub-commands of `vrrp-lab cluster`, in the order its help lists them. */
export const clusterSubcommands: CliCommand[] = [clusterSimulateCommand, clusterPlanCommand, clusterScenarioCommand];

export const clusterCommand: CliCommand = {
  usage: 'cluster',
  summary: 'corosync/Pacemaker/RHCS clusters: membership, quorum and fencing in virtual time',
  description: `Cluster commands: simulate a corosync cluster's membership and quorum (and,
with agents, its fencing and services) in deterministic virtual time; plan what Pacemaker's
scheduler decides for a CIB (fences, start/stop/move/recover) in crm_simulate's words.`,
  examples: clusterSubcommands.flatMap((c) => c.examples.slice(0, 1)),
  define() {},
  async run() {
    return EXIT_USAGE;
  },
  subcommands: clusterSubcommands,
};
