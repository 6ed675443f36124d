import type { Observation } from '../core/backend.js';
import { VrrpLabError } from '../core/errors.js';
import { formatSeconds, type Instant } from '../core/time.js';
import { canonicalJson } from './observations.js';

const TRACE_TAIL = 20;

/**
 * An engine hosted by the simulator broke (an invariant failed, or it threw).
 * The message carries what reproduces it — SEED, node, virtual time — and the
 * tail of the trace, TigerBeetle VOPR style.
 */
export class SimulationFailure extends VrrpLabError {
  readonly code = 'sim-engine-failure';
  readonly traceTail: readonly Observation[];

  constructor(
    readonly seed: number,
    readonly node: string,
    readonly at: Instant,
    trace: readonly Observation[],
    cause: unknown,
  ) {
    const tail = trace.slice(-TRACE_TAIL);
    const why = cause instanceof Error ? cause.message : String(cause);
    super(
      `SEED=${seed} node=${node} t=${formatSeconds(at)}s: ${why}\n` +
        `last ${tail.length} observations:\n${tail.map((o) => `  ${canonicalJson(o)}`).join('\n')}`,
      { cause },
    );
    this.traceTail = tail;
  }
}
