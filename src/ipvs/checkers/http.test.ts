import { describe, expect, it } from 'vitest';
import { secondsToUs } from '../../core/time.js';
import { ipvsOps, logLines, s, startRun, type Answer, type World } from './checkers.test-utils.js';
import type { CheckerConfig, HttpGetSpec } from './types.js';

const S = secondsToUs;
const DIGEST = '9b3d8bbb8b3e8ea7a5b5e2f8f3c1d0aa';

function httpServer(spec: Partial<HttpGetSpec> = {}): CheckerConfig {
  return {
    virtualServers: [
      {
        key: 'vs',
        port: 80,
        delayLoopUs: S(10),
        warmupUs: 0,
        virtualhost: 'www.example.org',
        realServers: [
          {
            key: 'web1',
            address: '10.0.0.1',
            checkers: [{ type: 'http', connectTimeoutUs: S(3), urls: [{ path: '/health' }], ...spec }],
          },
        ],
      },
    ],
  };
}

const ok = (status = 200, digest?: string): Answer => ({ result: { type: 'http', outcome: 'response', status, ...(digest ? { digest } : {}) } });

describe('HTTP_GET (keepalived 2.2.7 check_http.c)', () => {
  it('fetches the url with the virtual server Host header and a connect_timeout budget', () => {
    const run = startRun(httpServer(), () => ok());
    run.runUntil(s(1));
    expect(run.log.find((r) => r.output.kind === 'probe')?.output).toMatchObject({
      type: 'http',
      address: '10.0.0.1',
      port: 80,
      path: '/health',
      host: 'www.example.org',
      timeoutUs: S(3),
    });
  });

  it('a status outside status_code counts as a failure: retry + 1 of them remove the server', () => {
    // default retry 1, delay_before_retry 3 s: 500 at 11 (retry) and 14 (down)
    const world: World = (_p, now) => (now >= s(10) ? ok(500) : ok());
    const run = startRun(httpServer(), world);
    run.runUntil(s(20));
    expect(ipvsOps(run)).toEqual(['0 add web1 w1', '14 remove web1 w1']);
    expect(logLines(run)).toContain('HTTP_CHECK on service web1 failed after 1 retries.');
  });

  it('accepts the configured status ranges (status_code 200 301-302)', () => {
    const run = startRun(httpServer({ urls: [{ path: '/', statusCodes: [[200, 200], [301, 302]] }] }), () => ok(302));
    run.runUntil(s(30));
    expect(ipvsOps(run)).toEqual(['0 add web1 w1']);
    const bad = startRun(httpServer({ urls: [{ path: '/', statusCodes: [[200, 200], [301, 302]] }] }), () => ok(204));
    bad.runUntil(s(1));
    expect(ipvsOps(bad)).toEqual(['0 add web1 w1', '1 remove web1 w1']);
  });

  it('a digest mismatch counts as a failure; the matching digest passes', () => {
    const cfg = httpServer({ retry: 0, urls: [{ path: '/', digest: DIGEST }] });
    const good = startRun(cfg, () => ok(200, DIGEST.toUpperCase()));
    good.runUntil(s(30));
    expect(ipvsOps(good)).toEqual(['0 add web1 w1']);
    const wrong = startRun(cfg, () => ok(200, '00000000000000000000000000000000'));
    wrong.runUntil(s(1));
    expect(ipvsOps(wrong)).toEqual(['0 add web1 w1', '1 remove web1 w1']);
  });

  it('a failed server is checked every max(delay_before_retry, delay_loop) and needs every url to pass again', () => {
    const cfg = httpServer({ retry: 0, delayBeforeRetryUs: S(2), urls: [{ path: '/a' }, { path: '/b' }] });
    // /a fails during [20, 35): the sweep is /a@1 /b@11 /a@21 (fails → down); /a@31 fails; /a@41 ok → restart at /a@51, /b@61 → up
    const world: World = (probe, now) => (probe.kind === 'probe' && probe.type === 'http' && probe.path === '/a' && now >= s(20) && now < s(35) ? ok(503) : ok());
    const run = startRun(cfg, world);
    run.runUntil(s(70));
    const probes = run.log.flatMap(({ at, output }) => (output.kind === 'probe' && output.type === 'http' ? [`${at / 1e6}${output.path}`] : []));
    expect(probes).toEqual(['1/a', '11/b', '21/a', '31/a', '41/a', '51/a', '61/b']);
    expect(ipvsOps(run)).toEqual(['0 add web1 w1', '21 remove web1 w1', '61 add web1 w1']);
  });

  it('a connection failure while up waits delay_before_retry before the retry', () => {
    const world: World = (_p, now) => (now >= s(10) ? { result: { type: 'http', outcome: 'connect-failed' } } : ok());
    const run = startRun(httpServer({ delayBeforeRetryUs: S(2) }), world);
    run.runUntil(s(14));
    expect(run.log.filter((r) => r.output.kind === 'probe').map((r) => r.at / 1e6)).toEqual([1, 11, 13]);
    expect(ipvsOps(run)).toEqual(['0 add web1 w1', '13 remove web1 w1']);
  });

  it('no answer within connect_timeout is a timeout the engine declares itself', () => {
    const world: World = (_p, now) => (now >= s(10) ? 'silent' : ok());
    const run = startRun(httpServer({ retry: 0 }), world);
    run.runUntil(s(20));
    expect(ipvsOps(run)).toEqual(['0 add web1 w1', '14 remove web1 w1']);
  });

  it('fast_recovery sweeps the urls back to back once the failed url answers', () => {
    const cfg = httpServer({ retry: 0, fastRecovery: true, urls: [{ path: '/a' }, { path: '/b' }] });
    const world: World = (probe, now) => (probe.kind === 'probe' && probe.type === 'http' && probe.path === '/a' && now >= s(20) && now < s(35) ? ok(503) : ok());
    const run = startRun(cfg, world);
    run.runUntil(s(50));
    // first sweep back to back (has not run): /a@1 /b@1; then /a@11 /b@21 /a@31(fails, down) … /a@41 ok → /a@41 /b@41 → up
    expect(ipvsOps(run)).toEqual(['0 add web1 w1', '31 remove web1 w1', '41 add web1 w1']);
  });
});
