/**
 * What a cluster lab shows at a virtual time: the cluster panel (each node's
 * life, ring, votes and quorum; fencing in words; where each service runs; data
 * safety), the strip (a lane per node and per service) and the log with the
 * engines' why — all read from a replay's events, notes and node lives up to
 * now, never from engine state, so what the learner sees is what a run's
 * `--json` would show.
 *
 * Rules: states are words (running, down, fenced, paused, started, stopped);
 * routine disk writes (a service writing once a second) are not logged.
 */
import type { Instant } from '../core/time.js';
import { servicePlacement, type ClusterNote, type ClusterOutEvent, type ClusterReplay, type NodeLife } from '../lab/cluster/index.js';
import type { ClusterNodeView, ClusterPanelView, LogEntry, StripLane } from './contract.js';

type Ev = ClusterOutEvent;
const EPS = 1e-9;
const US = 1_000_000;
const at = (t: number): Instant => Math.round(t * US) as Instant;
const secs = (t: number): string => `${Number(t.toFixed(3))} s`;

export interface ClusterViewInputs {
  readonly replay: ClusterReplay;
  /** Node names in nodeid order, with their own votes. */
  readonly nodes: readonly { readonly name: string; readonly votes: number }[];
  /** Seconds. */
  readonly now: number;
  /** The `event: …` note texts of the learner's actions (logged as `action`). */
  readonly actionNotes: ReadonlySet<string>;
}

const lastOf = <E extends Ev['kind']>(events: readonly Ev[], kind: E, pick: (e: Extract<Ev, { kind: E }>) => boolean): Extract<Ev, { kind: E }> | undefined => {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i] as Ev;
    if (e.kind === kind && pick(e as Extract<Ev, { kind: E }>)) return e as Extract<Ev, { kind: E }>;
  }
  return undefined;
};

/** A node's word for a life change: a down caused by a fence is `fenced`. */
function lifeWord(l: NodeLife | undefined): string {
  if (l === undefined) return 'down';
  return l.status === 'down' && l.cause.startsWith('fenced') ? 'fenced' : l.status;
}

function nodeView(name: string, votes: number, events: readonly Ev[], lives: readonly NodeLife[]): ClusterNodeView {
  const life = lives.filter((l) => l.node === name).at(-1);
  const status = life?.status ?? 'down';
  if (status === 'down') return { name, status: lifeWord(life) === 'fenced' ? 'down (fenced)' : 'down', members: [], votes };
  const ring = lastOf(events, 'membership', (e) => e.node === name);
  const q = lastOf(events, 'quorum', (e) => e.node === name);
  return {
    name, status, members: ring?.members ?? [], votes,
    ...(q ? { quorate: q.quorate, quorum: `expected ${q.expected_votes}, total ${q.total_votes}, quorum ${q.quorum}${q.flags.length > 0 ? ` (${q.flags.join(' ')})` : ''}` } : {}),
  };
}

function fenceText(e: Extract<Ev, { kind: 'fence' }>): string {
  return `${e.target}${e.by ? ` by ${e.by}` : ''}${e.device ? ` via ${e.device}` : ''}${e.method ? ` (method ${e.method})` : ''}: ${e.result}`;
}

function services(events: readonly Ev[], now: number): ClusterPanelView['services'] {
  const names = [...new Set(events.flatMap((e) => (e.kind === 'service' ? [e.service] : [])))];
  return names.map((name) => {
    const on = servicePlacement(events, name, now);
    if (on.length === 1) return { name, node: on[0] as string, state: 'started' };
    if (on.length > 1) return { name, node: on.join(','), state: `started on ${on.length} nodes at once` };
    return { name, state: lastOf(events, 'service', (e) => e.service === name)?.state ?? 'stopped' };
  });
}

function dataFindings(events: readonly Ev[], nodes: readonly string[]): string[] {
  const out: string[] = [];
  for (const e of events) {
    if (e.kind === 'corruption') out.push(`CORRUPTION at ${secs(e.t)}: ${e.what}`);
    if (e.kind === 'disk' && e.op === 'split-brain') out.push(`DRBD ${e.resource}: split brain at ${secs(e.t)} (${e.writer} both wrote while disconnected)`);
  }
  for (const n of nodes) {
    const dlm = lastOf(events, 'disk', (e) => e.resource === 'dlm' && e.writer === n);
    if (dlm?.op === 'frozen') out.push(`DLM frozen on ${n} since ${secs(dlm.t)}${dlm.reason ? ` — ${dlm.reason}` : ''}`);
  }
  const replication = new Map<string, Extract<Ev, { kind: 'disk' }>>();
  for (const e of events) if (e.kind === 'disk' && e.writer === '' && e.op !== undefined) replication.set(e.resource, e);
  for (const [r, e] of replication) if (e.op !== 'drbd-connected') out.push(`DRBD ${r}: ${(e.op ?? '').replace(/^drbd-/, '')} since ${secs(e.t)}`);
  return out;
}

/**
 * Each target's latest fence event, except that another fencer merely scheduling
 * the same target at the same instant does not hide the one that started.
 */
function latestFences(fences: readonly Extract<Ev, { kind: 'fence' }>[]): Extract<Ev, { kind: 'fence' }>[] {
  const last = new Map<string, Extract<Ev, { kind: 'fence' }>>();
  for (const e of fences) {
    const before = last.get(e.target);
    if (before !== undefined && e.result === 'scheduled' && before.result !== 'scheduled' && Math.abs(before.t - e.t) < EPS) continue;
    last.set(e.target, e);
  }
  return [...last.values()].sort((a, b) => a.t - b.t);
}

/** The panel: fencing is each target's latest operation (the log keeps every step). */
export function clusterPanel(v: ClusterViewInputs, events: readonly Ev[]): ClusterPanelView {
  const lives = v.replay.lives.filter((l) => l.t <= v.now + EPS);
  const fences = events.filter((e): e is Extract<Ev, { kind: 'fence' }> => e.kind === 'fence');
  return {
    nodes: v.nodes.map((n) => nodeView(n.name, n.votes, events, lives)),
    fencing: latestFences(fences).map((e) => `${fenceText(e)} (${secs(e.t)})`),
    services: services(events, v.now),
    data: dataFindings(events, v.nodes.map((n) => n.name)),
  };
}

function lane(label: string, changes: readonly { t: number; state: string }[], now: number): StripLane {
  const segments: { from: Instant; to: Instant; state: string }[] = [];
  for (const c of changes) {
    const last = segments.at(-1);
    if (last && last.state === c.state) continue;
    if (last) segments[segments.length - 1] = { ...last, to: at(c.t) };
    segments.push({ from: at(c.t), to: at(now), state: c.state });
  }
  return { label, segments: segments.filter((s) => s.to > s.from || s === segments.at(-1)) };
}

export function clusterStrip(v: ClusterViewInputs, events: readonly Ev[]): StripLane[] {
  const nodes = v.nodes.map((n) => lane(n.name, v.replay.lives.filter((l) => l.node === n.name && l.t <= v.now + EPS).map((l) => ({ t: l.t, state: lifeWord(l) })), v.now));
  const svcNames = [...new Set(events.flatMap((e) => (e.kind === 'service' ? [e.service] : [])))];
  const svcs = svcNames.map((name) => {
    const ts = events.filter((e) => e.kind === 'service' && e.service === name).map((e) => e.t);
    return lane(name, ts.map((t) => {
      const on = servicePlacement(events, name, t);
      return { t, state: on.length === 0 ? 'stopped' : on.join('+') };
    }), v.now);
  });
  return [...nodes, ...svcs];
}

function eventEntry(e: Ev): Omit<LogEntry, 'seq' | 'at'> | undefined {
  switch (e.kind) {
    case 'membership': return { node: e.node, text: `ring: ${e.members.join(' ')}`, kind: 'change' };
    case 'quorum': return { node: e.node, text: `${e.quorate ? 'quorate' : 'NOT quorate'}: expected ${e.expected_votes}, total ${e.total_votes}, quorum ${e.quorum}`, kind: 'change', ...(e.flags.length > 0 ? { why: `flags ${e.flags.join(' ')}` } : {}) };
    case 'fence': return { node: e.target, text: `fence ${fenceText(e)}`, kind: 'change', ...(e.reason ? { why: e.reason } : {}) };
    case 'service': return { ...(e.node ? { node: e.node } : {}), text: `${e.service} ${e.state}${e.node ? ` on ${e.node}` : ''}`, kind: 'change', ...(e.reason ? { why: e.reason } : {}) };
    case 'disk':
      if ((e.op ?? 'write') === 'write') return undefined;
      return { ...(e.writer ? { node: e.writer } : {}), text: `${e.resource === 'dlm' ? 'DLM' : e.resource} ${e.op}`, kind: 'change', ...(e.reason ? { why: e.reason } : {}) };
    case 'corruption': return { text: `CORRUPTION: ${e.what}`, kind: 'error', why: 'the data-safety checker read it in the run' };
  }
}

function noteEntry(n: ClusterNote, actionNotes: ReadonlySet<string>): Omit<LogEntry, 'seq' | 'at'> {
  const kind = actionNotes.has(n.text) ? 'action' : n.node !== undefined ? 'change' : 'info';
  return { ...(n.node ? { node: n.node } : {}), text: n.text, kind };
}

/** The log up to now: the simulator's notes (what happened to the world), then the events at the same time. */
export function clusterLog(v: ClusterViewInputs, events: readonly Ev[]): LogEntry[] {
  const rows: { t: number; order: number; entry: Omit<LogEntry, 'seq' | 'at'> }[] = [];
  v.replay.notes.forEach((n, i) => {
    if (n.t <= v.now + EPS) rows.push({ t: n.t, order: i, entry: noteEntry(n, v.actionNotes) });
  });
  events.forEach((e, i) => {
    const entry = eventEntry(e);
    if (entry) rows.push({ t: e.t, order: v.replay.notes.length + i, entry });
  });
  rows.sort((a, b) => a.t - b.t || a.order - b.order);
  return rows.map((r, seq) => ({ seq, at: at(r.t), ...r.entry }));
}

/** The events up to now (seconds). */
export function eventsUpTo(replay: ClusterReplay, now: number): readonly Ev[] {
  let n = replay.events.length;
  while (n > 0 && (replay.events[n - 1] as Ev).t > now + EPS) n--;
  return replay.events.slice(0, n);
}
