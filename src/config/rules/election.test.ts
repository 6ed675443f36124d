import { describe, expect, it } from 'vitest';
import { electionFindings } from './election.js';
import { buildElectionTable, type ElectionNode } from './election-table.js';
import { node, script } from './election.test-utils.js';

const findings = (...nodes: ElectionNode[]) => electionFindings(buildElectionTable({ interface: 'eth0', vrid: 51, nodes }));
const codes = (...nodes: ElectionNode[]) => findings(...nodes).map((d) => d.code);

describe('electionFindings', () => {
  it('flags a weight smaller than the priority gap (research P7)', () => {
    const [d] = findings(node('lb1', 103, { trackers: [script('lb1', 'chk', -2)] }), node('lb2', 100));
    expect(d).toMatchObject({ code: 'track-weight-no-effect', severity: 'warning', file: 'lb1.conf', line: 9 });
    expect(d!.message).toContain('lb1 goes from 103 to 101, and lb1 stays master');
    expect(d!.hint).toContain('at least 4');
  });

  it('computes the needed weight for a backup whose bonus cannot lift it', () => {
    const [d] = findings(node('lb1', 150), node('lb2', 100, { trackers: [script('lb2', 'chk', 2)] }));
    expect(d!.code).toBe('track-weight-no-effect');
    expect(d!.hint).toContain('at least 51');
  });

  it('leaves a backup\'s negative weight alone when that backup is never master', () => {
    const ds = findings(node('lb1', 103, { trackers: [script('lb1', 'chk', -2)] }), node('lb2', 100, { trackers: [script('lb2', 'chk', -2)] }));
    expect(ds.map((d) => [d.code, d.file])).toEqual([['track-weight-no-effect', 'lb1.conf']]);
  });

  it('says nothing about a weight that comfortably moves the master', () => {
    expect(codes(node('lb1', 150, { trackers: [script('lb1', 'chk', -60)] }), node('lb2', 100))).toEqual([]);
  });

  it('explains a weight that wins only because the base priorities are equal (seed 004)', () => {
    const ds = findings(
      node('cc1', 100, { trackers: [script('cc1', 'cc-enabled-check', 2)] }),
      node('cc2', 100, { trackers: [script('cc2', 'cc-enabled-check', 2)] }),
    );
    expect(ds.map((d) => d.code)).toEqual(['track-weight-fragile', 'track-weight-fragile']);
    expect(ds[0]!.message).toContain('only because cc1 and cc2 have the same base priority 100');
    expect(ds[0]!.message).toContain('when it succeeds only on cc1, cc1 gets 102 and wins');
    expect(ds[0]!.message).toContain('with a base-priority gap of 2 that would be a tie (the higher IP wins)');
  });

  it('says what a clamped total becomes', () => {
    const ds = findings(node('lb1', 250, { trackers: [script('lb1', 'boost', 10)] }), node('lb2', 100));
    const clamp = ds.find((d) => d.code === 'priority-clamped');
    expect(clamp?.message).toBe('VI_1: priority 250 +10 boost = 260 is outside 1..254; keepalived clamps it to 254');
  });

  it('explains that a weight-0 script faults the instance instead of demoting it', () => {
    const ds = findings(node('lb1', 150, { trackers: [script('lb1', 'chk', 0)] }), node('lb2', 100));
    expect(ds).toHaveLength(1);
    expect(ds[0]!.code).toBe('track-script-weight-zero');
    expect(ds[0]!.message).toContain('goes FAULT');
    expect(ds[0]!.message).toContain('does not lower its priority');
  });

  it('does not judge weights of a node alone (no election to change)', () => {
    expect(codes(node('lb1', 100, { trackers: [script('lb1', 'chk', -1)] }))).toEqual([]);
  });
});
