/**
 * A tiny virtual-time host for the checker engine, for tests: a `world` decides
 * what each probe finds (a result after some delay, or silence), the driver
 * feeds results and timeouts in time order and records every output with its
 * instant. At equal instants a probe result is delivered before the engine's
 * own timers, so a result arriving exactly at a probe's deadline still counts.
 */
import { instant, secondsToUs, type Instant } from '../../core/time.js';
import { checkerEngine, type CheckerEngineState } from './engine.js';
import type { CheckerConfig, CheckerInput, CheckerOutput, ProbeResult } from './types.js';

export type ProbeOutput = CheckerOutput & { kind: 'probe' };

/** What a probe finds: a result after `afterUs` (default 0), or no answer at all. */
export type Answer = { readonly result: ProbeResult; readonly afterUs?: number } | 'silent';

export type World = (probe: ProbeOutput, now: Instant) => Answer;

export interface Recorded {
  readonly at: Instant;
  readonly output: CheckerOutput;
}

export interface Run {
  state: CheckerEngineState;
  readonly log: Recorded[];
  now: Instant;
  /** Runs until `until` (inclusive), answering probes from `world`. */
  runUntil(until: Instant): void;
  /** Feeds one input at the current instant. */
  feed(input: CheckerInput): void;
}

interface Pending {
  readonly at: Instant;
  readonly seq: number;
  readonly input: CheckerInput;
}

export function startRun(config: CheckerConfig, world: World, start: Instant = instant(0)): Run {
  const first = checkerEngine.init(config, start);
  const pending: Pending[] = [];
  let seq = 0;
  const run: Run = {
    state: first.state,
    log: [],
    now: start,
    runUntil(until) {
      for (;;) {
        pending.sort((a, b) => a.at - b.at || a.seq - b.seq);
        const deadline = checkerEngine.nextDeadline(run.state);
        const nextResult = pending[0];
        if (nextResult !== undefined && nextResult.at <= until && (deadline === undefined || nextResult.at <= deadline)) {
          pending.shift();
          run.now = nextResult.at;
          apply(nextResult.input);
        } else if (deadline !== undefined && deadline <= until) {
          run.now = deadline;
          apply({ kind: 'timeout' });
        } else {
          run.now = until;
          return;
        }
      }
    },
    feed(input) {
      apply(input);
    },
  };
  const record = (outputs: readonly CheckerOutput[]): void => {
    for (const output of outputs) {
      run.log.push({ at: run.now, output });
      if (output.kind !== 'probe') continue;
      const answer = world(output, run.now);
      if (answer === 'silent') continue;
      pending.push({ at: (run.now + (answer.afterUs ?? 0)) as Instant, seq: seq++, input: { kind: 'probe-result', probeId: output.probeId, result: answer.result } });
    }
  };
  const apply = (input: CheckerInput | { kind: 'timeout' }): void => {
    const step = checkerEngine.step(run.state, input, run.now);
    run.state = step.state;
    record(step.outputs);
  };
  record(first.outputs);
  return run;
}

export const s = (seconds: number): Instant => instant(secondsToUs(seconds));

export const tcpUp: Answer = { result: { type: 'tcp', outcome: 'connected' } };
export const tcpRefused: Answer = { result: { type: 'tcp', outcome: 'refused' } };

/** Seconds at which outputs of one kind happened, e.g. `times(run, 'probe')`. */
export function times(run: Run, kind: CheckerOutput['kind'], filter: (o: CheckerOutput) => boolean = () => true): number[] {
  return run.log.filter((r) => r.output.kind === kind && filter(r.output)).map((r) => r.at / 1_000_000);
}

/** The `ipvs` outputs as compact strings: "26 remove rs1 w1". */
export function ipvsOps(run: Run): string[] {
  return run.log.flatMap(({ at, output }) =>
    output.kind === 'ipvs' ? [`${at / 1_000_000} ${output.op} ${output.server} w${output.weight}`] : [],
  );
}

export function logLines(run: Run): string[] {
  return run.log.flatMap(({ output }) => (output.kind === 'log' ? [output.text] : []));
}
