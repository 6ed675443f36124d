/**
 * mh — Maglev hashing (net/netfilter/ipvs/ip_vs_mh.c).
 *
 * Theory of operation: a lookup table of M slots, M a prime (the kernel's list is
 * 251, 509, …, 131071; `CONFIG_IP_VS_MH_TAB_INDEX` defaults to 12 → 4093). Each
 * dest, in list order, gets a permutation from two keyed hashes of its address
 * and port: offset = h1 % M, skip = h2 % (M - 1) + 1, where h is
 * `hsiphash(u32 (offset + port + addr))` with the FIXED keys the kernel uses
 * (key1 = {2654435761, 2654435761}, key2 = {2654446892, 2654446892}), so tables
 * are reproducible. Weights come from `last_weight` (the last non-zero weight):
 * g = their gcd, rshift = max(0, fls(max/g) - 6), turns = (lw/g) >> rshift, or
 * 1 if that is 0 but lw is not. Rounds over the list let each dest with turns
 * >= 1 claim `turns` slots, each its next free slot along its permutation, until
 * all M slots are taken. A dest quiesced to weight 0 keeps its slots (its
 * last_weight is unchanged) and is just unavailable at lookup.
 *
 * Lookup hashes the client address (and source port with `mh-port`) with key1;
 * the slot's dest is used unless its weight <= 0 or it is overloaded; with
 * `mh-fallback`, offsets 0..M-1 from the home index are re-hashed in turn (an
 * empty slot ends the search).
 */
import { gcd, hashUnavailable } from '../dest.js';
import { hsiphash13 } from '../hash.js';
import { IP_VS_SVC_F_SCHED_FALLBACK, IP_VS_SVC_F_SCHED_PORT, type ConnKey, type Dest, type Scheduler, type Service } from '../types.js';

export const MH_PRIMES = [251, 509, 1021, 2039, 4093, 8191, 16381, 32749, 65521, 131071] as const;
export const MH_DEFAULT_TAB_SIZE = 4093;
/** `IP_VS_MH_TAB_BITS` = CONFIG_IP_VS_MH_TAB_INDEX / 2, the index being 8 + the prime's position. */
const tabBits = (size: number): number => (MH_PRIMES.indexOf(size as (typeof MH_PRIMES)[number]) + 8) >> 1;
/** hsiphash key1 of ip_vs_mh.c (both words), used for the client lookup. */
export const KEY1 = 2654435761n;
const KEY2 = 2654446892n;

export interface MhState {
  size: number;
  lookup: (Dest | undefined)[];
}

export function mhHash(addr: number, port: number, offset: number, key: bigint): number {
  return hsiphash13((offset + port + addr) >>> 0, key, key);
}

const fls = (x: number): number => (x === 0 ? 0 : 32 - Math.clz32(x));

function weights(svc: Service, size: number): { g: number; rshift: number } {
  let g = 0;
  let max = 0;
  for (const d of svc.dests) {
    if (d.lastWeight > 0) g = g > 0 ? gcd(d.lastWeight, g) : d.lastWeight;
    if (d.lastWeight > max) max = d.lastWeight;
  }
  if (g < 1) return { g: 0, rshift: 0 };
  return { g, rshift: Math.max(0, fls(Math.trunc(max / g)) - tabBits(size)) };
}

function reassign(svc: Service): void {
  const s = svc.schedData as MhState;
  const M = s.size;
  const { g, rshift } = weights(svc, M);
  if (g < 1) {
    s.lookup.fill(undefined);
    return;
  }
  const setup = svc.dests.map((d) => {
    const offset = mhHash(d.addr, d.port, 0, KEY1) % M;
    const skip = (mhHash(d.addr, d.port, 0, KEY2) % (M - 1)) + 1;
    const turns = (Math.trunc(d.lastWeight / g) >> rshift) || (d.lastWeight !== 0 ? 1 : 0);
    return { dest: d, perm: offset, skip, turns };
  });
  const taken = new Uint8Array(M);
  let n = 0;
  while (n < M) {
    for (const ds of setup) {
      for (let t = 0; t < ds.turns; t++) {
        while (taken[ds.perm] === 1) {
          ds.perm += ds.skip;
          if (ds.perm >= M) ds.perm -= M;
        }
        taken[ds.perm] = 1;
        s.lookup[ds.perm] = ds.dest;
        if (++n === M) return;
      }
    }
  }
}

function lookup(svc: Service, conn: ConnKey): Dest | undefined {
  const s = svc.schedData as MhState;
  const port = (svc.flags & IP_VS_SVC_F_SCHED_PORT) !== 0 ? conn.sport : 0;
  const ihash = mhHash(conn.saddr, port, 0, KEY1) % s.size;
  const home = s.lookup[ihash];
  if (home === undefined) return undefined;
  if (!hashUnavailable(home)) return home;
  if ((svc.flags & IP_VS_SVC_F_SCHED_FALLBACK) === 0) return undefined;
  for (let offset = 0; offset < s.size; offset++) {
    const roffset = (offset + ihash) % s.size;
    const d = s.lookup[mhHash(conn.saddr, port, roffset, KEY1) % s.size];
    if (d === undefined) return undefined;
    if (!hashUnavailable(d)) return d;
  }
  return undefined;
}

export const mh: Scheduler = {
  name: 'mh',
  initService(svc: Service): MhState {
    const size = svc.options.mhTableSize ?? MH_DEFAULT_TAB_SIZE;
    const s: MhState = { size, lookup: new Array<Dest | undefined>(size).fill(undefined) };
    svc.schedData = s;
    reassign(svc);
    return s;
  },
  addDest: reassign,
  delDest: reassign,
  updDest: reassign,
  schedule: lookup,
};
