/**
 * A wake-up for a deadline-driven engine hosted by the simulator (an IPVS
 * table, a checker process): the Alarm port of core/host.ts over the event
 * queue, as SimNode keeps its VRRP engine's.
 *
 * It keeps one wanted deadline and at most one live queue entry: a deadline
 * earlier than the live entry gets a new entry; a later one waits for the entry
 * to pop and re-arms then. Connection timers move later on every packet, so this
 * keeps one entry per engine instead of one per packet. `cancel` makes every
 * entry already queued a no-op (an engine that went away).
 */
import type { Instant } from '../../core/time.js';
import type { EventQueue, Scheduled } from '../event-queue.js';

export class Wake {
  private wanted: Instant | undefined;
  private entryAt: Instant | undefined;
  private generation = 0;

  constructor(
    private readonly queue: EventQueue,
    private readonly now: () => Instant,
    /** Called when the wanted deadline is reached; may `set` the next one. */
    private readonly fire: () => void,
  ) {}

  /** Wake at `at` (replacing the wanted deadline), or never when undefined. */
  set(at: Instant | undefined): void {
    this.wanted = at;
    if (at === undefined) return;
    const due = Math.max(at, this.now()) as Instant;
    if (this.entryAt !== undefined && this.entryAt <= due) return;
    this.entryAt = due;
    this.queue.push(new WakeEntry(due, this.queue.takeSeq(), this, this.generation));
  }

  cancel(): void {
    this.generation++;
    this.wanted = undefined;
    this.entryAt = undefined;
  }

  /** Called by a WakeEntry when it pops. */
  onPop(at: Instant, generation: number): void {
    if (generation !== this.generation) return;
    if (at === this.entryAt) this.entryAt = undefined;
    if (this.wanted !== undefined && this.wanted <= this.now()) {
      this.wanted = undefined;
      this.fire();
    }
    if (this.wanted !== undefined && this.entryAt === undefined) this.set(this.wanted);
  }
}

class WakeEntry implements Scheduled {
  constructor(
    readonly at: Instant,
    readonly seq: number,
    private readonly wake: Wake,
    private readonly generation: number,
  ) {}

  run(): void {
    this.wake.onPop(this.at, this.generation);
  }
}
