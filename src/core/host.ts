import type { Engine, TimeoutInput } from './engine.js';
import type { Instant } from './time.js';

/**
 * The one loop that drives an engine. The simulator and the container runtime
 * differ only in the ports they pass: a clock, an alarm and a way to perform
 * outputs. Everything else — the order of deliver, store, perform, re-arm — is
 * here, once.
 */
export interface Clock {
  now(): Instant;
}

export interface Alarm {
  /** Wake the host at `at` (or never, when undefined), replacing any earlier request. */
  wakeAt(at: Instant | undefined): void;
}

export interface HostPorts<O> {
  readonly clock: Clock;
  readonly alarm: Alarm;
  perform(output: O, now: Instant): void;
}

export class Host<C, S, I extends { readonly kind: string }, O> {
  private current: S;

  constructor(
    private readonly engine: Engine<C, S, I, O>,
    config: C,
    private readonly ports: HostPorts<O>,
  ) {
    const now = ports.clock.now();
    const first = engine.init(config, now);
    this.current = first.state;
    this.apply(first.outputs, now);
  }

  get state(): S {
    return this.current;
  }

  deliver(input: I | TimeoutInput): void {
    const now = this.ports.clock.now();
    const { state, outputs } = this.engine.step(this.current, input, now);
    this.current = state;
    this.apply(outputs, now);
  }

  /** Called by the alarm port when the wake-up time is reached. */
  fire(): void {
    this.deliver({ kind: 'timeout' });
  }

  private apply(outputs: readonly O[], now: Instant): void {
    for (const output of outputs) this.ports.perform(output, now);
    this.ports.alarm.wakeAt(this.engine.nextDeadline(this.current));
  }
}
