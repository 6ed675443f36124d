/**
 * The simulator behind the Backend port (core/backend.ts): what scenarios run
 * on by default. `create(spec)` → Cluster, `start()` → StartedCluster,
 * `stop()` → StoppedCluster. It takes the backend-neutral NodeSpec
 * (src/spec) and maps it itself: one segment per interface name. Its own
 * verbs are capabilities — `hold` (hold / release), `capture` (with the
 * `capture` option), `trace-hash`, `lvs`; the Simulation inside stays
 * reachable as `.simulation` for the simulator's own tests.
 *
 * Nothing here waits on a real clock: `advance` returns when the virtual clock
 * has moved; the promises exist only so that the same scenario code can drive
 * the Docker backend.
 *
 * `stop()` ends the run where it is: it does not shut the nodes down (no
 * observations are added), it only freezes the trace.
 */
import type { CapabilityMap, CapabilityName, Cluster, ClusterEvent, ClusterSpec, Observation, StartedCluster, StoppedCluster } from '../core/backend.js';
import { ScenarioError } from '../core/errors.js';
import type { NodeId } from '../core/ids.js';
import type { DurationUs, Instant } from '../core/time.js';
import { vrrpEngine } from '../vrrp/index.js';
import { checkerEngine, checkerStatus, type CheckerEngineState } from '../ipvs/checkers/index.js';
import { ipvsDirectorFactory } from './lvs/ipvs.js';
import type { LvsEngines } from './lvs/lvs.js';
import { interfaceSegment, Simulation } from './simulation.js';
import type { SimNodeConfig, SimulationOptions } from './types.js';
import type { NodeBackend, NodeSpec } from '../spec/node-spec.js';

/** Everything but the seed (each ClusterSpec brings its own); the engine defaults to src/vrrp's. */
export type SimBackendOptions = Omit<SimulationOptions, 'seed' | 'engine'> & { readonly engine?: SimulationOptions['engine'] };

export interface SimStartedCluster extends StartedCluster {
  readonly simulation: Simulation;
}

export interface SimBackend extends NodeBackend {
  create(spec: ClusterSpec<NodeSpec>): SimCluster;
}

/** The simulator's view of a node: its engine config, one segment per interface name, scripts' exit codes at start. */
export function simNodeConfig(node: NodeSpec): SimNodeConfig {
  return {
    vrrp: node.vrrp,
    segments: Object.fromEntries(node.vrrp.interfaces.map((i) => [i.name, interfaceSegment(i.name)])),
    scriptExitCodes: node.initialScriptExitCodes,
    ...(node.lvs === undefined ? {} : { lvs: node.lvs }),
  };
}

export interface SimCluster extends Cluster {
  start(options?: { readonly deferred?: readonly NodeId[] }): Promise<SimStartedCluster>;
}

/** The IPVS model and keepalived's checker process, as every director node runs them by default. */
export const defaultLvsEngines: LvsEngines = {
  checkerEngine,
  checkerStatus: (state) => checkerStatus(state as CheckerEngineState),
  makeDirector: ipvsDirectorFactory,
};

export function createSimBackend(options: SimBackendOptions = {}): SimBackend {
  return {
    name: 'sim',
    capabilities: new Set<CapabilityName>(['lvs', 'hold', 'trace-hash', ...(options.capture === true ? (['capture'] as const) : [])]),
    create: (spec) => ({
      start: async (startOptions) => startCluster(spec, options, startOptions?.deferred ?? []),
    }),
  };
}

function startCluster(spec: ClusterSpec<NodeSpec>, options: SimBackendOptions, deferred: readonly NodeId[]): SimStartedCluster {
  const simulation = new Simulation({ ...options, engine: options.engine ?? vrrpEngine, seed: spec.seed, lvs: options.lvs ?? defaultLvsEngines });
  for (const node of spec.nodes) simulation.addNode(node.id, simNodeConfig(node.config));
  if (spec.lvs !== undefined) simulation.addLvsMachines(spec.lvs);
  for (const id of deferred) simulation.node(id); // a deferred name must exist
  for (const node of spec.nodes) if (!deferred.includes(node.id)) simulation.node(node.id).start();
  return new RunningSimCluster(simulation, options.capture === true);
}

class RunningSimCluster implements SimStartedCluster {
  private stopped = false;

  constructor(
    readonly simulation: Simulation,
    private readonly capturing: boolean,
  ) {}

  now(): Instant {
    return this.simulation.now();
  }

  capability<K extends CapabilityName>(name: K): CapabilityMap[K] | undefined {
    const sim = this.simulation;
    const verbs: Partial<CapabilityMap> = {
      lvs: {},
      hold: { hold: (from, to) => sim.hold(from, to), release: () => sim.release() },
      'trace-hash': { traceHash: () => sim.traceHash() },
      ...(this.capturing ? { capture: { collect: async () => ({ pcap: sim.pcap(), frames: sim.frames().length }) } } : {}),
    };
    return verbs[name] as CapabilityMap[K] | undefined;
  }

  async apply(event: ClusterEvent): Promise<void> {
    this.checkRunning('apply');
    this.simulation.apply(event);
  }

  /**
   * Time passes up to, not including, the end: an event applied next acts
   * before whatever the nodes had due at that microsecond (a check script that
   * starts failing at 6 s fails the run due at 6 s). `advance(0)` lets what is
   * due at the current microsecond happen; stopping does too.
   */
  async advance(duration: DurationUs): Promise<void> {
    this.checkRunning('advance');
    if (duration === 0) this.simulation.settle();
    else this.simulation.advanceBefore((this.simulation.now() + duration) as Instant);
  }

  observations(): readonly Observation[] {
    return this.simulation.observations();
  }

  async stop(): Promise<StoppedCluster> {
    if (!this.stopped) this.simulation.settle();
    this.stopped = true;
    const trace = this.simulation.observations();
    return { observations: () => trace };
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.stopped = true;
  }

  private checkRunning(verb: string): void {
    if (this.stopped) throw new ScenarioError('sim-cluster-stopped', `cannot ${verb}: the simulated cluster was stopped`);
  }
}

/** The simulator with the project's VRRP engine, default options (100 µs links, every observation but `sent`). */
export const simBackend: SimBackend = createSimBackend();
