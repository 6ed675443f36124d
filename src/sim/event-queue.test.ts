import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Instant } from '../core/time.js';
import { EventQueue } from './event-queue.js';

const t = (us: number): Instant => us as Instant;

describe('EventQueue', () => {
  it('pops by time, then by the order entries were scheduled', () => {
    const q = new EventQueue();
    const seen: string[] = [];
    q.schedule(t(5), () => seen.push('5a'));
    q.schedule(t(1), () => seen.push('1'));
    q.schedule(t(5), () => seen.push('5b'));
    q.schedule(t(3), () => seen.push('3'));
    q.schedule(t(5), () => seen.push('5c'));
    while (q.size > 0) q.pop()?.run();
    expect(seen).toEqual(['1', '3', '5a', '5b', '5c']);
  });

  it('reports the earliest time without removing it', () => {
    const q = new EventQueue();
    expect(q.peekAt()).toBeUndefined();
    q.schedule(t(9), () => {});
    q.schedule(t(2), () => {});
    expect(q.peekAt()).toBe(2);
    expect(q.size).toBe(2);
  });

  it('is a total order for any sequence of schedules and pops (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.boolean()), { maxLength: 200 }), (ops) => {
        const q = new EventQueue();
        const popped: { at: number; seq: number }[] = [];
        for (const [at, popAfter] of ops) {
          q.schedule(t(at), () => {});
          if (popAfter) {
            const e = q.pop();
            if (e) popped.push(e);
          }
        }
        // Whatever is still queued comes out sorted by (at, seq).
        const rest: { at: number; seq: number }[] = [];
        for (let e = q.pop(); e !== undefined; e = q.pop()) rest.push(e);
        for (let i = 1; i < rest.length; i++) {
          const a = rest[i - 1]!;
          const b = rest[i]!;
          expect(a.at < b.at || (a.at === b.at && a.seq < b.seq)).toBe(true);
        }
        expect(popped.length + rest.length).toBe(ops.length);
      }),
    );
  });
});
