import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/index.js';
import { instant, secondsToUs, type Instant } from '../../core/time.js';
import { checkerEngine, checkerStatus, type CheckerOutput } from '../../ipvs/checkers/index.js';
import { createDirector, directorStats, removeRealServer, setRealServer } from '../../ipvs/director.js';
import { parseIpv4 } from '../../core/ipv4.js';
import { lvsFromConfig, type LvsPlan } from './from-config.js';

const S = secondsToUs;
const SEED_003 = new URL('../../../scenarios/seed-003-lvs-directors/lb1.conf', import.meta.url);

function plan(text: string, file = 'keepalived.conf'): ReturnType<typeof lvsFromConfig> {
  return lvsFromConfig(parseConfig(text, { file }).model);
}

function seed003(): ReturnType<typeof lvsFromConfig> {
  return plan(readFileSync(SEED_003, 'utf8'), 'lb1.conf');
}

/** Applies the checker's `ipvs` outputs to a director built from the plan, as a host would. */
function applyIpvs(p: LvsPlan, director: ReturnType<typeof createDirector>, outputs: readonly CheckerOutput[]): void {
  for (const o of outputs) {
    if (o.kind !== 'ipvs') continue;
    const entry = p.servers.find((s) => s.checkerService === o.service && s.checkerServer === o.server);
    if (entry === undefined) throw new Error(`no mapping for ${o.service} ${o.server}`);
    if (o.op === 'remove') removeRealServer(director, entry.directorService, entry.dest);
    else setRealServer(director, entry.directorService, { name: entry.dest, addr: parseIpv4(entry.address) ?? 0, port: entry.port, weight: o.weight, method: entry.method });
  }
}

describe('lvsFromConfig on seed 003 (lb1.conf)', () => {
  it('maps the DR wlc service and its two TCP_CHECKs without complaint', () => {
    const { value, diagnostics } = seed003();
    expect(diagnostics).toEqual([]);
    expect(value.services).toEqual([{ name: '192.0.2.80:2811', key: 'tcp:192.0.2.80:2811', vip: '192.0.2.80', port: 2811 }]);
    expect(value.director).toMatchObject({ name: 'lb1', services: [{ address: { kind: 'ip', proto: 'tcp', port: 2811 }, scheduler: 'wlc', realServers: [] }] });
    const vs = value.checker.virtualServers[0];
    expect(vs).toMatchObject({ key: 'tcp:192.0.2.80:2811', label: '[192.0.2.80]:tcp:2811', port: 2811, delayLoopUs: S(10) });
    expect(vs?.realServers.map((r) => [r.key, r.label, r.port, r.checkers])).toEqual([
      ['192.0.2.31:2811', '[192.0.2.31]:tcp:2811', 2811, [{ type: 'tcp', connectPort: 2811, connectTimeoutUs: S(3) }]],
      ['192.0.2.32:2811', '[192.0.2.32]:tcp:2811', 2811, [{ type: 'tcp', connectPort: 2811, connectTimeoutUs: S(3) }]],
    ]);
    expect(value.servers.map((s) => [s.dest, s.method, s.port])).toEqual([
      ['192.0.2.31:2811', 'dr', 2811],
      ['192.0.2.32:2811', 'dr', 2811],
    ]);
  });

  it('runs end to end: the checkers fill the director, and a failing TCP check takes 192.0.2.32 out at the computed instant', () => {
    const { value } = seed003();
    const director = createDirector(value.director);
    const cfg = { ...value.checker, virtualServers: value.checker.virtualServers.map((v) => ({ ...v, warmupUs: 0 })) };
    let step = checkerEngine.init(cfg, instant(0));
    applyIpvs(value, director, step.outputs);
    // kernel list order: the last added real server heads the list
    expect(directorStats(director).services[0]?.dests.map((d) => d.name)).toEqual(['192.0.2.32:2811', '192.0.2.31:2811']);
    // .32 refuses from t = 5 s; defaults: retry 1, delay_before_retry 1 s; delay_loop 10 s ⇒ probes at 1, 11 (fail), 12 (fail) ⇒ out at 12 s
    const answer = (o: CheckerOutput & { kind: 'probe' }, now: Instant): 'connected' | 'refused' =>
      o.server === '192.0.2.32:2811' && now >= S(5) ? 'refused' : 'connected';
    let now = instant(0);
    for (let i = 0; i < 20; i++) {
      const at = checkerEngine.nextDeadline(step.state);
      if (at === undefined || at > S(15)) break;
      now = at;
      step = checkerEngine.step(step.state, { kind: 'timeout' }, now);
      applyIpvs(value, director, step.outputs);
      for (const o of step.outputs) {
        if (o.kind !== 'probe') continue;
        step = checkerEngine.step(step.state, { kind: 'probe-result', probeId: o.probeId, result: { type: 'tcp', outcome: answer(o, now) } }, now);
        applyIpvs(value, director, step.outputs);
        if (step.outputs.some((x) => x.kind === 'ipvs' && x.op === 'remove')) expect(now).toBe(S(12));
      }
    }
    expect(directorStats(director).services[0]?.dests.map((d) => d.name)).toEqual(['192.0.2.31:2811']);
    expect(checkerStatus(step.state)[0]?.servers.map((s) => s.alive)).toEqual([true, false]);
  });
});

describe('lvsFromConfig corrections (check_data.c validate_check_config)', () => {
  const vsBlock = (body: string, head = '10.0.0.10 80'): string => `virtual_server ${head} {\n${body}\n}\n`;

  it('defaults: wlc, NAT (with a warning), UDP without protocol (with a warning)', () => {
    const { value, diagnostics } = plan(vsBlock('real_server 10.0.0.1 8080 {\n TCP_CHECK {\n }\n }'));
    expect(value.services[0]?.key).toBe('udp:10.0.0.10:80');
    expect(value.director.services[0]?.scheduler).toBe('wlc');
    expect(value.servers[0]).toMatchObject({ method: 'nat', port: 8080, dest: '10.0.0.1:8080' });
    expect(diagnostics.map((d) => d.code).sort()).toEqual(['lvs-method-default-nat', 'lvs-protocol-default-udp']);
  });

  it('resets a DR real server port to the service port, but the checker still probes the written port', () => {
    const { value, diagnostics } = plan(vsBlock('protocol TCP\nlb_kind DR\nreal_server 10.0.0.1 8080 {\n TCP_CHECK {\n }\n }'));
    expect(value.servers[0]).toMatchObject({ dest: '10.0.0.1:80', port: 80 });
    expect(value.checker.virtualServers[0]?.realServers[0]?.checkers[0]).toMatchObject({ connectPort: 8080 });
    expect(diagnostics.map((d) => d.code)).toEqual(['lvs-port-reset']);
  });

  it('reads the virtual and real server settings the typed model keeps as raw statements', () => {
    const body = [
      'protocol TCP', 'lb_kind DR', 'lb_algo rr', 'delay_loop 6', 'connect_timeout 2.5', 'retry 3', 'delay_before_retry 0.5', 'warmup 0',
      'inhibit_on_failure', 'weight 4', 'quorum 3', 'hysteresis 1', 'quorum_up "/bin/echo up"', 'quorum_down /bin/qdown arg',
      'alpha', 'omega', 'ha_suspend', 'sorry_server 10.0.0.99 80', 'sorry_server_inhibit',
      'real_server 10.0.0.1 80 {', ' alpha off', ' retry 1', ' notify_up /bin/rsup', ' notify_down /bin/rsdown', ' uthreshold 100',
      ' HTTP_GET {', '  url {', '   path /health', '   status_code 200 301-302', '   digest 9B3D8BBB8B3E8EA7A5B5E2F8F3C1D0AA', '  }', '  fast_recovery', ' }',
      ' MISC_CHECK {', '  misc_path "/bin/check 10.0.0.1"', '  misc_timeout 4', '  misc_dynamic', ' }',
      '}',
    ].join('\n');
    const { value } = plan(vsBlock(body));
    const vs = value.checker.virtualServers[0];
    expect(vs).toMatchObject({
      delayLoopUs: S(6), connectTimeoutUs: S(2.5), retry: 3, delayBeforeRetryUs: S(0.5), warmupUs: 0, inhibitOnFailure: true, weight: 4,
      quorum: 3, hysteresis: 1, quorumUp: '/bin/echo up', quorumDown: '/bin/qdown arg', alpha: true, omega: true, haSuspend: true,
      sorryServer: { key: '10.0.0.99:80', address: '10.0.0.99', port: 80, inhibit: true },
    });
    expect(vs?.realServers[0]).toMatchObject({ alpha: false, retry: 1, notifyUp: '/bin/rsup', notifyDown: '/bin/rsdown' });
    expect(vs?.realServers[0]?.checkers).toEqual([
      { type: 'http', connectPort: 80, urls: [{ path: '/health', digest: '9b3d8bbb8b3e8ea7a5b5e2f8f3c1d0aa', statusCodes: [[200, 200], [301, 302]] }], fastRecovery: true },
      { type: 'misc', path: '/bin/check 10.0.0.1', timeoutUs: S(4), dynamic: true },
    ]);
    expect(value.director.services[0]?.scheduler).toBe('rr');
    expect(value.servers.map((s) => [s.dest, s.sorry ?? false, s.uThreshold])).toEqual([['10.0.0.1:80', false, 100], ['10.0.0.99:80', true, undefined]]);
    // the engine accepts what the mapping produced
    expect(() => checkerEngine.init(value.checker, instant(0))).not.toThrow();
  });

  it('leaves out what the model cannot run, with a diagnostic', () => {
    const text = [
      vsBlock('protocol TCP\nreal_server 10.0.0.1 80 {\n DNS_CHECK {\n  name example.org\n }\n TCP_CHECK {\n }\n}', '10.0.0.10 53'),
      vsBlock('real_server 10.0.0.2 80 {\n}', 'group G1'),
      vsBlock('protocol SCTP\nreal_server 10.0.0.3 80 {\n}', '10.0.0.11 80'),
    ].join('');
    const { value, diagnostics } = plan(text);
    expect(value.services.map((s) => s.key)).toEqual(['tcp:10.0.0.10:53']);
    expect(value.checker.virtualServers[0]?.realServers[0]?.checkers.map((c) => c.type)).toEqual(['tcp']);
    expect(diagnostics.map((d) => d.code)).toEqual(expect.arrayContaining(['lvs-checker-not-simulated', 'lvs-group-not-simulated', 'lvs-sctp-not-simulated']));
  });

  it('maps a fwmark service with port 0 destinations', () => {
    const { value } = plan(vsBlock('lb_kind DR\npersistence_timeout 60\nreal_server 10.0.0.1 80 {\n TCP_CHECK {\n }\n}', 'fwmark 7'));
    expect(value.services[0]).toMatchObject({ key: 'fwmark:7', name: 'fwmark 7' });
    expect(value.servers[0]).toMatchObject({ dest: '10.0.0.1:0', port: 0 });
    expect(value.checker.virtualServers[0]?.realServers[0]?.checkers[0]).toMatchObject({ connectPort: 80 });
    expect(value.director.services[0]?.persistence).toEqual({ timeoutS: 60 });
  });
});
