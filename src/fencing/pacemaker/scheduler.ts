/**
 * Pacemaker's scheduler (2.1.5) as one pure decision: configuration + status
 * + now → the transition (fences, the transition summary, the graph order).
 *
 * Theory of operation, in the order the real scheduler works:
 * 1. Node states (unpack): online, unclean (lost while expected up, or a
 *    failure whose on-fail is `fence`), standby, clean offline. Without
 *    fencing a lost node is simply offline and its resources count as stopped.
 * 2. Resource states: where each is active, which failure wants recovery, and
 *    what each failure implies (OCF exit-code class → ban one node or every
 *    node; on-fail → restart, stop, block, fence, standby, ignore), fail counts
 *    against migration-threshold with failure-timeout expiry.
 * 3. Assignment (see placement.ts): resources by priority then CIB order;
 *    location scores, stickiness on the current node, colocation; equal scores
 *    go to the node with the fewest resources assigned so far in this run
 *    (fence devices count), then the current node, then the name.
 * 4. Actions: fences (only with quorum, or no-quorum-policy=ignore), and per
 *    resource start / stop / move / recover, blocked when a stop cannot run
 *    (its node cannot be fenced) or a start lacks quorum (`requires`).
 *
 * Rules: pure — no clock, no I/O; the same input gives the same transition.
 * Where crm_simulate's behaviour was measured (test/fixtures/pacemaker-cases),
 * the measurement wins over the documentation.
 */
import { assignResources, type NodeView } from './placement.js';
import {
  INFINITY,
  type ActionDecision,
  type FenceDecision,
  type GraphOp,
  type OnFail,
  type PcmkConfig,
  type PcmkResource,
  type PcmkState,
  type RscHistory,
  type Transition,
} from './types.js';
import { failCountOf, failureClass, failureExpired } from './failures.js';

type FailedOp = NonNullable<RscHistory['failed']>;

export interface NodeInfo extends NodeView {
  readonly name: string;
  /** Fence wanted, with the reason crm_simulate prints. */
  readonly fenceReason?: string;
  readonly online: boolean;
}

/** What the scheduler concluded about one resource before assignment. */
export interface RscInfo {
  /** The name placement and the summary use: the resource id, or `ID:N` for a clone instance. */
  readonly id: string;
  readonly rsc: PcmkResource;
  /** Nodes where it is active, failed nodes first, then node order. */
  readonly active: readonly string[];
  readonly failed: boolean;
  readonly managed: boolean;
  /** Next role forced to Stopped (on-fail=stop, a fatal error, target-role). */
  readonly forceStop: boolean;
  /** Node → the failed operation that wants recovery there (on-fail not `ignore`). */
  readonly failures: ReadonlyMap<string, FailedOp>;
  /** Node → -INFINITY bans (migration-threshold, hard errors). */
  readonly bans: ReadonlySet<string>;
  readonly banAll: boolean;
}

/** Compute one transition. `nowS`: seconds (the same clock as the status section's times). */
export function schedule(config: PcmkConfig, state: PcmkState, nowS: number): Transition {
  const nodeOrder = sortNodes(config.nodes);
  const haveDevice = config.resources.some((r) => r.isStonith);
  const startupDisabled = config.options.stonithEnabled && !haveDevice;
  const nodes = new Map(nodeOrder.map((n) => [n, nodeInfo(config, state, n)]));
  const rscs = config.resources.flatMap((r) => cloneInstances(state, rscInfo(config, state, nodes, r, nowS, startupDisabled), nodeOrder));
  markFailureFences(config, rscs, nodes);
  const anyManaged = rscs.some((r) => r.managed);
  const canFence = config.options.stonithEnabled && haveDevice && anyManaged && (state.quorate || config.options.noQuorumPolicy === 'ignore');
  const fenced = canFence ? nodeOrder.filter((n) => nodes.get(n)?.fenceReason !== undefined) : [];
  const order = [...rscs].sort((a, b) => b.rsc.priority - a.rsc.priority);
  const placement = assignResources(config, order, nodes, nodeOrder);
  const ctx: ActionContext = { config, state, nodes, fenced: new Set(fenced), placement };
  const actions: ActionDecision[] = [];
  const graph: GraphOp[] = [];
  const fenceOrder = fenceExecutionOrder(fenced, config.dc);
  for (const f of fenceOrder) graph.push({ kind: 'fence', node: f });
  const starts: GraphOp[] = [];
  for (const info of order) resourceActions(ctx, info, actions, graph, starts);
  orderRestarts(ctx, order, actions, graph, starts);
  graph.push(...starts);
  const fence = fenceSummaryOrder(fenced, config.dc).map((n) => fenceDecision(config, state, rscs, nodes, n));
  return { fence, actions, fenceOrder, graph, placement: Object.fromEntries(placement) };
}

/** Pacemaker keeps nodes sorted by name, digits compared as numbers. */
export function sortNodes(nodes: readonly string[]): string[] {
  return [...nodes].sort(numericCompare);
}

function numericCompare(a: string, b: string): number {
  const re = /(\d+)|(\D+)/g;
  const pa = a.toLowerCase().match(re) ?? [];
  const pb = b.toLowerCase().match(re) ?? [];
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i] ?? '';
    const y = pb[i] ?? '';
    if (/^\d/.test(x) && /^\d/.test(y)) {
      if (Number(x) !== Number(y)) return Number(x) - Number(y);
    } else if (x !== y) return x < y ? -1 : 1;
  }
  return pa.length - pb.length;
}

/** Fences run one at a time (concurrent-fencing is false in 2.1.5) in node order, the DC last. */
function fenceExecutionOrder(fenced: readonly string[], dc: string | undefined): string[] {
  return [...fenced.filter((n) => n !== dc), ...fenced.filter((n) => n === dc)];
}

/** The summary lists them as the graph does: the others in reverse node order, the DC last. */
function fenceSummaryOrder(fenced: readonly string[], dc: string | undefined): string[] {
  return [...fenced.filter((n) => n !== dc).reverse(), ...fenced.filter((n) => n === dc)];
}

function nodeInfo(config: PcmkConfig, state: PcmkState, name: string): NodeInfo {
  const s = state.nodes[name];
  const fencing = config.options.stonithEnabled;
  if (!s) {
    // Never seen: with startup-fencing (the default) it is unclean until fenced.
    return fencing ? { name, online: false, available: false, fenceReason: 'node is unclean' } : { name, online: false, available: false };
  }
  if (s.inCcm && s.crmdOnline) return { name, online: true, available: !s.standby };
  if (s.expectedUp && fencing) return { name, online: false, available: false, fenceReason: 'peer is no longer part of the cluster' };
  return { name, online: false, available: false };
}

/** Whether the history on `node` counts: a clean offline node's history is ignored. */
function historyCounts(nodes: ReadonlyMap<string, NodeInfo>, node: string): boolean {
  const n = nodes.get(node);
  return n !== undefined && (n.online || n.fenceReason !== undefined);
}

function onFailOf(config: PcmkConfig, rsc: PcmkResource, task: string, intervalMs: number): OnFail {
  const op = rsc.ops.find((o) => o.name === task && o.intervalMs === intervalMs);
  if (op?.onFail) {
    if (op.onFail === 'fence' && !config.options.stonithEnabled) return 'block';
    return op.onFail;
  }
  if (task === 'stop') return config.options.stonithEnabled ? 'fence' : 'block';
  return 'restart';
}

function rscInfo(config: PcmkConfig, state: PcmkState, nodes: Map<string, NodeInfo>, rsc: PcmkResource, nowS: number, startupDisabled: boolean): RscInfo {
  const active: string[] = [];
  const failures = new Map<string, FailedOp>();
  const bans = new Set<string>();
  let banAll = false;
  let forceStop = rsc.targetRole === 'Stopped' || config.options.stopAllResources;
  let managed = rsc.isManaged && !config.options.maintenanceMode && !startupDisabled;
  for (const node of nodes.keys()) {
    const h: RscHistory | undefined = state.history[node]?.[rsc.id];
    if (!h || !historyCounts(nodes, node)) continue;
    const expired = failureExpired(rsc, state.attrs[node] ?? {}, nowS);
    const last = expired ? undefined : h.lastFailure;
    if (last && last.task !== 'stop') {
      const cls = failureClass(last.rc, last.task, last.intervalMs);
      if (cls === 'hard') bans.add(node);
      if (cls === 'fatal') banAll = true;
      // on-fail=stop keeps the resource stopped for as long as the failure is remembered.
      if (onFailOf(config, rsc, last.task, last.intervalMs) === 'stop') forceStop = true;
    }
    if (h.active) active.push(node);
    const failed = h.failed;
    if (!failed || !h.active || (expired && failed.task !== 'stop')) continue;
    const onFail = onFailOf(config, rsc, failed.task, failed.intervalMs);
    if (onFail === 'ignore') continue;
    failures.set(node, failed);
    if (onFail === 'block') managed = false;
    else if (onFail === 'stop') forceStop = true;
    if (failureClass(failed.rc, failed.task, failed.intervalMs) === 'fatal') forceStop = true;
  }
  for (const node of nodes.keys()) {
    if (!historyCounts(nodes, node)) continue;
    const count = failCountOf(rsc, state.attrs[node] ?? {}, nowS);
    if (rsc.migrationThreshold > 0 && count >= rsc.migrationThreshold) bans.add(node);
  }
  // Active nodes stay in node order: the first is the one crm_simulate's summary names.
  return { id: rsc.id, rsc, active, failed: failures.size > 0, failures, managed, forceStop: forceStop || banAll, bans, banAll };
}

/**
 * An anonymous clone's instances: the active ones numbered in status order
 * (`ID:0` on the first node whose history shows it active, …), then the idle
 * ones up to clone-max. Each instance is a resource of its own from here on.
 */
function cloneInstances(state: PcmkState, info: RscInfo, nodeOrder: readonly string[]): RscInfo[] {
  const clone = info.rsc.clone;
  if (!clone) return [info];
  const statusOrder = [...Object.keys(state.nodes), ...nodeOrder.filter((n) => !(n in state.nodes))];
  const active = statusOrder.filter((n) => info.active.includes(n));
  const out: RscInfo[] = active.map((node, i) => {
    const f = info.failures.get(node);
    return { ...info, id: `${info.rsc.id}:${i}`, active: [node], failures: f ? new Map([[node, f]]) : new Map(), failed: f !== undefined };
  });
  for (let i = active.length; i < Math.max(clone.max, active.length); i++) out.push({ ...info, id: `${info.rsc.id}:${i}`, active: [], failures: new Map(), failed: false });
  return out;
}

/** on-fail=fence (the default for a failed stop) makes the node unclean; on-fail=standby puts it in standby. */
function markFailureFences(config: PcmkConfig, rscs: readonly RscInfo[], nodes: Map<string, NodeInfo>): void {
  for (const info of rscs) {
    for (const node of info.active) {
      const n = nodes.get(node);
      if (!n) continue;
      const failed = info.failures.get(node);
      if (!failed) continue;
      const onFail = onFailOf(config, info.rsc, failed.task, failed.intervalMs);
      if (onFail === 'fence' && n.fenceReason === undefined) {
        nodes.set(node, { ...n, available: false, fenceReason: `${info.id} failed there` });
      } else if (onFail === 'standby') {
        nodes.set(node, { ...n, available: false });
      }
    }
  }
}

interface ActionContext {
  readonly config: PcmkConfig;
  readonly state: PcmkState;
  readonly nodes: ReadonlyMap<string, NodeInfo>;
  readonly fenced: ReadonlySet<string>;
  readonly placement: ReadonlyMap<string, string | null>;
}

/** Can the stop of a resource on `node` run? On a lost node only through its fence. */
function stopRunnable(ctx: ActionContext, node: string): boolean {
  const n = ctx.nodes.get(node);
  if (!n) return false;
  if (n.fenceReason !== undefined) return ctx.fenced.has(node);
  return n.online;
}

/** Why a start cannot run, or undefined when it can. */
function startBlockedBy(ctx: ActionContext, info: RscInfo): string | undefined {
  const { options } = ctx.config;
  if (info.rsc.requires === 'nothing' || ctx.state.quorate || options.noQuorumPolicy === 'ignore') return undefined;
  if (options.noQuorumPolicy === 'freeze') return info.active.length > 0 ? undefined : 'quorum freeze';
  return 'no quorum';
}

function resourceActions(ctx: ActionContext, info: RscInfo, out: ActionDecision[], graph: GraphOp[], starts: GraphOp[]): void {
  if (!info.managed) return;
  const id = info.id;
  const next = info.forceStop ? null : (ctx.placement.get(id) ?? null);
  const cur = info.active;
  const quorumBlock = startBlockedBy(ctx, info);
  const stopsOk = cur.every((n) => stopRunnable(ctx, n));
  const afterFences = info.rsc.requires === 'fencing' || info.rsc.requires === 'unfencing' ? [...ctx.fenced] : [];
  if (cur.length === 0) {
    if (next === null) return;
    if (quorumBlock) out.push({ action: 'start', resource: id, node: next, blocked: true, reason: quorumBlock });
    else {
      out.push({ action: 'start', resource: id, node: next });
      starts.push({ kind: 'start', rsc: info.rsc.id, node: next, afterFences });
    }
    return;
  }
  const first = cur[0] ?? '';
  const stayingPut = next === first;
  if (stayingPut && cur.length > 1 && !info.failed && !quorumBlock && stopsOk) {
    // Active on several nodes (multiple-active=stop_start): stop everywhere, start again on the first.
    out.push({ action: 'restart', resource: id, source: first });
    for (const n of cur) if (!ctx.fenced.has(n)) graph.push({ kind: 'stop', rsc: info.rsc.id, node: n });
    starts.push({ kind: 'start', rsc: info.rsc.id, node: next, afterFences });
    return;
  }
  if (stayingPut && cur.length === 1 && !info.failed) {
    if (quorumBlock === 'no quorum') pushStops(ctx, info, out, graph, quorumBlock);
    return;
  }
  if (next === null) {
    pushStops(ctx, info, out, graph, info.rsc.targetRole === 'Stopped' ? undefined : 'node availability');
    return;
  }
  if (quorumBlock || !stopsOk) {
    pushStops(ctx, info, out, graph, quorumBlock);
    return;
  }
  const kind = info.failed ? 'recover' : 'move';
  out.push(stayingPut ? { action: kind, resource: id, node: first } : { action: kind, resource: id, source: first, dest: next });
  for (const n of cur) if (!ctx.fenced.has(n)) graph.push({ kind: 'stop', rsc: info.rsc.id, node: n });
  starts.push({ kind: 'start', rsc: info.rsc.id, node: next, afterFences });
}

function pushStops(ctx: ActionContext, info: RscInfo, out: ActionDecision[], graph: GraphOp[], reason: string | undefined): void {
  for (const n of info.active) {
    const ok = stopRunnable(ctx, n);
    out.push({ action: 'stop', resource: info.id, node: n, ...(ok ? {} : { blocked: true }), ...(reason ? { reason } : {}) });
    if (ok && !ctx.fenced.has(n)) graph.push({ kind: 'stop', rsc: info.rsc.id, node: n });
  }
}

/**
 * Mandatory orders: when `first` stops and starts again (recover, restart,
 * move), a `then` resource that stays where it is must stop before it and
 * start after it — a Restart, shown where the resource stands in the list.
 * With a clone as `first`, only an instance on the same node counts.
 */
function orderRestarts(ctx: ActionContext, order: readonly RscInfo[], actions: ActionDecision[], graph: GraphOp[], starts: GraphOp[]): void {
  const orders = ctx.config.orders ?? [];
  if (!orders.length) return;
  const disrupted = new Map<string, string[]>();
  const mark = (id: string, node: string) => disrupted.set(id, [...(disrupted.get(id) ?? []), node]);
  for (const a of actions) {
    if (a.blocked || (a.action !== 'recover' && a.action !== 'restart' && a.action !== 'move')) continue;
    const info = order.find((i) => i.id === a.resource);
    for (const n of info?.active ?? []) {
      mark(a.resource, n);
      if (info?.rsc.clone) mark(info.rsc.clone.id, n);
    }
  }
  for (const info of order) {
    if (!info.managed || info.active.length !== 1 || actions.some((a) => a.resource === info.id)) continue;
    const node = info.active[0] ?? '';
    if (ctx.placement.get(info.id) !== node) continue;
    const cause = orders.find((o) => o.then === info.id && disrupted.get(o.first)?.includes(node));
    if (!cause) continue;
    const isClone = order.some((i) => i.rsc.clone?.id === cause.first);
    const at = actions.findIndex((a) => (order.findIndex((i) => i.id === a.resource)) > order.indexOf(info));
    const restart: ActionDecision = { action: 'restart', resource: info.id, source: node, reason: `required ${cause.first} ${isClone ? 'running' : 'start'}` };
    actions.splice(at < 0 ? actions.length : at, 0, restart);
    mark(info.id, node);
    graph.push({ kind: 'stop', rsc: info.rsc.id, node });
    starts.push({ kind: 'start', rsc: info.rsc.id, node, afterFences: [] });
  }
}

/** priority-fencing-delay: only for the node holding the most resource priority, and only in a split (no majority online). */
function fenceDecision(config: PcmkConfig, state: PcmkState, rscs: readonly RscInfo[], nodes: ReadonlyMap<string, NodeInfo>, node: string): FenceDecision {
  const base = { node, action: config.options.stonithAction, reason: nodes.get(node)?.fenceReason ?? 'node is unclean' };
  const delay = config.options.priorityFencingDelayS;
  if (delay <= 0) return base;
  const priorityOf = (n: string) => rscs.reduce((sum, r) => sum + (r.active.includes(n) ? r.rsc.priority : 0), 0);
  const all = [...nodes.keys()];
  const online = all.filter((n) => nodes.get(n)?.online).length;
  const ps = all.map(priorityOf);
  const top = Math.max(...ps);
  const low = Math.min(...ps);
  const mine = priorityOf(node);
  const applies = !nodes.get(node)?.online && online <= all.length / 2 && top !== low && mine >= top;
  void state;
  return { ...base, delayS: applies ? delay : 0 };
}

export { INFINITY };
