/**
 * The bounds every run keeps, checked before it starts.
 *
 * Theory of operation: a scenario's end (`until`) is a hard stop. An event or an
 * expectation after it could never be applied or judged honestly — the run
 * would either go on past its end or judge a frozen state — so each is a
 * located error. The size of a run is bounded too: its length, its number of
 * nodes and events, and the client connections it opens, each with a limit
 * the message names, so a run never works for an hour or eats the machine's
 * memory without saying so.
 *
 * Rules:
 * - The limits are chosen so the largest run allowed stays well under 500 MB
 *   and a few minutes on a small machine (numbers measured with the trial's
 *   inputs; see the issue 11 report). They are the simulator's, not
 *   keepalived's.
 * - Checks here need only the scenario; the ones that need the configurations
 *   (names in expectations, addresses) live in names.ts.
 */
import type { ClusterEvent } from '../core/backend.js';
import type { Diagnostic } from '../core/diagnostic.js';
import type { SourceLocation } from '../core/errors.js';
import { formatSeconds, type Instant } from '../core/time.js';
import type { ScenarioEvent } from './events.js';
import type { Expectation } from './expectations.js';
import type { Scenario } from './scenario.js';

const DAY_S = 86_400;

/** The longest run: a week of virtual time. */
export const MAX_RUN_SECONDS = 7 * DAY_S;
export const MAX_RUN_US = MAX_RUN_SECONDS * 1_000_000;
/** Nodes in one simulated cluster (keepalived clusters have two or three). */
export const MAX_NODES = 32;
/** Timed events in one run (a day with a fault and its undo every minute is 2 880). */
export const MAX_EVENTS = 100_000;
/** New client connections a second (`clients RATE`). */
export const MAX_CLIENT_RATE = 1_000;
/** Client connections over a whole run: every one is simulated packet by packet and kept in the timeline (about 50 000 a minute of CPU on a small machine). */
export const MAX_CONNECTIONS = 50_000;

/** "7 days", "36 h", "90 min", "45 s". */
export function describeSeconds(s: number): string {
  if (s >= DAY_S && s % DAY_S === 0) return `${s / DAY_S} day${s === DAY_S ? '' : 's'}`;
  if (s >= 3600 && s % 3600 === 0) return `${s / 3600} h`;
  if (s >= 60 && s % 60 === 0) return `${s / 60} min`;
  return `${s} s`;
}

/** The limit on a run's length, in words, for messages. */
export const RUN_LIMIT_TEXT = `${MAX_RUN_SECONDS} s (${describeSeconds(MAX_RUN_SECONDS)})`;

/** Every way the scenario leaves its bounds, located where it was written. */
export function boundsProblems(scenario: Scenario): Diagnostic[] {
  const out: Diagnostic[] = [];
  const until = scenario.until;
  const end = `the run ends at ${formatSeconds(until)} s`;
  const beyond = scenario.events.filter((e) => e.at > MAX_RUN_US && e.at <= until);
  for (const e of beyond) out.push(problem('event-beyond-limit', `event at ${formatSeconds(e.at)} s is beyond the longest run, ${RUN_LIMIT_TEXT}`, e.location));
  if (until > MAX_RUN_US && (beyond.length === 0 || scenario.untilLocation !== undefined)) {
    out.push(problem('run-too-long', `the run would last ${formatSeconds(until)} s, longer than the limit of ${RUN_LIMIT_TEXT}`, scenario.untilLocation, 'split it into shorter runs'));
  }
  if (scenario.nodes.length > MAX_NODES) out.push(problem('too-many-nodes', `${scenario.nodes.length} nodes; the simulator runs at most ${MAX_NODES}`, scenario.nodes[MAX_NODES]?.location));
  if (scenario.events.length > MAX_EVENTS) out.push(problem('too-many-events', `${scenario.events.length} events; a run takes at most ${MAX_EVENTS}`, scenario.events[MAX_EVENTS]?.location));
  for (const e of scenario.events) {
    if (e.at > until) out.push(problem('event-after-end', `event at ${formatSeconds(e.at)} s is after the end: ${end}${untilWhere(scenario)}`, e.location, 'nothing after the end is run: move the event or the end'));
  }
  for (const x of scenario.expectations) {
    const t = lastInstant(x);
    if (t !== undefined && t > until) out.push(problem('expect-after-end', `expectation ${describeWindow(x)} is after the end: ${end}${untilWhere(scenario)}`, x.location, 'an expectation is judged only on what the run did: move it or the end'));
  }
  const conns = connectionsOpened(scenario.events, until);
  if (conns.total > MAX_CONNECTIONS) {
    out.push(problem('too-many-connections', `the clients would open about ${Math.round(conns.total)} connections; a run opens at most ${MAX_CONNECTIONS}`, conns.largest?.location, `lower the rate or the duration (at most ${MAX_CLIENT_RATE}/s)`));
  }
  return out;
}

function problem(code: string, message: string, at: SourceLocation | undefined, hint?: string): Diagnostic {
  return { code, severity: 'error', message, ...(at ? { file: at.file, line: at.line, column: at.column } : {}), ...(hint ? { hint } : {}) };
}

function untilWhere(scenario: Scenario): string {
  const l = scenario.untilLocation;
  if (l === undefined) return '';
  return l.file.startsWith('--') ? ` (${l.file})` : ` (until at line ${l.line})`;
}

/** The last instant an expectation reads, when it names one. */
function lastInstant(x: Expectation): Instant | undefined {
  switch (x.kind) {
    case 'at': return x.at;
    case 'always': case 'eventually': return x.to;
    case 'failover': return (x.after + x.withinUs) as Instant;
    default: return undefined;
  }
}

function describeWindow(x: Expectation): string {
  switch (x.kind) {
    case 'at': return `at ${formatSeconds(x.at)} s`;
    case 'always': case 'eventually': return `${x.kind} ${formatSeconds(x.from)}..${formatSeconds(x.to)} s`;
    case 'failover': return `failover after ${formatSeconds(x.after)} s within ${formatSeconds(x.withinUs)} s (until ${formatSeconds(x.after + x.withinUs)} s)`;
    default: return x.kind;
  }
}

type ClientsEvent = ScenarioEvent & { readonly event: Extract<ClusterEvent, { kind: 'clients' }> };

/** An upper estimate of the connections the clients open: each load runs until its duration, the next load for its service, or the end. */
function connectionsOpened(events: readonly ScenarioEvent[], until: Instant): { total: number; largest?: ScenarioEvent } {
  const loads = events.filter((e): e is ClientsEvent => e.event.kind === 'clients');
  let total = 0;
  let largest: { e: ScenarioEvent; n: number } | undefined;
  for (const [i, e] of loads.entries()) {
    const next = loads.slice(i + 1).find((l) => l.event.service === e.event.service)?.at ?? until;
    const stop = Math.min(until, next, e.event.durationUs === undefined ? until : e.at + e.event.durationUs);
    const n = (e.event.rate * Math.max(0, stop - e.at)) / 1_000_000;
    total += n;
    if (largest === undefined || n > largest.n) largest = { e, n };
  }
  return { total, ...(largest ? { largest: largest.e } : {}) };
}

type NodeLife = 'running' | 'paused' | 'down';

/**
 * Events that cannot change anything where they stand — resume a node that is
 * not paused, pause a paused one, start a running one, stop or kill a node that
 * is down — are warnings at their location: the run goes on (the simulator
 * ignores them, as the real signals would), but the scenario says something
 * the user did not mean. Generated events (`T end`) carry no location and are
 * not judged.
 */
export function noOpEvents(scenario: Pick<Scenario, 'nodes' | 'events'>, deferred: ReadonlySet<string>): Diagnostic[] {
  const life = new Map<string, NodeLife>(scenario.nodes.map((n) => [n.id, deferred.has(n.id) ? 'down' : 'running']));
  const out: Diagnostic[] = [];
  for (const e of scenario.events) {
    const ev = e.event;
    if (!('node' in ev) || !life.has(ev.node)) continue;
    const now = life.get(ev.node) as NodeLife;
    const next = lifeAfter(ev.kind, now);
    if (next === undefined) continue;
    if (next === now && e.location !== undefined) {
      out.push({ code: 'event-no-effect', severity: 'warning', message: `'${ev.kind} ${ev.node}' at ${formatSeconds(e.at)} s changes nothing: ${ev.node} is ${now === 'down' ? 'not running' : now}`, file: e.location.file, line: e.location.line, column: e.location.column });
    }
    life.set(ev.node, next);
  }
  return out;
}

function lifeAfter(kind: ClusterEvent['kind'], now: NodeLife): NodeLife | undefined {
  switch (kind) {
    case 'start': return now === 'down' ? 'running' : now;
    case 'stop': case 'kill': return 'down';
    case 'pause': return now === 'running' ? 'paused' : now;
    case 'resume': return now === 'paused' ? 'running' : now;
    default: return undefined;
  }
}
