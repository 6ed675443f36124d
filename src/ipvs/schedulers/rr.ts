/**
 * rr — round robin (net/netfilter/ipvs/ip_vs_rr.c).
 *
 * Theory of operation: the state is a cursor on the last dest chosen (or the list
 * head before the first pick). A pick scans forward from after the cursor to the
 * end of the list; if nothing qualified and the cursor was not the head, a second
 * pass starts at the list's first element and runs up to AND INCLUDING the old
 * cursor. A dest qualifies when it is not overloaded and its weight is > 0.
 * New dests (linked at the head) are reached after the next wrap. When the dest
 * under the cursor is deleted the cursor moves to the element before it
 * (`ip_vs_rr_del_dest`), so the next pick is the one that followed it.
 *
 * The kernel's cursor is a list pointer, so a pick costs O(1) when the next
 * server qualifies. Here the cursor is the dest plus a hint of its index, used
 * when the dest still sits there and looked up again only after the list moved
 * (an add shifts every index), so a pick stays O(1) without trusting a stale
 * index.
 */
import { isOverloaded } from '../dest.js';
import type { Dest, Scheduler, Service } from '../types.js';

export interface RrState {
  /** The last dest chosen; undefined = the list head (no pick yet, or reset). */
  cursor: Dest | undefined;
  /** Where `cursor` was last seen in `svc.dests`; only a hint, checked before use. */
  at: number;
}

const eligible = (d: Dest): boolean => !isOverloaded(d) && d.weight > 0;

function moveTo(s: RrState, d: Dest, index: number): Dest {
  s.cursor = d;
  s.at = index;
  return d;
}

export const rr: Scheduler = {
  name: 'rr',
  initService: (): RrState => ({ cursor: undefined, at: -1 }),
  delDest(svc: Service, dest: Dest, formerIndex: number) {
    const s = svc.schedData as RrState;
    if (s.cursor !== dest) return;
    s.cursor = formerIndex > 0 ? svc.dests[formerIndex - 1] : undefined;
    s.at = formerIndex - 1;
  },
  schedule(svc: Service) {
    const s = svc.schedData as RrState;
    const list = svc.dests;
    const last = s.cursor === undefined ? -1 : list[s.at] === s.cursor ? s.at : list.indexOf(s.cursor);
    for (let i = last + 1; i < list.length; i++) {
      const d = list[i] as Dest;
      if (eligible(d)) return moveTo(s, d, i);
    }
    if (last < 0) return undefined; // started at the head: one pass saw everything
    for (let i = 0; i <= last; i++) {
      const d = list[i] as Dest;
      if (eligible(d)) return moveTo(s, d, i);
    }
    return undefined;
  },
};
