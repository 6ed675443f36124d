import { describe, expect, it } from 'vitest';
import type { Instant } from '../core/time.js';
import { quorumInfo, votequorum, votequorumConfigError, type VotequorumConfig, type VotequorumMessage, type VotequorumState } from './quorum.js';

const base = (nodeId: number, over: Partial<VotequorumConfig> = {}): VotequorumConfig => ({
  flavour: 'votequorum', nodeId, nodelist: [1, 2, 3].map((id) => ({ nodeId: id, votes: 1 })), twoNode: false,
  lastManStanding: false, lastManStandingWindowMs: 10_000, autoTieBreaker: 'none', allowDownscale: false, expectedVotesTracking: false, ...over,
});
const t = (s: number) => (s * 1e6) as Instant;

/** One synchronisation across `states` (all members of the new ring), as corosync runs it. */
function sync(states: VotequorumState[], now: Instant): VotequorumState[] {
  const members = states.map((s) => s.us);
  const round: Array<{ from: number; message: VotequorumMessage }> = [];
  let next = states.map((s) => {
    const st = votequorum.step(s, { kind: 'sync-init', members }, now);
    for (const o of st.outputs) if (o.kind === 'broadcast') round.push({ from: s.us, message: o.message });
    return st.state;
  });
  next = next.map((s) => votequorum.step(s, { kind: 'deliver-all', messages: round }, now).state);
  return next.map((s) => votequorum.step(s, { kind: 'sync-activate' }, now).state);
}

describe('votequorum', () => {
  it('Q = E/2 + 1, never lowered by a node loss', () => {
    let [a, b, c] = [1, 2, 3].map((id) => votequorum.init(base(id), t(0)).state) as [VotequorumState, VotequorumState, VotequorumState];
    [a, b, c] = sync([a, b, c], t(1)) as [VotequorumState, VotequorumState, VotequorumState];
    expect(quorumInfo(a)).toEqual({ quorate: true, expectedVotes: 3, highestExpected: 3, totalVotes: 3, quorum: 2, flags: ['Quorate'] });
    [a] = sync([a], t(2)) as [VotequorumState];
    expect(quorumInfo(a)).toMatchObject({ quorate: false, totalVotes: 1, quorum: 2, flags: [] });
    void b; void c;
  });

  it('refuses -e below the total votes and accepts it at the total', () => {
    let [a, b] = [1, 2].map((id) => votequorum.init(base(id), t(0)).state) as [VotequorumState, VotequorumState];
    [a, b] = sync([a, b], t(1)) as [VotequorumState, VotequorumState];
    const refused = votequorum.step(a, { kind: 'set-expected', expectedVotes: 1 }, t(2));
    expect(refused.outputs[0]).toMatchObject({ kind: 'refused', error: 'CS_ERR_INVALID_PARAM' });
    const ok = votequorum.step(a, { kind: 'set-expected', expectedVotes: 2 }, t(2));
    const msg = ok.outputs.find((o) => o.kind === 'broadcast')!;
    expect(msg).toMatchObject({ message: { kind: 'reconfigure-expected', value: 2 } });
  });

  it("cman's two_node: quorum 1, no wait_for_all, a lone node quorate at once", () => {
    const cman = (id: number) => base(id, { flavour: 'cman', nodelist: [1, 2].map((n) => ({ nodeId: n, votes: 1 })), twoNode: true, expectedVotes: 1 });
    const [a] = sync([votequorum.init(cman(1), t(0)).state], t(1));
    expect(quorumInfo(a!)).toMatchObject({ quorate: true, quorum: 1, totalVotes: 1, flags: ['2Node', 'Quorate'] });
    expect(votequorumConfigError({ ...cman(1), nodelist: [1, 2, 3].map((n) => ({ nodeId: n, votes: 1 })) })).toBe('two_node set but there are more than 2 nodes');
  });

  it('two_node in votequorum implies wait_for_all: a lone booting node waits', () => {
    const two = (id: number) => base(id, { nodelist: [1, 2].map((n) => ({ nodeId: n, votes: 1 })), twoNode: true });
    const [a] = sync([votequorum.init(two(1), t(0)).state], t(1));
    expect(quorumInfo(a!)).toMatchObject({ quorate: false, quorum: 1, flags: ['2Node', 'WaitForAll'] });
  });

  it('a quorum device adds its votes to expected votes and counts while its vote is cast', () => {
    const dev = (id: number) => base(id, { device: { timeoutMs: 10_000, syncTimeoutMs: 30_000 } });
    let [a] = sync([votequorum.init(dev(1), t(0)).state], t(1)) as [VotequorumState];
    expect(quorumInfo(a)).toMatchObject({ expectedVotes: 5, totalVotes: 1, quorum: 3 });
    a = votequorum.step(a, { kind: 'qdevice-register' }, t(2)).state;
    a = votequorum.step(a, { kind: 'qdevice-poll', castVote: true }, t(2)).state;
    [a] = sync([a], t(2)) as [VotequorumState];
    expect(quorumInfo(a)).toMatchObject({ totalVotes: 3, quorum: 3, quorate: true, flags: ['Quorate', 'Qdevice'] });
    // No poll for the device timeout: the vote lapses.
    a = votequorum.step(a, { kind: 'timeout' }, t(12.5)).state;
    expect(quorumInfo(a)).toMatchObject({ totalVotes: 1 });
  });
});
