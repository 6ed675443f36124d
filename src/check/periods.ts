/**
 * Bad periods: a checker says, stretch by stretch, which subjects are in a bad
 * state; a period runs while the stretches that say so follow each other, and
 * one that lasts longer than the tolerance is reported when it ends. Two
 * masters for one delivery delay, or a VIP that moves a few ms after the
 * transition, are how the protocol works, not violations.
 */
import type { NodeId } from '../core/ids.js';
import type { DurationUs, Instant } from '../core/time.js';

export interface Period {
  readonly subject: string;
  readonly since: Instant;
  readonly until: Instant;
  readonly nodes: readonly NodeId[];
}

interface Open {
  readonly subject: string;
  readonly since: Instant;
  until: Instant;
  readonly nodes: Set<NodeId>;
}

export class Periods {
  private readonly open = new Map<string, Open>();

  constructor(
    private readonly toleranceUs: DurationUs,
    private readonly report: (p: Period) => void,
  ) {}

  /**
   * One stretch [from, to): `bad` maps each period key in a bad state to its
   * subject and nodes. Periods not continued by this stretch end at `from`.
   */
  stretch(from: Instant, to: Instant, bad: ReadonlyMap<string, { readonly subject: string; readonly nodes: readonly NodeId[] }>): void {
    for (const [key, p] of [...this.open]) if (!bad.has(key) || p.until !== from) this.close(key);
    for (const [key, b] of bad) {
      const p = this.open.get(key);
      if (p !== undefined) {
        p.until = to;
        for (const n of b.nodes) p.nodes.add(n);
      } else this.open.set(key, { subject: b.subject, since: from, until: to, nodes: new Set(b.nodes) });
    }
  }

  /** End of the run: every open period ends where its last stretch did. */
  closeAll(): void {
    for (const key of [...this.open.keys()]) this.close(key);
  }

  private close(key: string): void {
    const p = this.open.get(key);
    if (p === undefined) return;
    this.open.delete(key);
    if (p.until - p.since > this.toleranceUs) this.report({ subject: p.subject, since: p.since, until: p.until, nodes: [...p.nodes].sort() });
  }
}
