import { describe, expect, it } from 'vitest';
import { instant, US_PER_SECOND } from '../core/time.js';
import { fencer, executorOf, pendingVictims, type FencerConfig, type FencerInput, type FencerOutput, type FencerState } from './fencer.js';

const S = US_PER_SECOND;
const t = (s: number) => instant(s * S);

function config(self: string, over: Partial<FencerConfig> = {}): FencerConfig {
  const ipmi = (n: string) => ({ name: '1', devices: [{ device: `ipmi_${n}`, agentDelayUs: 0 }] });
  const pdu = (n: string) => ({ name: '2', devices: [{ device: 'pdu', port: n, agentDelayUs: 0 }] });
  return {
    flavour: 'fenced', self,
    nodes: [1, 2, 3].map((i) => ({ name: `node${i}`, nodeid: i, levels: [ipmi(`node${i}`), pdu(`node${i}`)] })),
    devices: [
      ...[1, 2, 3].map((i) => ({ name: `ipmi_node${i}`, kind: 'power-bmc' as const, delayBaseUs: 0, delayMaxUs: 0 })),
      { name: 'pdu', kind: 'power-pdu', delayBaseUs: 0, delayMaxUs: 0 },
    ],
    postFailDelayUs: 0, postJoinDelayUs: 6 * S, cleanStart: false, retryUs: 3 * S,
    maxAttempts: 10, recheckUs: 900 * S, priorityFencingDelayUs: 0, dcDeadtimeUs: 20 * S,
    fencingEnabled: true, fenceWithoutQuorum: false, hasResources: true, seed: 1,
    ...over,
  };
}

class Driver {
  state: FencerState;
  out: FencerOutput[] = [];
  constructor(c: FencerConfig) {
    const s = fencer.init(c, t(0));
    this.state = s.state;
    this.out.push(...s.outputs);
  }
  feed(input: FencerInput | { kind: 'timeout' }, at: number): FencerOutput[] {
    const s = fencer.step(this.state, input, t(at));
    this.state = s.state;
    this.out.push(...s.outputs);
    return [...s.outputs];
  }
}

const all = ['node1', 'node2', 'node3'];

describe('fenced flavour', () => {
  it('the lowest node id of the quorate partition fences a lost member, first method first', () => {
    const d = new Driver(config('node2'));
    d.feed({ kind: 'membership', members: all, quorate: true }, 1);
    const out = d.feed({ kind: 'membership', members: ['node2', 'node3'], quorate: true }, 20);
    expect(executorOf(d.state)).toBe('node2');
    expect(out.find((o) => o.kind === 'run-agent')).toMatchObject({ target: 'node1', device: 'ipmi_node1' });
    // node3 knows the victim but does not fence.
    const n3 = new Driver(config('node3'));
    n3.feed({ kind: 'membership', members: all, quorate: true }, 1);
    const out3 = n3.feed({ kind: 'membership', members: ['node2', 'node3'], quorate: true }, 20);
    expect(out3.some((o) => o.kind === 'run-agent')).toBe(false);
    expect(pendingVictims(n3.state)).toEqual(['node1']);
    n3.feed({ kind: 'peer-fenced', target: 'node1' }, 25);
    expect(pendingVictims(n3.state)).toEqual([]);
  });

  it('a failed method falls through to the next; all failing retries after override_time, forever', () => {
    const d = new Driver(config('node1'));
    d.feed({ kind: 'membership', members: all, quorate: true }, 1);
    const a = d.feed({ kind: 'membership', members: ['node1', 'node2'], quorate: true }, 10);
    const op1 = a.find((o) => o.kind === 'run-agent');
    expect(op1).toMatchObject({ device: 'ipmi_node3' });
    const b = d.feed({ kind: 'agent-result', opId: (op1 as { opId: number }).opId, ok: false, reason: 'unreachable' }, 15);
    const op2 = b.find((o) => o.kind === 'run-agent');
    expect(op2).toMatchObject({ device: 'pdu', port: 'node3' });
    const c = d.feed({ kind: 'agent-result', opId: (op2 as { opId: number }).opId, ok: false }, 20);
    expect(c.some((o) => o.kind === 'run-agent')).toBe(false);
    expect(fencer.nextDeadline(d.state)).toBe(t(23));
    const again = d.feed({ kind: 'timeout' }, 23);
    expect(again.find((o) => o.kind === 'run-agent')).toMatchObject({ device: 'ipmi_node3' });
  });

  it('waits post_fail_delay and drops a victim that rejoins during the wait', () => {
    const d = new Driver(config('node1', { postFailDelayUs: 5 * S }));
    d.feed({ kind: 'membership', members: all, quorate: true }, 1);
    expect(d.feed({ kind: 'membership', members: ['node1', 'node2'], quorate: true }, 10).some((o) => o.kind === 'run-agent')).toBe(false);
    expect(fencer.nextDeadline(d.state)).toBe(t(15));
    d.feed({ kind: 'membership', members: all, quorate: true }, 12);
    expect(pendingVictims(d.state)).toEqual([]);
  });

  it('no quorum, no fencing; quorum back, the victim is fenced', () => {
    const d = new Driver(config('node1'));
    d.feed({ kind: 'membership', members: all, quorate: true }, 1);
    expect(d.feed({ kind: 'membership', members: ['node1'], quorate: false }, 10).some((o) => o.kind === 'run-agent')).toBe(false);
    const back = d.feed({ kind: 'membership', members: ['node1', 'node3'], quorate: true }, 30);
    expect(back.find((o) => o.kind === 'run-agent')).toMatchObject({ target: 'node2' });
  });

  it('start-up fencing: a node alone and quorate (two_node) fences its absent peer after post_join_delay', () => {
    const c = config('node1', { nodes: config('node1').nodes.slice(0, 2) });
    const d = new Driver(c);
    d.feed({ kind: 'membership', members: ['node1'], quorate: true }, 2);
    expect(pendingVictims(d.state)).toEqual(['node2']);
    expect(fencer.nextDeadline(d.state)).toBe(t(8));
    expect(d.feed({ kind: 'timeout' }, 8).find((o) => o.kind === 'run-agent')).toMatchObject({ target: 'node2' });
    const clean = new Driver({ ...c, cleanStart: true });
    clean.feed({ kind: 'membership', members: ['node1'], quorate: true }, 2);
    expect(pendingVictims(clean.state)).toEqual([]);
  });

  it('a node without a fence method is never fenced: the pass fails and is retried', () => {
    const c = config('node1');
    const nodes = c.nodes.map((n) => (n.name === 'node3' ? { ...n, levels: [] } : n));
    const d = new Driver({ ...c, nodes });
    d.feed({ kind: 'membership', members: all, quorate: true }, 1);
    const out = d.feed({ kind: 'membership', members: ['node1', 'node2'], quorate: true }, 10);
    expect(out.find((o) => o.kind === 'fence' && o.result === 'failed')).toMatchObject({ target: 'node3' });
    expect(pendingVictims(d.state)).toEqual(['node3']);
  });

  it('cman device delay travels with the agent run (the executor may die meanwhile)', () => {
    const c = config('node2', { nodes: [
      { name: 'node1', nodeid: 1, levels: [{ name: '1', devices: [{ device: 'ipmi_node1', agentDelayUs: 15 * S }] }] },
      { name: 'node2', nodeid: 2, levels: [{ name: '1', devices: [{ device: 'ipmi_node2', agentDelayUs: 0 }] }] },
    ] });
    const d = new Driver(c);
    d.feed({ kind: 'membership', members: ['node1', 'node2'], quorate: true }, 1);
    const out = d.feed({ kind: 'membership', members: ['node2'], quorate: true }, 10);
    expect(out.find((o) => o.kind === 'run-agent')).toMatchObject({ target: 'node1', delayUs: 15 * S });
  });
});

describe('pacemaker flavour', () => {
  const pc = (self: string, over: Partial<FencerConfig> = {}) => config(self, { flavour: 'pacemaker', ...over });

  it('serialises: two lost nodes are fenced one after the other', () => {
    const d = new Driver(pc('node1'));
    d.feed({ kind: 'membership', members: all, quorate: true }, 1);
    const out = d.feed({ kind: 'membership', members: ['node1'], quorate: true }, 10);
    const runs = out.filter((o) => o.kind === 'run-agent');
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ target: 'node2' });
    const next = d.feed({ kind: 'agent-result', opId: (runs[0] as { opId: number }).opId, ok: true }, 14);
    expect(next.find((o) => o.kind === 'fence' && o.result === 'success')).toMatchObject({ target: 'node2', by: 'node1' });
    expect(next.find((o) => o.kind === 'run-agent')).toMatchObject({ target: 'node3' });
  });

  it('pcmk_delay_base delays the fence of the protected node; no resources means no fencing', () => {
    const c = pc('node2', { devices: config('x').devices.map((d) => (d.name === 'ipmi_node1' ? { ...d, delayBaseUs: 10 * S } : d)) });
    const d = new Driver(c);
    d.feed({ kind: 'membership', members: all, quorate: true }, 1);
    const out = d.feed({ kind: 'membership', members: ['node2', 'node3'], quorate: true }, 10);
    expect(out.find((o) => o.kind === 'run-agent')).toMatchObject({ target: 'node1', delayUs: 10 * S });
    const idle = new Driver(pc('node1', { hasResources: false }));
    idle.feed({ kind: 'membership', members: all, quorate: true }, 1);
    expect(idle.feed({ kind: 'membership', members: ['node1', 'node2'], quorate: true }, 10).some((o) => o.kind === 'run-agent')).toBe(false);
  });

  it('pcmk_delay_max draws a whole-second delay within [base, max], the same for the same seed', () => {
    const c = pc('node2', { devices: config('x').devices.map((d) => ({ ...d, delayBaseUs: 2 * S, delayMaxUs: 9 * S })) });
    const delays = [1, 2].map(() => {
      const d = new Driver(c);
      d.feed({ kind: 'membership', members: all, quorate: true }, 1);
      const run = d.feed({ kind: 'membership', members: ['node2', 'node3'], quorate: true }, 10).find((o) => o.kind === 'run-agent');
      return (run as { delayUs: number }).delayUs;
    });
    expect(delays[0]).toBe(delays[1]);
    expect(delays[0]).toBeGreaterThanOrEqual(2 * S);
    expect(delays[0]).toBeLessThanOrEqual(9 * S);
    expect((delays[0] as number) % S).toBe(0);
  });

  it('priority-fencing-delay delays only the fence of the node holding the higher priority, in an even split', () => {
    const two = config('x').nodes.slice(0, 2);
    const run = (self: string) => {
      const d = new Driver(pc(self, { nodes: two, priorityFencingDelayUs: 15 * S }));
      d.feed({ kind: 'membership', members: ['node1', 'node2'], quorate: true, priorities: { node1: 10, node2: 0 } }, 1);
      return d.feed({ kind: 'membership', members: [self], quorate: true }, 10).find((o) => o.kind === 'run-agent') as { delayUs: number; target: string };
    };
    expect(run('node2')).toMatchObject({ target: 'node1', delayUs: 15 * S });
    expect(run('node1')).toMatchObject({ target: 'node2', delayUs: 0 });
  });

  it('after fencing-max-attempts failed passes, waits cluster-recheck-interval', () => {
    const c = pc('node1', { maxAttempts: 2, nodes: config('x').nodes.map((n) => ({ ...n, levels: n.levels.slice(0, 1) })) });
    const d = new Driver(c);
    d.feed({ kind: 'membership', members: all, quorate: true }, 1);
    let out = d.feed({ kind: 'membership', members: ['node1', 'node2'], quorate: true }, 10);
    let op = out.find((o) => o.kind === 'run-agent') as { opId: number };
    d.feed({ kind: 'agent-result', opId: op.opId, ok: false }, 11);
    expect(fencer.nextDeadline(d.state)).toBe(t(14));
    out = d.feed({ kind: 'timeout' }, 14);
    op = out.find((o) => o.kind === 'run-agent') as { opId: number };
    d.feed({ kind: 'agent-result', opId: op.opId, ok: false }, 15);
    expect(fencer.nextDeadline(d.state)).toBe(t(915));
  });
});

describe('unfencing', () => {
  it('a node whose methods use a fabric device asks to be unfenced when it starts', () => {
    const c = config('node1', {
      nodes: [{ name: 'node1', nodeid: 1, levels: [{ name: 'san', devices: [{ device: 'sanbox', port: '3', agentDelayUs: 0 }] }] }],
      devices: [{ name: 'sanbox', kind: 'fabric-san', delayBaseUs: 0, delayMaxUs: 0 }],
    });
    const d = new Driver(c);
    expect(d.out).toEqual([{ kind: 'unfence', node: 'node1', device: 'sanbox' }]);
  });
});
