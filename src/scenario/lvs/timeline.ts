/**
 * The load-balancing part of a timeline: each director's connection counters
 * per real server (sampled), its health checker's verdicts, and what happened
 * to every client connection, and where the clients' router sent each VIP —
 * read from `lvs-conns`, `lvs-check`, `lvs-client` and `lvs-arp` observations.
 *
 * Theory of operation: the records are kept as they came, in sequence order,
 * and the questions assertions ask are answered from them at an instant t
 * ("after everything at or before t"):
 * - counters: the last sample at or before t of (director, service, server); a
 *   director samples every second, and only records changes;
 * - check state: the last verdict at or before t, unless the director's node
 *   was stopped or killed after it (then it has no view: undefined);
 * - client outcomes: how many of a kind happened at or before t.
 * Without `on DIRECTOR`, "the director" is the one holding the virtual
 * service's VIP at t — the one the clients reach; when two hold it (split
 * brain), their counters add up and a check state must agree.
 */
import type { ClusterEvent, LvsClientOutcome } from '../../core/backend.js';
import type { NodeId } from '../../core/ids.js';
import type { Instant } from '../../core/time.js';

export interface TimelineRealServer {
  readonly id: NodeId;
  readonly address: string;
  /** The virtual services ("VIP:PORT") it is a real server of. */
  readonly services: readonly string[];
}

export interface TimelineLvsService {
  /** "VIP:PORT", as events and expectations name it. */
  readonly name: string;
  readonly vip: string;
  readonly port: number;
  /** Director nodes that have it. */
  readonly directors: readonly NodeId[];
}

export interface TimelineLvsMeta {
  readonly realServers: readonly TimelineRealServer[];
  readonly services: readonly TimelineLvsService[];
  /** The clients' node (the router they sit behind). */
  readonly clients: NodeId;
}

export interface TimelineConnSample {
  readonly seq: number;
  readonly at: Instant;
  readonly director: NodeId;
  readonly service: string;
  readonly server: NodeId;
  readonly active: number;
  readonly inactive: number;
}

export interface TimelineCheck {
  readonly seq: number;
  readonly at: Instant;
  readonly director: NodeId;
  readonly service: string;
  readonly server: NodeId;
  readonly up: boolean;
  readonly reason: string;
}

export interface TimelineClientOutcome {
  readonly seq: number;
  readonly at: Instant;
  readonly outcome: LvsClientOutcome;
  readonly service: string;
  readonly client: string;
  readonly server?: NodeId;
  readonly reason: string;
}

/** The clients' router's ARP cache sent `address` to `owner` from `at` on (no owner: it gave up, FAILED). */
export interface TimelineArp {
  readonly seq: number;
  readonly at: Instant;
  readonly address: string;
  readonly owner?: NodeId;
  readonly reason: string;
}

export interface TimelineLvs extends TimelineLvsMeta {
  readonly conns: readonly TimelineConnSample[];
  readonly checks: readonly TimelineCheck[];
  readonly clientOutcomes: readonly TimelineClientOutcome[];
  readonly arp: readonly TimelineArp[];
  /** When each director's node went down (stop or kill): its check view ends there. */
  readonly directorDowns: readonly { readonly seq: number; readonly at: Instant; readonly node: NodeId }[];
}

export const CLIENT_OUTCOMES: readonly LvsClientOutcome[] = ['opened', 'completed', 'broken', 'refused', 'timed-out'];

/** Counters a question can ask for. */
export type ConnMeasure = 'active' | 'inactive' | 'total';

// ---------------------------------------------------------------- building

type Entry =
  | { readonly kind: 'lvs-conns'; readonly at: Instant; readonly node: NodeId; readonly service: string; readonly server: string; readonly active: number; readonly inactive: number }
  | { readonly kind: 'lvs-check'; readonly at: Instant; readonly node: NodeId; readonly service: string; readonly server: string; readonly up: boolean; readonly reason: string }
  | { readonly kind: 'lvs-client'; readonly at: Instant; readonly outcome: LvsClientOutcome; readonly service: string; readonly client: string; readonly server?: string; readonly reason: string }
  | { readonly kind: 'lvs-arp'; readonly at: Instant; readonly address: string; readonly owner?: NodeId; readonly reason: string }
  | { readonly kind: 'applied' | 'event'; readonly at: Instant; readonly event: ClusterEvent }
  | { readonly kind: string; readonly at: Instant };

/** The LVS records of a run, from the merged entries (observations and applied events) in order. */
export function buildLvs(meta: TimelineLvsMeta, entries: readonly Entry[]): TimelineLvs {
  const conns: TimelineConnSample[] = [];
  const checks: TimelineCheck[] = [];
  const clientOutcomes: TimelineClientOutcome[] = [];
  const arp: TimelineArp[] = [];
  const directorDowns: { seq: number; at: Instant; node: NodeId }[] = [];
  const directors = new Set(meta.services.flatMap((s) => s.directors));
  entries.forEach((e, seq) => {
    if (e.kind === 'lvs-conns' && 'active' in e) conns.push({ seq, at: e.at, director: e.node, service: e.service, server: e.server, active: e.active, inactive: e.inactive });
    else if (e.kind === 'lvs-check' && 'up' in e) checks.push({ seq, at: e.at, director: e.node, service: e.service, server: e.server, up: e.up, reason: e.reason });
    else if (e.kind === 'lvs-client' && 'outcome' in e) {
      clientOutcomes.push({ seq, at: e.at, outcome: e.outcome, service: e.service, client: e.client, ...(e.server === undefined ? {} : { server: e.server }), reason: e.reason });
    } else if (e.kind === 'lvs-arp' && 'address' in e) {
      arp.push({ seq, at: e.at, address: e.address, ...(e.owner === undefined ? {} : { owner: e.owner }), reason: e.reason });
    } else if ((e.kind === 'applied' || e.kind === 'event') && 'event' in e) {
      const ev = e.event;
      if ((ev.kind === 'stop' || ev.kind === 'kill') && directors.has(ev.node)) directorDowns.push({ seq, at: e.at, node: ev.node });
    }
  });
  return { ...meta, conns, checks, clientOutcomes, arp, directorDowns };
}

// ---------------------------------------------------------------- queries

/** The real server a name stands for: its id, its address, or either with ":PORT" to pick one service. */
export function resolveServer(lvs: TimelineLvsMeta, name: string): { readonly server: TimelineRealServer; readonly services: readonly string[] } | undefined {
  const direct = lvs.realServers.find((r) => r.id === name || r.address === name);
  if (direct !== undefined) return { server: direct, services: direct.services };
  const colon = name.lastIndexOf(':');
  if (colon <= 0) return undefined;
  const base = lvs.realServers.find((r) => r.id === name.slice(0, colon) || r.address === name.slice(0, colon));
  const port = Number(name.slice(colon + 1));
  if (base === undefined) return undefined;
  const services = base.services.filter((s) => lvs.services.find((x) => x.name === s)?.port === port);
  return services.length === 0 ? undefined : { server: base, services };
}

/** The directors a question is about at t: the one named, else the holders of the service's VIP. */
export function directorsFor(service: TimelineLvsService, director: NodeId | undefined, holders: (vip: string) => readonly NodeId[]): readonly NodeId[] {
  if (director !== undefined) return [director];
  return holders(service.vip).filter((n) => service.directors.includes(n));
}

/** The last record at or before t matching `pick` (records are in time order). */
function lastAtOrBefore<R extends { readonly at: Instant }>(records: readonly R[], t: Instant, pick: (r: R) => boolean): R | undefined {
  let found: R | undefined;
  for (const r of records) {
    if (r.at > t) break;
    if (pick(r)) found = r;
  }
  return found;
}

export function connsAt(lvs: TimelineLvs, director: NodeId, service: string, server: NodeId, t: Instant, measure: ConnMeasure): number {
  const s = lastAtOrBefore(lvs.conns, t, (r) => r.director === director && r.service === service && r.server === server);
  if (s === undefined) return 0;
  return measure === 'active' ? s.active : measure === 'inactive' ? s.inactive : s.active + s.inactive;
}

/** The director's verdict on the server at t; undefined when it has given none, or its node went down since. */
export function checkAt(lvs: TimelineLvs, director: NodeId, service: string, server: NodeId, t: Instant): TimelineCheck | undefined {
  const c = lastAtOrBefore(lvs.checks, t, (r) => r.director === director && r.service === service && r.server === server);
  if (c === undefined) return undefined;
  const down = lastAtOrBefore(lvs.directorDowns, t, (d) => d.node === director);
  return down !== undefined && down.seq > c.seq ? undefined : c;
}

/** Client connections with this outcome at or before t (of one service, or all). */
export function clientCountAt(lvs: TimelineLvs, outcome: LvsClientOutcome, t: Instant, service?: string): number {
  let n = 0;
  for (const o of lvs.clientOutcomes) {
    if (o.at > t) break;
    if (o.outcome === outcome && (service === undefined || o.service === service)) n++;
  }
  return n;
}

/** Every instant at which an LVS record changes something. */
export function lvsChangePoints(lvs: TimelineLvs): Instant[] {
  return [...lvs.conns.map((r) => r.at), ...lvs.checks.map((r) => r.at), ...lvs.clientOutcomes.map((r) => r.at), ...lvs.directorDowns.map((r) => r.at)];
}
