/**
 * Findings read off an election table (election-table.ts): tracker weights that
 * cannot move the master, weights that only work by a hair, totals keepalived
 * clamps, and weight-0 scripts that fault instead of demoting. (`nopreempt` with
 * `state MASTER` is keepalived's own check: `nopreempt-master` in vrrp-instances.ts.)
 *
 * Theory of operation: a tracker "changes the winner" when some pair of rows that
 * differ only in that tracker elect different masters. Everything is computed
 * from the rows, so a finding is true of exactly the combinations the table shows.
 */
import type { Diagnostic, Severity } from '../../core/diagnostic.js';
import { PRIORITY_MAX_BACKUP, PRIORITY_MIN, PRIORITY_OWNER, trackerContribution } from '../../core/rfc3768.js';
import {
  masterKey,
  type ElectionNode,
  type ElectionRow,
  type ElectionSource,
  type ElectionTable,
  type ElectionTracker,
  type NodeOutcome,
} from './election-table.js';

/** A weight that beats the base-priority gap by this much or less is reported as fragile. */
export const FRAGILE_MARGIN = 5;

export function electionFindings(table: ElectionTable): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const node of table.nodes) {
    out.push(...clampFindings(table, node));
    for (const t of node.trackers) {
      if (t.weight === 0) out.push(...weightZeroScript(table, node, t));
      else if (table.nodes.length > 1) out.push(...weightEffect(table, node, t));
    }
  }
  return out;
}

function diag(
  code: string,
  severity: Severity,
  at: ElectionSource | undefined,
  fallbackFile: string,
  message: string,
  hint?: string,
  data?: Record<string, unknown>,
): Diagnostic {
  return {
    code,
    severity,
    message,
    file: at?.file ?? fallbackFile,
    line: at?.line ?? 0,
    column: at?.column ?? 0,
    ...(hint ? { hint } : {}),
    ...(data ? { data } : {}),
  };
}

function routerName(table: ElectionTable): string {
  return `VRID ${table.vrid} on ${table.interface}`;
}

export function trackerLabel(t: ElectionTracker): string {
  return t.kind === 'script' ? `track_script ${t.name}` : `track_interface ${t.name}`;
}

function signed(n: number): string {
  return n > 0 ? `+${n}` : String(n);
}

function weightZeroScript(table: ElectionTable, node: ElectionNode, t: ElectionTracker): Diagnostic[] {
  if (t.kind !== 'script') return [];
  const when = t.reverse ? 'succeeds' : 'fails';
  return [
    diag(
      'track-script-weight-zero',
      'info',
      t.source,
      node.file,
      `${t.name} has weight 0: when it ${when}, ${node.instance} goes FAULT and releases the VIPs of ${routerName(table)}; it does not lower its priority`,
      'give the script a weight (e.g. weight -50) if a failure should only demote this node',
    ),
  ];
}

/** Pairs of rows that differ only in `t` being up (first) or down (second). */
function flipPairs(table: ElectionTable, t: ElectionTracker): Array<[ElectionRow, ElectionRow]> {
  const byKey = new Map(table.rows.map((r) => [[...r.down].sort().join('\u0000'), r] as const));
  const pairs: Array<[ElectionRow, ElectionRow]> = [];
  for (const up of table.rows) {
    if (up.down.includes(t.id)) continue;
    const downRow = byKey.get([...up.down, t.id].sort().join('\u0000'));
    if (downRow) pairs.push([up, downRow]);
  }
  return pairs;
}

function outcomeOf(row: ElectionRow, node: string): NodeOutcome | undefined {
  return row.nodes.find((n) => n.node === node);
}

function priorityText(o: NodeOutcome | undefined): string {
  return o === undefined ? '?' : o.fault ? 'FAULT' : String(o.effective);
}

function weightEffect(table: ElectionTable, node: ElectionNode, t: ElectionTracker): Diagnostic[] {
  if (node.basePriority >= PRIORITY_OWNER) return [];
  const pairs = flipPairs(table, t);
  if (pairs.length === 0) return [];
  const decisive = pairs.filter(([up, down]) => masterKey(up.master) !== masterKey(down.master));
  if (decisive.length === 0) {
    // A penalty on a node that is never master takes nothing away: the finding
    // belongs to the master's trackers. (A bonus that never lifts its node is reported.)
    const lowers = t.weight < 0 && !t.reverse;
    const everMaster = table.rows.some((r) => masterKey(r.master) === `node:${node.node}`);
    return lowers && !everMaster ? [] : [noEffect(table, node, t, pairs[0]!)];
  }
  const fragile = fragileMargin(table, node, t);
  return fragile ? [fragile] : [];
}

/** research P7: the failure (or success) of this tracker never moves the master. */
function noEffect(table: ElectionTable, node: ElectionNode, t: ElectionTracker, [up, down]: [ElectionRow, ElectionRow]): Diagnostic {
  const mine = `${node.node} goes from ${priorityText(outcomeOf(up, node.node))} to ${priorityText(outcomeOf(down, node.node))}`;
  const master = up.master.kind === 'none' ? 'no node' : up.master.kind === 'node' ? up.master.node : up.master.node ?? 'the higher IP';
  // The tracker adds nothing in its "neutral" row: down for positive weights, up for negative.
  const neutral = t.weight > 0 ? down : up;
  const rivals = neutral.nodes.filter((o) => o.node !== node.node && !o.fault) as Array<Extract<NodeOutcome, { fault: false }>>;
  const best = rivals.reduce<Extract<NodeOutcome, { fault: false }> | undefined>((b, o) => (b && b.effective >= o.effective ? b : o), undefined);
  const gap = best ? Math.abs(priorityOf(neutral, node.node) - best.effective) : 0;
  const rival = best ? `; the priority gap to ${best.node} (${best.effective}) is ${gap}` : '';
  return diag(
    'track-weight-no-effect',
    'warning',
    t.source,
    node.file,
    `${trackerLabel(t)} (weight ${signed(t.weight)}${t.reverse ? ' reverse' : ''}) can never change the master of ${routerName(table)}: when it fails, ${mine}, and ${master} stays master${rival}`,
    best ? `the weight must exceed the priority gap: use a weight of at least ${gap + 1} in size, or bring the base priorities closer` : undefined,
    { tracker: t.id, gap },
  );
}

function priorityOf(row: ElectionRow, node: string): number {
  const o = outcomeOf(row, node);
  return o && !o.fault ? o.effective : 0;
}

/**
 * The weight works, but only because the base priorities are close: seed 004's
 * `weight 2` with both nodes at 100. A small edit to one priority disarms it.
 */
function fragileMargin(table: ElectionTable, node: ElectionNode, t: ElectionTracker): Diagnostic | undefined {
  const others = table.nodes.filter((n) => n.node !== node.node && n.basePriority < PRIORITY_OWNER);
  if (others.length === 0) return undefined;
  const nearest = others.reduce((b, n) => (Math.abs(n.basePriority - node.basePriority) < Math.abs(b.basePriority - node.basePriority) ? n : b));
  const gap = Math.abs(nearest.basePriority - node.basePriority);
  const size = Math.abs(t.weight);
  const slack = size - gap;
  if (slack <= 0 || slack > FRAGILE_MARGIN) return undefined;
  // A weighted tracker contributes when up (w > 0) or when down (w < 0).
  const active = t.weight > 0 ? 'succeeds' : 'fails';
  const moved = node.basePriority + trackerContribution(t.weight, t.reverse, t.weight > 0);
  const effect = moved > node.basePriority ? `gets ${moved} and wins` : `drops to ${moved} and loses`;
  const why =
    gap === 0
      ? `only because ${node.node} and ${nearest.node} have the same base priority ${node.basePriority}`
      : `only by ${slack}: the base priorities ${node.basePriority} (${node.node}) and ${nearest.basePriority} (${nearest.node}) are ${gap} apart`;
  return diag(
    'track-weight-fragile',
    'info',
    t.source,
    node.file,
    `${trackerLabel(t)} (weight ${signed(t.weight)}) decides the master of ${routerName(table)} ${why}: when it ${active} only on ${node.node}, ${node.node} ${effect}; ` +
      `with a base-priority gap of ${size} that would be a tie (the higher IP wins), and with a larger gap the ${t.kind === 'script' ? 'script' : 'interface'} would change nothing`,
    `keep the base priorities of all nodes within ${size - 1} of each other, or use a larger weight`,
    { tracker: t.id, gap, weight: t.weight },
  );
}

/** keepalived clamps a non-owner's total to 1..254 (research §2.10): say what it clamps to. */
function clampFindings(table: ElectionTable, node: ElectionNode): Diagnostic[] {
  if (node.basePriority >= PRIORITY_OWNER) return [];
  const outcomes = table.rows.flatMap((r) => {
    const o = outcomeOf(r, node.node);
    return o && !o.fault ? [{ row: r, total: o.total, effective: o.effective }] : [];
  });
  const out: Diagnostic[] = [];
  const high = outcomes.reduce<(typeof outcomes)[number] | undefined>((b, o) => (o.total > (b?.total ?? PRIORITY_MAX_BACKUP) ? o : b), undefined);
  const low = outcomes.reduce<(typeof outcomes)[number] | undefined>((b, o) => (o.total < (b?.total ?? PRIORITY_MIN) ? o : b), undefined);
  for (const extreme of [high, low]) {
    if (!extreme) continue;
    const movers = node.trackers.filter((t) => (extreme.total > PRIORITY_MAX_BACKUP ? isRaising : isLowering)(t, extreme.row));
    const at = movers[0]?.source ?? node.prioritySource;
    const parts = movers.map((t) => `${signed(t.weight < 0 !== t.reverse ? -Math.abs(t.weight) : Math.abs(t.weight))} ${t.name}`).join(' ');
    out.push(
      diag(
        'priority-clamped',
        'warning',
        at,
        node.file,
        `${node.instance}: priority ${node.basePriority} ${parts} = ${extreme.total} is outside 1..254; keepalived clamps it to ${extreme.effective}`,
        extreme.total > PRIORITY_MAX_BACKUP
          ? 'a non-owner never advertises more than 254: lower the base priority or the weight so the total stays in range'
          : 'the clamp to 1 hides how far the weights push: smaller weights make the table easier to reason about',
        { total: extreme.total, clampedTo: extreme.effective },
      ),
    );
  }
  return out;
}

function isRaising(t: ElectionTracker, row: ElectionRow): boolean {
  const up = !row.down.includes(t.id);
  const signedWeight = t.reverse ? -t.weight : t.weight;
  return signedWeight > 0 && (t.weight > 0 ? up : !up);
}

function isLowering(t: ElectionTracker, row: ElectionRow): boolean {
  const up = !row.down.includes(t.id);
  const signedWeight = t.reverse ? -t.weight : t.weight;
  return signedWeight < 0 && (t.weight > 0 ? up : !up);
}
