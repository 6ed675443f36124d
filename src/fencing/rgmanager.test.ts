import { describe, expect, it } from 'vitest';
import { instant, US_PER_SECOND } from '../core/time.js';
import { placements, rgmanager, type RgConfig, type RgInput, type RgOutput, type RgService, type RgState } from './rgmanager.js';

const S = US_PER_SECOND;
const t = (s: number) => instant(s * S);
const nodes = [1, 2, 3].map((i) => ({ name: `node${i}`, nodeid: i }));
const all = nodes.map((n) => n.name);

function vm(name: string, over: Partial<RgService> = {}): RgService {
  return { name: `vm:${name}`, autostart: true, exclusive: false, recovery: 'restart', maxRestarts: 0, restartExpireUs: 0, isVm: true, ...over };
}

function config(self: string, services: RgService[], over: Partial<RgConfig> = {}): RgConfig {
  return {
    self, nodes,
    domains: [
      { name: 'prefer1', ordered: true, restricted: false, nofailback: false, members: [{ node: 'node1', priority: 1 }, { node: 'node2', priority: 2 }, { node: 'node3', priority: 3 }] },
      { name: 'prefer3', ordered: true, restricted: false, nofailback: false, members: [{ node: 'node3', priority: 1 }, { node: 'node1', priority: 2 }, { node: 'node2', priority: 3 }] },
      { name: 'only12', ordered: false, restricted: true, nofailback: false, members: [{ node: 'node1', priority: 0 }, { node: 'node2', priority: 0 }] },
      { name: 'sticky', ordered: true, restricted: false, nofailback: true, members: [{ node: 'node1', priority: 1 }, { node: 'node2', priority: 2 }] },
    ],
    services, ...over,
  };
}

class Node {
  state: RgState;
  out: RgOutput[] = [];
  constructor(c: RgConfig) { this.state = rgmanager.init(c, t(0)).state; }
  feed(input: RgInput, at: number): RgOutput[] {
    const s = rgmanager.step(this.state, input, t(at));
    this.state = s.state;
    this.out.push(...s.outputs);
    return [...s.outputs];
  }
}

describe('placement by failover domain', () => {
  it('autostart places each VM on its domain\'s best member; autostart=0 is disabled', () => {
    const n = new Node(config('node1', [vm('a', { domain: 'prefer1' }), vm('b', { domain: 'prefer3' }), vm('c', { autostart: false })]));
    n.feed({ kind: 'membership', members: all, quorate: true }, 1);
    expect(placements(n.state)).toEqual({ 'vm:a': 'node1', 'vm:b': 'node3', 'vm:c': undefined });
    expect(n.state.table['vm:c']?.state).toBe('disabled');
    expect(n.out.filter((o) => o.kind === 'start')).toEqual([{ kind: 'start', service: 'vm:a', node: 'node1' }]);
  });

  it('a lost owner\'s VM waits for the fence, then starts on the next domain member', () => {
    const n = new Node(config('node2', [vm('a', { domain: 'prefer1' })]));
    n.feed({ kind: 'membership', members: all, quorate: true }, 1);
    n.feed({ kind: 'membership', members: ['node2', 'node3'], quorate: true }, 20);
    expect(placements(n.state)['vm:a']).toBe('node1');
    expect(n.state.awaitingFence).toEqual(['node1']);
    const out = n.feed({ kind: 'fenced', target: 'node1' }, 30);
    expect(out).toContainEqual({ kind: 'start', service: 'vm:a', node: 'node2' });
    expect(out).toContainEqual({ kind: 'service', service: 'vm:a', node: 'node1', state: 'stopped', reason: 'owner node1 fenced' });
  });

  it('fails back when the preferred node returns, unless nofailback', () => {
    const n = new Node(config('node2', [vm('a', { domain: 'prefer1' }), vm('s', { domain: 'sticky' })]));
    n.feed({ kind: 'membership', members: ['node2', 'node3'], quorate: true }, 1);
    expect(placements(n.state)).toEqual({ 'vm:a': 'node2', 'vm:s': 'node2' });
    const out = n.feed({ kind: 'membership', members: all, quorate: true }, 50);
    expect(placements(n.state)).toEqual({ 'vm:a': 'node1', 'vm:s': 'node2' });
    expect(out).toContainEqual({ kind: 'stop', service: 'vm:a', node: 'node2' });
    expect(out.find((o) => o.kind === 'service' && o.state === 'migrating')).toBeDefined();
  });

  it('a restricted domain with no member online leaves the service stopped', () => {
    const n = new Node(config('node3', [vm('r', { domain: 'only12' })]));
    n.feed({ kind: 'membership', members: all, quorate: true }, 1);
    expect(placements(n.state)['vm:r']).toBe('node1');
    n.feed({ kind: 'membership', members: ['node2', 'node3'], quorate: true }, 10);
    n.feed({ kind: 'fenced', target: 'node1' }, 15);
    expect(placements(n.state)['vm:r']).toBe('node2');
    n.feed({ kind: 'membership', members: ['node3'], quorate: true }, 20);
    n.feed({ kind: 'fenced', target: 'node2' }, 25);
    expect(n.state.table['vm:r']).toMatchObject({ state: 'stopped', lastOwner: 'node2' });
    expect(placements(n.state)['vm:r']).toBeUndefined();
  });

  it('exclusive: starts only on an empty node and never evicts', () => {
    const n = new Node(config('node1', [vm('a', { domain: 'prefer1' }), vm('b', { domain: 'prefer3' }), vm('x', { exclusive: true })]));
    n.feed({ kind: 'membership', members: all, quorate: true }, 1);
    expect(placements(n.state)['vm:x']).toBe('node2');
    n.feed({ kind: 'membership', members: ['node1', 'node3'], quorate: true }, 10);
    n.feed({ kind: 'fenced', target: 'node2' }, 15);
    expect(placements(n.state)).toEqual({ 'vm:a': 'node1', 'vm:b': 'node3', 'vm:x': undefined });
  });
});

describe('recovery', () => {
  it('max_restarts restarts in place within the window, then relocates (ordered domain: every non-top member ties, the higher id wins)', () => {
    const n = new Node(config('node1', [vm('a', { domain: 'prefer1', maxRestarts: 2, restartExpireUs: 600 * S })]));
    n.feed({ kind: 'membership', members: all, quorate: true }, 1);
    n.feed({ kind: 'svcfail', service: 'vm:a' }, 100);
    n.feed({ kind: 'svcfail', service: 'vm:a' }, 200);
    expect(placements(n.state)['vm:a']).toBe('node1');
    n.feed({ kind: 'svcfail', service: 'vm:a' }, 300);
    // node1 (priority 1) is still online, so node2 and node3 both score BETTER: best_target_node takes the later one.
    expect(placements(n.state)['vm:a']).toBe('node3');
  });

  it('restarts older than restart_expire_time are forgotten', () => {
    const n = new Node(config('node1', [vm('a', { domain: 'prefer1', maxRestarts: 2, restartExpireUs: 60 * S })]));
    n.feed({ kind: 'membership', members: all, quorate: true }, 1);
    for (const at of [100, 200, 300, 400]) n.feed({ kind: 'svcfail', service: 'vm:a' }, at);
    expect(placements(n.state)['vm:a']).toBe('node1');
  });

  it('recovery=relocate moves at once (ties to the higher node id); recovery=disable disables', () => {
    const n = new Node(config('node1', [vm('a', { recovery: 'relocate' }), vm('d', { recovery: 'disable' })]));
    n.feed({ kind: 'membership', members: all, quorate: true }, 1);
    expect(placements(n.state)).toEqual({ 'vm:a': 'node1', 'vm:d': 'node1' });
    n.feed({ kind: 'svcfail', service: 'vm:a' }, 10);
    n.feed({ kind: 'svcfail', service: 'vm:d' }, 10);
    expect(placements(n.state)['vm:a']).toBe('node3');
    expect(n.state.table['vm:d']?.state).toBe('disabled');
  });

  it('quorum lost: the node stops what it runs', () => {
    const n = new Node(config('node1', [vm('a', { domain: 'prefer1' })]));
    n.feed({ kind: 'membership', members: all, quorate: true }, 1);
    const out = n.feed({ kind: 'membership', members: ['node1'], quorate: false }, 30);
    expect(out).toContainEqual({ kind: 'stop', service: 'vm:a', node: 'node1' });
  });
});

describe('clusvcadm', () => {
  it('-r -m NODE relocates there; -d disables; -e enables where the domain says', () => {
    const n = new Node(config('node1', [vm('a', { domain: 'prefer1' })]));
    n.feed({ kind: 'membership', members: all, quorate: true }, 1);
    n.feed({ kind: 'admin', op: 'relocate', service: 'vm:a', node: 'node3' }, 10);
    expect(placements(n.state)['vm:a']).toBe('node3');
    n.feed({ kind: 'admin', op: 'disable', service: 'vm:a' }, 20);
    expect(n.state.table['vm:a']?.state).toBe('disabled');
    n.feed({ kind: 'admin', op: 'enable', service: 'vm:a' }, 30);
    expect(placements(n.state)['vm:a']).toBe('node1');
  });
});
