/**
 * Goal lines of a VRRP/LVS lesson (LESSON-FORMAT): `reach FACT`, `hold FACT`,
 * `never FACT`, `never-two-masters`, `forbid WORD [NODE…]`, with FACT in the
 * words of a scenario `expect T …` line, parsed by the scenario's own parser.
 *
 * Theory of operation: the timeline is piecewise constant between its change
 * points, so a fact that held at some instant of [from, now] held at `from` or
 * at one of the change points inside the window; judging evaluates the fact
 * there and nowhere else. A `reach` is a milestone: it must hold at or after
 * the instant the previous `reach` was met.
 *
 * Rules:
 * - Goal lines are checked when the session opens: an unknown node, instance,
 *   VIP or action word is a located error (LessonFileError).
 * - `forbid` counts the learner's actions in the window, not the lab block's events.
 */
import type { Diagnostic } from '../core/diagnostic.js';
import type { NodeId } from '../core/ids.js';
import { formatSeconds, type Instant } from '../core/time.js';
import { eventNodes, isEventWord, parseEventLine, tokenize } from '../scenario/events.js';
import { evaluate, describePredicate, type Predicate } from '../scenario/expectations.js';
import { parseFact } from '../scenario/scenario-file.js';
import { changePoints, mastersAt, type Timeline, type TimelineInstance } from '../scenario/timeline.js';
import type { GoalStatus, LessonLine, RecordedAction } from './contract.js';

export type Goal =
  | { readonly kind: 'reach' | 'hold' | 'never'; readonly text: string; readonly fact: Predicate }
  | { readonly kind: 'never-two-masters'; readonly text: string }
  | { readonly kind: 'forbid'; readonly text: string; readonly word: string; readonly nodes: readonly NodeId[] };

/** What goal lines are checked against. */
export interface GoalWorld {
  readonly nodes: readonly NodeId[];
  readonly instances: readonly TimelineInstance[];
  /** Real server names (LVS lessons). */
  readonly realServers: readonly string[];
}

const diag = (l: LessonLine, column: number, code: string, message: string, hint?: string): Diagnostic => ({ code, severity: 'error', message, file: l.file, line: l.line, column, ...(hint ? { hint } : {}) });

/** Parse every goal line; the diagnostics list every mistake. */
export function parseGoals(lines: readonly LessonLine[], world: GoalWorld): { goals: Goal[]; diagnostics: Diagnostic[] } {
  const goals: Goal[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const l of lines) {
    const r = parseGoal(l, world);
    if ('diagnostics' in r) diagnostics.push(...r.diagnostics);
    else goals.push(r);
  }
  return { goals, diagnostics };
}

function parseGoal(l: LessonLine, world: GoalWorld): Goal | { diagnostics: Diagnostic[] } {
  const tokens = tokenize(l.text, l.column - 1);
  const [word, ...rest] = tokens;
  const ctx = { file: l.file, line: l.line, nodes: world.nodes };
  const end = l.column + l.text.length;
  if (word === undefined) return { diagnostics: [diag(l, l.column, 'lesson-unknown-goal', 'an empty goal line')] };
  switch (word.text) {
    case 'never-two-masters':
      if (rest[0] !== undefined) return { diagnostics: [diag(l, rest[0].column, 'lesson-goal-extra-argument', `unexpected '${rest[0].text}'`, 'never-two-masters takes nothing')] };
      return { kind: 'never-two-masters', text: l.text };
    case 'forbid': {
      const [w, ...nodes] = rest;
      if (w === undefined || !isEventWord(w.text)) return { diagnostics: [diag(l, w?.column ?? end, 'lesson-goal-bad-forbid', w ? `'${w.text}' is not an action word` : 'forbid needs an action word', 'forbid WORD [NODE…], e.g. forbid kill lb1')] };
      const unknown = nodes.find((n) => !world.nodes.includes(n.text) && !world.realServers.includes(n.text));
      if (unknown) return { diagnostics: [diag(l, unknown.column, 'lesson-goal-unknown-node', `unknown node '${unknown.text}'`, `nodes: ${world.nodes.join(', ')}`)] };
      return { kind: 'forbid', text: l.text, word: w.text, nodes: nodes.map((n) => n.text) };
    }
    case 'reach': case 'hold': case 'never': {
      const p = parseFact(rest, ctx, end, world.nodes);
      if (!p.ok) return { diagnostics: p.diagnostics.map((d) => ({ ...d, code: d.code.replace(/^expect-/, 'lesson-goal-') })) };
      const unknown = unknownName(p.value, world);
      if (unknown) return { diagnostics: [diag(l, (rest[1] ?? rest[0] ?? word).column, 'lesson-goal-unknown-name', unknown)] };
      return { kind: word.text, text: l.text, fact: p.value };
    }
    default:
      return { diagnostics: [diag(l, word.column, 'lesson-unknown-goal', `unknown goal '${word.text}'`, 'reach, hold, never, never-two-masters, forbid')] };
  }
}

/** An instance or VIP the lesson's nodes do not have, in words. */
function unknownName(p: Predicate, world: GoalWorld): string | undefined {
  const instances = [...new Set(world.instances.map((i) => i.instance))];
  const vips = [...new Set(world.instances.flatMap((i) => i.virtualAddresses.map((a) => a.split('/')[0] as string)))];
  if ((p.kind === 'master' || p.kind === 'state' || p.kind === 'priority') && typeof p.instance === 'string' && !instances.includes(p.instance)) {
    return `unknown instance '${p.instance}' (instances: ${instances.join(', ') || '(none)'})`;
  }
  if (p.kind === 'holder' && !vips.includes(p.vip.split('/')[0] as string)) return `unknown VIP '${p.vip}' (VIPs: ${vips.join(', ') || '(none)'})`;
  return undefined;
}

/**
 * What earlier judgings of the same goals over the same run and window found:
 * the timeline's past does not change, so each goal's search resumes where the
 * last one stopped (points before `until` were all evaluated) — a long session
 * costs the new change points only.
 */
export type JudgeMemo = Map<number, { until: Instant; at?: Instant }>;

/** Judge goals over [from, now] on the timeline, given the learner's actions in that window. */
export function judgeGoals(goals: readonly Goal[], tl: Timeline, from: Instant, now: Instant, actions: readonly RecordedAction[], memo: JudgeMemo = new Map()): GoalStatus[] {
  const points = [from, ...changePoints(tl).filter((t) => t > from && t <= now)];
  if (points[points.length - 1] !== now) points.push(now);
  let reachedAt: Instant | undefined = from;
  /** The first point at or after `start` where `holds`, resuming from the memo of goal i. */
  const first = (i: number, start: Instant, holds: (t: Instant) => boolean): Instant | undefined => {
    const m = memo.get(i);
    if (m?.at !== undefined && m.at >= start) return m.at;
    const resume = Math.max(start, m?.until ?? start);
    const t = points.find((p) => p >= resume && holds(p));
    memo.set(i, t === undefined ? { until: now } : { until: now, at: t });
    return t;
  };
  return goals.map((g, i): GoalStatus => {
    switch (g.kind) {
      case 'reach': {
        if (reachedAt === undefined) return { text: g.text, met: false, detail: 'not yet: the milestone before it comes first' };
        const t = first(i, reachedAt, (p) => evaluate(tl, g.fact, p).ok);
        reachedAt = t;
        if (t === undefined) return { text: g.text, met: false, detail: `not yet: ${evaluate(tl, g.fact, now).actual}` };
        return { text: g.text, met: true, detail: `reached at ${formatSeconds(t)} s` };
      }
      case 'hold': {
        const r = evaluate(tl, g.fact, now);
        return r.ok ? { text: g.text, met: true } : { text: g.text, met: false, detail: `now ${r.actual}` };
      }
      case 'never': {
        const t = first(i, from, (p) => evaluate(tl, g.fact, p).ok);
        return t === undefined ? { text: g.text, met: true } : { text: g.text, met: false, detail: `broken at ${formatSeconds(t)} s: ${describePredicate(g.fact)}` };
      }
      case 'never-two-masters': {
        const t = first(i, from, (p) => twoMastersAt(tl, p) !== undefined);
        return t === undefined ? { text: g.text, met: true } : { text: g.text, met: false, detail: `two masters at ${formatSeconds(t)} s: ${twoMastersAt(tl, t)}` };
      }
      case 'forbid':
        return forbidden(g, actions);
    }
  });
}

/** Two masters for one VRID at t, in words, or undefined. */
function twoMastersAt(tl: Timeline, t: Instant): string | undefined {
  for (const vrid of new Set(tl.instances.map((i) => i.vrid))) {
    const m = mastersAt(tl, vrid, t);
    if (m.length > 1) return `${m.join(' and ')} (VRID ${vrid})`;
  }
  return undefined;
}

function forbidden(g: Extract<Goal, { kind: 'forbid' }>, actions: readonly RecordedAction[]): GoalStatus {
  const used = actions.find((a) => {
    const p = parseEventLine(`0 ${a.line}`, { file: 'action', line: 1 });
    if (!p.ok || p.value.event.kind !== g.word) return false;
    return g.nodes.length === 0 || eventNodes(p.value.event).some((n) => g.nodes.includes(n));
  });
  return used === undefined ? { text: g.text, met: true } : { text: g.text, met: false, detail: `'${used.line}' was used at ${formatSeconds(used.at)} s` };
}
