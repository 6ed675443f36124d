import { describe, expect, it } from 'vitest';
import {
  bindDest, ConnTable, destConnFlags, IP_VS_CONN_F_INACTIVE, IP_VS_CONN_F_SYNC, IP_VS_CONN_F_TEMPLATE, IPPROTO_TCP, IPPROTO_UDP, setConnState, unbindDest,
} from './conn.js';
import { createService, addDest } from './service.js';
import { IP_VS_TCP_S_ESTABLISHED, IP_VS_TCP_S_FIN_WAIT, IP_VS_TCP_S_SYN_RECV } from './tcp-state.js';
import { IP_VS_DEST_F_OVERLOAD, type Dest } from './types.js';

const dest = (uThreshold = 0, lThreshold = 0): Dest => addDest(createService({ scheduler: 'wlc' }), { name: 'a', addr: 1, port: 80, weight: 1, uThreshold, lThreshold });
const counts = (d: Dest) => [d.activeconns, d.inactconns, d.persistconns];

describe('connection table', () => {
  it('finds an entry from the client side (in) and from the real server side (out), never a template', () => {
    const t = new ConnTable();
    const cp = t.create(IPPROTO_TCP, 100, 4000, 200, 80, 10, 8080, 0, 0);
    t.create(IPPROTO_TCP, 100, 0, 200, 80, 10, 8080, IP_VS_CONN_F_TEMPLATE, 0);
    expect(t.lookupIn(IPPROTO_TCP, 100, 4000, 200, 80)).toBe(cp);
    expect(t.lookupIn(IPPROTO_UDP, 100, 4000, 200, 80)).toBeUndefined();
    expect(t.lookupIn(IPPROTO_TCP, 100, 4000, 200, 81)).toBeUndefined();
    expect(t.lookupOut(IPPROTO_TCP, 10, 8080, 100, 4000)).toBe(cp); // flags 0: MASQ, the reply comes from the RIP
    expect(t.lookupOut(IPPROTO_TCP, 10, 80, 100, 4000)).toBeUndefined();
    expect(t.lookupOut(IPPROTO_TCP, 200, 80, 100, 4000)).toBeUndefined();
    const dr = t.create(IPPROTO_TCP, 101, 4000, 200, 80, 11, 80, 0x0003, 0);
    expect(t.lookupOut(IPPROTO_TCP, 200, 80, 101, 4000)).toBe(dr); // DR: the reply comes from the VIP
    expect(t.lookupOut(IPPROTO_TCP, 11, 80, 101, 4000)).toBeUndefined();
    expect(t.lookupIn(IPPROTO_TCP, 100, 0, 200, 80)).toBeUndefined();
    expect(t.lookupTemplate(IPPROTO_TCP, 100, 200, 80)?.isTemplate).toBe(true);
    expect([t.connections, t.templates]).toEqual([2, 1]);
  });

  it('an invalidated template no longer matches but stays in the table', () => {
    const t = new ConnTable();
    const ct = t.create(IPPROTO_TCP, 100, 0, 200, 80, 10, 80, IP_VS_CONN_F_TEMPLATE, 0);
    t.invalidateTemplate(ct);
    expect(t.lookupTemplate(IPPROTO_TCP, 100, 200, 80)).toBeUndefined();
    expect([ct.vport, ct.dport, t.templates]).toEqual([0xffff, 0xffff, 1]);
  });

  it('fires timers by deadline, equal deadlines in creation order', () => {
    const t = new ConnTable();
    const a = t.create(IPPROTO_TCP, 1, 1, 9, 80, 5, 80, 0, 0);
    const b = t.create(IPPROTO_TCP, 2, 1, 9, 80, 5, 80, 0, 0);
    const c = t.create(IPPROTO_TCP, 3, 1, 9, 80, 5, 80, 0, 0);
    t.arm(c, 10);
    t.arm(b, 20);
    t.arm(a, 20);
    const order: number[] = [];
    for (let cp = t.peek(); cp !== undefined; cp = t.peek()) {
      order.push(cp.caddr);
      t.remove(cp);
    }
    expect(order).toEqual([3, 1, 2]);
  });

  it('a deadline moved later or earlier still fires at its latest value', () => {
    const t = new ConnTable();
    const a = t.create(IPPROTO_TCP, 1, 1, 9, 80, 5, 80, 0, 0);
    const b = t.create(IPPROTO_TCP, 2, 1, 9, 80, 5, 80, 0, 0);
    t.arm(a, 10);
    t.arm(b, 20);
    t.arm(a, 50); // later: the heap is not touched until a reaches the top
    expect(t.nextDeadline()).toBe(20);
    expect(t.peek()).toBe(b);
    t.arm(a, 15); // earlier again
    expect(t.peek()).toBe(a);
    t.remove(a);
    expect(t.nextDeadline()).toBe(20);
  });

  it('keeps lookups and timers right when it grows past its 4096 buckets', () => {
    const t = new ConnTable();
    for (let i = 0; i < 20_000; i++) t.arm(t.create(IPPROTO_TCP, i, 1000 + (i % 7), 9, 80, 5, 80, 0, 0), 1_000_000 + (i % 97));
    expect(t.connections).toBe(20_000);
    for (let i = 0; i < 20_000; i += 997) expect(t.lookupIn(IPPROTO_TCP, i, 1000 + (i % 7), 9, 80)?.caddr).toBe(i);
    expect(t.nextDeadline()).toBe(1_000_000);
    let last = 0;
    for (let cp = t.peek(); cp !== undefined; cp = t.peek()) {
      expect(cp.expiresAt).toBeGreaterThanOrEqual(last);
      last = cp.expiresAt;
      t.remove(cp);
    }
    expect(t.size).toBe(0);
  });
});

describe('dest binding (ip_vs_bind_dest / ip_vs_unbind_dest)', () => {
  it('counts a new entry inactive, a template in persistconns', () => {
    const t = new ConnTable();
    const d = dest();
    bindDest(t.create(IPPROTO_TCP, 1, 1, 9, 80, 1, 80, 0, 0), d, destConnFlags('dr'));
    bindDest(t.create(IPPROTO_TCP, 1, 0, 9, 80, 1, 80, IP_VS_CONN_F_TEMPLATE, 0), d, destConnFlags('dr'));
    expect(counts(d)).toEqual([0, 1, 1]);
  });

  it('a synced entry keeps the activity the master reported, and takes this dest\'s method', () => {
    const t = new ConnTable();
    const d = dest();
    const cp = t.create(IPPROTO_TCP, 1, 1, 9, 80, 1, 80, IP_VS_CONN_F_SYNC | 0x0002 /* TUNNEL */, 0);
    bindDest(cp, d, destConnFlags('dr'));
    expect(counts(d)).toEqual([1, 0, 0]);
    expect(cp.flags & 0x7).toBe(0x3);
    const inactive = t.create(IPPROTO_TCP, 1, 2, 9, 80, 1, 80, IP_VS_CONN_F_SYNC | IP_VS_CONN_F_INACTIVE, 0);
    bindDest(inactive, d, destConnFlags('dr'));
    expect(counts(d)).toEqual([1, 1, 0]);
  });

  it('moves across the active line on state changes and unbinds from the right counter', () => {
    const t = new ConnTable();
    const d = dest();
    const cp = t.create(IPPROTO_TCP, 1, 1, 9, 80, 1, 80, 0, 0);
    bindDest(cp, d, destConnFlags('nat'));
    setConnState(cp, IP_VS_TCP_S_SYN_RECV);
    expect(counts(d)).toEqual([1, 0, 0]);
    setConnState(cp, IP_VS_TCP_S_ESTABLISHED);
    expect(counts(d)).toEqual([1, 0, 0]);
    setConnState(cp, IP_VS_TCP_S_FIN_WAIT);
    expect(counts(d)).toEqual([0, 1, 0]);
    unbindDest(cp);
    expect(counts(d)).toEqual([0, 0, 0]);
  });

  it('sets OVERLOAD at u_threshold and clears it below l_threshold, or below 3/4 of u_threshold', () => {
    const t = new ConnTable();
    const withL = dest(4, 2);
    const cps = [0, 1, 2, 3].map((i) => {
      const cp = t.create(IPPROTO_TCP, 1, i, 9, 80, 1, 80, 0, 0);
      bindDest(cp, withL, destConnFlags('dr'));
      return cp;
    });
    expect(withL.flags & IP_VS_DEST_F_OVERLOAD).not.toBe(0);
    unbindDest(cps[0]!);
    unbindDest(cps[1]!);
    expect(withL.flags & IP_VS_DEST_F_OVERLOAD).not.toBe(0); // 2 is not < 2
    unbindDest(cps[2]!);
    expect(withL.flags & IP_VS_DEST_F_OVERLOAD).toBe(0);

    const noL = dest(4, 0);
    const more = [0, 1, 2, 3].map((i) => {
      const cp = t.create(IPPROTO_TCP, 2, i, 9, 80, 1, 80, 0, 0);
      bindDest(cp, noL, destConnFlags('dr'));
      return cp;
    });
    unbindDest(more[0]!); // 3*4 = 12 is not < 12
    expect(noL.flags & IP_VS_DEST_F_OVERLOAD).not.toBe(0);
    unbindDest(more[1]!); // 8 < 12
    expect(noL.flags & IP_VS_DEST_F_OVERLOAD).toBe(0);
  });
});
