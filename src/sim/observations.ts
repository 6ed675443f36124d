/**
 * The observation log of a simulation, and the trace hash of a run.
 *
 * Recording every kind of observation costs time and memory on long runs (a
 * 24 h run of a busy segment sends millions of adverts), so the kinds to keep
 * are chosen up front; by default everything but `sent`. Subscribers see the
 * same filtered stream as it happens — that is how checkers watch a run without
 * taking part in it.
 */
import { createHash } from 'node:crypto';
import type { Observation, ObservationKind } from '../core/backend.js';

export const OBSERVATION_KINDS: readonly ObservationKind[] = [
  'transitioned',
  'priority-changed',
  'address-added',
  'address-removed',
  'garp',
  'sent',
  'dropped',
  'sync-group-wait',
  'script-status',
  'event',
  'lvs-conns',
  'lvs-check',
  'lvs-client',
  'lvs-arp',
];

/** Everything but `sent`: one line per advert is rarely what a reader wants. */
export const DEFAULT_OBSERVED_KINDS: readonly ObservationKind[] = OBSERVATION_KINDS.filter((k) => k !== 'sent');

/** The node an observation names when the event concerns the whole cluster (partition, heal). */
export const CLUSTER_WIDE = '*';

export type ObservationListener = (observation: Observation) => void;

export class ObservationLog {
  private readonly list: Observation[] = [];
  private readonly kinds: ReadonlySet<ObservationKind>;
  private listeners: readonly ObservationListener[] = [];

  constructor(kinds: readonly ObservationKind[] = DEFAULT_OBSERVED_KINDS) {
    this.kinds = new Set(kinds);
  }

  /** Ask before building an observation, so unwanted kinds cost nothing. */
  wants(kind: ObservationKind): boolean {
    return this.kinds.has(kind);
  }

  record(observation: Observation): void {
    if (!this.kinds.has(observation.kind)) return;
    this.list.push(observation);
    for (const listener of this.listeners) listener(observation);
  }

  all(): readonly Observation[] {
    return this.list;
  }

  /** Returns the unsubscribe function. */
  subscribe(listener: ObservationListener): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }
}

/**
 * A stable fingerprint of a trace: sha-256 over the canonical JSON (keys sorted,
 * one observation per line). The same seed must give the same hash (madsim's
 * determinism check); print both hashes and the seed when it does not.
 */
export function traceHash(observations: Iterable<Observation>): string {
  const hash = createHash('sha256');
  for (const o of observations) hash.update(`${canonicalJson(o)}\n`);
  return hash.digest('hex');
}

/** JSON with object keys in sorted order, so equal values always print the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value instanceof Uint8Array) return canonicalJson(Array.from(value));
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}
