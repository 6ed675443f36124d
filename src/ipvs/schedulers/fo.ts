/**
 * fo — weighted fail-over (net/netfilter/ipvs/ip_vs_fo.c).
 *
 * Theory of operation: the non-overloaded dest with the highest weight, found
 * with a strict `weight > best` starting from 0 — so weight 0 never wins and ties
 * go to the earliest in the list. Connection counts are not looked at.
 */
import { isOverloaded } from '../dest.js';
import type { Dest, Scheduler, Service } from '../types.js';

export const fo: Scheduler = {
  name: 'fo',
  initService: () => undefined,
  schedule(svc: Service) {
    let best: Dest | undefined;
    let hw = 0;
    for (const d of svc.dests) {
      if (!isOverloaded(d) && d.weight > hw) {
        best = d;
        hw = d.weight;
      }
    }
    return best;
  },
};
