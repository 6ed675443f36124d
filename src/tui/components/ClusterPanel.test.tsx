import { describe, expect, it } from 'vitest';
import { render } from 'ink-testing-library';
import type { LabView } from '../../lesson/contract.js';
import type { Instant } from '../../core/time.js';
import { ClusterPanel, sees } from './ClusterPanel.js';

const view = (over: Partial<LabView>): LabView => ({ now: 0 as Instant, seed: 1, backend: 'sim', kind: 'cluster', nodes: [], vips: [], strip: [], log: [], findings: [], ...over });

describe('the cluster panel', () => {
  it('says whom each node sees in short: all, itself, nobody or the names', () => {
    const all = ['n1', 'n2', 'n3'];
    expect(sees(['n3', 'n1', 'n2'], all, 'n1')).toBe('all');
    expect(sees(['n1'], all, 'n1')).toBe('itself');
    expect(sees([], all, 'n1')).toBe('nobody');
    expect(sees(['n1', 'n2'], all, 'n1')).toBe('n1,n2');
  });

  it('shows quorum, a partition, fencing and where services run, in words', () => {
    const { lastFrame } = render(<ClusterPanel width={60} height={12} view={view({
      cluster: {
        nodes: [
          { name: 'n1', status: 'running', members: ['n1'], votes: 1, quorate: false, quorum: 'expected 3, total 1, quorum 2' },
          { name: 'n2', status: 'running', members: ['n2', 'n3'], votes: 1, quorate: true },
          { name: 'n3', status: 'down', members: [] },
        ],
        fencing: ['n3 fenced by n2 (fence_ipmilan): ok'],
        services: [{ name: 'vm:web', node: 'n2', state: 'started' }],
        data: [],
      },
    })} />);
    const f = lastFrame() ?? '';
    expect(f).toContain('n1 running NOT quorate sees itself');
    expect(f).toContain('n2 running quorate sees n2,n3');
    expect(f).toMatch(/n3 down\s/);
    expect(f).toContain('quorum: expected 3, total 1, quorum 2');
    expect(f).toContain('fence: n3 fenced by n2 (fence_ipmilan): ok');
    expect(f).toContain('vm:web: started on n2');
  });
});
