/**
 * lc — least connection (net/netfilter/ipvs/ip_vs_lc.c).
 *
 * Theory of operation: one scan from the list head; skip overloaded dests and
 * dests of weight 0 (any other weight is ignored); keep the first dest with the
 * smallest overhead, replacing it only on a strictly smaller overhead — so ties
 * go to the earliest in the list, i.e. the most recently added.
 */
import { isOverloaded, overhead } from '../dest.js';
import type { Dest, Scheduler, Service } from '../types.js';

export const lc: Scheduler = {
  name: 'lc',
  initService: () => undefined,
  schedule(svc: Service) {
    let least: Dest | undefined;
    let loh = 0;
    for (const d of svc.dests) {
      if (isOverloaded(d) || d.weight === 0) continue;
      const doh = overhead(d);
      if (least === undefined || doh < loh) {
        least = d;
        loh = doh;
      }
    }
    return least;
  },
};
