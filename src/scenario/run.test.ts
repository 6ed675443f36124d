import { describe, expect, it } from 'vitest';
import { kill, start } from './events.js';
import { atTime, failoverWithin, masterIs, neverTwoMasters } from './expectations.js';
import { instance, model, v } from './from-keepalived.test-utils.js';
import { configText, scenario } from './scenario.js';
import { simulate } from '../lab/simulate.js';
import { runScenario } from './run.js';
import { simBackend } from '../sim/index.js';
import type { ConfigParser } from './topology.js';

/** Stands in for the keepalived parser: "priority N" is all these test configs say. */
const parse: ConfigParser = ({ text }) => {
  const priority = Number(/priority (\d+)/.exec(text)?.[1] ?? 100);
  return { model: model({ vrrpInstances: [instance({ name: 'VI_1', priority: v(priority) })] }), diagnostics: [], refused: [] };
};

const crash = scenario('master crash')
  .node('lb1', configText('lb1', 'priority 150'))
  .node('lb2', configText('lb2', 'priority 100'))
  .at(6, kill('lb1'))
  .at(12, start('lb1'))
  .until(25)
  .expect(atTime(5, masterIs('VI_1', 'lb1')), failoverWithin('VI_1', 6, 3.61, 'lb2'), failoverWithin('VI_1', 12, 3.5, 'lb1'), neverTwoMasters())
  .build();

describe('runScenario on the simulator', () => {
  it('runs a crash and restart, and checks the scenario\'s expectations', async () => {
    const { run } = await simulate(crash, { parse, seed: 1 });
    expect(run.results.filter((r) => !r.ok).map((r) => r.message)).toEqual([]);
    expect(run.seed).toBe(1);
    expect(run.timeline.nodes.map((n) => `${n.id} ${n.address}`)).toEqual(['lb1 192.0.2.1', 'lb2 192.0.2.2']);
    const masters = run.timeline.transitions.filter((t) => t.to === 'MASTER').map((t) => `${t.at} ${t.node}`);
    // lb1: Master_Down_Interval(150) = 3.4140625 s; lb2 takes over 3.609375 s after lb1's
    // last advert reached it (sent at 5.4140625 s, 100 µs on the wire); lb1 restarts at 12 s.
    expect(masters).toEqual(['3414062 lb1', '9023537 lb2', '15414062 lb1']);
    expect(run.verdicts.map((v) => `${v.checker} ${v.ok}`)).toEqual(['at-most-one-master true', 'convergence true', 'vips-follow-master true']);
  });

  it('judges every run with the standard checkers: a split brain on a whole network is a safety violation', async () => {
    // Different advert intervals: each drops the other's adverts (RFC 3768 §7.1) and both stay MASTER.
    const parseInt: ConfigParser = ({ text }) => {
      const [p, i] = text.split(' ').map(Number) as [number, number];
      return { model: model({ vrrpInstances: [instance({ name: 'VI_1', priority: v(p), advertIntUs: v(i * 1_000_000) })] }), diagnostics: [], refused: [] };
    };
    const split = scenario('advert_int mismatch').node('lb1', configText('lb1', '150 1')).node('lb2', configText('lb2', '100 2')).until(12).build();
    const { run } = await simulate(split, { parse: parseInt, seed: 1 });
    const verdict = run.verdicts.find((v) => v.checker === 'at-most-one-master');
    expect(verdict?.ok).toBe(false);
    expect(verdict?.violations[0]).toMatchObject({ class: 'safety', subject: 'VRID 51 on eth0', nodes: ['lb1', 'lb2'] });
    expect(run.passed).toBe(true);
  });

  it('is deterministic for a seed', async () => {
    const a = await simulate(crash, { parse, seed: 9 });
    const b = await simulate(crash, { parse, seed: 9 });
    expect(JSON.stringify(a.run.timeline)).toBe(JSON.stringify(b.run.timeline));
  });

  it('captures a pcap when asked', async () => {
    const { pcap } = await simulate(crash, { parse, seed: 1, capture: true });
    expect(pcap?.length).toBeGreaterThan(1000);
    expect(Array.from(pcap?.subarray(0, 4) ?? [])).toEqual([0xd4, 0xc3, 0xb2, 0xa1]);
  });

  it('prepares a plain Scenario with keepalived\'s parser and runs it on any backend', async () => {
    const text = (p: number): string => `vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 7\n  priority ${p}\n  virtual_ipaddress {\n    198.51.100.7/32\n  }\n}\n`;
    const sc = scenario('real configs').node('a', configText('a.conf', text(200))).node('b', configText('b.conf', text(100))).until(5).build();
    const run = await runScenario(sc, simBackend, { seed: 3 });
    expect(run.timeline.nodes.map((n) => n.address)).toEqual(['198.51.100.1', '198.51.100.2']);
    expect(run.timeline.transitions.filter((t) => t.to === 'MASTER').map((t) => `${t.at} ${t.node}`)).toEqual(['3218750 a']);
  });
});
