/**
 * A scenario is data: a topology (nodes and their keepalived configurations),
 * timed events, an end time, a seed and expectations. The same value runs on
 * every backend; a `.scenario` file, the `simulate` command's flags and the
 * builder below all produce it.
 *
 * Rules:
 * - A node starts at 0 unless its first lifecycle event (start, stop, kill) is
 *   `start`: then it starts at that event. A `fail`/`ok` written before the start
 *   sets the script's result the node will see when it starts.
 * - Without an explicit end, a scenario runs until 10 s after its last event or
 *   expectation, and at least 10 s.
 */
import type { ClusterEvent } from '../core/backend.js';
import type { Diagnostic } from '../core/diagnostic.js';
import { ScenarioError, type SourceLocation } from '../core/errors.js';
import type { NodeId } from '../core/ids.js';
import { instant, type Instant } from '../core/time.js';
import { sortEvents, type ScenarioEvent } from './events.js';
import type { Expectation } from './expectations.js';

export type NodeConfigSource =
  /** A keepalived.conf on disk (a path as given, resolved by whoever reads it). */
  | { readonly kind: 'file'; readonly path: string }
  /** Configuration text written inline; `name` is what diagnostics call it. */
  | { readonly kind: 'text'; readonly text: string; readonly name: string };

export interface ScenarioNode {
  readonly id: NodeId;
  readonly config: NodeConfigSource;
  /** The node's own address; assigned from the first VIP's subnet when absent and not in the config. */
  readonly address?: string;
  readonly location?: SourceLocation;
}

/** A name for the real server the configurations give as ADDRESS (otherwise rs1, rs2, … in config order). */
export interface ScenarioRealServer {
  readonly id: NodeId;
  readonly address: string;
  readonly location?: SourceLocation;
}

export interface Scenario {
  readonly name: string;
  /** The `.scenario` file it came from, if any. */
  readonly file?: string;
  readonly nodes: readonly ScenarioNode[];
  /** In time order; equal times in the order written. */
  readonly events: readonly ScenarioEvent[];
  readonly until: Instant;
  /** Where the end was written (`until 20`, `--until`), for errors about it. */
  readonly untilLocation?: SourceLocation;
  /** Fixed seed; when absent the runner takes SEED from the environment or a random one. */
  readonly seed?: number;
  readonly expectations: readonly Expectation[];
  /** Names for real servers (load balancing). */
  readonly realServers?: readonly ScenarioRealServer[];
}

const DEFAULT_TAIL_US = 10_000_000;

/** The end time when none is given: 10 s after the last event or expectation, at least 10 s. */
export function defaultUntil(events: readonly ScenarioEvent[], expectations: readonly Expectation[]): Instant {
  const times = [
    ...events.map((e) => e.at as number),
    ...expectations.flatMap((x) => (x.kind === 'at' ? [x.at] : x.kind === 'always' || x.kind === 'eventually' ? [x.to] : x.kind === 'failover' ? [x.after + x.withinUs] : [])),
  ];
  return instant(Math.max(0, ...times) + DEFAULT_TAIL_US);
}

/** Nodes whose first lifecycle event is `start`: they wait for it. */
export function deferredNodes(scenario: Pick<Scenario, 'nodes' | 'events'>): NodeId[] {
  return scenario.nodes.map((n) => n.id).filter((id) => firstLifecycle(scenario.events, id)?.kind === 'start');
}

function firstLifecycle(events: readonly ScenarioEvent[], node: NodeId): ClusterEvent | undefined {
  return events.find((e) => (e.event.kind === 'start' || e.event.kind === 'stop' || e.event.kind === 'kill') && e.event.node === node)?.event;
}

/** A scenario whose file had mistakes: every diagnostic, each located. */
export class ScenarioFileError extends ScenarioError {
  constructor(readonly diagnostics: readonly Diagnostic[]) {
    super('scenario-invalid', diagnostics.map(formatDiagnostic).join('\n'));
  }
}

export function formatDiagnostic(d: Diagnostic): string {
  const where = d.file ? `${d.file}${d.line ? `:${d.line}${d.column ? `:${d.column}` : ''}` : ''}: ` : '';
  return `${where}${d.severity}: ${d.message}${d.hint ? ` (${d.hint})` : ''}`;
}

// ---------------------------------------------------------------- builder

/**
 * Scenarios in code, data-first:
 * `scenario('master crash').node('lb1', file('lb1.conf')).at(6, kill('lb1')).until(20).expect(atTime(10, masterIs('VI_1', 'lb2'))).build()`.
 * Each call returns a new builder; nothing is shared.
 */
export class ScenarioBuilder {
  constructor(private readonly s: Omit<Scenario, 'until'> & { readonly until?: Instant }) {}

  node(id: NodeId, config: NodeConfigSource, options: { readonly address?: string } = {}): ScenarioBuilder {
    return new ScenarioBuilder({ ...this.s, nodes: [...this.s.nodes, { id, config, ...(options.address ? { address: options.address } : {}) }] });
  }

  at(seconds: number, event: ClusterEvent): ScenarioBuilder {
    return new ScenarioBuilder({ ...this.s, events: sortEvents([...this.s.events, { at: toInstant(seconds), event }]) });
  }

  until(seconds: number): ScenarioBuilder {
    return new ScenarioBuilder({ ...this.s, until: toInstant(seconds) });
  }

  seed(seed: number): ScenarioBuilder {
    return new ScenarioBuilder({ ...this.s, seed });
  }

  /** Name the real server the configurations give as `address`. */
  realServer(id: NodeId, address: string): ScenarioBuilder {
    return new ScenarioBuilder({ ...this.s, realServers: [...(this.s.realServers ?? []), { id, address }] });
  }

  expect(...expectations: Expectation[]): ScenarioBuilder {
    return new ScenarioBuilder({ ...this.s, expectations: [...this.s.expectations, ...expectations] });
  }

  build(): Scenario {
    if (this.s.nodes.length === 0) throw new ScenarioError('scenario-no-nodes', `scenario '${this.s.name}' has no nodes`);
    return { ...this.s, until: this.s.until ?? defaultUntil(this.s.events, this.s.expectations) };
  }
}

export const scenario = (name: string): ScenarioBuilder => new ScenarioBuilder({ name, nodes: [], events: [], expectations: [] });
export const configFile = (path: string): NodeConfigSource => ({ kind: 'file', path });
export const configText = (name: string, text: string): NodeConfigSource => ({ kind: 'text', name, text });

function toInstant(seconds: number): Instant {
  if (!(seconds >= 0)) throw new ScenarioError('scenario-bad-time', `time must be a non-negative number of seconds, got ${seconds}`);
  return instant(Math.round(seconds * 1_000_000));
}
