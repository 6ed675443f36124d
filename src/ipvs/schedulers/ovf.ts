/**
 * ovf — overflow (net/netfilter/ipvs/ip_vs_ovf.c).
 *
 * Theory of operation: the highest-weight dest that is not overloaded, has weight
 * > 0 and has `activeconns <= weight` (the kernel skips `activeconns > weight`,
 * so a dest takes new connections up to weight + 1 active). Ties go to the
 * earliest in the list (strict `>`).
 */
import { isOverloaded } from '../dest.js';
import type { Dest, Scheduler, Service } from '../types.js';

export const ovf: Scheduler = {
  name: 'ovf',
  initService: () => undefined,
  schedule(svc: Service) {
    let h: Dest | undefined;
    for (const d of svc.dests) {
      const w = d.weight;
      if (isOverloaded(d) || d.activeconns > w || w === 0) continue;
      if (h === undefined || w > h.weight) h = d;
    }
    return h;
  },
};
