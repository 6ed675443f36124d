/**
 * votequorum — corosync 3's quorum provider — as one node runs it, and cman's
 * flavour of the same arithmetic for RHCS clusters.
 *
 * Theory of operation
 * -------------------
 * Each node keeps a table of every node it has heard of (votes, expected votes,
 * flags, member/dead/leaving) and recomputes quorum whenever the table changes:
 *
 *   T (total votes)  = Σ votes of members (+ the device's votes while its vote is cast)
 *   E (expected)     = this node's expected votes; raised to T whenever T exceeds it
 *   highest expected = max expected votes over members
 *   quorum Q         = max((highest + 2) / 2, (T + 2) / 2)   — never lowered unless allowed
 *   two_node         : Q = 1 while two or fewer members (device included) remain
 *   quorate          = T ≥ Q, then wait_for_all, auto_tie_breaker and master_wins gates
 *
 * A membership change runs as corosync's synchronisation does: `sync-init` with
 * the new member list (nodes that left are marked dead; last_man_standing's
 * window timer starts), every member's `nodeinfo` broadcast delivered to every
 * member in the same (agreed) order, then `sync-activate`, which recomputes
 * without allowing a decrease. Between memberships, `nodeinfo` broadcasts carry
 * quorum-device poll results and a cleanly leaving node's farewell
 * (allow_downscale), `reconfigure-expected` carries `corosync-quorumtool -e`
 * and `reconfigure-votes` carries `corosync-quorumtool -n ID -v V`.
 *
 * Rules
 * -----
 * - Pure: (state, input, now) → (state', outputs). Messages to other nodes are
 *   `broadcast` outputs; the host delivers them to every member of the sender's
 *   ring, the sender included, in one order on every node.
 * - Quorum only drops when allowed: `-e`, the last_man_standing window expiring,
 *   a node leaving with allow_downscale, an inquorate node adopting a quorate
 *   peer's expected votes.
 * - wait_for_all is re-armed whenever the node finds itself inquorate and cleared
 *   when it is quorate or hears from a quorate node whose own status is clear.
 * - auto_tie_breaker decides an exact half split against the *previous*
 *   membership; lowest/highest are the ids remembered while last quorate.
 * - Configuration refusals are returned by `votequorumConfigError`, with
 *   votequorum's own wording; `init` assumes a config that passed it.
 * - The cman flavour has two_node without a member count condition, no
 *   wait_for_all, last_man_standing, auto_tie_breaker or downscale.
 */
import type { Engine, Step } from '../core/engine.js';
import { later, msToUs, type Instant } from '../core/time.js';

export const NODE_FLAGS_QUORATE = 1;
export const NODE_FLAGS_LEAVING = 2;
export const NODE_FLAGS_WFASTATUS = 4;
export const NODE_FLAGS_FIRST = 8;
export const NODE_FLAGS_QDEVICE_REGISTERED = 16;
export const NODE_FLAGS_QDEVICE_ALIVE = 32;
export const NODE_FLAGS_QDEVICE_CAST_VOTE = 64;
export const NODE_FLAGS_QDEVICE_MASTER_WINS = 128;

export type AutoTieBreaker = 'none' | 'lowest' | 'highest' | readonly number[];

export interface VotequorumConfig {
  readonly flavour: 'votequorum' | 'cman';
  readonly nodeId: number;
  /** The nodelist: every node's id and quorum_votes. Empty when the file has no nodelist. */
  readonly nodelist: readonly { readonly nodeId: number; readonly votes: number }[];
  /** quorum.expected_votes, when written. */
  readonly expectedVotes?: number;
  /** quorum.votes: this node's votes when there is no nodelist. */
  readonly votes?: number;
  readonly twoNode: boolean;
  /** Absent: follows two_node, as votequorum sets it when not written. */
  readonly waitForAll?: boolean;
  readonly lastManStanding: boolean;
  readonly lastManStandingWindowMs: number;
  readonly autoTieBreaker: AutoTieBreaker;
  readonly allowDownscale: boolean;
  readonly expectedVotesTracking: boolean;
  /** A quorum device (quorum.device); `votes` absent means computed from the nodelist. */
  readonly device?: { readonly votes?: number; readonly timeoutMs: number; readonly syncTimeoutMs: number };
  /** What /var/lib/corosync/ev_tracking holds when corosync starts (expected_votes_tracking). */
  readonly evTrackingBarrier?: number;
}

export const DEFAULT_LMS_WINDOW_MS = 10_000;
export const DEFAULT_DEVICE_TIMEOUT_MS = 10_000;
export const DEFAULT_DEVICE_SYNC_TIMEOUT_MS = 30_000;

export type NodeState = 'member' | 'dead' | 'leaving';

export interface NodeEntry {
  votes: number;
  expectedVotes: number;
  flags: number;
  state: NodeState;
}

export interface NodeinfoMessage {
  readonly kind: 'nodeinfo';
  readonly nodeId: number;
  readonly votes: number;
  readonly expectedVotes: number;
  readonly flags: number;
}

export interface ReconfigureExpectedMessage {
  readonly kind: 'reconfigure-expected';
  readonly value: number;
}

export interface ReconfigureVotesMessage {
  readonly kind: 'reconfigure-votes';
  readonly nodeId: number;
  readonly value: number;
}

export type VotequorumMessage = NodeinfoMessage | ReconfigureExpectedMessage | ReconfigureVotesMessage;

export interface VotequorumState {
  readonly config: VotequorumConfig;
  readonly us: number;
  readonly nodes: Readonly<Record<number, Readonly<NodeEntry>>>;
  readonly quorum: number;
  readonly quorate: boolean;
  readonly twoNode: boolean;
  readonly waitForAll: boolean;
  readonly wfaStatus: boolean;
  readonly lastManStanding: boolean;
  readonly autoTieBreaker: AutoTieBreaker;
  readonly lowestNodeId: number;
  readonly highestNodeId: number;
  readonly quorumMembers: readonly number[];
  readonly previousQuorumMembers: readonly number[];
  readonly lmsDeadline?: Instant;
  /** The device's votes (0 without a device). */
  readonly qdeviceVotes: number;
  /** When the device's vote lapses unless polled again. */
  readonly qdeviceDeadline?: Instant;
  readonly evBarrier: number;
  readonly evTrackingBarrier: number;
  readonly syncInProgress: boolean;
}

export type VotequorumInput =
  | { readonly kind: 'sync-init'; readonly members: readonly number[] }
  | { readonly kind: 'deliver'; readonly from: number; readonly message: VotequorumMessage }
  /** Several broadcasts in their agreed order (a synchronisation's nodeinfo round), as one step. */
  | { readonly kind: 'deliver-all'; readonly messages: readonly { readonly from: number; readonly message: VotequorumMessage }[] }
  | { readonly kind: 'sync-activate' }
  | { readonly kind: 'set-expected'; readonly expectedVotes: number }
  /** `corosync-quorumtool -n NODEID -v VOTES` run on this node. */
  | { readonly kind: 'set-votes'; readonly nodeId: number; readonly votes: number }
  | { readonly kind: 'leave' }
  | { readonly kind: 'qdevice-register' }
  | { readonly kind: 'qdevice-poll'; readonly castVote: boolean };

export type VotequorumOutput =
  | { readonly kind: 'broadcast'; readonly message: VotequorumMessage }
  | { readonly kind: 'refused'; readonly request: 'set-expected' | 'set-votes'; readonly error: 'CS_ERR_INVALID_PARAM' | 'CS_ERR_NAME_NOT_FOUND'; readonly reason: string };

/** What `corosync-quorumtool -s` prints for a node, in its words. */
export interface QuorumInfo {
  readonly quorate: boolean;
  readonly expectedVotes: number;
  readonly highestExpected: number;
  readonly totalVotes: number;
  readonly quorum: number;
  /** In corosync-quorumtool's order: 2Node Quorate WaitForAll LastManStanding AutoTieBreaker AllowDownscale Qdevice. */
  readonly flags: readonly string[];
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Work = Mutable<Omit<VotequorumState, 'nodes'>> & { nodes: Record<number, NodeEntry>; out: VotequorumOutput[]; now: Instant };

function clone(s: VotequorumState, now: Instant): Work {
  const nodes: Record<number, NodeEntry> = {};
  for (const id in s.nodes) {
    const n = s.nodes[id]!;
    nodes[id] = { votes: n.votes, expectedVotes: n.expectedVotes, flags: n.flags, state: n.state };
  }
  return { ...s, nodes, out: [], now };
}

function done(w: Work): Step<VotequorumState, VotequorumOutput> {
  const { out, now: _now, ...state } = w;
  return { state, outputs: out };
}

const usOf = (w: Work): NodeEntry => w.nodes[w.us]!;
const members = (w: Work): NodeEntry[] => Object.values(w.nodes).filter((n) => n.state === 'member');
const memberIds = (w: Work): number[] => Object.entries(w.nodes).filter(([, n]) => n.state === 'member').map(([id]) => Number(id));

/**
 * votequorum's startup refusals (readconfig), in its words; undefined when it
 * would start. The cman flavour refuses two_node unless there are exactly two
 * nodes of one vote each.
 */
export function votequorumConfigError(c: VotequorumConfig): string | undefined {
  if (c.flavour === 'cman') {
    if (c.twoNode && (c.nodelist.length !== 2 || c.nodelist.some((n) => n.votes !== 1))) return 'two_node set but there are more than 2 nodes';
    return undefined;
  }
  const nodeVotes = c.nodelist.reduce((s, n) => s + n.votes, 0);
  if (c.nodelist.length === 0 && !c.expectedVotes) return 'configuration error: nodelist or quorum.expected_votes must be configured!';
  if (c.twoNode && c.device) return 'configuration error: two_node and quorum device cannot be configured at the same time!';
  const wfa = c.waitForAll ?? c.twoNode;
  if (c.autoTieBreaker !== 'none' && nodeVotes % 2 === 1 && !wfa && c.lastManStanding) {
    return 'configuration error: auto_tie_breaker & last_man_standing not available in odd sized cluster';
  }
  const atb = effectiveAtb(c);
  if (c.device && c.lastManStanding) return 'configuration error: quorum.device is not compatible with last_man_standing';
  if (c.device && atb !== 'none') return 'configuration error: quorum.device is not compatible with auto_tie_breaker';
  if (c.device && c.allowDownscale) return 'configuration error: quorum.device is not compatible with allow_downscale';
  if (c.device && c.expectedVotes && c.device.votes === undefined) return 'configuration error: quorum.device.votes must be specified when quorum.expected_votes is set';
  if (c.device && c.device.votes === undefined && c.nodelist.length > 0 && c.nodelist.length !== nodeVotes) {
    return 'configuration error: quorum.device.votes must be specified when not all nodes votes 1';
  }
  if (c.device?.votes && c.expectedVotes && c.expectedVotes - c.device.votes < 2) return 'configuration error: quorum.device.votes is too high or expected_votes is too low';
  return undefined;
}

/** auto_tie_breaker after votequorum's rewrites: off in an odd cluster without wait_for_all. */
function effectiveAtb(c: VotequorumConfig): AutoTieBreaker {
  if (c.flavour === 'cman' || c.autoTieBreaker === 'none') return 'none';
  const nodeVotes = c.nodelist.reduce((s, n) => s + n.votes, 0);
  const wfa = c.waitForAll ?? c.twoNode;
  return nodeVotes % 2 === 1 && !wfa ? 'none' : c.autoTieBreaker;
}

function initialVotes(c: VotequorumConfig) {
  const nodeVotes = c.nodelist.reduce((s, n) => s + n.votes, 0);
  let qdeviceVotes = c.device ? (c.device.votes ?? -1) : 0;
  let nodeExpected = nodeVotes;
  if (c.device && qdeviceVotes === -1 && !c.expectedVotes && c.nodelist.length > 0 && c.nodelist.length === nodeVotes) {
    qdeviceVotes = nodeVotes - 1;
    nodeExpected = nodeVotes + qdeviceVotes;
  }
  const evTracking = c.flavour === 'votequorum' && (c.expectedVotesTracking || c.allowDownscale);
  const barrier = evTracking ? (c.evTrackingBarrier ?? 0) : 0;
  const fileExpected = evTracking ? barrier : (c.expectedVotes ?? 0);
  const own = c.nodelist.find((n) => n.nodeId === c.nodeId);
  const votes = c.nodelist.length > 0 ? (own?.votes ?? 1) : (c.votes ?? 1);
  const expected = fileExpected || (c.nodelist.length > 0 ? nodeExpected : 1);
  return { votes, expected, qdeviceVotes: Math.max(qdeviceVotes, 0), barrier };
}

function init(config: VotequorumConfig, now: Instant): Step<VotequorumState, VotequorumOutput> {
  const cman = config.flavour === 'cman';
  const { votes, expected, qdeviceVotes, barrier } = initialVotes(config);
  const twoNode = config.twoNode && !(effectiveAtb(config) !== 'none');
  const waitForAll = cman ? false : (config.waitForAll ?? config.twoNode);
  const w: Work = {
    config, us: config.nodeId,
    nodes: { [config.nodeId]: { votes, expectedVotes: expected, flags: NODE_FLAGS_FIRST | (waitForAll ? NODE_FLAGS_WFASTATUS : 0), state: 'member' } },
    quorum: 0, quorate: false, twoNode, waitForAll, wfaStatus: waitForAll,
    lastManStanding: !cman && config.lastManStanding, autoTieBreaker: effectiveAtb(config),
    lowestNodeId: config.nodeId, highestNodeId: config.nodeId, quorumMembers: [], previousQuorumMembers: [],
    qdeviceVotes, evBarrier: expected, evTrackingBarrier: barrier, syncInProgress: false, out: [], now,
  };
  recalculateQuorum(w, false, false);
  return done(w);
}

/** votequorum's calculate_quorum: the new quorum and the total votes. */
function calculateQuorum(w: Work, allowDecrease: boolean, maxExpectedIn: number): { quorum: number; total: number } {
  let maxExpected = maxExpectedIn;
  if (w.config.allowDownscale && allowDecrease && maxExpected) maxExpected = Math.max(w.evBarrier, maxExpected);
  let highest = 0;
  let total = 0;
  let count = 0;
  for (const n of members(w)) {
    highest = Math.max(highest, n.expectedVotes);
    total += n.votes;
    count++;
  }
  if (usOf(w).flags & NODE_FLAGS_QDEVICE_CAST_VOTE) {
    total += w.qdeviceVotes;
    count++;
  }
  if (maxExpected > 0) highest = maxExpected;
  let quorum = Math.max(Math.floor((highest + 2) / 2), Math.floor((total + 2) / 2));
  if (!allowDecrease) quorum = Math.max(w.quorum, quorum);
  const cman = w.config.flavour === 'cman';
  if (w.twoNode && (cman || count <= 2)) quorum = 1;
  return { quorum, total };
}

function recalculateQuorum(w: Work, allowDecrease: boolean, byCurrentNodes: boolean): void {
  let total = 0;
  let count = 0;
  for (const n of members(w)) {
    total += n.votes;
    count++;
  }
  if (w.qdeviceVotes) {
    total += w.qdeviceVotes;
    count++;
  }
  const us = usOf(w);
  // Keep expected votes at the highest number of votes seen in the cluster.
  if (total > us.expectedVotes) us.expectedVotes = total;
  if (w.config.expectedVotesTracking || w.config.allowDownscale) w.evTrackingBarrier = Math.max(w.evTrackingBarrier, us.expectedVotes);
  const calc = calculateQuorum(w, allowDecrease, byCurrentNodes ? count : 0);
  w.quorum = calc.quorum;
  if (byCurrentNodes && count) for (const n of members(w)) n.expectedVotes = count;
  areWeQuorate(w, calc.total);
}

function setWfa(w: Work, on: boolean): void {
  w.wfaStatus = on;
  const us = usOf(w);
  us.flags = on ? us.flags | NODE_FLAGS_WFASTATUS : us.flags & ~NODE_FLAGS_WFASTATUS;
}

function areWeQuorate(w: Work, total: number): void {
  const us = usOf(w);
  if (w.waitForAll && w.wfaStatus) {
    // "Waiting for all cluster members": no quorum until every expected vote is present at once.
    if (total !== us.expectedVotes) return;
    setWfa(w, false);
  }
  let quorate = w.quorum <= total;
  if (quorate) {
    const ids = memberIds(w);
    w.lowestNodeId = Math.min(w.us, ...ids);
    w.highestNodeId = Math.max(w.us, ...ids);
  }
  if (w.autoTieBreaker !== 'none' && total === Math.floor(us.expectedVotes / 2) &&
      w.previousQuorumMembers.length - w.quorumMembers.length < w.quorum && tieBreakerHere(w)) {
    quorate = true;
  }
  if (!quorate && w.config.device && masterWinsHere(w)) quorate = true;
  w.quorate = quorate;
  us.flags = quorate ? us.flags | NODE_FLAGS_QUORATE : us.flags & ~NODE_FLAGS_QUORATE;
  if (w.waitForAll) setWfa(w, !quorate);
}

function tieBreakerHere(w: Work): boolean {
  const atb = w.autoTieBreaker;
  const here = (id: number) => w.nodes[id]?.state === 'member';
  if (atb === 'lowest') return here(w.lowestNodeId);
  if (atb === 'highest') return here(w.highestNodeId);
  if (atb === 'none') return false;
  for (let i = 0; i < atb.length; i++) {
    if (!w.quorumMembers.includes(atb[i]!)) continue;
    // An earlier list node seen in the previous membership may be alive on the other side.
    return !atb.slice(0, i).some((id) => w.previousQuorumMembers.includes(id));
  }
  return false;
}

function masterWinsHere(w: Work): boolean {
  const both = NODE_FLAGS_QDEVICE_MASTER_WINS | NODE_FLAGS_QDEVICE_CAST_VOTE;
  return members(w).some((n) => (n.flags & both) === both);
}

function syncInit(w: Work, list: readonly number[]): void {
  w.syncInProgress = true;
  const us = usOf(w);
  if (list.length > 1) us.flags &= ~NODE_FLAGS_FIRST;
  let left = false;
  for (const id of w.quorumMembers) {
    if (list.includes(id)) continue;
    left = true;
    const n = w.nodes[id];
    if (n) n.state = 'dead';
  }
  if (w.lastManStanding) {
    const lowestHere = w.autoTieBreaker !== 'none' && w.nodes[w.lowestNodeId]?.state === 'member';
    if ((list.length >= w.quorum && left) || (list.length <= w.quorum && lowestHere)) {
      w.lmsDeadline = later(w.now, msToUs(w.config.lastManStandingWindowMs));
    }
  }
  w.previousQuorumMembers = w.quorumMembers;
  w.quorumMembers = [...list];
  w.out.push({ kind: 'broadcast', message: nodeinfoOf(w) });
}

function nodeinfoOf(w: Work): NodeinfoMessage {
  const us = usOf(w);
  return { kind: 'nodeinfo', nodeId: w.us, votes: us.votes, expectedVotes: us.expectedVotes, flags: us.flags };
}

function onNodeinfo(w: Work, m: NodeinfoMessage): void {
  let node = w.nodes[m.nodeId];
  const isNew = node === undefined;
  if (!node) node = w.nodes[m.nodeId] = { votes: 0, expectedVotes: 0, flags: 0, state: 'dead' };
  const old = { ...node };
  node.flags = m.flags;
  node.votes = m.votes;
  node.state = 'member';
  let allowDowngrade = false;
  let byNode = false;
  if (node.flags & NODE_FLAGS_LEAVING) {
    node.state = 'leaving';
    allowDowngrade = byNode = true;
  }
  if (!w.quorate && node.flags & NODE_FLAGS_QUORATE) {
    allowDowngrade = true;
    usOf(w).expectedVotes = m.expectedVotes;
  }
  const evTracking = w.config.expectedVotesTracking || w.config.allowDownscale;
  node.expectedVotes = node.flags & NODE_FLAGS_QUORATE || evTracking ? m.expectedVotes : usOf(w).expectedVotes;
  if (w.lastManStanding && node.votes > 1) {
    // "Last Man Standing feature is supported only when all cluster nodes votes are set to 1"
    w.lastManStanding = false;
    delete w.lmsDeadline;
  }
  if (isNew || m.nodeId === w.us || node.flags & NODE_FLAGS_FIRST || old.votes !== node.votes ||
      old.expectedVotes !== node.expectedVotes || old.flags !== node.flags || old.state !== node.state) {
    recalculateQuorum(w, allowDowngrade, byNode);
  }
  if (w.waitForAll && !(node.flags & NODE_FLAGS_WFASTATUS) && node.flags & NODE_FLAGS_QUORATE) setWfa(w, false);
}

function onReconfigureExpected(w: Work, value: number): void {
  if (value) for (const n of members(w)) n.expectedVotes = value;
  w.evBarrier = value;
  if (w.config.expectedVotesTracking || w.config.allowDownscale) usOf(w).expectedVotes = Math.max(usOf(w).expectedVotes, w.evTrackingBarrier);
  recalculateQuorum(w, true, false);
}

/** `corosync-quorumtool -e E`: refused below the total votes or when it would cost a quorate cluster its quorum. */
function onSetExpected(w: Work, expected: number): void {
  // votequorum validates with allow_downscale off.
  const calc = calculateQuorum({ ...w, config: { ...w.config, allowDownscale: false } }, true, expected);
  if (expected < calc.total || (w.quorate && calc.quorum > calc.total)) {
    w.out.push({ kind: 'refused', request: 'set-expected', error: 'CS_ERR_INVALID_PARAM', reason: expected < calc.total ? `expected votes ${expected} is below the total votes ${calc.total}` : `expected votes ${expected} would make this quorate cluster inquorate` });
    return;
  }
  for (const n of members(w)) n.expectedVotes = expected;
  w.out.push({ kind: 'broadcast', message: { kind: 'reconfigure-expected', value: expected } });
}

/** `corosync-quorumtool -v`: refused when the resulting quorum would fall below half the total votes or above it. */
function onSetVotes(w: Work, nodeId: number, votes: number): void {
  const node = w.nodes[nodeId];
  if (!node) {
    w.out.push({ kind: 'refused', request: 'set-votes', error: 'CS_ERR_NAME_NOT_FOUND', reason: `no node ${nodeId} known to votequorum` });
    return;
  }
  const saved = node.votes;
  node.votes = votes;
  const calc = calculateQuorum(w, true, 0);
  if (calc.quorum < Math.floor(calc.total / 2) || calc.quorum > calc.total) {
    node.votes = saved;
    w.out.push({ kind: 'refused', request: 'set-votes', error: 'CS_ERR_INVALID_PARAM', reason: `quorum ${calc.quorum} with ${votes} votes for node ${nodeId} would not fit the total votes ${calc.total}` });
    return;
  }
  w.out.push({ kind: 'broadcast', message: { kind: 'reconfigure-votes', nodeId, value: votes } });
}

function onQdevicePoll(w: Work, castVote: boolean): void {
  const us = usOf(w);
  if (!(us.flags & NODE_FLAGS_QDEVICE_REGISTERED)) return;
  const before = us.flags;
  us.flags |= NODE_FLAGS_QDEVICE_ALIVE;
  us.flags = castVote ? us.flags | NODE_FLAGS_QDEVICE_CAST_VOTE : us.flags & ~NODE_FLAGS_QDEVICE_CAST_VOTE;
  w.qdeviceDeadline = later(w.now, msToUs(w.config.device?.timeoutMs ?? DEFAULT_DEVICE_TIMEOUT_MS));
  if (us.flags !== before) w.out.push({ kind: 'broadcast', message: nodeinfoOf(w) });
}

function onTimeout(w: Work): void {
  if (w.lmsDeadline !== undefined && w.lmsDeadline <= w.now) {
    delete w.lmsDeadline;
    if (w.quorate) recalculateQuorum(w, true, true);
  }
  if (w.qdeviceDeadline !== undefined && w.qdeviceDeadline <= w.now) {
    // "lost contact with quorum device": the vote lapses until the next poll.
    delete w.qdeviceDeadline;
    const us = usOf(w);
    us.flags &= ~(NODE_FLAGS_QDEVICE_ALIVE | NODE_FLAGS_QDEVICE_CAST_VOTE);
    w.out.push({ kind: 'broadcast', message: nodeinfoOf(w) });
  }
}

function deliver(w: Work, m: VotequorumMessage): void {
  if (m.kind === 'nodeinfo') onNodeinfo(w, m);
  else if (m.kind === 'reconfigure-expected') onReconfigureExpected(w, m.value);
  else {
    const node = w.nodes[m.nodeId];
    if (!node) return;
    node.votes = m.value;
    recalculateQuorum(w, true, false);
  }
}

function step(s: VotequorumState, input: VotequorumInput | { readonly kind: 'timeout' }, now: Instant): Step<VotequorumState, VotequorumOutput> {
  const w = clone(s, now);
  switch (input.kind) {
    case 'sync-init': syncInit(w, input.members); break;
    case 'deliver': deliver(w, input.message); break;
    case 'deliver-all': for (const m of input.messages) deliver(w, m.message); break;
    case 'sync-activate':
      recalculateQuorum(w, false, false);
      w.syncInProgress = false;
      break;
    case 'set-expected': onSetExpected(w, input.expectedVotes); break;
    case 'set-votes': onSetVotes(w, input.nodeId, input.votes); break;
    case 'leave':
      if (w.config.allowDownscale) {
        usOf(w).flags |= NODE_FLAGS_LEAVING;
        w.out.push({ kind: 'broadcast', message: nodeinfoOf(w) });
      }
      break;
    case 'qdevice-register':
      usOf(w).flags |= NODE_FLAGS_QDEVICE_REGISTERED;
      w.out.push({ kind: 'broadcast', message: nodeinfoOf(w) });
      break;
    case 'qdevice-poll': onQdevicePoll(w, input.castVote); break;
    case 'timeout': onTimeout(w); break;
  }
  return done(w);
}

function nextDeadline(s: VotequorumState): Instant | undefined {
  const a = s.lmsDeadline;
  const b = s.qdeviceDeadline;
  return a === undefined ? b : b === undefined ? a : (Math.min(a, b) as Instant);
}

/** The node's view as `corosync-quorumtool -s` prints it. */
export function quorumInfo(s: VotequorumState): QuorumInfo {
  let highest = 0;
  let total = 0;
  for (const n of Object.values(s.nodes)) {
    if (n.state !== 'member') continue;
    highest = Math.max(highest, n.expectedVotes);
    total += n.votes;
  }
  const us = s.nodes[s.us]!;
  if (us.flags & NODE_FLAGS_QDEVICE_CAST_VOTE) total += s.qdeviceVotes;
  const flags: string[] = [];
  if (s.twoNode) flags.push('2Node');
  if (s.quorate) flags.push('Quorate');
  if (s.waitForAll) flags.push('WaitForAll');
  if (s.lastManStanding) flags.push('LastManStanding');
  if (s.autoTieBreaker !== 'none') flags.push('AutoTieBreaker');
  if (s.config.allowDownscale && s.config.flavour === 'votequorum') flags.push('AllowDownscale');
  if (us.flags & NODE_FLAGS_QDEVICE_REGISTERED) flags.push('Qdevice');
  return { quorate: s.quorate, expectedVotes: us.expectedVotes, highestExpected: highest, totalVotes: total, quorum: s.quorum, flags };
}

export const votequorum: Engine<VotequorumConfig, VotequorumState, VotequorumInput, VotequorumOutput> = {
  name: 'votequorum',
  init,
  step,
  nextDeadline,
};
