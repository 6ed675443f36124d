/**
 * The backend contract: one test body that every backend runs (turmoil's
 * conformance suite, one body and many backends). It holds each backend to the
 * one written meaning of the fault verbs (ClusterEvent in src/core/backend.ts),
 * and each expectation here is what real keepalived 2.2.7 did in the recordings
 * named beside it (test/fixtures/keepalived-cases).
 *
 * Theory of operation: every case is a scenario run through `runScenario` on a
 * fresh backend; its Timeline is checked for states, priorities, VIP holders
 * and times. Times are predicted from RFC 3768's timers and from what the run
 * itself shows (when the master took over, so when its adverts leave), so the
 * same prediction holds on every backend: to the microsecond on the simulator
 * (`toleranceUs: 0`, `linkDelayUs` its link latency), within a tolerance where
 * processes and kernels decide.
 *
 * Rules:
 * - The body names no backend and no engine: it reads the Timeline only. An
 *   engine that cannot pass a case lists it in `skip` with the reason, which is
 *   printed in the test's name.
 * - Two nodes: lb1 priority 150, lb2 100; three nodes: 150, 120, 100. VRID 51,
 *   advert_int 1, VIP 192.0.2.100, addresses 192.0.2.11, .12, .13.
 */
import { describe, expect, it } from 'vitest';
import { type FaultEvent, undoOf } from '../../src/core/backend.js';
import type { NodeId } from '../../src/core/ids.js';
import { kill, start, stop } from '../../src/scenario/events.js';
import { runScenario, type ScenarioRun } from '../../src/scenario/run.js';
import { configText, scenario, type Scenario, type ScenarioBuilder } from '../../src/scenario/scenario.js';
import { holdersAt, mastersAt, type Timeline, type TimelineTransition } from '../../src/scenario/timeline.js';
import type { Instant } from '../../src/core/time.js';
import type { NodeBackend } from '../../src/spec/node-spec.js';

export const CONTRACT_CASES = [
  'partition naming two of three nodes',
  'paused BACKUP resumed under a live master',
  'MASTER paused past the master-down interval',
  'stale MASTER resumed under a higher master',
  'stop vs kill',
  'linkdown on a tracked interface',
] as const;
export type ContractCase = (typeof CONTRACT_CASES)[number];

export interface BackendContract {
  /** Shown in the suite's name: the backend and, where it has one, the engine. */
  readonly name: string;
  /** A backend to run one case on. */
  newBackend(): NodeBackend | Promise<NodeBackend>;
  /** How far an observed time may be from the predicted one (0: exact). */
  readonly toleranceUs: number;
  /** One-way delay of a packet between two nodes, where the backend fixes it (the simulator's link latency); else 0. */
  readonly linkDelayUs: number;
  readonly skip?: readonly { readonly reason: string; readonly tests: readonly ContractCase[] }[];
  /** Per case, for backends that run in real time. */
  readonly timeoutMs?: number;
}

const S = 1_000_000;
const VIP = '192.0.2.100';
const INSTANCE = 'VI_1';
/** RFC 3768 Skew_Time and Master_Down_Interval for advert_int 1 s, in µs (keepalived rounds down). */
const skew = (priority: number): number => Math.floor(((256 - priority) * S) / 256);
const masterDown = (priority: number): number => 3 * S + skew(priority);

const conf = (priority: number, extra = ''): string => `vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority ${priority}
    advert_int 1
${extra}    virtual_ipaddress {
        192.0.2.100/24
    }
}
`;

/** `fault` at `atS`, the verb that undoes it at `undoS`. */
const during = (b: ScenarioBuilder, atS: number, undoS: number, fault: FaultEvent): ScenarioBuilder => b.at(atS, fault).at(undoS, undoOf(fault));

function cluster(name: string, priorities: readonly number[], extra: Readonly<Record<string, string>> = {}): ScenarioBuilder {
  return priorities.reduce(
    (b, p, i) => b.node(`lb${i + 1}`, configText(`lb${i + 1}.conf`, conf(p, extra[`lb${i + 1}`] ?? '')), { address: `192.0.2.${11 + i}` }),
    scenario(name).seed(1),
  );
}

/** What a case sees: the run's timeline and the backend's timing contract. */
class Judge {
  constructor(
    readonly tl: Timeline,
    private readonly contract: BackendContract,
  ) {}

  get d(): number {
    return this.contract.linkDelayUs;
  }

  transitions(node: NodeId): TimelineTransition[] {
    return this.tl.transitions.filter((t) => t.node === node && t.instance === INSTANCE);
  }

  /** The first transition of `node` into `state` at or after `fromS`. */
  firstTo(node: NodeId, state: string, fromS = 0): TimelineTransition {
    const t = this.transitions(node).find((x) => x.to === state && x.at >= fromS * S);
    expect(t, `${node} never went ${state} after ${fromS} s: ${this.describe(node)}`).toBeDefined();
    return t as TimelineTransition;
  }

  never(node: NodeId, state: string, fromS: number, toS: number): void {
    const bad = this.transitions(node).filter((x) => x.to === state && x.at >= fromS * S && x.at < toS * S);
    expect(bad, `${node} went ${state} between ${fromS} and ${toS} s: ${this.describe(node)}`).toEqual([]);
  }

  /** `actualUs` is `expectedUs`, within the backend's tolerance. */
  at(what: string, actualUs: number, expectedUs: number): void {
    const off = Math.abs(actualUs - expectedUs);
    expect(off, `${what}: at ${(actualUs / S).toFixed(6)} s, predicted ${(expectedUs / S).toFixed(6)} s\n${this.story()}`).toBeLessThanOrEqual(this.contract.toleranceUs);
  }

  /**
   * `actualUs` is `expectedUs` on a backend that is exact; elsewhere it may come
   * as early as `earliestUs` (a master's advert timer drifts later with each
   * advert on a loaded host, so an advert due just before an event may leave
   * after it) and no later than `expectedUs`, within the tolerance.
   */
  by(what: string, actualUs: number, earliestUs: number, expectedUs: number): void {
    if (this.contract.toleranceUs === 0) return this.at(what, actualUs, expectedUs);
    const tol = this.contract.toleranceUs;
    const msg = `${what}: at ${(actualUs / S).toFixed(6)} s, predicted ${(earliestUs / S).toFixed(6)}..${(expectedUs / S).toFixed(6)} s\n${this.story()}`;
    expect(actualUs, msg).toBeGreaterThanOrEqual(earliestUs - tol);
    expect(actualUs, msg).toBeLessThanOrEqual(expectedUs + tol);
  }

  /** A master's last advert sent before `beforeS`: it sends one on taking over and one each advert_int after. */
  lastAdvert(master: TimelineTransition, beforeS: number): number {
    return master.at + Math.floor((beforeS * S - master.at) / S) * S;
  }

  /** The first advert a master sends at or after `fromS`. */
  nextAdvert(master: TimelineTransition, fromS: number): number {
    return master.at + Math.ceil((fromS * S - master.at) / S) * S;
  }

  masters(atS: number): NodeId[] {
    return mastersAt(this.tl, INSTANCE, (atS * S) as Instant);
  }

  holders(atS: number): NodeId[] {
    return holdersAt(this.tl, VIP, (atS * S) as Instant);
  }

  /** Every node's transitions and the events, for failure messages. */
  story(): string {
    const nodes = [...new Set(this.tl.transitions.map((t) => t.node))].sort();
    const events = this.tl.events.map((e) => `${(e.at / S).toFixed(3)} ${e.event.kind}`).join(', ');
    return [...nodes.map((n) => `  ${n}: ${this.describe(n)}`), `  events: ${events}`].join('\n');
  }

  describe(node: NodeId): string {
    return this.transitions(node).map((t) => `${t.to}@${(t.at / S).toFixed(6)}(${t.priority})`).join(' ');
  }
}

interface Case {
  readonly scenario: Scenario;
  check(j: Judge): void;
}

const CASES: Record<ContractCase, Case> = {
  // keepalived-cases/26-partition-unnamed-node
  'partition naming two of three nodes': {
    scenario: during(cluster('partition lb1 lb2, lb3 named in no group', [150, 120, 100]), 6, 14, { kind: 'partition', groups: [['lb1'], ['lb2']] })
      .until(20)
      .build(),
    check(j) {
      const m1 = j.firstTo('lb1', 'MASTER');
      const m2 = j.firstTo('lb2', 'MASTER', 6);
      j.at('lb2 stops hearing lb1 and takes over', m2.at, j.lastAdvert(m1, 6) + j.d + masterDown(120));
      expect(m2.priority).toBe(120);
      j.never('lb3', 'MASTER', 0, 20); // it still hears lb1: the unnamed node is not cut off
      j.never('lb1', 'BACKUP', m1.at / S + 0.001, 20);
      expect(j.masters(12)).toEqual(['lb1', 'lb2']);
      expect(j.holders(12)).toEqual(['lb1', 'lb2']);
      // After heal the first advert across decides: lb1's own, or its answer to lb2's lower one.
      const b2 = j.firstTo('lb2', 'BACKUP', 14);
      j.by('lb2 yields after heal', b2.at, 14 * S, Math.min(j.nextAdvert(m1, 14) + j.d, j.nextAdvert(m2, 14) + 2 * j.d));
      expect(j.masters(19)).toEqual(['lb1']);
      expect(j.holders(19)).toEqual(['lb1']);
    },
  },
  // keepalived-cases/24-pause-backup
  'paused BACKUP resumed under a live master': {
    scenario: during(cluster('pause the backup under a live master', [150, 100]), 6, 12, { kind: 'pause', node: 'lb2' }).until(16).build(),
    check(j) {
      j.firstTo('lb1', 'MASTER');
      // Its down timer is ~3 s overdue at 12 s, but it reads lb1's kept adverts first.
      j.never('lb2', 'MASTER', 0, 16);
      expect(j.transitions('lb2').map((t) => t.to)).toEqual(['BACKUP']);
      expect(j.masters(15.9)).toEqual(['lb1']);
      expect(j.holders(15.9)).toEqual(['lb1']);
    },
  },
  // keepalived-cases/17-pause-resume
  'MASTER paused past the master-down interval': {
    scenario: during(cluster('pause the master', [150, 100]), 6, 12, { kind: 'pause', node: 'lb1' }).until(16).build(),
    check(j) {
      const m1 = j.firstTo('lb1', 'MASTER');
      const m2 = j.firstTo('lb2', 'MASTER', 6);
      j.at('lb2 takes over from the frozen master', m2.at, j.lastAdvert(m1, 6) + j.d + masterDown(100));
      expect(j.holders(11)).toEqual(['lb1', 'lb2']); // the frozen node keeps its address
      // lb1 never noticed: no transition of its own; its first advert on resume makes lb2 yield.
      expect(j.transitions('lb1').map((t) => t.to)).toEqual(['BACKUP', 'MASTER']);
      j.at('lb2 yields to the resumed master', j.firstTo('lb2', 'BACKUP', 12).at, 12 * S + j.d);
      expect(j.holders(15.9)).toEqual(['lb1']);
    },
  },
  // keepalived-cases/25-pause-master-yields
  'stale MASTER resumed under a higher master': {
    scenario: during(cluster('a stale master reads the kept higher adverts', [100, 150], { lb2: '    nopreempt\n' }).at(1, start('lb2')), 6, 14, { kind: 'pause', node: 'lb1' })
      .until(18)
      .build(),
    check(j) {
      const m1 = j.firstTo('lb1', 'MASTER');
      j.never('lb2', 'MASTER', 0, 6); // nopreempt: it accepts the lower master
      const m2 = j.firstTo('lb2', 'MASTER', 6);
      j.at('lb2 takes over from the frozen master', m2.at, j.lastAdvert(m1, 6) + j.d + masterDown(150));
      j.at('the stale master yields as soon as it reads what its socket kept', j.firstTo('lb1', 'BACKUP', 14).at, 14 * S);
      j.never('lb2', 'BACKUP', m2.at / S + 0.001, 18);
      expect(j.holders(17.9)).toEqual(['lb2']);
    },
  },
  // keepalived-cases/02-graceful-stop, 01-crash
  'stop vs kill': {
    scenario: cluster('stop, start, kill', [150, 100]).at(6, stop('lb1')).at(8, start('lb1')).at(16, kill('lb1')).until(22).build(),
    check(j) {
      const m1 = j.firstTo('lb1', 'MASTER');
      // stop: lb1 sends priority 0, lb2 waits only its Skew_Time.
      j.at('lb1 stops', j.firstTo('lb1', 'STOP', 6).at, 6 * S);
      j.at('lb2 takes over after Skew_Time', j.firstTo('lb2', 'MASTER', 6).at, 6 * S + j.d + skew(100));
      expect(j.holders(7)).toEqual(['lb2']);
      // start: a fresh process waits a whole Master_Down_Interval before it preempts.
      const restarted = j.firstTo('lb1', 'BACKUP', 8);
      const back = j.firstTo('lb1', 'MASTER', 8);
      j.at('restarted lb1 preempts after Master_Down_Interval', back.at, restarted.at + masterDown(150));
      // kill: no goodbye, lb2 waits Master_Down_Interval after the last advert.
      const m2 = j.firstTo('lb2', 'MASTER', 16);
      j.at('lb2 takes over after Master_Down_Interval', m2.at, j.lastAdvert(back, 16) + j.d + masterDown(100));
      expect(j.holders(15.9)).toEqual(['lb1']);
      expect(j.holders(21.9)).toEqual(['lb2']);
      expect(m1.priority).toBe(150);
    },
  },
  // keepalived-cases/08-linkdown, with the link tracked instead of the instance's own
  'linkdown on a tracked interface': {
    scenario: during(cluster('a tracked link goes down', [150, 100], { lb1: '    track_interface {\n        eth1\n    }\n' }), 6, 12, { kind: 'linkdown', node: 'lb1', interface: 'eth1' })
      .until(18)
      .build(),
    check(j) {
      j.firstTo('lb1', 'MASTER');
      // FAULT at once; its own eth0 is up, so its priority-0 advert reaches lb2, which waits only its skew.
      j.at('lb1 faults', j.firstTo('lb1', 'FAULT', 6).at, 6 * S);
      j.at('lb2 takes over after Skew_Time', j.firstTo('lb2', 'MASTER', 6).at, 6 * S + j.d + skew(100));
      expect(j.holders(8)).toEqual(['lb2']);
      const backup = j.firstTo('lb1', 'BACKUP', 12);
      j.at('link up: lb1 leaves FAULT', backup.at, 12 * S);
      j.at('and preempts after Master_Down_Interval', j.firstTo('lb1', 'MASTER', 12).at, backup.at + masterDown(150));
      expect(j.holders(17.9)).toEqual(['lb1']);
    },
  },
};

/** Run every contract case on one backend. */
export function runBackendContract(contract: BackendContract): void {
  describe(`backend contract: ${contract.name}`, () => {
    for (const name of CONTRACT_CASES) {
      const skipped = contract.skip?.find((s) => s.tests.includes(name));
      if (skipped !== undefined) {
        it.skip(`${name} [skipped: ${skipped.reason}]`, () => undefined);
        continue;
      }
      it(
        name,
        async () => {
          const c = CASES[name];
          const run: ScenarioRun = await runScenario(c.scenario, await contract.newBackend(), { seed: 1 });
          c.check(new Judge(run.timeline, contract));
        },
        contract.timeoutMs,
      );
    }
  });
}
