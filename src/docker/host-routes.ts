/**
 * The host's IPv4 routes, and the rule that a lab network must not overlap any
 * of them.
 *
 * Why: a Docker bridge network puts an address of its subnet on the host and a
 * route to it. If that subnet covers the host's DNS resolver or package proxy,
 * the host loses them for as long as the lab runs. The default route (/0)
 * overlaps everything and is not counted; every other route is, including the
 * routes of other Docker networks (two labs on one subnet would share a wire).
 *
 * /proc/net/route stores addresses as little-endian hex words.
 */
import { readFileSync } from 'node:fs';
import { formatIpv4, networkOf, parseIpv4 } from '../core/ipv4.js';

export interface Ipv4Route {
  readonly interface: string;
  readonly network: number;
  readonly prefixLength: number;
}

export interface Ipv4Subnet {
  readonly network: number;
  readonly prefixLength: number;
}

export { parseIpv4, formatIpv4, networkOf };

export const formatSubnet = (s: Ipv4Subnet): string => `${formatIpv4(s.network)}/${s.prefixLength}`;

/** /proc/net/route's little-endian hex word → address as a number. */
function fromLittleEndianHex(hex: string): number {
  const v = Number.parseInt(hex, 16);
  return ((v & 0xff) * 2 ** 24) + (((v >>> 8) & 0xff) << 16) + (((v >>> 16) & 0xff) << 8) + ((v >>> 24) & 0xff);
}

function prefixOfMask(mask: number): number {
  let n = 0;
  for (let bit = 31; bit >= 0 && Math.floor(mask / 2 ** bit) % 2 === 1; bit--) n++;
  return n;
}

/** Parse the text of /proc/net/route. */
export function parseProcNetRoute(text: string): Ipv4Route[] {
  return text
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f.length >= 8)
    .map((f) => ({ interface: f[0] as string, network: fromLittleEndianHex(f[1] as string), prefixLength: prefixOfMask(fromLittleEndianHex(f[7] as string)) }));
}

export function readHostRoutes(path = '/proc/net/route'): Ipv4Route[] {
  try {
    return parseProcNetRoute(readFileSync(path, 'utf8'));
  } catch {
    return [];
  }
}

export function overlaps(a: Ipv4Subnet, b: Ipv4Subnet): boolean {
  const p = Math.min(a.prefixLength, b.prefixLength);
  return networkOf(a.network, p) === networkOf(b.network, p);
}

/** The first non-default host route the subnet overlaps, if any. */
export function overlappingRoute(subnet: Ipv4Subnet, routes: readonly Ipv4Route[]): Ipv4Route | undefined {
  return routes.find((r) => r.prefixLength > 0 && overlaps(subnet, r));
}

export const describeRoute = (r: Ipv4Route): string => `${formatSubnet(r)} dev ${r.interface}`;
