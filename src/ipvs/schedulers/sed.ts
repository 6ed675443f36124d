/**
 * sed — shortest expected delay (net/netfilter/ipvs/ip_vs_sed.c).
 *
 * Theory of operation: exactly wlc's scan (first non-overloaded dest with weight
 * > 0, then strict cross-multiplied `>`), with the overhead `activeconns + 1`:
 * inactive connections are ignored and the +1 stands for the new connection.
 */
import type { Dest, Scheduler, Service } from '../types.js';
import { wlcPick } from './wlc.js';

export const sedOverhead = (d: Dest): number => d.activeconns + 1;

export const sed: Scheduler = {
  name: 'sed',
  initService: () => undefined,
  schedule: (svc: Service) => wlcPick(svc.dests, sedOverhead),
};
