/**
 * The swarm generator (TigerBeetle's VOPR shape): one seed → a random cluster of
 * 2–4 keepalived nodes and a random plan of paired faults, written as real
 * keepalived.conf text and run through the whole scenario path (parse → map →
 * simulate). Checkers from src/sim watch the trace; they never take part.
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
import { atMostOneMaster, checkTrace, convergence, convergenceBoundUs, createSimBackend, routerDirectory, simNodeConfig, type Violation } from '../../src/sim/index.js';
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

interface NodePlan {
  readonly id: string;
  readonly text: string;
  readonly script: boolean;
  readonly trackedEth1: boolean;
}

function nodeConfig(rng: Rng, id: string, shared: { advertInt: number; instances: number; owner: string | undefined }): NodePlan {
  const script = rng.chance(0.4);
  const trackedEth1 = rng.chance(0.2);
  // An address owner keeps only unweighted trackers (keepalived drops weighted ones), so give it those.
  const owner = shared.owner === id;
  const lines: string[] = ['global_defs {', '    enable_script_security', '    script_user root', '}', ''];
  if (script) {
    const weight = owner ? 0 : rng.pick([0, -60, -20, 20, 60, rng.int(-100, 100)]);
    lines.push('vrrp_script chk {', '    script "/bin/true"', `    interval ${rng.int(1, 2)}`, `    fall ${rng.int(1, 3)}`, `    rise ${rng.int(1, 3)}`, `    weight ${weight}`, '}', '');
  }
  for (let k = 1; k <= shared.instances; k++) {
    const priority = shared.owner === id && k === 1 ? 255 : rng.int(1, 254);
    lines.push(`vrrp_instance VI_${k} {`, '    state BACKUP', '    interface eth0', `    virtual_router_id ${50 + k}`, `    priority ${priority}`, `    advert_int ${shared.advertInt}`);
    if (rng.chance(0.12)) lines.push('    nopreempt');
    else if (rng.chance(0.1)) lines.push(`    preempt_delay ${rng.int(1, 5)}`);
    if (k === 1 && script) lines.push('    track_script {', '        chk', '    }');
    if (k === 1 && trackedEth1) lines.push('    track_interface {', `        eth1 weight ${owner ? 0 : rng.pick([0, -50, -120, 30])}`, '    }');
    lines.push('    virtual_ipaddress {', `        192.0.2.${99 + k}/24`, '    }', '}', '');
  }
  return { id, text: lines.join('\n'), script, trackedEth1 };
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

export function swarmScenario(seed: number): Scenario {
  const rng = Rng.fromSeed(seed).fork('swarm');
  const ids = ['n1', 'n2', 'n3', 'n4'].slice(0, rng.int(2, 4));
  const shared = { advertInt: rng.chance(0.2) ? 2 : 1, instances: rng.chance(0.3) ? 2 : 1, owner: rng.chance(0.1) ? rng.pick(ids) : undefined };
  const nodes = ids.map((id) => nodeConfig(rng, id, shared));
  const events: ScenarioEvent[] = [];
  const faults = rng.int(1, 6);
  for (let i = 0; i < faults; i++) {
    const [fault, undo] = faultPair(rng, nodes);
    const t = rng.int(1_000, (FAULTS_UNTIL_S - 9) * 1_000) / 1_000;
    events.push(at(t, fault), at(t + rng.int(500, 8_000) / 1_000, undo));
  }
  // The quiet tail: whatever the plan left undone is undone here.
  events.push(at(FAULTS_UNTIL_S, { kind: 'heal' }));
  for (const n of nodes) {
    for (const e of [{ kind: 'resume', node: n.id }, { kind: 'start', node: n.id }, { kind: 'linkup', node: n.id, interface: 'eth0' }, { kind: 'loss', node: n.id, lossRatio: 0 }] as ClusterEvent[]) events.push(at(FAULTS_UNTIL_S, e));
    if (n.trackedEth1) events.push(at(FAULTS_UNTIL_S, { kind: 'linkup', node: n.id, interface: 'eth1' }));
    if (n.script) events.push(at(FAULTS_UNTIL_S, { kind: 'ok', node: n.id, script: 'chk' }));
  }
  return {
    name: `swarm seed ${seed}`,
    nodes: nodes.map((n) => ({ id: n.id, config: configText(`${n.id}.conf`, n.text) })),
    events: sortEvents(events),
    until: instant(UNTIL_S * 1_000_000),
    seed,
    expectations: [],
  };
}

export interface SwarmRun {
  readonly seed: number;
  readonly scenario: Scenario;
  readonly violations: readonly Violation[];
  readonly traceHash: string;
  readonly observations: readonly Observation[];
}

export async function runSwarmSeed(seed: number): Promise<SwarmRun> {
  const scenario = swarmScenario(seed);
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
  const nodes = prepared.nodes.map((n) => ({ id: n.id, config: simNodeConfig(n) }));
  const routerOf = routerDirectory(nodes);
  const boundUs = convergenceBoundUs(nodes, LATENCY_US_MAX);
  const checkers = [atMostOneMaster({ routerOf, graceUs: boundUs, overlapUs: 2 * LATENCY_US_MAX }), convergence({ routerOf, boundUs })];
  const violations = checkTrace(observations, checkers, scenario.until as Instant);
  return { seed, scenario, violations, traceHash, observations };
}

/** What to print when a seed fails: the plan, the configs' gist, the violations, how to rerun. */
export function describeFailure(run: SwarmRun, why: string): string {
  const plan = run.scenario.events.filter((e) => e.at < FAULTS_UNTIL_S * 1_000_000).map((e) => `  ${(e.at / 1e6).toFixed(3)} ${formatEvent(e.event)}`);
  const configs = run.scenario.nodes.map((n) => `  ${n.id}: ${n.config.kind === 'text' ? n.config.text.split('\n').filter((l) => /priority|nopreempt|preempt_delay|weight|advert_int/.test(l)).map((l) => l.trim()).join('; ') : ''}`);
  return [`seed ${run.seed}: ${why}`, ...run.violations.map((v) => `  ${v.checker} at ${(v.at / 1e6).toFixed(6)} s: ${v.message}`), 'configs:', ...configs, 'faults:', ...plan, `reproduce with: SEED=${run.seed} npx vitest run test/swarm/swarm.test.ts`].join('\n');
}
