/**
 * Drop reasons in words, from the receiver's side: what keepalived decided
 * about an advert and did not say in its state (it logs a line per packet).
 *
 * Theory of operation
 * - `describeDrop` turns a `DropReason` into a short clause that names the
 *   configuration keyword that differs, the sender's value first and ours
 *   second: "advert_int 1 ≠ 2", "auth_pass differs", "VIP 192.0.2.100 not in
 *   the advert".
 * - `isPeerMismatch` says which drops a reader of a timeline needs: the ones a
 *   difference between the nodes' configurations (or a bad network) causes,
 *   which keep a backup from hearing a live master and end in two masters.
 *   Drops that are the protocol working as designed are not: a lower priority
 *   advert a preempting backup discards, a packet to an instance in FAULT or
 *   INIT, our own packet looped back, a VRID this node does not run.
 *
 * Rules
 * - Pure and total: every `DropCode` has words (the switch is exhaustive).
 * - Names are keepalived's configuration keywords where one exists.
 */
import { AUTH_AH, AUTH_NONE, AUTH_PASS } from './packet.js';
import type { DropCode, DropReason } from './types.js';

const AUTH_NAMES: Readonly<Record<number, string>> = { [AUTH_NONE]: 'none', [AUTH_PASS]: 'PASS', [AUTH_AH]: 'AH' };
const authName = (t: number): string => AUTH_NAMES[t] ?? String(t);

/** The drop in words, the sender's value first: "advert_int 1 ≠ 2". */
export function describeDrop(r: DropReason): string {
  switch (r.code) {
    case 'adver-int-mismatch': return `advert_int ${r.adverIntS} ≠ ${r.expectedS}`;
    case 'address-count-mismatch': return `${r.count} VIP${r.count === 1 ? '' : 's'} in the advert ≠ ${r.expected} in virtual_ipaddress`;
    case 'address-list-mismatch': return `VIP ${r.missing} not in the advert`;
    case 'auth-type-mismatch': return `auth_type ${authName(r.authType)} ≠ ${authName(r.expected)}`;
    case 'auth-password-mismatch': return 'auth_pass differs';
    case 'auth-type-invalid': return `invalid auth type ${r.authType}`;
    case 'ttl-not-255': return `TTL ${r.ttl} ≠ 255`;
    case 'version-mismatch': return `VRRP version ${r.version} ≠ 2`;
    case 'unicast-source-not-peer': return `${r.source} is not a unicast_peer`;
    case 'destination-kind-mismatch': return r.multicast ? 'multicast advert to a unicast instance' : 'unicast advert to a multicast instance';
    case 'length-mismatch': return `length ${r.length} ≠ ${r.expected}`;
    case 'ip-total-length-mismatch': return `IP total length ${r.totalLength} ≠ ${r.length} received`;
    case 'checksum-invalid': return 'bad VRRP checksum';
    case 'type-invalid': return `VRRP type ${r.type} ≠ 1`;
    case 'too-short': return `${r.length} bytes, too short`;
    case 'not-ipv4': return `IP version ${r.version}`;
    case 'ip-header-invalid': return r.detail;
    case 'not-vrrp-protocol': return `IP protocol ${r.protocol}`;
    case 'vrid-unknown': return `VRID ${r.vrid} not configured here`;
    case 'instance-not-listening': return `instance is ${r.state}`;
    case 'lower-priority': return `priority ${r.priority} < ${r.ours}`;
    case 'own-packet': return 'our own advert';
  }
}

const NOT_MISMATCH: ReadonlySet<DropCode> = new Set<DropCode>(['lower-priority', 'instance-not-listening', 'own-packet', 'vrid-unknown']);

/** A drop that a configuration difference or a damaged packet causes: the kind that ends in two masters. */
export function isPeerMismatch(code: DropCode): boolean {
  return !NOT_MISMATCH.has(code);
}
