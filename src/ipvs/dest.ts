/**
 * Small predicates on a dest that several schedulers share, named as the kernel
 * names them.
 */
import { IP_VS_DEST_F_AVAILABLE, IP_VS_DEST_F_OVERLOAD, type Dest } from './types.js';

/**
 * `ip_vs_dest_conn_overhead` (include/net/ip_vs.h): `(activeconns << 8) + inactconns`.
 * An active connection weighs 256 inactive ones. (Old comments in ip_vs_lc.c still
 * say `<< 5`; the code calls this helper.)
 */
export function overhead(dest: Dest): number {
  return dest.activeconns * 256 + dest.inactconns;
}

export function isOverloaded(dest: Dest): boolean {
  return (dest.flags & IP_VS_DEST_F_OVERLOAD) !== 0;
}

export function isAvailable(dest: Dest): boolean {
  return (dest.flags & IP_VS_DEST_F_AVAILABLE) !== 0;
}

/** sh/mh `is_unavailable`: weight <= 0 or overloaded. */
export function hashUnavailable(dest: Dest): boolean {
  return dest.weight <= 0 || (dest.flags & IP_VS_DEST_F_OVERLOAD) !== 0;
}

export function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}
