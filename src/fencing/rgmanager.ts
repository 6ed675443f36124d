/**
 * Service recovery as rgmanager does it: one instance per node, each holding the
 * cluster's service table as that node believes it. Every member of a partition gets
 * the same inputs in the same order and runs the same deterministic rules, so their
 * tables agree (rgmanager shares the table through DLM lock value blocks; a node
 * that joins is handed the table its partition holds).
 *
 * Rules (restated in our words from rgmanager 3.1.8: fo_domain.c, groups.c,
 * rg_state.c, restart_counter.c, main.c, and rgmanager.8; research/fencing.md §5.1):
 * - Placement scores a node ILLEGAL < GOOD < BETTER < BEST (`node_should_start`): a
 *   service without a domain may run anywhere (BEST); a restricted domain never
 *   leaves its members; an ordered domain makes its best online member(s) BEST and
 *   the other members BETTER; nofailback keeps a running owner at BEST.
 * - A service is started where the node scores BEST (several BEST nodes race for the
 *   lock; we let the lowest node id win, deterministically). autostart=0 services are
 *   put in `disabled` at the first evaluation after quorum forms. Exclusive services
 *   only start on a node running nothing, and nothing starts beside them; a running
 *   service is never evicted (unlike Pacemaker's −INFINITY colocations, §11.12).
 * - A member that fails leaves its services where they were until the fence
 *   completes: rgmanager takes its state locks through the DLM, which blocks until
 *   fenced reports success. Then they are marked stopped and placed again. A member
 *   that leaves cleanly has stopped its services first, so they move at once.
 * - A failed status check follows `recovery`: restart in place until max_restarts
 *   restarts happened within restart_expire_time (a sliding window), then relocate;
 *   `relocate` moves at once; `disable` disables. Relocation picks the best-scoring
 *   other member (ties to the higher node id, cman's list order), else restarts on
 *   the owner. A node that joins with a strictly better score takes its services
 *   back (failback; live migration for VMs) unless the domain says nofailback.
 * - Quorum lost: every service on this node is stopped at once (emergency stop) and
 *   autostart is applied again when quorum returns.
 * - clusvcadm: -r relocates (to -m NODE if it is online and legal), -d disables (the
 *   only thing allowed on a `failed` service), -e enables (on NODE if it scores at
 *   least GOOD, else where the domain says).
 */
import type { Engine, Step } from '../core/engine.js';
import type { DurationUs, Instant } from '../core/time.js';

export type RecoveryPolicy = 'restart' | 'relocate' | 'disable' | 'restart-disable';

export interface RgDomain {
  readonly name: string;
  readonly ordered: boolean;
  readonly restricted: boolean;
  readonly nofailback: boolean;
  /** priority 1..100, 1 most preferred; 0 = unprioritised. */
  readonly members: readonly { readonly node: string; readonly priority: number }[];
}

export interface RgService {
  /** As clustat names it: `vm:guest1`, `service:web`. */
  readonly name: string;
  readonly domain?: string;
  readonly autostart: boolean;
  readonly exclusive: boolean;
  readonly recovery: RecoveryPolicy;
  readonly maxRestarts: number;
  /** 0 = restarts are never forgotten. */
  readonly restartExpireUs: DurationUs;
  /** `depend="service:x"`: only started while that one runs. */
  readonly depend?: string;
  readonly isVm: boolean;
}

export interface RgConfig {
  readonly self: string;
  readonly nodes: readonly { readonly name: string; readonly nodeid: number }[];
  readonly domains: readonly RgDomain[];
  readonly services: readonly RgService[];
}

export type ServiceStateName = 'stopped' | 'started' | 'recovering' | 'failed' | 'disabled';

export interface ServiceEntry {
  readonly state: ServiceStateName;
  readonly owner?: string;
  readonly lastOwner?: string;
  readonly restarts: readonly Instant[];
}

export type ServiceTable = Readonly<Record<string, ServiceEntry>>;

export interface RgState {
  readonly config: RgConfig;
  readonly members: readonly string[];
  readonly quorate: boolean;
  readonly table: ServiceTable;
  /** Members lost uncleanly and not fenced yet: the DLM (and so rgmanager) waits for them. */
  readonly awaitingFence: readonly string[];
  /** False until the first evaluation after quorum formed (autostart applies then). */
  readonly evaluated: boolean;
  /** Members reported fenced while still members: when they drop out there is nothing to wait for. */
  readonly fencedMembers: readonly string[];
  /** The members at the last evaluation with quorum: a node is a joiner until evaluated with it. */
  readonly evalMembers: readonly string[];
}

export type AdminOp =
  | { readonly op: 'relocate'; readonly service: string; readonly node?: string }
  | { readonly op: 'disable'; readonly service: string }
  | { readonly op: 'enable'; readonly service: string; readonly node?: string };

export type RgInput =
  | {
      readonly kind: 'membership';
      readonly members: readonly string[];
      readonly quorate: boolean;
      readonly cleanLeft?: readonly string[];
      /** The table the partition already holds, handed to a node that joins it. */
      readonly table?: ServiceTable;
      /** The fence domain's victims (from fenced): while any is unfenced the DLM, so rgmanager, waits. */
      readonly victims?: readonly string[];
    }
  | { readonly kind: 'victims'; readonly victims: readonly string[] }
  | { readonly kind: 'fenced'; readonly target: string }
  | { readonly kind: 'svcfail'; readonly service: string; readonly rc?: number }
  | ({ readonly kind: 'admin' } & AdminOp);

export type RgOutput =
  | { readonly kind: 'service'; readonly service: string; readonly node?: string; readonly state: ServiceStateName | 'migrating'; readonly reason: string }
  /** Effects on this node: start or stop the service's resources. */
  | { readonly kind: 'start'; readonly service: string; readonly node: string }
  | { readonly kind: 'stop'; readonly service: string; readonly node: string };

type RStep = Step<RgState, RgOutput>;

export const rgmanager: Engine<RgConfig, RgState, RgInput, RgOutput> = {
  name: 'rgmanager',
  init: (config) => ({ state: { config, members: [], quorate: false, table: emptyTable(config), awaitingFence: [], evaluated: false, fencedMembers: [], evalMembers: [] }, outputs: [] }),
  step: stepRg,
  nextDeadline: () => undefined,
};

function emptyTable(config: RgConfig): ServiceTable {
  return Object.fromEntries(config.services.map((s) => [s.name, { state: 'stopped', restarts: [] } satisfies ServiceEntry]));
}

function stepRg(state: RgState, input: RgInput | { readonly kind: 'timeout' }, now: Instant): RStep {
  const ctx = new Ctx(state);
  switch (input.kind) {
    case 'membership': onMembership(ctx, input); break;
    case 'fenced': onFenced(ctx, input.target); break;
    case 'victims': onVictims(ctx, input.victims); break;
    case 'svcfail': onSvcfail(ctx, input.service, now); break;
    case 'admin': onAdmin(ctx, input); break;
    case 'timeout': break;
  }
  return ctx.result();
}

/** Accumulates the new table and the outputs of one step. */
class Ctx {
  table: Record<string, ServiceEntry>;
  outputs: RgOutput[] = [];
  constructor(public state: RgState) {
    this.table = { ...state.table };
  }
  get config(): RgConfig { return this.state.config; }
  result(): RStep { return { state: { ...this.state, table: this.table }, outputs: this.outputs }; }
  /** The member that reports owner-less changes, so a partition reports them once. */
  get reporter(): string | undefined { return sortByNodeid(this.config, this.state.members)[0]; }
  set(service: string, entry: ServiceEntry, reason: string, stateName?: ServiceStateName | 'migrating'): void {
    const prev = this.table[service];
    this.table[service] = entry;
    const self = this.config.self;
    if (prev?.owner === self && entry.owner !== self && (prev.state === 'started' || prev.state === 'recovering')) {
      this.outputs.push({ kind: 'stop', service, node: self });
    }
    if (entry.owner === self && entry.state === 'started' && !(prev?.owner === self && prev.state === 'started')) {
      this.outputs.push({ kind: 'start', service, node: self });
    }
    const node = entry.owner ?? prev?.owner;
    const mine = node === self || ((node === undefined || !this.state.members.includes(node)) && this.reporter === self);
    if (mine) this.outputs.push({ kind: 'service', service, ...(node !== undefined ? { node } : {}), state: stateName ?? entry.state, reason });
  }
}

function sortByNodeid(c: RgConfig, names: readonly string[]): string[] {
  const id = (n: string): number => c.nodes.find((x) => x.name === n)?.nodeid ?? Number.MAX_SAFE_INTEGER;
  return [...names].sort((a, b) => id(a) - id(b));
}

function onMembership(ctx: Ctx, input: Extract<RgInput, { kind: 'membership' }>): void {
  const prev = ctx.state;
  const members = sortByNodeid(ctx.config, input.members);
  const clean = new Set(input.cleanLeft ?? []);
  const lost = prev.members.filter((m) => !members.includes(m) && !clean.has(m) && !prev.fencedMembers.includes(m));
  ctx.state = { ...prev, members, quorate: input.quorate, fencedMembers: prev.fencedMembers.filter((m) => members.includes(m)) };
  if (input.table !== undefined && input.table !== prev.table) adopt(ctx, input.table);
  if (!input.quorate) return quorumLost(ctx, prev.quorate);
  const awaiting = input.victims !== undefined
    ? input.victims.filter((n) => n !== ctx.config.self)
    : [...prev.awaitingFence.filter((n) => !members.includes(n)), ...lost.filter((n) => n !== ctx.config.self)];
  ctx.state = { ...ctx.state, awaitingFence: [...new Set(awaiting)] };
  for (const [name, e] of Object.entries(ctx.table)) {
    if (e.owner !== undefined && clean.has(e.owner) && e.state === 'started') {
      ctx.set(name, { state: 'stopped', lastOwner: e.owner, restarts: [] }, `owner ${e.owner} left the cluster cleanly`);
    }
  }
  if (ctx.state.awaitingFence.length > 0) return;
  evaluate(ctx);
}

/** A node joining a partition takes the table it holds; what that table already placed here starts here. */
function adopt(ctx: Ctx, table: ServiceTable): void {
  ctx.table = { ...table };
  for (const [name, e] of Object.entries(table)) {
    if (e.owner === ctx.config.self && e.state === 'started') {
      ctx.outputs.push({ kind: 'start', service: name, node: ctx.config.self }, { kind: 'service', service: name, node: ctx.config.self, state: 'started', reason: 'placed here by the partition' });
    }
  }
}

/** "Quorum Dissolved": stop what runs here; disabled services wait for autostart again. */
function quorumLost(ctx: Ctx, wasQuorate: boolean): void {
  ctx.state = { ...ctx.state, evaluated: false, awaitingFence: [], evalMembers: [] };
  if (!wasQuorate) return;
  for (const [name, e] of Object.entries(ctx.table)) {
    if (e.owner === ctx.config.self && (e.state === 'started' || e.state === 'recovering')) {
      ctx.set(name, { state: 'stopped', lastOwner: e.owner, restarts: [] }, 'quorum lost: emergency stop');
    } else if (e.state === 'disabled') {
      ctx.table[name] = { ...e, state: 'stopped' };
    }
  }
}

function onFenced(ctx: Ctx, target: string): void {
  if (ctx.state.members.includes(target)) {
    ctx.state = { ...ctx.state, fencedMembers: [...new Set([...ctx.state.fencedMembers, target])] };
    return;
  }
  if (!ctx.state.awaitingFence.includes(target)) return;
  ctx.state = { ...ctx.state, awaitingFence: ctx.state.awaitingFence.filter((n) => n !== target) };
  if (ctx.state.awaitingFence.length === 0 && ctx.state.quorate) evaluate(ctx);
}

/** The fence domain's victim list changed (a victim joined, or was fenced elsewhere). */
function onVictims(ctx: Ctx, victims: readonly string[]): void {
  const awaitingFence = victims.filter((n) => n !== ctx.config.self);
  ctx.state = { ...ctx.state, awaitingFence };
  if (awaitingFence.length === 0 && ctx.state.quorate) evaluate(ctx);
}

/** eval_groups: free the services of departed owners, place stopped ones, fail back to joiners. */
function evaluate(ctx: Ctx): void {
  const joined = ctx.state.members.filter((m) => !ctx.state.evalMembers.includes(m));
  const first = !ctx.state.evaluated;
  ctx.state = { ...ctx.state, evaluated: true, evalMembers: ctx.state.members };
  for (const svc of ctx.config.services) {
    const e = ctx.table[svc.name];
    if (e?.owner !== undefined && !ctx.state.members.includes(e.owner) && (e.state === 'started' || e.state === 'recovering')) {
      ctx.set(svc.name, { state: 'stopped', lastOwner: e.owner, restarts: [] }, `owner ${e.owner} fenced`);
    }
  }
  for (const svc of ctx.config.services) considerStart(ctx, svc, first);
  for (const node of joined) for (const svc of ctx.config.services) considerFailback(ctx, svc, node);
}

function considerStart(ctx: Ctx, svc: RgService, first: boolean): void {
  const e = ctx.table[svc.name] ?? { state: 'stopped', restarts: [] };
  if (e.state !== 'stopped') return;
  if (first && !svc.autostart) {
    ctx.set(svc.name, { ...e, state: 'disabled', owner: undefined }, 'autostart=0');
    return;
  }
  const target = startTarget(ctx, svc);
  if (target === undefined) {
    const dom = domainOf(ctx.config, svc);
    if (dom?.restricted === true && !dom.members.some((m) => ctx.state.members.includes(m.node)) && e.lastOwner !== undefined) {
      ctx.set(svc.name, { ...e, owner: undefined }, 'restricted domain unavailable');
    }
    return;
  }
  ctx.set(svc.name, { state: 'started', owner: target, lastOwner: e.lastOwner, restarts: e.restarts }, first ? 'autostart' : 'failover domain');
}

/** The lowest-id member scoring BEST that exclusivity and dependencies allow. */
function startTarget(ctx: Ctx, svc: RgService): string | undefined {
  if (svc.depend !== undefined && ctx.table[svc.depend]?.state !== 'started') return undefined;
  return ctx.state.members.find((n) => nodeScore(ctx, svc, n) === Score.BEST && exclusiveAllows(ctx, svc, n));
}

function considerFailback(ctx: Ctx, svc: RgService, joiner: string): void {
  const e = ctx.table[svc.name];
  if (e?.state !== 'started' || e.owner === undefined || e.owner === joiner) return;
  if (nodeScore(ctx, svc, joiner) <= nodeScore(ctx, svc, e.owner) || !exclusiveAllows(ctx, svc, joiner)) return;
  moveTo(ctx, svc, e, joiner, `failback to ${joiner}`, true);
}

/** Failback live-migrates a VM (vm.sh migrate); a relocation stops it here and starts it there. */
function moveTo(ctx: Ctx, svc: RgService, e: ServiceEntry, target: string, reason: string, migrate = false): void {
  const live = migrate && svc.isVm;
  if (e.owner !== undefined && live) {
    ctx.set(svc.name, { ...e, state: 'started' }, `${reason} (live migration)`, 'migrating');
  } else if (e.owner !== undefined) {
    ctx.set(svc.name, { state: 'stopped', lastOwner: e.owner, restarts: e.restarts }, reason);
  }
  ctx.set(svc.name, { state: 'started', owner: target, lastOwner: e.owner, restarts: [] }, reason);
  if (e.owner !== undefined && live && e.owner === ctx.config.self) {
    ctx.outputs.push({ kind: 'service', service: svc.name, node: e.owner, state: 'stopped', reason: `migrated to ${target}` });
  }
}

export const Score = { ILLEGAL: 0, GOOD: 1, BETTER: 2, BEST: 3 } as const;

function domainOf(c: RgConfig, svc: RgService): RgDomain | undefined {
  return svc.domain === undefined ? undefined : c.domains.find((d) => d.name === svc.domain);
}

/** fo_domain.c `node_should_start`, restated. */
function nodeScore(ctx: Ctx, svc: RgService, node: string): number {
  if (!ctx.state.members.includes(node)) return Score.ILLEGAL;
  const dom = domainOf(ctx.config, svc);
  if (dom === undefined) return Score.BEST;
  const online = dom.members.filter((m) => ctx.state.members.includes(m.node));
  if (online.length === 0) return dom.restricted ? Score.ILLEGAL : Score.BEST;
  const me = dom.members.find((m) => m.node === node);
  if (me === undefined) return dom.restricted ? Score.ILLEGAL : Score.GOOD;
  const prio = (p: number): number => (dom.ordered ? p : 0);
  const top = prio(me.priority) <= Math.min(...online.map((m) => prio(m.priority)));
  const e = ctx.table[svc.name];
  const runningHere = e?.state === 'started' && e.owner === node;
  const ownerOnline = e?.owner !== undefined && ctx.state.members.includes(e.owner);
  if (!top) {
    if (dom.ordered && dom.nofailback && runningHere) return Score.BEST;
    return dom.ordered ? Score.BETTER : Score.BEST;
  }
  if (dom.nofailback && e?.state === 'started' && e.owner !== node && ownerOnline) return Score.BETTER;
  return Score.BEST;
}

function servicesOn(ctx: Ctx, node: string): RgService[] {
  return ctx.config.services.filter((s) => ctx.table[s.name]?.owner === node && ctx.table[s.name]?.state === 'started');
}

function exclusiveAllows(ctx: Ctx, svc: RgService, node: string): boolean {
  const running = servicesOn(ctx, node).filter((s) => s.name !== svc.name);
  if (svc.exclusive) return running.length === 0;
  return !running.some((s) => s.exclusive);
}

/** groups.c `best_target_node`: highest score, ties to the later (higher id) member; else the owner. */
function bestTarget(ctx: Ctx, svc: RgService, exclude: string | undefined): string | undefined {
  let best: string | undefined;
  let bestScore: number = Score.ILLEGAL;
  for (const n of ctx.state.members) {
    if (n === exclude) continue;
    let score = nodeScore(ctx, svc, n);
    if (score === Score.ILLEGAL || !exclusiveAllows(ctx, svc, n)) continue;
    if (svc.exclusive) score += 2;
    if (score >= bestScore) { best = n; bestScore = score; }
  }
  return best;
}

function onSvcfail(ctx: Ctx, name: string, now: Instant): void {
  const svc = ctx.config.services.find((s) => s.name === name);
  const e = ctx.table[name];
  if (svc === undefined || e?.state !== 'started' || e.owner === undefined || !ctx.state.quorate) return;
  if (svc.recovery === 'disable') {
    ctx.set(name, { state: 'disabled', lastOwner: e.owner, restarts: [] }, 'status check failed; recovery=disable');
    return;
  }
  if (svc.recovery === 'relocate') return relocate(ctx, svc, e, undefined, 'status check failed; recovery=relocate');
  const recent = svc.restartExpireUs > 0 ? e.restarts.filter((t) => now - t < svc.restartExpireUs) : [...e.restarts];
  if (svc.maxRestarts > 0 && recent.length >= svc.maxRestarts) {
    if (svc.recovery === 'restart-disable') {
      ctx.set(name, { state: 'disabled', lastOwner: e.owner, restarts: [] }, 'restart threshold exceeded; disabling');
      return;
    }
    return relocate(ctx, svc, { ...e, restarts: [] }, undefined, 'restart threshold exceeded; relocating');
  }
  ctx.set(name, { ...e, state: 'recovering', restarts: [...recent, now] }, 'status check failed; restarting in place');
  ctx.set(name, { ...e, state: 'started', restarts: [...recent, now] }, `restarted (${recent.length + 1} of ${svc.maxRestarts > 0 ? svc.maxRestarts : 'unlimited'})`);
}

function relocate(ctx: Ctx, svc: RgService, e: ServiceEntry, preferred: string | undefined, reason: string): void {
  const owner = e.owner;
  const legal = (n: string): boolean => n !== owner && nodeScore(ctx, svc, n) !== Score.ILLEGAL && exclusiveAllows(ctx, svc, n);
  const target = preferred !== undefined && ctx.state.members.includes(preferred) && legal(preferred) ? preferred : bestTarget(ctx, svc, owner);
  if (target === undefined || target === owner) {
    if (owner === undefined) return;
    ctx.set(svc.name, { ...e, state: 'started' }, `${reason}: no other node can take it; restarted on ${owner}`);
    return;
  }
  if (owner === undefined) {
    ctx.set(svc.name, { state: 'started', owner: target, lastOwner: e.lastOwner, restarts: [] }, reason);
    return;
  }
  moveTo(ctx, svc, e, target, reason);
}

function onAdmin(ctx: Ctx, input: AdminOp): void {
  const svc = ctx.config.services.find((s) => s.name === input.service);
  const e = ctx.table[input.service];
  if (svc === undefined || e === undefined || !ctx.state.quorate) return;
  switch (input.op) {
    case 'disable':
      ctx.set(svc.name, { state: 'disabled', lastOwner: e.owner ?? e.lastOwner, restarts: [] }, 'clusvcadm -d');
      return;
    case 'relocate':
      if (e.state === 'started') return relocate(ctx, svc, e, input.node, `clusvcadm -r${input.node !== undefined ? ` -m ${input.node}` : ''}`);
      if (e.state === 'stopped' || e.state === 'disabled') return enable(ctx, svc, e, input.node, 'clusvcadm -r');
      return;
    case 'enable':
      if (e.state === 'failed') {
        ctx.set(svc.name, e, 'clusvcadm -e refused: a failed service must be disabled first');
        return;
      }
      if (e.state === 'stopped' || e.state === 'disabled') enable(ctx, svc, e, input.node, 'clusvcadm -e');
  }
}

function enable(ctx: Ctx, svc: RgService, e: ServiceEntry, node: string | undefined, reason: string): void {
  const onNode = node !== undefined && nodeScore(ctx, svc, node) >= Score.GOOD && exclusiveAllows(ctx, svc, node) ? node : undefined;
  const target = onNode ?? startTarget(ctx, svc) ?? bestTarget(ctx, svc, undefined);
  if (target === undefined) {
    ctx.set(svc.name, { ...e, state: 'stopped', owner: undefined }, `${reason}: no legal node online`);
    return;
  }
  ctx.set(svc.name, { state: 'started', owner: target, lastOwner: e.lastOwner, restarts: [] }, reason);
}

/** Where each service runs according to this node's table. */
export function placements(state: RgState): Readonly<Record<string, string | undefined>> {
  return Object.fromEntries(Object.entries(state.table).map(([k, v]) => [k, v.state === 'started' ? v.owner : undefined]));
}
