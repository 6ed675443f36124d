/**
 * The election table: who is master of one virtual router under every
 * combination of tracker outcomes.
 *
 * Theory of operation. A virtual router is the set of `vrrp_instance`s that share
 * an interface name and a VRID across the nodes of one cluster. Each node's
 * trackers (track_script, track_interface) are independent variables, up or
 * down: a script failing on lb1 says nothing about the same script on lb2. For
 * each combination we compute every node's effective priority as keepalived 2.2.7
 * does (research §2.10) and pick the master as VRRP does: the highest effective
 * priority among nodes not in FAULT; on equal priority the higher primary IP
 * address wins (RFC 3768 §6.4.3).
 *
 * Rules (keepalived 2.2.7, research §2.10):
 * - base 255 (address owner): effective is pinned at 255. Weighted trackers were
 *   already dropped by keepalived; weight-0 trackers can still fault it.
 * - otherwise effective = clamp(base + Σ contributions, 1, 254), where a tracker
 *   of weight w (m = −1 with `reverse`, else +1) contributes w·m when up if w > 0,
 *   and w·m when down if w < 0.
 * - weight 0: down means FAULT (with `reverse`, up means FAULT).
 *
 * The arithmetic is the engine's own (src/vrrp/rfc3768.ts), so the table and a
 * simulation cannot disagree on an effective priority.
 *
 * The table is pure data: the CLI prints it as a grid or as JSON, and the rules
 * in election.ts read findings off it.
 */
import { effectivePriority, PRIORITY_OWNER, trackerContribution } from '../../core/rfc3768.js';

/** Where a setting was written; the rules anchor their diagnostics here. */
export interface ElectionSource {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export interface ElectionTracker {
  /** Unique within a table, e.g. `lb1:chk_nginx` or `lb1:if eth1`. */
  readonly id: string;
  readonly node: string;
  readonly kind: 'script' | 'interface';
  readonly name: string;
  readonly weight: number;
  readonly reverse: boolean;
  readonly source?: ElectionSource;
}

export interface ElectionNode {
  /** Short label for the node (usually the config file's base name). */
  readonly node: string;
  readonly file: string;
  readonly instance: string;
  /** Configured priority after keepalived's defaults (100, or 255 for `state MASTER` without priority). */
  readonly basePriority: number;
  /** The advert source address when the config states it (unicast_src_ip / mcast_src_ip). */
  readonly address?: string;
  readonly trackers: readonly ElectionTracker[];
  readonly stateMaster: boolean;
  readonly nopreempt: boolean;
  readonly prioritySource?: ElectionSource;
  readonly instanceSource?: ElectionSource;
}

export interface VirtualRouterInput {
  readonly interface: string;
  readonly vrid: number;
  readonly nodes: readonly ElectionNode[];
}

export type NodeOutcome =
  | { readonly node: string; readonly fault: true; readonly faultedBy: readonly string[] }
  | { readonly node: string; readonly fault: false; readonly total: number; readonly effective: number };

export type MasterOutcome =
  | { readonly kind: 'node'; readonly node: string; readonly priority: number }
  /** Equal top priority: the higher primary IP wins; `node` is set when every tied address is known. */
  | { readonly kind: 'tie'; readonly nodes: readonly string[]; readonly priority: number; readonly node?: string; readonly address?: string }
  | { readonly kind: 'none' };

export interface ElectionRow {
  /** Tracker ids that are down in this combination (empty: all up). */
  readonly down: readonly string[];
  readonly nodes: readonly NodeOutcome[];
  readonly master: MasterOutcome;
}

export interface ElectionTable {
  readonly interface: string;
  readonly vrid: number;
  readonly nodes: readonly ElectionNode[];
  readonly trackers: readonly ElectionTracker[];
  readonly rows: readonly ElectionRow[];
  /** False when there were too many trackers to enumerate every combination. */
  readonly complete: boolean;
  readonly note?: string;
}

/** 2^8 = 256 rows is the most a person can read, and fast to compute. */
export const MAX_ENUMERATED_TRACKERS = 8;


export function buildElectionTable(router: VirtualRouterInput): ElectionTable {
  const trackers = router.nodes.flatMap((n) => n.trackers);
  const complete = trackers.length <= MAX_ENUMERATED_TRACKERS;
  const combos = complete ? allCombinations(trackers.length) : sampledCombinations(router.nodes, trackers);
  const rows = combos.map((downIdx) => {
    const down = new Set(downIdx.map((i) => trackers[i]!.id));
    const nodes = router.nodes.map((n) => nodeOutcome(n, down));
    return { down: [...down], nodes, master: electMaster(router.nodes, nodes) };
  });
  const note = complete
    ? undefined
    : `${trackers.length} trackers would give ${2 ** trackers.length} combinations; showing all up, ` +
      'each tracker down alone, and each node with all its trackers down';
  return { interface: router.interface, vrid: router.vrid, nodes: router.nodes, trackers, rows, complete, ...(note ? { note } : {}) };
}

/** One node's effective priority, or FAULT, with the given trackers down. */
export function nodeOutcome(node: ElectionNode, down: ReadonlySet<string>): NodeOutcome {
  const faultedBy = node.trackers
    .filter((t) => t.weight === 0 && down.has(t.id) !== t.reverse)
    .map((t) => t.id);
  if (faultedBy.length > 0) return { node: node.node, fault: true, faultedBy };
  if (node.basePriority >= PRIORITY_OWNER) return { node: node.node, fault: false, total: PRIORITY_OWNER, effective: PRIORITY_OWNER };
  const total = node.basePriority + node.trackers.reduce((sum, t) => sum + trackerContribution(t.weight, t.reverse, !down.has(t.id)), 0);
  return { node: node.node, fault: false, total, effective: effectivePriority(node.basePriority, total) };
}

function electMaster(config: readonly ElectionNode[], outcomes: readonly NodeOutcome[]): MasterOutcome {
  const alive = outcomes.filter((o): o is Extract<NodeOutcome, { fault: false }> => !o.fault);
  if (alive.length === 0) return { kind: 'none' };
  const top = Math.max(...alive.map((o) => o.effective));
  const tied = alive.filter((o) => o.effective === top).map((o) => o.node);
  if (tied.length === 1) return { kind: 'node', node: tied[0]!, priority: top };
  const addresses = tied.map((name) => config.find((n) => n.node === name)?.address);
  if (addresses.some((a) => a === undefined || addressKey(a) === undefined)) return { kind: 'tie', nodes: tied, priority: top };
  let best = 0;
  for (let i = 1; i < tied.length; i++) if (compareAddresses(addresses[i]!, addresses[best]!) > 0) best = i;
  return { kind: 'tie', nodes: tied, priority: top, node: tied[best]!, address: addresses[best]! };
}

/**
 * Orders addresses as keepalived does (numerically, as unsigned integers in host
 * order: research §2.5). Unparseable addresses compare equal.
 */
export function compareAddresses(a: string, b: string): number {
  const ka = addressKey(a);
  const kb = addressKey(b);
  if (ka === undefined || kb === undefined) return 0;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

function addressKey(address: string): bigint | undefined {
  const bare = address.split('/')[0] ?? '';
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(bare);
  if (v4) {
    const parts = v4.slice(1).map(Number);
    if (parts.some((p) => p > 255)) return undefined;
    return parts.reduce((acc, p) => acc * 256n + BigInt(p), 0n);
  }
  if (!bare.includes(':')) return undefined;
  const [head = '', tail, extra] = bare.split('::');
  if (extra !== undefined) return undefined;
  const h = head === '' ? [] : head.split(':');
  const t = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  if (groups.length !== 8 || groups.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  return groups.reduce((acc, g) => acc * 65536n + BigInt(parseInt(g, 16)), 0n);
}

/** Every subset of tracker indexes, ordered by how many are down, then by index. */
function allCombinations(n: number): number[][] {
  const subsets: number[][] = [];
  for (let mask = 0; mask < 2 ** n; mask++) {
    const down: number[] = [];
    for (let i = 0; i < n; i++) if (mask & (1 << i)) down.push(i);
    subsets.push(down);
  }
  return subsets.sort((a, b) => a.length - b.length || compareIndexLists(a, b));
}

function compareIndexLists(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/** Too many trackers: all up, each one down alone, and each node fully down. */
function sampledCombinations(nodes: readonly ElectionNode[], trackers: readonly ElectionTracker[]): number[][] {
  const combos: number[][] = [[], ...trackers.map((_, i) => [i])];
  for (const n of nodes) {
    const idx = trackers.flatMap((t, i) => (t.node === n.node ? [i] : []));
    if (idx.length > 1) combos.push(idx);
  }
  return combos;
}

/** A stable text key for an outcome, to see whether a tracker changes it. */
export function masterKey(m: MasterOutcome): string {
  switch (m.kind) {
    case 'node':
      return `node:${m.node}`;
    case 'tie':
      return m.node !== undefined ? `node:${m.node}` : `tie:${[...m.nodes].sort().join(',')}`;
    case 'none':
      return 'none';
  }
}
