/**
 * The arithmetic behind a hashing scheduler's pick, for `vrrp-lab ipvs explain`:
 * the value hashed, the hash, the bucket or table slot it lands in and the
 * server that slot holds, as ip_vs_sh.c, ip_vs_dh.c and ip_vs_mh.c compute them
 * (the current kernels' hash_32 and the 64-bit hsiphash; see src/ipvs/hash.ts).
 * lblc and lblcr keep a table of destinations instead, so their lines say what
 * a destination the fresh table has not seen gets.
 *
 * Read-only: the service's tables are read, nothing is scheduled here.
 */
import { hash32, hsiphash13 } from '../../ipvs/hash.js';
import { isAvailable, isOverloaded } from '../../ipvs/dest.js';
import { dhBucket, DH_TAB_SIZE, type DhState } from '../../ipvs/schedulers/dh.js';
import { KEY1, type MhState } from '../../ipvs/schedulers/mh.js';
import { SH_TAB_BITS, SH_TAB_SIZE, type ShState } from '../../ipvs/schedulers/sh.js';
import { IP_VS_SVC_F_SCHED_FALLBACK, IP_VS_SVC_F_SCHED_PORT, type ConnKey, type Dest, type Service } from '../../ipvs/types.js';

export const fmtAddr = (a: number): string => [a >>> 24, (a >>> 16) & 255, (a >>> 8) & 255, a & 255].join('.');

/** How many entries of a table each server holds: `a 86, b 85, c 85`. */
function shares(table: readonly (Dest | undefined)[]): string {
  const n = new Map<string, number>();
  for (const d of table) if (d) n.set(d.name, (n.get(d.name) ?? 0) + 1);
  return [...n].map(([name, k]) => `${name} ${k}`).join(', ');
}

/** What happens when the home entry's server cannot take the connection (sh and mh). */
function homeVerdict(svc: Service, home: Dest | undefined, what: string): string {
  if (home === undefined) return `${what} is empty: no destination`;
  if (home.weight > 0 && !isOverloaded(home)) return `${what} holds ${home.name}`;
  const why = home.weight <= 0 ? 'weight 0' : 'overloaded';
  return (svc.flags & IP_VS_SVC_F_SCHED_FALLBACK) !== 0
    ? `${what} holds ${home.name} (${why}): with fallback the client is re-hashed with offsets 1, 2, … until a usable server`
    : `${what} holds ${home.name} (${why}): without fallback there is no destination`;
}

function shLines(svc: Service, conn: ConnKey): string[] {
  const port = (svc.flags & IP_VS_SVC_F_SCHED_PORT) !== 0 ? conn.sport : 0;
  const v = (port + conn.saddr) >>> 0;
  const bucket = hash32(v, SH_TAB_BITS);
  const buckets = (svc.schedData as ShState).buckets;
  return [
    `sh hashes the client: hash_32(${port ? `sport ${port} + ` : ''}saddr ${fmtAddr(conn.saddr)} = ${v}, ${SH_TAB_BITS}) = ${bucket} (× 0x61C88647, top ${SH_TAB_BITS} bits)`,
    `  ${homeVerdict(svc, buckets[bucket], `bucket ${bucket} of ${SH_TAB_SIZE}`)}`,
    `  the ${SH_TAB_SIZE} buckets are dealt from the list head, each server taking weight buckets in turn: ${shares(buckets)}`,
  ];
}

function dhLines(svc: Service, conn: ConnKey): string[] {
  const bucket = dhBucket(svc, conn.daddr);
  const d = (svc.schedData as DhState).buckets[bucket];
  const usable = d !== undefined && isAvailable(d) && d.weight > 0 && !isOverloaded(d);
  return [
    `dh hashes the destination: hash_32(daddr ${fmtAddr(conn.daddr)} = ${conn.daddr >>> 0}, 8) = ${bucket} (× 0x61C88647, top 8 bits)`,
    `  bucket ${bucket} of ${DH_TAB_SIZE} holds ${d?.name ?? 'nothing'}${d && !usable ? ' (weight 0 or overloaded: no destination; dh has no fallback)' : ''}`,
    `  the ${DH_TAB_SIZE} buckets are dealt round-robin from the list head, weights aside: ${shares((svc.schedData as DhState).buckets)}`,
  ];
}

function mhLines(svc: Service, conn: ConnKey): string[] {
  const s = svc.schedData as MhState;
  const port = (svc.flags & IP_VS_SVC_F_SCHED_PORT) !== 0 ? conn.sport : 0;
  const v = (port + conn.saddr) >>> 0;
  const h = hsiphash13(v, KEY1, KEY1);
  const slot = h % s.size;
  return [
    `mh hashes the client: hsiphash(${port ? `sport ${port} + ` : ''}saddr ${fmtAddr(conn.saddr)} = ${v}, key1) = ${h}; ${h} mod ${s.size} = slot ${slot}`,
    `  ${homeVerdict(svc, s.lookup[slot], `slot ${slot} of ${s.size}`)}`,
    `  Maglev table: each server claims slots along its own permutation, in proportion to its weight: ${shares(s.lookup)}`,
  ];
}

/** The hash lines for sh, dh, mh, lblc and lblcr; undefined for the other schedulers. */
export function hashLines(svc: Service, conn: ConnKey): string[] | undefined {
  switch (svc.scheduler.name) {
    case 'sh': return shLines(svc, conn);
    case 'dh': return dhLines(svc, conn);
    case 'mh': return mhLines(svc, conn);
    case 'lblc':
    case 'lblcr':
      return [`${svc.scheduler.name} keeps a table of destination addresses; ${fmtAddr(conn.daddr)} is not in this fresh one, so it gets the least-connection choice below and keeps that server${svc.scheduler.name === 'lblcr' ? ' set' : ''} while it is not overloaded`];
    default: return undefined;
  }
}
