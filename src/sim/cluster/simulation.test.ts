import { describe, expect, it } from 'vitest';
import { readCorosyncConf } from '../../config/corosync/index.js';
import { secondsToUs, type Instant } from '../../core/time.js';
import { clusterSpecFromCorosync } from '../../scenario/cluster/from-corosync.js';
import { readRecorderCase } from '../../scenario/cluster/recorder-case.js';
import { parseClusterEvent } from './events.js';
import { ClusterRunTooLarge, ClusterSimulation } from './simulation.js';
import type { ClusterOutEvent } from './types.js';

function run(caseText: string, seed = 1): readonly ClusterOutEvent[] {
  const c = readRecorderCase(caseText, 'case.txt');
  const read = readCorosyncConf(c.corosyncConf, 'corosync.conf');
  expect(read.conf).toBeDefined();
  const spec = clusterSpecFromCorosync(read.conf!, c.boot);
  const events = c.events.map((e) => parseClusterEvent(e.text, { file: 'case.txt', line: e.line }));
  return new ClusterSimulation(spec, events, { seed, until: secondsToUs(c.endSeconds ?? 60) as Instant }).run().events;
}

type Q = Extract<ClusterOutEvent, { kind: 'quorum' }>;
/** The last quorum event of `node` at or before `t`. */
function quorumAt(events: readonly ClusterOutEvent[], node: string, t: number): Q | undefined {
  return events.filter((e): e is Q => e.kind === 'quorum' && e.node === node && e.t <= t).at(-1);
}
function membersAt(events: readonly ClusterOutEvent[], node: string, t: number): readonly string[] | undefined {
  return events.filter((e): e is Extract<ClusterOutEvent, { kind: 'membership' }> => e.kind === 'membership' && e.node === node && e.t <= t).at(-1)?.members;
}

describe('cluster simulation (corosync membership + votequorum)', () => {
  it('notices a crash after about token + consensus and keeps quorum with 2 of 3', () => {
    const ev = run('nodes 3\n8 kill 3\n30 end\n');
    const change = ev.find((e) => e.kind === 'membership' && e.node === 'node1' && e.t > 8)!;
    // N=3: token 3650 + consensus 4380 = 8.03 s, minus part of a token rotation.
    expect(change.t - 8).toBeGreaterThan(7.2);
    expect(change.t - 8).toBeLessThan(8.03);
    expect(quorumAt(ev, 'node1', 29)).toMatchObject({ quorate: true, expected_votes: 3, total_votes: 2, quorum: 2, flags: ['Quorate'] });
  });

  it('sees a clean stop in well under a second', () => {
    const ev = run('nodes 3\n8 stop 3\n20 end\n');
    const change = ev.find((e) => e.kind === 'membership' && e.node === 'node1' && e.t > 8)!;
    expect(change.t - 8).toBeLessThan(0.5);
  });

  it('allow_downscale lowers expected votes on a leave but not quorum (4 nodes, two stops)', () => {
    const ev = run('nodes 4\nquorum allow_downscale 1\n8 stop 4\n14 stop 3\n20 end\n');
    expect(quorumAt(ev, 'node1', 13)).toMatchObject({ quorate: true, expected_votes: 3, quorum: 3, total_votes: 3 });
    expect(quorumAt(ev, 'node1', 19)).toMatchObject({ quorate: false, expected_votes: 2, quorum: 3, total_votes: 2, flags: ['AllowDownscale'] });
  });

  it('wait_for_all re-arms after a quorum loss: a returning node and the survivor stay inquorate', () => {
    const ev = run('nodes 3\nquorum wait_for_all 1\n8 kill 2 3\n20 start 2\n30 start 3\n40 end\n');
    expect(quorumAt(ev, 'node1', 19)).toMatchObject({ quorate: false, total_votes: 1 });
    expect(quorumAt(ev, 'node1', 29)).toMatchObject({ quorate: false, total_votes: 2, flags: ['WaitForAll'] });
    expect(quorumAt(ev, 'node2', 29)).toMatchObject({ quorate: false, total_votes: 2 });
    expect(quorumAt(ev, 'node1', 39)).toMatchObject({ quorate: true, total_votes: 3 });
  });

  it('last_man_standing lowers expected votes one window after each loss, never below 2 without ATB', () => {
    const ev = run('nodes 4\nquorum last_man_standing 1\nquorum last_man_standing_window 3000\n8 kill 4\n22 kill 3\n36 kill 2\n48 end\n');
    expect(quorumAt(ev, 'node1', 21)).toMatchObject({ quorate: true, expected_votes: 3, quorum: 2 });
    expect(quorumAt(ev, 'node1', 35)).toMatchObject({ quorate: true, expected_votes: 2, quorum: 2 });
    expect(quorumAt(ev, 'node1', 47)).toMatchObject({ quorate: false, expected_votes: 2, quorum: 2, total_votes: 1 });
  });

  it('auto_tie_breaker gives an even split to the half with the lowest node id', () => {
    const ev = run('nodes 4\nquorum auto_tie_breaker 1\n8 partition 1,2 3,4\n24 heal\n34 end\n');
    expect(quorumAt(ev, 'node1', 23)).toMatchObject({ quorate: true, total_votes: 2, quorum: 3 });
    expect(quorumAt(ev, 'node3', 23)).toMatchObject({ quorate: false, total_votes: 2, quorum: 3 });
    expect(membersAt(ev, 'node3', 33)).toEqual(['node1', 'node2', 'node3', 'node4']);
  });

  it('two_node in a three-node nodelist makes both sides of a 2/1 split quorate', () => {
    const ev = run('nodes 3\nquorum two_node 1\n8 partition 1,2 3\n24 heal\n34 end\n');
    expect(quorumAt(ev, 'node1', 23)).toMatchObject({ quorate: true, quorum: 1, flags: ['2Node', 'Quorate', 'WaitForAll'] });
    expect(quorumAt(ev, 'node3', 23)).toMatchObject({ quorate: true, quorum: 1 });
  });

  it('is deterministic for a seed', () => {
    const text = 'nodes 5\n8 partition 1,2,3 4,5\n26 heal\n38 end\n';
    expect(JSON.stringify(run(text, 7))).toBe(JSON.stringify(run(text, 7)));
  });
});

describe('cluster simulation budget', () => {
  it('refuses a run that needs more steps than its budget', () => {
    const c = readRecorderCase('nodes 3\n8 kill 3\n20 start 3\n30 end\n', 'case.txt');
    const spec = clusterSpecFromCorosync(readCorosyncConf(c.corosyncConf, 'c').conf!);
    const events = c.events.map((e) => parseClusterEvent(e.text, { file: 'case.txt', line: e.line }));
    expect(() => new ClusterSimulation(spec, events, { seed: 1, until: secondsToUs(30) as Instant, maxSteps: 5 }).run()).toThrow(ClusterRunTooLarge);
  });
});

describe('run-time votes', () => {
  it('corosync-quorumtool -v raises a node\'s votes; expected votes follow the total', () => {
    const ev = run('nodes 3\n12 setvotes 1 1 3\n24 kill 2 3\n38 end\n');
    expect(quorumAt(ev, 'node2', 23)).toMatchObject({ total_votes: 5, expected_votes: 5, quorum: 3, quorate: true });
    expect(quorumAt(ev, 'node1', 37)).toMatchObject({ total_votes: 3, quorum: 3, quorate: true });
  });
});
