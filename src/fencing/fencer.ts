/**
 * The fencing engine: one instance per node, as fenced (cman) or pacemaker-fenced
 * runs on every node. It learns its partition's membership and quorum, keeps the
 * list of victims (nodes that left the membership without saying goodbye, nodes never
 * seen at start-up, nodes an operator or a failed stop asked to fence), and — on the
 * one node of the partition that fences — runs the victim's fence levels in order.
 *
 * Theory of operation (facts restated in our words; sources named in
 * research/fencing.md §4 and read in the RHCS 3.1.8 and Pacemaker trees):
 * - Who fences. fenced: the fence domain's master, the member with the lowest node id
 *   (fence/fenced/cpg.c `set_master`), and only while the partition is quorate.
 *   Pacemaker: the DC of the partition (modelled as the lowest node id; the real
 *   election is not id-based), only with fencing enabled, with quorum (or
 *   no-quorum-policy=ignore) and with at least one resource to manage (fence devices
 *   count, research §11.10). Both flavours fence one victim at a time (fenced's
 *   victim loop; Pacemaker 2.1.5 has concurrent-fencing=false) and the DC comes last.
 * - Levels. A cman `<method>` or a Pacemaker `fencing-level` is tried in order; within
 *   one, every device must succeed (the first failure ends the level); a level that
 *   succeeds fences the node. When every level failed, fenced sleeps override_time
 *   (3 s) and tries again, forever; Pacemaker retries up to fencing-max-attempts (10)
 *   and then waits for cluster-recheck-interval (15 min).
 * - Delays. fenced waits post_fail_delay after a member fails and post_join_delay
 *   after the domain forms (−1 = never fence at start-up; clean_start=1 skips start-up
 *   fencing); a victim that rejoins during the wait is dropped (fenced/recover.c
 *   `delay_fencing`). The agent's own `delay` sleeps inside the agent. Pacemaker adds,
 *   per device, pcmk_delay_base + a draw in [0, max − base] (if max is 0 it is base;
 *   base above max is clipped), and priority-fencing-delay on the fence of the node
 *   holding the most important resources when our partition is not a majority.
 * - Start-up fencing. The node that forms the domain (or, in Pacemaker, the DC with
 *   startup-fencing=true, after dc-deadtime) treats every configured node it has not
 *   seen as a victim. This is what turns a two-node cluster with a dead link into a
 *   fence loop: the rebooted node is quorate alone and fences its peer.
 * - Fabric devices do not stop the node: it must be unfenced (the engine asks for it
 *   when the node starts, as the cman init script runs `fence_node -U`).
 *
 * The engine never talks to a device. It emits `run-agent` (device, port, action, the
 * agent-side delay); the host answers `agent-result`. A host that loses the executor
 * while the agent sleeps simply never acts: that is how a fence race is decided.
 */
import type { Engine, Step } from '../core/engine.js';
import type { DurationUs, Instant } from '../core/time.js';
import { US_PER_SECOND, later } from '../core/time.js';
import { hashString } from '../core/rng.js';
import type { FenceDeviceKind } from './fence-devices.js';
import { isFabricKind } from './fence-devices.js';

export type FencerFlavour = 'fenced' | 'pacemaker';

export interface FenceDeviceUse {
  readonly device: string;
  readonly port?: string;
  readonly action?: string;
  /** The agent's own `delay` attribute (cman), slept inside the agent. */
  readonly agentDelayUs: DurationUs;
}

/** A cman `<method>` or a Pacemaker `fencing-level`. */
export interface FenceLevel {
  readonly name: string;
  readonly devices: readonly FenceDeviceUse[];
}

export interface FencerNode {
  readonly name: string;
  readonly nodeid: number;
  readonly levels: readonly FenceLevel[];
}

export interface FencerDevice {
  readonly name: string;
  readonly kind: FenceDeviceKind;
  /** pcmk_delay_base / pcmk_delay_max (Pacemaker only). */
  readonly delayBaseUs: DurationUs;
  readonly delayMaxUs: DurationUs;
}

export interface FencerConfig {
  readonly flavour: FencerFlavour;
  readonly self: string;
  readonly nodes: readonly FencerNode[];
  readonly devices: readonly FencerDevice[];
  /** fenced post_fail_delay (default 0). */
  readonly postFailDelayUs: DurationUs;
  /** fenced post_join_delay (default 6 s); negative = never fence at start-up. */
  readonly postJoinDelayUs: DurationUs;
  /** fenced clean_start / Pacemaker startup-fencing=false. */
  readonly cleanStart: boolean;
  /** Between two failed passes: fenced override_time (3 s). */
  readonly retryUs: DurationUs;
  /** Pacemaker: fencing-max-attempts (10) then cluster-recheck-interval (15 min). */
  readonly maxAttempts: number;
  readonly recheckUs: DurationUs;
  readonly priorityFencingDelayUs: DurationUs;
  /** Pacemaker dc-deadtime before start-up fencing (20 s). */
  readonly dcDeadtimeUs: DurationUs;
  readonly fencingEnabled: boolean;
  /** Pacemaker no-quorum-policy=ignore: fence without quorum. */
  readonly fenceWithoutQuorum: boolean;
  /** Pacemaker fences only with something to manage (fence devices count). */
  readonly hasResources: boolean;
  /** Seed for pcmk_delay_max draws (the engine draws through a hash, never a clock). */
  readonly seed: number;
}

export const fencedDefaults = {
  postFailDelayUs: 0,
  postJoinDelayUs: 6 * US_PER_SECOND,
  retryUs: 3 * US_PER_SECOND,
} as const;

export const pacemakerFencingDefaults = {
  maxAttempts: 10,
  recheckUs: 15 * 60 * US_PER_SECOND,
  dcDeadtimeUs: 20 * US_PER_SECOND,
} as const;

export type VictimReason = 'member-lost' | 'startup' | 'requested';

interface Victim {
  readonly target: string;
  readonly reason: VictimReason;
  /** Before this instant the victim waits (post_fail/post_join delay, retry sleep). */
  readonly waitUntil: Instant;
  /** Completed passes over all levels (failed). */
  readonly passes: number;
  readonly started: boolean;
}

interface RunningOp {
  readonly opId: number;
  readonly target: string;
  readonly level: number;
  readonly device: number;
}

export interface FencerState {
  readonly config: FencerConfig;
  readonly members: readonly string[];
  readonly quorate: boolean;
  readonly seen: ReadonlySet<string>;
  readonly domainFormed: boolean;
  readonly victims: readonly Victim[];
  readonly running: RunningOp | undefined;
  readonly nextOpId: number;
  readonly priorities: Readonly<Record<string, number>>;
  /** Members fenced while still in our membership (fence_node, DRBD's handler): not victims again when they drop out. */
  readonly fencedMembers: readonly string[];
}

export type FencerInput =
  | {
      readonly kind: 'membership';
      readonly members: readonly string[];
      readonly quorate: boolean;
      /** Nodes that left cleanly (a leave message): never victims. */
      readonly cleanLeft?: readonly string[];
      /** True when this node joins a domain others already formed: no start-up fencing. */
      readonly joiningExistingDomain?: boolean;
      /** Pacemaker node priorities (Σ resource priority), for priority-fencing-delay. */
      readonly priorities?: Readonly<Record<string, number>>;
    }
  | { readonly kind: 'agent-result'; readonly opId: number; readonly ok: boolean; readonly reason?: string }
  /** Another member fenced `target` (fenced tells its domain over CPG). */
  | { readonly kind: 'peer-fenced'; readonly target: string }
  /** fence_node / stonith_admin / a failed stop with on-fail=fence. */
  | { readonly kind: 'fence-request'; readonly target: string };

export type FenceResult = 'scheduled' | 'started' | 'success' | 'failed' | 'cancelled';

export type FencerOutput =
  | {
      readonly kind: 'run-agent';
      readonly opId: number;
      readonly target: string;
      readonly device: string;
      readonly port?: string;
      readonly action: string;
      /** Sleep before acting (agent delay + pcmk delays): the executor may die meanwhile. */
      readonly delayUs: DurationUs;
    }
  | {
      readonly kind: 'fence';
      readonly target: string;
      readonly by: string;
      readonly device?: string;
      readonly method?: string;
      readonly result: FenceResult;
      readonly reason: string;
    }
  | { readonly kind: 'unfence'; readonly node: string; readonly device: string };

type FStep = Step<FencerState, FencerOutput>;

export const fencer: Engine<FencerConfig, FencerState, FencerInput, FencerOutput> = {
  name: 'fencer',
  init: initFencer,
  step: stepFencer,
  nextDeadline: fencerDeadline,
};

function initFencer(config: FencerConfig, _now: Instant): FStep {
  const self = config.nodes.find((n) => n.name === config.self);
  const outputs: FencerOutput[] = [];
  const kinds = new Map(config.devices.map((d) => [d.name, d.kind]));
  for (const level of self?.levels ?? []) {
    for (const use of level.devices) {
      const kind = kinds.get(use.device);
      if (kind !== undefined && isFabricKind(kind)) outputs.push({ kind: 'unfence', node: config.self, device: use.device });
    }
  }
  const state: FencerState = {
    config, members: [], quorate: false, seen: new Set([config.self]), domainFormed: false,
    victims: [], running: undefined, nextOpId: 1, priorities: {}, fencedMembers: [],
  };
  return { state, outputs };
}

function stepFencer(state: FencerState, input: FencerInput | { readonly kind: 'timeout' }, now: Instant): FStep {
  switch (input.kind) {
    case 'membership': return advance(onMembership(state, input, now), now);
    case 'agent-result': return advance(onAgentResult(state, input, now), now);
    case 'peer-fenced': return advance({ state: dropVictim(state, input.target), outputs: [] }, now);
    case 'fence-request': return advance(addVictims(state, [input.target], 'requested', now, 0), now);
    case 'timeout': return advance({ state, outputs: [] }, now);
  }
}

function fencerDeadline(state: FencerState): Instant | undefined {
  if (!isExecutor(state) || state.running !== undefined) return undefined;
  let best: Instant | undefined;
  for (const v of state.victims) if (best === undefined || v.waitUntil < best) best = v.waitUntil;
  return best;
}

/** Victims this node knows of and that are not fenced yet (what freezes GFS2/DLM). */
export function pendingVictims(state: FencerState): readonly string[] {
  return state.victims.map((v) => v.target);
}

/** The node of this partition that fences, by the flavour's rule (undefined when none may). */
export function executorOf(state: FencerState): string | undefined {
  const c = state.config;
  if (state.members.length === 0) return undefined;
  if (c.flavour === 'pacemaker' && (!c.fencingEnabled || !c.hasResources)) return undefined;
  if (!state.quorate && !(c.flavour === 'pacemaker' && c.fenceWithoutQuorum)) return undefined;
  return lowestNodeid(c, state.members);
}

export function isExecutor(state: FencerState): boolean {
  return executorOf(state) === state.config.self;
}

function lowestNodeid(c: FencerConfig, names: readonly string[]): string | undefined {
  let best: FencerNode | undefined;
  for (const n of c.nodes) if (names.includes(n.name) && (best === undefined || n.nodeid < best.nodeid)) best = n;
  return best?.name;
}

type MembershipInput = Extract<FencerInput, { kind: 'membership' }>;

function onMembership(state: FencerState, input: MembershipInput, now: Instant): FStep {
  const c = state.config;
  const clean = new Set(input.cleanLeft ?? []);
  const lost = state.members.filter((m) => !input.members.includes(m) && !clean.has(m) && m !== c.self && !state.fencedMembers.includes(m));
  const seen = new Set(state.seen);
  for (const m of input.members) seen.add(m);
  // A victim that is back before its fence started is dropped (fenced's delay loop).
  const victims = state.victims.filter((v) => v.started || !input.members.includes(v.target) || v.reason === 'requested');
  let next: FencerState = {
    ...state, members: [...input.members], quorate: input.quorate, seen, victims,
    priorities: input.priorities ?? state.priorities, fencedMembers: state.fencedMembers.filter((m) => input.members.includes(m)),
  };
  const delay = c.flavour === 'fenced' ? c.postFailDelayUs : 0;
  let step = addVictims(next, lost, 'member-lost', now, delay);
  const dropped = state.victims.filter((v) => !victims.includes(v));
  step = { state: step.state, outputs: [...dropped.map((v): FencerOutput => ({ kind: 'fence', target: v.target, by: c.self, result: 'cancelled', reason: 'rejoined before it was fenced' })), ...step.outputs] };
  next = step.state;
  if (!next.domainFormed && input.quorate) {
    next = { ...next, domainFormed: true };
    step = { state: next, outputs: step.outputs };
    if (input.joiningExistingDomain !== true) step = startupVictims(next, now, step.outputs);
  }
  return step;
}

function startupVictims(state: FencerState, now: Instant, outputs: readonly FencerOutput[]): FStep {
  const c = state.config;
  if (c.cleanStart || (c.flavour === 'fenced' && c.postJoinDelayUs < 0)) return { state, outputs };
  const unseen = c.nodes.map((n) => n.name).filter((n) => !state.members.includes(n) && (c.flavour === 'fenced' || !state.seen.has(n)));
  const delay = c.flavour === 'fenced' ? c.postJoinDelayUs : c.dcDeadtimeUs;
  const step = addVictims(state, unseen, 'startup', now, delay);
  return { state: step.state, outputs: [...outputs, ...step.outputs] };
}

function addVictims(state: FencerState, targets: readonly string[], reason: VictimReason, now: Instant, delayUs: DurationUs): FStep {
  const outputs: FencerOutput[] = [];
  const victims = [...state.victims];
  for (const target of targets) {
    if (victims.some((v) => v.target === target)) continue;
    victims.push({ target, reason, waitUntil: later(now, delayUs), passes: 0, started: false });
    outputs.push({ kind: 'fence', target, by: state.config.self, result: 'scheduled', reason: reasonText(reason) });
  }
  return { state: { ...state, victims: orderVictims(state.config, victims, state.members) }, outputs };
}

function reasonText(reason: VictimReason): string {
  switch (reason) {
    case 'member-lost': return 'peer is no longer part of the cluster';
    case 'startup': return 'node not seen since the fence domain formed (startup fencing)';
    case 'requested': return 'fencing was requested';
  }
}

/** Victims by node id; the executor itself (a DC that must be fenced) last. */
function orderVictims(c: FencerConfig, victims: Victim[], members: readonly string[]): Victim[] {
  const id = (n: string): number => c.nodes.find((x) => x.name === n)?.nodeid ?? Number.MAX_SAFE_INTEGER;
  const dc = lowestNodeid(c, members);
  return victims.sort((a, b) => Number(a.target === dc) - Number(b.target === dc) || id(a.target) - id(b.target));
}

function dropVictim(state: FencerState, target: string): FencerState {
  const running = state.running?.target === target ? undefined : state.running;
  const fencedMembers = state.members.includes(target) ? [...new Set([...state.fencedMembers, target])] : state.fencedMembers;
  return { ...state, victims: state.victims.filter((v) => v.target !== target), running, fencedMembers };
}

/** Start the next due victim's first level if this node fences and nothing runs. */
function advance(step: FStep, now: Instant): FStep {
  const state = step.state;
  if (!isExecutor(state) || state.running !== undefined) return step;
  const due = state.victims.find((v) => v.waitUntil <= now);
  if (due === undefined) return step;
  const node = state.config.nodes.find((n) => n.name === due.target);
  if (node === undefined || node.levels.length === 0) {
    return advance(passFailed(state, due, now, step.outputs, 'no fence method configured for this node'), now);
  }
  return startDevice(state, due, 0, 0, now, step.outputs);
}

function startDevice(state: FencerState, victim: Victim, level: number, device: number, now: Instant, outputs: readonly FencerOutput[]): FStep {
  const c = state.config;
  const lvl = c.nodes.find((n) => n.name === victim.target)?.levels[level];
  const use = lvl?.devices[device];
  if (lvl === undefined || use === undefined) return passFailed(state, victim, now, outputs, 'fence level without devices');
  const opId = state.nextOpId;
  const delayUs = use.agentDelayUs + pacemakerDelay(state, victim, use.device, level === 0 && device === 0);
  const victims = state.victims.map((v) => (v.target === victim.target ? { ...v, started: true } : v));
  const out: FencerOutput[] = [
    ...outputs,
    { kind: 'fence', target: victim.target, by: c.self, device: use.device, method: lvl.name, result: 'started', reason: reasonText(victim.reason) },
    { kind: 'run-agent', opId, target: victim.target, device: use.device, ...(use.port !== undefined ? { port: use.port } : {}), action: use.action ?? 'off', delayUs },
  ];
  return { state: { ...state, victims, running: { opId, target: victim.target, level, device }, nextOpId: opId + 1 }, outputs: out };
}

function onAgentResult(state: FencerState, input: Extract<FencerInput, { kind: 'agent-result' }>, now: Instant): FStep {
  const run = state.running;
  if (run === undefined || run.opId !== input.opId) return { state, outputs: [] };
  const c = state.config;
  const victim = state.victims.find((v) => v.target === run.target);
  const levels = c.nodes.find((n) => n.name === run.target)?.levels ?? [];
  const lvl = levels[run.level];
  const cleared = { ...state, running: undefined };
  if (victim === undefined || lvl === undefined) return { state: cleared, outputs: [] };
  if (input.ok) {
    if (run.device + 1 < lvl.devices.length) return startDevice(cleared, victim, run.level, run.device + 1, now, []);
    const device = lvl.devices.map((d) => d.device).join(',');
    const done: FencerOutput = { kind: 'fence', target: run.target, by: c.self, device, method: lvl.name, result: 'success', reason: reasonText(victim.reason) };
    return { state: dropVictim(cleared, run.target), outputs: [done] };
  }
  const failed: FencerOutput = {
    kind: 'fence', target: run.target, by: c.self, device: lvl.devices[run.device]?.device ?? '', method: lvl.name,
    result: 'failed', reason: input.reason ?? 'fence agent failed',
  };
  if (run.level + 1 < levels.length) return startDevice(cleared, victim, run.level + 1, 0, now, [failed]);
  return passFailed(cleared, victim, now, [failed], 'every fence method failed');
}

/** A whole pass failed: fenced sleeps and retries forever; Pacemaker gives up for a recheck interval. */
function passFailed(state: FencerState, victim: Victim, now: Instant, outputs: readonly FencerOutput[], why: string): FStep {
  const c = state.config;
  const passes = victim.passes + 1;
  const wait = Math.max(1, c.flavour === 'pacemaker' && passes % Math.max(1, c.maxAttempts) === 0 ? c.recheckUs : c.retryUs);
  const victims = state.victims.map((v) => (v.target === victim.target ? { ...v, passes, waitUntil: later(now, wait) } : v));
  const note: FencerOutput = { kind: 'fence', target: victim.target, by: c.self, result: 'failed', reason: `${why}; retrying in ${wait / US_PER_SECOND} s` };
  return { state: { ...state, victims }, outputs: [...outputs, note] };
}

/** pcmk_delay_base/max (drawn through a seeded hash) and priority-fencing-delay. */
function pacemakerDelay(state: FencerState, victim: Victim, device: string, first: boolean): DurationUs {
  const c = state.config;
  if (c.flavour !== 'pacemaker') return 0;
  const d = c.devices.find((x) => x.name === device);
  let delay = 0;
  if (d !== undefined) {
    let max = d.delayMaxUs === 0 ? d.delayBaseUs : d.delayMaxUs;
    const base = Math.min(d.delayBaseUs, max);
    max = Math.max(max, base);
    const span = Math.floor((max - base) / US_PER_SECOND);
    const draw = span > 0 ? hashString(`${c.seed}/${device}/${victim.target}/${victim.passes}`) % (span + 1) : 0;
    delay = base + draw * US_PER_SECOND;
  }
  if (first && victim.passes === 0 && victim.reason === 'member-lost') delay += priorityDelay(state, victim.target);
  return delay;
}

/** research §4.6: the most important node's fence is delayed when we are not the majority. */
function priorityDelay(state: FencerState, target: string): DurationUs {
  const c = state.config;
  if (c.priorityFencingDelayUs <= 0) return 0;
  if (state.members.length > Math.floor(c.nodes.length / 2)) return 0;
  const prio = (n: string): number => state.priorities[n] ?? 0;
  const all = c.nodes.map((n) => prio(n.name));
  const max = Math.max(...all);
  if (all.every((p) => p === all[0])) return 0;
  return prio(target) < max ? 0 : c.priorityFencingDelayUs;
}
