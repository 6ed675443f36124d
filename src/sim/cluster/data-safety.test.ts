import { describe, expect, it } from 'vitest';
import { dataSafety, withDataSafety } from './data-safety.js';
import type { ClusterOutEvent } from './types.js';

const w = (t: number, writer: string, service: string, seq: number): ClusterOutEvent => ({ t, kind: 'disk', writer, resource: 'vmspace', op: 'write', service, seq });

describe('data-safety checker', () => {
  it('a service written by two nodes in one round was active on both: the two writes are the proof', () => {
    const found = dataSafety([w(1, 'a', 'vm:x', 1), w(2, 'b', 'vm:x', 2), w(3, 'a', 'vm:x', 3), w(3, 'b', 'vm:x', 4)]);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ t: 3, what: 'vm:x active on a and b at once: both wrote vmspace' });
    expect(found[0]?.proof).toEqual([w(3, 'a', 'vm:x', 3), w(3, 'b', 'vm:x', 4)]);
  });

  it('a handover (one writer per round) is no corruption', () => {
    expect(dataSafety([w(1, 'a', 'vm:x', 1), w(2, 'b', 'vm:x', 2), w(3, 'b', 'vm:x', 3)])).toEqual([]);
  });

  it('a write after a successful fence of the writer, before its storage came back, is reported; after a mount it is not', () => {
    const fence: ClusterOutEvent = { t: 5, kind: 'fence', target: 'a', by: 'b', device: 'd', method: '1', result: 'success', reason: '' };
    expect(dataSafety([fence, w(6, 'a', 'vm:x', 1)]).map((c) => c.what)).toEqual(['a wrote vmspace after it was reported fenced']);
    const mount: ClusterOutEvent = { t: 6, kind: 'disk', writer: 'a', resource: 'vmspace', op: 'mount' };
    expect(dataSafety([fence, mount, w(7, 'a', 'vm:x', 1)])).toEqual([]);
  });

  it('a write without quorum, and DRBD split brain, are reported; events stay in time order', () => {
    const q: ClusterOutEvent = { t: 1, kind: 'quorum', node: 'a', quorate: false, expected_votes: 3, highest_expected: 3, total_votes: 1, quorum: 2, flags: [] };
    const sb: ClusterOutEvent = { t: 9, kind: 'disk', writer: 'a,b', resource: 'r0', op: 'split-brain', proof: [] };
    const all = withDataSafety([q, w(2, 'a', 'vm:x', 1), sb]);
    expect(all.filter((e) => e.kind === 'corruption').map((e) => (e as { what: string }).what)).toEqual([
      'a wrote vmspace without quorum', 'DRBD r0 diverged: both replicas took writes the other lacks (split brain)']);
    expect(all.map((e) => e.t)).toEqual([...all.map((e) => e.t)].sort((x, y) => x - y));
  });
});
