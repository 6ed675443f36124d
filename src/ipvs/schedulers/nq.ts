/**
 * nq — never queue (net/netfilter/ipvs/ip_vs_nq.c).
 *
 * Theory of operation: one scan from the head skipping overloaded and weight-0
 * dests. The first dest with no active connection is returned at once (inactive
 * ones do not count). Otherwise sed's rule decides: overhead `activeconns + 1`,
 * replace on strict `loh * d.weight > doh * least.weight`, ties to the earliest.
 */
import { isOverloaded } from '../dest.js';
import type { Dest, Scheduler, Service } from '../types.js';

export const nq: Scheduler = {
  name: 'nq',
  initService: () => undefined,
  schedule(svc: Service) {
    let least: Dest | undefined;
    let loh = 0;
    for (const d of svc.dests) {
      if (isOverloaded(d) || d.weight === 0) continue;
      const doh = d.activeconns + 1;
      if (d.activeconns === 0) return d;
      if (least === undefined || loh * d.weight > doh * least.weight) {
        least = d;
        loh = doh;
      }
    }
    return least;
  },
};
