import { describe, expect, it } from 'vitest';
import { secondsToUs } from '../../core/time.js';
import { ipvsOps, s, startRun, tcpRefused, tcpUp, times, type World } from './checkers.test-utils.js';
import type { CheckerConfig, RealServerConfig } from './types.js';

const S = secondsToUs;

/** The header's worked example: connect_timeout 3, retry 2, delay_before_retry 2, delay_loop 6, warmup 0. */
function oneServer(rs: Partial<RealServerConfig> = {}): CheckerConfig {
  return {
    virtualServers: [
      {
        key: 'vs',
        port: 2811,
        delayLoopUs: S(6),
        warmupUs: 0,
        realServers: [
          {
            key: 'rs1',
            address: '192.0.2.31',
            checkers: [{ type: 'tcp', connectTimeoutUs: S(3), retry: 2, delayBeforeRetryUs: S(2) }],
            ...rs,
          },
        ],
      },
    ],
  };
}

/** Answers until `diesAt`, silent (SYNs dropped) until `backAt`, then answers again. */
const outage = (diesAt: number, backAt = 1e6): World => (_probe, now) => (now >= s(diesAt) && now < s(backAt) ? 'silent' : tcpUp);

describe('TCP_CHECK timing (keepalived 2.2.7 tcp_epilog)', () => {
  it('follows the worked example: a silent server leaves at t0 + 3×connect_timeout + 2×delay_before_retry', () => {
    const run = startRun(oneServer(), outage(10));
    run.runUntil(s(50));
    expect(times(run, 'probe')).toEqual([1, 7, 13, 18, 23, 32, 37, 42]);
    // added at start (no alpha), removed when the third consecutive failure times out: 13 + 3·3 + 2·2 = 26
    expect(ipvsOps(run)).toEqual(['0 add rs1 w1', '26 remove rs1 w1']);
  });

  it('keeps the retry spacing on a down server (2.2.7), then delay_loop', () => {
    const run = startRun(oneServer(), outage(10));
    run.runUntil(s(70));
    // down at 26: 32 (→35), 37 (→40), 42 (→45, retries spent) then delay_loop: 51 (→54), 56, 61, 70
    expect(times(run, 'probe')).toEqual([1, 7, 13, 18, 23, 32, 37, 42, 51, 56, 61, 70]);
  });

  it('puts the server back on its first successful probe', () => {
    const run = startRun(oneServer(), outage(10, 55));
    run.runUntil(s(70));
    expect(ipvsOps(run)).toEqual(['0 add rs1 w1', '26 remove rs1 w1', '56 add rs1 w1']);
  });

  it('a refusing server (RST at once) leaves after retry × delay_before_retry', () => {
    const world: World = (_p, now) => (now >= s(10) ? tcpRefused : tcpUp);
    const run = startRun(oneServer(), world);
    run.runUntil(s(30));
    // failures at 13, 15, 17 → removed at 17
    expect(ipvsOps(run)).toEqual(['0 add rs1 w1', '17 remove rs1 w1']);
  });

  it('one success between failures resets the count', () => {
    // failures at 13 and 15, success at 17, then failing again from 23
    const world: World = (_p, now) => (now >= s(13) && now < s(17)) || now >= s(23) ? tcpRefused : tcpUp;
    const run = startRun(oneServer(), world);
    run.runUntil(s(40));
    expect(times(run, 'probe').slice(0, 7)).toEqual([1, 7, 13, 15, 17, 23, 25]);
    expect(ipvsOps(run)).toEqual(['0 add rs1 w1', '27 remove rs1 w1']);
  });

  it('the very first failure is decisive (retry_it starts at retry)', () => {
    const run = startRun(oneServer(), () => tcpRefused);
    run.runUntil(s(2));
    expect(ipvsOps(run)).toEqual(['0 add rs1 w1', '1 remove rs1 w1']);
  });

  it('uses keepalived defaults: delay_loop 60 s, connect_timeout 5 s, retry 1, delay_before_retry 1 s', () => {
    const cfg: CheckerConfig = {
      virtualServers: [{ key: 'vs', port: 80, warmupUs: 0, realServers: [{ key: 'rs1', address: '10.0.0.1', checkers: [{ type: 'tcp' }] }] }],
    };
    const run = startRun(cfg, (_p, now) => (now >= s(30) ? 'silent' : tcpUp));
    run.runUntil(s(200));
    // 1, 61 (silent → 66), retry at 67 (→ 72, down), then 73+… 60 s later: 132 (→137), 138 (→143), 203…
    expect(times(run, 'probe')).toEqual([1, 61, 67, 132, 138]);
    expect(ipvsOps(run)).toEqual(['0 add rs1 w1', '72 remove rs1 w1']);
  });

  it('probes connect_ip:connect_port with connect_timeout as the probe timeout', () => {
    const cfg = oneServer({ port: 2811, checkers: [{ type: 'tcp', connectIp: '10.9.9.9', connectPort: 22, connectTimeoutUs: S(3) }] });
    const run = startRun(cfg, () => tcpUp);
    run.runUntil(s(1));
    const probe = run.log.find((r) => r.output.kind === 'probe')?.output;
    expect(probe).toMatchObject({ kind: 'probe', type: 'tcp', address: '10.9.9.9', port: 22, timeoutUs: S(3), service: 'vs', server: 'rs1', checker: 0 });
  });

  it('spreads first checks over [1 s, 1 s + warmup] with the seed, the same way every run', () => {
    const cfg = (seed: number): CheckerConfig => ({
      seed,
      virtualServers: [
        {
          key: 'vs',
          port: 80,
          delayLoopUs: S(10),
          realServers: ['a', 'b', 'c', 'd'].map((key) => ({ key, address: '10.0.0.1', checkers: [{ type: 'tcp' as const }] })),
        },
      ],
    });
    const firsts = (seed: number): number[] => {
      const run = startRun(cfg(seed), () => tcpUp);
      run.runUntil(s(11));
      return ['a', 'b', 'c', 'd'].map((key) => times(run, 'probe', (o) => o.kind === 'probe' && o.server === key)[0] ?? -1);
    };
    expect(firsts(7)).toEqual(firsts(7));
    for (const t of firsts(7)) expect(t >= 1 && t <= 11).toBe(true);
    expect(firsts(7)).not.toEqual(firsts(8));
  });
});
