/**
 * wrr — weighted round robin (net/netfilter/ipvs/ip_vs_wrr.c, the RCU-era
 * version with `mw = max - (di - 1)`).
 *
 * Theory of operation: state is `cl` (the last dest chosen, or the head), `cw`
 * (the current weight threshold), `mw` (max weight over ALL dests, overloaded ones
 * included, minus (di - 1)) and `di` (gcd of the positive weights, 1 if none).
 * A pick continues after `cl` and takes the first dest that is not overloaded
 * and whose weight >= cw. Reaching the end of the list lowers cw by di and
 * restarts at the head; when cw drops to 0 or below it wraps to mw. So one cycle
 * visits thresholds mw, mw-di, …, and a dest of weight w is picked w/di times,
 * interleaved by threshold.
 *
 * Every list change (add, delete, edit: `ip_vs_wrr_dest_changed`) resets `cl` to
 * the head, recomputes di and mw, then sets cw = mw if cw > mw or cw == 0, else
 * (when di > 1) rounds cw to (cw / di) * di + 1.
 *
 * Stopping when every dest is overloaded follows the kernel's `last_pass`,
 * `restarted` and `stop` bookkeeping exactly, including where `cl` is left.
 */
import { gcd, isOverloaded } from '../dest.js';
import type { Dest, Scheduler, Service } from '../types.js';

export interface WrrState {
  /** Index of the last dest chosen in `svc.dests`; -1 = the list head. */
  cl: number;
  cw: number;
  mw: number;
  di: number;
}

function gcdWeight(svc: Service): number {
  let g = 0;
  for (const d of svc.dests) if (d.weight > 0) g = g > 0 ? gcd(d.weight, g) : d.weight;
  return g > 0 ? g : 1;
}

function maxWeight(svc: Service): number {
  let w = 0;
  for (const d of svc.dests) if (d.weight > w) w = d.weight;
  return w;
}

function destChanged(svc: Service): void {
  const m = svc.schedData as WrrState;
  m.cl = -1;
  m.di = gcdWeight(svc);
  m.mw = maxWeight(svc) - (m.di - 1);
  if (m.cw > m.mw || m.cw === 0) m.cw = m.mw;
  else if (m.di > 1) m.cw = Math.trunc(m.cw / m.di) * m.di + 1;
}

export const wrr: Scheduler = {
  name: 'wrr',
  initService(svc: Service): WrrState {
    const di = gcdWeight(svc);
    const mw = maxWeight(svc) - (di - 1);
    return { cl: -1, cw: mw, mw, di };
  },
  addDest: destChanged,
  delDest: destChanged,
  updDest: destChanged,
  schedule(svc: Service) {
    const m = svc.schedData as WrrState;
    const list = svc.dests;
    if (m.mw === 0) return undefined;
    const last = m.cl;
    let stop = -2; // no stop mark
    let lastPass = false;
    let restarted = false;
    let i = m.cl;
    while (true) {
      for (i = i + 1; i < list.length; i++) {
        const d = list[i] as Dest;
        if (!isOverloaded(d) && d.weight >= m.cw) {
          m.cl = i;
          return d;
        }
        if (i === stop) {
          m.cl = i;
          return undefined; // all destinations are overloaded
        }
      }
      i = -1; // back at the head
      m.cw -= m.di;
      if (m.cw <= 0) {
        m.cw = m.mw;
        if (lastPass || last === -1) {
          m.cl = -1;
          return undefined;
        }
        restarted = true;
      }
      lastPass = m.cw <= m.di;
      if (lastPass && restarted && last !== -1) stop = last;
    }
  },
};
