/**
 * What the VRRP engine decided and keepalived does not show in its state:
 * adverts a node received and dropped (with the reason), and instances a sync
 * group held in BACKUP while they wanted MASTER. Read from the observations
 * into the Timeline, then rendered as rows of the text table, JSON entries and
 * SVG marks.
 *
 * Theory of operation
 * - Drops: only the ones a peer mismatch causes (vrrp explain.ts
 *   isPeerMismatch: advert_int, VIPs, auth, TTL, version, unicast peer …) and
 *   whose sender is known. One lost advert a second for a whole run would drown
 *   the table, so drops fold into runs: one run per receiver, instance and
 *   sender while the reason stays the same. A run is shown as its first drop
 *   ("lb2 drops lb1's advert: advert_int 1 ≠ 2") and, when it holds more, a
 *   count at its last drop ("… 11 more of lb1's adverts dropped"). A new
 *   reason from the same sender closes the run and opens the next.
 * - Sync-group waits are shown one per observation (the engine reports a wait
 *   only when an instance starts wanting MASTER), except a wait that ends at
 *   the same instant, as when two members' timers expire together.
 * - "No master" stretches: per instance name, the intervals after a first
 *   master in which no lane is MASTER (drawn as a band in the SVG).
 *
 * Rules
 * - Senders are named by node when their address is a node's interface or
 *   advert source address, else by address.
 * - Nothing here changes the run: these are readings of observations only.
 */
import type { Observation } from '../core/backend.js';
import type { NodeId } from '../core/ids.js';
import { usToSeconds, type Instant } from '../core/time.js';
import { isPeerMismatch } from '../vrrp/explain.js';
import type { DropCode } from '../vrrp/types.js';
import type { Lane, Timeline, TimelineInstance, TimelineNode } from './timeline.js';
import type { Row } from './timeline-text.js';

/** A run of adverts one instance dropped from one sender for one reason. */
export interface DropRun {
  /** Position of the first drop in the merged sequence (timeline.ts). */
  readonly seq: number;
  readonly at: Instant;
  readonly lastSeq: number;
  readonly lastAt: Instant;
  /** The receiver. */
  readonly node: NodeId;
  readonly instance: string;
  /** The sender: a node's name, else its address. */
  readonly from: string;
  readonly fromAddress: string;
  readonly code: string;
  /** The reason in words, the sender's value first: "advert_int 1 ≠ 2". */
  readonly why: string;
  readonly count: number;
}

/** An instance that wants MASTER while its sync group waits for other members. */
export interface SyncWait {
  readonly seq: number;
  readonly at: Instant;
  readonly node: NodeId;
  readonly instance: string;
  readonly group: string;
  readonly waitingFor: readonly string[];
  /** Why it wants MASTER. */
  readonly reason: string;
}

export interface Explanations {
  readonly drops: readonly DropRun[];
  readonly syncWaits: readonly SyncWait[];
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Fold the `dropped` and `sync-group-wait` observations of a merged sequence (index = seq). */
export function collectExplanations(entries: readonly ({ readonly kind: string } | Observation)[], nodes: readonly TimelineNode[], instances: readonly TimelineInstance[]): Explanations {
  const names = senderNames(nodes, instances);
  const open = new Map<string, Mutable<DropRun>>();
  const drops: DropRun[] = [];
  const syncWaits: SyncWait[] = [];
  entries.forEach((e, seq) => {
    if (e.kind === 'sync-group-wait') {
      const w = e as Extract<Observation, { kind: 'sync-group-wait' }>;
      syncWaits.push({ seq, at: w.at, node: w.node, instance: w.instance, group: w.group, waitingFor: w.waitingFor, reason: w.reason });
      return;
    }
    if (e.kind !== 'dropped') return;
    const o = e as Extract<Observation, { kind: 'dropped' }>;
    if (o.from === undefined || o.why === undefined || o.instance === undefined || !isPeerMismatch(o.reason.code as DropCode)) return;
    const key = `${o.node}\u0000${o.instance}\u0000${o.from}`;
    const run = open.get(key);
    if (run !== undefined && run.code === o.reason.code && run.why === o.why) {
      run.count++;
      run.lastSeq = seq;
      run.lastAt = o.at;
      return;
    }
    if (run !== undefined) drops.push(run);
    const from = names.get(o.from) ?? o.from;
    open.set(key, { seq, at: o.at, lastSeq: seq, lastAt: o.at, node: o.node, instance: o.instance, from, fromAddress: o.from, code: o.reason.code, why: o.why, count: 1 });
  });
  drops.push(...open.values());
  return { drops: drops.sort((a, b) => a.seq - b.seq), syncWaits: waitsThatLast(syncWaits, entries) };
}

/** Members whose timers expire together wait for each other for no time at all: such a wait is no news. */
function waitsThatLast(waits: readonly SyncWait[], entries: readonly ({ readonly kind: string } | Observation)[]): SyncWait[] {
  if (waits.length === 0) return [];
  const mastered = new Set<string>();
  for (const e of entries) {
    const t = e as Observation;
    if (t.kind === 'transitioned' && t.to === 'MASTER') mastered.add(`${t.node}\u0000${t.instance}\u0000${t.at}`);
  }
  return waits.filter((w) => !mastered.has(`${w.node}\u0000${w.instance}\u0000${w.at}`));
}

function senderNames(nodes: readonly TimelineNode[], instances: readonly TimelineInstance[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const n of nodes) {
    names.set(n.address, n.id);
    for (const i of n.interfaces) names.set(i.address, n.id);
  }
  for (const i of instances) if (i.address !== undefined) names.set(i.address, i.node);
  return names;
}

// ---------------------------------------------------------------- text

/** The first drop of each run, a count at its last drop, and every sync-group wait. */
export function explanationRows(tl: Pick<Timeline, 'drops' | 'syncWaits'>): Row[] {
  const rows: Row[] = [];
  for (const d of tl.drops) {
    rows.push({ seq: d.seq, at: d.at, node: d.node, instance: d.instance, what: `drops ${d.from}'s advert`, priority: '', why: d.why });
    if (d.count > 1) {
      rows.push({ seq: d.lastSeq, at: d.lastAt, node: d.node, instance: d.instance, what: `… ${d.count - 1} more of ${d.from}'s adverts dropped`, priority: '', why: d.why });
    }
  }
  for (const w of tl.syncWaits) {
    const waits = w.waitingFor.length === 0 ? '' : ` waits for ${w.waitingFor.join(', ')}`;
    rows.push({ seq: w.seq, at: w.at, node: w.node, instance: w.instance, what: 'wants MASTER', priority: '', why: `${w.reason}; sync group ${w.group}${waits}` });
  }
  return rows;
}

// ---------------------------------------------------------------- JSON

export interface ExplanationsJson {
  readonly drops: readonly { t: number; lastT: number; node: string; instance: string; from: string; fromAddress: string; code: string; reason: string; count: number }[];
  readonly syncWaits: readonly { t: number; node: string; instance: string; group: string; waitingFor: readonly string[]; reason: string }[];
}

export function explanationsToJson(tl: Pick<Timeline, 'drops' | 'syncWaits'>): ExplanationsJson {
  const t = usToSeconds;
  return {
    drops: tl.drops.map((d) => ({ t: t(d.at), lastT: t(d.lastAt), node: d.node, instance: d.instance, from: d.from, fromAddress: d.fromAddress, code: d.code, reason: d.why, count: d.count })),
    syncWaits: tl.syncWaits.map((w) => ({ t: t(w.at), node: w.node, instance: w.instance, group: w.group, waitingFor: [...w.waitingFor], reason: w.reason })),
  };
}

// ---------------------------------------------------------------- no master

export interface NoMasterStretch {
  readonly instance: string;
  readonly from: Instant;
  /** Exclusive end; the timeline's end when no master came back. */
  readonly to: Instant;
}

/**
 * Per instance name: the stretches, after the first master, in which no lane
 * of that name is MASTER. Before the first master is start-up, not an outage.
 */
export function noMasterStretches(tl: Pick<Timeline, 'lanes' | 'until'>): NoMasterStretch[] {
  const byName = new Map<string, Lane[]>();
  for (const l of tl.lanes) byName.set(l.instance, [...(byName.get(l.instance) ?? []), l]);
  const out: NoMasterStretch[] = [];
  for (const [instance, lanes] of byName) {
    const masters = lanes.flatMap((l) => l.segments.filter((s) => s.state === 'MASTER')).sort((a, b) => a.from - b.from);
    let coveredTo: Instant | undefined;
    for (const s of masters) {
      if (coveredTo !== undefined && s.from > coveredTo) out.push({ instance, from: coveredTo, to: s.from });
      coveredTo = coveredTo === undefined || s.to > coveredTo ? s.to : coveredTo;
    }
    if (coveredTo !== undefined && coveredTo < tl.until) out.push({ instance, from: coveredTo, to: tl.until });
  }
  return out.sort((a, b) => a.from - b.from);
}
