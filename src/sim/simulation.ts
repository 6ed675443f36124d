/**
 * The deterministic simulator: a virtual clock, one event queue, a simulated
 * network and one VRRP engine per node.
 *
 * Theory of operation
 * -------------------
 * Time is an integer count of microseconds that only moves when the queue pops
 * an entry (`advance`). Everything that will happen is an entry: packet
 * deliveries (network.ts), node wake-ups and script results (sim-node.ts), and
 * events scheduled with `at`. Entries due at the same microsecond run in the
 * order they were scheduled (event-queue.ts), so a run is a pure function of
 * the seed, the node configs and the events applied — the same inputs give the
 * same observation trace, byte for byte (`traceHash`).
 *
 * Randomness comes from one seed, forked by purpose (`network/latency`,
 * `network/loss`): turning on loss does not shift the latencies a run draws.
 *
 * Rules
 * -----
 * - `apply(event)` acts at the current virtual time and records the event
 *   itself as an `event` observation first, so the trace reads cause → effect.
 * - `advance(d)` runs every entry due at or before now + d — entries at exactly
 *   the end time included — and leaves the clock at now + d.
 * - Verbs that do not apply to a node's state (start a running node, resume a
 *   running one, kill a dead one) change nothing; names that do not exist
 *   (nodes, interfaces, scripts) throw a ScenarioError with a stable code.
 */
import { type ClusterEvent, type Observation, partitionCuts } from '../core/backend.js';
import { ScenarioError } from '../core/errors.js';
import type { NodeId } from '../core/ids.js';
import { Rng } from '../core/rng.js';
import { type DurationUs, type Instant, ZERO } from '../core/time.js';
import { unreachable } from '../core/assert.js';
import { EventQueue } from './event-queue.js';
import { interfaceMac, parseMac } from '../core/mac.js';
import { subnetOf } from './ipv4.js';
import { Attachment, type NetworkDropCode, SimNetwork } from './network.js';
import { CLUSTER_WIDE, ObservationLog, type ObservationListener, traceHash } from './observations.js';
import { encodePcap, type PcapRecord } from '../core/pcap.js';
import { SimNode, type World } from './sim-node.js';
import { SimulationFailure } from './errors.js';
import { SimLvs, type LvsEngines } from './lvs/lvs.js';
import { ConfigError } from '../core/errors.js';
import type { LvsClusterSpec } from '../core/backend.js';
import type { SimNodeConfig, SimulationOptions, VrrpEngineLike } from './types.js';

export class Simulation {
  readonly seed: number;
  readonly network: SimNetwork;
  private clock: Instant = ZERO;
  private entriesRun = 0;
  private readonly queue = new EventQueue();
  private readonly log: ObservationLog;
  private readonly nodeList: SimNode[] = [];
  private readonly byId = new Map<NodeId, SimNode>();
  private readonly frameList: PcapRecord[] | undefined;
  private readonly world: World;
  /** Load balancing: present when the simulation was given the LVS engines. */
  readonly lvs: SimLvs | undefined;

  constructor(options: SimulationOptions) {
    this.seed = options.seed;
    const rng = Rng.fromSeed(options.seed).fork('network');
    this.log = new ObservationLog(options.observe);
    this.frameList = options.capture === true ? [] : undefined;
    const frames = this.frameList;
    this.network = new SimNetwork(
      {
        queue: this.queue,
        now: () => this.clock,
        receive: (to, bytes) => this.nodeList[to.nodeIndex]?.receive(to, bytes),
        ...(this.log.wants('dropped') ? { drop: (at: Attachment, from: NodeId, code: NetworkDropCode) => this.recordDrop(at, from, code) } : {}),
        ...(frames !== undefined ? { capture: (record: PcapRecord) => frames.push(record) } : {}),
      },
      {
        ...options.link,
        ...(options.segments !== undefined ? { segments: options.segments } : {}),
        latencyRng: rng.fork('latency'),
        lossRng: rng.fork('loss'),
        filterUnknownVrids: options.filterUnknownVrids ?? true,
      },
    );
    this.lvs = options.lvs === undefined ? undefined : this.createLvs(options.seed, options.lvs);
    this.world = {
      seed: options.seed,
      queue: this.queue,
      network: this.network,
      engine: options.engine,
      log: this.log,
      scriptLatencyUs: checkDuration(options.scriptLatencyUs ?? 0, 'scriptLatencyUs'),
      ...(this.lvs === undefined ? {} : { observer: this.lvs }),
      now: () => this.clock,
    };
  }

  private createLvs(seed: number, engines: LvsEngines): SimLvs {
    return new SimLvs(
      {
        seed,
        queue: this.queue,
        network: this.network,
        log: this.log,
        rng: Rng.fromSeed(seed).fork('lvs'),
        now: () => this.clock,
        guard: (node, body) => this.guard(node, body),
        segmentOf: (network) => interfaceSegment(network),
      },
      engines,
    );
  }

  /** A model's failure becomes a SimulationFailure naming the seed, node and time; input errors pass as they are. */
  private guard(node: NodeId, body: () => void): void {
    try {
      body();
    } catch (error) {
      if (error instanceof ConfigError || error instanceof ScenarioError || error instanceof SimulationFailure) throw error;
      throw new SimulationFailure(this.seed, node, this.clock, this.log.all(), error);
    }
  }

  get engine(): VrrpEngineLike {
    return this.world.engine;
  }

  now(): Instant {
    return this.clock;
  }

  // ---------------------------------------------------------------- topology

  /** Add a node (down until started). Its interfaces join their segments now. */
  addNode(id: NodeId, config: SimNodeConfig): SimNode {
    if (this.byId.has(id)) throw new ScenarioError('sim-duplicate-node', `node '${id}' is defined twice`);
    const index = this.nodeList.length;
    const attachments = new Map<string, Attachment>();
    config.vrrp.interfaces.forEach((iface, i) => {
      const segmentId = config.segments?.[iface.name] ?? subnetOf(iface.address, iface.prefixLength);
      if (segmentId === undefined) {
        throw new ScenarioError('sim-bad-interface-address', `node ${id} interface ${iface.name}: '${iface.address}/${iface.prefixLength}' is not an IPv4 address`);
      }
      const vrids = new Set(config.vrrp.instances.filter((inst) => inst.interface === iface.name).map((inst) => inst.vrid));
      const mac = interfaceMac(index + 1, i + 1);
      const attachment = new Attachment(id, index, iface.name, iface.address, this.network.segment(segmentId), mac, vrids, iface.up ?? true);
      useVmacs(attachment, config.vrrp.instances);
      attachment.segment.add(attachment);
      attachments.set(iface.name, attachment);
    });
    const node = new SimNode(id, config, attachments, this.world);
    this.nodeList.push(node);
    this.byId.set(id, node);
    if (config.lvs !== undefined) {
      if (this.lvs === undefined) throw new ScenarioError('sim-no-lvs', `node ${id} has virtual servers, but the simulation was made without the LVS engines (SimulationOptions.lvs)`);
      this.lvs.addDirector(id, config.lvs, attachments);
    }
    return node;
  }

  /** The real servers and the clients' router of a load-balanced cluster (see SimLvs). */
  addLvsMachines(spec: LvsClusterSpec): void {
    if (this.lvs === undefined) throw new ScenarioError('sim-no-lvs', 'this cluster has real servers, but the simulation was made without the LVS engines (SimulationOptions.lvs)');
    this.lvs.setCluster(spec);
  }

  node(id: NodeId): SimNode {
    const node = this.byId.get(id);
    if (node === undefined) throw new ScenarioError('sim-unknown-node', `no node named '${id}' (nodes: ${[...this.byId.keys()].join(', ')})`);
    return node;
  }

  nodes(): readonly SimNode[] {
    return this.nodeList;
  }

  // ---------------------------------------------------------------- events

  /** Act on `event` now. */
  apply(event: ClusterEvent): void {
    this.validate(event);
    const node = 'node' in event ? event.node : CLUSTER_WIDE;
    this.log.record({ kind: 'event', at: this.clock, node, event });
    this.perform(event);
  }

  /** Act on `event` at virtual time `at` (not before now). */
  at(at: Instant, event: ClusterEvent): void {
    this.validate(event);
    this.schedule(at, () => this.apply(event));
  }

  /** Run `run` at virtual time `at`: for harnesses that need their own probes. */
  schedule(at: Instant, run: () => void): void {
    if (!Number.isSafeInteger(at) || at < this.clock) {
      throw new ScenarioError('sim-time-in-past', `cannot schedule at ${at} µs: the clock is already at ${this.clock} µs`);
    }
    this.queue.schedule(at, run);
  }

  /** Reject names that do not exist before anything is recorded or changed. */
  private validate(event: ClusterEvent): void {
    if ('node' in event) this.node(event.node);
    if (event.kind === 'linkdown' || event.kind === 'linkup') this.interfaceName(event.node, event.interface);
    if (event.kind === 'fail' || event.kind === 'ok') this.node(event.node).checkScript(event.script);
    if (event.kind === 'partition') {
      for (const group of event.groups) for (const id of group) this.node(id);
      partitionCuts(event.groups); // refuses a node named in two groups
    }
    if (event.kind === 'oneway') {
      this.node(event.from);
      this.node(event.to);
    }
    if (event.kind === 'loss' && !(event.lossRatio >= 0 && event.lossRatio <= 1)) {
      throw new ScenarioError('sim-loss-invalid', `loss on ${event.node}: ratio must be within 0..1, got ${event.lossRatio}`);
    }
    if (event.kind === 'clients' || event.kind === 'rsdown' || event.kind === 'rsup') {
      if (this.lvs === undefined) throw new ScenarioError('sim-no-lvs', `'${event.kind}' needs a load-balanced cluster (nodes with virtual_server blocks)`);
      this.lvs.validate(event);
    }
  }

  private perform(event: ClusterEvent): void {
    switch (event.kind) {
      case 'start':
        return this.node(event.node).start();
      case 'stop':
        return this.node(event.node).stop();
      case 'kill':
        return this.node(event.node).kill();
      case 'pause':
        return this.node(event.node).pause();
      case 'resume':
        return this.node(event.node).resume();
      case 'fail':
      case 'ok':
        return this.node(event.node).setScriptExit(event.script, event.kind === 'ok' ? 0 : 1);
      case 'linkdown':
      case 'linkup':
        return this.setLink(event.node, event.interface, event.kind === 'linkup');
      case 'partition':
        return this.network.partition(event.groups);
      case 'oneway':
        return this.network.oneway(event.from, event.to);
      case 'heal':
        return this.network.heal();
      case 'loss':
        return this.network.setSenderLoss(event.node, event.lossRatio);
      case 'clients':
      case 'rsdown':
      case 'rsup':
        return this.lvs?.apply(event);
      default:
        return unreachable(event, 'cluster event');
    }
  }

  private setLink(id: NodeId, name: string | undefined, up: boolean): void {
    this.node(id).setLink(this.interfaceName(id, name), up);
  }

  /** The interface an event names, or the node's first one when it names none. */
  private interfaceName(id: NodeId, name: string | undefined): string {
    const node = this.node(id);
    const chosen = name ?? node.config.vrrp.interfaces[0]?.name;
    if (chosen === undefined || !node.attachments.has(chosen)) {
      throw new ScenarioError('sim-unknown-interface', `node ${id} has no interface '${chosen ?? '(none)'}'`);
    }
    return chosen;
  }

  /** Keep copies from `from` to `to` (either omitted = any) in the network until `release`. */
  hold(from?: NodeId, to?: NodeId): void {
    this.network.hold(from, to);
  }

  release(): void {
    this.network.release();
  }

  // ---------------------------------------------------------------- time

  /** Run every entry due within the next `duration` µs (the end included); the clock ends at now + duration. */
  advance(duration: DurationUs): void {
    this.advanceTo((this.clock + checkDuration(duration, 'duration')) as Instant);
  }

  advanceTo(end: Instant): void {
    this.runUntil(end, true);
  }

  /**
   * Run every entry due strictly before `end`; the clock ends at `end` with the
   * entries due exactly then still queued. A host that applies an event next
   * makes it take effect before the nodes' own timers of that microsecond —
   * "the world changes, then the nodes react" — instead of after them.
   */
  advanceBefore(end: Instant): void {
    this.runUntil(end, false);
  }

  /** Run the entries due at the current microsecond (after `advanceBefore`). */
  settle(): void {
    this.runUntil(this.clock, true);
  }

  private runUntil(end: Instant, inclusive: boolean): void {
    if (end < this.clock) throw new ScenarioError('sim-time-in-past', `cannot advance to ${end} µs: the clock is already at ${this.clock} µs`);
    const queue = this.queue;
    while (true) {
      const next = queue.peekAt();
      if (next === undefined || next > end || (!inclusive && next === end)) break;
      const entry = queue.pop();
      if (entry === undefined) break;
      this.clock = entry.at;
      this.entriesRun++;
      entry.run();
    }
    this.clock = end;
  }

  /** Queue entries run so far (deliveries, wake-ups, script results, events). */
  get eventsRun(): number {
    return this.entriesRun;
  }

  /**
   * Advance until `predicate` holds (checked after every entry) or `withinUs`
   * passes. Returns whether it held; the clock stops where it became true.
   */
  advanceUntil(predicate: () => boolean, withinUs: DurationUs): boolean {
    const end = (this.clock + checkDuration(withinUs, 'withinUs')) as Instant;
    if (predicate()) return true;
    while (true) {
      const next = this.queue.peekAt();
      if (next === undefined || next > end) break;
      const entry = this.queue.pop();
      if (entry === undefined) break;
      this.clock = entry.at;
      this.entriesRun++;
      entry.run();
      if (predicate()) return true;
    }
    this.clock = end;
    return false;
  }

  // ---------------------------------------------------------------- what happened

  observations(): readonly Observation[] {
    return this.log.all();
  }

  /** See every recorded observation as it happens. Returns the unsubscribe function. */
  subscribe(listener: ObservationListener): () => void {
    return this.log.subscribe(listener);
  }

  traceHash(): string {
    return traceHash(this.log.all());
  }

  /** Frames captured so far (empty unless the simulation was made with `capture: true`). */
  frames(): readonly PcapRecord[] {
    return this.frameList ?? [];
  }

  /** The capture as a classic pcap file's bytes; write it with `writePcapFile`. */
  pcap(): Uint8Array {
    return encodePcap(this.frames());
  }

  private recordDrop(at: Attachment, from: NodeId, code: NetworkDropCode): void {
    this.log.record({ kind: 'dropped', at: this.clock, node: at.node, interface: at.name, reason: { code, from } as { code: string } });
  }
}

/** The segment an interface name stands for when every node's interface of that name shares one link. */
export const interfaceSegment = (name: string): string => `segment:${name}`;

function checkDuration(us: number, what: string): DurationUs {
  if (!Number.isSafeInteger(us) || us < 0) throw new ScenarioError('sim-duration-invalid', `${what} must be whole microseconds >= 0, got ${us}`);
  return us;
}

/** use_vmac: the instance's adverts (unless vmac_xmit_base) and the VIPs on its macvlan leave `at` with the VMAC. */
function useVmacs(at: Attachment, instances: SimNodeConfig['vrrp']['instances']): void {
  for (const inst of instances) {
    if (inst.vmac === undefined || inst.interface !== at.name) continue;
    const mac = parseMac(inst.vmac.mac);
    if (!inst.vmac.xmitBase) at.vmacByVrid.set(inst.vrid, mac);
    for (const v of inst.virtualAddresses) if (v.interface === undefined || v.interface === at.name) at.vmacByAddress.set(v.address, mac);
  }
}
