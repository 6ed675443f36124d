/**
 * Failed client connections folded into runs for the text timeline (trial
 * finding F4): "35.75 … 47 s: 14 timed out, 13 broken" instead of a row per
 * client and tick, so the health-check rows that explain them stay in sight.
 *
 * Theory of operation: failed outcomes (broken, refused, timed out) are taken in
 * sequence order; a run goes on while the next failure comes within
 * CLIENT_RUN_GAP_US of the previous one and no other row of the timeline (an
 * event, a state change, a VIP move, a check verdict) lies between the two. A
 * run becomes one row at its first failure, counting each outcome and each
 * reason.
 *
 * Rules:
 * - Nothing is dropped: the counts of a run add up to its failures.
 * - `--clients each` (timeline-text.ts) keeps the row per outcome and reason
 *   within a second instead (lvsClientRows).
 */
import type { LvsClientOutcome } from '../../core/backend.js';
import { formatSeconds, US_PER_SECOND, type DurationUs } from '../../core/time.js';
import type { LvsRow } from './timeline-render.js';
import type { TimelineClientOutcome, TimelineLvs } from './timeline.js';

/** Failures further apart than this start a new run. */
export const CLIENT_RUN_GAP_US: DurationUs = 5 * US_PER_SECOND;

const FAILED: readonly LvsClientOutcome[] = ['broken', 'refused', 'timed-out'];
const WORDS: Readonly<Record<string, string>> = { broken: 'broken', refused: 'refused', 'timed-out': 'timed out' };

/** How the text timeline shows client outcomes: folded into runs, or a row per outcome and reason within a second. */
export type ClientRows = 'grouped' | 'each';

/** Runs of failures; `barriers` are the sequence numbers of the timeline's other rows. */
export function groupedClientRows(lvs: TimelineLvs, barriers: readonly number[]): LvsRow[] {
  const sorted = [...barriers].sort((a, b) => a - b);
  const between = (a: number, b: number): boolean => {
    const i = sorted.findIndex((s) => s > a);
    return i !== -1 && (sorted[i] as number) < b;
  };
  const runs: TimelineClientOutcome[][] = [];
  for (const o of lvs.clientOutcomes) {
    if (!FAILED.includes(o.outcome)) continue;
    const run = runs[runs.length - 1];
    const last = run?.[run.length - 1];
    if (run !== undefined && last !== undefined && o.at - last.at <= CLIENT_RUN_GAP_US && !between(last.seq, o.seq)) run.push(o);
    else runs.push([o]);
  }
  return runs.map((run) => runRow(lvs, run));
}

function runRow(lvs: TimelineLvs, run: readonly TimelineClientOutcome[]): LvsRow {
  const first = run[0] as TimelineClientOutcome;
  const last = run[run.length - 1] as TimelineClientOutcome;
  const kinds = FAILED.map((k) => [k, run.filter((o) => o.outcome === k).length] as const).filter(([, n]) => n > 0);
  const reasons = tally(run.map((o) => o.reason));
  const servers = tally(run.flatMap((o) => (o.server === undefined ? [] : [o.server])));
  if (run.length === 1) return { seq: first.seq, at: first.at, node: lvs.clients, instance: '', what: `1 connection ${first.outcome}`, priority: '', why: first.reason };
  const span = last.at > first.at ? ` to ${formatSeconds(last.at)} s` : '';
  const what = `${run.length} failed${span}: ${kinds.map(([k, n]) => `${n} ${WORDS[k]}`).join(', ')}`;
  const via = servers.length === 0 ? '' : `${servers.map(([s, n]) => (n === run.length ? `all via ${s}` : `${n} via ${s}`)).join(', ')}; `;
  const why = `${via}${reasons.map(([r, n]) => (reasons.length === 1 ? r : `${r} ×${n}`)).join('; ')}`;
  return { seq: first.seq, at: first.at, node: lvs.clients, instance: '', what, priority: '', why };
}

/** Distinct values with their counts, most frequent first (ties in order of appearance). */
function tally(values: readonly string[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]);
}
