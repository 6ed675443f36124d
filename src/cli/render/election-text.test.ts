import { describe, expect, it } from 'vitest';
import { buildElectionTable } from '../../config/rules/election-table.js';
import { node, script } from '../../config/rules/election.test-utils.js';
import { plainStyle } from '../style.js';
import { formatElectionTable } from './election-text.js';

describe('formatElectionTable', () => {
  it('prints a compact grid: trackers by letter, priorities per node, the master', () => {
    const table = buildElectionTable({
      interface: 'eth0',
      vrid: 45,
      nodes: [
        node('cc1', 100, { trackers: [script('cc1', 'cc-enabled-check', 2)] }),
        node('cc2', 100, { trackers: [script('cc2', 'cc-enabled-check', 2)], address: '192.0.2.12' }),
      ],
    });
    expect(formatElectionTable(table, plainStyle)).toBe(
      [
        'VRID 45 on eth0 (VI_1): cc1 base 100, cc2 base 100 [192.0.2.12]',
        '  a = cc1 track_script cc-enabled-check weight +2',
        '  b = cc2 track_script cc-enabled-check weight +2',
        '  down  cc1  cc2  master',
        '  -     102  102  tie at 102 (cc1, cc2): the higher primary IP wins',
        '  a     100  102  cc2',
        '  b     102  100  cc1',
        '  a b   100  100  tie at 100 (cc1, cc2): the higher primary IP wins',
      ].join('\n'),
    );
  });

  it('notes its preemption assumption when a node has nopreempt (trial P8)', () => {
    const table = buildElectionTable({ interface: 'eth0', vrid: 10, nodes: [node('r1', 150, { nopreempt: true }), node('r2', 120, { nopreempt: true }), node('r3', 100)] });
    expect(formatElectionTable(table, plainStyle).split('\n')[1]).toBe('  assumes preemption; nopreempt on r1, r2: the current master keeps the role');
    const preempting = buildElectionTable({ interface: 'eth0', vrid: 10, nodes: [node('r1', 150), node('r2', 120)] });
    expect(formatElectionTable(preempting, plainStyle)).not.toContain('assumes preemption');
  });

  it('marks clamped priorities and FAULT', () => {
    const table = buildElectionTable({
      interface: 'eth0',
      vrid: 1,
      nodes: [node('a', 250, { trackers: [script('a', 'up', 10)] }), node('b', 100, { trackers: [script('b', 'f', 0)] })],
    });
    const text = formatElectionTable(table, plainStyle);
    expect(text).toContain('  -     254*    100  a');
    expect(text).toContain('  b     254*  FAULT  a');
    expect(text).toContain('* clamped to 1..254');
  });
});
