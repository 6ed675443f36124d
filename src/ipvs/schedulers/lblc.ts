/**
 * lblc — locality-based least connection (net/netfilter/ipvs/ip_vs_lblc.c).
 *
 * Theory of operation: a cache maps each DESTINATION address (cache clusters
 * balance by the origin a client asks for) to the dest that served it. On a hit
 * (lastuse := now) the cached dest is kept if it is still available (not
 * deleted), has weight > 0 and is not "lblc-overloaded": activeconns > weight
 * while some dest in the service has activeconns * 2 < weight. Note the OVERLOAD
 * flag is NOT checked on a hit. Otherwise wlc picks over the whole list and the
 * entry is created or repointed.
 *
 * The kernel's cache is a 1024-bucket hash table with a garbage collector
 * (entries idle for lblc_expiration, default 24 h, dropped on a 30-minute sweep;
 * pressure pruning above 16384 entries). Buckets do not change which dest is
 * chosen; `lblcExpire` applies the expiry rule when a caller advances time.
 */
import { isAvailable } from '../dest.js';
import type { ConnKey, Dest, ScheduleContext, Scheduler, Service } from '../types.js';
import { wlcPick } from './wlc.js';

export const LBLC_DEFAULT_EXPIRATION_US = 24 * 60 * 60 * 1_000_000;

export interface LblcEntry { dest: Dest; lastuse: number }
export interface LblcState { cache: Map<number, LblcEntry> }

/** `is_overloaded` of lblc/lblcr: busy beyond its weight while someone else is under half. */
export function lblcOverloaded(dest: Dest, svc: Service): boolean {
  if (dest.activeconns > dest.weight) {
    for (const d of svc.dests) if (d.activeconns * 2 < d.weight) return true;
  }
  return false;
}

/** The full GC sweep: drop entries idle for at least the expiration. */
export function lblcExpire(svc: Service, now: number): void {
  const s = svc.schedData as LblcState;
  const ttl = svc.options.expirationUs ?? LBLC_DEFAULT_EXPIRATION_US;
  for (const [k, en] of s.cache) if (now >= en.lastuse + ttl) s.cache.delete(k);
}

export const lblc: Scheduler = {
  name: 'lblc',
  initService: (): LblcState => ({ cache: new Map() }),
  schedule(svc: Service, conn: ConnKey, ctx: ScheduleContext) {
    const s = svc.schedData as LblcState;
    const en = s.cache.get(conn.daddr);
    if (en !== undefined) {
      en.lastuse = ctx.now;
      const d = en.dest;
      if (isAvailable(d) && d.weight > 0 && !lblcOverloaded(d, svc)) return d;
    }
    const d = wlcPick(svc.dests);
    if (d === undefined) return undefined;
    if (en !== undefined) en.dest = d;
    else s.cache.set(conn.daddr, { dest: d, lastuse: ctx.now });
    return d;
  },
};
