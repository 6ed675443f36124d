import { describe, expect, it } from 'vitest';
import { instant } from '../core/time.js';
import { drbdPeerFenced, initStorage, setDlmFrozen, setDrbdLink, setFabricFenced, write, type StorageState } from './disk.js';

const t = (s: number) => instant(s * 1_000_000);

describe('shared disk under GFS2', () => {
  it('records writes with node and time, and refuses them while the DLM is frozen', () => {
    let s = initStorage([{ name: 'vmspace', clustered: true }], []);
    const w = write(s, 'node1', 'vmspace', t(1), 'vm:a');
    expect(w.events).toEqual([{ kind: 'write', write: { seq: 1, t: t(1), node: 'node1', resource: 'vmspace', service: 'vm:a' } }]);
    s = setDlmFrozen(w.state, 'node2', true, 'fencing node1').state;
    expect(write(s, 'node2', 'vmspace', t(2)).events[0]).toMatchObject({ kind: 'write-blocked', node: 'node2' });
    const thawed = setDlmFrozen(s, 'node2', false, 'node1 fenced');
    expect(thawed.events).toEqual([{ kind: 'thawed', node: 'node2', reason: 'node1 fenced' }]);
    expect(write(thawed.state, 'node2', 'vmspace', t(3)).events[0]?.kind).toBe('write');
  });

  it('a fabric-fenced node keeps running but cannot write', () => {
    const s = setFabricFenced(initStorage([{ name: 'lun', clustered: false }], []), 'node3', true);
    expect(write(s, 'node3', 'lun', t(1)).events[0]).toMatchObject({ kind: 'write-blocked', reason: 'node fenced off the storage fabric' });
  });
});

describe('DRBD', () => {
  const drbd = (fencing: 'dont-care' | 'resource-and-stonith'): StorageState =>
    setDrbdLink(initStorage([], [{ name: 'r0', nodes: ['n1', 'n2'], dualPrimary: true, fencing }]), 'r0', true, ['n1', 'n2']).state;

  it('dual-primary without resource fencing diverges while the link is down: split brain on reconnect', () => {
    let s = setDrbdLink(drbd('dont-care'), 'r0', false, ['n1', 'n2']).state;
    s = write(s, 'n1', 'r0', t(1), 'vm:a').state;
    s = write(s, 'n2', 'r0', t(2), 'vm:b').state;
    const back = setDrbdLink(s, 'r0', true, ['n1', 'n2']);
    expect(back.events[0]).toMatchObject({ kind: 'split-brain', resource: 'r0' });
    const proof = (back.events[0] as { proof: readonly { node: string }[] }).proof;
    expect(proof.map((w) => w.node)).toEqual(['n1', 'n2']);
  });

  it('resource-and-stonith suspends I/O and asks to fence the peer; I/O resumes once it is fenced', () => {
    const down = setDrbdLink(drbd('resource-and-stonith'), 'r0', false, ['n1', 'n2']);
    expect(down.events).toContainEqual({ kind: 'fence-peer', resource: 'r0', node: 'n1', peer: 'n2' });
    expect(write(down.state, 'n1', 'r0', t(1)).events[0]?.kind).toBe('write-blocked');
    const resumed = drbdPeerFenced(down.state, 'n2');
    expect(write(resumed, 'n1', 'r0', t(2)).events[0]?.kind).toBe('write');
  });

  it('only one side wrote: reconnects cleanly', () => {
    let s = setDrbdLink(drbd('dont-care'), 'r0', false, ['n1', 'n2']).state;
    s = write(s, 'n1', 'r0', t(1)).state;
    expect(setDrbdLink(s, 'r0', true, ['n1', 'n2']).events).toEqual([{ kind: 'drbd-connected', resource: 'r0' }]);
  });
});
