/**
 * The quorum device's arbiter, corosync-qnetd, deciding which of the nodes
 * connected to it get the device's vote (its reply ACK or NACK to each
 * node's corosync-qdevice).
 *
 * Theory of operation: every connected node reports its ring (id and members).
 * Nodes with the same ring id form one partition. Heuristics are not modelled
 * (mode off): every connected node scores the same.
 *
 * - ffsplit (qnetd-algo-ffsplit.c): a partition holding more than half of the
 *   configured nodes wins; in an odd-sized cluster nothing else can. In an even
 *   50:50 split the partition with more connected nodes wins, then the one
 *   holding the tie_breaker node (lowest / highest configured node id, or the
 *   node id given) — so at most one partition ever has the vote.
 * - lms (qnetd-algo-lms.c): a single partition always gets the vote ("this is
 *   votequorum's problem"); of several, the one with the most connected nodes,
 *   then the one holding the tie_breaker node among the connected nodes.
 *
 * Rules: pure; the result lists the node ids that get ACK.
 */
export type QnetdAlgorithm = 'ffsplit' | 'lms';
export type QnetdTieBreaker = 'lowest' | 'highest' | number;

export interface QnetdClient {
  readonly nodeId: number;
  /** The ring id as a comparable key, e.g. "1.12". */
  readonly ring: string;
  readonly members: readonly number[];
}

interface Partition {
  readonly ring: string;
  readonly members: readonly number[];
  readonly clients: number[];
}

function partitions(clients: readonly QnetdClient[]): Partition[] {
  const byRing = new Map<string, Partition>();
  for (const c of [...clients].sort((a, b) => a.nodeId - b.nodeId)) {
    const p = byRing.get(c.ring);
    if (p) p.clients.push(c.nodeId);
    else byRing.set(c.ring, { ring: c.ring, members: c.members, clients: [c.nodeId] });
  }
  return [...byRing.values()];
}

function preferredNode(tie: QnetdTieBreaker, ids: readonly number[]): number | undefined {
  if (typeof tie === 'number') return tie;
  if (ids.length === 0) return undefined;
  return tie === 'lowest' ? Math.min(...ids) : Math.max(...ids);
}

/** ffsplit's partition comparison: is `a` better than the best so far (`b`, possibly none)? */
function ffsplitBetter(a: Partition, b: Partition | undefined, configNodes: readonly number[], tie: QnetdTieBreaker): boolean {
  const half = configNodes.length / 2;
  if (configNodes.length % 2 !== 0) return a.members.length > Math.floor(half);
  if (a.members.length > half) return true;
  if (a.members.length < half) return false;
  const bClients = b?.clients.length ?? 0;
  if (a.clients.length !== bClients) return a.clients.length > bClients;
  const preferred = preferredNode(tie, configNodes);
  return preferred !== undefined && a.members.includes(preferred);
}

function ffsplit(parts: readonly Partition[], configNodes: readonly number[], tie: QnetdTieBreaker): Partition | undefined {
  let best: Partition | undefined;
  for (const p of parts) if (ffsplitBetter(p, best, configNodes, tie)) best = p;
  return best;
}

function lms(parts: readonly Partition[], clients: readonly QnetdClient[], tie: QnetdTieBreaker): Partition | undefined {
  if (parts.length <= 1) return parts[0];
  const most = Math.max(...parts.map((p) => p.clients.length));
  const largest = parts.filter((p) => p.clients.length === most);
  if (largest.length === 1) return largest[0];
  const tb = preferredNode(tie, clients.map((c) => c.nodeId));
  return parts.find((p) => tb !== undefined && p.clients.includes(tb));
}

/** The node ids qnetd answers ACK: the members, connected to it, of the partition that gets the vote. */
export function qnetdVotes(algorithm: QnetdAlgorithm, tie: QnetdTieBreaker, configNodes: readonly number[], clients: readonly QnetdClient[]): Set<number> {
  const parts = partitions(clients);
  const winner = algorithm === 'ffsplit' ? ffsplit(parts, configNodes, tie) : lms(parts, clients, tie);
  return new Set(winner?.clients ?? []);
}
