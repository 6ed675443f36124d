/**
 * The swarm generator (TigerBeetle's VOPR shape): one seed → a random cluster of
 * 2–4 keepalived nodes and a random plan of paired faults, written as real
 * keepalived.conf text and run through the whole scenario path (parse → map →
 * simulate). The seed's options are all drawn first and printed before the run
 * (VOPR's `SEED=` line); the checker library (src/check) watches the
 * simulator's observations and never takes part.
 *
 * What the generator keeps consistent, because a real cluster that breaks it is
 * *meant* to split (and the checkers would rightly say so): advert_int and the
 * VIP sets agree between nodes, at most one node is an address owner, and sync
 * groups are left out (their forced transitions are a different invariant).
 * Every fault is undone before the quiet tail, so the last stretch of every run
 * is judged by the convergence checker too.
 */
import { Rng } from '../../src/core/rng.js';
import type { Observation } from '../../src/core/backend.js';
import { instant, type Instant } from '../../src/core/time.js';
import { checkTrace, standardCheckers, violationsOf, type Verdict, type Violation } from '../../src/check/index.js';
import { createSimBackend } from '../../src/sim/index.js';
import { convergenceBoundOf, routerDirectoryOfScenario } from '../../src/scenario/invariants.js';
import { formatEvent, sortEvents, type ScenarioEvent } from '../../src/scenario/events.js';
import { keepalivedParser } from '../../src/scenario/keepalived-parser.js';
import { runScenario } from '../../src/scenario/run.js';
import { requireCapability } from '../../src/core/backend.js';
import { configText, type Scenario } from '../../src/scenario/scenario.js';
import { prepareScenario } from '../../src/scenario/topology.js';
import type { ClusterEvent } from '../../src/core/backend.js';

export const LATENCY_US_MIN = 50;
export const LATENCY_US_MAX = 2_000;
const FAULTS_UNTIL_S = 30;
const UNTIL_S = 45;

/** One node's randomised options (everything the seed decided about it). */
interface NodePlan {
  readonly id: string;
  readonly script: boolean;
  readonly trackedEth1: boolean;
  readonly owner: boolean;
  readonly scriptWeight: number;
  readonly scriptTiming: { readonly interval: number; readonly fall: number; readonly rise: number };
  readonly instances: readonly { readonly priority: number; readonly preempt: 'preempt' | 'nopreempt' | `preempt_delay ${number}`; readonly eth1Weight?: number }[];
}

function nodePlan(rng: Rng, id: string, shared: { instances: number; owner: string | undefined }): NodePlan {
  const script = rng.chance(0.4);
  const trackedEth1 = rng.chance(0.2);
  // An address owner keeps only unweighted trackers (keepalived drops weighted ones), so give it those.
  const owner = shared.owner === id;
  const scriptWeight = script ? (owner ? 0 : rng.pick([0, -60, -20, 20, 60, rng.int(-100, 100)])) : 0;
  const scriptTiming = script ? { interval: rng.int(1, 2), fall: rng.int(1, 3), rise: rng.int(1, 3) } : { interval: 1, fall: 1, rise: 1 };
  const instances: NodePlan['instances'][number][] = [];
  for (let k = 1; k <= shared.instances; k++) {
    const priority = owner && k === 1 ? 255 : rng.int(1, 254);
    const preempt = rng.chance(0.12) ? 'nopreempt' : rng.chance(0.1) ? (`preempt_delay ${rng.int(1, 5)}` as const) : 'preempt';
    const eth1Weight = k === 1 && trackedEth1 ? (owner ? 0 : rng.pick([0, -50, -120, 30])) : undefined;
    instances.push({ priority, preempt, ...(eth1Weight === undefined ? {} : { eth1Weight }) });
  }
  return { id, script, trackedEth1, owner, scriptWeight, scriptTiming, instances };
}

function nodeText(plan: NodePlan, advertInt: number): string {
  const lines: string[] = ['global_defs {', '    enable_script_security', '    script_user root', '}', ''];
  const t = plan.scriptTiming;
  if (plan.script) lines.push('vrrp_script chk {', '    script "/bin/true"', `    interval ${t.interval}`, `    fall ${t.fall}`, `    rise ${t.rise}`, `    weight ${plan.scriptWeight}`, '}', '');
  plan.instances.forEach((i, index) => {
    const k = index + 1;
    lines.push(`vrrp_instance VI_${k} {`, '    state BACKUP', '    interface eth0', `    virtual_router_id ${50 + k}`, `    priority ${i.priority}`, `    advert_int ${advertInt}`);
    if (i.preempt !== 'preempt') lines.push(`    ${i.preempt}`);
    if (k === 1 && plan.script) lines.push('    track_script {', '        chk', '    }');
    if (i.eth1Weight !== undefined) lines.push('    track_interface {', `        eth1 weight ${i.eth1Weight}`, '    }');
    lines.push('    virtual_ipaddress {', `        192.0.2.${99 + k}/24`, '    }', '}', '');
  });
  return lines.join('\n');
}

/** A fault and, some seconds later, its undoing. */
function faultPair(rng: Rng, nodes: readonly NodePlan[]): [ClusterEvent, ClusterEvent] {
  const n = rng.pick(nodes);
  const ids = nodes.map((x) => x.id);
  const kinds = ['kill', 'stop', 'linkdown', 'pause', 'partition', 'oneway', 'loss', ...(n.script ? ['fail'] : []), ...(n.trackedEth1 ? ['eth1'] : [])];
  switch (rng.pick(kinds)) {
    case 'kill': return [{ kind: 'kill', node: n.id }, { kind: 'start', node: n.id }];
    case 'stop': return [{ kind: 'stop', node: n.id }, { kind: 'start', node: n.id }];
    case 'linkdown': return [{ kind: 'linkdown', node: n.id, interface: 'eth0' }, { kind: 'linkup', node: n.id, interface: 'eth0' }];
    case 'eth1': return [{ kind: 'linkdown', node: n.id, interface: 'eth1' }, { kind: 'linkup', node: n.id, interface: 'eth1' }];
    case 'pause': return [{ kind: 'pause', node: n.id }, { kind: 'resume', node: n.id }];
    case 'fail': return [{ kind: 'fail', node: n.id, script: 'chk' }, { kind: 'ok', node: n.id, script: 'chk' }];
    case 'loss': return [{ kind: 'loss', node: n.id, lossRatio: rng.pick([0.3, 0.7, 1]) }, { kind: 'loss', node: n.id, lossRatio: 0 }];
    case 'oneway': {
      const other = rng.pick(ids.filter((x) => x !== n.id));
      return [{ kind: 'oneway', from: n.id, to: other }, { kind: 'heal' }];
    }
    default: {
      const cut = rng.int(1, ids.length - 1);
      return [{ kind: 'partition', groups: [ids.slice(0, cut), ids.slice(cut)] }, { kind: 'heal' }];
    }
  }
}

const at = (seconds: number, event: ClusterEvent): ScenarioEvent => ({ at: instant(Math.round(seconds * 1000) * 1000), event });

/** Everything one seed decides, drawn before anything runs (VOPR's options_swarm). */
export interface SwarmOptions {
  readonly seed: number;
  readonly advertInt: number;
  readonly owner: string | undefined;
  readonly nodes: readonly NodePlan[];
  readonly faults: readonly { readonly at: number; readonly fault: ClusterEvent; readonly undoAt: number; readonly undo: ClusterEvent }[];
}

export function swarmOptions(seed: number): SwarmOptions {
  const rng = Rng.fromSeed(seed).fork('swarm');
  const ids = ['n1', 'n2', 'n3', 'n4'].slice(0, rng.int(2, 4));
  const shared = { advertInt: rng.chance(0.2) ? 2 : 1, instances: rng.chance(0.3) ? 2 : 1, owner: rng.chance(0.1) ? rng.pick(ids) : undefined };
  const nodes = ids.map((id) => nodePlan(rng, id, shared));
  const faults: SwarmOptions['faults'][number][] = [];
  const count = rng.int(1, 6);
  for (let i = 0; i < count; i++) {
    const [fault, undo] = faultPair(rng, nodes);
    const t = rng.int(1_000, (FAULTS_UNTIL_S - 9) * 1_000) / 1_000;
    faults.push({ at: t, fault, undoAt: t + rng.int(500, 8_000) / 1_000, undo });
  }
  return { seed, advertInt: shared.advertInt, owner: shared.owner, nodes, faults };
}

/**
 * What a seed prints first: the seed and the options it drew — the first line
 * the cluster's shape, then each node's instances and trackers, then the faults
 * in time order — so a run can be read before it is rerun.
 */
export function formatOptions(o: SwarmOptions): string {
  const node = (n: NodePlan): string => {
    const instances = n.instances.map((i, k) => `VI_${k + 1}:${i.priority}${i.preempt === 'preempt' ? '' : `/${i.preempt.replace(' ', '=')}`}${i.eth1Weight === undefined ? '' : `/eth1=${i.eth1Weight}`}`);
    const script = n.script ? ` chk=${n.scriptWeight}@${n.scriptTiming.interval}s/fall${n.scriptTiming.fall}/rise${n.scriptTiming.rise}` : '';
    return `${n.id}[${instances.join(' ')}${script}]`;
  };
  const faults = [...o.faults].sort((a, b) => a.at - b.at).map((f) => `${f.at.toFixed(3)} ${formatEvent(f.fault)} → ${f.undoAt.toFixed(3)} ${formatEvent(f.undo)}`);
  return [
    `SEED=${o.seed} nodes=${o.nodes.length} advert_int=${o.advertInt} instances=${o.nodes[0]?.instances.length ?? 0} owner=${o.owner ?? '-'} faults=${o.faults.length} latency_us=${LATENCY_US_MIN}..${LATENCY_US_MAX} until=${UNTIL_S}`,
    `  ${o.nodes.map(node).join(' ')}`,
    ...faults.map((f) => `  ${f}`),
  ].join('\n');
}

export function swarmScenario(options: SwarmOptions): Scenario {
  const events: ScenarioEvent[] = options.faults.flatMap((f) => [at(f.at, f.fault), at(f.undoAt, f.undo)]);
  // The quiet tail: whatever the plan left undone is undone here.
  events.push(at(FAULTS_UNTIL_S, { kind: 'heal' }));
  for (const n of options.nodes) {
    for (const e of [{ kind: 'resume', node: n.id }, { kind: 'start', node: n.id }, { kind: 'linkup', node: n.id, interface: 'eth0' }, { kind: 'loss', node: n.id, lossRatio: 0 }] as ClusterEvent[]) events.push(at(FAULTS_UNTIL_S, e));
    if (n.trackedEth1) events.push(at(FAULTS_UNTIL_S, { kind: 'linkup', node: n.id, interface: 'eth1' }));
    if (n.script) events.push(at(FAULTS_UNTIL_S, { kind: 'ok', node: n.id, script: 'chk' }));
  }
  return {
    name: `swarm seed ${options.seed}`,
    nodes: options.nodes.map((n) => ({ id: n.id, config: configText(`${n.id}.conf`, nodeText(n, options.advertInt)) })),
    events: sortEvents(events),
    until: instant(UNTIL_S * 1_000_000),
    seed: options.seed,
    expectations: [],
  };
}

export interface SwarmRun {
  readonly seed: number;
  readonly options: SwarmOptions;
  readonly scenario: Scenario;
  readonly verdicts: readonly Verdict[];
  readonly violations: readonly Violation[];
  readonly traceHash: string;
  readonly observations: readonly Observation[];
}

/**
 * Run one seed: its options are drawn and handed to `log` first, then the
 * scenario runs on the simulator and the checker library judges the
 * simulator's own observation stream.
 */
export async function runSwarmSeed(seed: number, log: (line: string) => void = () => {}): Promise<SwarmRun> {
  const options = swarmOptions(seed);
  log(formatOptions(options));
  const scenario = swarmScenario(options);
  const prepared = prepareScenario(scenario, { parse: keepalivedParser });
  const backend = createSimBackend({ link: { latencyUsMin: LATENCY_US_MIN, latencyUsMax: LATENCY_US_MAX } });
  let observations: readonly Observation[] = [];
  let traceHash = '';
  await runScenario(prepared, backend, {
    seed,
    beforeStop: (cluster) => {
      observations = [...cluster.observations()];
      traceHash = requireCapability(cluster, 'trace-hash', backend.name, 'the determinism check').traceHash();
    },
  });
  const checkers = standardCheckers({ routers: routerDirectoryOfScenario(prepared), overlapUs: 2 * LATENCY_US_MAX, convergenceUs: convergenceBoundOf(prepared, LATENCY_US_MAX) });
  const verdicts = checkTrace(observations, checkers, scenario.until as Instant);
  return { seed, options, scenario, verdicts, violations: violationsOf(verdicts), traceHash, observations };
}

/** What to print when a seed fails: the seed and its options, the violations, how to rerun. */
export function describeFailure(run: SwarmRun, why: string): string {
  return [
    formatOptions(run.options),
    `seed ${run.seed}: ${why}`,
    ...run.violations.map((v) => `  ${v.class} ${v.checker} at ${(v.at / 1e6).toFixed(6)} s: ${v.message}`),
    `reproduce with: SEED=${run.seed} npx vitest run test/swarm/swarm.test.ts`,
  ].join('\n');
}
