/**
 * sh — source hashing (net/netfilter/ipvs/ip_vs_sh.c, weighted fill, 3.11+).
 *
 * Theory of operation: a table of 256 buckets (`CONFIG_IP_VS_SH_TAB_BITS` = 8) is
 * refilled on every add, delete and edit: walking the list from the head, each
 * dest takes `weight` consecutive buckets before the walk moves on (wrapping),
 * and a weight-0 dest still takes one bucket per round because the kernel moves
 * on when `++count >= weight`. A client maps to bucket
 * `(offset + hash_32(port + saddr, 8)) & 255` with port = 0 unless the service
 * has `sh-port`. The bucket's dest is used unless its weight is <= 0 or it is
 * overloaded; then, with `sh-fallback`, offsets 0..255 are tried from the home
 * bucket's index (an empty bucket ends the search); without it there is no
 * destination.
 */
import { hashUnavailable } from '../dest.js';
import { hash32, legacyHash } from '../hash.js';
import { IP_VS_SVC_F_SCHED_FALLBACK, IP_VS_SVC_F_SCHED_PORT, type ConnKey, type Dest, type Scheduler, type Service } from '../types.js';

export const SH_TAB_BITS = 8;
export const SH_TAB_SIZE = 1 << SH_TAB_BITS;

export interface ShState {
  buckets: (Dest | undefined)[];
}

function reassign(svc: Service): void {
  const s = svc.schedData as ShState;
  const list = svc.dests;
  let p = 0;
  let count = 0;
  for (let i = 0; i < SH_TAB_SIZE; i++) {
    if (list.length === 0) {
      s.buckets[i] = undefined;
      continue;
    }
    const d = list[p] as Dest;
    s.buckets[i] = d;
    if (++count >= d.weight) {
      p = (p + 1) % list.length;
      count = 0;
    }
  }
}

function hashKey(svc: Service, addr: number, port: number, offset: number): number {
  const v = (port + addr) >>> 0;
  const h = svc.options.hashVariant === 'legacy' ? legacyHash(v, SH_TAB_BITS) : hash32(v, SH_TAB_BITS);
  return (offset + h) & (SH_TAB_SIZE - 1);
}

export function shLookup(svc: Service, conn: ConnKey): Dest | undefined {
  const s = svc.schedData as ShState;
  const port = (svc.flags & IP_VS_SVC_F_SCHED_PORT) !== 0 ? conn.sport : 0;
  const ihash = hashKey(svc, conn.saddr, port, 0);
  const home = s.buckets[ihash];
  if (home === undefined) return undefined;
  if (!hashUnavailable(home)) return home;
  if ((svc.flags & IP_VS_SVC_F_SCHED_FALLBACK) === 0) return undefined;
  for (let offset = 0; offset < SH_TAB_SIZE; offset++) {
    const roffset = (offset + ihash) % SH_TAB_SIZE;
    const d = s.buckets[hashKey(svc, conn.saddr, port, roffset)];
    if (d === undefined) return undefined;
    if (!hashUnavailable(d)) return d;
  }
  return undefined;
}

export const sh: Scheduler = {
  name: 'sh',
  initService(svc: Service): ShState {
    const s: ShState = { buckets: new Array<Dest | undefined>(SH_TAB_SIZE).fill(undefined) };
    svc.schedData = s;
    reassign(svc);
    return s;
  },
  addDest: reassign,
  delDest: reassign,
  updDest: reassign,
  schedule: (svc: Service, conn: ConnKey) => shLookup(svc, conn),
};
