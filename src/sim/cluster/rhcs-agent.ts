/**
 * The RHCS stack as a cluster agent: on every running node a fencer (fenced) and
 * an rgmanager engine, plus the world they act on — fence devices on networks, the
 * guests' processes, and the storage (GFS2/clvmd on a SAN, DRBD). The corosync
 * layer of the simulator decides membership and quorum; this agent feeds each
 * node's engines what that node sees and carries their outputs out.
 *
 * Theory of operation
 * -------------------
 * - A node's engines live from its start to its stop; a fenced node that reboots
 *   comes back with fresh engines, handed the table its partition holds.
 * - Each node's engines get (members, quorate) of that node whenever either
 *   changes. A member that stopped cleanly (`T stop`) left with a goodbye: it is no
 *   victim, and its services move at once.
 * - A fence agent run: the executor sleeps the agent's delay; if it is still
 *   running then, the command is sent — if the device is reachable from it (not
 *   failed by `T fencefail`, its network up for the executor, and, on the cluster
 *   network, in the executor's side of a partition: a BMC sits with its node).
 *   A sent command completes after the device's time even if the executor dies
 *   meanwhile: that is how both nodes of a race without delay go down. Power
 *   devices switch the node off (and on again after `bootUs` for a reboot);
 *   fabric devices cut it off the storage; fence_dummy does nothing and reports
 *   success; fence_manual never answers.
 * - A success is told to the executor's partition (fenced tells its domain), to
 *   rgmanager (recovery may start) and to DRBD (the fence-peer handler returns).
 * - Storage: every `ioIntervalUs` each running, unpaused node writes once per
 *   service it runs. The DLM of a node freezes while its partition waits for a
 *   fence or has no quorum. Disk events: `mount` when a node's storage comes up,
 *   `write`, `frozen`/`thawed`, `blocked` (first refusal), `split-brain`.
 */
import { later } from '../../core/time.js';
import { agentTiming, isFabricKind } from '../../fencing/fence-devices.js';
import { fencer, pendingVictims, type FencerOutput } from '../../fencing/fencer.js';
import { rgmanager, type AdminOp, type RgInput, type RgOutput, type RgState } from '../../fencing/rgmanager.js';
import {
  drbdNodeRestarted, drbdPeerFenced, initStorage, setDlmFrozen, setDrbdLink, setFabricFenced, write,
  type StorageEvent, type StorageState,
} from '../../fencing/disk.js';
import { RING, type DeviceSite, type RhcsAgentSpec } from '../../spec/rhcs.js';
import type { ClusterEvent } from './events.js';
import { armFencer, changedView, fenceEvent, stepHostedFencer, tickHostedFencer, type FenceOp, type HostedFencer } from './fence-host.js';
import type { ClusterAgent, ClusterAgentContext, NodeStatus } from './types.js';

type Op = FenceOp;

interface NodeRt extends HostedFencer {
  rg: RgState;
  fed: string;
  running: Set<string>;
}

export class RhcsAgent implements ClusterAgent {
  readonly name = 'rhcs';
  readonly verbs = ['fencefail', 'fenceok', 'svcfail', 'relocate', 'disable', 'enable'];
  private readonly nodes = new Map<string, NodeRt>();
  private storage: StorageState;
  private readonly failed = new Set<string>();
  private readonly linkDown = new Set<string>();
  private readonly ops = new Map<string, Op>();
  private readonly cleanStops = new Set<string>();
  private readonly blockedShown = new Set<string>();
  private readonly sites: Map<string, DeviceSite>;
  private opSeq = 0;

  constructor(private readonly spec: RhcsAgentSpec) {
    this.storage = initStorage(spec.shared, spec.drbd);
    this.sites = new Map(spec.devices.map((d) => [d.name, d]));
  }

  checkEvent(event: Extract<ClusterEvent, { kind: 'agent' }>): string | undefined {
    const name = event.args[0];
    if (!['svcfail', 'relocate', 'disable', 'enable'].includes(event.verb) || name === undefined) return undefined;
    const services = this.spec.rg.services.map((s) => s.name);
    return services.includes(name) ? undefined : `no service '${name}' in the cluster.conf (services: ${services.join(', ') || 'none'})`;
  }

  /** Networks besides the ring this agent models (`T linkdown NODE sn`). */
  get networks(): readonly string[] {
    return [...new Set([...this.spec.devices.map((d) => d.network), this.spec.replicationNetwork])].filter((n) => n !== RING);
  }

  start(ctx: ClusterAgentContext): void {
    if (this.spec.ioIntervalUs > 0) ctx.setTimer(later(ctx.now, this.spec.ioIntervalUs), 'rhcs:io');
  }

  onNodeStatus(node: string, status: NodeStatus, ctx: ClusterAgentContext, cause?: string): void {
    if (status === 'running' && !this.nodes.has(node)) return this.boot(node, ctx);
    if (status !== 'down') return;
    for (const service of [...(this.nodes.get(node)?.running ?? [])].sort()) {
      ctx.emit({ kind: 'service', service, node, state: 'stopped', reason: 'the node went down: its processes died with it' });
    }
    this.nodes.delete(node);
    if (cause !== undefined && /stop/.test(cause)) this.cleanStops.add(node);
    this.syncDrbdLinks(ctx);
  }

  onMembership(node: string, _members: readonly string[], ctx: ClusterAgentContext): void {
    this.feed(node, ctx);
  }

  onQuorum(node: string, _info: unknown, ctx: ClusterAgentContext): void {
    this.feed(node, ctx);
  }

  onLink(node: string, iface: string, up: boolean, ctx: ClusterAgentContext): void {
    const key = `${node}/${iface}`;
    if (up) this.linkDown.delete(key);
    else this.linkDown.add(key);
    this.syncDrbdLinks(ctx);
  }

  onEvent(event: Extract<ClusterEvent, { kind: 'agent' }>, ctx: ClusterAgentContext): void {
    const [a, b] = event.args;
    switch (event.verb) {
      case 'fencefail': if (a !== undefined) this.failed.add(a); return;
      case 'fenceok': if (a !== undefined) this.failed.delete(a); return;
      case 'svcfail': if (a !== undefined) this.svcfail(a, b, ctx); return;
      case 'relocate': case 'disable': case 'enable':
        if (a !== undefined) this.admin({ op: event.verb, service: a, ...(b !== undefined ? { node: b } : {}) } as AdminOp, ctx);
    }
  }

  onTimer(key: string, ctx: ClusterAgentContext): void {
    const [ns, what, id] = key.split(':');
    if (ns !== 'rhcs') return;
    if (what === 'io') return this.ioTick(ctx);
    if (what === 'tick' && id !== undefined) return this.tick(id, ctx);
    const op = id === undefined ? undefined : this.ops.get(id);
    if (op === undefined) return;
    if (what === 'send') this.send(id as string, op, ctx);
    else if (what === 'act') this.act(id as string, op, ctx);
    else if (what === 'fail') this.result(id as string, op, false, 'fence device unreachable', ctx);
    else if (what === 'boot' && ctx.status(op.target) === 'down') ctx.powerOn(op.target, `boots after being fenced (${op.device})`);
  }

  // ---- engines --------------------------------------------------------------------------

  private boot(node: string, ctx: ClusterAgentContext): void {
    const f = fencer.init({ ...this.spec.fencer, self: node }, ctx.now);
    const rt: NodeRt = { fencer: f.state, rg: rgmanager.init({ ...this.spec.rg, self: node }, ctx.now).state, fed: '', running: new Set() };
    this.nodes.set(node, rt);
    this.storage = drbdNodeRestarted(this.storage, node);
    this.fencerOut(node, f.outputs, ctx);
    for (const r of this.resourcesOf(node)) ctx.emit({ kind: 'disk', writer: node, resource: r, op: 'mount' });
    this.syncDrbdLinks(ctx);
  }

  private resourcesOf(node: string): string[] {
    return [...this.spec.shared.map((s) => s.name), ...this.spec.drbd.filter((d) => d.nodes.includes(node)).map((d) => d.name)];
  }

  /** Give `node`'s engines its current (members, quorate), once per change. */
  private feed(node: string, ctx: ClusterAgentContext): void {
    const rt = this.nodes.get(node);
    const view = changedView(rt, node, ctx);
    if (rt === undefined || view === undefined) return;
    const { members, quorate } = view;
    const cleanLeft = [...this.cleanStops].filter((n) => !members.includes(n));
    const peers = members.filter((m) => m !== node).map((m) => this.nodes.get(m)).filter((p): p is NodeRt => p !== undefined);
    const joining = peers.some((p) => p.fencer.domainFormed);
    const f = fencer.step(rt.fencer, { kind: 'membership', members, quorate, cleanLeft, joiningExistingDomain: joining }, ctx.now);
    rt.fencer = f.state;
    const holder = !rt.rg.evaluated ? peers.find((p) => p.rg.evaluated && p.rg.quorate) : undefined;
    this.rgStep(node, { kind: 'membership', members, quorate, cleanLeft, victims: this.victimsOf(node, ctx), ...(holder ? { table: holder.rg.table } : {}) }, ctx);
    this.fencerOut(node, f.outputs, ctx);
    this.updateDlm(ctx);
  }

  private rgStep(node: string, input: RgInput, ctx: ClusterAgentContext): void {
    const rt = this.nodes.get(node);
    if (rt === undefined) return;
    const s = rgmanager.step(rt.rg, input, ctx.now);
    rt.rg = s.state;
    this.rgOut(node, s.outputs, ctx);
  }

  private rgOut(node: string, outputs: readonly RgOutput[], ctx: ClusterAgentContext): void {
    const rt = this.nodes.get(node);
    for (const o of outputs) {
      if (o.kind === 'start') rt?.running.add(o.service);
      else if (o.kind === 'stop') rt?.running.delete(o.service);
      else ctx.emit({ kind: 'service', service: o.service, node: o.node ?? '', state: o.state, reason: o.reason });
    }
  }

  /** fenced's own timers (post_fail/post_join delays, retries): wake it at its deadline. */
  private tick(node: string, ctx: ClusterAgentContext): void {
    const rt = this.nodes.get(node);
    if (rt === undefined || ctx.status(node) === 'down') return;
    this.fencerOut(node, tickHostedFencer(rt, node, ctx, 'rhcs'), ctx);
    if (ctx.status(node) === 'running') this.updateDlm(ctx);
  }

  private fencerOut(node: string, outputs: readonly FencerOutput[], ctx: ClusterAgentContext): void {
    const rt = this.nodes.get(node);
    if (rt !== undefined) armFencer(rt, node, ctx, 'rhcs');
    for (const o of outputs) {
      if (o.kind === 'fence') {
        ctx.emit(fenceEvent(o));
        if (o.result === 'success') this.fenced(node, o.target, ctx);
      } else if (o.kind === 'unfence') {
        this.storage = setFabricFenced(this.storage, o.node, false);
      } else {
        const id = String(++this.opSeq);
        this.ops.set(id, { executor: node, opId: o.opId, target: o.target, device: o.device, action: o.action });
        ctx.setTimer(later(ctx.now, o.delayUs), `rhcs:send:${id}`);
      }
    }
  }

  /** A fence succeeded: the executor's partition learns it (fenced's CPG), rgmanager and DRBD too. */
  private fenced(executor: string, target: string, ctx: ClusterAgentContext): void {
    this.storage = drbdPeerFenced(this.storage, target);
    for (const m of ctx.members(executor)) {
      const rt = this.nodes.get(m);
      if (rt === undefined) continue;
      if (m !== executor) {
        this.fencerOut(m, stepHostedFencer(rt, m, { kind: 'peer-fenced', target }, ctx, 'rhcs'), ctx);
      }
      this.rgStep(m, { kind: 'fenced', target }, ctx);
    }
    this.updateDlm(ctx);
  }

  // ---- fence devices ---------------------------------------------------------------------

  /** The agent's delay is over: the command leaves, if the executor still runs and reaches the device. */
  private send(id: string, op: Op, ctx: ClusterAgentContext): void {
    const st = ctx.status(op.executor);
    if (st === 'down' || !this.nodes.has(op.executor)) return void this.ops.delete(id);
    if (st === 'paused') return ctx.setTimer(later(ctx.now, 1_000_000), `rhcs:send:${id}`);
    const site = this.sites.get(op.device);
    const kind = site?.kind ?? 'power-other';
    const timing = agentTiming(kind);
    if (kind === 'manual') return; // waits for fence_ack_manual, which never comes
    if (!this.reachable(op.executor, site, ctx)) return ctx.setTimer(later(ctx.now, timing.unreachableUs), `rhcs:fail:${id}`);
    ctx.setTimer(later(ctx.now, timing.actUs), `rhcs:act:${id}`);
  }

  private reachable(executor: string, site: DeviceSite | undefined, ctx: ClusterAgentContext): boolean {
    if (site === undefined) return true;
    if (this.failed.has(site.name)) return false;
    if (this.linkDown.has(`${executor}/${site.network}`)) return false;
    if (site.network !== RING) return true;
    return ctx.connected(executor, site.host ?? executor);
  }

  /** The command reached the device: the target goes off (or off the fabric), then the executor hears back. */
  private act(id: string, op: Op, ctx: ClusterAgentContext): void {
    const kind = this.sites.get(op.device)?.kind ?? 'power-other';
    if (isFabricKind(kind)) {
      this.storage = setFabricFenced(this.storage, op.target, true);
    } else if (kind !== 'none' && op.action !== 'on' && ctx.status(op.target) !== 'down') {
      ctx.powerOff(op.target, `fenced by ${op.executor} through ${op.device} (${op.action})`);
      if (op.action !== 'off') ctx.setTimer(later(ctx.now, this.spec.bootUs), `rhcs:boot:${id}`);
    } else if (kind !== 'none' && op.action !== 'on' && op.action !== 'off') {
      ctx.setTimer(later(ctx.now, this.spec.bootUs), `rhcs:boot:${id}`);
    }
    if (!this.nodes.has(op.executor) || ctx.status(op.executor) === 'down') {
      // The command left before its sender died: the device still acted. Say so, since no fenced will.
      ctx.emit({ kind: 'fence', target: op.target, by: op.executor, device: op.device, method: '', result: 'success', reason: `${op.executor} went down before it heard back` });
    }
    this.result(id, op, true, '', ctx);
  }

  private result(id: string, op: Op, ok: boolean, reason: string, ctx: ClusterAgentContext): void {
    const rt = this.nodes.get(op.executor);
    if (!ok || op.action === 'off' || op.action === 'on') this.ops.delete(id);
    if (rt === undefined || ctx.status(op.executor) === 'down') return;
    this.fencerOut(op.executor, stepHostedFencer(rt, op.executor, { kind: 'agent-result', opId: op.opId, ok, ...(reason ? { reason } : {}) }, ctx, 'rhcs'), ctx);
    this.updateDlm(ctx);
  }

  // ---- services and storage --------------------------------------------------------------

  private ownerOf(service: string): string | undefined {
    for (const [n, rt] of this.nodes) if (rt.running.has(service)) return n;
    return undefined;
  }

  private svcfail(service: string, rc: string | undefined, ctx: ClusterAgentContext): void {
    const owner = this.ownerOf(service);
    if (owner === undefined) return;
    for (const m of ctx.members(owner)) this.rgStep(m, { kind: 'svcfail', service, ...(rc !== undefined && /^\d+$/.test(rc) ? { rc: Number(rc) } : {}) }, ctx);
  }

  private admin(op: AdminOp, ctx: ClusterAgentContext): void {
    const at = this.ownerOf(op.service) ?? [...this.nodes.keys()].find((n) => ctx.status(n) === 'running' && ctx.quorum(n)?.quorate !== false);
    if (at === undefined) return;
    for (const m of ctx.members(at)) this.rgStep(m, { kind: 'admin', ...op }, ctx);
  }

  /** The victims of `node`'s fence domain: every member's fenced knows them. */
  private victimsOf(node: string, ctx: ClusterAgentContext): string[] {
    const all = [node, ...ctx.members(node)].flatMap((m) => {
      const f = this.nodes.get(m)?.fencer;
      return f === undefined ? [] : pendingVictims(f);
    });
    return [...new Set(all)].sort();
  }

  /**
   * DLM per node: frozen while its partition waits for a fence or has no quorum;
   * rgmanager waits with it (told when the victim list changes).
   */
  private updateDlm(ctx: ClusterAgentContext): void {
    for (const [node, rt] of this.nodes) {
      const waiting = this.victimsOf(node, ctx).filter((v) => v !== node);
      if (waiting.join(',') !== rt.rg.awaitingFence.join(',') && ctx.status(node) === 'running') {
        this.rgStep(node, { kind: 'victims', victims: waiting }, ctx);
      }
      const quorate = ctx.quorum(node)?.quorate ?? true;
      const reason = !quorate ? 'no quorum' : waiting.length > 0 ? `fencing ${[...new Set(waiting)].join(', ')} pending` : 'fencing complete';
      const step = setDlmFrozen(this.storage, node, !quorate || waiting.length > 0, reason);
      this.storage = step.state;
      this.storageEvents(step.events, ctx);
    }
  }

  /** DRBD's link is up when both replicas run and reach each other on the replication network. */
  private syncDrbdLinks(ctx: ClusterAgentContext): void {
    const net = this.spec.replicationNetwork;
    for (const d of this.spec.drbd) {
      const [a, b] = d.nodes;
      const alive = d.nodes.filter((n) => this.nodes.has(n) && ctx.status(n) !== 'down');
      const up = alive.length === 2 && !this.linkDown.has(`${a}/${net}`) && !this.linkDown.has(`${b}/${net}`);
      const step = setDrbdLink(this.storage, d.name, up, alive);
      this.storage = step.state;
      this.storageEvents(step.events, ctx);
    }
  }

  private ioTick(ctx: ClusterAgentContext): void {
    for (const [node, rt] of this.nodes) {
      if (ctx.status(node) !== 'running') continue;
      for (const service of [...rt.running].sort()) {
        const resource = this.spec.serviceStorage[service] ?? this.resourcesOf(node)[0];
        if (resource === undefined) continue;
        const step = write(this.storage, node, resource, ctx.now, service);
        this.storage = step.state;
        this.storageEvents(step.events, ctx);
      }
    }
    ctx.setTimer(later(ctx.now, this.spec.ioIntervalUs), 'rhcs:io');
  }

  private storageEvents(events: readonly StorageEvent[], ctx: ClusterAgentContext): void {
    for (const e of events) {
      switch (e.kind) {
        case 'write':
          this.blockedShown.delete(`${e.write.node}/${e.write.resource}`);
          ctx.emit({ kind: 'disk', writer: e.write.node, resource: e.write.resource, op: 'write', service: e.write.service ?? '', seq: e.write.seq });
          break;
        case 'write-blocked':
          if (this.blockedShown.has(`${e.node}/${e.resource}`)) break;
          this.blockedShown.add(`${e.node}/${e.resource}`);
          ctx.emit({ kind: 'disk', writer: e.node, resource: e.resource, op: 'blocked', reason: e.reason });
          break;
        case 'frozen': case 'thawed':
          ctx.emit({ kind: 'disk', writer: e.node, resource: 'dlm', op: e.kind, reason: e.reason });
          break;
        case 'fence-peer': this.fencePeer(e.node, e.peer, ctx); break;
        case 'split-brain':
          ctx.emit({ kind: 'disk', writer: e.proof.map((w) => w.node).join(','), resource: e.resource, op: 'split-brain', proof: e.proof.map((w) => ({ t: w.t / 1e6, node: w.node, service: w.service ?? '', seq: w.seq })) });
          break;
        default:
          ctx.emit({ kind: 'disk', writer: '', resource: e.resource, op: e.kind });
      }
    }
  }

  /** DRBD's fence-peer handler (rhcs_fence) runs fence_node PEER from this node. */
  private fencePeer(node: string, peer: string, ctx: ClusterAgentContext): void {
    const rt = this.nodes.get(node);
    if (rt === undefined) return;
    this.fencerOut(node, stepHostedFencer(rt, node, { kind: 'fence-request', target: peer }, ctx, 'rhcs'), ctx);
  }
}
