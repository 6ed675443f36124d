import { describe, expect, it } from 'vitest';
import { secondsToUs } from '../../core/time.js';
import { ipvsOps, logLines, s, startRun, times, type Answer, type World } from './checkers.test-utils.js';
import { checkerStatus } from './status.js';
import type { CheckerConfig, MiscCheckSpec } from './types.js';

const S = secondsToUs;

function miscServer(spec: Partial<MiscCheckSpec> = {}, weight = 10): CheckerConfig {
  return {
    virtualServers: [
      {
        key: 'vs',
        port: 80,
        delayLoopUs: S(10),
        warmupUs: 0,
        realServers: [{ key: 'rs', address: '10.0.0.1', weight, checkers: [{ type: 'misc', path: '/usr/local/bin/check rs', ...spec }] }],
      },
    ],
  };
}

const exit = (code: number, afterS = 0): Answer => ({ result: { type: 'misc', outcome: 'exited', code }, afterUs: S(afterS) });

/** Exit codes by time window: [[fromS, code], …], the last window whose start has passed wins. */
const codes = (table: readonly (readonly [number, number])[], afterS = 0): World => (_p, now) => {
  let code = 0;
  for (const [from, c] of table) if (now >= s(from)) code = c;
  return exit(code, afterS);
};

describe('MISC_CHECK (keepalived 2.2.7 check_misc.c)', () => {
  it('runs misc_path; one non-zero exit (default retry 0) removes the server', () => {
    const run = startRun(miscServer(), codes([[0, 0], [15, 1]]));
    run.runUntil(s(30));
    expect(run.log.find((r) => r.output.kind === 'probe')?.output).toMatchObject({ type: 'misc', command: '/usr/local/bin/check rs', timeoutUs: S(10) });
    expect(ipvsOps(run)).toEqual(['0 add rs w10', '21 remove rs w10']);
    expect(logLines(run)).toContain('Misc check for [rs VS vs] by [/usr/local/bin/check rs] failed with retry disabled (exited with status 1).');
  });

  it('times the next run from the start of the last one', () => {
    // each run takes 4 s: starts at 1, 11, 21 (not 1, 15, 29)
    const run = startRun(miscServer(), codes([[0, 0]], 4));
    run.runUntil(s(25));
    expect(times(run, 'probe')).toEqual([1, 11, 21]);
  });

  it('with retry, spaces retries by delay_before_retry from the start of the failed run', () => {
    const run = startRun(miscServer({ retry: 2, delayBeforeRetryUs: S(3) }), codes([[0, 0], [15, 1]], 1));
    run.runUntil(s(40));
    // 21 fails (retry 1) → 24 fails (retry 2) → 27 fails → down at 28 (the run ends 1 s after it starts), next 27 + 10
    expect(times(run, 'probe')).toEqual([1, 11, 21, 24, 27, 37]);
    expect(ipvsOps(run)).toEqual(['0 add rs w10', '28 remove rs w10']);
  });

  it('a script still running at misc_timeout is killed and counts as a failure', () => {
    const world: World = (_p, now) => (now >= s(10) ? 'silent' : exit(0));
    const run = startRun(miscServer({ timeoutUs: S(5) }), world);
    run.runUntil(s(20));
    expect(ipvsOps(run)).toEqual(['0 add rs w10', '16 remove rs w10']);
    expect(logLines(run).some((l) => l.includes('timed out with retry disabled'))).toBe(true);
  });

  it('misc_dynamic: exit 2–255 is up with weight code − 2, 1 is down, 0 restores the configured weight', () => {
    const run = startRun(miscServer({ dynamic: true }), codes([[0, 0], [10, 7], [20, 2], [30, 1], [40, 5], [50, 0]]));
    run.runUntil(s(55));
    expect(ipvsOps(run)).toEqual([
      '0 add rs w10',
      '11 set-weight rs w5', // exit 7
      '21 set-weight rs w0', // exit 2: up with weight 0
      '31 remove rs w0', // exit 1: down
      '41 add rs w3', // exit 5: up again with weight 3
      '51 set-weight rs w10', // exit 0: configured weight
    ]);
    expect(logLines(run)).toContain('Changing weight from 10 to 5 for active service rs of VS vs');
  });

  it('misc_dynamic weights count in the quorum', () => {
    const cfg: CheckerConfig = { ...miscServer({ dynamic: true }), virtualServers: [{ ...miscServer({ dynamic: true }).virtualServers[0]!, quorum: 8 }] };
    const run = startRun(cfg, codes([[0, 0], [10, 7]]));
    run.runUntil(s(12));
    // weight 5 < quorum 8: lost, though the server is up
    expect(checkerStatus(run.state)[0]).toMatchObject({ quorumUp: false, liveWeight: 5 });
  });

  it('without misc_dynamic any non-zero exit is a failure', () => {
    const run = startRun(miscServer(), codes([[0, 0], [10, 7]]));
    run.runUntil(s(12));
    expect(ipvsOps(run)).toEqual(['0 add rs w10', '11 remove rs w10']);
  });
});
