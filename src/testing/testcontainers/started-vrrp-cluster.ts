/**
 * A started VRRP cluster on Docker, as testcontainers users expect one: getters
 * (`getNodeNames`, `getNodeAddress`, `getNetwork` — a testcontainers
 * StartedNetwork their own containers can join), what the cluster says now
 * (`masterOf`, `stateOf`, `priorityOf`, `timeline()`), the `.scenario` fault
 * words as methods, cluster-level waits, and `stop()` / `await using`.
 *
 * Theory of operation: everything read comes from the backend's observations
 * (keepalived's notify hook and `ip monitor` in each node), turned into the same
 * Timeline the simulator's runs give — so the matchers read both alike, and
 * `expect.poll(() => cluster).toHaveMaster(…)` re-reads it until it passes.
 * Each fault resolves once applied in the node; the waits poll the timeline.
 */
import type { StartedNetwork } from 'testcontainers';
import type { ClusterEvent, Observation } from '../../core/backend.js';
import type { NodeId } from '../../core/ids.js';
import type { Instant } from '../../core/time.js';
import type { DockerStartedCluster, DockerStoppedCluster } from '../../docker/docker-backend.js';
import * as words from '../../scenario/events.js';
import { buildTimeline, mastersAt, priorityAt, stateAt, type AppliedEvent, type LaneState, type Timeline } from '../../scenario/timeline.js';
import type { PreparedScenario } from '../../scenario/topology.js';

export interface WaitOptions {
  /** Give up after this long (default 30 000 ms). */
  readonly timeoutMs?: number;
}

const DEFAULT_WAIT_MS = 30_000;
const POLL_MS = 50;

export class StartedVrrpCluster implements AsyncDisposable {
  private readonly applied: AppliedEvent[] = [];
  private stopped: DockerStoppedCluster | undefined;

  constructor(
    private readonly cluster: DockerStartedCluster,
    private readonly prepared: PreparedScenario,
    private readonly networks: ReadonlyMap<string, StartedNetwork>,
  ) {}

  // ------------------------------------------------------------ getters

  getRunId(): string {
    return this.cluster.runId;
  }

  getNodeNames(): readonly string[] {
    return this.prepared.nodes.map((n) => n.id);
  }

  /** The segments (interface names), each a Docker network. */
  getNetworkNames(): readonly string[] {
    return [...this.networks.keys()];
  }

  /** The segment's network (default: the first), to attach your own containers: `.withNetwork(cluster.getNetwork('eth0'))`. */
  getNetwork(segment = this.getNetworkNames()[0] as string): StartedNetwork {
    const n = this.networks.get(segment);
    if (n === undefined) throw new Error(`no segment '${segment}' (segments: ${this.getNetworkNames().join(', ')})`);
    return n;
  }

  /** The node's address on a segment (default: its first) in the lab — moved off the host's routes if it had to be. */
  getNodeAddress(node: string, segment?: string): string {
    const own = this.cluster.plan.addresses.get(node);
    if (own === undefined) throw new Error(`no node '${node}' (nodes: ${this.getNodeNames().join(', ')})`);
    const address = segment === undefined ? [...own.values()][0] : own.get(segment);
    if (address === undefined) throw new Error(`node '${node}' has no interface on '${segment}' (it has: ${[...own.keys()].join(', ')})`);
    return address;
  }

  /** Every VRRP instance's virtual addresses, once per instance name. */
  getVips(): readonly { readonly instance: string; readonly addresses: readonly string[] }[] {
    const seen = new Map<string, readonly string[]>();
    for (const i of this.prepared.instances) if (!seen.has(i.instance)) seen.set(i.instance, i.virtualAddresses);
    return [...seen].map(([instance, addresses]) => ({ instance, addresses }));
  }

  /** Run a command in a node (for what the methods do not cover). */
  async exec(node: string, command: readonly string[]): Promise<{ readonly exitCode: number; readonly stdout: string; readonly stderr: string }> {
    return this.cluster.container(node as NodeId).exec(command);
  }

  // ------------------------------------------------------------ what the cluster says now

  /** Everything observed so far as a Timeline ending now: what the matchers read. */
  timeline(): Timeline {
    return buildTimeline({
      seed: 0,
      until: this.cluster.now(),
      nodes: this.prepared.timelineNodes,
      instances: this.prepared.instances,
      observations: [...this.cluster.observations()],
      events: this.applied,
    });
  }

  observations(): readonly Observation[] {
    return this.cluster.observations();
  }

  /** The instance's master now (undefined: none; with two masters, the first). */
  masterOf(instance: string): string | undefined {
    const tl = this.timeline();
    return mastersAt(tl, instance, tl.until)[0];
  }

  stateOf(node: string, instance: string): LaneState | undefined {
    const tl = this.timeline();
    return stateAt(tl, node as NodeId, instance, tl.until);
  }

  priorityOf(node: string, instance: string): number | undefined {
    const tl = this.timeline();
    return priorityAt(tl, node as NodeId, instance, tl.until);
  }

  /** Who has the VIP configured now, by `ip -4 addr` in the nodes. */
  async holdersOf(vip: string): Promise<readonly string[]> {
    const checks = await this.cluster.checkVips();
    return checks.find((c) => c.address === vip)?.actual ?? [];
  }

  // ------------------------------------------------------------ faults (the .scenario words)

  /** Apply any event word; the methods below are this with names. */
  async apply(event: ClusterEvent): Promise<void> {
    this.applied.push({ at: this.cluster.now(), event, observationIndex: this.cluster.observations().length });
    await this.cluster.apply(event);
  }

  kill(node: string): Promise<void> { return this.apply(words.kill(node as NodeId)); }
  /** Graceful: keepalived sends priority 0 and removes its VIPs. */
  stopNode(node: string): Promise<void> { return this.apply(words.stop(node as NodeId)); }
  startNode(node: string): Promise<void> { return this.apply(words.start(node as NodeId)); }
  pause(node: string): Promise<void> { return this.apply(words.pause(node as NodeId)); }
  resume(node: string): Promise<void> { return this.apply(words.resume(node as NodeId)); }
  failScript(node: string, script: string): Promise<void> { return this.apply(words.failScript(node as NodeId, script)); }
  okScript(node: string, script: string): Promise<void> { return this.apply(words.okScript(node as NodeId, script)); }
  linkDown(node: string, iface?: string): Promise<void> { return this.apply(words.linkdown(node as NodeId, iface)); }
  linkUp(node: string, iface?: string): Promise<void> { return this.apply(words.linkup(node as NodeId, iface)); }
  /** Cut VRRP between the groups (a node named in no group keeps talking to everyone). */
  partition(...groups: readonly (readonly string[])[]): Promise<void> { return this.apply(words.partition(...groups.map((g) => g.map((n) => n as NodeId)))); }
  oneway(from: string, to: string): Promise<void> { return this.apply(words.oneway(from as NodeId, to as NodeId)); }
  heal(): Promise<void> { return this.apply(words.heal()); }

  // ------------------------------------------------------------ waits

  /** Until the instance has exactly one master (that `node`, when given). */
  async waitForMaster(instance: string, node?: string, options: WaitOptions = {}): Promise<string> {
    const want = node === undefined ? 'one master' : `master ${node}`;
    return this.waitFor(`${instance}: ${want}`, options, (tl) => {
      const masters = mastersAt(tl, instance, tl.until);
      return masters.length === 1 && (node === undefined || masters[0] === node) ? masters[0] : undefined;
    });
  }

  /** Until every instance has one master and nothing has changed for `quietMs` (default 3 s: past one advert interval and its skew). */
  async waitForStableMasters(options: WaitOptions & { readonly quietMs?: number } = {}): Promise<void> {
    const quietUs = (options.quietMs ?? 3_000) * 1000;
    const names = [...new Set(this.prepared.instances.map((i) => i.instance))];
    await this.waitFor(`one master per instance (${names.join(', ')}) for ${quietUs / 1e6} s`, options, (tl) => {
      const last = tl.transitions.at(-1)?.at ?? (0 as Instant);
      return tl.until - last >= quietUs && names.every((n) => mastersAt(tl, n, tl.until).length === 1) ? true : undefined;
    });
  }

  /** Poll the timeline until `check` returns a value; an error saying what was awaited and what the cluster shows otherwise. */
  async waitFor<T>(what: string, options: WaitOptions, check: (tl: Timeline) => T | undefined): Promise<T> {
    const deadline = performance.now() + (options.timeoutMs ?? DEFAULT_WAIT_MS);
    for (;;) {
      const tl = this.timeline();
      const found = check(tl);
      if (found !== undefined) return found;
      if (performance.now() > deadline) throw new Error(`timed out after ${options.timeoutMs ?? DEFAULT_WAIT_MS} ms waiting for ${what}; now: ${this.describeNow(tl)}`);
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }

  private describeNow(tl: Timeline): string {
    const names = [...new Set(this.prepared.instances.map((i) => i.instance))];
    return names.map((n) => `${n} master ${mastersAt(tl, n, tl.until).join(',') || 'none'}`).join('; ');
  }

  // ------------------------------------------------------------ lifecycle

  /** Stop and remove every container and network of the cluster; idempotent. */
  async stop(): Promise<StoppedVrrpCluster> {
    this.stopped ??= await this.cluster.stop();
    return new StoppedVrrpCluster(this.stopped);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}

export class StoppedVrrpCluster {
  constructor(private readonly stopped: DockerStoppedCluster) {}

  observations(): readonly Observation[] {
    return this.stopped.observations();
  }

  /** Who held each VIP at the stop, by `ip -4 addr`, against what the observations said. */
  vips(): DockerStoppedCluster['vips'] {
    return this.stopped.vips;
  }
}
