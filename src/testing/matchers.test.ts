import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runClusterScenario, type ClusterRun } from '../lab/cluster/run-scenario.js';
import { simulate, type SimulateResult } from '../lab/simulate.js';
import { parseClusterScenario } from '../scenario/cluster/index.js';
import { vrrpMatchers } from './matchers.js';
import './vitest.js';

const failure = (assertion: () => void): string => {
  try {
    assertion();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('the assertion passed');
};

function clusterRun(file: string): ClusterRun {
  const scn = parseClusterScenario(readFileSync(file, 'utf8'), file, (p) => resolve(dirname(file), p));
  return runClusterScenario(scn, readFileSync(scn.configPath, 'utf8'));
}

describe('VRRP matchers on a simulated run (master-crash.scenario, seed 1)', () => {
  let crash: SimulateResult;
  beforeAll(async () => {
    crash = await simulate('scenarios/classic/master-crash.scenario');
  });

  it('pass on what the timeline shows: master, VIP holder, failover bound, one master, the scenario', () => {
    expect(crash).toHaveMaster('VI_1', 'lb1', { at: 5 });
    expect(crash.run).toHaveMaster('VI_1', 'lb2', { at: 10 });
    expect(crash.run.timeline).toHaveVipOn('192.0.2.100', 'lb2', { at: 10 });
    expect(crash).toHaveVipOn('192.0.2.100', 'lb1');
    expect(crash).toFailOverWithin('VI_1', 3.61, { after: 6, to: 'lb2' });
    expect(crash).toNeverHaveTwoMasters();
    expect(crash).toPassScenario();
    expect(crash).not.toHaveMaster('VI_1', 'lb2', { at: 5 });
    expect(crash).not.toFailOverWithin('VI_1', 3, { after: 6, to: 'lb2' }); // lb2 takes over at 9.023537 s
  });

  it('fail with the expectation, the timeline around it, the seed and the command that reruns this file', () => {
    const message = failure(() => expect(crash).toHaveMaster('VI_1', 'lb2', { at: 5 }));
    expect(message).toContain('expected: at 5 s, the master of VI_1 is lb2');
    expect(message).toContain('but:      at 5 s the master of VI_1 is lb1');
    expect(message).toMatch(/timeline around 5 s \(1 s … 9 s\):\n.*lb1/);
    expect(message).toContain('seed 1\nreproduce with: SEED=1 npx vitest run src/testing/matchers.test.ts');
  });

  it('under .not, say that it holds and show the timeline there', () => {
    const message = failure(() => expect(crash).not.toHaveMaster('VI_1', 'lb1', { at: 5 }));
    expect(message).toMatch(/^expected not: at 5 s, the master of VI_1 is lb1\nbut it holds \(at 5 s\)\ntimeline around 5 s/);
  });

  it('a failover too slow for the bound names the bound and when it happened', () => {
    const message = failure(() => expect(crash).toFailOverWithin('VI_1', 3, { after: 6, to: 'lb2' }));
    expect(message).toMatch(/^expected: VI_1 fails over to lb2 within 3 s after 6 s\nbut: {6}the master of VI_1 was lb1 before 6 s; nobody from 6 s until 9\.023537 s \(3\.023537 s\), then lb2\n/);
    expect(message).toMatch(/9\.023537 {2}lb2 {3}VI_1 {6}BACKUP → MASTER/);
  });

  it('toFailOverWithin without `after` measures from the last fault applied (12 start lb1: lb1 preempts back)', () => {
    expect(crash).toFailOverWithin('VI_1', 3.5, { to: 'lb1' });
  });

  it('read a live cluster through timeline(), whose end is now', () => {
    const live = { timeline: () => ({ ...crash.run.timeline }) };
    expect(live).toHaveMaster('VI_1', 'lb1');
  });

  it('expect.poll re-reads a live cluster until the matcher passes', async () => {
    let reads = 0;
    const live = { timeline: () => ({ ...crash.run.timeline, until: (++reads < 3 ? 5_000_000 : 10_000_000) as typeof crash.run.timeline.until }) };
    await expect.poll(() => live, { interval: 1, timeout: 2_000 }).toHaveMaster('VI_1', 'lb2');
    expect(reads).toBe(3);
  });

  it('refuse a subject they cannot read, saying what they accept', () => {
    expect(() => expect({ nodes: [] }).toHaveMaster('VI_1', 'lb1')).toThrow(/toHaveMaster: expected a simulate\(\) result, a ScenarioRun, a Timeline or a started cluster.*got an object with keys nodes/);
  });

  it('priority: the check script takes 60 off lb1 at 10 s and gives it back at 18 s', async () => {
    const chk = await simulate('scenarios/classic/check-script.scenario');
    expect(chk).toHavePriority('lb1', 'VI_1', 150, { at: 9.9 });
    expect(chk).toHavePriority('lb1', 'VI_1', 90, { at: 10 });
    expect(failure(() => expect(chk).toHavePriority('lb1', 'VI_1', 150, { at: 12 }))).toContain('expected: at 12 s, lb1 VI_1 has effective priority 150\nbut:      at 12 s lb1 VI_1 has effective priority 90');
  });

  it('toPassScenario lists every failed expect line with its file:line', async () => {
    const run = await simulate('scenarios/classic/master-crash.scenario');
    const broken = { ...run.run, results: run.run.results.map((r, i) => (i === 1 ? { ...r, ok: false, message: `${r.expectation.location?.file}:${r.expectation.location?.line}:1: expected: ${r.description}` } : r)) };
    const message = failure(() => expect(broken).toPassScenario());
    expect(message).toMatch(/master-crash\.scenario:14:1: expected: VI_1 fails over to lb2 within 3\.61 s after 6 s\nreproduce with: SEED=1 /);
  });

  it('are plain functions a Jest user can extend with: { pass, message() }', () => {
    const r = vrrpMatchers.toHaveMaster.call({}, crash, 'VI_1', 'lb2', { at: 5 });
    expect(r.pass).toBe(false);
    expect(r.message()).toContain('reproduce with: npx vrrp-lab simulate scenarios/classic/master-crash.scenario --seed 1');
  });
});

describe('cluster matchers on cluster runs (seed 001)', () => {
  const lost = clusterRun('scenarios/cluster/seed001-node-lost.scenario');
  const unfenced = clusterRun('scenarios/cluster/seed001-no-fencing.scenario');

  it('pass on what the events show: fenced, quorate, where a service runs, no corruption', () => {
    expect(lost).toHaveFenced('node01-p', { after: 20, before: 60 });
    expect(lost).not.toHaveFenced('node02-p');
    expect(lost).toBeQuorate('node02-p', { at: 30 });
    expect(lost).toRunServiceOn('vm:testbox1', 'node02-p', { at: 70 });
    expect(lost).toRunServiceOn('vm:testbox1', undefined, { at: 44 });
    expect(lost).toHaveNoCorruption();
    expect(lost).toPassScenario();
  });

  it('a cluster without fencing corrupts its disk: the failure names it and shows the events around it', () => {
    const message = failure(() => expect(unfenced).toHaveNoCorruption());
    expect(message).toMatch(/^expected: never corruption\nbut: {6}corruption at 80 s: node01-p wrote vmspace after it was reported fenced\nevents around 80 s:\n/);
    expect(message).toMatch(/events around [\d.]+ s:\n(.*\n)*.*CORRUPTION: /);
    expect(message).toContain('seed 1\nreproduce with: SEED=1 npx vitest run src/testing/matchers.test.ts');
  });

  it('a wrong placement says where the service runs instead', () => {
    expect(failure(() => expect(lost).toRunServiceOn('vm:testbox1', 'node03-p', { at: 70 }))).toMatch(/expected: 70 service vm:testbox1 on node03-p\nbut: {6}at 70 s vm:testbox1 runs on node02-p/);
  });

  it('without a test file, the command that reruns the cluster scenario', () => {
    const r = vrrpMatchers.toHaveFenced.call({}, lost, 'node02-p');
    expect(r.pass).toBe(false);
    expect(r.message()).toMatch(/reproduce with: npx vrrp-lab cluster scenario scenarios\/cluster\/seed001-node-lost\.scenario$/);
  });
});
