/**
 * dh — destination hashing (net/netfilter/ipvs/ip_vs_dh.c).
 *
 * Theory of operation: 256 buckets filled round-robin from the list head (bucket
 * i gets dest i mod n; weights play no part), refilled on add and delete only —
 * the kernel has no `upd_dest` hook for dh. The packet's DESTINATION address
 * picks the bucket: `hash_32(daddr, 8)`. The bucket's dest is used if it is
 * available, has weight > 0 and is not overloaded; there is no fallback.
 */
import { isAvailable, isOverloaded } from '../dest.js';
import { hash32, legacyHash } from '../hash.js';
import type { ConnKey, Dest, Scheduler, Service } from '../types.js';

export const DH_TAB_BITS = 8;
export const DH_TAB_SIZE = 1 << DH_TAB_BITS;

export interface DhState {
  buckets: (Dest | undefined)[];
}

function reassign(svc: Service): void {
  const s = svc.schedData as DhState;
  const n = svc.dests.length;
  for (let i = 0; i < DH_TAB_SIZE; i++) s.buckets[i] = n === 0 ? undefined : svc.dests[i % n];
}

export function dhBucket(svc: Service, daddr: number): number {
  return svc.options.hashVariant === 'legacy' ? legacyHash(daddr, DH_TAB_BITS) : hash32(daddr, DH_TAB_BITS);
}

export const dh: Scheduler = {
  name: 'dh',
  initService(svc: Service): DhState {
    const s: DhState = { buckets: new Array<Dest | undefined>(DH_TAB_SIZE).fill(undefined) };
    svc.schedData = s;
    reassign(svc);
    return s;
  },
  addDest: reassign,
  delDest: reassign,
  schedule(svc: Service, conn: ConnKey) {
    const d = (svc.schedData as DhState).buckets[dhBucket(svc, conn.daddr)];
    if (d === undefined || !isAvailable(d) || d.weight <= 0 || isOverloaded(d)) return undefined;
    return d;
  },
};
