/**
 * The simulator's event queue: a binary min-heap of scheduled events.
 *
 * Theory of operation
 * -------------------
 * Every future happening in a simulation — a packet arriving, a node's wake-up,
 * a script finishing, an injected fault — is one `Scheduled` entry. The virtual
 * clock only moves by popping the earliest entry, so the order in which entries
 * pop *is* the simulation.
 *
 * Rules
 * -----
 * - The order is total: by `at`, then by `seq`. `seq` is handed out in the order
 *   `schedule` was called, so two events due at the same microsecond run in the
 *   order they were scheduled, on every run and every platform. (xstate's
 *   SimulatedClock leaves equal deadlines unordered; a seed could not replay.)
 * - Entries are never removed from the middle. Cancelling is the owner's job:
 *   it keeps a generation counter and makes a stale entry a no-op when it pops.
 *   That keeps the heap simple and the hot path free of searches.
 */
import type { Instant } from '../core/time.js';

export interface Scheduled {
  readonly at: Instant;
  readonly seq: number;
  run(): void;
}

/** a before b ⇔ negative. Total: no two entries compare equal (seq is unique). */
export const compareScheduled = (a: Scheduled, b: Scheduled): number => a.at - b.at || a.seq - b.seq;

export class EventQueue {
  private readonly heap: Scheduled[] = [];
  private nextSeq = 0;

  get size(): number {
    return this.heap.length;
  }

  /** The time of the earliest entry, or undefined when the queue is empty. */
  peekAt(): Instant | undefined {
    return this.heap[0]?.at;
  }

  /** Schedule `run` at `at`; returns the entry's sequence number. */
  schedule(at: Instant, run: () => void): number {
    const seq = this.nextSeq++;
    this.push({ at, seq, run });
    return seq;
  }

  /**
   * Take a sequence number for an entry the caller builds itself (a class with a
   * `run` method avoids allocating a closure per packet on the hot path).
   */
  takeSeq(): number {
    return this.nextSeq++;
  }

  push(entry: Scheduled): void {
    const heap = this.heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent] as Scheduled;
      if (compareScheduled(p, entry) <= 0) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = entry;
  }

  /** Remove and return the earliest entry. */
  pop(): Scheduled | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    this.siftDown(last);
    return top;
  }

  private siftDown(entry: Scheduled): void {
    const heap = this.heap;
    const n = heap.length;
    let i = 0;
    while (true) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      let child = left;
      if (right < n && compareScheduled(heap[right] as Scheduled, heap[left] as Scheduled) < 0) child = right;
      const c = heap[child] as Scheduled;
      if (compareScheduled(entry, c) <= 0) break;
      heap[i] = c;
      i = child;
    }
    heap[i] = entry;
  }
}
