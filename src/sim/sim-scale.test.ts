/**
 * Long and wide runs with the real engine: a 3-node cluster for 24 virtual hours
 * and 100 nodes × 50 VRIDs for one virtual hour, judged live by the checkers.
 * They assert what happened, not how long it took (no wall-clock assertions);
 * that they finish within the test timeout is the speed check.
 */
import { describe, expect, it } from 'vitest';
import type { Instant } from '../core/time.js';
import { vrrpEngine } from '../vrrp/index.js';
import { benchTopology } from './bench-topology.js';
import { simCheckers } from './checkers.test-utils.js';
import { Simulation } from './simulation.js';

const S = 1_000_000;
const HOUR = 3_600 * S;

function run(shape: { nodes: number; vrids: number }, durationUs: number) {
  const sim = new Simulation({ seed: 11, engine: vrrpEngine });
  const nodes = benchTopology(shape);
  for (const n of nodes) sim.addNode(n.id, n.config);
  const checkers = simCheckers(nodes, sim.network.maxLatencyUs);
  for (const c of checkers) sim.subscribe((o) => c.observe(o));
  for (const n of nodes) sim.node(n.id).start();
  sim.advance(durationUs);
  return { sim, violations: checkers.flatMap((c) => c.finish(sim.now() as Instant)) };
}

describe('simulator at scale', () => {
  it('3 nodes for 24 h: one master all day, an advert every second', () => {
    const { sim, violations } = run({ nodes: 3, vrids: 1 }, 24 * HOUR);
    expect(violations).toEqual([]);
    // n1 (priority 250) is MASTER from 3 s + 6/256 s on, then adverts once a second until the end.
    const firstAdvert = 3 * S + Math.floor((6 * S) / 256);
    expect(sim.network.stats.sent).toBe(Math.floor((24 * HOUR - firstAdvert) / S) + 1);
    expect(sim.network.stats.delivered).toBe(2 * sim.network.stats.sent);
    const masters = sim.observations().filter((o) => o.kind === 'transitioned' && o.to === 'MASTER');
    expect(masters.map((o) => [o.node, o.at])).toEqual([['n1', firstAdvert]]);
  }, 30_000);

  it('100 nodes × 50 VRIDs for 1 h: each VRID settles once and stays', () => {
    const { sim, violations } = run({ nodes: 100, vrids: 50 }, HOUR);
    expect(violations).toEqual([]);
    const masters = sim.observations().filter((o) => o.kind === 'transitioned' && o.to === 'MASTER');
    expect(masters).toHaveLength(50);
    expect(new Set(masters.map((o) => o.kind === 'transitioned' && `${o.node}/${o.instance}`)).size).toBe(50);
  }, 60_000);
});
