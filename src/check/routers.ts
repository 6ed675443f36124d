/**
 * The router directory: which instances form one virtual router, and what a
 * checker needs to know about each — read from the prepared scenario (or any
 * topology), never from a backend. Checkers see observations keyed by (node,
 * instance); the directory tells them which of those compete for one VRID.
 *
 * Rules:
 * - `router` is an opaque name; members with the same name are one virtual
 *   router (the same VRID on one shared segment). It is also what messages say.
 * - An (node, instance) the directory does not know is not judged.
 */
import type { NodeId } from '../core/ids.js';

export interface RouterMember {
  readonly node: NodeId;
  readonly instance: string;
  /** The virtual router's name, e.g. "VRID 51 on eth0". */
  readonly router: string;
  readonly vrid?: number;
  /** The primary address it advertises from: RFC 3768 §6.4.3 breaks priority ties by it. */
  readonly address?: string;
  /** False with nopreempt or a preempt_delay: a lower master legitimately stays. */
  readonly preempt: boolean;
  /** Its vrrp_sync_group, if any: the group's transitions override the election. */
  readonly syncGroup?: string;
  /** The addresses (no prefix) the master holds: virtual_ipaddress. */
  readonly virtualAddresses: readonly string[];
}

export class RouterDirectory {
  private readonly byKey = new Map<string, RouterMember>();

  constructor(readonly members: readonly RouterMember[]) {
    for (const m of members) this.byKey.set(key(m.node, m.instance), m);
  }

  member(node: NodeId, instance: string): RouterMember | undefined {
    return this.byKey.get(key(node, instance));
  }

  /** Router names in first-seen order. */
  routers(): string[] {
    return [...new Set(this.members.map((m) => m.router))];
  }
}

const key = (node: NodeId, instance: string): string => `${node}\u0000${instance}`;
