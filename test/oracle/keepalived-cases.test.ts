/**
 * The simulator against real keepalived 2.2.7: every recorded case in
 * test/fixtures/keepalived-cases replayed through `vrrp-lab simulate` with the
 * recorder's addresses. Per node and instance the sequence of states must match
 * and each transition must fall within 0.3 s of keepalived's (1.1 s where a
 * check script's interval decides).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { compare, listCases, loadCase, replay, simulatedRows } from './oracle.test-utils.js';

const cases = listCases();
const summary: string[] = [];

/**
 * Differences that were investigated: recording timing, and races that real
 * keepalived runs either way while the simulator, deterministic, takes one
 * side. Each says why. Listed cases run as expected failures, so a new
 * recording that agrees shows up.
 */
const KNOWN: Readonly<Record<string, string>> = {
  '07-three-nodes recorded.txt':
    "recording timing, not the engine: lb2 (master since 9.012 s) sends its adverts at x.012 s; the recorder's " +
    "'12 pause lb2' lands 10-20 ms after 12 s, after the 12.012 s advert, so lb3 takes over at 12.018 + 3.609 s. " +
    'The replay pauses lb2 at 12.000 s, before that advert, and lb3 takes over one second earlier. With the pause at 12.02 s ' +
    'the replay gives lb3 MASTER at 15.622 s (keepalived: 15.627 s).',
  '39-preempt-delay-script-recovers recorded-2.txt':
    'race, other side: keepalived accepted the advert that landed as the 3 s preempt_delay ended (no GARP burst between); the simulator discards it with a delay of three intervals or more and takes over one interval earlier. The other run discarded it.',
  '40-preempt-delay-1 recorded.txt':
    'race, other side: keepalived discarded the advert that landed as the 1 s preempt_delay ended; the simulator accepts it and takes over one interval later. Runs 2 and 4 accepted it.',
  '40-preempt-delay-1 recorded-3.txt':
    "replay start: lb2's adverts run 38 ms earlier in the replay than in keepalived (its MASTER notify came that late), so its 10.193 s advert precedes lb1's replayed start at 10.201 s (lb1's BACKUP notify); keepalived's lb1 took lb2's ≈10.23 s advert as the first lower one, the replay the next, one second later.",
  '40-preempt-delay-1 recorded-4.txt':
    "replay start: keepalived's lb1 was listening before its BACKUP notify (10.236 s) and took lb2's ≈10.21 s advert as the first lower one; the replay starts lb1 at the notify, after it, so its delay starts one second later.",
  '43-preempt-delay-late-start recorded.txt':
    "lb2's delayed GARP burst (garp_master_delay, 5 s after it became master) came due with the advert that ended lb1's 2 s preempt_delay; keepalived sends the burst first, so that advert came late and was discarded, and lb1 took over one interval earlier than the simulator, which sends both at once and takes the advert (see preemptTimeUs in src/core/rfc3768.ts). Same in all four runs.",
  '43-preempt-delay-late-start recorded-2.txt':
    "lb2's delayed GARP burst (garp_master_delay, 5 s after it became master) came due with the advert that ended lb1's 2 s preempt_delay; keepalived sends the burst first, so that advert came late and was discarded, and lb1 took over one interval earlier than the simulator, which sends both at once and takes the advert (see preemptTimeUs in src/core/rfc3768.ts). Same in all four runs.",
  '43-preempt-delay-late-start recorded-3.txt':
    "lb2's delayed GARP burst (garp_master_delay, 5 s after it became master) came due with the advert that ended lb1's 2 s preempt_delay; keepalived sends the burst first, so that advert came late and was discarded, and lb1 took over one interval earlier than the simulator, which sends both at once and takes the advert (see preemptTimeUs in src/core/rfc3768.ts). Same in all four runs.",
  '43-preempt-delay-late-start recorded-4.txt':
    "lb2's delayed GARP burst (garp_master_delay, 5 s after it became master) came due with the advert that ended lb1's 2 s preempt_delay; keepalived sends the burst first, so that advert came late and was discarded, and lb1 took over one interval earlier than the simulator, which sends both at once and takes the advert (see preemptTimeUs in src/core/rfc3768.ts). Same in all four runs.",
  '45-sync-group-script-preempt-delay recorded.txt':
    'start race: by the BACKUP notifies lb2 (0.265 s) times out 8 ms before lb1 (0.468 s), so the replay makes lb2 master at start; in keepalived lb1 won (3.975 s): the two starts were closer than the notify jitter. Run 2 agrees.',
  '44-unicast-three-crash recorded-2.txt':
    "recording timing: recorded under a load average near 20; keepalived's notifies in this run came up to 0.38 s after the replay's transitions (lb2 notified MASTER at 4.203 s, after lb1's 4.136 s, though it timed out first and yielded to lb1). Run 1 agrees within 0.17 s.",
  '49-three-equal-priority recorded.txt':
    "tie race: lb2 and lb3 (both 100) heard lb1's last advert together, so their down timers expire together; in this run lb3 woke first and its advert reached lb2 before lb2's own timer fired, so lb2 never became MASTER. In run 2 both did and lb2 yielded to the higher address, as the simulator does at an exact tie.",
  '53-unicast-partition recorded-2.txt':
    "recording timing: lb1's MASTER notify came 0.15 s after its BACKUP notify + 3.414 s (load average near 20), so keepalived's adverts ran 0.15–0.23 s later than the replay's and lb2 yielded 0.34 s after the replayed heal answer. Run 1 agrees within 0.15 s.",
  '55-nopreempt-three-nodes recorded-2.txt':
    "start race: by the BACKUP notifies lb3 (0.261 s) times out 25 ms before lb1 (0.481 s) and, all nodes being nopreempt, stays master in the replay; keepalived's lb1 won (3.888 s) — the recorder launched lb1 first, and the notifies came in a different order. Run 1 agrees.",
};

describe('simulate against recordings of keepalived 2.2.7', () => {
  it('has recorded cases to compare', () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  for (const { name, recording } of cases) {
    const known = KNOWN[`${name} ${recording}`];
    const test = known === undefined ? it : it.fails;
    test(`${name} (${recording}): same states, transitions within tolerance${known ? ' [known difference]' : ''}`, async () => {
      const c = loadCase(name, recording);
      const { json, exitCode, stderr, argv } = await replay(c);
      expect(exitCode, `vrrp-lab ${argv.join(' ')}\n${stderr}`).toBe(0);
      const result = compare(c, simulatedRows(json, c.untilS));
      summary.push(`${result.ok ? 'PASS' : 'FAIL'} ${name} ${recording} (tolerance ${result.tolerance} s, worst Δ ${result.worstDelta.toFixed(3)} s)${result.ok ? '' : `\n  ${result.lines.join('\n  ')}`}`);
      if (!result.ok) throw new Error(`${name} differs from keepalived 2.2.7:\n${result.lines.join('\n')}\nreplay: vrrp-lab ${argv.join(' ')}`);
    });
  }

  afterAll(() => {
    if (process.env.ORACLE_SUMMARY) console.log(summary.sort().join('\n'));
  });
});
