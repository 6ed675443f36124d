/**
 * Storage the cluster protects: a shared disk (a SAN LUN under GFS2/clvmd) and DRBD
 * resources (two replicas kept in step over a replication link). The model records
 * every write it accepts — node, resource, service and time — so a checker can prove
 * a corruption with the writes themselves, and it refuses or freezes writes exactly
 * where the real stack blocks them.
 *
 * Rules (our words; research/fencing.md §4.7, §8 #10–#12; DRBD user's guide on
 * resource-level fencing):
 * - GFS2 and clvmd take their locks through the DLM. While a fence is pending in a
 *   node's partition, or the node has no quorum, DLM recovery cannot finish: I/O
 *   freezes (writes wait, they are not lost) until the fence succeeds.
 * - A fabric fence (SAN port, SCSI reservation) cuts one node off the disk while it
 *   keeps running: its writes are refused until it is unfenced.
 * - DRBD: a resource starts unconnected and connects once both replicas run (only
 *   losing an established connection calls the fence-peer handler). Only a Primary
 *   writes; with allow-two-primaries both may. While connected a
 *   write reaches both replicas (protocol C). When the replication link breaks, a
 *   Primary with `fencing resource-and-stonith` suspends its I/O and runs the
 *   fence-peer handler (rhcs_fence / crm-fence-peer); I/O resumes once the peer is
 *   fenced. With `dont-care` (or `resource-only` and no handler) each Primary goes on
 *   alone. When the link returns and both replicas took writes the other lacks, DRBD
 *   finds split brain and refuses to reconnect: the data diverged.
 *
 * Pure: every function returns a new state and what happened; no clock, no I/O.
 */
import type { Instant } from '../core/time.js';

export type DrbdFencing = 'dont-care' | 'resource-only' | 'resource-and-stonith';

export interface DrbdConfig {
  readonly name: string;
  readonly nodes: readonly [string, string];
  readonly dualPrimary: boolean;
  readonly fencing: DrbdFencing;
}

export interface SharedDiskConfig {
  readonly name: string;
  /** GFS2 / clvmd on top: writes freeze while the node's partition waits for a fence. */
  readonly clustered: boolean;
}

export interface DiskWrite {
  readonly seq: number;
  readonly t: Instant;
  readonly node: string;
  readonly resource: string;
  readonly service?: string;
}

interface DrbdRuntime {
  readonly config: DrbdConfig;
  readonly connected: boolean;
  readonly primaries: readonly string[];
  /** Writes each replica took while disconnected (what the other lacks). */
  readonly unreplicated: Readonly<Record<string, readonly DiskWrite[]>>;
  /** Nodes whose I/O is suspended waiting for the fence-peer handler. */
  readonly suspended: readonly string[];
  readonly splitBrain: boolean;
}

export interface StorageState {
  readonly shared: readonly SharedDiskConfig[];
  readonly drbd: Readonly<Record<string, DrbdRuntime>>;
  /** Nodes whose DLM is blocked (fence pending in their partition, or no quorum). */
  readonly dlmFrozen: readonly string[];
  /** Nodes cut off by a fabric fence (until unfenced). */
  readonly fabricFenced: readonly string[];
  readonly writes: number;
  /** The last writes kept per (node, resource): enough to prove a corruption, bounded. */
  readonly recent: Readonly<Record<string, readonly DiskWrite[]>>;
}

export type StorageEvent =
  | { readonly kind: 'write'; readonly write: DiskWrite }
  | { readonly kind: 'write-blocked'; readonly node: string; readonly resource: string; readonly reason: string }
  | { readonly kind: 'frozen' | 'thawed'; readonly node: string; readonly reason: string }
  | { readonly kind: 'drbd-disconnected' | 'drbd-connected'; readonly resource: string }
  | { readonly kind: 'fence-peer'; readonly resource: string; readonly node: string; readonly peer: string }
  | { readonly kind: 'split-brain'; readonly resource: string; readonly proof: readonly DiskWrite[] };

export interface StorageStep {
  readonly state: StorageState;
  readonly events: readonly StorageEvent[];
}

const RECENT_PER_KEY = 4;

export function initStorage(shared: readonly SharedDiskConfig[], drbd: readonly DrbdConfig[]): StorageState {
  const runtimes: Record<string, DrbdRuntime> = {};
  for (const d of drbd) {
    runtimes[d.name] = {
      config: d, connected: false, primaries: d.dualPrimary ? [...d.nodes] : [d.nodes[0]],
      unreplicated: {}, suspended: [], splitBrain: false,
    };
  }
  return { shared, drbd: runtimes, dlmFrozen: [], fabricFenced: [], writes: 0, recent: {} };
}

export function isClustered(state: StorageState, resource: string): boolean {
  return state.shared.some((s) => s.name === resource && s.clustered) || state.drbd[resource] !== undefined;
}

/** One node tries to write one block to `resource`. */
export function write(state: StorageState, node: string, resource: string, t: Instant, service?: string): StorageStep {
  const blocked = (reason: string): StorageStep => ({ state, events: [{ kind: 'write-blocked', node, resource, reason }] });
  if (state.fabricFenced.includes(node)) return blocked('node fenced off the storage fabric');
  if (isClustered(state, resource) && state.dlmFrozen.includes(node)) return blocked('DLM frozen: fencing pending or no quorum');
  const d = state.drbd[resource];
  if (d !== undefined) {
    if (!d.config.nodes.includes(node)) return blocked('node holds no replica');
    if (!d.primaries.includes(node)) return blocked('DRBD replica is Secondary');
    if (d.suspended.includes(node)) return blocked('DRBD I/O suspended until the peer is fenced');
  }
  const w: DiskWrite = { seq: state.writes + 1, t, node, resource, ...(service !== undefined ? { service } : {}) };
  const key = `${node}\u0000${resource}`;
  const recent = { ...state.recent, [key]: [...(state.recent[key] ?? []), w].slice(-RECENT_PER_KEY) };
  let drbd = state.drbd;
  if (d !== undefined && !d.connected) {
    drbd = { ...drbd, [resource]: { ...d, unreplicated: { ...d.unreplicated, [node]: [...(d.unreplicated[node] ?? []), w].slice(-RECENT_PER_KEY) } } };
  }
  return { state: { ...state, writes: w.seq, recent, drbd }, events: [{ kind: 'write', write: w }] };
}

/** The DLM of `node` blocks or resumes (the host derives it from fencing and quorum). */
export function setDlmFrozen(state: StorageState, node: string, frozen: boolean, reason: string): StorageStep {
  const is = state.dlmFrozen.includes(node);
  if (is === frozen) return { state, events: [] };
  const dlmFrozen = frozen ? [...state.dlmFrozen, node] : state.dlmFrozen.filter((n) => n !== node);
  return { state: { ...state, dlmFrozen }, events: [{ kind: frozen ? 'frozen' : 'thawed', node, reason }] };
}

export function setFabricFenced(state: StorageState, node: string, fenced: boolean): StorageState {
  const is = state.fabricFenced.includes(node);
  if (is === fenced) return state;
  return { ...state, fabricFenced: fenced ? [...state.fabricFenced, node] : state.fabricFenced.filter((n) => n !== node) };
}

/**
 * The replication link of `resource` went down (`up=false`) or came back. Going down
 * suspends Primaries whose policy is resource-and-stonith and asks for the peer's
 * fence; coming back finds split brain when both sides wrote alone.
 */
export function setDrbdLink(state: StorageState, resource: string, up: boolean, alive: readonly string[]): StorageStep {
  const d = state.drbd[resource];
  if (d === undefined || d.connected === up || d.splitBrain) return { state, events: [] };
  if (!up && !d.connected) return { state, events: [] };
  if (!up) {
    const stonith = d.config.fencing === 'resource-and-stonith';
    const suspended = stonith ? d.primaries.filter((n) => alive.includes(n)) : [];
    const events: StorageEvent[] = [{ kind: 'drbd-disconnected', resource }];
    for (const n of suspended) events.push({ kind: 'fence-peer', resource, node: n, peer: peerOf(d.config, n) });
    return { state: withDrbd(state, { ...d, connected: false, suspended, unreplicated: {} }), events };
  }
  const [a, b] = d.config.nodes;
  const wa = d.unreplicated[a] ?? [];
  const wb = d.unreplicated[b] ?? [];
  if (wa.length > 0 && wb.length > 0) {
    const proof = [...wa.slice(-2), ...wb.slice(-2)].sort((x, y) => x.seq - y.seq);
    return { state: withDrbd(state, { ...d, splitBrain: true }), events: [{ kind: 'split-brain', resource, proof }] };
  }
  return { state: withDrbd(state, { ...d, connected: true, unreplicated: {}, suspended: [] }), events: [{ kind: 'drbd-connected', resource }] };
}

/** The fence-peer handler returned: the peer was fenced, so I/O resumes on `node`. */
export function drbdPeerFenced(state: StorageState, peer: string): StorageState {
  let next = state;
  for (const d of Object.values(state.drbd)) {
    if (!d.config.nodes.includes(peer) || d.suspended.length === 0) continue;
    next = withDrbd(next, { ...d, suspended: d.suspended.filter((n) => n === peer) });
  }
  return next;
}

/** A node restarted: its replica comes back Secondary (Primary again if dual-primary). */
export function drbdNodeRestarted(state: StorageState, node: string): StorageState {
  let next = state;
  for (const d of Object.values(state.drbd)) {
    if (!d.config.nodes.includes(node)) continue;
    const primaries = d.config.dualPrimary ? [...new Set([...d.primaries, node])] : d.primaries;
    next = withDrbd(next, { ...d, primaries, suspended: d.suspended.filter((n) => n !== node) });
  }
  return next;
}

/** Writes kept for proof: the last few of `node` on `resource`. */
export function recentWrites(state: StorageState, node: string, resource: string): readonly DiskWrite[] {
  return state.recent[`${node}\u0000${resource}`] ?? [];
}

export function drbdSplitBrain(state: StorageState, resource: string): boolean {
  return state.drbd[resource]?.splitBrain === true;
}

function withDrbd(state: StorageState, d: DrbdRuntime): StorageState {
  return { ...state, drbd: { ...state.drbd, [d.config.name]: d } };
}

function peerOf(c: DrbdConfig, node: string): string {
  return c.nodes[0] === node ? c.nodes[1] : c.nodes[0];
}
