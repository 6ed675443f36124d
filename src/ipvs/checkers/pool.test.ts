import { describe, expect, it } from 'vitest';
import { secondsToUs } from '../../core/time.js';
import { checkerEngine } from './engine.js';
import { ipvsOps, logLines, s, startRun, tcpRefused, tcpUp, type World } from './checkers.test-utils.js';
import { checkerStatus } from './status.js';
import type { CheckerConfig, CheckerOutput, RealServerConfig, VirtualServerConfig } from './types.js';

const S = secondsToUs;

/** Real servers with one TCP_CHECK each: retry 0 (one failure decides), delay_loop 10, warmup 0 ⇒ probes at 1, 11, 21, … */
function pool(names: readonly string[], vs: Partial<VirtualServerConfig> = {}, rs: Partial<RealServerConfig> = {}): CheckerConfig {
  return {
    virtualServers: [
      {
        key: 'vs',
        port: 80,
        delayLoopUs: S(10),
        warmupUs: 0,
        retry: 0,
        realServers: names.map((key) => ({ key, address: '10.0.0.1', checkers: [{ type: 'tcp' as const }], ...rs })),
        ...vs,
      },
    ],
  };
}

/** Each named server refuses during [from, to). */
const downs = (windows: Record<string, readonly [number, number]>): World => (probe, now) => {
  const w = windows[probe.kind === 'probe' ? probe.server : ''];
  return w !== undefined && now >= s(w[0]) && now < s(w[1]) ? tcpRefused : tcpUp;
};

const outputsOf = (run: ReturnType<typeof startRun>, kind: CheckerOutput['kind']): string[] =>
  run.log.flatMap(({ at, output }) => {
    if (output.kind !== kind) return [];
    if (output.kind === 'quorum') return [`${at / 1e6} ${output.up ? 'up' : 'down'}`];
    if (output.kind === 'notify') return [`${at / 1e6} ${output.event} ${output.script}`];
    return [];
  });

describe('start-up', () => {
  it('without alpha every real server is in the table from the start, in config order, and the quorum is gained', () => {
    const run = startRun(pool(['a', 'b', 'c'], { quorumUp: '/bin/qup' }), () => tcpUp);
    expect(ipvsOps(run)).toEqual(['0 add a w1', '0 add b w1', '0 add c w1']);
    expect(outputsOf(run, 'quorum')).toEqual(['0 up']);
    expect(outputsOf(run, 'notify')).toEqual(['0 quorum_up /bin/qup']);
    expect(logLines(run)).toContain('Gained quorum 1+0=1 <= 3 for VS vs');
  });

  it('with alpha a server waits for its first success, and a first failure runs notify_down without touching the table', () => {
    const run = startRun(pool(['a', 'b'], { alpha: true }, { notifyDown: '/bin/down', notifyUp: '/bin/up' }), downs({ b: [0, 100] }));
    expect(ipvsOps(run)).toEqual([]);
    run.runUntil(s(30));
    expect(ipvsOps(run)).toEqual(['1 add a w1']);
    expect(outputsOf(run, 'notify')).toEqual(['1 notify_up /bin/up', '1 notify_down /bin/down']);
    expect(outputsOf(run, 'quorum')).toEqual(['1 up']);
  });

  it('alpha with inhibit_on_failure puts servers in at weight 0 and raises them on success', () => {
    const run = startRun(pool(['a'], { alpha: true, inhibitOnFailure: true }, { weight: 5 }), () => tcpUp);
    expect(ipvsOps(run)).toEqual(['0 add a w0']);
    run.runUntil(s(1));
    expect(ipvsOps(run)).toEqual(['0 add a w0', '1 set-weight a w5']);
  });
});

describe('real server state is the AND of its checkers', () => {
  it('leaves when its first checker fails and returns only when the last failing one succeeds', () => {
    const cfg: CheckerConfig = {
      virtualServers: [
        {
          key: 'vs',
          port: 80,
          delayLoopUs: S(10),
          warmupUs: 0,
          retry: 0,
          realServers: [{ key: 'a', address: '10.0.0.1', checkers: [{ type: 'tcp', connectPort: 80 }, { type: 'tcp', connectPort: 22 }] }],
        },
      ],
    };
    const world: World = (probe, now) => {
      if (probe.kind !== 'probe' || probe.type !== 'tcp') return tcpUp;
      if (probe.port === 80) return now >= s(10) && now < s(30) ? tcpRefused : tcpUp; // checker 0 fails at 11 and 21
      return now >= s(20) && now < s(40) ? tcpRefused : tcpUp; // checker 1 fails at 21 and 31
    };
    const run = startRun(cfg, world);
    run.runUntil(s(50));
    expect(ipvsOps(run)).toEqual(['0 add a w1', '11 remove a w1', '41 add a w1']);
    expect(checkerStatus(run.state)[0]?.servers[0]).toMatchObject({ alive: true, checkersUp: [true, true], inTable: true });
  });
});

describe('inhibit_on_failure', () => {
  it('sets weight 0 instead of removing, and restores the weight on recovery', () => {
    const run = startRun(pool(['a', 'b'], { inhibitOnFailure: true }, { weight: 3 }), downs({ a: [10, 20] }));
    run.runUntil(s(30));
    expect(ipvsOps(run)).toEqual(['0 add a w3', '0 add b w3', '11 set-weight a w0', '21 set-weight a w3']);
    expect(logLines(run)).toContain('Disabling service a of VS vs');
    expect(logLines(run)).toContain('Enabling service a of VS vs');
  });
});

describe('quorum with hysteresis (ipwrapper.c update_quorum_state)', () => {
  // weights 1, 2, 3 (Σ 6); quorum 4, hysteresis 1: lost when W < 3, regained when W ≥ 5
  const cfg = (): CheckerConfig => ({
    virtualServers: [
      {
        key: 'vs',
        port: 80,
        delayLoopUs: S(10),
        warmupUs: 0,
        retry: 0,
        quorum: 4,
        hysteresis: 1,
        quorumUp: '/bin/qup',
        quorumDown: '/bin/qdown',
        realServers: [1, 2, 3].map((w) => ({ key: `w${w}`, address: '10.0.0.1', weight: w, checkers: [{ type: 'tcp' as const }] })),
      },
    ],
  });

  it('stays up at W = 3 (= quorum − hysteresis), is lost at W = 2, stays down at W = 4, is regained at W = 5', () => {
    // t=11: w3 down → W 3 (still up); t=21: w1 down → W 2 (lost); t=31: w3 back → W 5 (regained)
    const run = startRun(cfg(), downs({ w3: [10, 30], w1: [20, 50] }));
    run.runUntil(s(11));
    expect(checkerStatus(run.state)[0]).toMatchObject({ quorumUp: true, liveWeight: 3 });
    run.runUntil(s(21));
    expect(checkerStatus(run.state)[0]).toMatchObject({ quorumUp: false, liveWeight: 2 });
    run.runUntil(s(60));
    expect(outputsOf(run, 'quorum')).toEqual(['0 up', '21 down', '31 up']);
    expect(outputsOf(run, 'notify')).toEqual(['0 quorum_up /bin/qup', '21 quorum_down /bin/qdown', '31 quorum_up /bin/qup']);
    expect(logLines(run)).toContain('Lost quorum 4-1=3 > 2 for VS vs');
    expect(logLines(run)).toContain('Gained quorum 4+1=5 <= 5 for VS vs');
  });

  it('does not regain at W = 4 (below quorum + hysteresis)', () => {
    // t=11: w2 down → W 4 (up), w3 down → W 1 (lost); t=21: w3 back → W 4, below 4 + 1
    const run = startRun(cfg(), downs({ w2: [10, 40], w3: [10, 20] }));
    run.runUntil(s(35));
    expect(checkerStatus(run.state)[0]).toMatchObject({ quorumUp: false, liveWeight: 4 });
    run.runUntil(s(41));
    expect(checkerStatus(run.state)[0]).toMatchObject({ quorumUp: true, liveWeight: 6 });
  });

  it('lowers a quorum above the total weight and a hysteresis ≥ quorum, as keepalived warns', () => {
    const run = startRun(pool(['a', 'b'], { quorum: 5, hysteresis: 9 }), () => tcpUp);
    expect(logLines(run).slice(0, 2)).toEqual([
      'Warning - quorum 5 for vs exceeds total weight of real servers 2, reducing quorum to 2',
      'Virtual server vs: hysteresis 9 >= quorum 2; setting hysteresis to 1',
    ]);
  });
});

describe('sorry server', () => {
  const cfg = (inhibit = false): CheckerConfig =>
    pool(['a', 'b'], { quorum: 2, sorryServer: { key: 'sorry', address: '10.0.0.99', inhibit } });

  it('replaces the live servers when the quorum is lost and gives way when it is regained', () => {
    const run = startRun(cfg(), downs({ a: [10, 30] }));
    run.runUntil(s(40));
    expect(ipvsOps(run)).toEqual([
      '0 add a w1',
      '0 add b w1',
      // t=11: a fails → removed; W = 1 < 2 → quorum lost: b (still alive) out, sorry in
      '11 remove a w1',
      '11 remove b w1',
      '11 add sorry w1',
      // t=31: a back → W = 2: sorry out, live servers back in config order
      '31 remove sorry w1',
      '31 add a w1',
      '31 add b w1',
    ]);
    const sorryOps = run.log.filter((r) => r.output.kind === 'ipvs' && r.output.server === 'sorry');
    expect(sorryOps.every((r) => r.output.kind === 'ipvs' && r.output.sorry === true)).toBe(true);
  });

  it('leaves the table alone for servers that change while the sorry server stands in', () => {
    const run = startRun(cfg(), downs({ a: [10, 50], b: [20, 30] }));
    run.runUntil(s(40));
    // b dies at 21 and returns at 31 with the sorry server in: no ipvs change
    expect(ipvsOps(run)).toEqual(['0 add a w1', '0 add b w1', '11 remove a w1', '11 remove b w1', '11 add sorry w1']);
  });

  it('with sorry_server_inhibit the sorry server sits at weight 0 from the start', () => {
    const run = startRun(cfg(true), downs({ a: [10, 30] }));
    run.runUntil(s(40));
    expect(ipvsOps(run)).toEqual([
      '0 add a w1',
      '0 add b w1',
      '0 add sorry w0',
      '11 remove a w1',
      '11 remove b w1',
      '11 set-weight sorry w1',
      '31 set-weight sorry w0',
      '31 add a w1',
      '31 add b w1',
    ]);
  });

  it('with inhibit_on_failure the live servers drop to weight 0 while the sorry server stands in', () => {
    const cfg = pool(['a', 'b'], { quorum: 2, inhibitOnFailure: true, sorryServer: { key: 'sorry', address: '10.0.0.99' } });
    const run = startRun(cfg, downs({ a: [10, 30] }));
    run.runUntil(s(40));
    expect(ipvsOps(run)).toEqual([
      '0 add a w1',
      '0 add b w1',
      '11 set-weight a w0',
      '11 set-weight b w0',
      '11 add sorry w1',
      '31 remove sorry w1',
      '31 set-weight a w1',
      '31 set-weight b w1',
    ]);
  });

  it('is added at start when alpha leaves the quorum down', () => {
    const run = startRun(pool(['a'], { alpha: true, sorryServer: { key: 'sorry', address: '10.0.0.99' } }), () => tcpUp);
    expect(ipvsOps(run)).toEqual(['0 add sorry w1']);
    expect(logLines(run)).toContain('Starting with quorum down 1-0=1 > 0 for VS vs');
    run.runUntil(s(1));
    expect(ipvsOps(run)).toEqual(['0 add sorry w1', '1 remove sorry w1', '1 add a w1']);
  });
});

describe('shutdown', () => {
  it('removes every server (even inhibited ones) and, with omega, runs notify_down and quorum_down', () => {
    const cfg = pool(['a', 'b'], { omega: true, quorumDown: '/bin/qdown', inhibitOnFailure: true }, { notifyDown: '/bin/down' });
    const run = startRun(cfg, () => tcpUp);
    run.runUntil(s(5));
    run.feed({ kind: 'shutdown' });
    expect(ipvsOps(run).slice(2)).toEqual(['5 remove a w1', '5 remove b w1']);
    expect(outputsOf(run, 'notify')).toEqual(['5 notify_down /bin/down', '5 notify_down /bin/down', '5 quorum_down /bin/qdown']);
    expect(checkerEngine.nextDeadline(run.state)).toBeUndefined();
  });

  it('without omega runs no script', () => {
    const run = startRun(pool(['a'], { quorumDown: '/bin/qdown' }, { notifyDown: '/bin/down' }), () => tcpUp);
    run.feed({ kind: 'shutdown' });
    expect(outputsOf(run, 'notify')).toEqual([]);
    expect(ipvsOps(run)).toEqual(['0 add a w1', '0 remove a w1']);
  });
});
