/**
 * The simulator's own behaviour, driven by the tiny fake engine (a layer above:
 * it only checks what the simulator does with an engine's outputs and inputs).
 * End-to-end tests with the real VRRP engine live in sim-vrrp.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { Observation } from '../core/backend.js';
import type { Engine } from '../core/engine.js';
import type { Instant } from '../core/time.js';
import type { VrrpInput, VrrpNodeConfig, VrrpOutput } from '../vrrp/types.js';
import { fakeEngine, type FakeState } from './fake-engine.test-utils.js';
import { nodeConfig } from './topology.test-utils.js';
import { Simulation } from './simulation.js';
import type { SimulationOptions } from './types.js';
import { SimulationFailure } from './errors.js';

const S = 1_000_000;
const skew = (p: number) => Math.floor(((256 - p) * S) / 256);
const mdi = (p: number) => 3 * S + skew(p);

function pair(options: Partial<SimulationOptions> = {}) {
  const sim = new Simulation({ seed: 42, engine: fakeEngine, ...options });
  sim.addNode('a', { vrrp: nodeConfig('a', '192.0.2.1', 200, { scripts: ['chk'] }) });
  sim.addNode('b', { vrrp: nodeConfig('b', '192.0.2.2', 100) });
  sim.node('a').start();
  sim.node('b').start();
  return sim;
}

const transitions = (sim: Simulation) =>
  sim.observations().flatMap((o) => (o.kind === 'transitioned' ? [`${o.at} ${o.node} ${o.from}->${o.to}`] : []));
const becameMaster = (sim: Simulation, node: string) =>
  sim.observations().filter((o) => o.kind === 'transitioned' && o.node === node && o.to === 'MASTER').map((o) => o.at);

describe('Simulation with a fake engine', () => {
  it('fires the engine at its exact deadline: the higher priority wins after Master_Down_Interval', () => {
    const sim = pair();
    sim.advance(5 * S);
    expect(becameMaster(sim, 'a')).toEqual([mdi(200)]);
    expect(becameMaster(sim, 'b')).toEqual([]);
    const added = sim.observations().filter((o) => o.kind === 'address-added');
    expect(added).toMatchObject([{ at: mdi(200), node: 'a', address: '192.0.2.100' }]);
  });

  it('kill: no goodbye, addresses vanish with reason crash, the backup takes over one MDI after the last advert', () => {
    const sim = pair();
    sim.advance(10 * S);
    sim.apply({ kind: 'kill', node: 'a' });
    const removed = sim.observations().filter((o) => o.kind === 'address-removed');
    expect(removed).toMatchObject([{ at: 10 * S, node: 'a', address: '192.0.2.100', reason: 'crash' }]);
    sim.advance(10 * S);
    const lastAdvert = mdi(200) + 6 * S; // adverts every second after becoming master
    expect(becameMaster(sim, 'b')).toEqual([lastAdvert + 100 + mdi(100)]);
    expect(sim.node('a').status).toBe('down');
  });

  it('stop: the shutdown outputs go out (priority 0), the backup takes over after its skew', () => {
    const sim = pair();
    sim.advance(10 * S);
    sim.apply({ kind: 'stop', node: 'a' });
    sim.advance(5 * S);
    expect(becameMaster(sim, 'b')).toEqual([10 * S + 100 + skew(100)]);
    expect(transitions(sim)).toContain(`${10 * S} a MASTER->STOP`);
    const removed = sim.observations().filter((o) => o.kind === 'address-removed');
    expect(removed).toHaveLength(1);
    expect(removed[0]).not.toHaveProperty('reason'); // the engine removed it itself
  });

  it('restart after kill runs a fresh init at that time', () => {
    const sim = pair();
    sim.advance(5 * S);
    sim.apply({ kind: 'kill', node: 'a' });
    sim.advance(1 * S);
    sim.apply({ kind: 'start', node: 'a' });
    expect(transitions(sim)).toContain(`${6 * S} a INIT->BACKUP`);
    expect((sim.node('a').engineState as FakeState).lastNow).toBe(6 * S);
  });

  it('pause holds wake-ups and keeps packets; resume hands them over first, then fires the overdue timeout late', () => {
    const order: string[] = [];
    const spy: Engine<VrrpNodeConfig, FakeState, VrrpInput, VrrpOutput> = {
      ...fakeEngine,
      step: (s, input, now) => {
        if (s.config.instances[0]?.priority === 200 && now === 20 * S) order.push(input.kind);
        return fakeEngine.step(s, input, now);
      },
    };
    const sim = pair({ engine: spy, observe: ['transitioned', 'dropped', 'event', 'sent'] });
    sim.advance(10 * S);
    sim.apply({ kind: 'pause', node: 'a' });
    sim.advance(10 * S);
    const bMaster = mdi(200) + 6 * S + 100 + mdi(100);
    expect(becameMaster(sim, 'b')).toEqual([bMaster]);
    const sentByB = sim.observations().filter((o) => o.kind === 'sent' && o.node === 'b').length;
    expect(sentByB).toBe(Math.floor((20 * S - bMaster) / S) + 1);
    expect(sim.node('a').queuedOn('eth0')).toBe(sentByB); // kept by the socket, none lost
    expect(sim.observations().filter((o) => o.kind === 'dropped' && o.node === 'a')).toEqual([]);
    const timeoutsBefore = (sim.node('a').engineState as FakeState).timeouts;
    sim.apply({ kind: 'resume', node: 'a' });
    expect(order).toEqual([...Array<string>(sentByB).fill('packet'), 'timeout']);
    expect(sim.node('a').queuedOn('eth0')).toBe(0);
    const after = sim.node('a').engineState as FakeState;
    expect(after.timeouts).toBe(timeoutsBefore + 1); // the overdue advert timer, handled at once
    expect(after.lastNow).toBe(20 * S);
    sim.advance(1 * S);
    expect(transitions(sim)).toContain(`${20 * S + 100} b MASTER->BACKUP`);
  });

  it('a paused BACKUP resumed under a live master reads the kept advert before its overdue timer: it stays BACKUP', () => {
    const sim = pair();
    sim.advance(10 * S);
    sim.apply({ kind: 'pause', node: 'b' });
    sim.advance(10 * S);
    sim.apply({ kind: 'resume', node: 'b' });
    sim.advance(10 * S);
    expect(becameMaster(sim, 'b')).toEqual([]);
    expect((sim.node('b').engineState as FakeState).timeouts).toBe(0);
  });

  it("a paused node's socket keeps adverts up to the kernel's receive buffer, then drops them (256 adverts of 832 bytes)", () => {
    const sim = pair({ observe: ['transitioned', 'dropped', 'sent'] });
    sim.advance(10 * S);
    sim.apply({ kind: 'pause', node: 'b' });
    sim.advance(300 * S);
    const sent = sim.observations().filter((o) => o.kind === 'sent' && o.node === 'a' && o.at > 10 * S && o.at < 310 * S - 100).length;
    expect(sent).toBe(300);
    expect(sim.node('b').queuedOn('eth0')).toBe(256);
    const dropped = sim.observations().filter((o) => o.kind === 'dropped' && o.node === 'b');
    expect(dropped).toHaveLength(300 - 256);
    expect(dropped.every((o) => o.kind === 'dropped' && o.reason.code === 'rcvbuf-full')).toBe(true);
  });

  it('linkdown: the interface goes silent and the engine is told; linkup restores it', () => {
    const seen: VrrpInput[] = [];
    const spy: Engine<VrrpNodeConfig, FakeState, VrrpInput, VrrpOutput> = {
      ...fakeEngine,
      step: (s, input, now) => {
        if (input.kind === 'link') seen.push(input);
        return fakeEngine.step(s, input, now);
      },
    };
    const sim = pair({ engine: spy });
    sim.advance(10 * S);
    sim.apply({ kind: 'linkdown', node: 'a' });
    sim.advance(10 * S);
    expect(seen).toEqual([{ kind: 'link', interface: 'eth0', up: false }]);
    expect(becameMaster(sim, 'b')).toEqual([mdi(200) + 6 * S + 100 + mdi(100)]);
    sim.apply({ kind: 'linkup', node: 'a' });
    sim.advance(2 * S);
    expect(seen.at(-1)).toEqual({ kind: 'link', interface: 'eth0', up: true });
    expect(transitions(sim).some((t) => t.endsWith('b MASTER->BACKUP'))).toBe(true);
  });

  it('a node started on a down link is told so in its config', () => {
    const sim = new Simulation({ seed: 1, engine: fakeEngine });
    sim.addNode('a', { vrrp: nodeConfig('a', '192.0.2.1', 100) });
    sim.apply({ kind: 'linkdown', node: 'a' });
    sim.apply({ kind: 'start', node: 'a' });
    expect((sim.node('a').engineState as FakeState).config.interfaces[0]?.up).toBe(false);
  });

  it('answers run-script with the exit code the scenario set, after the script latency', () => {
    const sim = pair({ scriptLatencyUs: 1_000 });
    sim.advance(0);
    sim.apply({ kind: 'fail', node: 'a', script: 'chk' });
    sim.apply({ kind: 'stop', node: 'a' });
    sim.apply({ kind: 'start', node: 'a' });
    sim.advance(2_000);
    const status = sim.observations().filter((o) => o.kind === 'script-status');
    // The run asked before the stop is forgotten with its incarnation; the one asked after `fail` fails, 1 ms later.
    expect(status.map((o) => [o.at, o.kind === 'script-status' && o.ok])).toEqual([[1_000, false]]);
  });

  it('records each injected event before its effects, cluster-wide ones under node *', () => {
    const sim = pair();
    sim.advance(5 * S);
    sim.apply({ kind: 'partition', groups: [['a'], ['b']] });
    sim.apply({ kind: 'kill', node: 'a' });
    const tail = sim.observations().slice(-3);
    expect(tail[0]).toMatchObject({ kind: 'event', node: '*', event: { kind: 'partition' } });
    expect(tail[1]).toMatchObject({ kind: 'event', node: 'a', event: { kind: 'kill' } });
    expect(tail[2]).toMatchObject({ kind: 'address-removed', node: 'a' });
  });

  it('advance processes events at exactly the end time, and no later', () => {
    const sim = pair();
    sim.advance(mdi(200) - 1);
    expect(becameMaster(sim, 'a')).toEqual([]);
    sim.advance(1);
    expect(becameMaster(sim, 'a')).toEqual([mdi(200)]);
    expect(sim.now()).toBe(mdi(200));
  });

  it('events scheduled with at() run at their time, in order', () => {
    const sim = pair();
    sim.at((12 * S) as Instant, { kind: 'kill', node: 'a' });
    sim.at((12 * S) as Instant, { kind: 'start', node: 'a' });
    sim.advance(13 * S);
    const events = sim.observations().filter((o) => o.kind === 'event');
    expect(events.map((o) => [o.at, o.kind === 'event' && o.event.kind])).toEqual([
      [12 * S, 'kill'],
      [12 * S, 'start'],
    ]);
  });

  it('advanceUntil stops where the predicate turns true', () => {
    const sim = pair();
    const held = sim.advanceUntil(() => becameMaster(sim, 'a').length > 0, 10 * S);
    expect(held).toBe(true);
    expect(sim.now()).toBe(mdi(200));
    expect(sim.advanceUntil(() => false, 1 * S)).toBe(false);
    expect(sim.now()).toBe(mdi(200) + S);
  });

  it('the same seed gives the same trace; sent observations only when asked', () => {
    const run = (observe?: SimulationOptions['observe']) => {
      const sim = pair({ link: { latencyUsMin: 50, latencyUsMax: 5_000 }, ...(observe ? { observe } : {}) });
      sim.at((7 * S) as Instant, { kind: 'loss', node: 'a', lossRatio: 0.5 });
      sim.advance(60 * S);
      return sim;
    };
    const one = run();
    expect(one.traceHash()).toBe(run().traceHash());
    expect(one.observations().some((o) => o.kind === 'sent')).toBe(false);
    expect(run(['sent']).observations().filter((o) => o.kind === 'sent').length).toBeGreaterThan(50);
  });

  it('an engine that throws becomes a SimulationFailure naming seed, node and time', () => {
    const broken: Engine<VrrpNodeConfig, FakeState, VrrpInput, VrrpOutput> = {
      ...fakeEngine,
      step: (s, input, now) => {
        if (input.kind === 'timeout' && s.mode === 'MASTER') throw new Error('boom');
        return fakeEngine.step(s, input, now);
      },
    };
    const sim = pair({ engine: broken });
    let failure: unknown;
    try {
      sim.advance(10 * S);
    } catch (e) {
      failure = e;
    }
    expect(failure).toBeInstanceOf(SimulationFailure);
    expect((failure as SimulationFailure).message).toMatch(/^SEED=42 node=a t=4\.21875s: boom/);
    expect((failure as SimulationFailure).code).toBe('sim-engine-failure');
  });

  it('an engine that keeps asking for a past wake-up is stopped, not spun forever', () => {
    const stuck: Engine<VrrpNodeConfig, FakeState, VrrpInput, VrrpOutput> = { ...fakeEngine, nextDeadline: () => 5 as Instant };
    const sim = new Simulation({ seed: 9, engine: stuck });
    sim.addNode('a', { vrrp: nodeConfig('a', '192.0.2.1', 100) });
    sim.node('a').start();
    expect(() => sim.advance(10)).toThrow(/keeps asking for a wake-up/);
  });

  it('names unknown nodes, interfaces and scripts with stable codes', () => {
    const sim = pair();
    expect(() => sim.apply({ kind: 'kill', node: 'z' })).toThrow(expect.objectContaining({ code: 'sim-unknown-node' }));
    expect(() => sim.apply({ kind: 'linkdown', node: 'a', interface: 'eth9' })).toThrow(expect.objectContaining({ code: 'sim-unknown-interface' }));
    expect(() => sim.apply({ kind: 'fail', node: 'b', script: 'chk' })).toThrow(expect.objectContaining({ code: 'sim-unknown-script' }));
    expect(() => sim.apply({ kind: 'partition', groups: [['a'], ['q']] })).toThrow(expect.objectContaining({ code: 'sim-unknown-node' }));
    expect(() => sim.apply({ kind: 'partition', groups: [['a'], ['b', 'a']] })).toThrow(expect.objectContaining({ code: 'partition-node-twice' }));
    expect(() => sim.advance(-1)).toThrow(expect.objectContaining({ code: 'sim-duration-invalid' }));
    const observed: Observation[] = [...sim.observations()];
    expect(observed.filter((o) => o.kind === 'event')).toEqual([]); // rejected events are not recorded
  });
});
