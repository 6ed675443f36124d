/**
 * The checker library's verdicts (src/check) as `simulate` and `run` print
 * them: one line per checker in text, and a `verdicts` list in JSON. Times are
 * seconds, as everywhere in the JSON document.
 */
import type { Verdict } from '../../check/index.js';
import { formatSeconds, usToSeconds } from '../../core/time.js';
import type { Style } from '../style.js';

export interface VerdictJson {
  readonly checker: string;
  readonly ok: boolean;
  readonly violations: readonly { t: number; class: string; subject: string; nodes: readonly string[]; message: string }[];
}

export function verdictsToJson(verdicts: readonly Verdict[]): VerdictJson[] {
  return verdicts.map((v) => ({
    checker: v.checker,
    ok: v.ok,
    violations: v.violations.map((x) => ({ t: usToSeconds(x.at), class: x.class, subject: x.subject, nodes: x.nodes, message: x.message })),
  }));
}

/** "invariants: at-most-one-master ok · convergence ok · …", then each violation on its own line. */
export function renderVerdicts(verdicts: readonly Verdict[], style: Style): string {
  if (verdicts.length === 0) return '';
  const head = verdicts.map((v) => `${v.checker} ${v.ok ? style.good('ok') : style.bad(`${v.violations.length} violation${v.violations.length === 1 ? '' : 's'}`)}`).join(' · ');
  const lines = verdicts.flatMap((v) => v.violations.map((x) => `  ${style.bad(x.class.toUpperCase())} ${x.checker} at ${formatSeconds(x.at)} s: ${x.message}`));
  return [`\ninvariants: ${head}`, ...lines].join('\n') + '\n';
}
