/**
 * Reading what a lab node reports (docker/observe.sh): keepalived's notify lines
 * and the kernel's address changes, each stamped with CLOCK_REALTIME seconds.
 *
 *     1732243200.123456789 notify lb1 VI_1 MASTER 150
 *     1732243205.000100000 prio lb1 VI_1 90          (a priority change, no state change)
 *     1732243200.125000000 addr 2: eth0    inet 192.0.2.100/24 scope global secondary eth0\ …
 *     1732243209.001000000 addr Deleted 2: eth0    inet 192.0.2.100/24 …
 *     1732243210.000000000 lvs-conns 192.0.2.80:2811 rs1 12 3          (a director's counters)
 *     1732243211.000000000 lvs-check 192.0.2.80:2811 rs1 down TCP connection to [192.0.2.31]:tcp:2811 failed.
 *     1732243212.000000000 client broken 192.0.2.80:2811 192.0.2.254:40112 rs1 reset
 *
 * Times become microseconds on the host's realtime clock (containers share
 * the host's kernel clock); the backend subtracts its start time.
 */
import type { LvsClientOutcome } from '../core/backend.js';

export type NodeLine =
  | { readonly kind: 'notify'; readonly atUs: number; readonly node: string; readonly instance: string; readonly state: string; readonly priority: number }
  | { readonly kind: 'address'; readonly atUs: number; readonly deleted: boolean; readonly interface: string; readonly address: string; readonly prefixLength: number }
  | { readonly kind: 'priority'; readonly atUs: number; readonly node: string; readonly instance: string; readonly priority: number }
  | { readonly kind: 'ready'; readonly atUs: number }
  | { readonly kind: 'lvs-conns'; readonly atUs: number; readonly service: string; readonly server: string; readonly active: number; readonly inactive: number }
  | { readonly kind: 'lvs-check'; readonly atUs: number; readonly service: string; readonly server: string; readonly up: boolean; readonly reason: string }
  | { readonly kind: 'client'; readonly atUs: number; readonly outcome: LvsClientOutcome; readonly service: string; readonly client: string; readonly server?: string; readonly reason: string };

const OUTCOMES: ReadonlySet<string> = new Set<LvsClientOutcome>(['opened', 'completed', 'broken', 'refused', 'timed-out']);
const COUNT = /^\d+$/;

const TIME = /^(\d+)\.(\d{1,9})\s+(.*)$/;
const ADDRESS = /^(Deleted\s+)?\d+:\s+(\S+)\s+inet\s+(\d+\.\d+\.\d+\.\d+)\/(\d+)/;

/** `date +%s.%N` → integer microseconds, exactly (no float rounding of the seconds). */
export function realtimeUs(seconds: string, fraction: string): number {
  return Number(seconds) * 1_000_000 + Math.floor(Number(fraction.padEnd(9, '0')) / 1000);
}

export function parseNodeLine(line: string): NodeLine | undefined {
  const t = TIME.exec(line.trim());
  if (t === null) return undefined;
  const atUs = realtimeUs(t[1] as string, t[2] as string);
  const [word, ...rest] = (t[3] as string).split(/\s+/);
  if (word === 'ready') return { kind: 'ready', atUs };
  if (word === 'notify' && rest.length >= 4) {
    const [node, instance, state, priority] = rest as [string, string, string, string];
    return { kind: 'notify', atUs, node, instance, state, priority: Number(priority) || 0 };
  }
  if (word === 'prio' && rest.length >= 3 && /^\d+$/.test(rest[2] as string)) {
    const [node, instance, priority] = rest as [string, string, string];
    return { kind: 'priority', atUs, node, instance, priority: Number(priority) };
  }
  if (word === 'lvs-conns' && rest.length === 4 && COUNT.test(rest[2] as string) && COUNT.test(rest[3] as string)) {
    const [service, server, active, inactive] = rest as [string, string, string, string];
    return { kind: 'lvs-conns', atUs, service, server, active: Number(active), inactive: Number(inactive) };
  }
  if (word === 'lvs-check' && rest.length >= 3 && (rest[2] === 'up' || rest[2] === 'down')) {
    const [service, server, state, ...reason] = rest as [string, string, string, ...string[]];
    return { kind: 'lvs-check', atUs, service, server, up: state === 'up', reason: reason.join(' ') };
  }
  if (word === 'client' && rest.length >= 4 && OUTCOMES.has(rest[0] as string)) {
    const [outcome, service, client, server, ...reason] = rest as [LvsClientOutcome, string, string, string, ...string[]];
    return { kind: 'client', atUs, outcome, service, client, ...(server === '-' ? {} : { server }), reason: reason.join(' ') };
  }
  if (word === 'addr') {
    const a = ADDRESS.exec((t[3] as string).slice('addr'.length).trim());
    if (a === null) return undefined;
    return { kind: 'address', atUs, deleted: a[1] !== undefined, interface: a[2] as string, address: a[3] as string, prefixLength: Number(a[4]) };
  }
  return undefined;
}
