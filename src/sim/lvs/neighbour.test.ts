import { describe, expect, it } from 'vitest';
import type { NodeId, SegmentId } from '../../core/ids.js';
import { interfaceMac } from '../../core/mac.js';
import { Rng } from '../../core/rng.js';
import { US_PER_SECOND, type Instant } from '../../core/time.js';
import { EventQueue } from '../event-queue.js';
import { Attachment, Segment } from '../network.js';
import { ObservationLog } from '../observations.js';
import { NEIGH_DEFAULTS, NeighbourCache } from './neighbour.js';
import type { LvsPacket } from './packet.js';

const VIP = '192.0.2.80';
const S = US_PER_SECOND;

/** A router and two directors on one segment (100 µs each way), a queue run by hand. */
function world() {
  const queue = new EventQueue();
  let now = 0 as Instant;
  const segment = new Segment('eth0' as SegmentId, { latencyUsMin: 100, latencyUsMax: 100, lossRatio: 0 });
  const at = (node: string, address: string, n: number): Attachment => {
    const a = new Attachment(node as NodeId, n, 'eth0', address, segment, interfaceMac(n, 1), new Set(), true);
    segment.add(a);
    return a;
  };
  const lb1 = at('lb1', '192.0.2.1', 1);
  const lb2 = at('lb2', '192.0.2.2', 2);
  const router = at('clients', '192.0.2.254', -1);
  const sent: { t: number; to: string }[] = [];
  const log = new ObservationLog();
  const cache = new NeighbourCache('clients' as NodeId, router, queue, () => now, Rng.fromSeed(7).fork('neighbour'), log, {
    transmit: (to) => void sent.push({ t: now, to: to.node }),
  });
  const runUntil = (t: number): void => {
    for (let next = queue.peekAt(); next !== undefined && next <= t; next = queue.peekAt()) {
      now = next;
      queue.pop()?.run();
    }
    now = t as Instant;
  };
  const send = (t: number): void => {
    runUntil(t);
    cache.output(VIP, {} as LvsPacket);
  };
  const arp = () => log.all().filter((o) => o.kind === 'lvs-arp').map((o) => ({ t: o.at, ...('owner' in o && o.owner !== undefined ? { owner: o.owner } : {}), reason: 'reason' in o ? o.reason : '' }));
  return { queue, cache, lb1, lb2, router, sent, runUntil, send, arp };
}

describe('the clients\' router\'s neighbour cache (Linux defaults)', () => {
  it('resolves by broadcast: the packet waits for the reply, the first to answer wins the entry', () => {
    const w = world();
    w.lb1.local.add(VIP);
    w.lb2.local.add(VIP); // a paused master's kernel still answers, next to the new master
    w.send(1 * S);
    expect(w.sent).toEqual([]);
    w.runUntil(2 * S);
    expect(w.sent).toEqual([{ t: 1 * S + 200, to: 'lb1' }]);
    expect(w.cache.peek(VIP)).toEqual({ state: 'REACHABLE', owner: 'lb1' });
    expect(w.arp()).toEqual([{ t: 1 * S + 200, owner: 'lb1', reason: 'lb1 answered the broadcast' }]);
  });

  it('takes a gratuitous ARP from a new owner at once (STALE), ignores one for an address it never asked for', () => {
    const w = world();
    w.cache.heardGratuitous(w.lb2, VIP);
    expect(w.cache.peek(VIP)).toBeUndefined(); // arp_accept 0
    w.lb1.local.add(VIP);
    w.send(1 * S);
    w.runUntil(1 * S + 500);
    w.cache.heardGratuitous(w.lb2, VIP); // within locktime of the reply: a GARP overrides anyway
    expect(w.cache.peek(VIP)).toEqual({ state: 'STALE', owner: 'lb2' });
    w.cache.heardGratuitous(w.lb2, VIP);
    expect(w.cache.peek(VIP)).toEqual({ state: 'STALE', owner: 'lb2' });
    w.send(2 * S);
    expect(w.sent.at(-1)).toEqual({ t: 2 * S, to: 'lb2' });
    expect(w.cache.peek(VIP)?.state).toBe('DELAY');
  });

  it('keeps sending to an owner that lost the address until DELAY (5 s) and three unanswered probes (1 s apart) fail it', () => {
    const w = world();
    w.lb1.local.add(VIP);
    w.send(0);
    w.runUntil(1000);
    w.lb2.local.add(VIP);
    w.cache.heardGratuitous(w.lb2, VIP); // lb2 took over …
    w.lb2.local.delete(VIP); // … and gave the VIP back without a word
    w.lb1.local.add(VIP);
    for (let t = 1; t <= 9; t++) w.send(t * S);
    const delay = NEIGH_DEFAULTS.delayFirstProbeTimeUs;
    const failedAt = 1 * S + delay + NEIGH_DEFAULTS.ucastSolicit * NEIGH_DEFAULTS.retransTimeUs;
    expect(failedAt).toBe(9 * S);
    // Sent at 1..8 s to lb2 (STALE → DELAY at 1 s, PROBE at 6 s); at 9 s the entry has just failed: the packet waits for the broadcast.
    expect(w.sent.filter((s) => s.to === 'lb2').map((s) => s.t)).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((t) => t * S));
    w.runUntil(10 * S);
    expect(w.arp().slice(1)).toEqual([
      { t: 1000, owner: 'lb2', reason: 'gratuitous ARP from lb2' },
      { t: 9 * S, reason: 'no answer to 3 probes to lb2; the next packet asks again' },
      { t: 9 * S + 200, owner: 'lb1', reason: 'lb1 answered the broadcast' },
    ]);
    expect(w.sent.at(-1)).toEqual({ t: 9 * S + 200, to: 'lb1' });
  });

  it('an owner that answers the probes stays REACHABLE for reachable_time, drawn in [15 s, 45 s)', () => {
    const w = world();
    w.lb1.local.add(VIP);
    w.send(0);
    w.runUntil(1 * S);
    w.cache.heardGratuitous(w.lb1, VIP); // the same owner again: still REACHABLE
    expect(w.cache.peek(VIP)?.state).toBe('REACHABLE');
    let stale = 0;
    for (let t = 1; t <= 60 && stale === 0; t++) {
      w.runUntil(t * S);
      if (w.cache.peek(VIP)?.state === 'STALE') stale = t;
    }
    expect(stale).toBeGreaterThanOrEqual(15);
    expect(stale).toBeLessThanOrEqual(46);
  });

  it('drops what waits when nobody answers three broadcasts, after exactly 3 s', () => {
    const w = world();
    w.send(0);
    w.runUntil(3 * S - 1);
    expect(w.cache.peek(VIP)?.state).toBe('INCOMPLETE');
    w.runUntil(3 * S);
    expect(w.cache.peek(VIP)?.state).toBe('FAILED');
    expect(w.arp()).toEqual([{ t: 3 * S, reason: 'no answer to 3 broadcasts; the next packet asks again' }]);
    w.lb1.local.add(VIP);
    w.runUntil(10 * S);
    expect(w.sent).toEqual([]);
  });
});
