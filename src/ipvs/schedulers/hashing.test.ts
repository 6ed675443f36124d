import { describe, expect, it } from 'vitest';
import { addDest, createService, delDest, editDest, schedule } from '../service.js';
import { conn, serviceOf } from '../ipvs.test-utils.js';
import { IP_VS_SVC_F_SCHED_FALLBACK, type ConnKey } from '../types.js';
import type { MhState } from './mh.js';
import type { ShState } from './sh.js';

/** hash_32 written independently with BigInt, for cross-checking. */
const hash32Big = (v: number, bits: number): number => Number(((BigInt(v) * 0x61c88647n) & 0xffffffffn) >> BigInt(32 - bits));
const client = (saddr: number): ConnKey => ({ ...conn(0), saddr });

describe('sh', () => {
  it('fills buckets with runs of weight, from the list head; weight 0 still takes one bucket per round', () => {
    const svc = serviceOf('sh', 'a:2', 'b:1', 'z:0'); // list z, b, a
    const names = (svc.schedData as ShState).buckets.slice(0, 8).map((d) => d?.name).join('');
    expect(names).toBe('zbaazbaa');
  });
  it('maps a client through hash_32(saddr, 8); a quiesced home gives no destination unless sh-fallback', () => {
    const svc = serviceOf('sh', 'a:1', 'b:1'); // buckets b,a,b,a,…
    const saddr = 0xc6336401; // 198.51.100.1
    const expected = hash32Big(saddr, 8) % 2 === 0 ? 'b' : 'a';
    expect(schedule(svc, client(saddr), { now: 0 })?.name).toBe(expected);
    editDest(svc, expected, { weight: 0 }); // refill: weight 0 takes 1 bucket, the other 1: same layout
    expect(schedule(svc, client(saddr), { now: 0 })).toBeUndefined();
    const fb = serviceOf({ scheduler: 'sh', flags: IP_VS_SVC_F_SCHED_FALLBACK }, 'a:1', 'b:1');
    editDest(fb, expected, { weight: 0 });
    expect(schedule(fb, client(saddr), { now: 0 })?.name).toBe(expected === 'a' ? 'b' : 'a');
  });
});

describe('dh', () => {
  it('hashes the destination address; weights do not shape the table', () => {
    const svc = serviceOf('dh', 'a:5', 'b:1'); // buckets b,a,b,a
    const daddr = 0xcb00710a; // 203.0.113.10
    const d = schedule(svc, { ...conn(0), daddr }, { now: 0 });
    expect(d?.name).toBe(hash32Big(daddr, 8) % 2 === 0 ? 'b' : 'a');
  });
});

describe('mh', () => {
  it('3 equal servers share the 4093 slots 1365/1364/1364; quiescing one changes no slot', () => {
    const svc = createService({ scheduler: 'mh' });
    for (const [i, n] of ['a', 'b', 'c'].entries()) addDest(svc, { name: n, addr: 0x0a000001 + i, port: 80, weight: 1 });
    const slots = () => (svc.schedData as MhState).lookup.map((d) => d?.name ?? '-');
    const before = slots();
    const counts = ['a', 'b', 'c'].map((n) => before.filter((x) => x === n).length).sort();
    expect(counts).toEqual([1364, 1364, 1365]);
    editDest(svc, 'b', { weight: 0 });
    expect(slots()).toEqual(before);
    delDest(svc, 'b');
    const after = slots();
    const moved = before.filter((x, i) => x !== 'b' && after[i] !== x).length;
    expect(moved).toBeLessThan(10); // consistent hashing: survivors keep (almost) all their slots
  });
  it('the same client always gets the same server; weight 0 home → none without fallback', () => {
    const svc = serviceOf('mh', 'a:1', 'b:1');
    const first = schedule(svc, client(0xcb007107), { now: 0 });
    expect(schedule(svc, client(0xcb007107), { now: 0 })).toBe(first);
    editDest(svc, first!.name, { weight: 0 });
    expect(schedule(svc, client(0xcb007107), { now: 0 })).toBeUndefined();
  });
});

describe('lblc / lblcr', () => {
  it('lblc keeps a destination address on its server until that server is lblc-overloaded', () => {
    const svc = serviceOf('lblc', 'a:1', 'b:4');
    const dst = { ...conn(0), daddr: 0xcb000001 };
    const d0 = schedule(svc, dst, { now: 0 });
    expect(d0?.name).toBe('b');
    d0!.activeconns = 5; // > weight 4, and a has 0*2 < 1 → overloaded in lblc's sense
    expect(schedule(svc, dst, { now: 1 })?.name).toBe('a');
    expect(schedule(svc, dst, { now: 2 })?.name).toBe('a'); // the entry now points at a
  });
  it('lblcr grows the set when its least member is lblc-overloaded', () => {
    const svc = serviceOf('lblcr', 'a:1', 'b:4');
    const dst = { ...conn(0), daddr: 0xcb000001 };
    expect(schedule(svc, dst, { now: 0 })?.name).toBe('b');
    svc.dests.find((d) => d.name === 'b')!.activeconns = 5;
    expect(schedule(svc, dst, { now: 1 })?.name).toBe('a'); // a joins the set
    svc.dests.find((d) => d.name === 'a')!.activeconns = 0;
    svc.dests.find((d) => d.name === 'b')!.activeconns = 1;
    // set is [a, b]: a 0/1 vs b 256/4 → a (strict >, a first)
    expect(schedule(svc, dst, { now: 2 })?.name).toBe('a');
  });
});
