/**
 * Goal lines of a cluster lesson's tasks, read and judged over a replay.
 *
 *   reach FACT        FACT held at some instant of the task's window, after the previous `reach` was met
 *   hold FACT         FACT holds now
 *   never FACT        FACT held at no instant of the window (`never fenced NODE`, `never corruption`)
 *   forbid WORD [NODE…]  the learner did not use that action (on those nodes) in the window
 *
 * FACT is a cluster `.scenario` expectation without its time: `quorate NODE`,
 * `inquorate NODE` (or `not quorate NODE`), `service SVC on NODE`, `service SVC
 * stopped`, `frozen NODE`, `thawed NODE`, `fenced NODE [after T] [before T]
 * [at-least N]`, `corruption [WORDS…]`. The scenario reader parses them and
 * src/lab/cluster/expect.ts judges them, so a goal means exactly what the same
 * words mean in a scenario file.
 *
 * Theory of operation: an instant fact (quorum, placement, DLM) is judged at a
 * time T over every event up to T; a window fact (fenced, corruption) holds at T
 * when the events of [task start, T] show it. Facts change only at events, so
 * the instants worth judging are the window's start, its event times and now.
 */
import { ScenarioError } from '../core/errors.js';
import { judge, type ClusterOutEvent } from '../lab/cluster/index.js';
import { parseClusterExpectation, type ClusterExpectation } from '../scenario/cluster/index.js';
import type { GoalStatus, LessonLine, RecordedAction } from './contract.js';

export type ClusterGoal =
  | { readonly kind: 'reach' | 'hold' | 'never'; readonly text: string; readonly fact: ClusterExpectation }
  | { readonly kind: 'forbid'; readonly text: string; readonly word: string; readonly nodes: readonly string[] };

/** What the cluster knows, for checking names in goal lines. */
export interface GoalNames {
  readonly nodes: readonly string[];
  readonly verbs: readonly string[];
}

const INSTANT = new Set(['quorate', 'inquorate', 'frozen', 'thawed', 'service']);

function fail(l: LessonLine, column: number, message: string): never {
  throw new ScenarioError('lesson-goal', message, { file: l.file, line: l.line, column });
}

/** Parse one goal line; a mistake is a ScenarioError located in lesson.md. */
export function parseClusterGoal(l: LessonLine, names: GoalNames): ClusterGoal {
  const words = [...l.text.matchAll(/\S+/g)].map((m) => ({ w: m[0], col: l.column + (m.index ?? 0) }));
  const [head, ...rest] = words;
  const text = l.text.trim();
  if (head === undefined) fail(l, l.column, "an empty goal: write 'reach FACT', 'hold FACT', 'never FACT' or 'forbid WORD [NODE…]'");
  if (head.w === 'forbid') {
    const [word, ...nodes] = rest;
    if (word === undefined) fail(l, head.col + 6, "'forbid' needs an action word, e.g. 'forbid kill node01-p'");
    if (!names.verbs.includes(word.w)) fail(l, word.col, `'${word.w}' is not an action of this cluster (${names.verbs.join(', ')})`);
    for (const n of nodes) if (!names.nodes.includes(n.w)) fail(l, n.col, `no node '${n.w}' in the cluster (nodes: ${names.nodes.join(', ')})`);
    return { kind: 'forbid', text, word: word.w, nodes: nodes.map((n) => n.w) };
  }
  if (head.w !== 'reach' && head.w !== 'hold' && head.w !== 'never') {
    fail(l, head.col, `'${head.w}' is not a goal: write 'reach FACT', 'hold FACT', 'never FACT' or 'forbid WORD [NODE…]' (never-two-masters is for VRRP lessons)`);
  }
  const first = rest[0];
  if (first === undefined) fail(l, head.col + head.w.length, `'${head.w}' needs a fact, e.g. '${head.w} quorate node02-p', 'service vm:testbox1 on node02-p', 'fenced node01-p'`);
  const fact = parseFact(l, l.text.slice(first.col - l.column), first.col);
  for (const n of factNodes(fact)) if (!names.nodes.includes(n)) fail(l, words.find((w) => w.w === n)?.col ?? first.col, `no node '${n}' in the cluster (nodes: ${names.nodes.join(', ')})`);
  return { kind: head.w, text, fact };
}

function parseFact(l: LessonLine, raw: string, column: number): ClusterExpectation {
  const words = raw.trim().split(/\s+/);
  const negated = words[0] === 'not' && words[1] === 'quorate';
  const body = negated ? `inquorate ${words.slice(2).join(' ')}` : raw.trim();
  const where = { file: l.file, line: l.line };
  const head = body.split(/\s+/)[0] ?? '';
  if (!INSTANT.has(head) && head !== 'fenced' && head !== 'corruption') {
    fail(l, column, `'${head}' is not a cluster fact: write 'quorate NODE', 'inquorate NODE', 'service SVC on NODE', 'service SVC stopped', 'fenced NODE', 'frozen NODE', 'thawed NODE' or 'corruption [WORDS]'`);
  }
  if (!INSTANT.has(body.split(/\s+/)[0] ?? '')) return parseClusterExpectation(body, { ...where, column });
  // an instant fact is a scenario expectation at a time: give it one, at the column before the fact
  return parseClusterExpectation(`0 ${body}`, { ...where, column: column - 2 });
}

function factNodes(x: ClusterExpectation): string[] {
  switch (x.kind) {
    case 'quorate': case 'dlm': case 'fenced': case 'never-fenced': return [x.node];
    case 'service': return x.node === undefined ? [] : [x.node];
    default: return [];
  }
}

const EPS = 1e-9;
const isWindowFact = (x: ClusterExpectation): boolean => x.kind === 'fenced' || x.kind === 'corruption';
const routine = (e: ClusterOutEvent): boolean => e.kind === 'disk' && (e.op ?? 'write') === 'write';

/** Why FACT does not hold at `t` seconds (window from `s`), or undefined when it holds. */
function factAt(x: ClusterExpectation, events: readonly ClusterOutEvent[], s: number, t: number): string | undefined {
  if (!isWindowFact(x)) return judge({ ...x, at: t } as ClusterExpectation, events);
  return judge(x, events.filter((e) => e.t >= s - EPS && e.t <= t + EPS));
}

/** The instants worth judging in [s, now]: the start, every event time (routine writes aside), now. */
function instants(events: readonly ClusterOutEvent[], s: number, now: number): number[] {
  const ts = new Set<number>([s]);
  for (const e of events) if (e.t > s && e.t <= now + EPS && !routine(e)) ts.add(e.t);
  ts.add(now);
  return [...ts].sort((a, b) => a - b);
}

const secs = (t: number): string => `${Number(t.toFixed(3))} s`;

/** Judge the goals over [fromS, nowS] (seconds) given the events of the run and the actions of the window. */
export function judgeClusterGoals(goals: readonly ClusterGoal[], events: readonly ClusterOutEvent[], fromS: number, nowS: number, actions: readonly RecordedAction[]): GoalStatus[] {
  const ts = instants(events, fromS, nowS);
  let cursor = fromS;
  let blocked = false;
  return goals.map((g): GoalStatus => {
    switch (g.kind) {
      case 'forbid': return forbidStatus(g, actions);
      case 'hold': {
        const why = factAt(g.fact, events, fromS, nowS);
        return why === undefined ? { text: g.text, met: true } : { text: g.text, met: false, detail: why };
      }
      case 'never': {
        const hit = ts.find((t) => factAt(g.fact, events, fromS, t) === undefined);
        return hit === undefined ? { text: g.text, met: true } : { text: g.text, met: false, detail: `it happened at ${secs(hit)}` };
      }
      case 'reach': {
        if (blocked) return { text: g.text, met: false, detail: 'waits for the milestone before it' };
        const hit = ts.find((t) => t >= cursor - EPS && factAt(g.fact, events, fromS, t) === undefined);
        if (hit !== undefined) {
          cursor = hit;
          return { text: g.text, met: true };
        }
        blocked = true;
        return { text: g.text, met: false, detail: `not yet: ${factAt(g.fact, events, fromS, nowS) ?? 'it holds only before the milestone before it'}` };
      }
    }
  });
}

function forbidStatus(g: Extract<ClusterGoal, { kind: 'forbid' }>, actions: readonly RecordedAction[]): GoalStatus {
  const used = actions.find((a) => {
    const [word, ...args] = a.line.trim().split(/\s+/);
    if (word !== g.word) return false;
    const named = args.flatMap((x) => x.split(','));
    return g.nodes.length === 0 || g.nodes.some((n) => named.includes(n));
  });
  return used === undefined ? { text: g.text, met: true } : { text: g.text, met: false, detail: `you used '${used.line.trim()}' at ${secs(used.at / 1_000_000)}` };
}
