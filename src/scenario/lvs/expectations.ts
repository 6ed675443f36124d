/**
 * The load-balancing facts an expectation can state, read from a timeline's
 * LVS part (timeline.ts):
 *
 *     conns SERVER [active|inactive|total] OP N [on DIRECTOR]
 *     checkstate SERVER up|down [on DIRECTOR]
 *     OUTCOME OP N            (OUTCOME: opened completed broken refused timed-out)
 *
 * SERVER is a real server's name (rs1), its address, or either with :PORT for
 * one of its services. Without `on`, the director is the VIP's holder at that
 * instant (the one clients reach). `conns` counts active connections unless told
 * otherwise — ipvsadm's ActiveConn, the number wlc weighs most. An OUTCOME counts
 * client connections that ended that way so far.
 */
import type { LvsClientOutcome } from '../../core/backend.js';
import type { NodeId } from '../../core/ids.js';
import type { Instant } from '../../core/time.js';
import { holdersAt, type Timeline } from '../timeline.js';
import { checkAt, clientCountAt, connsAt, directorsFor, resolveServer, type ConnMeasure, type TimelineLvs } from './timeline.js';

export type Comparison = '>=' | '<=' | '=' | '>' | '<';

export const COMPARISONS: readonly Comparison[] = ['>=', '<=', '=', '>', '<'];

export type LvsPredicate =
  | { readonly kind: 'conns'; readonly server: string; readonly measure: ConnMeasure; readonly op: Comparison; readonly value: number; readonly director?: NodeId }
  | { readonly kind: 'checkstate'; readonly server: string; readonly up: boolean; readonly director?: NodeId }
  | { readonly kind: 'clients'; readonly outcome: LvsClientOutcome; readonly op: Comparison; readonly value: number };

export function compare(a: number, op: Comparison, b: number): boolean {
  switch (op) {
    case '>=': return a >= b;
    case '<=': return a <= b;
    case '=': return a === b;
    case '>': return a > b;
    case '<': return a < b;
  }
}

const MEASURE_WORDS: Record<ConnMeasure, string> = { active: 'active connections', inactive: 'inactive connections', total: 'connections (active and inactive)' };
const on = (director: NodeId | undefined): string => (director === undefined ? 'the VIP holder' : director);

export function describeLvsPredicate(p: LvsPredicate): string {
  switch (p.kind) {
    case 'conns': return `${p.server} has ${p.op} ${p.value} ${MEASURE_WORDS[p.measure]} on ${on(p.director)}`;
    case 'checkstate': return `${on(p.director)} checks ${p.server} ${p.up ? 'up' : 'down'}`;
    case 'clients': return `${p.op} ${p.value} client connections ${p.outcome}`;
  }
}

export function evaluateLvs(tl: Timeline, p: LvsPredicate, t: Instant): { readonly ok: boolean; readonly actual: string } {
  const lvs = tl.lvs;
  if (lvs === undefined) return { ok: false, actual: 'this cluster has no virtual servers' };
  if (p.kind === 'clients') {
    const n = clientCountAt(lvs, p.outcome, t);
    return { ok: compare(n, p.op, p.value), actual: `${n} client connections ${p.outcome}` };
  }
  const found = resolveServer(lvs, p.server);
  if (found === undefined) return { ok: false, actual: `there is no real server ${p.server} (real servers: ${lvs.realServers.map((r) => r.id).join(', ')})` };
  return p.kind === 'conns' ? conns(tl, lvs, p, found.server.id, found.services, t) : checkstate(tl, lvs, p, found.server.id, found.services, t);
}

/** The directors per service the question is about, and who holds what when nobody is named. */
function views(tl: Timeline, lvs: TimelineLvs, services: readonly string[], director: NodeId | undefined, t: Instant): { service: string; directors: readonly NodeId[] }[] {
  return services.flatMap((name) => {
    const service = lvs.services.find((s) => s.name === name);
    return service === undefined ? [] : [{ service: name, directors: directorsFor(service, director, (vip) => holdersAt(tl, vip, t)) }];
  });
}

function conns(tl: Timeline, lvs: TimelineLvs, p: Extract<LvsPredicate, { kind: 'conns' }>, server: NodeId, services: readonly string[], t: Instant) {
  const vs = views(tl, lvs, services, p.director, t);
  let n = 0;
  for (const v of vs) for (const d of v.directors) n += connsAt(lvs, d, v.service, server, t, p.measure);
  const where = vs.every((v) => v.directors.length === 0) ? ' (no director holds the VIP)' : ` on ${[...new Set(vs.flatMap((v) => v.directors))].join(' and ')}`;
  return { ok: compare(n, p.op, p.value), actual: `${server} has ${n} ${MEASURE_WORDS[p.measure]}${where}` };
}

function checkstate(tl: Timeline, lvs: TimelineLvs, p: Extract<LvsPredicate, { kind: 'checkstate' }>, server: NodeId, services: readonly string[], t: Instant) {
  const seen: string[] = [];
  let ok = true;
  for (const v of views(tl, lvs, services, p.director, t)) {
    if (v.directors.length === 0) return { ok: false, actual: `no director holds the VIP of ${v.service}, so none checks ${server} for its clients` };
    for (const d of v.directors) {
      const c = checkAt(lvs, d, v.service, server, t);
      if (c === undefined) return { ok: false, actual: `${d} has no view of ${server} (keepalived is not running there)` };
      ok &&= c.up === p.up;
      seen.push(`${d} checks ${server} ${c.up ? 'up' : 'down'} (${c.reason})`);
    }
  }
  return { ok, actual: seen.join('; ') || `${server} is in no virtual service` };
}
