import type { Instant } from './time.js';

/**
 * A sans-I/O engine: inputs and `now` in, new state and outputs out. It never
 * reads a clock, opens a socket or touches a container. Timers are deadlines held
 * in the state; the host asks `nextDeadline` and later feeds `{ kind: 'timeout' }`.
 * A timeout that arrives before any deadline is due is a no-op (spurious wake-ups
 * are allowed, so hosts may be sloppy about cancelling).
 */
export interface Step<S, O> {
  readonly state: S;
  readonly outputs: readonly O[];
}

export interface TimeoutInput {
  readonly kind: 'timeout';
}

export interface Engine<C, S, I extends { readonly kind: string }, O> {
  readonly name: string;
  init(config: C, now: Instant): Step<S, O>;
  step(state: S, input: I | TimeoutInput, now: Instant): Step<S, O>;
  nextDeadline(state: S): Instant | undefined;
}
