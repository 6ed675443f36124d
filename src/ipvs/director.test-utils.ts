/** Helpers for the director tests: addresses, packets and a consistency check of the table. */
import { expect } from 'vitest';
import { parseIpv4, type Ipv4 } from '../core/ipv4.js';
import { instant, type Instant } from '../core/time.js';
import type { Director } from './director-state.js';
import type { DirectorPacket, TcpFlags } from './director-types.js';

export const ip = (text: string): Ipv4 => {
  const v = parseIpv4(text);
  if (v === undefined) throw new Error(`bad address ${text}`);
  return v;
};

export const VIP = ip('192.0.2.10');
export const CLIENT = ip('198.51.100.7');
export const RIP_A = ip('10.0.0.1');
export const RIP_B = ip('10.0.0.2');
export const RIP_C = ip('10.0.0.3');

export const s = (seconds: number): Instant => instant(Math.round(seconds * 1_000_000));

const flags = (f: string): TcpFlags => ({ syn: f.includes('S'), ack: f.includes('A'), fin: f.includes('F'), rst: f.includes('R') });

/** A client → VIP TCP packet; `f` is a string of flag letters (S, A, F, R). */
export function tcpIn(f: string, sport = 40000, saddr = CLIENT, dport = 80, daddr = VIP): DirectorPacket {
  return { proto: 'tcp', saddr, sport, daddr, dport, tcpFlags: flags(f) };
}

/** A real server → client TCP reply. */
export function tcpOut(f: string, raddr: Ipv4, rport: number, cport = 40000, caddr = CLIENT): DirectorPacket {
  return { proto: 'tcp', saddr: raddr, sport: rport, daddr: caddr, dport: cport, tcpFlags: flags(f) };
}

export function udpIn(sport = 5000, saddr = CLIENT, dport = 53, daddr = VIP): DirectorPacket {
  return { proto: 'udp', saddr, sport, daddr, dport };
}

/**
 * The table and the counters agree: every dest's active/inactive/persist equal
 * the bound entries' flags, nothing is negative, every template's n_control is
 * its number of children, and every entry has a timer.
 */
export function expectConsistent(d: Director): void {
  const counts = new Map<object, { active: number; inactive: number; persist: number }>();
  const children = new Map<object, number>();
  let conns = 0;
  let templates = 0;
  for (const c of d.table.entries()) {
    if (c.isTemplate) templates++;
    else conns++;
    expect(c.heapIndex).toBeGreaterThanOrEqual(0);
    if (c.control !== undefined) children.set(c.control, (children.get(c.control) ?? 0) + 1);
    if (c.dest === undefined) continue;
    const k = counts.get(c.dest) ?? { active: 0, inactive: 0, persist: 0 };
    if (c.isTemplate) k.persist++;
    else if (c.isActive) k.active++;
    else k.inactive++;
    counts.set(c.dest, k);
  }
  for (const c of d.table.entries()) expect(c.nControl).toBe(children.get(c) ?? 0);
  expect(d.table.connections).toBe(conns);
  expect(d.table.templates).toBe(templates);
  for (const svc of d.services) {
    for (const dest of [...svc.methods.keys()]) {
      const k = counts.get(dest) ?? { active: 0, inactive: 0, persist: 0 };
      expect({ name: dest.name, active: dest.activeconns, inactive: dest.inactconns, persist: dest.persistconns }).toEqual({ name: dest.name, ...k });
    }
  }
}
