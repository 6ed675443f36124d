/**
 * runScenario: drive one scenario on one backend and read the result.
 *
 * Theory of operation: the scenario is prepared first (configs read, parsed,
 * mapped to engine configs, addresses given, every event checked against the
 * nodes it names), so a mistake is a located error before anything runs. Then
 * the cluster starts — nodes whose first lifecycle event is `start` wait for
 * it — and the events are applied in order, each after `advance`-ing the
 * backend's clock to the event's time. At the end the observations are read
 * into a Timeline, every expectation is checked against it, and the checker
 * library's standard checkers give their verdicts on it.
 *
 * Rules:
 * - The seed is the caller's, else SEED from the environment, else the
 *   scenario's, else the caller's `fresh()` — a host draws a random one
 *   (src/lab/seed.ts), since nothing here reads a clock or draws randomness —
 *   else DEFAULT_SEED; it is always in the result.
 * - Events at the same instant are applied in the order written.
 * - Observations are read before the cluster is stopped: stopping is the
 *   harness leaving, not part of the story.
 */
import { LVS_EVENT_KINDS, type Observation, type StartedCluster } from '../core/backend.js';
import { ScenarioError } from '../core/errors.js';
import { seedFrom } from '../core/rng.js';
import type { DurationUs, Instant } from '../core/time.js';
import type { Verdict } from '../check/index.js';
import { nodeSpecOf, type NodeBackend, type NodeClusterSpec } from '../spec/node-spec.js';
import { checkAll, describeExpectation, type ExpectationResult } from './expectations.js';
import { convergenceBoundOf, DEFAULT_OVERLAP_US, judgeTimeline } from './invariants.js';
import { buildTimeline, type AppliedEvent, type Timeline } from './timeline.js';
import { keepalivedParser } from './keepalived-parser.js';
import type { Scenario } from './scenario.js';
import { prepareScenario, type ConfigParser, type PreparedScenario } from './topology.js';

export interface ScenarioRun {
  readonly prepared: PreparedScenario;
  readonly seed: number;
  readonly timeline: Timeline;
  readonly results: readonly ExpectationResult[];
  /** The checker library's standard verdicts (src/check): reported, not part of `passed`. */
  readonly verdicts: readonly Verdict[];
  readonly passed: boolean;
}

export interface RunOptions {
  /** Overrides SEED and the scenario's own seed. */
  readonly seed?: number;
  /** A fresh seed when neither the caller, SEED nor the scenario gives one (default: DEFAULT_SEED). */
  readonly freshSeed?: () => number;
  /** How to read a node's configuration when the scenario is not prepared yet (default: keepalived's parser). */
  readonly parse?: ConfigParser;
  /**
   * How long two masters, or a VIP out of step, may last as a handover in
   * flight — a delivery delay plus, on real clocks, their lateness (default
   * 0.1 s). The standard checkers' convergence bound grows by twice this.
   */
  readonly overlapUs?: DurationUs;
  /**
   * Told how far the run has got, in virtual time, every twentieth of the run (at most PROGRESS_STEP_US) and at
   * the end (a long run's progress line); the run is the same with or without it.
   */
  readonly onProgress?: (now: Instant, until: Instant) => void;
  /** Look at the cluster at the end time, before it stops (e.g. ask for its `capture` capability). */
  readonly beforeStop?: (cluster: StartedCluster) => void | Promise<void>;
}

/** The seed of a run that no caller, SEED or scenario seeds, unless the caller draws one. */
export const DEFAULT_SEED = 1;

/** The seed rule: explicit, else SEED, else the scenario's, else `fresh()`. */
export function chooseSeed(explicit: number | undefined, scenarioSeed: number | undefined, env: string | undefined = process.env.SEED, fresh: () => number = () => DEFAULT_SEED): number {
  if (explicit !== undefined) return explicit;
  return seedFrom(env, () => scenarioSeed ?? fresh());
}

/**
 * Why a scenario needs a backend that load-balances — an LVS event, or an
 * expectation about connections, checks or clients — or undefined when it does
 * not. Configs with virtual_server blocks alone do not count: their VRRP side
 * runs anywhere.
 */
export function lvsRequirement(scenario: Pick<Scenario, 'events' | 'expectations'>): string | undefined {
  const event = scenario.events.find((e) => LVS_EVENT_KINDS.has(e.event.kind));
  if (event !== undefined) return `'${event.event.kind}' is a load-balancing event`;
  const expectation = scenario.expectations.find((e) => 'predicate' in e && (e.predicate.kind === 'conns' || e.predicate.kind === 'checkstate' || e.predicate.kind === 'clients'));
  return expectation === undefined ? undefined : `'${describeExpectation(expectation)}' reads load balancing`;
}

/** A backend that cannot run load balancing refuses a scenario that needs it, before anything starts. */
function checkBackendRuns(prepared: PreparedScenario, backend: NodeBackend): void {
  if (backend.capabilities.has('lvs')) return;
  const why = lvsRequirement(prepared.scenario);
  if (why !== undefined) throw new ScenarioError('backend-no-lvs', `load balancing is not supported on ${backend.name} yet: ${why}; run it on the simulator`);
}

/**
 * Run a scenario on a backend. A Scenario is prepared first (configs read and
 * checked; ScenarioFileError lists every mistake); a PreparedScenario runs as is.
 */
export async function runScenario(input: Scenario | PreparedScenario, backend: NodeBackend, options: RunOptions = {}): Promise<ScenarioRun> {
  const prepared = 'timelineNodes' in input ? input : prepareScenario(input, { parse: options.parse ?? keepalivedParser });
  const { scenario } = prepared;
  const seed = chooseSeed(options.seed, scenario.seed, process.env.SEED, options.freshSeed);
  checkBackendRuns(prepared, backend);
  const spec: NodeClusterSpec = {
    seed,
    nodes: prepared.nodes.map((n) => ({ id: n.id, config: nodeSpecOf(n), address: n.address })),
    ...(prepared.lvs === undefined ? {} : { lvs: prepared.lvs.cluster }),
  };
  const cluster = await backend.create(spec).start({ deferred: prepared.nodes.filter((n) => n.deferred).map((n) => n.id) });
  const applied: AppliedEvent[] = [];
  let observations: Observation[];
  try {
    const stepUs = Math.min(PROGRESS_STEP_US, Math.max(1_000_000, Math.floor(scenario.until / 20)));
    const progress = options.onProgress === undefined ? undefined : { report: options.onProgress, until: scenario.until, stepUs };
    for (const e of scenario.events) {
      await advanceTo(cluster, e.at, progress);
      applied.push({ at: e.at, event: e.event, observationIndex: cluster.observations().length });
      await cluster.apply(e.event);
    }
    await advanceTo(cluster, scenario.until, progress);
    progress?.report(scenario.until, scenario.until);
    await cluster.advance(0); // what is due at the end time itself still happens
    observations = [...cluster.observations()];
    await options.beforeStop?.(cluster);
  } finally {
    await cluster.stop();
  }
  const timeline = buildTimeline({
    seed,
    until: scenario.until,
    nodes: prepared.timelineNodes,
    instances: prepared.instances,
    observations,
    events: applied,
    ...(prepared.lvs === undefined ? {} : { lvs: prepared.lvs.timeline }),
  });
  const results = checkAll(timeline, scenario.expectations);
  const overlapUs = options.overlapUs ?? DEFAULT_OVERLAP_US;
  const verdicts = judgeTimeline(timeline, { overlapUs, convergenceUs: convergenceBoundOf(prepared, overlapUs) });
  return { prepared, seed, timeline, results, verdicts, passed: results.every((r) => r.ok) };
}

/** Virtual time between two progress reports: a twentieth of the run, at least 1 s, at most an hour. */
export const PROGRESS_STEP_US = 3_600_000_000;

/**
 * Advance to `at`; with a progress listener, in steps of `stepUs`. The
 * backend runs every entry due at or before the end of each step, so the
 * order — and the run — is the same in one step or many.
 */
async function advanceTo(cluster: { now(): Instant; advance(d: number): Promise<void> }, at: Instant, progress?: { report: (now: Instant, until: Instant) => void; until: Instant; stepUs: number }): Promise<void> {
  while (progress !== undefined && at - cluster.now() > progress.stepUs) {
    await cluster.advance(progress.stepUs);
    progress.report(cluster.now(), progress.until);
  }
  const d = at - cluster.now();
  if (d > 0) await cluster.advance(d);
}
