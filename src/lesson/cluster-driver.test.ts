/**
 * The cluster driver on seed 001 (three RHCS nodes, IPMI fencing, GFS2): a
 * session built by hand, as the session layer builds one from lesson.md.
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Instant } from '../core/time.js';
import { clusterDriverFactory } from './cluster-driver.js';
import type { Lesson, LessonLine, SessionInputs } from './contract.js';

const S = 1_000_000;
const lines = (first: number, texts: readonly string[]): LessonLine[] => texts.map((text, i) => ({ text, file: 'labs/06-quorum-fencing/lesson.md', line: first + i, column: 1 }));
const lesson: Lesson = { id: '06-quorum-fencing', title: 't', dir: 'labs/06-quorum-fencing', kind: 'cluster', files: ['cluster.conf'], seed: 1, intro: [], tasks: [], summary: [] };

function inputs(goals: readonly string[][] = [], setup = ['config cluster.conf', 'storage gfs2 vmspace', '10 enable vm:mytestVM']): SessionInputs {
  const workspace = mkdtempSync(join(tmpdir(), 'cluster-driver-'));
  copyFileSync('scenarios/cluster/seed001-cluster.conf', join(workspace, 'cluster.conf'));
  return { lesson, setup: lines(3, setup), goals: goals.map((g, i) => lines(20 + 10 * i, g)), workspace, seed: 1 };
}

describe('cluster driver (seed 001)', () => {
  it('shows the three nodes forming a quorate ring, then a kill: fence first, the VM moves after it', async () => {
    const d = await clusterDriverFactory(inputs(), { backend: 'sim' });
    expect(d.view().cluster?.nodes.map((n) => [n.name, n.status, n.quorate])).toEqual([['node01-p', 'running', false], ['node02-p', 'running', false], ['node03-p', 'running', false]]);
    await d.advance(30 * S);
    const v = d.view();
    expect(v.cluster?.nodes.map((n) => `${n.name} ${n.members.length} ${n.quorate} ${n.quorum}`)).toEqual([
      'node01-p 3 true expected 3, total 3, quorum 2 (Quorate)', 'node02-p 3 true expected 3, total 3, quorum 2 (Quorate)', 'node03-p 3 true expected 3, total 3, quorum 2 (Quorate)',
    ]);
    expect(v.cluster?.services).toEqual([{ name: 'vm:testbox1', node: 'node01-p', state: 'started' }, { name: 'vm:mytestVM', node: 'node02-p', state: 'started' }]);
    expect(await d.act('kill node01-p')).toEqual({ ok: true, text: 'kill node01-p at 30 s' });
    await d.advance(20 * S); // 50 s: the others noticed at ~51 s
    expect(d.view().cluster?.services[0]).toEqual({ name: 'vm:testbox1', state: 'stopped' });
    await d.advance(3 * S); // 53 s: node02-p's fence runs; node03-p's is only scheduled behind it
    expect(d.view().cluster?.fencing).toEqual(['node01-p by node02-p via ipmi_node01 (method 1): started (51.454 s)']);
    expect(d.view().cluster?.data).toEqual(['DLM frozen on node02-p since 51.454 s — fencing node01-p pending', 'DLM frozen on node03-p since 51.454 s — fencing node01-p pending']);
    await d.advance(27 * S); // 80 s
    const after = d.view();
    expect(after.cluster?.fencing).toEqual([expect.stringMatching(/^node01-p by node02-p via ipmi_node01 \(method 1\): success \(\d+\.\d+ s\)$/)]);
    const fence = after.log.find((e) => e.text.startsWith('fence node01-p') && e.text.endsWith('success'));
    expect(fence?.why).toBe('peer is no longer part of the cluster');
    const moved = after.log.find((e) => e.text === 'vm:testbox1 started on node02-p');
    expect(moved?.at).toBe(fence?.at);
    expect(moved?.seq).toBeGreaterThan(fence?.seq ?? Infinity);
    expect(moved?.why).toBe('failover domain');
    expect(after.cluster?.nodes[0]).toMatchObject({ name: 'node01-p', status: 'down (fenced)' });
    expect(after.cluster?.nodes[1]).toMatchObject({ quorate: true, quorum: 'expected 3, total 2, quorum 2 (Quorate)' });
    expect(after.log.filter((e) => e.kind === 'action').map((e) => [e.at, e.text])).toEqual([[30 * S, 'event: 30 kill node01-p']]);
    expect(after.strip.find((l) => l.label === 'node01-p')?.segments.map((s) => s.state)).toEqual(['running', 'down', 'fenced']);
    expect(after.strip.find((l) => l.label === 'vm:testbox1')?.segments.map((s) => s.state)).toEqual(['node01-p', 'stopped', 'node02-p']);
    expect(after.cluster?.data).toEqual([]);
  });

  it('judges goals over the task window: milestones in order, hold now, never, forbid', async () => {
    const goals = ['reach fenced node01-p', 'reach service vm:testbox1 on node02-p', 'hold quorate node02-p', 'never corruption', 'never fenced node02-p', 'forbid stop'];
    const d = await clusterDriverFactory(inputs([goals]), { backend: 'sim' });
    const g = lines(20, goals);
    await d.advance(30 * S);
    expect(d.judge(g, 0 as Instant, []).map((s) => s.met)).toEqual([false, false, true, true, true, true]);
    expect(d.judge(g, 0 as Instant, [])[0]?.detail).toBe('not yet: node01-p fenced 0 time(s) in the window (all fences of it: none)');
    expect(d.judge(g, 0 as Instant, [])[1]?.detail).toBe('waits for the milestone before it');
    await d.act('kill node01-p');
    await d.advance(60 * S);
    const actions = [{ at: (30 * S) as Instant, line: 'kill node01-p' }];
    expect(d.judge(g, 0 as Instant, actions).map((s) => s.met)).toEqual([true, true, true, true, true, true]);
    // a window that starts after the fence did not see it
    expect(d.judge(g, (80 * S) as Instant, [])[0]?.met).toBe(false);
    const forbid = lines(40, ['forbid kill node01-p', 'forbid kill node02-p']);
    expect(d.judge(forbid, 0 as Instant, actions)).toEqual([
      { text: 'forbid kill node01-p', met: false, detail: "you used 'kill node01-p' at 30 s" },
      { text: 'forbid kill node02-p', met: true },
    ]);
    const never = lines(50, ['never fenced node01-p', 'never inquorate node02-p']);
    expect(d.judge(never, 0 as Instant, actions)[0]).toMatchObject({ met: false, detail: expect.stringMatching(/^it happened at \d+\.\d+ s$/) });
    expect(d.judge(never, (5 * S) as Instant, actions)[1]?.met).toBe(true);
  });

  it('refuses bad actions in words, with no time in them and nothing applied', async () => {
    const d = await clusterDriverFactory(inputs(), { backend: 'sim' });
    await d.advance(5 * S);
    expect(await d.act('kill node9')).toEqual({ ok: false, error: "'kill node9': no node 'node9' in the cluster (nodes: node01-p, node02-p, node03-p)" });
    expect(await d.act('frobnicate node01-p')).toMatchObject({ ok: false, error: expect.stringContaining("'frobnicate' is not an event this cluster understands") });
    expect(await d.act('relocate vm:nothere node02-p')).toMatchObject({ ok: false, error: expect.stringContaining("no service 'vm:nothere'") });
    expect(await d.act('12 kill node01-p')).toMatchObject({ ok: false, error: expect.stringContaining('without a time') });
    expect(await d.act('partition node01-p')).toMatchObject({ ok: false, error: expect.stringContaining('at least two groups') });
    expect(await d.act('')).toMatchObject({ ok: false });
    expect(d.view().log.filter((e) => e.kind === 'action')).toEqual([]);
  });

  it('checks the lab block and every goal line at open: located errors in lesson.md', async () => {
    await expect(clusterDriverFactory(inputs([['reach quorate node01-p', 'reach quorate node7']]), { backend: 'sim' })).rejects.toThrow(/^labs\/06-quorum-fencing\/lesson\.md:21:15: error\[lesson-goal\]: no node 'node7'/);
    await expect(clusterDriverFactory(inputs([['reach masterr VI_1 lb1']]), { backend: 'sim' })).rejects.toThrow(/^labs\/06-quorum-fencing\/lesson\.md:20:7: error\[lesson-goal\]: 'masterr' is not a cluster fact/);
    await expect(clusterDriverFactory(inputs([['forbid explode']]), { backend: 'sim' })).rejects.toThrow(/lesson\.md:20:8: error\[lesson-goal\]: 'explode' is not an action of this cluster/);
    await expect(clusterDriverFactory(inputs([], ['config cluster.conf', 'until 60']), { backend: 'sim' })).rejects.toThrow(/lesson\.md:4:1: error\[lesson-lab\]: 'until' belongs in a \.scenario file/);
    await expect(clusterDriverFactory(inputs([], ['config cluster.conf', 'storage zfs pool']), { backend: 'sim' })).rejects.toThrow(/lesson\.md:4:9: error\[lesson-lab\]: 'zfs' is not a storage kind/);
    await expect(clusterDriverFactory(inputs([], ['config cluster.conf', '10 kill node9']), { backend: 'sim' })).rejects.toThrow(/lesson\.md:4:1: error\[unknown-node\]: '10 kill node9': no node 'node9'/);
    await expect(clusterDriverFactory(inputs(), { backend: 'docker' })).rejects.toThrow(/cluster simulator only/);
  });

  it('restart re-reads the workspace: an error keeps the old cluster running, a good edit starts again at 0', async () => {
    const inp = inputs();
    const d = await clusterDriverFactory(inp, { backend: 'sim' });
    await d.advance(40 * S);
    await d.act('kill node03-p');
    const conf = readFileSync(join(inp.workspace, 'cluster.conf'), 'utf8');
    writeFileSync(join(inp.workspace, 'cluster.conf'), conf.replace('<clusternodes>', '<clusternodes'));
    const findings = await d.restart();
    expect(findings.some((f) => /^cluster\.conf:\d+:\d+: error\[[a-z-]+\]: /.test(f))).toBe(true);
    expect(d.view().now).toBe(40 * S);
    writeFileSync(join(inp.workspace, 'cluster.conf'), conf.replace('<clusternode name="node01-p" nodeid="1" votes="1">', '<clusternode name="node01-p" nodeid="1" votes="3">'));
    expect((await d.restart()).filter((f) => f.includes(': error['))).toEqual([]);
    expect(d.view().now).toBe(0);
    await d.advance(30 * S);
    expect(d.view().cluster?.nodes.map((n) => `${n.votes} ${n.quorum}`)).toEqual(['3 expected 5, total 5, quorum 3 (Quorate)', '1 expected 5, total 5, quorum 3 (Quorate)', '1 expected 5, total 5, quorum 3 (Quorate)']);
  });

  it('step moves to the next thing that happens (routine disk writes aside)', async () => {
    const d = await clusterDriverFactory(inputs(), { backend: 'sim' });
    await d.step();
    expect(d.view().now).toBe(400_000); // 0.4 s: each node forms its own ring
    await d.advance(3 * S);
    await d.step();
    expect(d.view().now).toBe(10 * S); // the lab block's `10 enable vm:mytestVM`
  });

  it('seed 002: a lost peer leaves DRBD disconnected, said in the data lines, and the lane shows the fence', async () => {
    const inp = inputs([], ['config cluster.conf', 'storage drbd r0 an-node01.alteeve.ca an-node02.alteeve.ca dual-primary fencing resource-and-stonith']);
    copyFileSync('scenarios/cluster/seed002-cluster.conf', join(inp.workspace, 'cluster.conf'));
    const d = await clusterDriverFactory(inp, { backend: 'sim' });
    await d.advance(10 * S);
    expect(d.view().cluster?.data).toEqual([]);
    expect(await d.act('kill an-node02.alteeve.ca')).toMatchObject({ ok: true });
    await d.advance(40 * S);
    const v = d.view();
    expect(v.cluster?.data.filter((x) => x.startsWith('DRBD'))).toEqual([expect.stringMatching(/^DRBD r0: disconnected since 10 s$/)]);
    expect(v.cluster?.nodes.map((n) => `${n.name} ${n.status} ${n.quorum ?? ''}`)).toEqual(['an-node01.alteeve.ca running expected 2, total 1, quorum 1 (2Node Quorate)', 'an-node02.alteeve.ca down (fenced) ']);
  });
});
