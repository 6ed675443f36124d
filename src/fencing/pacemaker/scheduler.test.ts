import { describe, expect, it } from 'vitest';
import { applyEvents, executeTransition, schedule } from './index.js';
import { INFINITY, type PcmkConfig, type PcmkResource, type PcmkState } from './types.js';

const OPTIONS: PcmkConfig['options'] = {
  stonithEnabled: true, noQuorumPolicy: 'stop', symmetricCluster: true, stonithAction: 'reboot', priorityFencingDelayS: 0,
  startFailureIsFatal: true, concurrentFencing: false, stopAllResources: false, maintenanceMode: false,
};

function rsc(id: string, over: Partial<PcmkResource> = {}): PcmkResource {
  return { id, isStonith: false, priority: 0, stickiness: 0, migrationThreshold: INFINITY, failureTimeoutS: 0, requires: 'fencing', targetRole: 'Started', isManaged: true, ops: [{ name: 'monitor', intervalMs: 10_000 }], ...over };
}

function cluster(nodes: string[], resources: PcmkResource[], over: Partial<PcmkConfig> = {}): PcmkConfig {
  return { options: OPTIONS, nodes, dc: nodes[0], resources, locations: [], colocations: [], ...over };
}

function up(nodes: string[]): PcmkState {
  return { quorate: true, nodes: Object.fromEntries(nodes.map((n) => [n, { inCcm: true, crmdOnline: true, expectedUp: true }])), history: {}, attrs: {} };
}

/** Start everything, as crm_simulate -S on an empty status. */
function started(config: PcmkConfig): PcmkState {
  const s = up([...config.nodes]);
  return executeTransition(s, schedule(config, s, 0), [], () => [10_000], 0);
}

describe('schedule', () => {
  const nodes = ['node1', 'node2', 'node3'];
  const fences = nodes.map((n) => rsc(`fence-${n}`, { isStonith: true, requires: 'quorum', fenceTargets: [n] }));

  it('breaks equal scores by resources already assigned in this run, fence devices counted, then by name', () => {
    const t = schedule(cluster(nodes, [...fences, rsc('vm1'), rsc('vm2'), rsc('vm3'), rsc('vm4')]), up(nodes), 0);
    expect(t.placement).toEqual({ 'fence-node1': 'node1', 'fence-node2': 'node2', 'fence-node3': 'node3', vm1: 'node1', vm2: 'node2', vm3: 'node3', vm4: 'node1' });
    // Fencing on and no fence device: Pacemaker disables every start.
    expect(schedule(cluster(nodes, [rsc('vm1'), rsc('vm2')]), up(nodes), 0)).toMatchObject({ actions: [], placement: { vm1: null, vm2: null } });
    // Fencing off: the same spread, without devices to count.
    const plain = cluster(nodes, [rsc('vm1'), rsc('vm2'), rsc('vm3'), rsc('vm4')], { options: { ...OPTIONS, stonithEnabled: false } });
    expect(schedule(plain, up(nodes), 0).placement).toEqual({ vm1: 'node1', vm2: 'node2', vm3: 'node3', vm4: 'node1' });
  });

  it('fences a lost node, moves its resources after the fence, and fences the DC last', () => {
    const config = cluster(nodes, [...fences, rsc('vm1'), rsc('vm2'), rsc('vm3')]);
    const lost = applyEvents(started(config), [{ kind: 'node-fail', node: 'node1' }, { kind: 'node-fail', node: 'node3' }], 60);
    const t = schedule(config, lost, 60);
    expect(t.fenceOrder).toEqual(['node3', 'node1']);
    expect(t.fence.map((f) => f.reason)).toEqual(['peer is no longer part of the cluster', 'peer is no longer part of the cluster']);
    expect(t.actions).toContainEqual({ action: 'move', resource: 'vm1', source: 'node1', dest: 'node2' });
    expect(t.graph.find((g) => g.kind === 'start' && g.rsc === 'vm1')).toMatchObject({ afterFences: ['node1', 'node3'] });
  });

  it('without quorum (stop): fences nobody, stops what runs, blocks stops on the lost node', () => {
    const config = cluster(nodes, [...fences, rsc('vm1'), rsc('vm2'), rsc('vm3')]);
    const s = applyEvents(started(config), [{ kind: 'quorum', quorate: false }, { kind: 'node-fail', node: 'node3' }], 60);
    const t = schedule(config, s, 60);
    expect(t.fence).toEqual([]);
    expect(t.actions).toContainEqual({ action: 'stop', resource: 'vm1', node: 'node1', reason: 'no quorum' });
    expect(t.actions).toContainEqual({ action: 'stop', resource: 'vm3', node: 'node3', blocked: true, reason: 'no quorum' });
    // requires=nothing is not stopped for quorum (it may still be placed anew: here the count moves it).
    const free = cluster(nodes, [...fences, rsc('vm1', { requires: 'nothing' })]);
    const s2 = applyEvents(started(free), [{ kind: 'quorum', quorate: false }, { kind: 'node-fail', node: 'node3' }], 60);
    expect(schedule(free, s2, 60).actions.filter((a) => a.resource === 'vm1')).toEqual([{ action: 'move', resource: 'vm1', source: 'node1', dest: 'node2' }]);
  });

  it('counts failures against migration-threshold and forgets them after failure-timeout', () => {
    const config = cluster(nodes, [...fences, rsc('vm1', { migrationThreshold: 2, failureTimeoutS: 100 })], { locations: [{ rsc: 'vm1', node: 'node1', score: 50 }] });
    let s = started(config);
    s = applyEvents(s, [{ kind: 'op-inject', rsc: 'vm1', task: 'monitor', intervalMs: 10_000, node: 'node1', rc: 1 }], 10);
    expect(schedule(config, s, 10).actions).toEqual([{ action: 'recover', resource: 'vm1', node: 'node1' }]);
    s = executeTransition(s, schedule(config, s, 10), [], () => [10_000], 10);
    s = applyEvents(s, [{ kind: 'op-inject', rsc: 'vm1', task: 'monitor', intervalMs: 10_000, node: 'node1', rc: 1 }], 20);
    const moved = schedule(config, s, 20);
    expect(moved.actions).toContainEqual({ action: 'recover', resource: 'vm1', source: 'node1', dest: 'node2' });
    s = executeTransition(s, moved, [], () => [10_000], 20);
    expect(schedule(config, s, 120).actions).toEqual([]);
    expect(schedule(config, s, 121).actions).toContainEqual({ action: 'move', resource: 'vm1', source: 'node2', dest: 'node1' });
  });

  it('a failed stop fences its node (with fencing), and blocks it without', () => {
    const config = cluster(nodes, [...fences, rsc('vm1')]);
    let s = started(config);
    s = applyEvents(s, [{ kind: 'op-inject', rsc: 'vm1', task: 'monitor', intervalMs: 10_000, node: 'node1', rc: 1 }], 10);
    s = executeTransition(s, schedule(config, s, 10), [{ rsc: 'vm1', task: 'stop', intervalMs: 0, node: 'node1', rc: 1 }], () => [10_000], 10);
    const t = schedule(config, s, 20);
    expect(t.fence).toEqual([{ node: 'node1', action: 'reboot', reason: 'vm1 failed there' }]);
    expect(t.actions).toContainEqual({ action: 'recover', resource: 'vm1', source: 'node1', dest: 'node2' });
    const noFencing = { ...config, options: { ...OPTIONS, stonithEnabled: false }, resources: [rsc('vm1', { requires: 'quorum' })] };
    let n = started(noFencing);
    n = applyEvents(n, [{ kind: 'op-inject', rsc: 'vm1', task: 'monitor', intervalMs: 10_000, node: 'node1', rc: 1 }], 10);
    n = executeTransition(n, schedule(noFencing, n, 10), [{ rsc: 'vm1', task: 'stop', intervalMs: 0, node: 'node1', rc: 1 }], () => [10_000], 10);
    expect(schedule(noFencing, n, 20)).toMatchObject({ fence: [], actions: [] });
  });

  it('an -INFINITY colocation places the primary first: it can take the dependent node and stop it', () => {
    const two = ['node1', 'node2'];
    const config = cluster(two, [rsc('vm1'), rsc('vm2')], { colocations: [{ rsc: 'vm2', withRsc: 'vm1', score: -INFINITY }], options: { ...OPTIONS, stonithEnabled: false } });
    const s = applyEvents(started(config), [{ kind: 'node-down', node: 'node1' }], 30);
    const t = schedule(config, s, 30);
    expect(t.actions).toEqual([{ action: 'start', resource: 'vm1', node: 'node2' }, { action: 'stop', resource: 'vm2', node: 'node2', reason: 'node availability' }]);
  });
});
