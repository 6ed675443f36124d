/**
 * A long run's progress on stderr: how much virtual time is done, the wall
 * time so far and an estimate of the rest.
 *
 *     vrrp-lab simulate: 43200 of 86400 s simulated (50%), 0.9 s so far, about 0.9 s left
 *
 * Rules: stdout is never touched (so --json stays one document). At a
 * terminal the line is rewritten in place, only once the run has taken
 * QUIET_MS (short runs show nothing), and cleared at the end. With
 * `--progress` and no terminal, one line per tenth of the run is written.
 */
import { formatSeconds, type Instant } from '../core/time.js';
import type { CliIo } from './io.js';

/** A run shorter than this at a terminal shows no progress. */
const QUIET_MS = 1000;
/** At a terminal, the line is rewritten at most this often. */
const REFRESH_MS = 250;

export interface ProgressReporter {
  readonly report: (now: Instant, until: Instant) => void;
  /** Clear the terminal line (nothing to do without a terminal). */
  done(): void;
}

/** A reporter for `io.stderr`, or undefined when progress is not wanted (no terminal, no --progress). */
export function progressReporter(io: CliIo, label: string, asked: boolean, clock: () => number = () => performance.now()): ProgressReporter | undefined {
  const tty = io.stderr.isTTY;
  if (!tty && !asked) return undefined;
  const started = clock();
  let shown = false;
  let lastDraw = -Infinity;
  let lastTenth = 0;
  return {
    report(now, until) {
      const elapsed = clock() - started;
      const fraction = until > 0 ? now / until : 1;
      const line = `${label}: ${formatSeconds(now)} of ${formatSeconds(until)} s simulated (${Math.floor(fraction * 100)}%), ${seconds(elapsed)} so far${fraction > 0 && fraction < 1 ? `, about ${seconds((elapsed / fraction) * (1 - fraction))} left` : ''}`;
      if (!tty) {
        const tenth = Math.floor(fraction * 10);
        if (tenth > lastTenth) io.stderr.write(`${line}\n`);
        lastTenth = Math.max(lastTenth, tenth);
        return;
      }
      if ((elapsed < QUIET_MS && !asked) || clock() - lastDraw < REFRESH_MS) return;
      lastDraw = clock();
      shown = true;
      io.stderr.write(`\r${line}\u001b[K`);
    },
    done() {
      if (shown) io.stderr.write('\r\u001b[K');
    },
  };
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
