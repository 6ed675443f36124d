/**
 * One simulated node: a keepalived process (one VRRP engine behind core's Host)
 * plus what the node's kernel would keep — its address table, link states and
 * the exit codes its check scripts will return.
 *
 * Theory of operation
 * -------------------
 * Lifecycle: down → (start) running ⇄ (pause/resume) paused; running or paused
 * → (stop | kill) down; down → (start) running again with a fresh `init`.
 * Each start opens a new *incarnation*. Everything the node schedules (wake-ups,
 * script results) carries the incarnation it was made in, and does nothing when
 * it pops in a later one — so a crash needs no cleanup of the queue.
 *
 * Wake-ups (the Alarm port): the node keeps one wanted deadline (`wakeAt`) and
 * at most one live queue entry (`entryAt`). A new deadline earlier than the
 * entry gets a new entry; a later one waits for the entry to pop and then
 * re-arms. Backups push their deadline later on every advert, so this keeps one
 * entry per node instead of one per advert. An entry that pops before the
 * deadline, or after it was replaced, is a no-op; the engine also tolerates a
 * spurious timeout (core/engine.ts).
 *
 * Rules
 * -----
 * - A paused node processes nothing: its wake-ups are held, and script results,
 *   link changes and packets queue up for resume. Packets queue as a frozen
 *   keepalived's socket keeps them: one receive buffer per interface, bounded as
 *   the kernel bounds it (socket-buffer.ts); one that does not fit is dropped
 *   ('rcvbuf-full').
 * - On resume the queued inputs are handed over first, in arrival order, and
 *   only then the overdue timeout fires (if still due): keepalived's scheduler
 *   reads ready sockets before it runs expired timers, so a paused BACKUP resumed
 *   under a live master reads the master's kept advert and stays BACKUP
 *   (recorded: test/fixtures/keepalived-cases/24-pause-backup).
 * - `stop` delivers `shutdown` and performs its outputs (the priority-0 advert
 *   goes out) before the node goes down; `kill` performs nothing. Either way the
 *   addresses still on the node vanish, each recorded as `address-removed` with
 *   a `reason` of 'stop' or 'crash'.
 * - Stopping a paused node resumes it first (SIGTERM is acted on after SIGCONT).
 */
import type { Observation } from '../core/backend.js';
import { ConfigError, ScenarioError } from '../core/errors.js';
import { Host, type HostPorts } from '../core/host.js';
import type { NodeId } from '../core/ids.js';
import { assert, unreachable } from '../core/assert.js';
import type { Instant } from '../core/time.js';
import type { VrrpInput, VrrpNodeConfig, VrrpOutput } from '../vrrp/types.js';
import { describeDrop, isPeerMismatch } from '../vrrp/explain.js';
import type { EventQueue, Scheduled } from './event-queue.js';
import type { Attachment, SimNetwork } from './network.js';
import type { ObservationLog } from './observations.js';
import { SimulationFailure } from './errors.js';
import { datagramTruesize, ReceiveBuffer } from './socket-buffer.js';
import type { SimNodeConfig, VrrpEngineLike } from './types.js';

export type NodeStatus = 'down' | 'running' | 'paused';

/** What a node needs from the simulation around it. */
export interface World {
  readonly seed: number;
  readonly queue: EventQueue;
  readonly network: SimNetwork;
  readonly engine: VrrpEngineLike;
  readonly log: ObservationLog;
  readonly scriptLatencyUs: number;
  /** Told what happens to the nodes (the LVS side of a director node follows its keepalived). */
  readonly observer?: NodeObserver;
  now(): Instant;
}

/** What happens to a node's keepalived, for the parts of the node that are not its VRRP engine. */
export interface NodeObserver {
  /** `start` is told before the engine's first step, so its first transitions find the rest ready. */
  onStatus(node: NodeId, what: 'start' | 'stop' | 'crash' | 'pause' | 'resume'): void;
  onTransition(node: NodeId, instance: string, to: string): void;
}

/** An address the engine added (VIPs); primaries are not listed. */
export interface HeldAddress {
  readonly instance: string;
  readonly interface: string;
  readonly address: string;
  readonly prefixLength: number;
}

/** An engine that keeps asking to be woken in the past would spin the queue forever. */
const MAX_FIRES_PER_INSTANT = 10_000;

/** The engine's `dropped` output as an observation; a peer mismatch gets its reason in words for the timeline. */
function droppedObservation(output: Extract<VrrpOutput, { kind: 'dropped' }>, at: Instant, node: NodeId): Observation {
  return {
    kind: 'dropped',
    at,
    node,
    interface: output.interface,
    ...(output.instance === undefined ? {} : { instance: output.instance }),
    ...(output.from === undefined ? {} : { from: output.from }),
    ...(isPeerMismatch(output.reason.code) ? { why: describeDrop(output.reason) } : {}),
    reason: output.reason,
  };
}

export class SimNode {
  private currentStatus: NodeStatus = 'down';
  private incarnation = 0;
  private host: Host<VrrpNodeConfig, unknown, VrrpInput, VrrpOutput> | undefined;
  private wakeAt: Instant | undefined;
  private entryAt: Instant | undefined;
  private held: VrrpInput[] = [];
  /** Per interface: what the node's socket has queued while paused. */
  private readonly buffers = new Map<string, ReceiveBuffer>();
  private readonly scriptExit = new Map<string, number>();
  private readonly addresses = new Map<string, HeldAddress>();
  private lastFireAt = -1;
  private firesAtInstant = 0;

  constructor(
    readonly id: NodeId,
    readonly config: SimNodeConfig,
    /** Interface name → attachment, in the config's interface order. */
    readonly attachments: ReadonlyMap<string, Attachment>,
    private readonly world: World,
  ) {
    for (const [script, code] of Object.entries(config.scriptExitCodes ?? {})) this.scriptExit.set(script, code);
  }

  get status(): NodeStatus {
    return this.currentStatus;
  }

  /** The engine's current state (opaque), or undefined when the node is down. */
  get engineState(): unknown {
    return this.host?.state;
  }

  /** Addresses the engine has added and not removed (primaries excluded). */
  heldAddresses(): readonly HeldAddress[] {
    return [...this.addresses.values()];
  }

  // ---------------------------------------------------------------- lifecycle

  start(): void {
    if (this.currentStatus !== 'down') return;
    const incarnation = ++this.incarnation;
    this.currentStatus = 'running';
    this.world.observer?.onStatus(this.id, 'start');
    const ports: HostPorts<VrrpOutput> = {
      clock: this.world,
      alarm: { wakeAt: (at) => incarnation === this.incarnation && this.armWake(at) },
      perform: (output, now) => incarnation === this.incarnation && this.perform(output, now),
    };
    this.guard(() => {
      this.host = new Host(this.world.engine, this.configWithLinkStates(), ports);
    });
  }

  stop(): void {
    if (this.currentStatus === 'down') return;
    if (this.currentStatus === 'paused') this.resume();
    this.deliver({ kind: 'shutdown' });
    this.goDown('stop');
  }

  kill(): void {
    if (this.currentStatus === 'down') return;
    this.goDown('crash');
  }

  pause(): void {
    if (this.currentStatus !== 'running') return;
    this.currentStatus = 'paused';
    this.world.observer?.onStatus(this.id, 'pause');
  }

  resume(): void {
    if (this.currentStatus !== 'paused') return;
    this.currentStatus = 'running';
    this.world.observer?.onStatus(this.id, 'resume');
    const held = this.held;
    this.held = [];
    for (const buffer of this.buffers.values()) buffer.empty();
    for (const input of held) if (this.currentStatus === 'running') this.deliver(input);
    if (this.currentStatus === 'running') this.fireIfDue();
  }

  /** Datagrams an interface's socket holds for the paused node (0 when running). */
  queuedOn(name: string): number {
    return this.buffers.get(name)?.length ?? 0;
  }

  private goDown(reason: 'stop' | 'crash'): void {
    this.currentStatus = 'down';
    this.incarnation++;
    this.host = undefined;
    this.wakeAt = undefined;
    this.entryAt = undefined;
    this.held = [];
    for (const buffer of this.buffers.values()) buffer.empty();
    for (const held of [...this.addresses.values()]) this.removeAddress(held, reason);
    this.world.observer?.onStatus(this.id, reason);
  }

  // ---------------------------------------------------------------- inputs from the world

  /**
   * A packet reached one of this node's up interfaces. A paused node's socket
   * keeps it while its receive buffer has room, else the kernel drops it
   * (recorded as 'rcvbuf-full'); a down node has no socket, so its kernel
   * discards it and nothing is recorded.
   */
  receive(at: Attachment, bytes: Uint8Array): void {
    if (this.currentStatus === 'running') {
      this.deliver({ kind: 'packet', interface: at.name, bytes });
    } else if (this.currentStatus === 'paused') {
      let buffer = this.buffers.get(at.name);
      if (buffer === undefined) this.buffers.set(at.name, (buffer = new ReceiveBuffer()));
      if (buffer.admit(datagramTruesize(bytes.length))) this.held.push({ kind: 'packet', interface: at.name, bytes });
      else if (this.world.log.wants('dropped')) this.world.log.record({ kind: 'dropped', at: this.world.now(), node: this.id, interface: at.name, reason: { code: 'rcvbuf-full' } });
    }
  }

  setLink(name: string, up: boolean): void {
    const at = this.attachments.get(name);
    if (at === undefined) throw new ScenarioError('sim-unknown-interface', `node ${this.id} has no interface '${name}'`);
    if (at.up === up) return;
    at.up = up;
    this.input({ kind: 'link', interface: name, up });
  }

  /** From now on the node's script `script` exits with `exitCode`. */
  setScriptExit(script: string, exitCode: number): void {
    this.checkScript(script);
    this.scriptExit.set(script, exitCode);
  }

  checkScript(script: string): void {
    if (!this.config.vrrp.scripts.some((s) => s.name === script)) {
      const known = this.config.vrrp.scripts.map((s) => s.name).join(', ') || 'none';
      throw new ScenarioError('sim-unknown-script', `node ${this.id} has no vrrp_script '${script}' (scripts: ${known})`);
    }
  }

  /** Deliver now, queue for resume, or forget (node down: its config tells the next start). */
  private input(input: VrrpInput): void {
    if (this.currentStatus === 'running') this.deliver(input);
    else if (this.currentStatus === 'paused') this.held.push(input);
  }

  private deliver(input: VrrpInput | { readonly kind: 'timeout' }): void {
    const host = this.host;
    assert(host !== undefined, `node ${this.id} has no engine while ${this.currentStatus}`);
    this.guard(() => host.deliver(input));
  }

  /** Engine failures become a SimulationFailure naming the seed, node and time; config errors pass as they are. */
  private guard(run: () => void): void {
    try {
      run();
    } catch (error) {
      if (error instanceof ConfigError || error instanceof ScenarioError || error instanceof SimulationFailure) throw error;
      throw new SimulationFailure(this.world.seed, this.id, this.world.now(), this.world.log.all(), error);
    }
  }

  private configWithLinkStates(): VrrpNodeConfig {
    const vrrp = this.config.vrrp;
    return { ...vrrp, interfaces: vrrp.interfaces.map((i) => ({ ...i, up: this.attachments.get(i.name)?.up ?? i.up })) };
  }

  // ---------------------------------------------------------------- wake-ups (the Alarm port)

  private armWake(at: Instant | undefined): void {
    this.wakeAt = at;
    if (at === undefined || this.currentStatus !== 'running') return;
    const due = Math.max(at, this.world.now()) as Instant;
    if (this.entryAt !== undefined && this.entryAt <= due) return;
    this.entryAt = due;
    const queue = this.world.queue;
    queue.push(new WakeEntry(due, queue.takeSeq(), this, this.incarnation));
  }

  /** Called by a WakeEntry when it pops. */
  onWake(at: Instant, incarnation: number): void {
    if (incarnation !== this.incarnation) return;
    if (at === this.entryAt) this.entryAt = undefined;
    if (this.currentStatus === 'running') this.fireIfDue();
  }

  private fireIfDue(): void {
    const now = this.world.now();
    if (this.wakeAt !== undefined && this.wakeAt <= now) {
      this.wakeAt = undefined;
      this.countFire(now);
      this.deliver({ kind: 'timeout' });
    }
    if (this.wakeAt !== undefined && this.entryAt === undefined) this.armWake(this.wakeAt);
  }

  private countFire(now: Instant): void {
    if (now !== this.lastFireAt) {
      this.lastFireAt = now;
      this.firesAtInstant = 0;
    }
    assert(++this.firesAtInstant < MAX_FIRES_PER_INSTANT, `engine of ${this.id} keeps asking for a wake-up at or before ${now} µs`);
  }

  // ---------------------------------------------------------------- outputs (the perform port)

  private perform(output: VrrpOutput, now: Instant): void {
    const log = this.world.log;
    switch (output.kind) {
      case 'send-advertisement': {
        this.world.network.send(this.attachment(output.interface), output.destination, output.bytes);
        if (log.wants('sent')) {
          const { instance, interface: iface, destination, priority } = output;
          log.record({ kind: 'sent', at: now, node: this.id, instance, interface: iface, destination, priority });
        }
        return;
      }
      case 'send-gratuitous-arp': {
        const at = this.attachments.get(output.interface);
        if (at !== undefined) this.world.network.announce(at, output.address);
        const { instance, interface: iface, address } = output;
        log.record({ kind: 'garp', at: now, node: this.id, instance, interface: iface, address });
        return;
      }
      case 'add-address':
        return this.addAddress(output, now);
      case 'remove-address':
        return this.removeAddress(output, undefined);
      case 'run-script':
        return this.runScript(output.script, now);
      case 'transitioned': {
        const { instance, from, to, priority, reason } = output;
        log.record({ kind: 'transitioned', at: now, node: this.id, instance, from, to, priority, reason });
        this.world.observer?.onTransition(this.id, instance, to);
        return;
      }
      case 'priority-changed': {
        const { instance, from, to, reason } = output;
        log.record({ kind: 'priority-changed', at: now, node: this.id, instance, from, to, reason });
        return;
      }
      case 'script-status':
        log.record({ kind: 'script-status', at: now, node: this.id, script: output.script, ok: output.ok });
        return;
      case 'dropped':
        if (log.wants('dropped')) log.record(droppedObservation(output, now, this.id));
        return;
      case 'sync-group-wait': {
        const { instance, group, waitingFor, reason } = output;
        log.record({ kind: 'sync-group-wait', at: now, node: this.id, instance, group, waitingFor, reason });
        return;
      }
      default:
        return unreachable(output, 'VRRP output');
    }
  }

  private attachment(name: string): Attachment {
    const at = this.attachments.get(name);
    assert(at !== undefined, `engine of ${this.id} sent on interface '${name}', which is not in its config`);
    return at;
  }

  private addAddress(a: HeldAddress, now: Instant): void {
    this.addresses.set(`${a.interface}/${a.address}`, a);
    const at = this.attachments.get(a.interface);
    if (at !== undefined) this.world.network.addAddress(at, a.address);
    const { instance, interface: iface, address, prefixLength } = a;
    this.world.log.record({ kind: 'address-added', at: now, node: this.id, instance, interface: iface, address, prefixLength });
  }

  /** `reason` is set when the address vanishes with its node rather than by the engine's request. */
  private removeAddress(a: HeldAddress, reason: 'stop' | 'crash' | undefined): void {
    const key = `${a.interface}/${a.address}`;
    if (!this.addresses.delete(key)) return; // not held: `ip addr del` of a missing address changes nothing
    const at = this.attachments.get(a.interface);
    if (at !== undefined) this.world.network.removeAddress(at, a.address);
    const { instance, interface: iface, address, prefixLength } = a;
    const base = { kind: 'address-removed', at: this.world.now(), node: this.id, instance, interface: iface, address, prefixLength } as const;
    // `reason` is an extra field beyond core's Observation shape; readers that do not know it ignore it.
    const observation: Observation = reason === undefined ? base : Object.assign({ reason }, base);
    this.world.log.record(observation);
  }

  private runScript(script: string, now: Instant): void {
    const exitCode = this.scriptExit.get(script) ?? 0;
    const queue = this.world.queue;
    queue.push(new ScriptEntry((now + this.world.scriptLatencyUs) as Instant, queue.takeSeq(), this, this.incarnation, script, exitCode));
  }

  /** Called by a ScriptEntry when the script "finishes". */
  onScriptDone(incarnation: number, script: string, exitCode: number): void {
    if (incarnation === this.incarnation) this.input({ kind: 'script-result', script, exitCode });
  }
}

class WakeEntry implements Scheduled {
  constructor(
    readonly at: Instant,
    readonly seq: number,
    private readonly node: SimNode,
    private readonly incarnation: number,
  ) {}

  run(): void {
    this.node.onWake(this.at, this.incarnation);
  }
}

class ScriptEntry implements Scheduled {
  constructor(
    readonly at: Instant,
    readonly seq: number,
    private readonly node: SimNode,
    private readonly incarnation: number,
    private readonly script: string,
    private readonly exitCode: number,
  ) {}

  run(): void {
    this.node.onScriptDone(this.incarnation, this.script, this.exitCode);
  }
}
