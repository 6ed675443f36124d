/**
 * lblcr — locality-based least connection with replication
 * (net/netfilter/ipvs/ip_vs_lblcr.c).
 *
 * Theory of operation: like lblc, but each destination address maps to a SET of
 * dests (newest first, as `ip_vs_dest_set_insert` links at the head). On a hit
 * (lastuse := now): the set's weighted-least dest is found (first: not
 * overloaded, weight > 0, available; then strict cross-multiplied `>` among
 * non-overloaded available members). If the set has more than one member and
 * was last modified more than lblcr_expiration ago, its weighted-MOST-loaded
 * member (replace when `moh * w < doh * mw`, weight > 0) is dropped (which sets
 * lastmod := now) — the least dest chosen before the pruning is still used. The least dest is used unless missing or lblc-overloaded; then wlc
 * over the whole list picks one, which joins the set (lastmod := now). A miss
 * creates the entry with the wlc pick.
 */
import { isAvailable, isOverloaded, overhead } from '../dest.js';
import type { ConnKey, Dest, ScheduleContext, Scheduler, Service } from '../types.js';
import { LBLC_DEFAULT_EXPIRATION_US, lblcOverloaded } from './lblc.js';
import { wlcPick } from './wlc.js';

export interface LblcrEntry { set: Dest[]; lastmod: number; lastuse: number }
export interface LblcrState { cache: Map<number, LblcrEntry> }

function setMin(set: readonly Dest[]): Dest | undefined {
  let i = 0;
  let least: Dest | undefined;
  for (; i < set.length; i++) {
    const d = set[i] as Dest;
    if (isOverloaded(d)) continue;
    if (d.weight > 0 && isAvailable(d)) {
      least = d;
      break;
    }
  }
  if (least === undefined) return undefined;
  let loh = overhead(least);
  for (i = i + 1; i < set.length; i++) {
    const d = set[i] as Dest;
    if (isOverloaded(d)) continue;
    const doh = overhead(d);
    if (loh * d.weight > doh * least.weight && isAvailable(d)) {
      least = d;
      loh = doh;
    }
  }
  return least;
}

function setMax(set: readonly Dest[]): Dest | undefined {
  let i = 0;
  let most: Dest | undefined;
  for (; i < set.length; i++) {
    const d = set[i] as Dest;
    if (d.weight > 0) {
      most = d;
      break;
    }
  }
  if (most === undefined) return undefined;
  let moh = overhead(most);
  for (i = i + 1; i < set.length; i++) {
    const d = set[i] as Dest;
    const doh = overhead(d);
    if (moh * d.weight < doh * most.weight && d.weight > 0) {
      most = d;
      moh = doh;
    }
  }
  return most;
}

function insert(en: LblcrEntry, d: Dest, now: number): void {
  if (en.set.includes(d)) return;
  en.set.unshift(d);
  en.lastmod = now;
}

export const lblcr: Scheduler = {
  name: 'lblcr',
  initService: (): LblcrState => ({ cache: new Map() }),
  schedule(svc: Service, conn: ConnKey, ctx: ScheduleContext) {
    const s = svc.schedData as LblcrState;
    const en = s.cache.get(conn.daddr);
    if (en === undefined) {
      const d = wlcPick(svc.dests);
      if (d !== undefined) s.cache.set(conn.daddr, { set: [d], lastmod: ctx.now, lastuse: ctx.now });
      return d;
    }
    en.lastuse = ctx.now;
    const least = setMin(en.set);
    const ttl = svc.options.expirationUs ?? LBLC_DEFAULT_EXPIRATION_US;
    if (en.set.length > 1 && ctx.now > en.lastmod + ttl) {
      const m = setMax(en.set);
      if (m !== undefined) {
        en.set.splice(en.set.indexOf(m), 1);
        en.lastmod = ctx.now; // ip_vs_dest_set_erase marks the set modified
      }
    }
    if (least !== undefined && !lblcOverloaded(least, svc)) return least;
    const d = wlcPick(svc.dests);
    if (d === undefined) return undefined;
    insert(en, d, ctx.now);
    return d;
  },
};
