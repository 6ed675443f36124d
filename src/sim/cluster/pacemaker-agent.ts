/**
 * The Pacemaker stack as a cluster agent: on every running node a fencer in its
 * Pacemaker flavour, and in every partition a DC that runs the scheduler on what
 * its partition sees and carries the transition out. The corosync layer decides
 * membership and quorum; this agent never changes them.
 *
 * Theory of operation
 * -------------------
 * - The DC. Pacemaker elects it by vote (lib/cluster/election.c, read in the 3.x
 *   tree): the newer feature set wins, then the controller that has run longer, then
 *   the name that sorts first ignoring case — never the node id. The model takes the
 *   lowest node id of the partition, as the fencer's Pacemaker mode does, so the node
 *   that schedules is the node that fences. A partition of one (every two-node case)
 *   and a cold start with ids in name order agree with the election; a partition
 *   whose low-id node rebooted later than a peer does not (known gap).
 * - Every change of a node's membership or quorum, every fence that completes and
 *   every operator event runs each partition's DC's scheduler on the current state:
 *   the partition's members online; a node it saw and lost, still expected up (to be
 *   fenced); a node fenced or stopped cleanly, clean offline; a node this DC never
 *   saw since it started, absent (unclean: start-up fencing). Resource history is
 *   the world's: where each resource's processes really run.
 * - The transition: its stops on the partition's members run at once; its starts
 *   run when they wait for no fence (a start after a fence runs at the transition
 *   computed once the fence has completed). The fences are the fencer's: it keeps
 *   the victims (lost members, nodes never seen after dc-deadtime), fences them one
 *   at a time, the DC last, with pcmk_delay_base/max and priority-fencing-delay.
 *   A fence the transition wants of a member (on-fail=fence, a failed stop) is
 *   asked of the DC's fencer. Stops and starts take no time (no operation timing).
 * - A fence device: the executor sleeps the delay; if it still runs, the device acts
 *   after its time (or fails after the login timeout when `T fencefail DEV`); a power
 *   device switches the target off, and on again after `bootUs` for a reboot.
 * - no-quorum-policy is the scheduler's: `stop` stops an inquorate partition's
 *   resources, `freeze` keeps them, `ignore` lets it fence and take the others'.
 * - Storage, for the data-safety checker: every `ioIntervalUs` each running node
 *   writes once per resource it runs; a booted node `mount`s.
 */
import { later } from '../../core/time.js';
import { agentTiming } from '../../fencing/fence-devices.js';
import { fencer, type FencerOutput } from '../../fencing/fencer.js';
import { INFINITY, schedule, type NodeStatus as PcmkNode, type PcmkConfig, type PcmkState, type RscHistory } from '../../fencing/pacemaker/index.js';
import type { PacemakerAgentSpec } from '../../spec/pacemaker.js';
import type { ClusterEvent } from './events.js';
import { armFencer, changedView, fenceEvent, stepHostedFencer, tickHostedFencer, type FenceOp, type HostedFencer } from './fence-host.js';
import type { ClusterAgent, ClusterAgentContext, NodeStatus } from './types.js';

type Op = FenceOp;

interface NodeRt extends HostedFencer {
  fed: string;
}

const SERVICE_VERBS = ['svcfail', 'relocate', 'disable', 'enable'];

export class PacemakerAgent implements ClusterAgent {
  readonly name = 'pacemaker';
  readonly verbs = ['fencefail', 'fenceok', ...SERVICE_VERBS];
  private readonly nodes = new Map<string, NodeRt>();
  /** Resource → the nodes its processes run on. */
  private readonly active = new Map<string, Set<string>>();
  /** Resource → node → the failed monitor's rc, until the resource stops there. */
  private readonly failed = new Map<string, Map<string, number>>();
  private readonly failCounts = new Map<string, number>();
  /** Node → the resources it ran when it was lost: the status the others keep until it is fenced or back. */
  private readonly lost = new Map<string, Set<string>>();
  /** Nodes fenced or stopped cleanly and not back yet: clean offline for the scheduler. */
  private readonly cleanDown = new Set<string>();
  private readonly failedDevices = new Set<string>();
  private readonly ops = new Map<string, Op>();
  private readonly targetRole = new Map<string, 'Started' | 'Stopped'>();
  private readonly extraLocations: { rsc: string; node: string; score: number }[] = [];
  private opSeq = 0;
  private ioSeq = 0;

  constructor(private readonly spec: PacemakerAgentSpec) {}

  /** The resources an operator may name: primitives, groups' members and clones, not fence devices. */
  get services(): readonly string[] {
    return [...new Set(this.spec.pcmk.resources.filter((r) => !r.isStonith).flatMap((r) => (r.clone ? [r.id, r.clone.id] : [r.id])))];
  }

  checkEvent(event: Extract<ClusterEvent, { kind: 'agent' }>): string | undefined {
    const name = event.args[0];
    if (!SERVICE_VERBS.includes(event.verb) || name === undefined || this.services.includes(name)) return undefined;
    return `no resource '${name}' in the CIB (resources: ${this.services.join(', ') || 'none'})`;
  }

  start(ctx: ClusterAgentContext): void {
    if (this.spec.ioIntervalUs > 0) ctx.setTimer(later(ctx.now, this.spec.ioIntervalUs), 'pcmk:io');
  }

  onNodeStatus(node: string, status: NodeStatus, ctx: ClusterAgentContext, cause?: string): void {
    if (status === 'running' && !this.nodes.has(node)) {
      this.lost.delete(node);
      this.nodes.set(node, { fencer: fencer.init({ ...this.spec.fencer, self: node }, ctx.now).state, fed: '' });
      ctx.emit({ kind: 'disk', writer: node, resource: 'shared', op: 'mount' });
      return;
    }
    if (status !== 'down') return;
    const clean = cause !== undefined && /stop/.test(cause);
    const had = [...this.active].filter(([, on]) => on.has(node)).map(([rsc]) => rsc);
    if (!clean && had.length > 0) this.lost.set(node, new Set(had));
    for (const [rsc, on] of [...this.active].sort(([a], [b]) => a.localeCompare(b))) {
      if (on.delete(node) && !this.isStonith(rsc)) ctx.emit({ kind: 'service', service: rsc, node, state: 'stopped', reason: 'the node went down: its processes died with it' });
    }
    for (const f of this.failed.values()) f.delete(node);
    this.nodes.delete(node);
    if (clean) this.cleanDown.add(node);
    this.reschedule(ctx);
  }

  /** Fed once the new membership's quorum is known: votequorum reports it in the same instant, after the ring. */
  onMembership(node: string, _members: readonly string[], ctx: ClusterAgentContext): void {
    ctx.setTimer(ctx.now, `pcmk:feed:${node}`);
  }

  onQuorum(node: string, _info: unknown, ctx: ClusterAgentContext): void {
    this.feed(node, ctx);
  }

  onEvent(event: Extract<ClusterEvent, { kind: 'agent' }>, ctx: ClusterAgentContext): void {
    const [a, b] = event.args;
    if (a === undefined) return;
    switch (event.verb) {
      case 'fencefail': this.failedDevices.add(a); return;
      case 'fenceok': this.failedDevices.delete(a); return;
      case 'svcfail': this.svcfail(a, b); break;
      case 'disable': this.targetRole.set(a, 'Stopped'); break;
      case 'enable': this.targetRole.set(a, 'Started'); break;
      case 'relocate': this.relocate(a, b); break;
    }
    this.reschedule(ctx);
  }

  onTimer(key: string, ctx: ClusterAgentContext): void {
    const [ns, what, id] = key.split(':');
    if (ns !== 'pcmk') return;
    if (what === 'io') return this.ioTick(ctx);
    if (what === 'tick' && id !== undefined) return this.tick(id, ctx);
    if (what === 'feed' && id !== undefined) return this.feed(id, ctx);
    const op = id === undefined ? undefined : this.ops.get(id);
    if (op === undefined || id === undefined) return;
    if (what === 'send') this.send(id, op, ctx);
    else if (what === 'act') this.act(id, op, ctx);
    else if (what === 'fail') this.result(id, op, false, 'fence device unreachable', ctx);
    else if (what === 'boot' && ctx.status(op.target) === 'down') ctx.powerOn(op.target, `boots after being fenced (${op.device})`);
  }

  // ---- fencing --------------------------------------------------------------------------

  private feed(node: string, ctx: ClusterAgentContext): void {
    const rt = this.nodes.get(node);
    const view = changedView(rt, node, ctx);
    if (rt === undefined || view === undefined) return;
    const { members, quorate } = view;
    for (const m of members) this.cleanDown.delete(m);
    const joining = members.some((m) => m !== node && this.nodes.get(m)?.fencer.domainFormed === true);
    const cleanLeft = [...this.cleanDown].filter((n) => !members.includes(n));
    this.fencerOut(node, stepHostedFencer(rt, node, { kind: 'membership', members, quorate, cleanLeft, joiningExistingDomain: joining, priorities: this.priorities() }, ctx, 'pcmk'), ctx);
    this.reschedule(ctx);
  }

  /** Σ priority of the resources active on each node (priority-fencing-delay). */
  private priorities(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of this.spec.pcmk.resources) {
      for (const n of this.active.get(r.id) ?? []) out[n] = (out[n] ?? 0) + r.priority;
    }
    return out;
  }

  private tick(node: string, ctx: ClusterAgentContext): void {
    this.fencerOut(node, tickHostedFencer(this.nodes.get(node), node, ctx, 'pcmk'), ctx);
  }

  private fencerOut(node: string, outputs: readonly FencerOutput[], ctx: ClusterAgentContext): void {
    const rt = this.nodes.get(node);
    if (rt !== undefined) armFencer(rt, node, ctx, 'pcmk');
    for (const o of outputs) {
      if (o.kind === 'fence') {
        ctx.emit(fenceEvent(o));
        if (o.result === 'success') this.fenced(node, o.target, ctx);
      } else if (o.kind === 'run-agent') {
        const id = String(++this.opSeq);
        this.ops.set(id, { executor: node, opId: o.opId, target: o.target, device: o.device, action: o.action });
        ctx.setTimer(later(ctx.now, o.delayUs), `pcmk:send:${id}`);
      }
    }
  }

  /** A fence completed: the partition's fencers drop the victim, the node is clean offline, the DC reschedules. */
  private fenced(executor: string, target: string, ctx: ClusterAgentContext): void {
    this.cleanDown.add(target);
    this.lost.delete(target);
    for (const m of ctx.members(executor)) {
      const rt = this.nodes.get(m);
      if (rt === undefined || m === executor) continue;
      this.fencerOut(m, stepHostedFencer(rt, m, { kind: 'peer-fenced', target }, ctx, 'pcmk'), ctx);
    }
    this.reschedule(ctx);
  }

  private send(id: string, op: Op, ctx: ClusterAgentContext): void {
    const st = ctx.status(op.executor);
    if (st === 'down' || !this.nodes.has(op.executor)) return void this.ops.delete(id);
    if (st === 'paused') return ctx.setTimer(later(ctx.now, 1_000_000), `pcmk:send:${id}`);
    const kind = this.spec.devices.find((d) => d.name === op.device)?.kind ?? 'power-other';
    const timing = agentTiming(kind);
    if (kind === 'manual') return;
    if (this.failedDevices.has(op.device)) return ctx.setTimer(later(ctx.now, timing.unreachableUs), `pcmk:fail:${id}`);
    ctx.setTimer(later(ctx.now, timing.actUs), `pcmk:act:${id}`);
  }

  private act(id: string, op: Op, ctx: ClusterAgentContext): void {
    const kind = this.spec.devices.find((d) => d.name === op.device)?.kind ?? 'power-other';
    if (kind !== 'none' && op.action !== 'on' && ctx.status(op.target) !== 'down') {
      ctx.powerOff(op.target, `fenced by ${op.executor} through ${op.device} (${op.action})`);
      if (op.action !== 'off') ctx.setTimer(later(ctx.now, this.spec.bootUs), `pcmk:boot:${id}`);
    }
    if (!this.nodes.has(op.executor) || ctx.status(op.executor) === 'down') {
      ctx.emit({ kind: 'fence', target: op.target, by: op.executor, device: op.device, method: '', result: 'success', reason: `${op.executor} went down before it heard back` });
    }
    this.result(id, op, true, '', ctx);
  }

  private result(id: string, op: Op, ok: boolean, reason: string, ctx: ClusterAgentContext): void {
    const rt = this.nodes.get(op.executor);
    if (!ok || op.action === 'off') this.ops.delete(id);
    if (rt === undefined || ctx.status(op.executor) === 'down') return;
    this.fencerOut(op.executor, stepHostedFencer(rt, op.executor, { kind: 'agent-result', opId: op.opId, ok, ...(reason ? { reason } : {}) }, ctx, 'pcmk'), ctx);
  }

  // ---- the scheduler ----------------------------------------------------------------------

  /** Every partition's DC runs the scheduler and carries out what may run now. */
  private reschedule(ctx: ClusterAgentContext): void {
    for (const dc of [...this.nodes.keys()].sort()) {
      if (ctx.status(dc) !== 'running') continue;
      const members = ctx.members(dc).filter((m) => this.nodes.has(m) && ctx.status(m) !== 'down');
      if (this.dcOf(members) !== dc) continue;
      this.transition(dc, members, ctx);
    }
  }

  private dcOf(members: readonly string[]): string | undefined {
    const id = (n: string): number => this.spec.fencer.nodes.find((x) => x.name === n)?.nodeid ?? Number.MAX_SAFE_INTEGER;
    return [...members].sort((a, b) => id(a) - id(b))[0];
  }

  private transition(dc: string, members: readonly string[], ctx: ClusterAgentContext): void {
    const config = this.config(dc);
    const t = schedule(config, this.state(dc, members, ctx), ctx.now / 1e6);
    this.requestFences(dc, t.graph.flatMap((op) => (op.kind === 'fence' && members.includes(op.node) ? [op.node] : [])), ctx);
    for (const op of t.graph) {
      if (op.kind === 'stop' && members.includes(op.node) && this.active.get(op.rsc)?.has(op.node) === true) {
        this.active.get(op.rsc)?.delete(op.node);
        this.failed.get(op.rsc)?.delete(op.node);
        if (!this.isStonith(op.rsc)) ctx.emit({ kind: 'service', service: op.rsc, node: op.node, state: 'stopped', reason: this.why(t.actions, op.rsc, 'stop') });
      } else if (op.kind === 'start' && op.afterFences.length === 0 && members.includes(op.node) && ctx.status(op.node) === 'running') {
        const on = this.active.get(op.rsc) ?? new Set<string>();
        if (on.has(op.node)) continue;
        on.add(op.node);
        this.active.set(op.rsc, on);
        if (!this.isStonith(op.rsc)) ctx.emit({ kind: 'service', service: op.rsc, node: op.node, state: 'started', reason: this.why(t.actions, op.rsc, 'start') });
      }
    }
  }

  /** Fences the transition wants of members (on-fail=fence, a failed stop): the DC's fencer is asked, as stonith_admin would. */
  private requestFences(dc: string, targets: readonly string[], ctx: ClusterAgentContext): void {
    const rt = this.nodes.get(dc);
    if (rt === undefined) return;
    for (const target of targets) {
      if (rt.fencer.victims.some((v) => v.target === target) || rt.fencer.fencedMembers.includes(target)) continue;
      this.fencerOut(dc, stepHostedFencer(rt, dc, { kind: 'fence-request', target }, ctx, 'pcmk'), ctx);
    }
  }

  private why(actions: ReturnType<typeof schedule>['actions'], rsc: string, fallback: string): string {
    const a = actions.find((x) => x.resource === rsc);
    return a === undefined ? `${fallback} (transition of the DC)` : `${a.action}${a.reason ? `: ${a.reason}` : ''} (transition of the DC)`;
  }

  private isStonith(rsc: string): boolean {
    return this.spec.pcmk.resources.some((r) => r.id === rsc && r.isStonith);
  }

  private config(dc: string): PcmkConfig {
    const c = this.spec.pcmk;
    const resources = c.resources.map((r) => {
      const role = this.targetRole.get(r.id) ?? (r.clone ? this.targetRole.get(r.clone.id) : undefined);
      return role === undefined ? r : { ...r, targetRole: role };
    });
    return { ...c, dc, resources, locations: [...c.locations, ...this.extraLocations] };
  }

  /** What the DC of `members` knows: its members online, the nodes it saw, the world's resources. */
  private state(dc: string, members: readonly string[], ctx: ClusterAgentContext): PcmkState {
    const seen = this.nodes.get(dc)?.fencer.seen ?? new Set<string>();
    const nodes: Record<string, PcmkNode> = {};
    for (const n of this.spec.pcmk.nodes) {
      if (members.includes(n)) nodes[n] = { inCcm: true, crmdOnline: true, expectedUp: true };
      else if (this.cleanDown.has(n)) nodes[n] = { inCcm: false, crmdOnline: false, expectedUp: false };
      else if (seen.has(n)) nodes[n] = { inCcm: false, crmdOnline: false, expectedUp: true };
    }
    const history: Record<string, Record<string, RscHistory>> = {};
    for (const [rsc, on] of this.active) {
      for (const n of on) (history[n] ??= {})[rsc] = { active: true };
    }
    for (const [n, rscs] of this.lost) {
      if (!members.includes(n)) for (const rsc of rscs) (history[n] ??= {})[rsc] = { active: true };
    }
    for (const [rsc, on] of this.failed) {
      for (const [n, rc] of on) (history[n] ??= {})[rsc] = { active: this.active.get(rsc)?.has(n) === true, failed: { task: 'monitor', intervalMs: this.monitorMs(rsc), rc } };
    }
    const attrs: Record<string, Record<string, string>> = {};
    for (const [key, count] of this.failCounts) {
      const [n, rsc] = key.split('\u0000') as [string, string];
      (attrs[n] ??= {})[`fail-count-${rsc}#monitor_${this.monitorMs(rsc)}`] = String(count);
    }
    return { quorate: ctx.quorum(dc)?.quorate ?? false, nodes, history, attrs };
  }

  private monitorMs(rsc: string): number {
    return this.spec.pcmk.resources.find((r) => r.id === rsc)?.ops.find((o) => o.name === 'monitor')?.intervalMs ?? 10_000;
  }

  // ---- operator events --------------------------------------------------------------------

  private instances(name: string): string[] {
    return this.spec.pcmk.resources.filter((r) => r.id === name || r.clone?.id === name).map((r) => r.id);
  }

  /** `T svcfail RSC [RC]`: its monitor fails with RC (default 1) wherever it runs. */
  private svcfail(name: string, rc: string | undefined): void {
    for (const rsc of this.instances(name)) {
      for (const n of this.active.get(rsc) ?? []) {
        const f = this.failed.get(rsc) ?? new Map<string, number>();
        f.set(n, rc !== undefined && /^\d+$/.test(rc) ? Number(rc) : 1);
        this.failed.set(rsc, f);
        const key = `${n}\u0000${rsc}`;
        this.failCounts.set(key, (this.failCounts.get(key) ?? 0) + 1);
      }
    }
  }

  /** `T relocate RSC [NODE]`: crm_resource --move — prefer NODE, or ban where it runs now. */
  private relocate(name: string, node: string | undefined): void {
    for (const rsc of this.instances(name)) {
      if (node !== undefined) this.extraLocations.push({ rsc, node, score: INFINITY });
      else for (const n of this.active.get(rsc) ?? []) this.extraLocations.push({ rsc, node: n, score: -INFINITY });
    }
  }

  private ioTick(ctx: ClusterAgentContext): void {
    for (const [rsc, on] of [...this.active].sort(([a], [b]) => a.localeCompare(b))) {
      if (this.isStonith(rsc)) continue;
      for (const n of [...on].sort()) {
        if (ctx.status(n) !== 'running') continue;
        ctx.emit({ kind: 'disk', writer: n, resource: 'shared', op: 'write', service: rsc, seq: ++this.ioSeq });
      }
    }
    ctx.setTimer(later(ctx.now, this.spec.ioIntervalUs), 'pcmk:io');
  }
}
