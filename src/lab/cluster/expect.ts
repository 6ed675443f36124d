/**
 * Cluster expectations judged over a run's events (the `--json` list), never over
 * engine state: what a user could check by reading the output.
 * - quorate: the node's last `quorum` event at or before T.
 * - service: the nodes where the service's last `service` event left it started, at T
 *   (exactly the one node named; `stopped` means nowhere).
 * - fenced: `fence` events with result success for the node within the window.
 * - frozen/thawed: the node's last DLM `disk` event at or before T.
 * - corruption: the data-safety checker's `corruption` events.
 */
import type { ClusterOutEvent } from '../../sim/cluster/types.js';
import type { ClusterExpectation } from '../../scenario/cluster/index.js';

export interface ExpectationFailure {
  readonly expectation: ClusterExpectation;
  readonly message: string;
}

const upTo = (events: readonly ClusterOutEvent[], t: number): ClusterOutEvent[] => events.filter((e) => e.t <= t + 1e-9);

export function servicePlacement(events: readonly ClusterOutEvent[], service: string, t: number): string[] {
  const on = new Set<string>();
  for (const e of upTo(events, t)) {
    if (e.kind !== 'service' || e.service !== service || e.node === '') continue;
    if (e.state === 'started') on.add(e.node);
    else if (e.state !== 'migrating') on.delete(e.node);
  }
  return [...on].sort();
}

export function judge(x: ClusterExpectation, events: readonly ClusterOutEvent[]): string | undefined {
  switch (x.kind) {
    case 'quorate': {
      const last = upTo(events, x.at).filter((e) => e.kind === 'quorum' && e.node === x.node).at(-1) as Extract<ClusterOutEvent, { kind: 'quorum' }> | undefined;
      const got = last?.quorate ?? false;
      return got === x.quorate ? undefined : `at ${x.at} s ${x.node} is ${got ? 'quorate' : 'inquorate'}${last ? ` (since ${last.t} s)` : ' (no quorum event)'}`;
    }
    case 'service': {
      const on = servicePlacement(events, x.service, x.at);
      const want = x.node === undefined ? [] : [x.node];
      return on.join(',') === want.join(',') ? undefined : `at ${x.at} s ${x.service} runs on ${on.length > 0 ? on.join(' and ') : 'no node'}`;
    }
    case 'fenced': {
      const hits = fences(events, x.node).filter((e) => (x.after === undefined || e.t > x.after) && (x.before === undefined || e.t < x.before));
      if (hits.length >= x.atLeast) return undefined;
      const all = fences(events, x.node).map((e) => e.t);
      return `${x.node} fenced ${hits.length} time(s) in the window (all fences of it: ${all.length > 0 ? all.join(', ') + ' s' : 'none'})`;
    }
    case 'never-fenced': {
      const f = fences(events, x.node)[0];
      return f === undefined ? undefined : `${x.node} was fenced at ${f.t} s by ${f.by}`;
    }
    case 'never-corruption': {
      const c = events.find((e) => e.kind === 'corruption') as Extract<ClusterOutEvent, { kind: 'corruption' }> | undefined;
      return c === undefined ? undefined : `corruption at ${c.t} s: ${c.what}`;
    }
    case 'corruption': {
      const found = events.filter((e): e is Extract<ClusterOutEvent, { kind: 'corruption' }> => e.kind === 'corruption');
      const hit = found.find((c) => x.words.every((w) => c.what.includes(w)));
      return hit !== undefined ? undefined : `no corruption${x.words.length > 0 ? ` mentioning '${x.words.join(' ')}'` : ''} (found: ${found.map((c) => c.what).join('; ') || 'none'})`;
    }
    case 'dlm': {
      const last = upTo(events, x.at).filter((e) => e.kind === 'disk' && e.resource === 'dlm' && e.writer === x.node).at(-1) as Extract<ClusterOutEvent, { kind: 'disk' }> | undefined;
      const frozen = last?.op === 'frozen';
      return frozen === x.frozen ? undefined : `at ${x.at} s the DLM of ${x.node} is ${frozen ? 'frozen' : 'not frozen'}`;
    }
  }
}

function fences(events: readonly ClusterOutEvent[], node: string): Extract<ClusterOutEvent, { kind: 'fence' }>[] {
  return events.filter((e): e is Extract<ClusterOutEvent, { kind: 'fence' }> => e.kind === 'fence' && e.target === node && e.result === 'success');
}

export function judgeAll(expectations: readonly ClusterExpectation[], events: readonly ClusterOutEvent[]): ExpectationFailure[] {
  const out: ExpectationFailure[] = [];
  for (const x of expectations) {
    const message = judge(x, events);
    if (message !== undefined) out.push({ expectation: x, message });
  }
  return out;
}
