/**
 * Membership as one node's corosync totem sees it (knet transport).
 *
 * Theory of operation
 * -------------------
 * Totem passes a token around the ring; a node that does not get it back
 * within the token timeout declares the ring broken, waits `consensus` for the
 * others to agree ("A processor failed, forming new configuration: token timed
 * out (T ms), waiting C ms for consensus") and installs a new ring of the nodes
 * it can still reach. This engine keeps one node's ring and the deadline of the
 * next ring it will form; the host tells it what it can reach and why that
 * changed, and installs the ring a formation produces on every member, so the
 * members of one ring always agree on it.
 *
 * Times (measured on corosync 3.1.7 with knet; see research/fencing.md §11):
 *   effective token  = token + (N − 2)·token_coefficient when the nodelist has N > 2 nodes
 *   consensus        = 1.2 × effective token unless set
 *   knet ping        = token / (2·pong_count) every, timeout token / pong_count
 *   crash, partition, link down, hang → new ring after token − phase + consensus, where
 *                      phase (0 … ~0.7 s) is where the token was when the fault hit:
 *                      one value per fault, shared by every node that sees it
 *   clean stop       → the leave message: new ring after LEAVE_US
 *   start            → a ring of one after STARTUP_US, then the merge with the
 *                      running nodes once knet's links are up: 2.5 pings + JOIN_EXTRA_US,
 *                      plus JOIN_PER_EXTRA_RING_US for every further ring merging
 *   heal, link up, resume → merge after 3 pings + MERGE_EXTRA_US (knet must see the
 *                      link alive again before totem's merge detection can run)
 *
 * Rules
 * -----
 * - Pure: (state, input, now) → (state', outputs), integer microseconds.
 * - A change that makes the reachable set equal to the ring again before the
 *   deadline cancels it (the token kept circulating: a flap shorter than the
 *   timeout is never seen).
 * - Several changes before a formation take the later deadline: totem's
 *   gather/consensus rounds fold them into one new ring.
 */
import type { Engine, Step } from '../core/engine.js';
import { later, msToUs, type Instant } from '../core/time.js';

export const TOKEN_MS_DEFAULT = 3000;
export const TOKEN_COEFFICIENT_MS_DEFAULT = 650;
export const JOIN_MS_DEFAULT = 50;
export const KNET_PONG_COUNT_DEFAULT = 2;
/** A leaving node's message reaches the others and the ring re-forms in this time (0.06–0.4 s measured). */
export const LEAVE_US = 300_000;
/** From process start to its first ring (of one): 0.35–0.63 s measured. */
export const STARTUP_US = 400_000;
export const JOIN_EXTRA_US = 450_000;
/**
 * Each further ring merging at a start adds a round of pairwise merges (cold
 * start of 3 nodes 2.6–3.6 s, 4 nodes 3.0–5.4 s, 5 nodes 5.9–6.2 s; two nodes
 * joining a running pair 4.2–8.2 s).
 */
export const JOIN_PER_EXTRA_RING_US = 850_000;
export const MERGE_EXTRA_US = 550_000;
/** Largest token phase at a fault, as a fraction of the token retransmit interval. */
export const PHASE_FRACTION = 0.8;

export interface TotemParams {
  readonly tokenMs?: number;
  readonly tokenCoefficientMs?: number;
  readonly consensusMs?: number;
  readonly joinMs?: number;
  readonly tokenRetransmitsBeforeLossConst?: number;
  readonly knetPingIntervalMs?: number;
  readonly knetPingTimeoutMs?: number;
  readonly knetPongCount?: number;
}

export interface TotemTiming {
  /** Effective token timeout. */
  readonly tokenMs: number;
  readonly consensusMs: number;
  readonly joinMs: number;
  readonly tokenRetransmitMs: number;
  readonly knetPingIntervalMs: number;
  readonly knetPingTimeoutMs: number;
  readonly knetPongCount: number;
}

/** The timers corosync puts in force (runtime.config.totem.*) for a nodelist of `nodeCount` nodes. */
export function totemTiming(p: TotemParams, nodeCount: number): TotemTiming {
  const base = p.tokenMs ?? TOKEN_MS_DEFAULT;
  const tokenMs = nodeCount > 2 ? base + (nodeCount - 2) * (p.tokenCoefficientMs ?? TOKEN_COEFFICIENT_MS_DEFAULT) : base;
  const retransmits = p.tokenRetransmitsBeforeLossConst ?? 4;
  const pong = p.knetPongCount ?? KNET_PONG_COUNT_DEFAULT;
  return {
    tokenMs,
    consensusMs: p.consensusMs ?? Math.trunc(1.2 * tokenMs),
    joinMs: p.joinMs ?? JOIN_MS_DEFAULT,
    tokenRetransmitMs: Math.trunc(tokenMs / (retransmits + 0.2)),
    knetPingIntervalMs: p.knetPingIntervalMs ?? Math.trunc(tokenMs / (pong * 2)),
    knetPingTimeoutMs: p.knetPingTimeoutMs ?? Math.trunc(tokenMs / pong),
    knetPongCount: pong,
  };
}

/** How long after a fault the survivors install their new ring; `phase` in [0, 1) places the token within the middle half of its measured range. */
export function detectionUs(t: TotemTiming, phase: number): number {
  return msToUs(t.tokenMs + t.consensusMs) - Math.round((0.25 + 0.5 * phase) * PHASE_FRACTION * msToUs(t.tokenRetransmitMs));
}
/** From a start to the ring with the running nodes, when `rings` rings (the starting nodes' and the running one) merge. */
export const joinUs = (t: TotemTiming, rings = 2): number =>
  Math.round(2.5 * msToUs(t.knetPingIntervalMs)) + JOIN_EXTRA_US + Math.max(0, rings - 2) * JOIN_PER_EXTRA_RING_US;
export const mergeUs = (t: TotemTiming): number => 3 * msToUs(t.knetPingIntervalMs) + MERGE_EXTRA_US;

export interface MembershipConfig {
  readonly nodeId: number;
  readonly timing: TotemTiming;
}

export interface Ring {
  /** The ring id as corosync prints it: representative node id and sequence. */
  readonly rep: number;
  readonly seq: number;
  readonly members: readonly number[];
}

export interface MembershipState {
  readonly config: MembershipConfig;
  readonly ring?: Ring;
  /** Nodes this node can exchange totem traffic with, itself excluded. */
  readonly reachable: readonly number[];
  readonly pendingAt?: Instant;
  /** A starting node: when it merges with the running nodes, after its ring of one. */
  readonly joinAt?: Instant;
}

/** Why what a node reaches changed: decides how long totem takes to act on it. */
export type ReachCause = 'fault' | 'leave' | 'join' | 'merge';

export type MembershipInput =
  | { readonly kind: 'reachable'; readonly nodes: readonly number[]; readonly cause: ReachCause; readonly phase: number; readonly rings?: number }
  | { readonly kind: 'install'; readonly ring: Ring };

export type MembershipOutput = { readonly kind: 'form'; readonly members: readonly number[] };

const sorted = (xs: readonly number[]): number[] => [...xs].sort((a, b) => a - b);
const same = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** The members this node would put in its next ring. */
export function candidateMembers(s: MembershipState): number[] {
  return sorted([s.config.nodeId, ...s.reachable]);
}

function delayUs(t: TotemTiming, cause: ReachCause, phase: number, rings: number): number {
  switch (cause) {
    case 'fault': return detectionUs(t, phase);
    case 'leave': return LEAVE_US;
    case 'join': return joinUs(t, rings);
    case 'merge': return mergeUs(t);
  }
}

function init(config: MembershipConfig, now: Instant): Step<MembershipState, MembershipOutput> {
  return { state: { config, reachable: [], pendingAt: later(now, STARTUP_US) }, outputs: [] };
}

function onReachable(s: MembershipState, nodes: readonly number[], cause: ReachCause, phase: number, rings: number, now: Instant): MembershipState {
  const next: MembershipState = { ...s, reachable: sorted(nodes.filter((n) => n !== s.config.nodeId)) };
  // Still starting: the first ring (of one) comes at the start deadline, the merge at joinAt.
  if (!s.ring) return cause === 'join' && s.joinAt === undefined ? { ...next, joinAt: later(now, joinUs(s.config.timing, rings)) } : next;
  if (same(candidateMembers(next), s.ring.members)) {
    const { pendingAt: _dropped, ...rest } = next;
    return rest;
  }
  const at = later(now, delayUs(s.config.timing, cause, phase, rings));
  return { ...next, pendingAt: s.pendingAt !== undefined && s.pendingAt > at ? s.pendingAt : at };
}

function step(s: MembershipState, input: MembershipInput | { readonly kind: 'timeout' }, now: Instant): Step<MembershipState, MembershipOutput> {
  switch (input.kind) {
    case 'reachable':
      return { state: onReachable(s, input.nodes, input.cause, input.phase, input.rings ?? 2, now), outputs: [] };
    case 'install': {
      const { pendingAt, ...rest } = s;
      const state: MembershipState = { ...rest, ring: input.ring };
      if (same(candidateMembers(state), input.ring.members)) return { state, outputs: [] };
      // What this node reaches beyond the new ring is merged next (a starting
      // node's join is already scheduled).
      return { state: { ...state, pendingAt: pendingAt ?? later(now, mergeUs(s.config.timing)) }, outputs: [] };
    }
    case 'timeout': {
      if (s.pendingAt === undefined || s.pendingAt > now) return { state: s, outputs: [] };
      const { pendingAt: _fired, joinAt, ...rest } = s;
      const members = s.ring ? candidateMembers(s) : [s.config.nodeId];
      const outputs: MembershipOutput[] = [{ kind: 'form', members }];
      // A starting node forms its ring of one first, then merges with what it reaches.
      if (!s.ring && s.reachable.length > 0) return { state: { ...rest, pendingAt: joinAt !== undefined && joinAt > now ? joinAt : later(now, mergeUs(s.config.timing)) }, outputs };
      return { state: rest, outputs };
    }
  }
}

export const membership: Engine<MembershipConfig, MembershipState, MembershipInput, MembershipOutput> = {
  name: 'totem-membership',
  init,
  step,
  nextDeadline: (s) => s.pendingAt,
};
