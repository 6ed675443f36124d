/**
 * The simulator's LVS side end to end: the real IPVS model (src/ipvs) hosted on
 * two VRRP directors, simulated real servers and clients, and a stand-in
 * checker (lvs.test-utils.ts). Times are exact virtual microseconds.
 */
import { describe, expect, it } from 'vitest';
import type { Observation } from '../../core/backend.js';
import { directorPair, SERVICE } from './lvs.test-utils.js';
import type { Simulation } from '../simulation.js';

const S = 1_000_000;

const outcomes = (sim: Simulation) => sim.observations().filter((o): o is Extract<Observation, { kind: 'lvs-client' }> => o.kind === 'lvs-client');
const count = (sim: Simulation, outcome: string) => outcomes(sim).filter((o) => o.outcome === outcome).length;
const lastConns = (sim: Simulation, node: string, server: string) =>
  sim.observations().filter((o): o is Extract<Observation, { kind: 'lvs-conns' }> => o.kind === 'lvs-conns' && o.node === node && o.server === server).at(-1);
const checks = (sim: Simulation) => sim.observations().filter((o): o is Extract<Observation, { kind: 'lvs-check' }> => o.kind === 'lvs-check');

describe('clients through the VRRP master to the real servers', () => {
  it('opens and completes every connection, spread by wlc across both real servers', () => {
    const sim = directorPair(1);
    sim.advance(5 * S);
    sim.apply({ kind: 'clients', rate: 10, durationUs: 10 * S, holdUs: 4 * S });
    sim.advance(8 * S);
    const rs1 = lastConns(sim, 'lb1', 'rs1');
    const rs2 = lastConns(sim, 'lb1', 'rs2');
    // 40 connections open at a time (10/s × 4 s), wlc splits them evenly.
    expect(rs1?.active).toBe(20);
    expect(rs2?.active).toBe(20);
    expect(lastConns(sim, 'lb2', 'rs1')?.active ?? 0).toBe(0);
    sim.advance(20 * S);
    expect(count(sim, 'opened')).toBe(100);
    expect(count(sim, 'completed')).toBe(100);
    expect(count(sim, 'broken') + count(sim, 'refused') + count(sim, 'timed-out')).toBe(0);
    // Closed connections sit in FIN_WAIT (inactive) for 120 s on the director.
    expect(lastConns(sim, 'lb1', 'rs1')).toMatchObject({ active: 0, inactive: 50 });
  });

  it('is deterministic: the same seed gives the same trace', () => {
    const run = (seed: number) => {
      const sim = directorPair(seed);
      sim.apply({ kind: 'clients', rate: 20, durationUs: 5 * S, holdUs: 2 * S });
      sim.advance(12 * S);
      return sim.traceHash();
    };
    expect(run(7)).toBe(run(7));
    expect(run(7)).not.toBe(run(8));
  });
});

describe('a real server fails', () => {
  it('stop: open connections are reset, the check takes it out, new connections go to the other', () => {
    const sim = directorPair(1);
    sim.advance(4 * S);
    sim.apply({ kind: 'clients', rate: 10, holdUs: 30 * S });
    sim.advance(1.5 * S);
    sim.apply({ kind: 'rsdown', server: 'rs1', mode: 'stop' });
    sim.advance(1000); // the RSTs' trip to the clients
    const brokenAtStop = outcomes(sim).filter((o) => o.outcome === 'broken');
    expect(brokenAtStop.length).toBeGreaterThan(0);
    expect(brokenAtStop.every((o) => o.server === 'rs1' && o.reason === 'reset by rs1')).toBe(true);
    sim.advance(2 * S);
    const down = checks(sim).filter((c) => !c.up);
    expect(down.map((c) => [c.node, c.server])).toEqual([['lb1', 'rs1'], ['lb2', 'rs1']]);
    expect(down[0]?.reason).toContain('failed');
    const after = outcomes(sim).filter((o) => o.outcome === 'opened' && o.at > (down[0]?.at ?? 0));
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((o) => o.server === 'rs2')).toBe(true);
    const back = sim.now();
    sim.apply({ kind: 'rsup', server: 'rs1' });
    sim.advance(2 * S);
    expect(checks(sim).filter((c) => c.up && c.server === 'rs1' && c.at > back).map((c) => c.node)).toEqual(['lb1', 'lb2']);
  });

  it('crash: nothing answers; open connections break when their data goes unacknowledged', () => {
    const sim = directorPair(1);
    sim.advance(4 * S);
    sim.apply({ kind: 'clients', rate: 10, holdUs: 60 * S });
    sim.advance(1 * S);
    sim.apply({ kind: 'rsdown', server: '192.0.2.32', mode: 'crash' });
    sim.advance(14 * S);
    expect(count(sim, 'broken')).toBe(0);
    sim.advance(3 * S);
    const broken = outcomes(sim).filter((o) => o.outcome === 'broken');
    expect(broken.length).toBeGreaterThan(0);
    expect(broken.every((o) => o.server === 'rs2' && o.reason.startsWith('data unacknowledged'))).toBe(true);
  });
});

describe('a paused keepalived', () => {
  it('stops checking while its kernel keeps forwarding', () => {
    const sim = directorPair(1);
    sim.advance(4 * S);
    sim.apply({ kind: 'clients', rate: 10, holdUs: 1 * S });
    sim.advance(1 * S);
    sim.apply({ kind: 'pause', node: 'lb1' });
    sim.apply({ kind: 'rsdown', server: 'rs1', mode: 'stop' });
    const pausedAt = sim.now();
    sim.advance(3 * S); // lb2 takes the VIP 3.8 s after lb1's last advert
    const opened = outcomes(sim).filter((o) => o.outcome === 'opened' && o.at > pausedAt);
    expect(opened.length).toBeGreaterThan(20);
    expect(checks(sim).filter((c) => !c.up).map((c) => c.node)).toEqual(['lb2']);
    sim.apply({ kind: 'resume', node: 'lb1' });
    sim.advance(1000); // the overdue check runs at once: one probe's round trip
    expect(checks(sim).filter((c) => !c.up).map((c) => c.node)).toEqual(['lb2', 'lb1']);
  });
});

describe('the director fails over', () => {
  const failover = (sync: boolean) => {
    const sim = directorPair(3, { sync });
    sim.advance(4 * S); // lb1 is master from 3.609375 s
    sim.apply({ kind: 'clients', rate: 5, durationUs: 10 * S, holdUs: 40 * S });
    sim.advance(11 * S);
    sim.apply({ kind: 'kill', node: 'lb1' });
    sim.advance(20 * S);
    return sim;
  };

  it('without lvs_sync_daemon every open connection is reset by the new master', () => {
    const sim = failover(false);
    const broken = outcomes(sim).filter((o) => o.outcome === 'broken');
    expect(broken).toHaveLength(count(sim, 'opened'));
    expect(broken.length).toBeGreaterThan(40);
    expect(broken.every((o) => o.reason === 'reset by lb2')).toBe(true);
  });

  it('with lvs_sync_daemon the backup knows the connections and they carry on', () => {
    const sim = failover(true);
    expect(count(sim, 'broken')).toBe(0);
    expect(lastConns(sim, 'lb2', 'rs1')?.active).toBe(25);
    sim.advance(30 * S);
    expect(count(sim, 'completed')).toBe(50);
    expect(count(sim, 'opened')).toBe(50);
  });

  it('counts a crashed director’s table as empty', () => {
    const sim = failover(false);
    expect(lastConns(sim, 'lb1', 'rs1')).toMatchObject({ active: 0, inactive: 0 });
  });
});

it('loses what is sent to the VIP before anyone holds it: the SYN retransmitted at 7 s gets through', () => {
  const sim = directorPair(1);
  sim.apply({ kind: 'clients', rate: 1, durationUs: 1 * S, holdUs: 1 * S });
  sim.advance(10 * S);
  // SYNs at 0, 1 and 3 s find nobody; lb1 takes the VIP at 3.609375 s; the SYN at 7 s
  // crosses three 100 µs hops (client → lb1 → real server → client).
  expect(outcomes(sim).map((o) => [o.at, o.outcome, o.service])).toEqual([[7_000_300, 'opened', SERVICE], [8_000_600, 'completed', SERVICE]]);
});

it('gives a connect up after 15 s without an answer', () => {
  const sim = directorPair(1);
  sim.advance(5 * S);
  sim.apply({ kind: 'rsdown', server: 'rs1', mode: 'crash' });
  sim.apply({ kind: 'rsdown', server: 'rs2', mode: 'crash' });
  sim.apply({ kind: 'clients', rate: 1, durationUs: 1 * S });
  sim.advance(20 * S);
  expect(outcomes(sim).map((o) => [o.at, o.outcome, o.reason])).toEqual([[20 * S, 'timed-out', 'no answer to SYN within 15 s']]);
});
