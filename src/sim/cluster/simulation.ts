/**
 * The cluster simulator: corosync nodes (totem membership + votequorum engines)
 * on a simulated cluster network, driven in virtual time by timed events.
 *
 * Theory of operation
 * -------------------
 * Each running node has a membership engine and a votequorum engine. The
 * network decides who reaches whom (partitions between named groups, links
 * down, stopped or hung nodes reach nobody). Whenever that changes, every
 * running node whose reachable set changed is told so, with the cause (a fault,
 * a leave, a join, a merge) and one token phase drawn from the seeded RNG per
 * change, so all nodes that see one fault agree on when they act on it. When a
 * node's membership engine forms a ring, the simulator installs that ring on all
 * its members and runs votequorum's synchronisation across them: `sync-init`
 * on each, every member's nodeinfo broadcast delivered to every member in node
 * id order, `sync-activate` on each. Broadcasts outside a sync (a leaving node's
 * farewell, `-e`, quorum device polls) reach the sender's ring.
 *
 * The quorum device: qnetd sees the nodes whose qdevice is registered and can
 * reach it; after every ring change and every qnetd change it decides who gets
 * the vote (src/fencing/qdevice.ts) and each node's qdevice polls votequorum
 * with the answer, again every half device timeout while connected. A node
 * that cannot reach qnetd stops polling and its vote lapses after the timeout.
 *
 * Rules
 * -----
 * - Deterministic: one seed, the event queue's total order, no clock.
 * - A `quorum` event whenever any of its fields changes on a node, a
 *   `membership` event whenever a node's members change.
 * - A hung node is frozen: no input, no timer, until it resumes.
 */
import { Rng } from '../../core/rng.js';
import { later, US_PER_SECOND, type Instant } from '../../core/time.js';
import { membership, type MembershipInput, type MembershipState, type ReachCause, type Ring } from '../../fencing/membership.js';
import { qnetdVotes } from '../../fencing/qdevice.js';
import { quorumInfo, votequorum, type QuorumInfo, type VotequorumInput, type VotequorumMessage, type VotequorumState } from '../../fencing/quorum.js';
import { EventQueue } from '../event-queue.js';
import type { ClusterEvent } from './events.js';
import type { AgentOutEventBody, ClusterAgent, ClusterAgentContext, HaNodeSpec, ClusterNote, ClusterOutEvent, HaClusterSpec, NodeStatus } from './types.js';

/** corosync-qdevice starts after corosync and registers with votequorum (the recorder starts it 1 s later). */
export const QDEVICE_REGISTER_US = 1_500_000;
/** The member name corosync-quorumtool -l gives a registered quorum device (nodeid 0). */
export const QDEVICE_MEMBER = 'Qdevice';
/** A qdevice that cannot reach qnetd stops casting its vote this many device timeouts later (13.2 s measured with 10 s). */
export const QDEVICE_LOST_FACTOR = 1.3;

interface NodeRt {
  readonly spec: HaNodeSpec;
  status: NodeStatus;
  /** Bumped at every start: stale wake-ups of an earlier life are ignored. */
  life: number;
  mem?: MembershipState;
  vq?: VotequorumState;
  evTrackingBarrier: number;
  linkUp: boolean;
  lastInfo?: string;
  lastMembers?: string;
  /** Resumed after a hang: its next ring is a new one even with the same members (it saw them leave and rejoin). */
  ringBroken?: boolean;
  wakeAt?: number;
  qdeviceRegistered: boolean;
  /** The vote qnetd last gave this node's qdevice (kept while the loss of qnetd goes unnoticed). */
  qdeviceVote: boolean;
  qnetdLostAt?: number;
  qdevicePollAt?: number;
}

export interface ClusterRunOptions {
  readonly seed: number;
  readonly until: Instant;
  readonly agents?: readonly ClusterAgent[];
  /** Most queue entries a run may process (default MAX_STEPS): a run too big for this is refused, not left to hang. */
  readonly maxSteps?: number;
}

/** Queue entries a run may process: 16 nodes with a fault a minute for a day take ~25,000 (~280,000 with a quorum device). */
export const MAX_STEPS = 2_000_000;

/** A run that would need more work than its budget. */
export class ClusterRunTooLarge extends Error {
  constructor(readonly steps: number, readonly atSeconds: number) {
    super(`the run needs more than ${steps} simulation steps (stopped at ${atSeconds.toFixed(1)} s of virtual time): simulate a shorter time or fewer nodes`);
  }
}

export interface ClusterRunResult {
  readonly events: readonly ClusterOutEvent[];
  readonly notes: readonly ClusterNote[];
}

export class ClusterSimulation {
  private readonly queue = new EventQueue();
  private readonly rng: Rng;
  private readonly nodes = new Map<string, NodeRt>();
  private readonly byId = new Map<number, NodeRt>();
  private readonly events: ClusterOutEvent[] = [];
  private readonly notes: ClusterNote[] = [];
  private readonly agents: readonly ClusterAgent[];
  private now = 0 as Instant;
  private groups?: Map<string, number>;
  private qnetdUp = true;
  private ringSeq = 0;
  private ctx: ClusterAgentContext;

  constructor(private readonly spec: HaClusterSpec, private readonly script: readonly ClusterEvent[], private readonly options: ClusterRunOptions) {
    this.rng = Rng.fromSeed(options.seed).fork('totem');
    this.agents = options.agents ?? [];
    for (const n of spec.nodes) {
      const rt: NodeRt = { spec: n, status: 'down', life: 0, evTrackingBarrier: 0, linkUp: true, qdeviceRegistered: false, qdeviceVote: false };
      this.nodes.set(n.name, rt);
      this.byId.set(n.id, rt);
    }
    this.ctx = this.makeContext();
  }

  /** Run to `until`; returns the events in time order. */
  run(): ClusterRunResult {
    const boot = this.spec.boot ?? this.spec.nodes.map((n) => n.name);
    this.queue.schedule(this.now, () => {
      for (const a of this.agents) a.start?.(this.ctx);
      for (const name of boot) this.startNode(this.node(name), 'boot');
      this.reach(() => 'join', boot.length);
    });
    for (const ev of this.script) this.queue.schedule(ev.at, () => this.apply(ev));
    const budget = this.options.maxSteps ?? MAX_STEPS;
    let steps = 0;
    while (this.queue.size > 0) {
      const at = this.queue.peekAt()!;
      if (at > this.options.until) break;
      if (++steps > budget) throw new ClusterRunTooLarge(budget, this.t());
      const entry = this.queue.pop()!;
      this.now = entry.at;
      entry.run();
    }
    return { events: this.events, notes: this.notes };
  }

  /** Resolve a node by corosync name or nodeid. */
  node(name: string): NodeRt {
    const rt = this.nodes.get(name) ?? (/^\d+$/.test(name) ? this.byId.get(Number(name)) : undefined);
    if (!rt) throw new RangeError(`no node '${name}' (this is a bug: events are checked before the run)`);
    return rt;
  }

  private t(): number {
    return this.now / US_PER_SECOND;
  }

  private note(text: string, node?: string): void {
    this.notes.push({ t: this.t(), ...(node ? { node } : {}), text });
  }

  // ---- the world ------------------------------------------------------------------------

  private connected(a: NodeRt, b: NodeRt): boolean {
    if (!a.linkUp || !b.linkUp) return false;
    const ga = this.groups?.get(a.spec.name);
    const gb = this.groups?.get(b.spec.name);
    return ga === undefined || gb === undefined || ga === gb;
  }

  private reachableOf(n: NodeRt): number[] {
    const out: number[] = [];
    for (const o of this.nodes.values()) if (o !== n && o.status === 'running' && this.connected(n, o)) out.push(o.spec.id);
    return out.sort((x, y) => x - y);
  }

  /** Tell every running node whose reachable set changed; `cause(lost)` says why; `rings` rings merge at a start. */
  private reach(cause: (lost: boolean) => ReachCause, rings = 2): void {
    const phase = this.rng.next();
    for (const n of this.nodes.values()) {
      if (n.status !== 'running' || !n.mem) continue;
      const now = this.reachableOf(n);
      const before = n.mem.reachable;
      if (now.length === before.length && now.every((x, i) => x === before[i])) continue;
      const lost = before.some((x) => !now.includes(x));
      this.stepMembership(n, { kind: 'reachable', nodes: now, cause: cause(lost), phase, rings });
    }
    this.updateQdevice();
  }

  private apply(ev: ClusterEvent): void {
    this.note(`event: ${ev.text}`);
    switch (ev.kind) {
      case 'kill': for (const x of ev.nodes) this.stopNode(this.node(x), 'killed'); return this.reach((l) => (l ? 'fault' : 'merge'));
      case 'stop': return this.cleanStop(ev.nodes.map((x) => this.node(x)));
      case 'start': {
        const starting = ev.nodes.map((x) => this.node(x)).filter((n) => n.status === 'down');
        const running = [...this.nodes.values()].some((n) => n.status === 'running');
        for (const n of starting) this.startNode(n, 'started');
        return this.reach((l) => (l ? 'fault' : 'join'), starting.length + (running ? 1 : 0));
      }
      case 'pause': for (const x of ev.nodes) this.pause(this.node(x)); return this.reach((l) => (l ? 'fault' : 'merge'));
      case 'resume': for (const x of ev.nodes) this.resume(this.node(x)); return this.reach((l) => (l ? 'fault' : 'merge'));
      case 'partition':
        this.groups = new Map(ev.groups.flatMap((g, i) => g.map((x) => [this.node(x).spec.name, i] as const)));
        return this.reach((l) => (l ? 'fault' : 'merge'));
      case 'heal': delete this.groups; return this.reach((l) => (l ? 'fault' : 'merge'));
      case 'linkdown': case 'linkup': {
        const owner = ev.iface === undefined ? undefined : this.agents.find((a) => a.networks?.includes(ev.iface as string));
        if (owner) return owner.onLink?.(this.node(ev.node).spec.name, ev.iface as string, ev.kind === 'linkup', this.ctx);
        this.node(ev.node).linkUp = ev.kind === 'linkup';
        return this.reach((l) => (l ? 'fault' : 'merge'));
      }
      case 'expected': return this.setExpected(this.node(ev.node), ev.expectedVotes);
      case 'setvotes': {
        const n = this.node(ev.node);
        if (n.status !== 'running' || !n.vq) return this.note(`corosync-quorumtool -v ${ev.votes}: corosync is not running`, n.spec.name);
        this.stepQuorum(n, { kind: 'set-votes', nodeId: this.node(ev.target).spec.id, votes: ev.votes });
        return;
      }
      case 'qnetd-down': this.qnetdUp = false; return this.updateQdevice();
      case 'qnetd-up': this.qnetdUp = true; return this.updateQdevice();
      case 'snap': case 'end': return;
      case 'agent':
        for (const a of this.agents) if (a.verbs?.includes(ev.verb)) a.onEvent?.(ev, this.ctx);
        return;
    }
  }

  // ---- node lives -------------------------------------------------------------------------

  private startNode(n: NodeRt, cause: string): void {
    if (this.spec.startupError) {
      this.note(`${cause}: corosync exits at once (${this.spec.startupError})`, n.spec.name);
      return;
    }
    n.status = 'running';
    n.life++;
    n.qdeviceRegistered = false;
    n.qdeviceVote = false;
    delete n.qnetdLostAt;
    delete n.lastMembers;
    delete n.lastInfo;
    delete n.qdevicePollAt;
    n.mem = membership.init({ nodeId: n.spec.id, timing: this.spec.timing }, this.now).state;
    if (n.spec.quorum) {
      n.vq = votequorum.init({ ...n.spec.quorum, evTrackingBarrier: n.evTrackingBarrier }, this.now).state;
      this.emitQuorum(n);
    }
    this.note(`${cause}`, n.spec.name);
    if (this.spec.qdevice && n.spec.quorum) {
      const life = n.life;
      this.queue.schedule(later(this.now, QDEVICE_REGISTER_US), () => {
        if (n.life !== life || n.status === 'down') return;
        n.qdeviceRegistered = true;
        this.stepQuorum(n, { kind: 'qdevice-register' });
        this.emitMembership(n);
        this.updateQdevice();
      });
    }
    this.arm(n);
    for (const a of this.agents) a.onNodeStatus?.(n.spec.name, 'running', this.ctx, cause);
  }

  private stopNode(n: NodeRt, cause: string): void {
    if (n.status === 'down') return;
    if (n.vq) n.evTrackingBarrier = n.vq.evTrackingBarrier;
    n.status = 'down';
    delete n.mem;
    delete n.vq;
    this.note(cause, n.spec.name);
    for (const a of this.agents) a.onNodeStatus?.(n.spec.name, 'down', this.ctx, cause);
  }

  /** SIGTERM: votequorum's farewell (allow_downscale), then totem's leave message. */
  private cleanStop(list: NodeRt[]): void {
    for (const n of list) {
      if (n.status !== 'running') {
        this.stopNode(n, 'stopped');
        continue;
      }
      if (n.vq) this.stepQuorum(n, { kind: 'leave' });
      this.stopNode(n, 'stopped (leave message sent)');
    }
    this.reach((lost) => (lost ? 'leave' : 'merge'));
  }

  private pause(n: NodeRt): void {
    if (n.status !== 'running') return;
    n.status = 'paused';
    this.note('paused (SIGSTOP): corosync hangs', n.spec.name);
  }

  private resume(n: NodeRt): void {
    if (n.status !== 'paused') return;
    n.status = 'running';
    n.ringBroken = true;
    this.note('resumed (SIGCONT)', n.spec.name);
    this.arm(n);
  }

  // ---- engines ------------------------------------------------------------------------------

  private stepMembership(n: NodeRt, input: MembershipInput | { kind: 'timeout' }): void {
    if (!n.mem) return;
    const step = membership.step(n.mem, input, this.now);
    n.mem = step.state;
    this.arm(n);
    for (const o of step.outputs) this.formRing(o.members);
  }

  private stepQuorum(n: NodeRt, input: VotequorumInput | { kind: 'timeout' }): VotequorumMessage[] {
    if (!n.vq) return [];
    const step = votequorum.step(n.vq, input, this.now);
    n.vq = step.state;
    n.evTrackingBarrier = n.vq.evTrackingBarrier;
    this.arm(n);
    const sent: VotequorumMessage[] = [];
    for (const o of step.outputs) {
      if (o.kind === 'broadcast') sent.push(o.message);
      else this.note(`corosync-quorumtool ${o.request === 'set-votes' ? '-v' : '-e'} refused: ${o.error} (${o.reason})`, n.spec.name);
    }
    if (input.kind !== 'sync-init') for (const m of sent) this.broadcast(n, m);
    if (input.kind !== 'sync-init' && input.kind !== 'deliver' && input.kind !== 'deliver-all') this.emitQuorum(n);
    return sent;
  }

  private broadcast(from: NodeRt, message: VotequorumMessage): void {
    const ring = from.mem?.ring?.members ?? [from.spec.id];
    const to = ring.map((id) => this.byId.get(id)!).filter((r) => r.status === 'running' && r.vq);
    if (!to.includes(from) && from.vq) to.push(from);
    for (const r of to) this.stepQuorum(r, { kind: 'deliver', from: from.spec.id, message });
    for (const r of to) this.emitQuorum(r);
  }

  /** Install a ring on its members, then votequorum's synchronisation across them. */
  private formRing(ids: readonly number[]): void {
    const members = ids.map((id) => this.byId.get(id)!).filter((r) => r.status === 'running' && r.mem);
    if (members.length === 0) return;
    this.ringSeq += 4;
    const ring: Ring = { rep: Math.min(...members.map((m) => m.spec.id)), seq: this.ringSeq, members: members.map((m) => m.spec.id) };
    const told: NodeRt[] = [];
    for (const m of members) {
      m.mem = membership.step(m.mem!, { kind: 'install', ring }, this.now).state;
      this.arm(m);
      if (this.emitMembership(m, false)) told.push(m);
    }
    const voters = members.filter((m) => m.vq);
    const messages: Array<{ from: NodeRt; message: VotequorumMessage }> = [];
    for (const m of voters) for (const message of this.stepQuorum(m, { kind: 'sync-init', members: ring.members })) messages.push({ from: m, message });
    const round = messages.map(({ from, message }) => ({ from: from.spec.id, message }));
    for (const m of voters) this.stepQuorum(m, { kind: 'deliver-all', messages: round });
    for (const m of voters) this.stepQuorum(m, { kind: 'sync-activate' });
    // corosync delivers the configuration change to its clients (fenced, rgmanager, pacemaker)
    // after votequorum's sync: they never act on a new ring with the old ring's quorum.
    for (const m of told) this.tellMembership(m);
    this.updateQdevice();
  }

  private setExpected(n: NodeRt, expected: number): void {
    if (n.status !== 'running' || !n.vq) return this.note(`corosync-quorumtool -e ${expected}: corosync is not running`, n.spec.name);
    this.stepQuorum(n, { kind: 'set-expected', expectedVotes: expected });
  }

  /** One wake-up per node at its earliest engine deadline. */
  private arm(n: NodeRt): void {
    if (n.status !== 'running') return;
    const a = n.mem ? membership.nextDeadline(n.mem) : undefined;
    const b = n.vq ? votequorum.nextDeadline(n.vq) : undefined;
    const at = a === undefined ? b : b === undefined ? a : Math.min(a, b);
    if (at === undefined || at === n.wakeAt) return;
    n.wakeAt = at;
    const life = n.life;
    this.queue.schedule(Math.max(at, this.now) as Instant, () => this.wake(n, life));
  }

  private wake(n: NodeRt, life: number): void {
    if (n.life !== life || n.status !== 'running') return;
    delete n.wakeAt;
    if (n.mem && (membership.nextDeadline(n.mem) ?? Infinity) <= this.now) this.stepMembership(n, { kind: 'timeout' });
    if (n.vq && (votequorum.nextDeadline(n.vq) ?? Infinity) <= this.now) this.stepQuorum(n, { kind: 'timeout' });
    this.arm(n);
  }

  // ---- the quorum device ------------------------------------------------------------------------

  /** Whether the node's qdevice can talk to qnetd (partitions cut node-to-node traffic only). */
  private qnetdReachable(n: NodeRt): boolean {
    return this.qnetdUp && n.linkUp;
  }

  private updateQdevice(): void {
    const dev = this.spec.qdevice;
    if (!dev) return;
    const registered = [...this.nodes.values()].filter((n) => n.status === 'running' && n.qdeviceRegistered && n.mem?.ring);
    const clients = registered.filter((n) => this.qnetdReachable(n));
    const acks = qnetdVotes(dev.algorithm, dev.tieBreaker, this.spec.nodes.map((n) => n.id),
      clients.map((c) => ({ nodeId: c.spec.id, ring: `${c.mem!.ring!.rep}.${c.mem!.ring!.seq}`, members: c.mem!.ring!.members })));
    for (const n of registered) {
      if (this.qnetdReachable(n)) {
        delete n.qnetdLostAt;
        n.qdeviceVote = acks.has(n.spec.id);
      } else if (n.qnetdLostAt === undefined) {
        // qdevice-net notices the lost connection only when its heartbeats go unanswered.
        n.qnetdLostAt = this.now;
        const life = n.life;
        this.queue.schedule(later(this.now, Math.round(QDEVICE_LOST_FACTOR * dev.timeoutMs * 1000)), () => {
          if (n.life === life && n.status === 'running') this.updateQdevice();
        });
      } else if (this.now - n.qnetdLostAt >= Math.round(QDEVICE_LOST_FACTOR * dev.timeoutMs * 1000)) {
        n.qdeviceVote = false;
      }
      this.qdevicePoll(n);
    }
  }

  /** corosync-qdevice polls votequorum with its vote, again every half device timeout. */
  private qdevicePoll(n: NodeRt): void {
    this.stepQuorum(n, { kind: 'qdevice-poll', castVote: n.qdeviceVote });
    if (n.qdevicePollAt !== undefined && n.qdevicePollAt > this.now) return;
    const at = later(this.now, Math.round((this.spec.qdevice!.timeoutMs * 1000) / 2));
    n.qdevicePollAt = at;
    const life = n.life;
    this.queue.schedule(at, () => {
      if (n.life !== life) return;
      delete n.qdevicePollAt;
      if (n.status === 'running') this.qdevicePoll(n);
    });
  }

  // ---- observations -------------------------------------------------------------------------------

  /** A `membership` event when the node's members changed (agents told now, or later with `tellMembership`); whether it changed. */
  private emitMembership(n: NodeRt, tell = true): boolean {
    const members = this.membersOf(n);
    const key = members.join(',');
    if (key === n.lastMembers && !(n.ringBroken && n.mem?.ring)) return false;
    delete n.ringBroken;
    n.lastMembers = key;
    this.events.push({ t: this.t(), kind: 'membership', node: n.spec.name, members });
    if (tell) this.tellMembership(n);
    return true;
  }

  private membersOf(n: NodeRt): string[] {
    const members = (n.mem?.ring?.members ?? []).map((id) => this.byId.get(id)!.spec.name);
    // corosync-quorumtool -l lists a registered quorum device as the member "Qdevice".
    if (n.qdeviceRegistered) members.push(QDEVICE_MEMBER);
    return members;
  }

  private tellMembership(n: NodeRt): void {
    if (n.status !== 'running') return;
    const members = this.membersOf(n);
    for (const a of this.agents) a.onMembership?.(n.spec.name, members, this.ctx);
  }

  private emitQuorum(n: NodeRt): void {
    if (!n.vq) return;
    const q = quorumInfo(n.vq);
    const key = JSON.stringify(q);
    if (key === n.lastInfo) return;
    n.lastInfo = key;
    this.events.push({
      t: this.t(), kind: 'quorum', node: n.spec.name, quorate: q.quorate, expected_votes: q.expectedVotes,
      highest_expected: q.highestExpected, total_votes: q.totalVotes, quorum: q.quorum, flags: q.flags,
    });
    for (const a of this.agents) a.onQuorum?.(n.spec.name, q, this.ctx);
  }

  private makeContext(): ClusterAgentContext {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const sim = this;
    return {
      get now() { return sim.now; },
      nodeNames: () => [...sim.nodes.keys()],
      status: (x) => sim.node(x).status,
      members: (x) => (sim.node(x).mem?.ring?.members ?? []).map((id) => sim.byId.get(id)!.spec.name),
      quorum: (x): QuorumInfo | undefined => { const vq = sim.node(x).vq; return vq ? quorumInfo(vq) : undefined; },
      connected: (a, b) => sim.connected(sim.node(a), sim.node(b)),
      emit: (e: AgentOutEventBody) => { sim.events.push({ t: sim.t(), ...e } as ClusterOutEvent); },
      setTimer: (at, key) => { sim.queue.schedule(Math.max(at, sim.now) as Instant, () => { for (const a of sim.agents) a.onTimer?.(key, sim.ctx); }); },
      powerOff: (x, cause) => { sim.stopNode(sim.node(x), cause); sim.reach((l) => (l ? 'fault' : 'merge')); },
      powerOn: (x, cause) => { if (sim.node(x).status === 'down') { sim.startNode(sim.node(x), cause); sim.reach((l) => (l ? 'fault' : 'join')); } },
    };
  }
}

