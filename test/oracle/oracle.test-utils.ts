/**
 * Replaying recordings of real keepalived 2.2.7 through `vrrp-lab simulate`.
 *
 * A case folder (test/fixtures/keepalived-cases/NAME/) holds NODE.conf files
 * (with `@RUN@` where the recorder put its run folder), events.txt in the event
 * grammar (`T WORD NODE [ARG]`, `T end` closing the run; lines after it are the
 * recorder's own hints), and recorded.txt: `t node instance state priority`, one
 * line per notify keepalived ran. The recorder gave the nodes 192.0.2.11, .12, …
 * in name order; the replay gives them the same addresses. Any other file of
 * the case (conf.d/*.conf, common.inc, …) is a file the configs include: the
 * replay puts it beside them, as the recorder did, with `@RUN@` replaced too.
 * The recorder ran keepalived with `-i NODE` (config-id = the node's name, as
 * the lab's host names are): `@lb1` lines apply on lb1.
 *
 * Start times: the recorder starts the keepalived processes one after another,
 * tens to hundreds of milliseconds apart, and the order decides ties (equal
 * priorities: whoever times out first is master) and the phase of the adverts
 * (a crash at 6 s lands before or after a master's advert). Those start times
 * are inputs of the recording, so the replay starts each node when keepalived
 * says it started: at its first recorded transition (keepalived notifies INIT →
 * BACKUP/FAULT/MASTER within milliseconds of starting) — at the beginning, and
 * for a later `start` event, its first transition within the next second.
 *
 * The comparison: per node and instance, the sequence of states must be the
 * same, each transition must come within the tolerance of keepalived's, and
 * carry the same effective priority (keepalived's notify reports it).
 * The recorder's final shutdown (STOP at `end`) is not part of the story.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { captureIo } from '../../src/cli/io.js';
import type { TimelineJson } from '../../src/scenario/timeline-json.js';

export const CASES_DIR = join(import.meta.dirname, '..', 'fixtures', 'keepalived-cases');

export interface OracleCase {
  readonly name: string;
  /** The recording compared: recorded.txt, recorded-2.txt, … */
  readonly recording: string;
  readonly dir: string;
  readonly nodes: readonly string[];
  readonly events: readonly string[];
  readonly untilS: number;
  readonly recorded: readonly Row[];
  /** A check script's interval decides some transitions: the looser tolerance applies. */
  readonly scripted: boolean;
}

export interface Row {
  readonly t: number;
  readonly node: string;
  readonly instance: string;
  readonly state: string;
  readonly priority: number;
}

export const TOLERANCE_S = 0.3;
export const SCRIPT_TOLERANCE_S = 1.1;

/** Every (case, recording) pair: a case may hold several recordings of the same events. */
export function listCases(): { name: string; recording: string }[] {
  if (!existsSync(CASES_DIR)) return [];
  return readdirSync(CASES_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(CASES_DIR, d.name, 'events.txt')))
    .map((d) => d.name)
    .sort()
    .flatMap((name) =>
      readdirSync(join(CASES_DIR, name))
        .filter((f) => /^recorded(-\d+)?\.txt$/.test(f))
        .sort()
        .map((recording) => ({ name, recording })),
    );
}

/** events.txt: event lines up to `T end`; returns the lines and the end time. */
export function readEvents(text: string): { events: string[]; untilS: number | undefined } {
  const events: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') continue;
    const [t, word] = line.split(/\s+/);
    if (word === 'end') return { events, untilS: Number(t) };
    events.push(line);
  }
  return { events, untilS: undefined };
}

export function readRecorded(text: string): Row[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const [t, node, instance, state, priority] = l.split(/\s+/);
      return { t: Number(t), node: node as string, instance: instance as string, state: state as string, priority: Number(priority) };
    });
}

export function loadCase(name: string, recording = 'recorded.txt'): OracleCase {
  const dir = join(CASES_DIR, name);
  const nodes = readdirSync(dir).filter((f) => f.endsWith('.conf')).map((f) => f.slice(0, -'.conf'.length)).sort();
  const { events, untilS } = readEvents(readFileSync(join(dir, 'events.txt'), 'utf8'));
  if (untilS === undefined) throw new Error(`${name}/events.txt has no 'T end' line`);
  const all = readRecorded(readFileSync(join(dir, recording), 'utf8'));
  const recorded = all.filter((r) => r.t < untilS);
  const scripted = [...nodes.map((n) => `${n}.conf`), ...includedFiles(dir)].some((f) => /^\s*track_script\b/m.test(readFileSync(join(dir, f), 'utf8')));
  return { name, recording, dir, nodes, events: [...startEvents(nodes, events, all), ...events.map((e) => retimeStart(e, all))], untilS, recorded, scripted };
}

/** The case's files other than the node configs, events and recordings: what the configs include (relative paths). */
export function includedFiles(dir: string, sub = ''): string[] {
  return readdirSync(join(dir, sub), { withFileTypes: true }).flatMap((e) => {
    const rel = sub === '' ? e.name : `${sub}/${e.name}`;
    if (e.isDirectory()) return includedFiles(dir, rel);
    if (sub === '' && (e.name.endsWith('.conf') || e.name === 'events.txt' || /^recorded(-\d+)?\.txt$/.test(e.name) || e.name.startsWith('README'))) return [];
    return [rel];
  });
}

/** A later `start` happens when keepalived says it did: its first transition within a second of the event. */
function retimeStart(event: string, recorded: readonly Row[]): string {
  const [t, word, node] = event.split(/\s+/);
  const at = Number(t);
  if (word !== 'start') return event;
  const first = recorded.find((r) => r.node === node && r.t >= at && r.t < at + 1);
  return first ? `${first.t.toFixed(3)} start ${node}` : event;
}

/** `T start NODE` for each node that runs from 0, at its first recorded transition (ms). */
function startEvents(nodes: readonly string[], events: readonly string[], recorded: readonly Row[]): string[] {
  const lifecycle = (node: string): string | undefined =>
    events.map((e) => e.split(/\s+/)).find((w) => (w[1] === 'start' || w[1] === 'stop' || w[1] === 'kill') && w[2] === node)?.[1];
  return nodes
    .filter((n) => lifecycle(n) !== 'start')
    .map((n) => `${(recorded.find((r) => r.node === n)?.t ?? 0).toFixed(3)} start ${n}`);
}

/** The recorder's addresses: 192.0.2.11, .12, … in name order. */
export const addressOf = (c: OracleCase, node: string): string => `192.0.2.${11 + c.nodes.indexOf(node)}`;

/** Where a replay runs: the simulator, or containers with one of the two engines. */
export type ReplayTarget = { readonly backend: 'sim' } | { readonly backend: 'docker'; readonly engine: 'keepalived' | 'ts' };

/**
 * Write the configs with @RUN@ replaced and run `vrrp-lab simulate --json` (or
 * `vrrp-lab run --backend docker --engine E --json`) in-process.
 */
export async function replay(
  c: OracleCase,
  target: ReplayTarget = { backend: 'sim' },
): Promise<{ json: TimelineJson; argv: string[]; exitCode: number; stderr: string }> {
  const run = mkdtempSync(join(tmpdir(), `vrrp-lab-oracle-${c.name}-`));
  const command = target.backend === 'sim' ? ['simulate'] : ['run', '--backend', 'docker', '--engine', target.engine];
  const argv = [...command, '--json', '--seed', '1', '--until', String(c.untilS)];
  for (const node of c.nodes) {
    const text = readFileSync(join(c.dir, `${node}.conf`), 'utf8').replaceAll('@RUN@', run);
    const path = join(run, `${node}.conf`);
    writeFileSync(path, text);
    argv.push('--node', `${node}=${path}@${addressOf(c, node)}`);
  }
  for (const f of includedFiles(c.dir)) {
    mkdirSync(dirname(join(run, f)), { recursive: true });
    writeFileSync(join(run, f), readFileSync(join(c.dir, f), 'utf8').replaceAll('@RUN@', run));
  }
  for (const e of c.events) argv.push('--event', e);
  const io = captureIo({ cwd: run });
  const exitCode = await main(argv, io);
  const out = io.out().trim();
  return { json: (out ? JSON.parse(out) : {}) as TimelineJson, argv, exitCode, stderr: io.err() };
}

export interface Comparison {
  readonly ok: boolean;
  readonly tolerance: number;
  /** One line per lane: the recorded and simulated sequences and what differs. */
  readonly lines: readonly string[];
  readonly worstDelta: number;
}

export function compare(c: OracleCase, simulated: readonly Row[]): Comparison {
  const tolerance = c.scripted ? SCRIPT_TOLERANCE_S : TOLERANCE_S;
  const lanes = [...new Set([...c.recorded, ...simulated].map((r) => `${r.node} ${r.instance}`))].sort();
  const lines: string[] = [];
  let ok = true;
  let worst = 0;
  for (const lane of lanes) {
    const rec = c.recorded.filter((r) => `${r.node} ${r.instance}` === lane);
    const sim = simulated.filter((r) => `${r.node} ${r.instance}` === lane);
    const sameStates = rec.length === sim.length && rec.every((r, i) => r.state === sim[i]?.state);
    const deltas = sameStates ? rec.map((r, i) => Math.abs(r.t - (sim[i] as Row).t)) : [];
    const late = deltas.findIndex((d) => d > tolerance);
    const priorityOff = sameStates ? rec.findIndex((r, i) => r.priority !== (sim[i] as Row).priority) : -1;
    worst = Math.max(worst, ...deltas);
    const laneOk = sameStates && late === -1 && priorityOff === -1;
    ok &&= laneOk;
    const fmt = (rows: readonly Row[]): string => rows.map((r) => `${r.state}@${r.t.toFixed(3)}(${r.priority})`).join(' ');
    const why = !sameStates
      ? 'states differ'
      : late !== -1
        ? `transition ${late + 1} off by ${(deltas[late] as number).toFixed(3)} s`
        : priorityOff !== -1
          ? `transition ${priorityOff + 1} has priority ${(sim[priorityOff] as Row).priority}, keepalived ${(rec[priorityOff] as Row).priority}`
          : `max Δ ${Math.max(0, ...deltas).toFixed(3)} s`;
    lines.push(`${laneOk ? 'ok  ' : 'DIFF'} ${lane}: ${why}\n       keepalived: ${fmt(rec)}\n       simulated:  ${fmt(sim)}`);
  }
  return { ok, tolerance, lines, worstDelta: worst };
}

export function simulatedRows(json: TimelineJson, untilS: number): Row[] {
  return json.transitions.filter((t) => t.t < untilS).map((t) => ({ t: t.t, node: t.node, instance: t.instance, state: t.state, priority: t.priority }));
}
