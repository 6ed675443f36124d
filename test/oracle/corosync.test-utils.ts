/**
 * Comparing `vrrp-lab cluster simulate --case DIR --json` with what real
 * corosync 3.1.7 reported for the same case (test/fixtures/corosync-cases:
 * case.txt and the recorder's runN.json, verbatim).
 *
 * Theory of operation: the recorder snapshots `corosync-quorumtool -s/-l` on
 * every running node just before each next event (and at the end). For each
 * snapshot and node we take the simulation's last quorum and membership event
 * at or before the snapshot's time and compare quorate, expected votes, total
 * votes, quorum, flags and members. Membership change times: per event window
 * and node, the time from the event to the node's last membership change in
 * that window, recorded (every run) against simulated; ours must fall within
 * the recorded spread widened by TIME_SLACK_S on both sides.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { captureIo } from '../../src/cli/io.js';

export const CASES_DIR = join(import.meta.dirname, '..', 'fixtures', 'corosync-cases');
export const TIME_SLACK_S = 1;

interface RecNode {
  readonly running: boolean;
  readonly quorate?: boolean;
  readonly expected_votes?: number;
  readonly highest_expected?: number;
  readonly total_votes?: number;
  readonly quorum?: number;
  readonly flags?: readonly string[];
  readonly list?: readonly number[];
}
interface Recording {
  readonly events: ReadonlyArray<{ readonly i: number; readonly t: number; readonly action: string; readonly args: readonly string[]; readonly t_sched?: number }>;
  readonly snapshots: ReadonlyArray<{ readonly after_event: number; readonly t: number; readonly nodes: Readonly<Record<string, RecNode>> }>;
  readonly timeline: ReadonlyArray<{ readonly t: number; readonly node: number; readonly kind: string; readonly joined?: readonly number[]; readonly left?: readonly number[] }>;
}

export interface CorosyncCase {
  readonly name: string;
  readonly dir: string;
  readonly runs: ReadonlyArray<{ readonly file: string; readonly rec: Recording }>;
}

type SimEvent =
  | { t: number; kind: 'membership'; node: string; members: string[] }
  | { t: number; kind: 'quorum'; node: string; quorate: boolean; expected_votes: number; highest_expected: number; total_votes: number; quorum: number; flags: string[] };

export function listCorosyncCases(): CorosyncCase[] {
  if (!existsSync(CASES_DIR)) return [];
  return readdirSync(CASES_DIR).sort().flatMap((name) => {
    const dir = join(CASES_DIR, name);
    const files = readdirSync(dir).filter((f) => /^run\d+\.json$/.test(f)).sort();
    if (!existsSync(join(dir, 'case.txt')) || files.length === 0) return [];
    return [{ name, dir, runs: files.map((file) => ({ file, rec: JSON.parse(readFileSync(join(dir, file), 'utf8')) as Recording })) }];
  });
}

export async function simulateCase(c: CorosyncCase, seed = 1): Promise<{ events: SimEvent[]; exitCode: number; stderr: string; argv: string[] }> {
  const argv = ['cluster', 'simulate', '--case', c.dir, '--json', '--seed', String(seed)];
  const io = captureIo();
  const exitCode = await main(argv, io);
  const events = exitCode === 0 ? (JSON.parse(io.out()) as { events: SimEvent[] }).events : [];
  return { events, exitCode, stderr: io.err(), argv };
}

/** The recorder's node k is nodeK; nodeid 0 in `corosync-quorumtool -l` is the quorum device. */
const nodeName = (k: string | number): string => (String(k) === '0' ? 'Qdevice' : `node${k}`);

function lastOf<K extends SimEvent['kind']>(events: readonly SimEvent[], kind: K, node: string, t: number): Extract<SimEvent, { kind: K }> | undefined {
  let found: Extract<SimEvent, { kind: K }> | undefined;
  for (const e of events) if (e.kind === kind && e.node === node && e.t <= t + 1e-9) found = e as Extract<SimEvent, { kind: K }>;
  return found;
}

/** corosync never ran on any node in any run (it refused the configuration at start). */
export function neverRan(c: CorosyncCase): boolean {
  return c.runs.every((r) => r.rec.snapshots.every((s) => Object.values(s.nodes).every((n) => !n.running)));
}

export interface Comparison {
  readonly checks: number;
  readonly mismatches: string[];
}

/** Per snapshot and running node: quorate, expected, total, quorum, flags, members. */
export function compareSnapshots(c: CorosyncCase, events: readonly SimEvent[]): Comparison {
  const mismatches: string[] = [];
  let checks = 0;
  for (const { file, rec } of c.runs) {
    for (const snap of rec.snapshots) {
      for (const [k, n] of Object.entries(snap.nodes)) {
        if (!n.running || n.quorate === undefined) continue;
        checks++;
        const name = nodeName(k);
        const q = lastOf(events, 'quorum', name, snap.t);
        const m = lastOf(events, 'membership', name, snap.t);
        const want = { quorate: n.quorate, expected: n.expected_votes, total: n.total_votes, quorum: n.quorum, flags: (n.flags ?? []).join(' '), members: (n.list ?? []).map(nodeName).join(' ') };
        const got = { quorate: q?.quorate, expected: q?.expected_votes, total: q?.total_votes, quorum: q?.quorum, flags: q?.flags.join(' '), members: m?.members.join(' ') };
        const diff = (Object.keys(want) as Array<keyof typeof want>).filter((key) => want[key] !== got[key]);
        if (diff.length > 0) {
          mismatches.push(`${file} snapshot at ${snap.t.toFixed(2)} s (after event ${snap.after_event}) ${name}: ` +
            diff.map((key) => `${key} recorded ${String(want[key])} simulated ${String(got[key])}`).join('; '));
        }
      }
    }
  }
  return { checks, mismatches };
}

/**
 * The time of each node's last membership change in each event window, per run:
 * totem's "A new membership was formed" lines that joined or left someone (a hung
 * node re-forming the same ring, and the "Members[N]" lines logged again at
 * every quorum change, are not membership changes).
 */
function recordedChangeTimes(rec: Recording): Map<string, number> {
  const out = new Map<string, number>();
  rec.events.forEach((ev, k) => {
    if (ev.action === 'end') return;
    const next = rec.events[k + 1]?.t ?? Infinity;
    for (const x of rec.timeline) {
      const changed = (x.joined?.length ?? 0) + (x.left?.length ?? 0) > 0;
      if (x.kind === 'membership' && changed && x.t >= ev.t && x.t < next) out.set(`${k} ${nodeName(x.node)}`, x.t - ev.t);
    }
  });
  return out;
}

export function compareTimes(c: CorosyncCase, events: readonly SimEvent[]): Comparison {
  const mismatches: string[] = [];
  let checks = 0;
  const recorded = c.runs.map((r) => recordedChangeTimes(r.rec));
  const sched = c.runs[0]!.rec.events.map((e) => e.t_sched ?? e.t);
  const keys = new Set(recorded.flatMap((m) => [...m.keys()]));
  for (const key of [...keys].sort()) {
    const values = recorded.map((m) => m.get(key)).filter((v): v is number => v !== undefined);
    if (values.length < recorded.length) continue; // not every run saw a change here: run-to-run variation, not comparable
    const [k, node] = key.split(' ') as [string, string];
    const from = sched[Number(k)]!;
    const to = sched[Number(k) + 1] ?? Infinity;
    let ours: number | undefined;
    // A membership event that only adds the quorum device (its registration) is not a ring change.
    let last: string[] | undefined;
    for (const e of events) {
      if (e.kind !== 'membership' || e.node !== node || e.t >= to) continue;
      const onlyDevice = last !== undefined && last.join(' ') !== e.members.join(' ') &&
        last.filter((m) => m !== 'Qdevice').join(' ') === e.members.filter((m) => m !== 'Qdevice').join(' ');
      if (e.t >= from && !onlyDevice) ours = e.t - from;
      last = e.members;
    }
    checks++;
    const lo = Math.min(...values) - TIME_SLACK_S;
    const hi = Math.max(...values) + TIME_SLACK_S;
    if (ours === undefined || ours < lo || ours > hi) {
      mismatches.push(`event ${k} (${c.runs[0]!.rec.events[Number(k)]!.action} ${c.runs[0]!.rec.events[Number(k)]!.args.join(' ')}) ${node}: last membership change recorded after ${values.map((v) => v.toFixed(3)).join(' / ')} s, simulated ${ours === undefined ? 'none' : ours.toFixed(3)} s`);
    }
  }
  return { checks, mismatches };
}
