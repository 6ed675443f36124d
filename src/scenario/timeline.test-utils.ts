/** A hand-written crash story as observations, for timeline and expectation tests. */
import type { Observation, StateName } from '../core/backend.js';
import type { Instant } from '../core/time.js';
import { buildTimeline, type AppliedEvent, type Timeline } from './timeline.js';

const s = (seconds: number): Instant => Math.round(seconds * 1_000_000) as Instant;

export const tr = (t: number, node: string, from: StateName, to: StateName, priority: number, reason = 'test'): Observation => ({
  kind: 'transitioned', at: s(t), node, instance: 'VI_1', from, to, priority, reason,
});
export const add = (t: number, node: string): Observation => ({ kind: 'address-added', at: s(t), node, instance: 'VI_1', interface: 'eth0', address: '192.0.2.100', prefixLength: 24 });
export const del = (t: number, node: string): Observation => ({ kind: 'address-removed', at: s(t), node, instance: 'VI_1', interface: 'eth0', address: '192.0.2.100', prefixLength: 24 });

/**
 * lb1 (150) and lb2 (100): lb1 master at 3.414062, killed at 6, lb2 master at 9.609375,
 * lb1 restarted at 12 and master again at 15.414062 (lb2 steps down 0.5 ms later),
 * lb2's priority drops to 90 at 17.
 */
export function crashTimeline(): Timeline {
  const observations: Observation[] = [
    tr(0, 'lb1', 'INIT', 'BACKUP', 150, 'start-up'),
    tr(0, 'lb2', 'INIT', 'BACKUP', 100, 'start-up'),
    tr(3.414062, 'lb1', 'BACKUP', 'MASTER', 150, 'master down timer expired'),
    add(3.414062, 'lb1'),
    // killed at 6 (applied before observation #4)
    tr(9.609375, 'lb2', 'BACKUP', 'MASTER', 100, 'master down timer expired'),
    add(9.609375, 'lb2'),
    // started at 12 (before observation #6)
    tr(12, 'lb1', 'INIT', 'BACKUP', 150, 'start-up'),
    tr(15.414062, 'lb1', 'BACKUP', 'MASTER', 150, 'master down timer expired'),
    add(15.414062, 'lb1'),
    tr(15.414562, 'lb2', 'MASTER', 'BACKUP', 100, 'higher priority advert'),
    del(15.414562, 'lb2'),
    { kind: 'priority-changed', at: s(17), node: 'lb2', instance: 'VI_1', from: 100, to: 90, reason: 'script chk failed' },
  ];
  const events: AppliedEvent[] = [
    { at: s(6), event: { kind: 'kill', node: 'lb1' }, observationIndex: 4 },
    { at: s(12), event: { kind: 'start', node: 'lb1' }, observationIndex: 6 },
  ];
  return buildTimeline({
    seed: 7,
    until: s(20),
    nodes: [
      { id: 'lb1', address: '192.0.2.1', interfaces: [{ name: 'eth0', address: '192.0.2.1', prefixLength: 24 }], deferred: false },
      { id: 'lb2', address: '192.0.2.2', interfaces: [{ name: 'eth0', address: '192.0.2.2', prefixLength: 24 }], deferred: false },
    ],
    instances: [
      { node: 'lb1', instance: 'VI_1', vrid: 51, interface: 'eth0', virtualAddresses: ['192.0.2.100/24'] },
      { node: 'lb2', instance: 'VI_1', vrid: 51, interface: 'eth0', virtualAddresses: ['192.0.2.100/24'] },
    ],
    observations,
    events,
  });
}
