/**
 * Words and marks the panels print, computed from a `LabView` without ink.
 *
 * Rules: state is always text (MASTER/BACKUP/FAULT, `*` for the VIP holder, one
 * letter per state on the timeline strip); colour is added by the components and
 * never carries meaning alone.
 */
import { EVENT_WORDS } from '../scenario/events.js';
import type { InstanceView, LabView, LogEntry, StripLane } from '../lesson/contract.js';

/** `100 +2 chk_ctrl = 102`; `100` when nothing is tracked or nothing applies. */
export function priorityArithmetic(i: InstanceView): string {
  const applied = i.terms.filter((t) => t.applied && t.weight !== 0);
  if (applied.length === 0) return i.priority === i.base ? String(i.priority) : `${i.base} = ${i.priority}`;
  const terms = applied.map((t) => `${t.weight > 0 ? '+' : ''}${t.weight} ${t.label}`).join(' ');
  const sum = i.base + applied.reduce((s, t) => s + t.weight, 0);
  const clamp = sum === i.priority ? '' : ` → ${i.priority}`;
  return `${i.base} ${terms} = ${sum}${clamp}`;
}

/** The trackers that do not count now, in words: `chk_ctrl failing`. */
export function idleTerms(i: InstanceView): string {
  return i.terms.filter((t) => !t.applied).map((t) => `${t.label} ${t.status}`).join(', ');
}

/** One letter per state for the timeline strip (legend in `STRIP_LEGEND`). */
export function stateLetter(state: string): string {
  switch (state.toUpperCase()) {
    case 'MASTER': return 'M';
    case 'BACKUP': return 'b';
    case 'FAULT': return 'F';
    case 'INIT': return 'i';
    case 'RUNNING': return 'r';
    case 'DOWN': return 'x';
    case 'FENCED': return 'X';
    case 'OFF': case 'STOP': case 'STOPPED': case '': return '.';
    default: return state.charAt(0).toLowerCase();
  }
}

export const STRIP_LEGEND = 'M master  b backup  F fault  i init  . off';
export const CLUSTER_LEGEND = 'r running  x down  X fenced  . off';

/** The smallest step per column (s) that fits the whole run in `width` columns: 1, 2, 5, 10, 30, 60… */
export function stripScale(nowUs: number, width: number): number {
  const steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600];
  const seconds = nowUs / 1e6;
  return steps.find((s) => s * width >= seconds) ?? steps[steps.length - 1]!;
}

/** A lane as letters, one per `scaleS` seconds, the newest `width` columns; the last column ends now. */
export function stripRow(lane: StripLane, nowUs: number, width: number, scaleS: number): string {
  const span = scaleS * 1e6;
  const columns = Math.max(1, Math.ceil(nowUs / span));
  let row = '';
  for (let k = Math.max(0, columns - width); k < columns; k++) {
    const at = Math.min(nowUs, (k + 1) * span - 1);
    const s = lane.segments.find((g) => g.from <= at && at < g.to) ?? lastCovering(lane, at);
    row += s ? stateLetter(s.state) : ' ';
  }
  return row;
}

/** The segment an instant falls in, or the last one begun before it (a lane's open end). */
function lastCovering(lane: StripLane, at: number): StripLane['segments'][number] | undefined {
  let found: StripLane['segments'][number] | undefined;
  for (const g of lane.segments) if (g.from <= at) found = g;
  return found;
}

/** Seconds with one decimal: `12.3s`. */
export const secondsLabel = (us: number): string => `${(us / 1e6).toFixed(1)}s`;

/** One log line: `  12.3s lb2   VI_1 BACKUP → MASTER (why)`. */
export function logLine(e: LogEntry): string {
  const mark = e.kind === 'action' ? '>' : e.kind === 'error' ? '!' : ' ';
  const node = (e.node ?? '').padEnd(6);
  const why = e.why ? ` — ${e.why}` : '';
  return `${mark}${secondsLabel(e.at).padStart(7)} ${node} ${e.text}${why}`;
}

export function filterLog(log: readonly LogEntry[], filter: string): readonly LogEntry[] {
  if (filter === '') return log;
  const f = filter.toLowerCase();
  return log.filter((e) => logLine(e).toLowerCase().includes(f));
}

/** The log lines the window shows: `height` lines ending `scroll` lines before the newest. */
export function logWindow<T>(lines: readonly T[], height: number, scroll: number): readonly T[] {
  const end = Math.max(0, lines.length - scroll);
  return lines.slice(Math.max(0, end - height), end);
}

const CLUSTER_VERBS = ['kill', 'start', 'stop', 'partition', 'heal', 'linkdown', 'linkup', 'fencefail', 'fenceok'];

/** The verbs the `:` line completes: the scenario's event words, then the app's own. */
export function verbsFor(kind: 'vrrp' | 'cluster'): readonly string[] {
  const actions = kind === 'vrrp' ? Object.keys(EVENT_WORDS) : CLUSTER_VERBS;
  return [...actions, 'speed', 'help', 'quit'];
}

/** Every name the view shows: nodes, scripts, interfaces, real servers, services. */
export function namesIn(view: LabView): readonly string[] {
  const names = new Set<string>();
  for (const n of view.nodes) {
    names.add(n.name);
    for (const l of n.links) names.add(l.name);
    for (const i of n.instances) for (const t of i.terms) names.add(t.label);
  }
  for (const s of view.lvs?.services ?? []) for (const r of s.realServers) names.add(r.name);
  for (const n of view.cluster?.nodes ?? []) names.add(n.name);
  return [...names].sort();
}
