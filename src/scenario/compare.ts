/**
 * A real run against the simulator's prediction of the same scenario: per
 * transition, when the simulator said it would happen, when it did, and the
 * difference (the gap to drive down).
 *
 * Transitions are paired per (node, instance, state) in order of occurrence:
 * the k-th time lb2's VI_1 entered MASTER in the prediction with the k-th time
 * it did for real. What only one side has is listed with the other side empty.
 */
import type { Timeline, TimelineTransition } from './timeline.js';

export interface TransitionComparison {
  readonly node: string;
  readonly instance: string;
  readonly state: string;
  /** Seconds; null when only the other side has this transition. */
  readonly predicted: number | null;
  readonly observed: number | null;
  /** observed − predicted, seconds. */
  readonly difference: number | null;
}

export interface Comparison {
  readonly transitions: readonly TransitionComparison[];
  /** Transitions present on one side only. */
  readonly unmatched: number;
  /** The largest |difference| among paired transitions, seconds. */
  readonly maxAbsDifference: number;
  readonly meanAbsDifference: number;
}

const key = (t: TimelineTransition): string => `${t.node}\0${t.instance}\0${t.to}`;
const seconds = (us: number): number => Math.round(us) / 1_000_000;

function occurrences(tl: Timeline): Map<string, TimelineTransition[]> {
  const m = new Map<string, TimelineTransition[]>();
  for (const t of tl.transitions) if (t.to !== 'INIT') m.set(key(t), [...(m.get(key(t)) ?? []), t]);
  return m;
}

export function compareTimelines(predicted: Timeline, observed: Timeline): Comparison {
  const p = occurrences(predicted);
  const o = occurrences(observed);
  const rows: TransitionComparison[] = [];
  for (const k of new Set([...p.keys(), ...o.keys()])) {
    const ps = p.get(k) ?? [];
    const os = o.get(k) ?? [];
    for (let i = 0; i < Math.max(ps.length, os.length); i++) {
      const a = ps[i];
      const b = os[i];
      const any = (a ?? b) as TimelineTransition;
      rows.push({
        node: any.node,
        instance: any.instance,
        state: any.to,
        predicted: a ? seconds(a.at) : null,
        observed: b ? seconds(b.at) : null,
        difference: a && b ? seconds(b.at - a.at) : null,
      });
    }
  }
  rows.sort((x, y) => (x.predicted ?? x.observed ?? 0) - (y.predicted ?? y.observed ?? 0));
  const diffs = rows.flatMap((r) => (r.difference === null ? [] : [Math.abs(r.difference)]));
  return {
    transitions: rows,
    unmatched: rows.filter((r) => r.difference === null).length,
    maxAbsDifference: diffs.length ? Math.max(...diffs) : 0,
    meanAbsDifference: diffs.length ? Math.round((diffs.reduce((s, d) => s + d, 0) / diffs.length) * 1e6) / 1e6 : 0,
  };
}

const cell = (v: number | null): string => (v === null ? '—' : v.toFixed(3));

export function renderComparison(c: Comparison, label = 'observed'): string {
  const lines = [`prediction (simulator) vs ${label}:`, '  node      instance    state    predicted  observed   difference'];
  for (const r of c.transitions) {
    const diff = r.difference === null ? (r.predicted === null ? 'not predicted' : 'did not happen') : `${r.difference >= 0 ? '+' : ''}${r.difference.toFixed(3)} s`;
    lines.push(`  ${r.node.padEnd(9)} ${r.instance.padEnd(11)} ${r.state.padEnd(8)} ${cell(r.predicted).padStart(9)}  ${cell(r.observed).padStart(9)}  ${diff}`);
  }
  lines.push(`  ${c.transitions.length - c.unmatched} paired, ${c.unmatched} unmatched; |difference| max ${c.maxAbsDifference.toFixed(3)} s, mean ${c.meanAbsDifference.toFixed(3)} s`);
  return `${lines.join('\n')}\n`;
}
