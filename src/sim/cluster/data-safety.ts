/**
 * The data-safety checker of the cluster model: it reads a run's events (never the
 * engines) and reports every way the data could have been damaged, each as a
 * `corruption` event carrying the events that prove it.
 *
 * Placement note: this is an observation-only checker. The checker library for
 * issue 9 (src/check, class `corruption`) was not on main when this was written and
 * speaks VRRP observations; when it gains cluster observations this file moves
 * there unchanged in substance (it reads events only, in order).
 *
 * Rules (one report per rule and subject):
 * - A service written by two nodes in the same I/O round was active on both at once
 *   (each running node writes once per round per service it runs).
 * - A write by a node after a successful fence of that node and before its storage
 *   came back (`mount` after a reboot): the fence did not stop it (fence_dummy, a
 *   fence that reported success early).
 * - A write by a node whose own quorum view was inquorate.
 * - DRBD found split brain on reconnect: the replicas diverged.
 */
import type { ClusterOutEvent } from './types.js';

type Ev = ClusterOutEvent;
type Disk = Extract<Ev, { kind: 'disk' }>;
type Corruption = Extract<Ev, { kind: 'corruption' }>;

export function dataSafety(events: readonly Ev[]): Corruption[] {
  const out: Corruption[] = [];
  const reported = new Set<string>();
  const report = (key: string, c: Corruption): void => {
    if (reported.has(key)) return;
    reported.add(key);
    out.push(c);
  };
  const round = new Map<string, Disk>();
  let roundT = -1;
  const fencedAt = new Map<string, Ev>();
  const inquorate = new Map<string, Ev>();
  for (const e of events) {
    if (e.kind === 'fence' && e.result === 'success') fencedAt.set(e.target, e);
    if (e.kind === 'quorum') {
      if (e.quorate) inquorate.delete(e.node);
      else inquorate.set(e.node, e);
    }
    if (e.kind !== 'disk') continue;
    if (e.op === 'mount') fencedAt.delete(e.writer);
    if (e.op === 'split-brain') {
      report(`drbd/${e.resource}`, { t: e.t, kind: 'corruption', what: `DRBD ${e.resource} diverged: both replicas took writes the other lacks (split brain)`, proof: [e] });
    }
    if (e.op !== 'write') continue;
    if (e.t !== roundT) {
      round.clear();
      roundT = e.t;
    }
    checkWrite(e, round, fencedAt, inquorate, report);
  }
  return out;
}

function checkWrite(e: Disk, round: Map<string, Disk>, fencedAt: ReadonlyMap<string, Ev>, inquorate: ReadonlyMap<string, Ev>, report: (key: string, c: Corruption) => void): void {
  const service = e.service ?? '';
  const other = round.get(service);
  if (service !== '' && other !== undefined && other.writer !== e.writer) {
    const pair = [other.writer, e.writer].sort().join('+');
    report(`twice/${service}/${pair}`, { t: e.t, kind: 'corruption', what: `${service} active on ${other.writer} and ${e.writer} at once: both wrote ${e.resource}`, proof: [other, e] });
  }
  if (service !== '') round.set(service, e);
  const fence = fencedAt.get(e.writer);
  if (fence !== undefined) {
    report(`fenced/${e.writer}`, { t: e.t, kind: 'corruption', what: `${e.writer} wrote ${e.resource} after it was reported fenced`, proof: [fence, e] });
  }
  const q = inquorate.get(e.writer);
  if (q !== undefined) {
    report(`inquorate/${e.writer}`, { t: e.t, kind: 'corruption', what: `${e.writer} wrote ${e.resource} without quorum`, proof: [q, e] });
  }
}

/** The run's events with the checker's corruption events merged in, in time order. */
export function withDataSafety(events: readonly Ev[]): Ev[] {
  const found = dataSafety(events);
  if (found.length === 0) return [...events];
  const merged = [...events, ...found];
  return merged.map((e, i) => ({ e, i })).sort((a, b) => a.e.t - b.e.t || a.i - b.i).map((x) => x.e);
}
