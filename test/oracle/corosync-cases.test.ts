/**
 * The cluster simulator against real corosync 3.1.7: every recorded case in
 * test/fixtures/corosync-cases replayed through `vrrp-lab cluster simulate
 * --case DIR --json`. Per node after every event: the same quorate, expected
 * votes, total votes, quorum, flags and members; each membership change
 * within the recorded spread plus 1 s.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { compareSnapshots, compareTimes, listCorosyncCases, neverRan, simulateCase } from './corosync.test-utils.js';

const cases = listCorosyncCases();
const summary: string[] = [];

describe('cluster simulate against recordings of corosync 3.1.7', () => {
  it('has recorded cases to compare', () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  for (const c of cases) {
    it(`${c.name} (${c.runs.length} run${c.runs.length === 1 ? '' : 's'}): same quorum and members on every node, membership changes in time`, async () => {
      const { events, exitCode, stderr, argv } = await simulateCase(c);
      expect(exitCode, `vrrp-lab ${argv.join(' ')}\n${stderr}`).toBe(0);
      if (neverRan(c)) {
        // Real corosync refused the configuration at start: so must the simulation.
        expect(stderr).toContain('corosync refuses this configuration at start');
        expect(events).toEqual([]);
      }
      const state = compareSnapshots(c, events);
      const times = compareTimes(c, events);
      const bad = [...state.mismatches, ...times.mismatches];
      summary.push(`${bad.length === 0 ? 'PASS' : 'FAIL'} ${c.name}: ${state.checks} node snapshots, ${times.checks} change times${bad.length ? `\n  ${bad.join('\n  ')}` : ''}`);
      if (bad.length > 0) throw new Error(`${c.name} differs from corosync 3.1.7:\n${bad.join('\n')}\nreplay: vrrp-lab ${argv.join(' ')}`);
    });
  }

  afterAll(() => {
    if (process.env.ORACLE_SUMMARY) console.log(summary.sort().join('\n'));
  });
});
