/**
 * The simulator behind the Backend port (core/backend.ts): what scenarios run
 * on by default. `create(spec)` → Cluster, `start()` → StartedCluster (the
 * Simulation inside is reachable as `.simulation` for sim-only verbs: hold /
 * release, pcap, subscribe), `stop()` → StoppedCluster.
 *
 * Nothing here waits on a real clock: `advance` returns when the virtual clock
 * has moved; the promises exist only so that the same scenario code can drive
 * the Docker backend.
 *
 * `stop()` ends the run where it is: it does not shut the nodes down (no
 * observations are added), it only freezes the trace.
 */
import type { Backend, Cluster, ClusterEvent, ClusterSpec, Observation, StartedCluster, StoppedCluster } from '../core/backend.js';
import { ScenarioError } from '../core/errors.js';
import type { NodeId } from '../core/ids.js';
import type { DurationUs, Instant } from '../core/time.js';
import { vrrpEngine } from '../vrrp/index.js';
import { checkerEngine, checkerStatus, type CheckerEngineState } from '../ipvs/checkers/index.js';
import { ipvsDirectorFactory } from './lvs/ipvs.js';
import type { LvsEngines } from './lvs/lvs.js';
import { Simulation } from './simulation.js';
import type { SimNodeConfig, SimulationOptions } from './types.js';

/** Everything but the seed (each ClusterSpec brings its own); the engine defaults to src/vrrp's. */
export type SimBackendOptions = Omit<SimulationOptions, 'seed' | 'engine'> & { readonly engine?: SimulationOptions['engine'] };

export interface SimStartedCluster extends StartedCluster {
  readonly simulation: Simulation;
}

export interface SimBackend extends Backend<SimNodeConfig> {
  create(spec: ClusterSpec<SimNodeConfig>): SimCluster;
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
    lvs: true,
    create: (spec) => ({
      start: async (startOptions) => startCluster(spec, options, startOptions?.deferred ?? []),
    }),
  };
}

function startCluster(spec: ClusterSpec<SimNodeConfig>, options: SimBackendOptions, deferred: readonly NodeId[]): SimStartedCluster {
  const simulation = new Simulation({ ...options, engine: options.engine ?? vrrpEngine, seed: spec.seed, lvs: options.lvs ?? defaultLvsEngines });
  for (const node of spec.nodes) simulation.addNode(node.id, node.config);
  if (spec.lvs !== undefined) simulation.addLvsMachines(spec.lvs);
  for (const id of deferred) simulation.node(id); // a deferred name must exist
  for (const node of spec.nodes) if (!deferred.includes(node.id)) simulation.node(node.id).start();
  return new RunningSimCluster(simulation);
}

class RunningSimCluster implements SimStartedCluster {
  private stopped = false;

  constructor(readonly simulation: Simulation) {}

  now(): Instant {
    return this.simulation.now();
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
