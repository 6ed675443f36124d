import { describe, expect, it } from 'vitest';
import { isVrrpLabError } from '../../core/errors.js';
import { instant, secondsToUs } from '../../core/time.js';
import { checkerEngine } from './engine.js';
import { ipvsOps, logLines, s, startRun, tcpUp, times } from './checkers.test-utils.js';
import type { CheckerConfig, CheckerOutput } from './types.js';

const S = secondsToUs;

const config = (haSuspend = false, vipPresent?: boolean): CheckerConfig => ({
  ...(vipPresent === undefined ? {} : { vipPresent }),
  virtualServers: [
    {
      key: 'vs',
      port: 80,
      delayLoopUs: S(10),
      warmupUs: 0,
      haSuspend,
      realServers: [{ key: 'a', address: '10.0.0.1', checkers: [{ type: 'tcp', connectTimeoutUs: S(3) }] }],
    },
  ],
});

const firstProbe = (outputs: readonly CheckerOutput[]): (CheckerOutput & { kind: 'probe' }) | undefined =>
  outputs.find((o): o is CheckerOutput & { kind: 'probe' } => o.kind === 'probe');

describe('checkerEngine', () => {
  it('asks for its first deadline at 1 s and treats an early timeout as a no-op', () => {
    const { state, outputs } = checkerEngine.init(config(), instant(0));
    expect(checkerEngine.nextDeadline(state)).toBe(S(1));
    const early = checkerEngine.step(state, { kind: 'timeout' }, instant(S(0.5)));
    expect(early.outputs).toEqual([]);
    expect(outputs.some((o) => o.kind === 'ipvs')).toBe(true);
  });

  it('never mutates the state it is given', () => {
    const { state } = checkerEngine.init(config(), instant(0));
    const snapshot = JSON.stringify(state);
    const probed = checkerEngine.step(state, { kind: 'timeout' }, instant(S(1)));
    expect(JSON.stringify(state)).toBe(snapshot);
    const probe = firstProbe(probed.outputs);
    expect(probe).toBeDefined();
    const before = JSON.stringify(probed.state);
    checkerEngine.step(probed.state, { kind: 'probe-result', probeId: probe?.probeId ?? -1, result: { type: 'tcp', outcome: 'refused' } }, instant(S(1)));
    expect(JSON.stringify(probed.state)).toBe(before);
  });

  it('declares a timeout at start + connect_timeout and ignores the late answer', () => {
    const { state } = checkerEngine.init({ ...config(), virtualServers: [{ ...config().virtualServers[0]!, retry: 0 }] }, instant(0));
    const probed = checkerEngine.step(state, { kind: 'timeout' }, instant(S(1)));
    const probe = firstProbe(probed.outputs);
    expect(checkerEngine.nextDeadline(probed.state)).toBe(S(4));
    const timedOut = checkerEngine.step(probed.state, { kind: 'timeout' }, instant(S(4)));
    expect(timedOut.outputs).toContainEqual(expect.objectContaining({ kind: 'ipvs', op: 'remove', server: 'a' }));
    const late = checkerEngine.step(timedOut.state, { kind: 'probe-result', probeId: probe?.probeId ?? -1, result: { type: 'tcp', outcome: 'connected' } }, instant(S(5)));
    expect(late.outputs).toEqual([{ kind: 'log', text: `probe ${probe?.probeId} is not in flight (a late or unknown result, ignored)` }]);
  });

  it('ignores a result of the wrong type with a log line', () => {
    const { state } = checkerEngine.init(config(), instant(0));
    const probed = checkerEngine.step(state, { kind: 'timeout' }, instant(S(1)));
    const probeId = firstProbe(probed.outputs)?.probeId ?? -1;
    const wrong = checkerEngine.step(probed.state, { kind: 'probe-result', probeId, result: { type: 'misc', outcome: 'exited', code: 0 } }, instant(S(1)));
    expect(wrong.outputs).toEqual([{ kind: 'log', text: `probe ${probeId} is a tcp probe but got a misc result (ignored)` }]);
  });

  it('ha_suspend: no probes while the VIP is elsewhere; checks resume on the delay_loop grid once this node is master', () => {
    const run = startRun(config(true, false), () => tcpUp);
    run.runUntil(s(25));
    expect(times(run, 'probe')).toEqual([]);
    expect(logLines(run)).toContain('Deactivating healthchecker for service a for VS vs');
    run.feed({ kind: 'vrrp-state', master: true });
    run.runUntil(s(40));
    expect(times(run, 'probe')).toEqual([31]);
    expect(logLines(run)).toContain('Activating healthchecker for service a for VS vs');
    // the table is untouched by suspension: the server was added at start and stays
    expect(ipvsOps(run)).toEqual(['0 add a w1']);
  });

  it('rejects what keepalived could not load with a coded ConfigError', () => {
    const noUrl: CheckerConfig = {
      virtualServers: [{ key: 'vs', realServers: [{ key: 'a', address: '10.0.0.1', checkers: [{ type: 'http', urls: [] }] }] }],
    };
    const dup: CheckerConfig = {
      virtualServers: [{ key: 'vs', realServers: [{ key: 'a', address: '10.0.0.1', checkers: [] }, { key: 'a', address: '10.0.0.2', checkers: [] }] }],
    };
    for (const [cfg, code] of [[noUrl, 'checker-http-no-url'], [dup, 'checker-duplicate-key']] as const) {
      let caught: unknown;
      try {
        checkerEngine.init(cfg, instant(0));
      } catch (e) {
        caught = e;
      }
      expect(isVrrpLabError(caught) && caught.code).toBe(code);
    }
  });

  it('a real server without checkers is simply alive', () => {
    const cfg: CheckerConfig = { virtualServers: [{ key: 'vs', port: 80, realServers: [{ key: 'a', address: '10.0.0.1', checkers: [] }] }] };
    const { state, outputs } = checkerEngine.init(cfg, instant(0));
    expect(outputs.filter((o) => o.kind === 'ipvs')).toHaveLength(1);
    expect(checkerEngine.nextDeadline(state)).toBeUndefined();
  });

  it('is deterministic: the same config and seed give the same outputs', () => {
    const cfg: CheckerConfig = { ...config(), seed: 42, virtualServers: [{ ...config().virtualServers[0]!, warmupUs: S(10) }] };
    const a = startRun(cfg, () => tcpUp);
    const b = startRun(cfg, () => tcpUp);
    a.runUntil(s(100));
    b.runUntil(s(100));
    expect(JSON.stringify(a.log)).toBe(JSON.stringify(b.log));
  });
});
